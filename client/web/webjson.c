/*
 * webjson.c: results to JSON for the pages (see webjson.h).
 */
#include "webjson.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "number.h"

static json_t *
s_strings(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

/* Sets key to a text, or nothing if it is not UTF-8 (or NULL). */
static void
s_set_text(json_t *o, const char *key, const char *s)
{
    if (s)
        json_object_set_new(o, key, json_string(s));
}

json_t *
web_form_json(const enlace_form_t *form)
{
    json_t *fields = json_object();
    json_t *o = json_pack("{s:s, s:o}", "type", enlace_form_type(form), "fields", fields);
    if (!o)
        return NULL;
    for (size_t i = 0; i < enlace_form_count(form); i++) {
        const enlace_form_field_t *f = enlace_form_field(form, i);
        json_t *v;
        if (f->list) {
            v = s_strings(f->values, f->nvalues);
        } else if (f->kind == ENLACE_FIELD_BOOL) {
            v = json_boolean(!strcmp(f->values[0], "true"));
        } else if (f->kind == ENLACE_FIELD_INTEGER) {
            uint64_t u = 0;
            number_parse_u64(f->values[0], 0, UINT64_MAX, &u);
            v = json_integer((json_int_t)u);
        } else if (f->kind == ENLACE_FIELD_NUMBER) {
            double d = 0;
            number_parse_double(f->values[0], &d);
            v = json_real(d);
        } else {
            v = json_string(f->values[0]);
        }
        if (v)
            json_object_set_new(fields, f->name, v);
    }
    return o;
}

json_t *
web_delivery_json(const enlace_delivery_t *d, int64_t received_ms)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:{s:s, s:s, s:s}, s:I, s:I, s:b, s:o}", "seq",
        (json_int_t)d->seq, "topic", d->topic, "tlp", enlace_tlp_name(d->tlp), "author", "name",
        d->author_name, "country", d->author_country, "fingerprint", d->author_fingerprint,
        "created_ms", (json_int_t)d->created_ms, "stored_ms", (json_int_t)d->stored_ms, "verified",
        1, "recipients", s_strings(d->recipients, d->nrecipients));
    if (!o)
        return NULL;
    if (received_ms)
        json_object_set_new(o, "received_ms", json_integer((json_int_t)received_ms));
    if (d->case_id)
        json_object_set_new(o, "case", json_integer((json_int_t)d->case_id));
    if (d->out_of_band)
        json_object_set_new(o, "out_of_band", json_true());
    if (d->handling && *d->handling) {
        s_set_text(o, "handling", d->handling);
        s_set_text(o, "handling_text", d->handling_text);
    }
    if (d->evaluation[0])
        s_set_text(o, "evaluation", d->evaluation);
    if (d->personal_data)
        json_object_set_new(o, "personal_data", json_true());
    if (d->form) {
        json_t *f = web_form_json(d->form);
        if (f)
            json_object_set_new(o, "form", f);
    }
    if (d->is_alert) {
        json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "priority", d->alert_priority,
            "category", d->alert_category, "headline", d->alert_headline, "status", d->alert_status,
            "msg_type", d->alert_msg_type, "countries",
            s_strings(d->alert_countries, d->alert_ncountries));
        if (a)
            json_object_set_new(o, "alert", a);
    }
    if (d->sealed) {
        /* Sealed (PROTOCOL.md 6): opened with this officer's key, or not
         * (then there is no text at all: the page says why). */
        json_t *sl = d->seal_status == ENLACE_OK
            ? json_pack("{s:b, s:s}", "opened", 1, "by", d->opened_by)
            : json_pack("{s:b, s:s}", "opened", 0, "why",
                d->seal_status == ENLACE_ESEALED ? "not-for-you" : "damaged");
        if (sl)
            json_object_set_new(o, "sealed", sl);
    }
    if (d->escalation_alert) {
        json_t *e = json_pack("{s:I, s:s, s:i}", "alert", (json_int_t)d->escalation_alert,
            "country", d->escalation_country, "level", (int)d->escalation_level);
        if (e)
            json_object_set_new(o, "escalation", e);
    }
    if (d->consult_step || d->consult_notice) {
        /* A step of a consultation or the hub's notice about one: the page
         * refreshes that consultation's board. An opening step's id is its
         * own seq. */
        json_t *k = json_pack("{s:I, s:i}", "id",
            (json_int_t)(d->consult_id ? d->consult_id : d->seq), "stage", (int)d->consult_stage);
        if (k) {
            s_set_text(k, "step", d->consult_step);
            s_set_text(k, "title", d->consult_title);
            s_set_text(k, "answer", d->consult_answer);
            s_set_text(k, "outcome", d->consult_outcome);
            s_set_text(k, "notice", d->consult_notice);
            s_set_text(k, "country", d->consult_country);
            if (d->consult_deadline_ms)
                json_object_set_new(k, "deadline_ms",
                    json_integer((json_int_t)d->consult_deadline_ms));
            json_object_set_new(o, "consult", k);
        }
    }
    if (d->translation_language) {
        json_t *t = json_pack("{s:s, s:s, s:s}", "language", d->translation_language, "headline",
            d->translation_headline, "description", d->translation_description);
        if (t)
            json_object_set_new(o, "translation", t);
    }
    s_set_text(o, "content_type", d->content_type);
    json_t *body = json_stringn(d->body_len ? (const char *)d->body : "", d->body_len);
    if (body) {
        json_object_set_new(o, "body", body);
    } else {
        size_t cap = sodium_base64_ENCODED_LEN(d->body_len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        if (b64) {
            sodium_bin2base64(b64, cap, d->body, d->body_len, sodium_base64_VARIANT_ORIGINAL);
            json_object_set_new(o, "body_base64", json_string(b64));
            free(b64);
        }
    }
    return o;
}

