/*
 * api.c: the console's calls for every officer (engine thread): the
 * recipients' directory, alerts and acknowledgement, publishing, cases,
 * history and search. Each reads its decoded request, makes one or a few
 * libenlace calls and answers JSON; a refusal carries the hub's own words
 * and, for a case form, the field they name.
 */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "number.h"
#include "webjson.h"
#include "webreq.h"

static const char *
s_code(int rc)
{
    switch (rc) {
    case ENLACE_EINVAL:
        return "invalid";
    case ENLACE_EBADTOPIC:
        return "bad_topic";
    case ENLACE_EDENIED:
        return "denied";
    case ENLACE_ENOTFOUND:
        return "not_found";
    case ENLACE_ECONFLICT:
        return "conflict";
    case ENLACE_ETOOBIG:
        return "too_big";
    case ENLACE_ELIMIT:
        return "limit";
    case ENLACE_EREVOKED:
        return "revoked";
    case ENLACE_EAUTH:
        return "refused";
    case ENLACE_ETIMEDOUT:
        return "timeout";
    case ENLACE_EHANDSHAKE:
        return "unreachable";
    case ENLACE_ENOMEM:
        return "no_memory";
    default:
        return "hub";
    }
}

static unsigned
s_status(int rc)
{
    switch (rc) {
    case ENLACE_EINVAL:
    case ENLACE_EBADTOPIC:
        return 400;
    case ENLACE_EDENIED:
        return 403;
    case ENLACE_ENOTFOUND:
        return 404;
    case ENLACE_ECONFLICT:
        return 409;
    case ENLACE_ETOOBIG:
        return 413;
    case ENLACE_ELIMIT:
        return 429;
    case ENLACE_EREVOKED:
    case ENLACE_EAUTH:
        return 410;
    case ENLACE_ETIMEDOUT:
    case ENLACE_EHANDSHAKE:
        return 504;
    case ENLACE_ENOMEM:
        return 500;
    default:
        return 502;
    }
}

void
web_fail(web_call_t *call, int rc, const char *message, const char *field)
{
    call->status = s_status(rc);
    json_decref(call->result);
    call->result = json_pack("{s:s, s:s, s:s}", "error", message ? message : "", "code", s_code(rc),
        "field", field ? field : "");
    if (!call->result) /* not UTF-8: say so without it */
        call->result = json_pack("{s:s, s:s, s:s}", "error", "(the reason is not UTF-8 text)",
            "code", s_code(rc), "field", "");
}

void
web_fail_enlace(web_engine_t *e, web_call_t *call, int rc)
{
    const char *why = enlace_last_error(e->client);
    char field[64], path[80] = "";
    if (web_guard_form_field(why, field, sizeof field))
        snprintf(path, sizeof path, "form.%s", field);
    web_fail(call, rc, why, path);
}

void
web_ok(web_call_t *call, json_t *result)
{
    call->status = result ? 200 : 500;
    call->result = result ? result
                          : json_pack("{s:s, s:s}", "error", "out of memory", "code", "no_memory");
}

static void
s_bad_request(web_call_t *call, const web_req_error_t *why)
{
    web_fail(call, ENLACE_EINVAL, why->message, why->field);
}

/* A whole-number query argument: 0 (and *out, left alone when absent), or
 * -1 after answering 400. */
static int
s_arg_u64(web_call_t *call, const char *name, uint64_t max, uint64_t *out)
{
    const char *v = web_call_arg(call, name);
    if (!v || !*v)
        return 0;
    if (number_parse_u64(v, 0, max, out) != NUMBER_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a whole number", name);
        web_fail(call, ENLACE_EINVAL, msg, name);
        return -1;
    }
    return 0;
}

/* A text query argument, NULL when absent or blank. */
static const char *
s_arg(const web_call_t *call, const char *name)
{
    const char *v = web_call_arg(call, name);
    return v && *v ? v : NULL;
}

/* ---------------------------------------------------------------- directory */

static json_t *
s_person(const char *name, const char *country, const char *fingerprint, const char *role)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", name, "country", country, "fingerprint",
        fingerprint, "role", role ? role : "");
}

