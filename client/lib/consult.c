/*
 * consult.c: the PPT's written consultation: its steps, each a signed
 * message labelled as its stage needs, and the board (show, list).
 *
 * A step first reads the consultation (ConsultShow) for its stage and, while
 * it is with the Troika, the officers to name (AMBER+STRICT to the Troika's
 * countries); from round 1 on a step is AMBER to every member. The hub
 * checks all of it again: the library only spares the caller the labels.
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

#define CONSULT_TOPIC "crm/members/consult"

typedef struct {
    enlace_consult_t pub;      /* must be first: the caller sees this */
    Enlace__Frame *frame;      /* the ConsultDetail reply: the views point into it; owned */
    enl_delivery_t **messages; /* verified; each owned */
    size_t nmessages;
    arena_t arena; /* the views */
} consult_t;

typedef struct {
    enlace_consult_list_t pub;
    Enlace__Frame *frame;
    arena_t arena;
} consult_list_t;

/* ------------------------------------------------------------ views */

static const enlace_consult_info_t *
s_info_view(arena_t *a, const Enlace__ConsultInfo *c)
{
    static const Enlace__ConsultInfo none = ENLACE__CONSULT_INFO__INIT;
    if (!c)
        c = &none;
    enlace_consult_info_t *v = arena_alloc(a, sizeof *v);
    if (!v)
        return NULL;
    v->id = c->id;
    v->title = c->title;
    v->state = c->state;
    v->stage = c->stage;
    v->ntroika = c->n_troika;
    v->troika = (const char *const *)c->troika;
    v->ppt = c->ppt;
    v->opened_by = c->opened_by;
    v->opened_by_fingerprint = c->opened_by_fingerprint;
    v->opened_ms = c->opened_ms;
    v->updated_ms = c->updated_ms;
    v->version = c->version;
    v->outcome = c->outcome;
    v->reason = c->reason;
    v->closed_ms = c->closed_ms;
    v->addressed = c->addressed;
    v->answered = c->answered;
    return v;
}

static enlace_consult_t *
s_consult_from(enlace_client_t *self, Enlace__Frame *reply)
{
    consult_t *c = calloc(1, sizeof *c);
    if (!c) {
        enlace__frame__free_unpacked(reply, NULL);
        return NULL;
    }
    c->frame = reply;
    const Enlace__ConsultDetail *d = reply->consult_detail;
    enlace_consult_t *pub = &c->pub;
    pub->info = s_info_view(&c->arena, d->info);
    const enlace_consult_version_t **versions = arena_alloc(&c->arena,
        (d->n_versions + 1) * sizeof *versions);
    const enlace_consult_target_t **targets = arena_alloc(&c->arena,
        (d->n_targets + 1) * sizeof *targets);
    const enlace_consult_event_t **events = arena_alloc(&c->arena,
        (d->n_events + 1) * sizeof *events);
    c->messages = calloc(d->n_messages + 1, sizeof *c->messages);
    if (!pub->info || !versions || !targets || !events || !c->messages) {
        enlace_consult_destroy(&pub);
        return NULL;
    }
    for (size_t i = 0; i < d->n_versions; i++) {
        enlace_consult_version_t *v = arena_alloc(&c->arena, sizeof *v);
        if (!v) {
            enlace_consult_destroy(&pub);
            return NULL;
        }
        v->version = d->versions[i]->version;
        v->stage = d->versions[i]->stage;
        v->seq = d->versions[i]->seq;
        v->ts_ms = d->versions[i]->ts_ms;
        versions[i] = v;
    }
    for (size_t i = 0; i < d->n_targets; i++) {
        const Enlace__ConsultTarget *t = d->targets[i];
        enlace_consult_target_t *v = arena_alloc(&c->arena, sizeof *v);
        if (!v) {
            enlace_consult_destroy(&pub);
            return NULL;
        }
        *v = (enlace_consult_target_t){.stage = t->stage,
            .country = t->country,
            .zone = t->zone,
            .opened_ms = t->opened_ms,
            .deadline_ms = t->deadline_ms,
            .state = t->state,
            .answer = t->answer,
            .answered_by = t->answered_by,
            .answered_ms = t->answered_ms,
            .answer_seq = t->answer_seq,
            .late = t->late,
            .step = t->step,
            .answers = t->answers};
        targets[i] = v;
    }
    for (size_t i = 0; i < d->n_events; i++) {
        const Enlace__ConsultEvent *e = d->events[i];
        enlace_consult_event_t *v = arena_alloc(&c->arena, sizeof *v);
        if (!v) {
            enlace_consult_destroy(&pub);
            return NULL;
        }
        *v = (enlace_consult_event_t){.ts_ms = e->ts_ms,
            .event = e->event,
            .stage = e->stage,
            .country = e->country,
            .officer = e->officer,
            .detail = e->detail};
        events[i] = v;
    }
    pub->versions = versions;
    pub->nversions = d->n_versions;
    pub->targets = targets;
    pub->ntargets = d->n_targets;
    pub->events = events;
    pub->nevents = d->n_events;
    pub->addressees = (const char *const *)d->addressees;
    pub->naddressees = d->n_addressees;
    c->nmessages = enl_deliveries_open(self, d->messages, d->n_messages, c->messages);
    pub->messages = (const enlace_delivery_t *const *)c->messages;
    pub->nmessages = c->nmessages;
    return pub;
}

