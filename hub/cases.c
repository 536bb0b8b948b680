/*
 * cases.c: case requests (see cases.h). A case's own facts are visible to
 * whoever may read its network (disclose_case: members, the ST, observers
 * whose invitation covers NET/#); its form and thread message by message, as
 * the disclosure rules say.
 */
#include "cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "alerts.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"

const char *
cases_default_network(const char *type)
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
s_may_read_network(hub_t *self, const dir_entry_t *who, const char *network)
{
    disclose_reader_t r = {.dir = self->dir, .who = who, .now_ms = archive_now_ms()};
    return disclose_case(&r, network) >= DISCLOSE_ENVELOPE;
}

typedef struct {
    hub_t *hub;
    Enlace__CaseInfo *info; /* filled by s_info_row; strings owned */
    char network[24];
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

typedef struct {
    int special;  /* the case's form is a special return-assistance case */
} special_t;

static int
s_special_row(const archive_msg_t *m, void *arg)
{
    special_t *sp = arg;
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    sp->special = c && c->form && c->form->form_case == ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE
        && !strcmp(c->form->return_assistance->vulnerability, "special-case");
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
s_special_case(hub_t *self, uint64_t case_id, uint64_t form_seq, approvals_t *a)
{
    special_t sp = {0};
    memset(a, 0, sizeof *a);
    if (!form_seq || archive_message_read(self->archive, form_seq, s_special_row, &sp) != 1
        || !sp.special)
        return 0;
    archive_case_events(self->archive, case_id, s_approval_event, a);
    return 1;
}

static Enlace__CaseInfo *
s_info_new(hub_t *self, const archive_case_t *c)
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
    const dir_entry_t *by = directory_find_officer(self->dir, c->opened_by);
    info->opened_by = s_dup(by ? by->name : "");
    info->opened_ms = c->opened_ms;
    info->updated_ms = c->updated_ms;
    info->form_seq = c->form_seq;
    approvals_t ap;
    info->approval = s_dup(!s_special_case(self, c->id, c->form_seq, &ap) ? ""
            : ap.iom && ap.st                                   ? "approved by IOM and the ST"
            : ap.iom                                            ? "approved by IOM; awaiting the ST"
            : ap.st                                             ? "approved by the ST; awaiting IOM"
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
    ctx->info = s_info_new(ctx->hub, c);
    return 1;
}

static void
s_reply_info(hub_t *self, session_t *s, uint64_t request_id, Enlace__CaseInfo *info)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    frame.body_case = ENLACE__FRAME__BODY_CASE_INFO;
    frame.case_info = info;
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
}

typedef struct {
    int64_t author_id;
    int has_form;
    char network[24];
} form_msg_t;

static int
s_form_msg(const archive_msg_t *m, void *arg)
{
    form_msg_t *fm = arg;
    fm->author_id = m->author_id;
    snprintf(fm->network, sizeof fm->network, "%s", m->network);
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    fm->has_form = c && c->form;
    enlace__content__free_unpacked(c, NULL);
    return 1;
}

void
cases_open(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseOpen *q)
{
#define REFUSE(code, msg)                                                                  \
    do {                                                                                   \
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.open", code, msg);     \
        return;                                                                            \
    } while (0)
    if (alerts_category_parse(q->type) < 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED,
            "case type is one of death, disaster, trafficking, smuggling, missing-child, "
            "unaccompanied-child, return-assistance, other");
    size_t tl = strlen(q->title);
    if (tl == 0 || tl > 200 || !topic_text_valid(q->title, tl))
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "a case needs a title of 1 to 200 bytes of text");
    if (q->n_countries == 0 || q->n_countries > 16)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "a case involves 1 to 16 countries");
    char countries[16 * 4] = "";
    for (size_t i = 0; i < q->n_countries; i++) {
        if (!archive_country_status(self->archive, q->countries[i]))
            REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED,
                "a case names a country that is not in the CRM directory");
        strcat(countries, i ? "," : "");
        strncat(countries, q->countries[i], 3);
    }
    const char *network = q->network[0] ? q->network : cases_default_network(q->type);
    if (!directory_network_known(self->dir, network))
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "unknown network");
    if (!acl_is_member(who, network))
        REFUSE(ENLACE__ERROR_CODE__ERR_DENIED, "only members of the case's network open cases");
    if (q->form_seq) {
        form_msg_t fm = {0};
        if (archive_message_read(self->archive, q->form_seq, s_form_msg, &fm) != 1)
            REFUSE(ENLACE__ERROR_CODE__ERR_NOT_FOUND, "the form message does not exist");
        if (fm.author_id != who->officer_id || !fm.has_form || strcmp(fm.network, network) != 0)
            REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED,
                "the form message must be yours, carry a case form, and be in the case's network");
    }
    archive_case_t c = {.type = q->type, .network = network, .countries = countries,
        .title = q->title, .opened_by = who->officer_id, .form_seq = q->form_seq};
    uint64_t id;
    if (archive_begin(self->archive) != 0 || archive_case_open(self->archive, &c, &id) != 0) {
        log_error("case: %s", archive_error(self->archive));
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    if (hub_commit(self) != 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive commit failed; the case was not opened");
    info_ctx_t ctx = {.hub = self};
    if (archive_case_get(self->archive, id, s_info_row, &ctx) != 1 || !ctx.info)
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    log_info("case %llu opened by %s", (unsigned long long)id, who->fingerprint);
    s_reply_info(self, s, request_id, ctx.info);
    s_info_free(ctx.info);
#undef REFUSE
}

typedef struct {
    hub_t *hub;
    const dir_entry_t *who;
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
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(t->hub->dir, am, &m, home);
    disclose_reader_t r = {.dir = t->hub->dir, .who = t->who, .now_ms = archive_now_ms()};
    if (!disclose_all(&r, &m, DISCLOSE_ARCHIVE))
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
    uint8_t *copy = NULL;
    Enlace__Delivery *d = hub_delivery_copy(t->hub, am, &copy);
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
    hub_t *hub;
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
    const dir_entry_t *by = directory_find_officer(e->hub->dir, officer);
    ce->ts_ms = ts;
    ce->officer = s_dup(by ? by->name : "");
    ce->event = s_dup(event);
    ce->note = s_dup(note);
    e->ev[e->n++] = ce;
    return 0;
}

void
cases_show(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseShow *q)
{
    info_ctx_t ctx = {.hub = self};
    int found = archive_case_get(self->archive, q->case_id, s_info_row, &ctx);
    if (found != 1 || !ctx.info || !s_may_read_network(self, who, ctx.network)) {
        s_info_free(ctx.info);
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.show",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no case with that number that you may see");
        return;
    }
    thread_t t = {.hub = self, .who = who};
    if (ctx.info->form_seq)
        archive_message_read(self->archive, ctx.info->form_seq, s_thread_row, &t);
    archive_messages_by_case(self->archive, q->case_id, s_thread_row, &t);
    /* Alerts of the case: those attached to it, in order. */
    for (size_t i = 0; i < t.n; i++) {
        archive_alert_get(self->archive, t.items[i]->seq, s_case_alert, &t);
    }
    events_t ev = {.hub = self};
    archive_case_events(self->archive, q->case_id, s_event_row, &ev);
    Enlace__AlertStatus **alerts = calloc(t.nalerts + 1, sizeof *alerts);
    alerts_status_t **wraps = calloc(t.nalerts + 1, sizeof *wraps);
    size_t na = 0;
    for (size_t i = 0; alerts && wraps && i < t.nalerts; i++) {
        alerts_status_t *w = alerts_status(self, who, t.alerts[i]);
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
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
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
}

typedef struct {
    hub_t *hub;
    const dir_entry_t *who;
    Enlace__CaseInfo **items;
    size_t n;
} list_t;

static int
s_list_row(const archive_case_t *c, void *arg)
{
    list_t *l = arg;
    if (!s_may_read_network(l->hub, l->who, c->network))
        return 0;
    Enlace__CaseInfo **grown = realloc(l->items, (l->n + 1) * sizeof *grown);
    if (!grown)
        return 1;
    l->items = grown;
    Enlace__CaseInfo *info = s_info_new(l->hub, c);
    if (!info)
        return 1;
    l->items[l->n++] = info;
    return 0;
}

void
cases_list(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseQuery *q)
{
    list_t l = {.hub = self, .who = who};
    if (archive_cases_each(self->archive, q->type, q->country, q->state, s_list_row, &l) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.list",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__CaseList cl = ENLACE__CASE_LIST__INIT;
        cl.n_cases = l.n;
        cl.cases = l.items;
        frame.body_case = ENLACE__FRAME__BODY_CASE_LIST;
        frame.case_list = &cl;
        hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
    }
    for (size_t i = 0; i < l.n; i++)
        s_info_free(l.items[i]);
    free(l.items);
}

void
cases_set_state(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseSetState *q)
{
    info_ctx_t ctx = {.hub = self};
    if (archive_case_get(self->archive, q->case_id, s_info_row, &ctx) != 1 || !ctx.info
        || !s_may_read_network(self, who, ctx.network)) {
        s_info_free(ctx.info);
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.state",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no case with that number that you may see");
        return;
    }
    s_info_free(ctx.info);
    ctx.info = NULL;
    const char *denied = acl_case_state(who, ctx.network, ctx.countries, ctx.opened_by);
    if (denied) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.state",
            ENLACE__ERROR_CODE__ERR_DENIED, denied);
        return;
    }
    if (strlen(q->note) > 1000 || !topic_text_valid(q->note, strlen(q->note))) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.state",
            ENLACE__ERROR_CODE__ERR_MALFORMED, "the note must be text of at most 1000 bytes");
        return;
    }
    if (archive_begin(self->archive) != 0
        || archive_case_set_state(self->archive, q->case_id, q->open, who->officer_id, q->note)
            < 0) {
        log_error("case: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.state",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    if (hub_commit(self) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.state",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive commit failed; nothing changed");
        return;
    }
    if (archive_case_get(self->archive, q->case_id, s_info_row, &ctx) == 1 && ctx.info)
        s_reply_info(self, s, request_id, ctx.info);
    s_info_free(ctx.info);
}

