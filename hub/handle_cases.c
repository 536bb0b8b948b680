/*
 * handle_cases.c: case requests (see handle.h). A case groups the messages
 * and alerts about one situation (a death, a disaster, a child's
 * repatriation): an id, a type, a network, the countries involved, open or
 * closed. Its own facts are visible to whoever may read its network
 * (disclose_case: members, the ST, observers whose invitation covers NET/#);
 * its form and its thread message by message, as the disclosure rules say.
 * Opening, closing, reopening and approvals are recorded as case events.
 */
#include "handle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "alert_rules.h"
#include "alerts.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"
#include "wire.h"

/* The network a case type belongs to by default (death -> consular, ...). */
static const char *
s_default_network(const char *type)
{
    if (!strcmp(type, "trafficking") || !strcmp(type, "smuggling"))
        return "trafficking";
    if (!strcmp(type, "missing-child") || !strcmp(type, "unaccompanied-child"))
        return "child";
    return "consular";
}

static char *
s_dup(const char *s)
{
    return strdup(s ? s : "");
}

/* May `who` see the case's own facts (disclose.h: disclose_case)? */
static int
s_may_read_network(const req_t *r, const char *network)
{
    disclose_reader_t reader = {.dir = r->env->dir, .who = r->who, .now_ms = r->now};
    return disclose_case(&reader, network) >= DISCLOSE_ENVELOPE;
}

typedef struct {
    const hub_env_t *env;
    Enlace__CaseInfo *info; /* filled by s_info_row; strings owned */
    char network[DIR_NAME_LEN];
    char countries[16 * 4];
    int64_t opened_by;
    int found;
} info_ctx_t;

static void
s_info_free(Enlace__CaseInfo *info)
{
    if (!info)
        return;
    free(info->type);
    free(info->network);
    for (size_t i = 0; i < info->n_countries; i++)
        free(info->countries[i]);
    free(info->countries);
    free(info->title);
    free(info->state);
    free(info->opened_by);
    free(info->approval);
    free(info);
}

static int
s_special_row(const archive_msg_t *m, void *arg)
{
    int *special = arg;
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    *special = c && c->form && c->form->form_case == ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE
        && !strcmp(c->form->return_assistance->vulnerability, "special-case");
    /* A sealed return-assistance form hides its vulnerability from the hub:
     * it waits for the joint approval, as a special case would. */
    if (c && c->sealed && !strcmp(c->sealed->form, "return-assistance"))
        *special = 1;
    enlace__content__free_unpacked(c, NULL);
    return 1;
}

typedef struct {
    int iom, st;
} approvals_t;

static int
s_approval_event(int64_t ts, int64_t officer, const char *event, const char *note, void *arg)
{
    approvals_t *a = arg;
    (void)ts;
    (void)officer;
    (void)note;
    if (!strcmp(event, "approved by IOM"))
        a->iom = 1;
    else if (!strcmp(event, "approved by ST"))
        a->st = 1;
    return 0;
}

/* 1 if the case is a special return case; fills who approved. */
static int
s_special_case(archive_t *archive, uint64_t case_id, uint64_t form_seq, approvals_t *a)
{
    int special = 0;
    memset(a, 0, sizeof *a);
    if (!form_seq || archive_message_read(archive, form_seq, s_special_row, &special) != 1
        || !special)
        return 0;
    archive_case_events(archive, case_id, s_approval_event, a);
    return 1;
}

