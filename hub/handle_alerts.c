/*
 * handle_alerts.c: alerts at publish (check, record), acknowledgements, the
 * alert board and CAP export (see alerts.h, handle.h).
 */
#include "alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "alert_rules.h"
#include "attrs.h"
#include "cap.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"

/* ------------------------------------------------------------ at publish */

typedef struct {
    int found;
    int64_t author_id;
    char network[DIR_NAME_LEN];
} ref_t;

static int
s_ref_row(const archive_alert_t *a, void *arg)
{
    ref_t *r = arg;
    r->found = 1;
    r->author_id = a->author_id;
    snprintf(r->network, sizeof r->network, "%s", a->network);
    return 1;
}

typedef struct {
    int found;
    char network[DIR_NAME_LEN];
    char state[8];
} case_ref_t;

static int
s_case_row(const archive_case_t *c, void *arg)
{
    case_ref_t *r = arg;
    r->found = 1;
    snprintf(r->network, sizeof r->network, "%s", c->network);
    snprintf(r->state, sizeof r->state, "%s", c->state);
    return 1;
}

const char *
alerts_check(const req_t *r, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients, char *why, size_t cap)
{
    const hub_env_t *env = r->env;
    const dir_entry_t *who = r->who;
    char net[DIR_NAME_LEN];
    topic_network(topic, net, sizeof net);
    if (c->case_id) {
        case_ref_t cr = {0};
        if (archive_case_get(env->archive, c->case_id, s_case_row, &cr) < 0)
            return "archive unavailable";
        disclose_reader_t reader = {.dir = env->dir, .who = who, .now_ms = r->now};
        if (!cr.found || disclose_case(&reader, cr.network) < DISCLOSE_ENVELOPE)
            return "no case with that number that you may see";
        if (strcmp(cr.network, net) != 0)
            return "the case belongs to another network than this topic";
        if (strcmp(cr.state, "open") != 0)
            return "the case is closed: reopen it first";
    }
    if (c->escalation)
        return "only the hub writes escalations";
    const Enlace__Alert *a = c->alert;
    if (!a)
        return NULL;
    const char *bad = alert_rules_check(a, c->body.data, c->body.len, c->sealed != NULL);
    if (bad)
        return bad;
    for (size_t i = 0; i < a->n_countries; i++) {
        const char *status = archive_country_status(env->archive, a->countries[i]);
        if (!status)
            return "an alert names a country that is not in the CRM directory";
        if (alert_rules_needs_ack(a) && strcmp(status, "member") != 0)
            return "urgent and flash alerts concern member countries (they acknowledge)";
    }
    /* Its label must let every country it concerns read it. */
    disclose_msg_t dm = {.topic = topic,
        .network = net,
        .tlp = tlp,
        .recipients = recipients,
        .author_id = who->officer_id,
        .author_home = acl_home(who)};
    const char *disagree = disclose_alert_countries(env->dir, &dm,
        (const char *const *)a->countries, a->n_countries, why, cap);
    if (disagree)
        return disagree;
    for (size_t i = 0; i < a->n_references; i++) {
        ref_t ref = {0};
        if (archive_alert_get(env->archive, a->references[i], s_ref_row, &ref) < 0)
            return "archive unavailable";
        if (!ref.found)
            return "a referenced alert does not exist";
        if (strcmp(ref.network, net) != 0)
            return "a referenced alert belongs to another network";
        if (ref.author_id != who->officer_id) {
            /* The author keeps control; the focal point of the author's
             * country may act for it. */
            const dir_entry_t *author = directory_find_officer(env->dir, ref.author_id);
            const char *role = directory_membership(who, net);
            if (!author || strcmp(acl_home(author), acl_home(who)) != 0 || !role
                || strcmp(role, "focal") != 0)
                return "only the author, or the focal point of the author's country, may "
                       "update or cancel an alert";
        }
    }
    return NULL;
}

int
alerts_stored(const req_t *r, const Enlace__Content *c, uint64_t seq, const char *topic,
    const char *network, int64_t stored_ms)
{
    const Enlace__Alert *a = c->alert;
    if (!a)
        return 0;
    archive_t *archive = r->env->archive;
    char countries[16 * 4] = "", refs[16 * 24] = "";
    for (size_t i = 0; i < a->n_countries; i++) {
        strcat(countries, i ? "," : "");
        strncat(countries, a->countries[i], 3);
    }
    for (size_t i = 0; i < a->n_references; i++) {
        char one[24];
        snprintf(one, sizeof one, "%s%llu", i ? "," : "", (unsigned long long)a->references[i]);
        strcat(refs, one);
    }
    archive_alert_t row = {.seq = seq,
        .topic = topic,
        .network = network,
        .author_id = r->who->officer_id,
        .priority = a->priority,
        .category = a->category,
        .status = a->status,
        .msg_type = a->msg_type,
        .countries = countries,
        .headline = a->headline,
        .refs = refs,
        .case_id = c->case_id,
        .needs_ack = alert_rules_needs_ack(a),
        .expires_ms = a->expires_ms,
        .stored_ms = stored_ms};
    int64_t period = alert_rules_period(a->priority, r->env->cfg->deadline_urgent_ms,
        r->env->cfg->deadline_flash_ms);
    if (archive_alert_insert(archive, &row, period) != 0)
        return -1;
    if (a->msg_type != ENLACE__CAP_MSG_TYPE__CAP_ALERT)
        for (size_t i = 0; i < a->n_references; i++)
            if (archive_alert_close(archive, a->references[i],
                    a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_CANCEL ? "cancelled" : "superseded",
                    seq)
                != 0)
                return -1;
    return row.needs_ack;
}