void
enlace_consult_destroy(enlace_consult_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    consult_t *c = (consult_t *)*self_p;
    for (size_t i = 0; i < c->nmessages; i++)
        enl_delivery_free(c->messages[i]);
    free(c->messages);
    arena_free(&c->arena);
    enlace__frame__free_unpacked(c->frame, NULL);
    free(c);
    *self_p = NULL;
}

const char *
enlace_consult_text(const enlace_consult_t *c, unsigned version, size_t *len)
{
    for (size_t i = 0; c && i < c->nversions; i++) {
        if (c->versions[i]->version != version)
            continue;
        for (size_t k = 0; k < c->nmessages; k++)
            if (c->messages[k]->seq == c->versions[i]->seq) {
                if (len)
                    *len = c->messages[k]->body_len;
                return c->messages[k]->body_len ? (const char *)c->messages[k]->body : "";
            }
    }
    return NULL;
}

int
enlace_consult_show(enlace_client_t *self, uint64_t id, enlace_consult_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ConsultShow q = ENLACE__CONSULT_SHOW__INIT;
    q.consultation = id;
    req.body_case = ENLACE__FRAME__BODY_CONSULT_SHOW;
    req.consult_show = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CONSULT_DETAIL, &err);
    if (!reply)
        return err;
    *out = s_consult_from(self, reply);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_consult_list(enlace_client_t *self, int open_only, enlace_consult_list_t **out)
{
    *out = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ConsultQuery q = ENLACE__CONSULT_QUERY__INIT;
    q.open_only = open_only != 0;
    q.limit = 500;
    req.body_case = ENLACE__FRAME__BODY_CONSULT_QUERY;
    req.consult_query = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CONSULT_LIST, &err);
    if (!reply)
        return err;
    consult_list_t *l = calloc(1, sizeof *l);
    if (!l) {
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    l->frame = reply;
    const Enlace__ConsultList *cl = reply->consult_list;
    const enlace_consult_info_t **items = arena_alloc(&l->arena,
        (cl->n_consultations + 1) * sizeof *items);
    for (size_t i = 0; items && i < cl->n_consultations; i++)
        if (!(items[i] = s_info_view(&l->arena, cl->consultations[i])))
            items = NULL;
    l->pub.items = items;
    l->pub.count = cl->n_consultations;
    *out = &l->pub;
    if (!items) {
        enlace_consult_list_destroy(out);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    return ENLACE_OK;
}

void
enlace_consult_list_destroy(enlace_consult_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    consult_list_t *l = (consult_list_t *)*self_p;
    arena_free(&l->arena);
    enlace__frame__free_unpacked(l->frame, NULL);
    free(l);
    *self_p = NULL;
}

/* ------------------------------------------------------------ steps */

/* Publishes step k with text, labelled for stage `label_stage` of the
 * consultation as shown in `now` (its addressees while with the Troika). */
static int
s_publish(enlace_client_t *self, Enlace__Consult *k, const enlace_consult_t *now,
    unsigned label_stage, const char *text, uint64_t *seq)
{
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_AMBER};
    if (label_stage == 0) {
        if (!now || now->naddressees == 0)
            return enl_fail(self, ENLACE_EINVAL,
                "nobody of the Troika can be addressed: each of its countries needs an officer "
                "in crm");
        o.tlp = ENLACE_TLP_AMBER_STRICT;
        o.recipients = now->addressees;
        o.nrecipients = now->naddressees;
    }
    return enl_publish_with(self, CONSULT_TOPIC, text ? text : "", text ? strlen(text) : 0, &o, k,
        seq);
}

