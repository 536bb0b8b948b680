/*
 * api_consult.c: the console's calls for the PPT's written consultation
 * (engine thread): the list, one consultation (its texts, the board of
 * answers and deadlines, its events), the draft the PPT would open, and
 * the steps: open, answer, advance, revise, close.
 *
 * Everything here comes from libenlace's typed calls, which carry only
 * what the hub's disclosure decision let through: a consultation the
 * officer may not see is ENLACE_ENOTFOUND, word for word the answer for
 * one that does not exist, and so is 404 here for both. Deadlines go to
 * the page as instants with the country's IANA zone; the page shows them
 * in that zone and in the reader's own.
 */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "webreq.h"

static json_t *
s_strings(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *v = json_string(s[i]);
        if (v)
            json_array_append_new(a, v);
    }
    return a;
}

/* A consultation's own facts; NULL if a text is not UTF-8. */
static json_t *
s_info_json(const enlace_consult_info_t *c)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:o, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:I, "
                     "s:i, s:i}",
        "id", (json_int_t)c->id, "title", c->title, "state", c->state, "stage", (int)c->stage,
        "troika", s_strings(c->troika, c->ntroika), "ppt", c->ppt, "opened_by", c->opened_by,
        "opened_by_fingerprint", c->opened_by_fingerprint, "opened_ms", (json_int_t)c->opened_ms,
        "updated_ms", (json_int_t)c->updated_ms, "version", (int)c->version, "outcome", c->outcome,
        "reason", c->reason, "closed_ms", (json_int_t)c->closed_ms, "addressed", (int)c->addressed,
        "answered", (int)c->answered);
}

/* The message of a consultation with sequence seq, or NULL. */
static const enlace_delivery_t *
s_message(const enlace_consult_t *c, uint64_t seq)
{
    for (size_t i = 0; seq && i < c->nmessages; i++)
        if (c->messages[i]->seq == seq)
            return c->messages[i];
    return NULL;
}

/* A message's body as text: "" when there is none or it is not UTF-8
 * (a consultation's texts are the author's words, always UTF-8 text when
 * the page wrote them). */
static json_t *
s_body(const enlace_delivery_t *d)
{
    json_t *s = d && d->body_len ? json_stringn((const char *)d->body, d->body_len) : NULL;
    return s ? s : json_string("");
}

static json_t *
s_target_json(const enlace_consult_t *c, const enlace_consult_target_t *t)
{
    return json_pack("{s:i, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:b, s:i, s:i, s:o}", "stage",
        (int)t->stage, "country", t->country, "zone", t->zone, "opened_ms",
        (json_int_t)t->opened_ms, "deadline_ms", (json_int_t)t->deadline_ms, "state", t->state,
        "answer", t->answer, "answered_by", t->answered_by, "answered_ms",
        (json_int_t)t->answered_ms, "late", t->late, "step", (int)t->step, "answers",
        (int)t->answers, "text", s_body(s_message(c, t->answer_seq)));
}

static json_t *
s_consult_json(const enlace_consult_t *c)
{
    json_t *info = s_info_json(c->info);
    json_t *targets = json_array(), *versions = json_array(), *events = json_array();
    json_t *reports = json_array();
    if (!info || !targets || !versions || !events || !reports) {
        json_decref(info);
        json_decref(targets);
        json_decref(versions);
        json_decref(events);
        json_decref(reports);
        return NULL;
    }
    for (size_t i = 0; i < c->ntargets; i++) {
        json_t *t = s_target_json(c, c->targets[i]);
        if (t)
            json_array_append_new(targets, t);
    }
    for (size_t i = 0; i < c->nversions; i++) {
        const enlace_consult_version_t *v = c->versions[i];
        size_t len = 0;
        const char *text = enlace_consult_text(c, v->version, &len);
        json_t *s = text ? json_stringn(text, len) : NULL;
        json_t *o = json_pack("{s:i, s:i, s:I, s:I, s:o, s:b}", "version", (int)v->version, "stage",
            (int)v->stage, "seq", (json_int_t)v->seq, "ts_ms", (json_int_t)v->ts_ms, "text",
            s ? s : json_string(""), "readable", s != NULL);
        if (o)
            json_array_append_new(versions, o);
    }
    for (size_t i = 0; i < c->nevents; i++) {
        const enlace_consult_event_t *e = c->events[i];
        json_t *o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s}", "ts_ms", (json_int_t)e->ts_ms,
            "event", e->event, "stage", (int)e->stage, "country", e->country, "officer", e->officer,
            "detail", e->detail);
        if (o)
            json_array_append_new(events, o);
    }
    for (size_t i = 0; i < c->nmessages; i++) {
        const enlace_delivery_t *m = c->messages[i];
        if (!m->consult_step || strcmp(m->consult_step, "close") != 0)
            continue;
        json_t *o = json_pack("{s:I, s:s, s:s, s:o}", "seq", (json_int_t)m->seq, "outcome",
            m->consult_outcome ? m->consult_outcome : "", "author", m->author_name, "text",
            s_body(m));
        if (o)
            json_array_append_new(reports, o);
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "consultation", info, "versions",
        versions, "targets", targets, "events", events, "reports", reports, "addressees",
        (json_int_t)c->naddressees, "now_ms", (json_int_t)web_now_ms());
}