/* ------------------------------------------------------------ acknowledgements */

typedef struct {
    char countries[64];
    char network[DIR_NAME_LEN];
} alert_row_t;

static int
s_alert_copy(const archive_alert_t *a, void *arg)
{
    alert_row_t *r = arg;
    snprintf(r->countries, sizeof r->countries, "%s", a->countries);
    snprintf(r->network, sizeof r->network, "%s", a->network);
    return 1;
}

int
handle_alert_ack(req_t *r, const Enlace__AlertAck *a)
{
    const hub_env_t *env = r->env;
    alert_row_t row = {0};
    attrs_t attrs;
    if (archive_alert_get(env->archive, a->alert_seq, s_alert_copy, &row) != 1
        || !attrs_readable(env->archive, env->dir, r->who, a->alert_seq, r->now, &attrs))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no alert with that number that you may see");
    if (strlen(a->note) > 1000 || !topic_text_valid(a->note, strlen(a->note)))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "the note must be text of at most 1000 bytes");
    char needle[8], hay[80];
    snprintf(needle, sizeof needle, ",%s,", r->who->country);
    snprintf(hay, sizeof hay, ",%s,", row.countries);
    if (!r->who->country[0] || !strstr(hay, needle) || !acl_is_member(r->who, row.network))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "only an officer of a country the alert concerns acknowledges it, in its network");
    int rc = archive_alert_ack(env->archive, a->alert_seq, r->who->country, r->who->officer_id,
        a->note, r->now);
    if (rc < 0) {
        log_error("ack: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    if (rc == 1)
        log_info("alert %llu acknowledged for %s by %s", (unsigned long long)a->alert_seq,
            r->who->country, r->who->fingerprint);
    /* Acknowledging twice is fine; a cancelled alert says so. */
    return req_ok(r);
}

/* ------------------------------------------------------------ status */

static char *
s_dup(const char *s)
{
    return strdup(s ? s : "");
}

typedef struct {
    const directory_t *dir;
    Enlace__AlertStatus *st;
    int64_t now;
} targets_ctx_t;

static int
s_target_status(const archive_target_t *t, void *arg)
{
    targets_ctx_t *tc = arg;
    Enlace__AlertStatus *st = tc->st;
    Enlace__TargetState **grown = realloc(st->targets, (st->n_targets + 1) * sizeof *st->targets);
    Enlace__TargetState *ts = malloc(sizeof *ts);
    if (!grown || !ts) {
        free(ts);
        if (grown)
            st->targets = grown;
        return 1;
    }
    st->targets = grown;
    enlace__target_state__init(ts);
    const char *state = t->state;
    if (!strcmp(state, "pending")
        && (t->level > 0 || (t->deadline_ms && t->deadline_ms <= tc->now)))
        state = "overdue";
    else if (!strcmp(state, "none"))
        state = "not required";
    ts->country = s_dup(t->country);
    ts->state = s_dup(state);
    const dir_entry_t *by = t->acked_by ? directory_find_officer(tc->dir, t->acked_by) : NULL;
    ts->acked_by = s_dup(by ? by->name : "");
    ts->acked_by_fingerprint = s_dup(by ? by->fingerprint : "");
    ts->acked_ms = t->acked_ms;
    ts->note = s_dup(t->note);
    ts->level = (uint32_t)t->level;
    ts->deadline_ms = t->deadline_ms;
    st->targets[st->n_targets++] = ts;
    return 0;
}

typedef struct {
    uint64_t case_id;
    int needs_ack;
    uint64_t superseded_by;
    int found;
} status_row_t;

static int
s_status_row(const archive_alert_t *a, void *arg)
{
    status_row_t *r = arg;
    r->found = 1;
    r->case_id = a->case_id;
    r->needs_ack = a->needs_ack;
    r->superseded_by = a->superseded_by;
    return 1;
}

typedef struct {
    Enlace__Content *content;
    int64_t stored_ms;
    int64_t author_id;
} content_row_t;

static int
s_content_row(const archive_msg_t *m, void *arg)
{
    content_row_t *c = arg;
    c->content = enlace__content__unpack(NULL, m->content_len, m->content);
    c->stored_ms = m->stored_ms;
    c->author_id = m->author_id;
    return 1;
}

alerts_status_t *
alerts_status(const hub_env_t *env, const dir_entry_t *who, uint64_t seq, int64_t now_ms)
{
    attrs_t attrs;
    status_row_t row = {0};
    if (archive_alert_get(env->archive, seq, s_status_row, &row) != 1 || !row.found
        || !attrs_readable(env->archive, env->dir, who, seq, now_ms, &attrs))
        return NULL;
    content_row_t cr = {0};
    if (archive_message_read(env->archive, seq, s_content_row, &cr) != 1 || !cr.content
        || !cr.content->alert) {
        enlace__content__free_unpacked(cr.content, NULL);
        return NULL;
    }
    alerts_status_t *wrap = malloc(sizeof *wrap);
    if (!wrap) {
        enlace__content__free_unpacked(cr.content, NULL);
        return NULL;
    }
    Enlace__AlertStatus *st = &wrap->st;
    enlace__alert_status__init(st);
    wrap->content = cr.content;
    st->seq = seq;
    st->topic = s_dup(attrs.topic);
    st->alert = cr.content->alert;           /* points into wrap->content */
    st->sealed = cr.content->sealed != NULL; /* its headline and area are in the seal */
    const dir_entry_t *author = directory_find_officer(env->dir, cr.author_id);
    st->author_name = s_dup(author ? author->name : "");
    st->author_fingerprint = s_dup(author ? author->fingerprint : "");
    st->author_country = s_dup(author ? acl_home(author) : "");
    st->stored_ms = cr.stored_ms;
    st->case_id = row.case_id;
    st->needs_ack = row.needs_ack;
    st->superseded_by = row.superseded_by;
    targets_ctx_t tc = {.dir = env->dir, .st = st, .now = now_ms};
    archive_alert_targets(env->archive, seq, s_target_status, &tc);
    return wrap;
}

void
alerts_status_free(alerts_status_t *wrap)
{
    if (!wrap)
        return;
    Enlace__AlertStatus *st = &wrap->st;
    for (size_t i = 0; i < st->n_targets; i++) {
        Enlace__TargetState *t = st->targets[i];
        free(t->country);
        free(t->state);
        free(t->acked_by);
        free(t->acked_by_fingerprint);
        free(t->note);
        free(t);
    }
    free(st->targets);
    free(st->topic);
    free(st->author_name);
    free(st->author_fingerprint);
    free(st->author_country);
    enlace__content__free_unpacked(wrap->content, NULL);
    free(wrap);
}

/* ------------------------------------------------------------ the board and CAP */

typedef struct {
    uint64_t seqs[500];
    int n;
} seq_list_t;

static int
s_collect_seq(const archive_alert_t *a, void *arg)
{
    seq_list_t *l = arg;
    if (l->n < 500)
        l->seqs[l->n++] = a->seq;
    return 0;
}

int
handle_alerts_query(req_t *r, const Enlace__AlertsQuery *q)
{
    const hub_env_t *env = r->env;
    static seq_list_t list; /* hub thread only; too large for the stack */
    list.n = 0;
    int limit = q->limit && q->limit < 500 ? (int)q->limit : 100;
    if (q->alert_seq)
        list.seqs[list.n++] = q->alert_seq;
    else if (archive_alerts_each(env->archive, q->open_only, limit, s_collect_seq, &list) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    Enlace__AlertStatus **items = calloc((size_t)list.n + 1, sizeof *items);
    alerts_status_t **wraps = calloc((size_t)list.n + 1, sizeof *wraps);
    size_t n = 0;
    for (int i = 0; items && wraps && i < list.n; i++) {
        alerts_status_t *w = alerts_status(env, r->who, list.seqs[i], r->now);
        if (w) {
            wraps[n] = w;
            items[n++] = &w->st;
        }
    }
    int rc;
    if (!items || !wraps) {
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    } else if (q->alert_seq && n == 0) {
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no alert with that number that you may see");
    } else {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__AlertList al = ENLACE__ALERT_LIST__INIT;
        al.n_alerts = n;
        al.alerts = items;
        frame.body_case = ENLACE__FRAME__BODY_ALERT_LIST;
        frame.alert_list = &al;
        rc = req_reply(r, &frame);
    }
    for (size_t i = 0; i < n; i++)
        alerts_status_free(wraps[i]);
    free(items);
    free(wraps);
    return rc;
}

int
handle_cap(req_t *r, const Enlace__CapExport *q)
{
    const hub_env_t *env = r->env;
    disclose_reader_t reader = {.dir = env->dir, .who = r->who, .now_ms = r->now};
    char *xml = NULL, err[256];
    if (cap_export(env->archive, &reader, notary_fingerprint(env->notary), q->alert_seq, &xml, err,
            sizeof err)
        != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND, "%s", err);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__CapXml cx = ENLACE__CAP_XML__INIT;
    cx.xml = xml;
    frame.body_case = ENLACE__FRAME__BODY_CAP_XML;
    frame.cap_xml = &cx;
    int rc = req_reply(r, &frame);
    free(xml);
    return rc;
}