int
enlace_consult_open(enlace_client_t *self, const char *title, const char *text, uint64_t *id)
{
    if (!self || !title || !*title || !text || !*text)
        return self ? enl_fail(self, ENLACE_EINVAL, "a consultation needs a title and a text")
                    : ENLACE_EINVAL;
    enlace_consult_t *draft = NULL;
    int rc = enlace_consult_show(self, 0, &draft);
    if (rc != ENLACE_OK)
        return rc;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    k.step = ENLACE__CONSULT_STEP__CONSULT_OPEN;
    k.title = (char *)title;
    rc = s_publish(self, &k, draft, 0, text, id);
    enlace_consult_destroy(&draft);
    return rc;
}

/* A step on consultation id at its current stage (or `stage`): reads it
 * first for the stage and its addressees. */
static int
s_step(enlace_client_t *self, Enlace__Consult *k, uint64_t id, int stage, int next_stage,
    const char *text)
{
    if (!self)
        return ENLACE_EINVAL;
    if (!id)
        return enl_fail(self, ENLACE_EINVAL, "which consultation? (its number)");
    enlace_consult_t *now = NULL;
    int rc = enlace_consult_show(self, id, &now);
    if (rc != ENLACE_OK)
        return rc;
    k->consultation = id;
    k->stage = stage >= 0 ? (uint32_t)stage : now->info->stage;
    /* Advance without a text: the Troika's text, as it stands. */
    size_t len;
    const char *current = NULL;
    if (!text && k->step == ENLACE__CONSULT_STEP__CONSULT_ADVANCE) {
        current = enlace_consult_text(now, now->info->version, &len);
        if (!current) {
            enlace_consult_destroy(&now);
            return enl_fail(self, ENLACE_EINVAL, "the consultation's text is not readable here");
        }
    }
    char *copy = current ? strndup(current, len) : NULL;
    if (current && !copy) {
        enlace_consult_destroy(&now);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    rc = s_publish(self, k, now, k->stage + (unsigned)next_stage, copy ? copy : text, NULL);
    free(copy);
    enlace_consult_destroy(&now);
    return rc;
}

int
enlace_consult_answer(enlace_client_t *self, uint64_t id, int stage, const char *answer,
    const char *text)
{
    static const char *const names[] = {"", "agree", "object", "no-objection", "comments",
        "objection", NULL};
    int a = enl_enum(names, answer, -1);
    if (a <= 0)
        return self ? enl_fail(self, ENLACE_EINVAL,
                   "an answer is agree, object, no-objection, comments or objection")
                    : ENLACE_EINVAL;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    k.step = ENLACE__CONSULT_STEP__CONSULT_ANSWER;
    k.answer = (Enlace__ConsultAnswer)a;
    return s_step(self, &k, id, stage, 0, text);
}

int
enlace_consult_advance(enlace_client_t *self, uint64_t id, const char *text)
{
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    k.step = ENLACE__CONSULT_STEP__CONSULT_ADVANCE;
    return s_step(self, &k, id, -1, 1, text);
}

int
enlace_consult_revise(enlace_client_t *self, uint64_t id, const char *text)
{
    if (!text || !*text)
        return self ? enl_fail(self, ENLACE_EINVAL, "the revised text is required") : ENLACE_EINVAL;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    k.step = ENLACE__CONSULT_STEP__CONSULT_REVISE;
    return s_step(self, &k, id, -1, 1, text);
}

int
enlace_consult_close(enlace_client_t *self, uint64_t id, int consensus, const char *reason,
    const char *report)
{
    if (!report || !*report)
        return self ? enl_fail(self, ENLACE_EINVAL, "closing a consultation needs its report")
                    : ENLACE_EINVAL;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    k.step = ENLACE__CONSULT_STEP__CONSULT_CLOSE;
    k.outcome = consensus ? ENLACE__CONSULT_OUTCOME__OUTCOME_CONSENSUS
                          : ENLACE__CONSULT_OUTCOME__OUTCOME_NO_CONSENSUS;
    k.reason = (char *)(reason ? reason : "");
    return s_step(self, &k, id, -1, 0, report);
}
