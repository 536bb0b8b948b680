/*
 * cases.c: cases (open, with or without a form; show; list; close and
 * reopen; the joint approval of special returns) and the review of one's
 * own open cases and alerts.
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    enlace_case_t pub;         /* must be first: the caller sees this */
    Enlace__Frame *frame;      /* the CaseDetail reply; owned */
    enl_delivery_t **messages; /* verified thread; each owned */
    size_t nmessages;
    arena_t arena; /* the views */
} case_t;

typedef struct {
    enlace_case_list_t pub;
    Enlace__Frame *frame;
    arena_t arena;
} case_list_t;

typedef struct {
    enlace_review_t pub;
    Enlace__Frame *frame;
    arena_t arena;
} review_t;

const enlace_case_info_t *
enl_case_info_view(arena_t *a, const Enlace__CaseInfo *c)
{
    enlace_case_info_t *v = arena_alloc(a, sizeof *v);
    if (!v)
        return NULL;
    static const Enlace__CaseInfo none = ENLACE__CASE_INFO__INIT;
    if (!c)
        c = &none; /* a CaseDetail without its info: all empty */
    v->id = c->id;
    v->type = c->type;
    v->network = c->network;
    v->ncountries = c->n_countries;
    v->countries = (const char *const *)c->countries;
    v->title = c->title;
    v->state = c->state;
    v->opened_by = c->opened_by;
    v->opened_ms = c->opened_ms;
    v->updated_ms = c->updated_ms;
    v->form_seq = c->form_seq;
    v->approval = c->approval;
    return v;
}

static const enlace_case_info_t *const *
s_info_views(arena_t *a, Enlace__CaseInfo *const *list, size_t n)
{
    const enlace_case_info_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        if (!(items[i] = enl_case_info_view(a, list[i])))
            return NULL;
    return items;
}