void
api_directory(web_engine_t *e, web_call_t *call)
{
    json_t *people = json_array();
    const char *self_fp = enlace_self_fingerprint(e->client);
    int source_directory = 0;
    if (e->st) {
        enlace_officer_list_t *list = NULL;
        int rc = enlace_admin_officer_list(e->client, &list);
        if (rc != ENLACE_OK) {
            json_decref(people);
            web_fail_enlace(e, call, rc);
            return;
        }
        int64_t now = web_now_ms();
        for (size_t i = 0; i < list->count; i++) {
            const enlace_officer_t *o = list->items[i];
            if (o->revoked_ms || (o->valid_until_ms && o->valid_until_ms <= now)
                || !strcmp(o->fingerprint, self_fp))
                continue;
            json_t *p = s_person(o->name, *o->country ? o->country : o->organisation,
                o->fingerprint, o->role);
            if (p)
                json_array_append_new(people, p);
        }
        enlace_officer_list_destroy(&list);
        source_directory = 1;
    } else {
        for (size_t i = 0; i < e->nseen; i++) {
            const web_person_t *s = &e->seen[i];
            if (strcmp(s->fingerprint, self_fp) != 0) {
                json_t *p = s_person(s->name, s->country, s->fingerprint, NULL);
                if (p)
                    json_array_append_new(people, p);
            }
        }
    }
    web_ok(call,
        json_pack("{s:o, s:s}", "people", people, "source",
            source_directory ? "directory" : "seen"));
}

/* ---------------------------------------------------------------- alerts */

void
api_alerts(web_engine_t *e, web_call_t *call)
{
    uint64_t open = 0, id = 0;
    if (s_arg_u64(call, "open", 1, &open) != 0 || s_arg_u64(call, "id", UINT64_MAX >> 1, &id) != 0)
        return;
    enlace_alert_list_t *list = NULL;
    int rc = enlace_alerts(e->client, (int)open, id, &list);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call,
        json_pack("{s:o, s:I}", "alerts", web_alerts_json(list->items, list->count), "now_ms",
            (json_int_t)web_now_ms()));
    enlace_alert_list_destroy(&list);
}

void
api_ack(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    web_req_error_t why;
    if (web_req_small(call->body, WEB_M_NOTE, 0, &r, &why) != 0) {
        s_bad_request(call, &why);
        return;
    }
    int rc = enlace_ack(e->client, call->id, r.note && *r.note ? r.note : NULL);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call,
        json_pack("{s:b, s:I, s:s}", "acknowledged", 1, "alert", (json_int_t)call->id, "country",
            enlace_self_country(e->client)));
}

void
api_cap(web_engine_t *e, web_call_t *call)
{
    char *xml = NULL;
    int rc = enlace_cap(e->client, call->id, &xml);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    call->status = 200;
    call->raw = xml;
    call->raw_len = strlen(xml);
    call->raw_type = "application/xml; charset=utf-8";
    snprintf(call->raw_file, sizeof call->raw_file, "alert-%llu.xml", (unsigned long long)call->id);
    call->raw_name = call->raw_file;
}

/* ---------------------------------------------------------------- publish */

void
api_publish(web_engine_t *e, web_call_t *call)
{
    web_publish_req_t *r = malloc(sizeof *r);
    web_req_error_t why;
    enlace_form_t *form = NULL;
    if (!r) {
        web_fail(call, ENLACE_ENOMEM, "out of memory", NULL);
        return;
    }
    if (web_req_publish(call->body, r, &why) != 0
        || web_req_form_build(&r->form, &form, &why) != 0) {
        s_bad_request(call, &why);
        free(r);
        return;
    }
    if (r->tlp == ENLACE_TLP_RED && r->nrecipients == 0) {
        web_fail(call, ENLACE_EINVAL, "TLP:RED needs at least one named recipient", "recipients");
        enlace_form_destroy(&form);
        free(r);
        return;
    }
    enlace_publish_opts_t opts = {.tlp = r->tlp,
        .recipients = r->recipients,
        .nrecipients = r->nrecipients,
        .alert = r->is_alert ? &r->alert : NULL,
        .case_id = r->case_id,
        .handling = r->handling,
        .handling_text = r->handling_text,
        .evaluation = r->evaluation,
        .personal_data = r->personal,
        .form = form};
    uint64_t seq = 0;
    int rc = enlace_publish(e->client, r->topic, r->body, r->body_len, &opts, &seq);
    enlace_form_destroy(&form);
    int alert = r->is_alert;
    free(r);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:b, s:I, s:b}", "stored", 1, "seq", (json_int_t)seq, "alert", alert));
}

/* ---------------------------------------------------------------- cases */

void
api_cases(web_engine_t *e, web_call_t *call)
{
    enlace_case_list_t *list = NULL;
    int rc = enlace_case_list(e->client, s_arg(call, "type"), s_arg(call, "country"),
        s_arg(call, "state"), &list);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->count; i++) {
        json_t *c = web_case_info_json(list->items[i]);
        if (c)
            json_array_append_new(arr, c);
    }
    enlace_case_list_destroy(&list);
    web_ok(call, json_pack("{s:o}", "cases", arr));
}