static Enlace__CaseInfo *
s_info_new(const hub_env_t *env, const archive_case_t *c)
{
    Enlace__CaseInfo *info = calloc(1, sizeof *info);
    if (!info)
        return NULL;
    enlace__case_info__init(info);
    info->id = c->id;
    info->type = s_dup(c->type);
    info->network = s_dup(c->network);
    info->title = s_dup(c->title);
    info->state = s_dup(c->state);
    const dir_entry_t *by = directory_find_officer(env->dir, c->opened_by);
    info->opened_by = s_dup(by ? by->name : "");
    info->opened_ms = c->opened_ms;
    info->updated_ms = c->updated_ms;
    info->form_seq = c->form_seq;
    approvals_t ap;
    info->approval = s_dup(!s_special_case(env->archive, c->id, c->form_seq, &ap) ? ""
            : ap.iom && ap.st ? "approved by IOM and the ST"
            : ap.iom          ? "approved by IOM; awaiting the ST"
            : ap.st           ? "approved by the ST; awaiting IOM"
                              : "awaiting the approval of IOM and the ST");
    char buf[200];
    snprintf(buf, sizeof buf, "%s", c->countries);
    info->countries = calloc(17, sizeof *info->countries);
    char *save = NULL;
    for (char *cc = strtok_r(buf, ",", &save); cc && info->countries && info->n_countries < 16;
         cc = strtok_r(NULL, ",", &save))
        info->countries[info->n_countries++] = s_dup(cc);
    return info;
}

static int
s_info_row(const archive_case_t *c, void *arg)
{
    info_ctx_t *ctx = arg;
    ctx->found = 1;
    snprintf(ctx->network, sizeof ctx->network, "%s", c->network);
    snprintf(ctx->countries, sizeof ctx->countries, "%s", c->countries);
    ctx->opened_by = c->opened_by;
    ctx->info = s_info_new(ctx->env, c);
    return 1;
}

/* Loads case id if the sender may see it: 1, else 0 (ctx->info NULL). */
static int
s_load_visible(req_t *r, uint64_t id, info_ctx_t *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->env = r->env;
    if (archive_case_get(r->env->archive, id, s_info_row, ctx) == 1 && ctx->info
        && s_may_read_network(r, ctx->network))
        return 1;
    s_info_free(ctx->info);
    ctx->info = NULL;
    return 0;
}