enlace_case_t *
enl_case_from(enlace_client_t *self, Enlace__Frame *reply)
{
    case_t *c = calloc(1, sizeof *c);
    if (!c) {
        enlace__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    c->frame = reply;
    const Enlace__CaseDetail *cd = reply->case_detail;
    enlace_case_t *pub = &c->pub;
    c->messages = calloc(cd->n_messages + 1, sizeof *c->messages);
    pub->info = enl_case_info_view(&c->arena, cd->info);
    pub->alerts = enl_alert_views(&c->arena, cd->alerts, cd->n_alerts);
    pub->nalerts = cd->n_alerts;
    const enlace_case_event_t **events = arena_alloc(&c->arena,
        (cd->n_events + 1) * sizeof *events);
    if (!c->messages || !pub->info || !pub->alerts || !events) {
        enlace_case_destroy(&pub);
        return NULL;
    }
    for (size_t i = 0; i < cd->n_events; i++) {
        enlace_case_event_t *e = arena_alloc(&c->arena, sizeof *e);
        if (!e) {
            enlace_case_destroy(&pub);
            return NULL;
        }
        e->ts_ms = cd->events[i]->ts_ms;
        e->officer = cd->events[i]->officer;
        e->event = cd->events[i]->event;
        e->note = cd->events[i]->note;
        events[i] = e;
    }
    pub->events = events;
    pub->nevents = cd->n_events;
    /* The thread: each message verified like a delivery; one that fails is
     * counted and left out. */
    c->nmessages = enl_deliveries_open(self, cd->messages, cd->n_messages, c->messages);
    /* enl_delivery_t starts with the caller's view: the same pointers. */
    pub->messages = (const enlace_delivery_t *const *)c->messages;
    pub->nmessages = c->nmessages;
    return pub;
}

void
enlace_case_destroy(enlace_case_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    case_t *c = (case_t *)*self_p;
    for (size_t i = 0; i < c->nmessages; i++)
        enl_delivery_free(c->messages[i]);
    free(c->messages);
    arena_free(&c->arena);
    enlace__frame__free_unpacked(c->frame, NULL);
    free(c);
    *self_p = NULL;
}

enlace_case_list_t *
enl_case_list_from(Enlace__Frame *reply)
{
    case_list_t *l = calloc(1, sizeof *l);
    if (!l) {
        enlace__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    l->frame = reply;
    l->pub.items = s_info_views(&l->arena, reply->case_list->cases, reply->case_list->n_cases);
    l->pub.count = reply->case_list->n_cases;
    if (!l->pub.items) {
        enlace_case_list_t *pub = &l->pub;
        enlace_case_list_destroy(&pub);
        return NULL;
    }
    return &l->pub;
}

void
enlace_case_list_destroy(enlace_case_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    case_list_t *l = (case_list_t *)*self_p;
    arena_free(&l->arena);
    enlace__frame__free_unpacked(l->frame, NULL);
    free(l);
    *self_p = NULL;
}

enlace_review_t *
enl_review_from(Enlace__Frame *reply)
{
    review_t *r = calloc(1, sizeof *r);
    if (!r) {
        enlace__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    r->frame = reply;
    const Enlace__ReviewList *rl = reply->review_list;
    r->pub.cases = s_info_views(&r->arena, rl->cases, rl->n_cases);
    r->pub.ncases = rl->n_cases;
    r->pub.alerts = enl_alert_views(&r->arena, rl->alerts, rl->n_alerts);
    r->pub.nalerts = rl->n_alerts;
    if (!r->pub.cases || !r->pub.alerts) {
        enlace_review_t *pub = &r->pub;
        enlace_review_destroy(&pub);
        return NULL;
    }
    return &r->pub;
}

void
enlace_review_destroy(enlace_review_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    review_t *r = (review_t *)*self_p;
    arena_free(&r->arena);
    enlace__frame__free_unpacked(r->frame, NULL);
    free(r);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- requests */

/* A request answered by a CaseInfo; its id in *case_id (if not NULL). */
static int
s_case_info_request(enlace_client_t *self, Enlace__Frame *req, uint64_t *case_id)
{
    int err;
    Enlace__Frame *reply = enl_request(self, req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    if (case_id)
        *case_id = reply->case_info->id;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

static int
s_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t form_seq, uint64_t *case_id)
{
    if (!type || !title || !countries || !ncountries)
        return enl_fail(self, ENLACE_EINVAL, "a case needs a type, countries and a title");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseOpen q = ENLACE__CASE_OPEN__INIT;
    q.type = (char *)type;
    q.n_countries = ncountries;
    q.countries = (char **)countries;
    q.title = (char *)title;
    q.network = (char *)(network ? network : "");
    q.form_seq = form_seq;
    req.body_case = ENLACE__FRAME__BODY_CASE_OPEN;
    req.case_open = &q;
    return s_case_info_request(self, &req, case_id);
}

int
enlace_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t *case_id)
{
    return s_case_open(self, type, countries, ncountries, title, network, 0, case_id);
}

int
enlace_case_open_form(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, const enlace_form_t *form,
    uint64_t *case_id)
{
    if (!type || !form || !title)
        return enl_fail(self, ENLACE_EINVAL, "a form, a case type and a title are required");
    /* The form travels in a message of the case's network. */
    char topic[80];
    snprintf(topic, sizeof topic, "%s/cases/forms",
        network && *network                                                ? network
            : (!strcmp(type, "trafficking") || !strcmp(type, "smuggling")) ? "trafficking"
            : (!strcmp(type, "missing-child") || !strcmp(type, "unaccompanied-child"))
            ? "child"
            : "consular");
    enlace_publish_opts_t o = {.form = form, .personal_data = 1};
    uint64_t seq = 0;
    int rc = enlace_publish(self, topic, title, strlen(title), &o, &seq);
    if (rc != ENLACE_OK)
        return rc;
    return s_case_open(self, type, countries, ncountries, title, network, seq, case_id);
}

int
enlace_case_show(enlace_client_t *self, uint64_t case_id, enlace_case_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseShow q = ENLACE__CASE_SHOW__INIT;
    q.case_id = case_id;
    req.body_case = ENLACE__FRAME__BODY_CASE_SHOW;
    req.case_show = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_DETAIL, &err);
    if (!reply)
        return err;
    *out = enl_case_from(self, reply);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_case_list(enlace_client_t *self, const char *type, const char *country, const char *state,
    enlace_case_list_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseQuery q = ENLACE__CASE_QUERY__INIT;
    q.type = (char *)(type ? type : "");
    q.country = (char *)(country ? country : "");
    q.state = (char *)(state ? state : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_QUERY;
    req.case_query = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_LIST, &err);
    if (!reply)
        return err;
    *out = enl_case_list_from(reply);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_case_approve(enlace_client_t *self, uint64_t case_id, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseApprove q = ENLACE__CASE_APPROVE__INIT;
    q.case_id = case_id;
    q.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_APPROVE;
    req.case_approve = &q;
    return s_case_info_request(self, &req, NULL);
}

int
enlace_case_set_state(enlace_client_t *self, uint64_t case_id, int open, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseSetState q = ENLACE__CASE_SET_STATE__INIT;
    q.case_id = case_id;
    q.open = open != 0;
    q.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_SET_STATE;
    req.case_set_state = &q;
    return s_case_info_request(self, &req, NULL);
}

int
enlace_review(enlace_client_t *self, unsigned days, enlace_review_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Review q = ENLACE__REVIEW__INIT;
    q.older_than_days = days;
    req.body_case = ENLACE__FRAME__BODY_REVIEW;
    req.review = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_REVIEW_LIST, &err);
    if (!reply)
        return err;
    *out = enl_review_from(reply);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}