/* ---------------------------------------------------------------- reading */

void
api_consult_list(web_engine_t *e, web_call_t *call)
{
    uint64_t open = 0;
    const char *v = web_call_arg(call, "open");
    if (v && *v && number_parse_u64(v, 0, 1, &open) != NUMBER_OK) {
        web_fail(call, ENLACE_EINVAL, "open is 0 or 1", "open");
        return;
    }
    enlace_consult_list_t *list = NULL;
    int rc = enlace_consult_list(e->client, (int)open, &list);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->count; i++) {
        json_t *c = s_info_json(list->items[i]);
        if (c)
            json_array_append_new(arr, c);
    }
    enlace_consult_list_destroy(&list);
    web_ok(call, json_pack("{s:o, s:I}", "consultations", arr, "now_ms", (json_int_t)web_now_ms()));
}

void
api_consult_show(web_engine_t *e, web_call_t *call)
{
    enlace_consult_t *c = NULL;
    int rc = enlace_consult_show(e->client, call->id, &c);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    for (size_t i = 0; i < c->nmessages; i++)
        web_engine_saw(e, c->messages[i]);
    json_t *j = s_consult_json(c);
    enlace_consult_destroy(&c);
    if (!j) {
        web_fail(call, ENLACE_EPROTO, "the consultation holds text that is not UTF-8", NULL);
        return;
    }
    web_ok(call, j);
}

/* The consultation the PPT would open now: its Troika and how many focal
 * points it would reach. Anyone else gets the hub's refusal, which tells
 * the page not to offer the form. */
void
api_consult_draft(web_engine_t *e, web_call_t *call)
{
    enlace_consult_t *c = NULL;
    int rc = enlace_consult_show(e->client, 0, &c);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *info = s_info_json(c->info);
    json_t *j = info
        ? json_pack("{s:o, s:I}", "draft", info, "addressees", (json_int_t)c->naddressees)
        : NULL;
    enlace_consult_destroy(&c);
    if (!j) {
        web_fail(call, ENLACE_EPROTO, "the draft holds text that is not UTF-8", NULL);
        return;
    }
    web_ok(call, j);
}

/* ---------------------------------------------------------------- the steps */

static int
s_decode(web_call_t *call, web_consult_step_t step, web_consult_req_t *r)
{
    web_req_error_t why;
    if (web_req_consult(call->body, step, r, &why) != 0) {
        web_fail(call, ENLACE_EINVAL, why.message, why.field);
        return -1;
    }
    return 0;
}

static void
s_done(web_engine_t *e, web_call_t *call, int rc, uint64_t id, const char *step)
{
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:I, s:s}", "id", (json_int_t)id, "step", step));
}

void
api_consult_open(web_engine_t *e, web_call_t *call)
{
    web_consult_req_t r;
    if (s_decode(call, WEB_CONSULT_OPEN, &r) != 0)
        return;
    uint64_t id = 0;
    int rc = enlace_consult_open(e->client, r.title, r.text, &id);
    s_done(e, call, rc, id, "open");
}

void
api_consult_answer(web_engine_t *e, web_call_t *call)
{
    web_consult_req_t r;
    if (s_decode(call, WEB_CONSULT_ANSWER, &r) != 0)
        return;
    int rc = enlace_consult_answer(e->client, call->id, r.stage, r.answer, r.text);
    s_done(e, call, rc, call->id, "answer");
}

void
api_consult_advance(web_engine_t *e, web_call_t *call)
{
    web_consult_req_t r;
    if (s_decode(call, WEB_CONSULT_ADVANCE, &r) != 0)
        return;
    int rc = enlace_consult_advance(e->client, call->id, r.text);
    s_done(e, call, rc, call->id, "advance");
}

void
api_consult_revise(web_engine_t *e, web_call_t *call)
{
    web_consult_req_t r;
    if (s_decode(call, WEB_CONSULT_REVISE, &r) != 0)
        return;
    int rc = enlace_consult_revise(e->client, call->id, r.text);
    s_done(e, call, rc, call->id, "revise");
}

void
api_consult_close(web_engine_t *e, web_call_t *call)
{
    web_consult_req_t r;
    if (s_decode(call, WEB_CONSULT_CLOSE, &r) != 0)
        return;
    int rc = enlace_consult_close(e->client, call->id, r.consensus, r.reason, r.report);
    s_done(e, call, rc, call->id, "close");
}