void
api_case_show(web_engine_t *e, web_call_t *call)
{
    enlace_case_t *c = NULL;
    int rc = enlace_case_show(e->client, call->id, &c);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    for (size_t i = 0; i < c->nmessages; i++)
        web_engine_saw(e, c->messages[i]);
    json_t *j = web_case_json(c);
    enlace_case_destroy(&c);
    if (!j) {
        web_fail(call, ENLACE_EPROTO, "the case holds text that is not UTF-8", NULL);
        return;
    }
    web_ok(call, j);
}

void
api_case_open(web_engine_t *e, web_call_t *call)
{
    web_case_req_t *r = malloc(sizeof *r);
    web_req_error_t why;
    enlace_form_t *form = NULL;
    if (!r) {
        web_fail(call, ENLACE_ENOMEM, "out of memory", NULL);
        return;
    }
    if (web_req_case(call->body, r, &why) != 0 || web_req_form_build(&r->form, &form, &why) != 0) {
        s_bad_request(call, &why);
        free(r);
        return;
    }
    uint64_t id = 0;
    int rc = form ? enlace_case_open_form(e->client, r->type, r->countries, r->ncountries, r->title,
                 r->network, form, &id)
                  : enlace_case_open(e->client, r->type, r->countries, r->ncountries, r->title,
                      r->network, &id);
    enlace_form_destroy(&form);
    free(r);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:I}", "id", (json_int_t)id));
}

void
api_case_state(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    web_req_error_t why;
    if (web_req_small(call->body, WEB_M_NOTE | WEB_M_OPEN, WEB_M_OPEN, &r, &why) != 0) {
        s_bad_request(call, &why);
        return;
    }
    int rc = enlace_case_set_state(e->client, call->id, r.open, r.note ? r.note : "");
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call,
        json_pack("{s:I, s:s}", "id", (json_int_t)call->id, "state", r.open ? "open" : "closed"));
}

/* ---------------------------------------------------------------- history */

static void
s_page(web_engine_t *e, web_call_t *call, enlace_page_t *page)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < enlace_page_count(page); i++) {
        const enlace_delivery_t *d = enlace_page_item(page, i);
        web_engine_saw(e, d);
        json_t *m = web_delivery_json(d, 0);
        if (m)
            json_array_append_new(items, m);
    }
    web_ok(call,
        json_pack("{s:o, s:I, s:b}", "items", items, "next", (json_int_t)enlace_page_next(page),
            "more", enlace_page_more(page)));
}

void
api_history(web_engine_t *e, web_call_t *call)
{
    enlace_history_query_t q = {.pattern = s_arg(call, "pattern"),
        .author = s_arg(call, "author"),
        .country = s_arg(call, "country")};
    uint64_t limit = 0, from = 0, to = 0;
    if (s_arg_u64(call, "after", UINT64_MAX >> 1, &q.after_seq) != 0
        || s_arg_u64(call, "limit", 500, &limit) != 0
        || s_arg_u64(call, "from", INT64_MAX, &from) != 0
        || s_arg_u64(call, "to", INT64_MAX, &to) != 0
        || s_arg_u64(call, "case", UINT64_MAX >> 1, &q.case_id) != 0)
        return;
    if (!q.pattern) {
        web_fail(call, ENLACE_EINVAL, "give a topic pattern, such as consular/#", "pattern");
        return;
    }
    q.limit = (unsigned)limit;
    q.from_ms = (int64_t)from;
    q.to_ms = (int64_t)to;
    enlace_page_t *page = NULL;
    int rc = enlace_history(e->client, &q, &page);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    s_page(e, call, page);
    enlace_page_destroy(&page);
}

void
api_search(web_engine_t *e, web_call_t *call)
{
    uint64_t after = 0, limit = 0;
    const char *q = s_arg(call, "q");
    if (s_arg_u64(call, "after", UINT64_MAX >> 1, &after) != 0
        || s_arg_u64(call, "limit", 500, &limit) != 0)
        return;
    if (!q) {
        web_fail(call, ENLACE_EINVAL, "give the words to search for", "q");
        return;
    }
    enlace_page_t *page = NULL;
    int rc = enlace_search(e->client, q, after, (unsigned)limit, &page);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    s_page(e, call, page);
    enlace_page_destroy(&page);
}