json_t *
web_alert_json(const enlace_alert_status_t *a)
{
    json_t *refs = json_array(), *targets = json_array();
    for (size_t i = 0; refs && i < a->nreferences; i++)
        json_array_append_new(refs, json_integer((json_int_t)a->references[i]));
    for (size_t i = 0; targets && i < a->ntargets; i++) {
        const enlace_target_t *t = a->targets[i];
        json_t *tj = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}", "country", t->country,
            "state", t->state, "acked_by", t->acked_by, "acked_by_fingerprint",
            t->acked_by_fingerprint, "acked_ms", (json_int_t)t->acked_ms, "note", t->note, "level",
            (int)t->level, "deadline_ms", (json_int_t)t->deadline_ms);
        if (tj)
            json_array_append_new(targets, tj);
    }
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s, s:s}, "
                          "s:I, s:I, s:b, s:I, s:o}",
        "id", (json_int_t)a->id, "topic", a->topic, "priority", a->priority, "category",
        a->category, "headline", a->headline, "status", a->status, "msg_type", a->msg_type,
        "countries", s_strings(a->countries, a->ncountries), "references", refs, "author", "name",
        a->author_name, "fingerprint", a->author_fingerprint, "country", a->author_country,
        "stored_ms", (json_int_t)a->stored_ms, "case", (json_int_t)a->case_id, "needs_ack",
        a->needs_ack, "superseded_by", (json_int_t)a->superseded_by, "targets", targets);
    if (o && a->sealed)
        json_object_set_new(o, "sealed", json_true()); /* its headline is in the seal */
    return o;
}

json_t *
web_alerts_json(const enlace_alert_status_t *const *alerts, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *a = web_alert_json(alerts[i]);
        if (a)
            json_array_append_new(arr, a);
    }
    return arr;
}

json_t *
web_case_info_json(const enlace_case_info_t *c)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id",
        (json_int_t)c->id, "type", c->type, "network", c->network, "countries",
        s_strings(c->countries, c->ncountries), "title", c->title, "state", c->state, "opened_by",
        c->opened_by, "opened_ms", (json_int_t)c->opened_ms, "updated_ms",
        (json_int_t)c->updated_ms, "form_seq", (json_int_t)c->form_seq, "approval",
        c->approval ? c->approval : "");
}

json_t *
web_case_json(const enlace_case_t *c)
{
    json_t *o = web_case_info_json(c->info);
    if (!o)
        return NULL;
    json_t *msgs = json_array(), *events = json_array();
    for (size_t i = 0; msgs && i < c->nmessages; i++) {
        json_t *m = web_delivery_json(c->messages[i], 0);
        if (m)
            json_array_append_new(msgs, m);
    }
    for (size_t i = 0; events && i < c->nevents; i++) {
        json_t *e = json_pack("{s:I, s:s, s:s, s:s}", "ts_ms", (json_int_t)c->events[i]->ts_ms,
            "officer", c->events[i]->officer, "event", c->events[i]->event, "note",
            c->events[i]->note);
        if (e)
            json_array_append_new(events, e);
    }
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "alerts", web_alerts_json(c->alerts, c->nalerts));
    json_object_set_new(o, "events", events);
    return o;
}

json_t *
web_officer_json(const enlace_officer_t *o)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:I}", "id", (json_int_t)o->id,
        "name", o->name, "country", o->country, "organisation", o->organisation, "role", o->role,
        "networks", s_strings(o->networks, o->nnetworks), "fingerprint", o->fingerprint,
        "valid_from_ms", (json_int_t)o->valid_from_ms, "valid_until_ms",
        (json_int_t)o->valid_until_ms, "revoked_ms", (json_int_t)o->revoked_ms);
}

json_t *
web_invitation_json(const enlace_invitation_t *inv)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:I, s:I, s:s, s:I, s:s}", "id",
        (json_int_t)inv->id, "grantee", inv->grantee, "network", inv->network, "topics",
        s_strings(inv->topics, inv->ntopics), "access", inv->access, "expires_ms",
        (json_int_t)inv->expires_ms, "created_ms", (json_int_t)inv->created_ms, "created_by",
        inv->created_by, "revoked_ms", (json_int_t)inv->revoked_ms, "state", inv->state);
}

json_t *
web_audit_json(const enlace_audit_entry_t *e)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "ts_ms",
        (json_int_t)e->ts_ms, "officer_id", (json_int_t)e->officer_id, "fingerprint",
        e->fingerprint, "action", e->action, "outcome", e->outcome, "detail", e->detail);
}

json_t *
web_troika_json(const enlace_troika_t *t)
{
    return json_pack("{s:{s:i, s:s}, s:{s:i, s:s}, s:{s:i, s:s}}", "previous", "year",
        t->previous.year, "country", t->previous.country, "current", "year", t->current.year,
        "country", t->current.country, "next", "year", t->next.year, "country", t->next.country);
}

json_t *
web_stats_json(const enlace_stats_t *s)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < s->count; i++) {
        const enlace_stat_t *st = s->items[i];
        json_t *sec = json_object_get(o, st->section);
        if (!sec) {
            sec = json_object();
            if (!sec || json_object_set_new(o, st->section, sec) != 0)
                continue;
        }
        json_object_set_new(sec, st->key, json_integer((json_int_t)st->value));
    }
    return o;
}
