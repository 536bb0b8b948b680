/*
 * alerts.c: acknowledging alerts, their acknowledgement status country by
 * country, and the OASIS CAP 1.2 export.
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    enlace_alert_list_t pub; /* must be first: the caller sees this */
    Enlace__Frame *frame;    /* the AlertList reply: the views point into it; owned */
    arena_t arena;           /* the views */
} alert_list_t;

int
enlace_ack(enlace_client_t *self, uint64_t alert_id, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertAck a = ENLACE__ALERT_ACK__INIT;
    a.alert_seq = alert_id;
    a.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_ALERT_ACK;
    req.alert_ack = &a;
    return enl_request_ok(self, &req);
}

const enlace_alert_status_t *
enl_alert_view(arena_t *a, const Enlace__AlertStatus *st)
{
    enlace_alert_status_t *v = arena_alloc(a, sizeof *v);
    if (!v)
        return NULL;
    const Enlace__Alert *al = st->alert;
    v->id = st->seq;
    v->topic = st->topic;
    v->priority = enl_name(enl_priority_names, al ? (int)al->priority : 0);
    v->category = enl_name(enl_category_names, al ? (int)al->category : 0);
    v->headline = al ? al->headline : "";
    v->status = enl_name(enl_status_names, al ? (int)al->status : 0);
    v->msg_type = enl_name(enl_msgtype_names, al ? (int)al->msg_type : 0);
    if (al) {
        v->ncountries = al->n_countries;
        v->countries = (const char *const *)al->countries;
        v->nreferences = al->n_references;
        v->references = al->references;
    }
    v->author_name = st->author_name;
    v->author_fingerprint = st->author_fingerprint;
    v->author_country = st->author_country;
    v->stored_ms = st->stored_ms;
    v->case_id = st->case_id;
    v->needs_ack = st->needs_ack;
    v->superseded_by = st->superseded_by;
    v->sealed = st->sealed;
    const enlace_target_t **targets = arena_alloc(a, (st->n_targets + 1) * sizeof *targets);
    if (!targets)
        return NULL;
    for (size_t i = 0; i < st->n_targets; i++) {
        const Enlace__TargetState *t = st->targets[i];
        enlace_target_t *tv = arena_alloc(a, sizeof *tv);
        if (!tv)
            return NULL;
        tv->country = t->country;
        tv->state = t->state;
        tv->acked_by = t->acked_by;
        tv->acked_by_fingerprint = t->acked_by_fingerprint;
        tv->acked_ms = t->acked_ms;
        tv->note = t->note;
        tv->level = t->level;
        tv->deadline_ms = t->deadline_ms;
        targets[i] = tv;
    }
    v->ntargets = st->n_targets;
    v->targets = targets;
    return v;
}

const enlace_alert_status_t *const *
enl_alert_views(arena_t *a, Enlace__AlertStatus *const *list, size_t n)
{
    const enlace_alert_status_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        if (!(items[i] = enl_alert_view(a, list[i])))
            return NULL;
    return items;
}

/* The caller's list from an AlertList reply (which it owns, even on
 * failure); NULL out of memory. */
enlace_alert_list_t *
enl_alert_list_from(Enlace__Frame *reply)
{
    alert_list_t *l = calloc(1, sizeof *l);
    if (!l) {
        enlace__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    l->frame = reply;
    l->pub.items = enl_alert_views(&l->arena, reply->alert_list->alerts,
        reply->alert_list->n_alerts);
    l->pub.count = reply->alert_list->n_alerts;
    if (!l->pub.items) {
        enlace_alert_list_t *pub = &l->pub;
        enlace_alert_list_destroy(&pub);
        return NULL;
    }
    return &l->pub;
}

int
enlace_alerts(enlace_client_t *self, int open_only, uint64_t alert_id, enlace_alert_list_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertsQuery q = ENLACE__ALERTS_QUERY__INIT;
    q.open_only = open_only != 0;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_ALERTS_QUERY;
    req.alerts_query = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_ALERT_LIST, &err);
    if (!reply)
        return err;
    *out = enl_alert_list_from(reply);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}

void
enlace_alert_list_destroy(enlace_alert_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alert_list_t *l = (alert_list_t *)*self_p;
    arena_free(&l->arena);
    enlace__frame__free_unpacked(l->frame, NULL);
    free(l);
    *self_p = NULL;
}

int
enlace_cap(enlace_client_t *self, uint64_t alert_id, char **xml)
{
    *xml = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CapExport q = ENLACE__CAP_EXPORT__INIT;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_CAP_EXPORT;
    req.cap_export = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CAP_XML, &err);
    if (!reply)
        return err;
    *xml = strdup(reply->cap_xml->xml);
    enlace__frame__free_unpacked(reply, NULL);
    return *xml ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}