/* Replies with the case's info as it is now (after the request's writes). */
static int
s_reply_info(req_t *r, uint64_t id)
{
    info_ctx_t ctx = {.env = r->env};
    if (archive_case_get(r->env->archive, id, s_info_row, &ctx) != 1 || !ctx.info) {
        s_info_free(ctx.info);
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    frame.body_case = ENLACE__FRAME__BODY_CASE_INFO;
    frame.case_info = ctx.info;
    int rc = req_reply(r, &frame);
    s_info_free(ctx.info);
    return rc;
}

typedef struct {
    int64_t author_id;
    int has_form;
    char network[DIR_NAME_LEN];
} form_msg_t;

static int
s_form_msg(const archive_msg_t *m, void *arg)
{
    form_msg_t *fm = arg;
    fm->author_id = m->author_id;
    snprintf(fm->network, sizeof fm->network, "%s", m->network);
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    fm->has_form = c && (c->form || (c->sealed && *c->sealed->form));
    enlace__content__free_unpacked(c, NULL);
    return 1;
}

int
handle_case_open(req_t *r, const Enlace__CaseOpen *q)
{
    const hub_env_t *env = r->env;
    if (alert_rules_category_parse(q->type) < 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "case type is one of death, disaster, trafficking, smuggling, missing-child, "
            "unaccompanied-child, return-assistance, other");
    size_t tl = strlen(q->title);
    if (tl == 0 || tl > 200 || !topic_text_valid(q->title, tl))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a case needs a title of 1 to 200 bytes of text");
    if (q->n_countries == 0 || q->n_countries > 16)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "a case involves 1 to 16 countries");
    char countries[16 * 4] = "";
    for (size_t i = 0; i < q->n_countries; i++) {
        if (!archive_country_status(env->archive, q->countries[i]))
            return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
                "a case names a country that is not in the CRM directory");
        strcat(countries, i ? "," : "");
        strncat(countries, q->countries[i], 3);
    }
    const char *network = q->network[0] ? q->network : s_default_network(q->type);
    if (!directory_network_known(env->dir, network))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "unknown network");
    if (!acl_is_member(r->who, network))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "only members of the case's network open cases");
    if (q->form_seq) {
        form_msg_t fm = {0};
        if (archive_message_read(env->archive, q->form_seq, s_form_msg, &fm) != 1)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
                "the form message does not exist");
        if (fm.author_id != r->who->officer_id || !fm.has_form || strcmp(fm.network, network) != 0)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
                "the form message must be yours, carry a case form, and be in the case's "
                "network");
    }
    archive_case_t c = {.type = q->type,
        .network = network,
        .countries = countries,
        .title = q->title,
        .opened_by = r->who->officer_id,
        .form_seq = q->form_seq};
    uint64_t id;
    if (archive_case_open(env->archive, &c, &id) != 0) {
        log_error("case: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    log_info("case %llu opened by %s", (unsigned long long)id, r->who->fingerprint);
    return s_reply_info(r, id);
}

typedef struct {
    const req_t *r;
    Enlace__Delivery **items;
    uint8_t **bufs;
    size_t n, cap;
    uint64_t alerts[256];
    size_t nalerts;
} thread_t;

static int
s_thread_row(const archive_msg_t *am, void *arg)
{
    thread_t *t = arg;
    const hub_env_t *env = t->r->env;
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(env->dir, am, &m, home);
    disclose_reader_t reader = {.dir = env->dir, .who = t->r->who, .now_ms = t->r->now};
    if (!disclose_all(&reader, &m, DISCLOSE_ARCHIVE))
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        Enlace__Delivery **gi = realloc(t->items, cap * sizeof *gi);
        if (gi)
            t->items = gi;
        uint8_t **gb = realloc(t->bufs, cap * sizeof *gb);
        if (gb)
            t->bufs = gb;
        if (!gi || !gb)
            return 1;
        t->cap = cap;
    }
    const dir_entry_t *author = am->author_id ? directory_find_officer(env->dir, am->author_id)
                                              : notary_entry(env->notary);
    uint8_t *copy = NULL;
    Enlace__Delivery *d = wire_page_item(am, author, &copy);
    if (!d)
        return 1;
    t->items[t->n] = d;
    t->bufs[t->n++] = copy;
    return 0;
}

static int
s_case_alert(const archive_alert_t *a, void *arg)
{
    thread_t *t = arg;
    if (t->nalerts < 256)
        t->alerts[t->nalerts++] = a->seq;
    return 0;
}

typedef struct {
    const directory_t *dir;
    Enlace__CaseEvent **ev;
    size_t n;
} events_t;

static int
s_event_row(int64_t ts, int64_t officer, const char *event, const char *note, void *arg)
{
    events_t *e = arg;
    Enlace__CaseEvent **grown = realloc(e->ev, (e->n + 1) * sizeof *grown);
    Enlace__CaseEvent *ce = malloc(sizeof *ce);
    if (!grown || !ce) {
        free(ce);
        if (grown)
            e->ev = grown;
        return 1;
    }
    e->ev = grown;
    enlace__case_event__init(ce);
    const dir_entry_t *by = directory_find_officer(e->dir, officer);
    ce->ts_ms = ts;
    ce->officer = s_dup(by ? by->name : "");
    ce->event = s_dup(event);
    ce->note = s_dup(note);
    e->ev[e->n++] = ce;
    return 0;
}

