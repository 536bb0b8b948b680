/*
 * alerts.c: the alert tracker (see alerts.h).
 *
 * Targets at level 0 are the country's focal points in the alert's network,
 * or, if the country has none registered there, all its officers in that
 * network. Escalation messages are written by the hub, signed with its key,
 * TLP:RED to the officers they name, on NET/alerts/escalation, so they are
 * archived and verifiable like any message.
 */
#include "alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cap.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"

static const char *s_categories[] = {"other", "death", "disaster", "trafficking", "smuggling",
    "missing-child", "unaccompanied-child", "return-assistance"};
static const char *s_priorities[] = {"routine", "priority", "urgent", "flash"};

const char *
alerts_category_name(int category)
{
    return category >= 0 && category < 8 ? s_categories[category] : "other";
}

int
alerts_category_parse(const char *name)
{
    for (int i = 0; i < 8; i++)
        if (!strcmp(name, s_categories[i]))
            return i;
    return -1;
}

const char *
alerts_priority_name(int priority)
{
    return priority >= 0 && priority < 4 ? s_priorities[priority] : "routine";
}

static int
s_needs_ack(const Enlace__Alert *a)
{
    return a->priority >= ENLACE__PRIORITY__PRIORITY_URGENT
        && a->msg_type != ENLACE__CAP_MSG_TYPE__CAP_CANCEL
        && (a->status == ENLACE__CAP_STATUS__CAP_ACTUAL
            || a->status == ENLACE__CAP_STATUS__CAP_EXERCISE);
}

static int64_t
s_period(hub_t *self, int priority)
{
    return priority == ENLACE__PRIORITY__PRIORITY_FLASH ? self->cfg->deadline_flash_ms
                                                        : self->cfg->deadline_urgent_ms;
}

/* ------------------------------------------------------------ checking */

