/*
 * cases.c: cases (open, with or without a form; show; list; close and
 * reopen; the joint approval of special returns) and the review of one's
 * own open cases and alerts.
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "enl_json.h"

json_t *
enl_case_info_json(const Enlace__CaseInfo *c)
{
    json_t *countries = json_array();
    for (size_t i = 0; i < c->n_countries; i++)
        json_array_append_new(countries, json_string(c->countries[i]));
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id",
        (json_int_t)c->id, "type", c->type, "network", c->network, "countries", countries,
        "title", c->title, "state", c->state, "opened_by", c->opened_by, "opened_ms",
        (json_int_t)c->opened_ms, "updated_ms", (json_int_t)c->updated_ms, "form_seq",
        (json_int_t)c->form_seq, "approval", c->approval);
}

static int
s_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t form_seq,
    uint64_t *case_id);

/* A message of a case, as `enlace case show` prints it. The body is text
 * when it is UTF-8 (an empty body included: protobuf-c gives it as NULL),
 * base64 otherwise, never dropped. */
static json_t *
s_case_message_json(const enl_delivery_t *p)
{
    const enlace_delivery_t *d = &p->pub;
    json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "seq", (json_int_t)d->seq,
        "topic", d->topic, "author", d->author_name, "author_country", d->author_country, "tlp",
        enlace_tlp_name(d->tlp), "stored_ms", (json_int_t)d->stored_ms, "is_alert", d->is_alert);
    if (!m)
        return NULL;
    json_t *body = json_stringn(d->body_len ? (const char *)d->body : "", d->body_len);
    if (body) {
        json_object_set_new(m, "body", body);
    } else {
        size_t cap = sodium_base64_ENCODED_LEN(d->body_len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        if (b64) {
            sodium_bin2base64(b64, cap, d->body, d->body_len, sodium_base64_VARIANT_ORIGINAL);
            json_object_set_new(m, "body_base64", json_string(b64));
            free(b64);
        }
    }
    if (p->form_json)
        json_object_set_new(m, "form", json_loads(p->form_json, 0, NULL));
    return m;
}

/* A case with its messages (each verified: one that fails is counted in
 * bad_signatures and left out), alerts and events. */
json_t *
enl_case_detail_json(enlace_client_t *self, const Enlace__CaseDetail *cd)
{
    json_t *o = cd->info ? enl_case_info_json(cd->info) : json_object();
    if (!o)
        return NULL;
    json_t *msgs = json_array(), *alerts = json_array(), *events = json_array();
    for (size_t i = 0; i < cd->n_messages; i++) {
        enl_delivery_t *p = enl_delivery_open(cd->messages[i]);
        if (!p) {
            self->bad_signatures++;
            continue;
        }
        json_t *m = s_case_message_json(p);
        if (m)
            json_array_append_new(msgs, m);
        enl_delivery_free(p);
    }
    for (size_t i = 0; i < cd->n_alerts; i++)
        json_array_append_new(alerts, enl_alert_json(cd->alerts[i]));
    for (size_t i = 0; i < cd->n_events; i++)
        json_array_append_new(events, json_pack("{s:I, s:s, s:s, s:s}", "ts_ms",
            (json_int_t)cd->events[i]->ts_ms, "officer", cd->events[i]->officer, "event",
            cd->events[i]->event, "note", cd->events[i]->note));
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "alerts", alerts);
    json_object_set_new(o, "events", events);
    return o;
}

json_t *
enl_case_list_json(Enlace__CaseInfo *const *cases, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, enl_case_info_json(cases[i]));
    return arr;
}

json_t *
enl_review_json(const Enlace__ReviewList *r)
{
    json_t *alerts = json_array();
    for (size_t i = 0; alerts && i < r->n_alerts; i++)
        json_array_append_new(alerts, enl_alert_json(r->alerts[i]));
    return json_pack("{s:o, s:o}", "cases", enl_case_list_json(r->cases, r->n_cases), "alerts",
        alerts);
}

int
enlace_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t *case_id)
{
    return s_case_open(self, type, countries, ncountries, title, network, 0, case_id);
}

static int
s_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t form_seq,
    uint64_t *case_id)
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
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    if (case_id)
        *case_id = reply->case_info->id;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_case_open_form(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, const char *form_json,
    uint64_t *case_id)
{
    if (!type || !form_json)
        return enl_fail(self, ENLACE_EINVAL, "a form and a case type are required");
    char topic[80];
    snprintf(topic, sizeof topic, "%s/cases/forms",
        network && *network ? network
        : (!strcmp(type, "trafficking") || !strcmp(type, "smuggling")) ? "trafficking"
        : (!strcmp(type, "missing-child") || !strcmp(type, "unaccompanied-child")) ? "child"
                                                                                 : "consular");
    enlace_publish_opts_t o = {.form_json = form_json, .personal_data = 1};
    uint64_t seq = 0;
    int rc = enlace_publish(self, topic, title, strlen(title), &o, &seq);
    if (rc != ENLACE_OK)
        return rc;
    return s_case_open(self, type, countries, ncountries, title, network, seq, case_id);
}

int
enlace_case_show(enlace_client_t *self, uint64_t case_id, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseShow q = ENLACE__CASE_SHOW__INIT;
    q.case_id = case_id;
    req.body_case = ENLACE__FRAME__BODY_CASE_SHOW;
    req.case_show = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_DETAIL, &err);
    if (!reply)
        return err;
    json_t *o = enl_case_detail_json(self, reply->case_detail);
    enlace__frame__free_unpacked(reply, NULL);
    return enl_json_out(self, o, json);
}

int
enlace_case_list(enlace_client_t *self, const char *type, const char *country,
    const char *state, char **json)
{
    *json = NULL;
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
    json_t *arr = enl_case_list_json(reply->case_list->cases, reply->case_list->n_cases);
    enlace__frame__free_unpacked(reply, NULL);
    return enl_json_out(self, arr, json);
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
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_review(enlace_client_t *self, unsigned days, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Review q = ENLACE__REVIEW__INIT;
    q.older_than_days = days;
    req.body_case = ENLACE__FRAME__BODY_REVIEW;
    req.review = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_REVIEW_LIST, &err);
    if (!reply)
        return err;
    json_t *out = enl_review_json(reply->review_list);
    enlace__frame__free_unpacked(reply, NULL);
    return enl_json_out(self, out, json);
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
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}
