/*
 * handle_consult.c: ConsultQuery and ConsultShow, the consultations' board:
 * who answered what, by when, and the signed texts, as the sender may see
 * them (see consult.h). Everything said about a consultation goes through
 * disclose_consultation, and each message through disclose_message: a
 * consultation the sender may not see is answered exactly as one that does
 * not exist, and what happened while it was with the Troika (its answers,
 * its first text, its events) only to those who could see it then.
 */
#include "consult.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "arena.h"
#include "attrs.h"
#include "log.h"
#include "wire.h"

/* A reply being built: everything but the signed messages in the arena. */
typedef struct {
    arena_t arena;
    Enlace__Delivery **messages; /* each from wire_page_item; owned */
    uint8_t **bufs;              /* their buffers; owned */
    size_t nmessages, capmessages;
    int failed;
} reply_t;

static char *
s_str(reply_t *b, const char *s)
{
    char *c = arena_strdup(&b->arena, s ? s : "");
    if (!c)
        b->failed = 1;
    return c ? c : "";
}

static void *
s_alloc(reply_t *b, size_t n)
{
    void *p = arena_alloc(&b->arena, n);
    if (!p)
        b->failed = 1;
    return p;
}

static void
s_reply_free(reply_t *b)
{
    for (size_t i = 0; i < b->nmessages; i++) {
        free(b->messages[i]);
        free(b->bufs[i]);
    }
    free(b->messages);
    free(b->bufs);
    arena_free(&b->arena);
}

static const char *
s_name(const hub_env_t *env, int64_t officer_id)
{
    const dir_entry_t *e = officer_id ? directory_find_officer(env->dir, officer_id) : NULL;
    return e ? e->name : "";
}

/* A comma-separated list as repeated strings. */
static char **
s_split(reply_t *b, const char *list, size_t *n)
{
    size_t count = 0;
    for (const char *p = list; p && *p; p++)
        count += *p == ',';
    char **out = s_alloc(b, (count + 2) * sizeof *out);
    *n = 0;
    if (!out)
        return NULL;
    char *copy = s_str(b, list);
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
        out[(*n)++] = item;
    return out;
}

static Enlace__ConsultInfo *
s_info(reply_t *b, const hub_env_t *env, const consult_row_t *c, const consult_targets_t *now,
    int troika_view)
{
    Enlace__ConsultInfo *i = s_alloc(b, sizeof *i);
    if (!i)
        return NULL;
    enlace__consult_info__init(i);
    i->id = c->id;
    i->title = s_str(b, c->title);
    i->state = s_str(b, c->state);
    i->stage = (uint32_t)c->stage;
    if (troika_view)
        i->troika = s_split(b, c->troika, &i->n_troika);
    i->ppt = s_str(b, c->ppt);
    const dir_entry_t *by = directory_find_officer(env->dir, c->opened_by);
    i->opened_by = s_str(b, by ? by->name : "");
    i->opened_by_fingerprint = s_str(b, by ? by->fingerprint : "");
    i->opened_ms = c->opened_ms;
    i->updated_ms = c->updated_ms;
    i->version = (uint32_t)c->version;
    i->outcome = s_str(b, c->outcome);
    i->reason = s_str(b, c->reason);
    i->closed_ms = c->closed_ms;
    for (int k = 0; now && k < now->n; k++) {
        i->addressed++;
        i->answered += now->t[k].answer[0] != '\0';
    }
    return i;
}

static int
s_send(req_t *r, Enlace__Frame *frame, reply_t *b)
{
    int rc = b->failed ? req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory")
                       : req_reply(r, frame);
    s_reply_free(b);
    return rc;
}

/* ------------------------------------------------------------ the list */

typedef struct {
    uint64_t ids[500];
    int n;
} ids_t;

static int
s_collect(const archive_consult_t *c, void *arg)
{
    ids_t *l = arg;
    if (l->n < 500)
        l->ids[l->n++] = c->id;
    return 0;
}