void
cases_approve(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseApprove *q)
{
    info_ctx_t ctx = {.hub = self};
    /* The same answer whether the case does not exist or is not the
     * sender's to see. */
    if (archive_case_get(self->archive, q->case_id, s_info_row, &ctx) != 1 || !ctx.info
        || !s_may_read_network(self, who, ctx.network)) {
        s_info_free(ctx.info);
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.approve",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no case with that number that you may see");
        return;
    }
    approvals_t ap;
    int special = s_special_case(self, q->case_id, ctx.info->form_seq, &ap);
    s_info_free(ctx.info);
    ctx.info = NULL;
    if (!special) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.approve",
            ENLACE__ERROR_CODE__ERR_MALFORMED,
            "only special return-assistance cases need the joint approval of IOM and the ST");
        return;
    }
    const char *party = !strcmp(who->role, "st") ? "ST" : !strcmp(who->org, "IOM") ? "IOM" : NULL;
    if (!party) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.approve",
            ENLACE__ERROR_CODE__ERR_DENIED,
            "special return cases are approved jointly by IOM and the Technical Secretariat");
        return;
    }
    if (strlen(q->note) > 1000 || !topic_text_valid(q->note, strlen(q->note))) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.approve",
            ENLACE__ERROR_CODE__ERR_MALFORMED, "the note must be text of at most 1000 bytes");
        return;
    }
    int already = !strcmp(party, "ST") ? ap.st : ap.iom;
    char event[32];
    snprintf(event, sizeof event, "approved by %s", party);
    if (!already
        && (archive_begin(self->archive) != 0
            || archive_case_event(self->archive, q->case_id, who->officer_id, event, q->note) != 0
            || hub_commit(self) != 0)) {
        log_error("case: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "case.approve",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    if (archive_case_get(self->archive, q->case_id, s_info_row, &ctx) == 1 && ctx.info)
        s_reply_info(self, s, request_id, ctx.info);
    s_info_free(ctx.info);
}

typedef struct {
    hub_t *hub;
    const dir_entry_t *who;
    int64_t before_ms;
    Enlace__CaseInfo **cases;
    size_t ncases;
    uint64_t alerts[200];
    size_t nalerts;
} review_t;

static int
s_review_case(const archive_case_t *c, void *arg)
{
    review_t *r = arg;
    if (c->opened_by != r->who->officer_id || c->opened_ms >= r->before_ms)
        return 0;
    Enlace__CaseInfo **grown = realloc(r->cases, (r->ncases + 1) * sizeof *grown);
    if (!grown)
        return 1;
    r->cases = grown;
    Enlace__CaseInfo *info = s_info_new(r->hub, c);
    if (info)
        r->cases[r->ncases++] = info;
    return 0;
}

static int
s_review_alert(const archive_alert_t *a, void *arg)
{
    review_t *r = arg;
    if (a->author_id == r->who->officer_id && a->stored_ms < r->before_ms && r->nalerts < 200)
        r->alerts[r->nalerts++] = a->seq;
    return 0;
}

void
cases_review(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Review *q)
{
    uint32_t days = q->older_than_days ? q->older_than_days : 30;
    review_t r = {.hub = self, .who = who,
        .before_ms = archive_now_ms() - (int64_t)days * 86400000};
    if (archive_cases_each(self->archive, NULL, NULL, "open", s_review_case, &r) != 0
        || archive_alerts_each(self->archive, 1, 100000, s_review_alert, &r) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "review",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        Enlace__AlertStatus **items = calloc(r.nalerts + 1, sizeof *items);
        alerts_status_t **wraps = calloc(r.nalerts + 1, sizeof *wraps);
        size_t n = 0;
        for (size_t i = 0; items && wraps && i < r.nalerts; i++) {
            alerts_status_t *w = alerts_status(self, who, r.alerts[i]);
            if (w) {
                wraps[n] = w;
                items[n++] = &w->st;
            }
        }
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__ReviewList rl = ENLACE__REVIEW_LIST__INIT;
        rl.n_cases = r.ncases;
        rl.cases = r.cases;
        rl.n_alerts = n;
        rl.alerts = items;
        frame.body_case = ENLACE__FRAME__BODY_REVIEW_LIST;
        frame.review_list = &rl;
        hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
        for (size_t i = 0; i < n; i++)
            alerts_status_free(wraps[i]);
        free(items);
        free(wraps);
    }
    for (size_t i = 0; i < r.ncases; i++)
        s_info_free(r.cases[i]);
    free(r.cases);
}