int
handle_case_show(req_t *r, const Enlace__CaseShow *q)
{
    const hub_env_t *env = r->env;
    info_ctx_t ctx;
    if (!s_load_visible(r, q->case_id, &ctx))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no case with that number that you may see");
    thread_t t = {.r = r};
    if (ctx.info->form_seq)
        archive_message_read(env->archive, ctx.info->form_seq, s_thread_row, &t);
    archive_messages_by_case(env->archive, q->case_id, s_thread_row, &t);
    /* Alerts of the case: those attached to it, in order. */
    for (size_t i = 0; i < t.n; i++)
        archive_alert_get(env->archive, t.items[i]->seq, s_case_alert, &t);
    events_t ev = {.dir = env->dir};
    archive_case_events(env->archive, q->case_id, s_event_row, &ev);
    Enlace__AlertStatus **alerts = calloc(t.nalerts + 1, sizeof *alerts);
    alerts_status_t **wraps = calloc(t.nalerts + 1, sizeof *wraps);
    size_t na = 0;
    for (size_t i = 0; alerts && wraps && i < t.nalerts; i++) {
        alerts_status_t *w = alerts_status(env, r->who, t.alerts[i], r->now);
        if (w) {
            wraps[na] = w;
            alerts[na++] = &w->st;
        }
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__CaseDetail detail = ENLACE__CASE_DETAIL__INIT;
    detail.info = ctx.info;
    detail.n_messages = t.n;
    detail.messages = t.items;
    detail.n_alerts = na;
    detail.alerts = alerts;
    detail.n_events = ev.n;
    detail.events = ev.ev;
    frame.body_case = ENLACE__FRAME__BODY_CASE_DETAIL;
    frame.case_detail = &detail;
    int rc = req_reply(r, &frame);
    for (size_t i = 0; i < na; i++)
        alerts_status_free(wraps[i]);
    free(alerts);
    free(wraps);
    for (size_t i = 0; i < t.n; i++) {
        free(t.items[i]);
        free(t.bufs[i]);
    }
    free(t.items);
    free(t.bufs);
    for (size_t i = 0; i < ev.n; i++) {
        free(ev.ev[i]->officer);
        free(ev.ev[i]->event);
        free(ev.ev[i]->note);
        free(ev.ev[i]);
    }
    free(ev.ev);
    s_info_free(ctx.info);
    return rc;
}

typedef struct {
    const req_t *r;
    Enlace__CaseInfo **items;
    size_t n;
} list_t;

static int
s_list_row(const archive_case_t *c, void *arg)
{
    list_t *l = arg;
    if (!s_may_read_network(l->r, c->network))
        return 0;
    Enlace__CaseInfo **grown = realloc(l->items, (l->n + 1) * sizeof *grown);
    if (!grown)
        return 1;
    l->items = grown;
    Enlace__CaseInfo *info = s_info_new(l->r->env, c);
    if (!info)
        return 1;
    l->items[l->n++] = info;
    return 0;
}

int
handle_case_list(req_t *r, const Enlace__CaseQuery *q)
{
    list_t l = {.r = r};
    int rc;
    if (archive_cases_each(r->env->archive, q->type, q->country, q->state, s_list_row, &l) != 0) {
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__CaseList cl = ENLACE__CASE_LIST__INIT;
        cl.n_cases = l.n;
        cl.cases = l.items;
        frame.body_case = ENLACE__FRAME__BODY_CASE_LIST;
        frame.case_list = &cl;
        rc = req_reply(r, &frame);
    }
    for (size_t i = 0; i < l.n; i++)
        s_info_free(l.items[i]);
    free(l.items);
    return rc;
}

int
handle_case_state(req_t *r, const Enlace__CaseSetState *q)
{
    info_ctx_t ctx;
    if (!s_load_visible(r, q->case_id, &ctx))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no case with that number that you may see");
    s_info_free(ctx.info);
    const char *denied = acl_case_state(r->who, ctx.network, ctx.countries, ctx.opened_by);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    if (strlen(q->note) > 1000 || !topic_text_valid(q->note, strlen(q->note)))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "the note must be text of at most 1000 bytes");
    if (archive_case_set_state(r->env->archive, q->case_id, q->open, r->who->officer_id, q->note)
        < 0) {
        log_error("case: %s", archive_error(r->env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    return s_reply_info(r, q->case_id);
}

int
handle_case_approve(req_t *r, const Enlace__CaseApprove *q)
{
    const hub_env_t *env = r->env;
    info_ctx_t ctx;
    /* The same answer whether the case does not exist or is not the
     * sender's to see. */
    if (!s_load_visible(r, q->case_id, &ctx))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no case with that number that you may see");
    approvals_t ap;
    int special = s_special_case(env->archive, q->case_id, ctx.info->form_seq, &ap);
    s_info_free(ctx.info);
    if (!special)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "only special return-assistance cases need the joint approval of IOM and the ST");
    const char *party = !strcmp(r->who->role, "st") ? "ST"
        : !strcmp(r->who->org, "IOM")               ? "IOM"
                                                    : NULL;
    if (!party)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "special return cases are approved jointly by IOM and the Technical Secretariat");
    if (strlen(q->note) > 1000 || !topic_text_valid(q->note, strlen(q->note)))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "the note must be text of at most 1000 bytes");
    int already = !strcmp(party, "ST") ? ap.st : ap.iom;
    char event[32];
    snprintf(event, sizeof event, "approved by %s", party);
    if (!already
        && archive_case_event(env->archive, q->case_id, r->who->officer_id, event, q->note) != 0) {
        log_error("case: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    return s_reply_info(r, q->case_id);
}

typedef struct {
    const req_t *r;
    int64_t before_ms;
    Enlace__CaseInfo **cases;
    size_t ncases;
    uint64_t alerts[200];
    size_t nalerts;
} review_t;

static int
s_review_case(const archive_case_t *c, void *arg)
{
    review_t *v = arg;
    if (c->opened_by != v->r->who->officer_id || c->opened_ms >= v->before_ms)
        return 0;
    Enlace__CaseInfo **grown = realloc(v->cases, (v->ncases + 1) * sizeof *grown);
    if (!grown)
        return 1;
    v->cases = grown;
    Enlace__CaseInfo *info = s_info_new(v->r->env, c);
    if (info)
        v->cases[v->ncases++] = info;
    return 0;
}

static int
s_review_alert(const archive_alert_t *a, void *arg)
{
    review_t *v = arg;
    if (a->author_id == v->r->who->officer_id && a->stored_ms < v->before_ms && v->nalerts < 200)
        v->alerts[v->nalerts++] = a->seq;
    return 0;
}

int
handle_review(req_t *r, const Enlace__Review *q)
{
    const hub_env_t *env = r->env;
    uint32_t days = q->older_than_days ? q->older_than_days : 30;
    review_t v = {.r = r, .before_ms = r->now - (int64_t)days * 86400000};
    int rc;
    if (archive_cases_each(env->archive, NULL, NULL, "open", s_review_case, &v) != 0
        || archive_alerts_each(env->archive, 1, 100000, s_review_alert, &v) != 0) {
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        Enlace__AlertStatus **items = calloc(v.nalerts + 1, sizeof *items);
        alerts_status_t **wraps = calloc(v.nalerts + 1, sizeof *wraps);
        size_t n = 0;
        for (size_t i = 0; items && wraps && i < v.nalerts; i++) {
            alerts_status_t *w = alerts_status(env, r->who, v.alerts[i], r->now);
            if (w) {
                wraps[n] = w;
                items[n++] = &w->st;
            }
        }
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__ReviewList rl = ENLACE__REVIEW_LIST__INIT;
        rl.n_cases = v.ncases;
        rl.cases = v.cases;
        rl.n_alerts = n;
        rl.alerts = items;
        frame.body_case = ENLACE__FRAME__BODY_REVIEW_LIST;
        frame.review_list = &rl;
        rc = req_reply(r, &frame);
        for (size_t i = 0; i < n; i++)
            alerts_status_free(wraps[i]);
        free(items);
        free(wraps);
    }
    for (size_t i = 0; i < v.ncases; i++)
        s_info_free(v.cases[i]);
    free(v.cases);
    return rc;
}