int
handle_consult_list(req_t *r, const Enlace__ConsultQuery *q)
{
    const hub_env_t *env = r->env;
    static ids_t ids; /* hub thread only */
    static consult_targets_t t;
    ids.n = 0;
    int limit = q->limit && q->limit <= 500 ? (int)q->limit : 100;
    if (archive_consults_each(env->archive, q->open_only, limit, s_collect, &ids) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    reply_t b = {.failed = 0};
    Enlace__ConsultInfo **items = s_alloc(&b, (size_t)(ids.n + 1) * sizeof *items);
    size_t n = 0;
    for (int i = 0; items && i < ids.n; i++) {
        consult_row_t c;
        if (consult_load(env->archive, ids.ids[i], &c) != 1
            || !consult_visible(env->dir, r->who, &c, r->now))
            continue;
        if (consult_targets_load(env->archive, c.id, c.stage, &t) != 0) {
            s_reply_free(&b);
            return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        }
        Enlace__ConsultInfo *info = s_info(&b, env, &c, &t,
            consult_troika_visible(env->dir, r->who, &c, r->now));
        if (info)
            items[n++] = info;
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__ConsultList list = ENLACE__CONSULT_LIST__INIT;
    list.consultations = items;
    list.n_consultations = n;
    frame.body_case = ENLACE__FRAME__BODY_CONSULT_LIST;
    frame.consult_list = &list;
    return s_send(r, &frame, &b);
}

/* ------------------------------------------------------------ one consultation */

/* The addressees to name while it is with the Troika. */
static char **
s_addressees(reply_t *b, const hub_env_t *env, const char *troika, int64_t now, size_t *n)
{
    char *list = consult_addressees(env->dir, troika, 0, 0, now);
    if (!list) {
        b->failed = 1;
        *n = 0;
        return NULL;
    }
    char **out = s_split(b, list, n);
    free(list);
    return out;
}

/* The consultation the PPT would open now: its Troika and whom to name. */
static int
s_draft(req_t *r)
{
    const hub_env_t *env = r->env;
    const char *denied = consult_rules_may_open(env->dir, r->who, r->now);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    consult_row_t c = {.stage = 0, .opened_by = r->who->officer_id, .opened_ms = r->now};
    snprintf(c.state, sizeof c.state, "draft");
    snprintf(c.ppt, sizeof c.ppt, "%s", r->who->country);
    consult_rules_troika(env->dir, r->now, c.troika, sizeof c.troika);
    reply_t b = {.failed = 0};
    Enlace__ConsultDetail d = ENLACE__CONSULT_DETAIL__INIT;
    d.info = s_info(&b, env, &c, NULL, 1);
    d.addressees = s_addressees(&b, env, c.troika, r->now, &d.n_addressees);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    frame.body_case = ENLACE__FRAME__BODY_CONSULT_DETAIL;
    frame.consult_detail = &d;
    return s_send(r, &frame, &b);
}

typedef struct {
    req_t *r;
    reply_t *b;
    int troika_view;
    Enlace__ConsultVersion **versions;
    size_t nversions;
    Enlace__ConsultEvent **events;
    size_t nevents, capevents;
    uint64_t steps[1024]; /* the steps' messages, in order */
    size_t nsteps;
} show_t;

static int
s_version(int version, int stage, uint64_t seq, int64_t ts_ms, void *arg)
{
    show_t *s = arg;
    attrs_t attrs;
    if (s->nversions >= 64
        || !attrs_readable(s->r->env->archive, s->r->env->dir, s->r->who, seq, s->r->now, &attrs))
        return 0;
    Enlace__ConsultVersion *v = s_alloc(s->b, sizeof *v);
    if (!v)
        return 1;
    enlace__consult_version__init(v);
    v->version = (uint32_t)version;
    v->stage = (uint32_t)stage;
    v->seq = seq;
    v->ts_ms = ts_ms;
    s->versions[s->nversions++] = v;
    return 0;
}

static int
s_event(const archive_consult_event_t *e, void *arg)
{
    show_t *s = arg;
    if (e->stage == 0 && !s->troika_view && strcmp(e->event, "opened") != 0)
        return 0; /* what happened with the Troika, to those who saw it then */
    int step = !strcmp(e->event, "opened") || !strcmp(e->event, "answered")
        || !strcmp(e->event, "advanced") || !strcmp(e->event, "revised")
        || !strcmp(e->event, "closed");
    if (step && e->seq && s->nsteps < sizeof s->steps / sizeof s->steps[0])
        s->steps[s->nsteps++] = e->seq;
    if (s->nevents == s->capevents) {
        size_t cap = s->capevents ? s->capevents * 2 : 64;
        Enlace__ConsultEvent **grown = s_alloc(s->b, cap * sizeof *grown);
        if (!grown)
            return 1;
        if (s->nevents)
            memcpy(grown, s->events, s->nevents * sizeof *grown);
        s->events = grown;
        s->capevents = cap;
    }
    Enlace__ConsultEvent *ev = s_alloc(s->b, sizeof *ev);
    if (!ev)
        return 1;
    enlace__consult_event__init(ev);
    ev->ts_ms = e->ts_ms;
    ev->event = s_str(s->b, e->event);
    ev->stage = (uint32_t)e->stage;
    ev->country = s_str(s->b, e->country);
    ev->officer = s_str(s->b, s_name(s->r->env, e->officer_id));
    /* The title was given when it was opened: it belongs to the board. */
    ev->detail = s_str(s->b, !strcmp(e->event, "opened") ? "" : e->detail);
    s->events[s->nevents++] = ev;
    return 0;
}

/* Adds message seq to the reply if the sender may read it. */
static int
s_message_row(const archive_msg_t *am, void *arg)
{
    show_t *s = arg;
    const hub_env_t *env = s->r->env;
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(env->dir, am, &m, home);
    disclose_reader_t reader = {.dir = env->dir, .who = s->r->who, .now_ms = s->r->now};
    if (!disclose_all(&reader, &m, DISCLOSE_ARCHIVE))
        return 1;
    reply_t *b = s->b;
    if (b->nmessages == b->capmessages) {
        size_t cap = b->capmessages ? b->capmessages * 2 : 32;
        Enlace__Delivery **gm = realloc(b->messages, cap * sizeof *gm);
        if (gm)
            b->messages = gm;
        uint8_t **gb = realloc(b->bufs, cap * sizeof *gb);
        if (gb)
            b->bufs = gb;
        if (!gm || !gb) {
            b->failed = 1;
            return 1;
        }
        b->capmessages = cap;
    }
    const dir_entry_t *author = am->author_id ? directory_find_officer(env->dir, am->author_id)
                                              : notary_entry(env->notary);
    uint8_t *copy = NULL;
    Enlace__Delivery *d = wire_page_item(am, author, &copy);
    if (!d) {
        b->failed = 1;
        return 1;
    }
    b->messages[b->nmessages] = d;
    b->bufs[b->nmessages++] = copy;
    return 1;
}

static Enlace__ConsultTarget *
s_target(reply_t *b, const hub_env_t *env, const consult_target_t *t)
{
    Enlace__ConsultTarget *x = s_alloc(b, sizeof *x);
    if (!x)
        return NULL;
    enlace__consult_target__init(x);
    x->stage = (uint32_t)t->stage;
    x->country = s_str(b, t->country);
    x->zone = s_str(b, t->zone);
    x->opened_ms = t->opened_ms;
    x->deadline_ms = t->deadline_ms;
    x->state = s_str(b, t->state);
    x->answer = s_str(b, t->answer);
    x->answered_by = s_str(b, s_name(env, t->answered_by));
    x->answered_ms = t->answer_ms;
    x->answer_seq = t->answer_seq;
    x->late = t->late;
    x->step = (uint32_t)t->step;
    x->answers = (uint32_t)t->answers;
    return x;
}

int
handle_consult_show(req_t *r, const Enlace__ConsultShow *q)
{
    if (q->consultation == 0)
        return s_draft(r);
    const hub_env_t *env = r->env;
    consult_row_t c;
    int found = consult_load(env->archive, q->consultation, &c);
    if (found < 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    if (!found || !consult_visible(env->dir, r->who, &c, r->now))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no consultation with that number that you may see");
    static consult_targets_t all, now;
    if (consult_targets_load(env->archive, c.id, -1, &all) != 0
        || consult_targets_load(env->archive, c.id, c.stage, &now) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    reply_t b = {.failed = 0};
    show_t s = {.r = r,
        .b = &b,
        .troika_view = consult_troika_visible(env->dir, r->who, &c, r->now)};
    Enlace__ConsultDetail d = ENLACE__CONSULT_DETAIL__INIT;
    d.info = s_info(&b, env, &c, &now, s.troika_view);
    d.targets = s_alloc(&b, (size_t)(all.n + 1) * sizeof *d.targets);
    for (int i = 0; d.targets && i < all.n; i++) {
        if (all.t[i].stage == 0 && !s.troika_view)
            continue;
        Enlace__ConsultTarget *x = s_target(&b, env, &all.t[i]);
        if (x)
            d.targets[d.n_targets++] = x;
    }
    s.versions = s_alloc(&b, 65 * sizeof *s.versions);
    if (!s.versions || archive_consult_versions(env->archive, c.id, s_version, &s) != 0
        || archive_consult_events(env->archive, c.id, s_event, &s) != 0) {
        s_reply_free(&b);
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    d.versions = s.versions;
    d.n_versions = s.nversions;
    d.events = s.events;
    d.n_events = s.nevents;
    for (size_t i = 0; i < s.nsteps; i++)
        if (archive_message_read(env->archive, s.steps[i], s_message_row, &s) < 0) {
            s_reply_free(&b);
            return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        }
    d.messages = b.messages;
    d.n_messages = b.nmessages;
    if (c.stage == 0 && !strcmp(c.state, "open") && s.troika_view)
        d.addressees = s_addressees(&b, env, c.troika, r->now, &d.n_addressees);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    frame.body_case = ENLACE__FRAME__BODY_CONSULT_DETAIL;
    frame.consult_detail = &d;
    return s_send(r, &frame, &b);
}