typedef struct {
    int found;
    int64_t author_id;
    char network[24];
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
    char network[24];
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
alerts_check(hub_t *self, const dir_entry_t *who, const Enlace__Content *c, const char *topic,
    int tlp, const char *recipients, char *why, size_t cap)
{
    char net[24];
    topic_network(topic, net, sizeof net);
    if (c->case_id) {
        case_ref_t cr = {0};
        if (archive_case_get(self->archive, c->case_id, s_case_row, &cr) < 0)
            return "archive unavailable";
        disclose_reader_t reader = {.dir = self->dir, .who = who, .now_ms = archive_now_ms()};
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
    if ((unsigned)a->priority > ENLACE__PRIORITY__PRIORITY_FLASH
        || (unsigned)a->category > ENLACE__CATEGORY__CATEGORY_RETURN_ASSISTANCE
        || (unsigned)a->status > ENLACE__CAP_STATUS__CAP_DRAFT
        || (unsigned)a->msg_type > ENLACE__CAP_MSG_TYPE__CAP_CANCEL
        || (unsigned)a->urgency > ENLACE__CAP_URGENCY__URGENCY_PAST
        || (unsigned)a->severity > ENLACE__CAP_SEVERITY__SEVERITY_MINOR
        || (unsigned)a->certainty > ENLACE__CAP_CERTAINTY__CERTAINTY_UNLIKELY)
        return "an alert field has a value this hub does not know";
    size_t hl = strlen(a->headline);
    if (hl == 0 || hl > 200 || !topic_text_valid(a->headline, hl))
        return "an alert needs a headline of 1 to 200 bytes of text";
    if (strlen(a->area) > 400 || !topic_text_valid(a->area, strlen(a->area)))
        return "the area description is not valid text (at most 400 bytes)";
    if (!topic_text_valid((const char *)c->body.data, c->body.len))
        return "an alert's description must be UTF-8 text";
    if (a->n_countries == 0 || a->n_countries > 16)
        return "an alert concerns 1 to 16 countries";
    for (size_t i = 0; i < a->n_countries; i++) {
        const char *status = archive_country_status(self->archive, a->countries[i]);
        if (!status)
            return "an alert names a country that is not in the CRM directory";
        if (s_needs_ack(a) && strcmp(status, "member") != 0)
            return "urgent and flash alerts concern member countries (they acknowledge)";
        for (size_t k = 0; k < i; k++)
            if (!strcmp(a->countries[k], a->countries[i]))
                return "a country is named twice";
    }
    if (a->language[0] && strcmp(a->language, "es") && strcmp(a->language, "en"))
        return "the alert language is es or en";
    /* Its label must let every country it concerns read it. */
    disclose_msg_t dm = {.topic = topic, .network = net, .tlp = tlp, .recipients = recipients,
        .author_id = who->officer_id, .author_home = acl_home(who)};
    const char *disagree = disclose_alert_countries(self->dir, &dm,
        (const char *const *)a->countries, a->n_countries, why, cap);
    if (disagree)
        return disagree;
    if ((a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_UPDATE
            || a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_CANCEL)
        && a->n_references == 0)
        return "an update or cancellation names the alert(s) it refers to";
    if (a->n_references > 16)
        return "at most 16 references";
    for (size_t i = 0; i < a->n_references; i++) {
        ref_t r = {0};
        if (archive_alert_get(self->archive, a->references[i], s_ref_row, &r) < 0)
            return "archive unavailable";
        if (!r.found)
            return "a referenced alert does not exist";
        if (strcmp(r.network, net) != 0)
            return "a referenced alert belongs to another network";
        if (r.author_id != who->officer_id) {
            /* The author keeps control; the focal point of the author's
             * country may act for it. */
            const dir_entry_t *author = directory_find_officer(self->dir, r.author_id);
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
alerts_stored(hub_t *self, const dir_entry_t *who, const Enlace__Content *c, uint64_t seq,
    const char *topic, const char *network, int64_t stored_ms)
{
    const Enlace__Alert *a = c->alert;
    if (!a)
        return 0;
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
    archive_alert_t row = {.seq = seq, .topic = topic, .network = network,
        .author_id = who->officer_id, .priority = a->priority, .category = a->category,
        .status = a->status, .msg_type = a->msg_type, .countries = countries,
        .headline = a->headline, .refs = refs, .case_id = c->case_id, .needs_ack = s_needs_ack(a),
        .expires_ms = a->expires_ms, .stored_ms = stored_ms};
    if (archive_alert_insert(self->archive, &row, s_period(self, a->priority)) != 0)
        return -1;
    if (a->msg_type != ENLACE__CAP_MSG_TYPE__CAP_ALERT)
        for (size_t i = 0; i < a->n_references; i++)
            if (archive_alert_close(self->archive, a->references[i],
                    a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_CANCEL ? "cancelled" : "superseded",
                    seq)
                != 0)
                return -1;
    return row.needs_ack;
}

/* ------------------------------------------------------------ targets */

/* A stored message as the disclosure rules see it, with its own copies of
 * the row's text (the row's pointers die with the statement). */
typedef struct {
    disclose_msg_t m;
    char topic[TOPIC_MAX_LEN + 1], network[DIR_NAME_LEN], recipients[4096];
    char home[DISCLOSE_HOME_LEN];
    int found;
} msg_attrs_t;

static int
s_attrs_row(const archive_msg_t *am, void *arg)
{
    msg_attrs_t *a = arg;
    snprintf(a->topic, sizeof a->topic, "%s", am->topic);
    snprintf(a->network, sizeof a->network, "%s", am->network);
    snprintf(a->recipients, sizeof a->recipients, "%s", am->recipients);
    a->found = 1;
    a->m = (disclose_msg_t){.seq = am->seq, .topic = a->topic, .network = a->network,
        .tlp = am->tlp, .recipients = a->recipients, .author_id = am->author_id,
        .author_home = a->home, .personal = am->personal, .handling = am->handling};
    return 1;
}

/* Loads message seq's attributes: 1 found, 0 not, -1 archive error. */
static int
s_attrs(hub_t *self, uint64_t seq, msg_attrs_t *a)
{
    memset(a, 0, sizeof *a);
    int rc = archive_message_read(self->archive, seq, s_attrs_row, a);
    if (rc == 1) {
        const dir_entry_t *author = directory_find_officer(self->dir, a->m.author_id);
        snprintf(a->home, sizeof a->home, "%s", author && a->m.author_id ? acl_home(author) : "");
    }
    return rc;
}

static disclose_t
s_level(hub_t *self, const dir_entry_t *who, const msg_attrs_t *a, disclose_path_t path,
    int64_t now)
{
    disclose_reader_t r = {.dir = self->dir, .who = who, .now_ms = now};
    return disclose_message(&r, &a->m, path);
}

/* May `who` see the message stored under seq (history, the alert board,
 * CAP, acknowledgements)? */
static int
s_may_read(hub_t *self, const dir_entry_t *who, uint64_t seq, msg_attrs_t *attrs)
{
    return s_attrs(self, seq, attrs) == 1
        && s_level(self, who, attrs, DISCLOSE_ARCHIVE, archive_now_ms()) == DISCLOSE_ALL;
}

/* An officer of `country` in the alert's network who may see all of it live
 * (an alert push is a live delivery, and nobody can acknowledge what they
 * may not read). */
static int
s_concerned_reader(hub_t *self, const dir_entry_t *e, const msg_attrs_t *a,
    const char *country, int64_t now)
{
    return !strcmp(e->country, country) && acl_is_member(e, a->network)
        && s_level(self, e, a, DISCLOSE_LIVE, now) == DISCLOSE_ALL;
}

static int
s_is_focal(const dir_entry_t *e, const char *network)
{
    const char *role = directory_membership(e, network);
    return role && !strcmp(role, "focal");
}

/* Does the country have a focal point in the network who may see the alert? */
static int
s_country_has_focal(hub_t *self, const msg_attrs_t *a, const char *country, int64_t now)
{
    for (int i = 0; i < directory_count(self->dir); i++) {
        const dir_entry_t *e = directory_entry(self->dir, i);
        if (s_is_focal(e, a->network) && s_concerned_reader(self, e, a, country, now))
            return 1;
    }
    return 0;
}

/* Is e someone to tell about (alert, country) at this level? Level 0: the
 * country's focal points in the network who may see the alert, or, if none
 * of them may, every officer of the country there who may. Level 1 and
 * above: every officer of the country there who may see it. */
static int
s_is_target(hub_t *self, const dir_entry_t *e, const msg_attrs_t *a, const char *country,
    int level, int64_t now)
{
    if (!s_concerned_reader(self, e, a, country, now))
        return 0;
    return level >= 1 || s_is_focal(e, a->network) || !s_country_has_focal(self, a, country, now);
}

/* Sends a stored message out of band to one session. */
static void
s_push_to(hub_t *self, session_t *s, const uint8_t *frame, size_t len)
{
    if (hub_send_raw(self, s->rid, s->rid_len, frame, len) == 0)
        self->delivered_total++;
}

typedef struct {
    hub_t *hub;
    uint8_t *frame;
    size_t len;
} oob_t;

static int
s_oob_frame(const archive_msg_t *m, void *arg)
{
    oob_t *o = arg;
    return hub_delivery_frame(o->hub, m, 1, &o->frame, &o->len) == 0 ? 1 : -1;
}

typedef struct {
    hub_t *hub;
    char countries[64];
    char network[24];
    int needs_ack;
    int status;
} alert_row_t;

static int
s_alert_copy(const archive_alert_t *a, void *arg)
{
    alert_row_t *r = arg;
    snprintf(r->countries, sizeof r->countries, "%s", a->countries);
    snprintf(r->network, sizeof r->network, "%s", a->network);
    r->needs_ack = a->needs_ack;
    r->status = a->status;
    return 1;
}

void
alerts_push(hub_t *self, uint64_t seq)
{
    alert_row_t r = {.hub = self};
    msg_attrs_t attrs;
    oob_t o = {.hub = self};
    if (archive_alert_get(self->archive, seq, s_alert_copy, &r) != 1
        || s_attrs(self, seq, &attrs) != 1
        || archive_message_read(self->archive, seq, s_oob_frame, &o) != 1) {
        free(o.frame);
        return;
    }
    int64_t now = archive_now_ms();
    int sent = 0;
    for (session_t *s = sessions_next(self->sessions, NULL); s; s = sessions_next(self->sessions, s)) {
        const dir_entry_t *e = directory_find(self->dir, s->fingerprint);
        if (!e || !directory_entry_active(e, now))
            continue;
        char buf[64];
        snprintf(buf, sizeof buf, "%s", r.countries);
        char *save = NULL;
        for (char *cc = strtok_r(buf, ",", &save); cc; cc = strtok_r(NULL, ",", &save))
            if (s_is_target(self, e, &attrs, cc, 0, now)) {
                s_push_to(self, s, o.frame, o.len);
                sent++;
                break;
            }
    }
    free(o.frame);
    log_info("alert %llu pushed to %d connected officer(s)", (unsigned long long)seq, sent);
}

void
alerts_push_named(hub_t *self, uint64_t seq, const char *recipients)
{
    msg_attrs_t attrs;
    oob_t o = {.hub = self};
    if (s_attrs(self, seq, &attrs) != 1
        || archive_message_read(self->archive, seq, s_oob_frame, &o) != 1) {
        free(o.frame);
        return;
    }
    int64_t now = archive_now_ms();
    for (session_t *s = sessions_next(self->sessions, NULL); s; s = sessions_next(self->sessions, s)) {
        const dir_entry_t *e = directory_find(self->dir, s->fingerprint);
        if (e && acl_listed(recipients, s->fingerprint)
            && s_level(self, e, &attrs, DISCLOSE_LIVE, now) == DISCLOSE_ALL)
            s_push_to(self, s, o.frame, o.len);
    }
    free(o.frame);
}

typedef struct {
    hub_t *hub;
    session_t *s;
    const dir_entry_t *who;
    uint64_t seqs[64];
    int n;
} hello_t;

static int
s_hello_target(const archive_target_t *t, void *arg)
{
    hello_t *h = arg;
    if (strcmp(t->state, "pending") != 0 || strcmp(t->country, h->who->country) != 0)
        return 0;
    msg_attrs_t attrs;
    if (h->n < 64 && s_attrs(h->hub, t->alert_seq, &attrs) == 1
        && s_is_target(h->hub, h->who, &attrs, t->country, t->level, archive_now_ms()))
        h->seqs[h->n++] = t->alert_seq;
    return 0;
}

static int
s_hello_alert(const archive_alert_t *a, void *arg)
{
    hello_t *h = arg;
    return archive_alert_targets(h->hub->archive, a->seq, s_hello_target, h) != 0;
}

void
alerts_on_hello(hub_t *self, session_t *s, const dir_entry_t *who)
{
    if (!who->country[0])
        return;
    hello_t h = {.hub = self, .s = s, .who = who};
    if (archive_alerts_each(self->archive, 1, 200, s_hello_alert, &h) != 0)
        return;
    /* Oldest first, so the officer reads them in the order they were raised. */
    for (int i = h.n - 1; i >= 0; i--) {
        oob_t o = {.hub = self};
        if (archive_message_read(self->archive, h.seqs[i], s_oob_frame, &o) == 1)
            s_push_to(self, s, o.frame, o.len);
        free(o.frame);
    }
    if (h.n)
        log_info("re-delivered %d open alert(s) to %s", h.n, who->fingerprint);
}

/* ------------------------------------------------------------ escalation */

typedef struct {
    archive_target_t t;
    char country[8];
} due_t;

typedef struct {
    due_t items[256];
    int n;
} due_list_t;

static int
s_due_row(const archive_target_t *t, void *arg)
{
    due_list_t *d = arg;
    if (d->n == 256)
        return 1;
    d->items[d->n].t = *t;
    snprintf(d->items[d->n].country, sizeof d->items[0].country, "%s", t->country);
    d->items[d->n].t.country = d->items[d->n].country;
    d->items[d->n].t.state = "pending";
    d->items[d->n].t.note = "";
    d->n++;
    return 0;
}

typedef struct {
    char headline[256];
    int status;
    int priority;
    int category;
} alert_brief_t;

static int
s_brief_row(const archive_alert_t *a, void *arg)
{
    alert_brief_t *b = arg;
    snprintf(b->headline, sizeof b->headline, "%s", a->headline);
    b->status = a->status;
    b->priority = a->priority;
    b->category = a->category;
    return 1;
}

/* A comma-separated list of fingerprints being built. */
typedef struct {
    char list[4096];
    int n;
} fp_list_t;

static void
s_fp_add(fp_list_t *l, const char *fp)
{
    if (strlen(l->list) + strlen(fp) + 2 < sizeof l->list) {
        strcat(l->list, l->n ? "," : "");
        strcat(l->list, fp);
        l->n++;
    }
}

/* A deadline passed: tells the next level with one notice (one per level
 * and country), which quotes only what every one of its recipients may see
 * of the alert (disclose.h, the NOTICE path): the officers asked to
 * acknowledge may read it all; if the PPT or the ST may not read it live,
 * the notice carries the alert's envelope, not its headline. */
static void
s_escalate(hub_t *self, const archive_target_t *t, int64_t now)
{
    alert_row_t r = {.hub = self};
    alert_brief_t brief = {0};
    msg_attrs_t attrs;
    if (archive_alert_get(self->archive, t->alert_seq, s_alert_copy, &r) != 1
        || archive_alert_get(self->archive, t->alert_seq, s_brief_row, &brief) != 1
        || s_attrs(self, t->alert_seq, &attrs) != 1)
        return;
    int level = t->level + 1;
    int drill = brief.status == ENLACE__CAP_STATUS__CAP_EXERCISE;
    /* Who is told, and the least any of them may see. */
    fp_list_t to = {.n = 0};
    disclose_t least = DISCLOSE_ALL;
    for (int i = 0; i < directory_count(self->dir); i++) {
        const dir_entry_t *e = directory_entry(self->dir, i);
        if (!directory_entry_active(e, now))
            continue;
        if (level == 1) {
            if (s_is_target(self, e, &attrs, t->country, 1, now))
                s_fp_add(&to, e->fingerprint);
            continue;
        }
        if (!acl_is_st(e) && (drill || !acl_is_ppt(self->dir, e, now)))
            continue;
        disclose_t seen = s_level(self, e, &attrs, DISCLOSE_NOTICE, now);
        if (seen < DISCLOSE_ENVELOPE)
            continue;
        s_fp_add(&to, e->fingerprint);
        if (seen < least)
            least = seen;
    }
    char reason[512], what[320];
    if (least == DISCLOSE_ALL)
        snprintf(what, sizeof what, "%s alert #%llu (\"%s\")",
            alerts_priority_name(brief.priority), (unsigned long long)t->alert_seq,
            brief.headline);
    else
        snprintf(what, sizeof what, "%s alert #%llu [%s] on %s (%s: its content is not shown)",
            alerts_priority_name(brief.priority), (unsigned long long)t->alert_seq,
            alerts_category_name(brief.category), attrs.topic, disclose_tlp_label(attrs.m.tlp));
    if (level == 1)
        snprintf(reason, sizeof reason,
            "%s was not acknowledged by %s within its deadline: every officer of %s in %s is "
            "now asked to acknowledge it (enlace ack %llu)",
            what, t->country, t->country, r.network, (unsigned long long)t->alert_seq);
    else
        snprintf(reason, sizeof reason, "%s is still not acknowledged by %s: escalated to %s%s",
            what, t->country, drill ? "the ST (drill: not to the PPT)" : "the PPT and the ST",
            to.n ? "" : " (nobody registered to tell)");
    if (archive_begin(self->archive) != 0) {
        log_error("escalation: %s", archive_error(self->archive));
        return;
    }
    if (to.n) {
        Enlace__Content c = ENLACE__CONTENT__INIT;
        Enlace__Escalation esc = ENLACE__ESCALATION__INIT;
        esc.alert_seq = t->alert_seq;
        esc.country = (char *)t->country;
        esc.level = (uint32_t)level;
        esc.reason = reason;
        c.escalation = &esc;
        c.body.data = (uint8_t *)reason;
        c.body.len = strlen(reason);
        char topic[64];
        snprintf(topic, sizeof topic, "%s/alerts/escalation", r.network);
        if (!hub_store_own(self, topic, ENLACE__TLP__TLP_RED, to.list, &c)) {
            archive_rollback(self->archive);
            return;
        }
    }
    /* Level 2 is the last: no further deadline. */
    if (archive_alert_escalated(self->archive, t->alert_seq, t->country, level,
            level >= 2 ? 0 : now + t->period_ms)
        != 0) {
        log_error("escalation: %s", archive_error(self->archive));
        archive_rollback(self->archive);
        return;
    }
    log_notice("alert %llu: %s escalated to level %d (%d officer(s) told%s)",
        (unsigned long long)t->alert_seq, t->country, level, to.n,
        least == DISCLOSE_ALL ? "" : "; the envelope only");
}

void
alerts_tick(hub_t *self, int64_t now)
{
    static due_list_t due; /* hub thread only; too large for the stack */
    due.n = 0;
    if (archive_alert_due(self->archive, now, s_due_row, &due) != 0) {
        log_error("alert deadlines: %s", archive_error(self->archive));
        return;
    }
    for (int i = 0; i < due.n; i++)
        s_escalate(self, &due.items[i].t, now);
}

/* ------------------------------------------------------------ requests */

void
alerts_ack(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__AlertAck *a)
{
    alert_row_t r = {.hub = self};
    msg_attrs_t attrs;
    if (archive_alert_get(self->archive, a->alert_seq, s_alert_copy, &r) != 1
        || !s_may_read(self, who, a->alert_seq, &attrs)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no alert with that number that you may see");
        return;
    }
    if (strlen(a->note) > 1000 || !topic_text_valid(a->note, strlen(a->note))) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_MALFORMED, "the note must be text of at most 1000 bytes");
        return;
    }
    char needle[8];
    snprintf(needle, sizeof needle, ",%s,", who->country);
    char hay[80];
    snprintf(hay, sizeof hay, ",%s,", r.countries);
    if (!who->country[0] || !strstr(hay, needle) || !acl_is_member(who, r.network)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_DENIED,
            "only an officer of a country the alert concerns acknowledges it, in its network");
        return;
    }
    if (archive_begin(self->archive) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    int rc = archive_alert_ack(self->archive, a->alert_seq, who->country, who->officer_id, a->note,
        archive_now_ms());
    if (rc < 0) {
        log_error("ack: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    if (hub_commit(self) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "ack",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive commit failed; acknowledge again");
        return;
    }
    if (rc == 1)
        log_info("alert %llu acknowledged for %s by %s", (unsigned long long)a->alert_seq,
            who->country, who->fingerprint);
    /* Acknowledging twice is fine; a cancelled alert says so. */
    hub_ok(self, s, request_id);
}

static char *
s_dup(const char *s)
{
    return strdup(s ? s : "");
}

typedef struct {
    hub_t *hub;
    Enlace__AlertStatus *st;
} targets_ctx_t;

static int
s_target_status(const archive_target_t *t, void *arg)
{
    targets_ctx_t *tc = arg;
    Enlace__AlertStatus *st = tc->st;
    Enlace__TargetState **grown =
        realloc(st->targets, (st->n_targets + 1) * sizeof *st->targets);
    Enlace__TargetState *ts = malloc(sizeof *ts);
    if (!grown || !ts) {
        free(ts);
        if (grown)
            st->targets = grown;
        return 1;
    }
    st->targets = grown;
    enlace__target_state__init(ts);
    int64_t now = archive_now_ms();
    const char *state = t->state;
    if (!strcmp(state, "pending") && (t->level > 0 || (t->deadline_ms && t->deadline_ms <= now)))
        state = "overdue";
    else if (!strcmp(state, "none"))
        state = "not required";
    ts->country = s_dup(t->country);
    ts->state = s_dup(state);
    const dir_entry_t *by = t->acked_by ? directory_find_officer(tc->hub->dir, t->acked_by) : NULL;
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
    Enlace__AlertStatus *st;
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
alerts_status(hub_t *self, const dir_entry_t *who, uint64_t seq)
{
    msg_attrs_t attrs;
    status_row_t row = {0};
    if (archive_alert_get(self->archive, seq, s_status_row, &row) != 1 || !row.found
        || !s_may_read(self, who, seq, &attrs))
        return NULL;
    content_row_t cr = {0};
    if (archive_message_read(self->archive, seq, s_content_row, &cr) != 1 || !cr.content
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
    st->alert = cr.content->alert; /* points into wrap->content */
    const dir_entry_t *author = directory_find_officer(self->dir, cr.author_id);
    st->author_name = s_dup(author ? author->name : "");
    st->author_fingerprint = s_dup(author ? author->fingerprint : "");
    st->author_country = s_dup(author ? acl_home(author) : "");
    st->stored_ms = cr.stored_ms;
    st->case_id = row.case_id;
    st->needs_ack = row.needs_ack;
    st->superseded_by = row.superseded_by;
    targets_ctx_t tc = {.hub = self, .st = st};
    archive_alert_targets(self->archive, seq, s_target_status, &tc);
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

void
alerts_query(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__AlertsQuery *q)
{
    static seq_list_t list;
    list.n = 0;
    int limit = q->limit && q->limit < 500 ? (int)q->limit : 100;
    if (q->alert_seq)
        list.seqs[list.n++] = q->alert_seq;
    else if (archive_alerts_each(self->archive, q->open_only, limit, s_collect_seq, &list) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "alerts",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    Enlace__AlertStatus **items = calloc((size_t)list.n + 1, sizeof *items);
    alerts_status_t **wraps = calloc((size_t)list.n + 1, sizeof *wraps);
    size_t n = 0;
    for (int i = 0; items && wraps && i < list.n; i++) {
        alerts_status_t *w = alerts_status(self, who, list.seqs[i]);
        if (w) {
            wraps[n] = w;
            items[n++] = &w->st;
        }
    }
    if (q->alert_seq && n == 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "alerts",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no alert with that number that you may see");
    } else {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__AlertList al = ENLACE__ALERT_LIST__INIT;
        al.n_alerts = n;
        al.alerts = items;
        frame.body_case = ENLACE__FRAME__BODY_ALERT_LIST;
        frame.alert_list = &al;
        hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
    }
    for (size_t i = 0; i < n; i++)
        alerts_status_free(wraps[i]);
    free(items);
    free(wraps);
}

void
alerts_cap(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CapExport *q)
{
    disclose_reader_t reader = {.dir = self->dir, .who = who, .now_ms = archive_now_ms()};
    char *xml = NULL, err[256];
    if (cap_export(self->archive, &reader, self->fingerprint, q->alert_seq, &xml, err,
            sizeof err)
        != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "cap",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, err);
        return;
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__CapXml cx = ENLACE__CAP_XML__INIT;
    cx.xml = xml;
    frame.body_case = ENLACE__FRAME__BODY_CAP_XML;
    frame.cap_xml = &cx;
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
    free(xml);
}
