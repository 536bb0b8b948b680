/*
 * print_cases.c: what the commands print about alerts and cases: an alert
 * with its acknowledgement by country, a case with its thread, alerts and
 * events, the review list. Text for people; with --json an indented JSON
 * document (jansson) whose keys and their order are the CLI's contract.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static json_t *
s_strings(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

json_t *
cli_alert_json(const enlace_alert_status_t *a)
{
    json_t *refs = json_array(), *targets = json_array();
    for (size_t i = 0; refs && i < a->nreferences; i++)
        json_array_append_new(refs, json_integer((json_int_t)a->references[i]));
    for (size_t i = 0; targets && i < a->ntargets; i++) {
        const enlace_target_t *t = a->targets[i];
        /* A target whose text is not UTF-8 cannot be written: left out. */
        json_array_append_new(targets,
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}", "country", t->country, "state",
                t->state, "acked_by", t->acked_by, "acked_by_fingerprint", t->acked_by_fingerprint,
                "acked_ms", (json_int_t)t->acked_ms, "note", t->note, "level", (int)t->level,
                "deadline_ms", (json_int_t)t->deadline_ms));
    }
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:I, "
                          "s:I, s:b, s:I, s:o}",
        "id", (json_int_t)a->id, "topic", a->topic, "priority", a->priority, "category",
        a->category, "headline", a->headline, "status", a->status, "msg_type", a->msg_type,
        "countries", s_strings(a->countries, a->ncountries), "references", refs, "author",
        a->author_name, "author_fingerprint", a->author_fingerprint, "author_country",
        a->author_country, "stored_ms", (json_int_t)a->stored_ms, "case", (json_int_t)a->case_id,
        "needs_ack", a->needs_ack, "superseded_by", (json_int_t)a->superseded_by, "targets",
        targets);
    if (o && a->sealed)
        json_object_set_new(o, "sealed", json_true());
    return o;
}

json_t *
cli_alerts_json(const enlace_alert_status_t *const *alerts, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, cli_alert_json(alerts[i])); /* NULL: left out */
    return arr;
}

void
cli_print_alert(const enlace_alert_status_t *a)
{
    char when[32];
    cli_time(a->stored_ms, when, sizeof when);
    printf(_("%s%s alert %lld [%s] %s -- %s\n"), strcmp(a->status, "exercise") ? "" : _("DRILL "),
        a->priority, (long long)a->id, a->category, when,
        a->sealed ? _("(sealed: its headline opens for its recipients)") : a->headline);
    printf(_("  by %s (%s) on %s"), a->author_name, a->author_country, a->topic);
    if (strcmp(a->msg_type, "alert") != 0) {
        printf(_(", %s of"), a->msg_type);
        for (size_t i = 0; i < a->nreferences; i++)
            printf(" %lld", (long long)a->references[i]);
    }
    if (a->superseded_by)
        printf(_(", superseded by %lld"), (long long)a->superseded_by);
    putchar('\n');
    for (size_t i = 0; i < a->ntargets; i++) {
        const enlace_target_t *t = a->targets[i];
        printf("    %s  %-13s", t->country, t->state);
        if (!strcmp(t->state, "acknowledged")) {
            char at[32];
            cli_time(t->acked_ms, at, sizeof at);
            printf(_(" by %s at %s"), t->acked_by, at);
            if (*t->note)
                printf(" (\"%s\")", t->note);
        } else if (!strcmp(t->state, "overdue")) {
            printf(_(" escalation level %lld"), (long long)t->level);
        }
        putchar('\n');
    }
}

json_t *
cli_case_info_json(const enlace_case_info_t *c)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id",
        (json_int_t)c->id, "type", c->type, "network", c->network, "countries",
        s_strings(c->countries, c->ncountries), "title", c->title, "state", c->state, "opened_by",
        c->opened_by, "opened_ms", (json_int_t)c->opened_ms, "updated_ms",
        (json_int_t)c->updated_ms, "form_seq", (json_int_t)c->form_seq, "approval", c->approval);
}

json_t *
cli_case_list_json(const enlace_case_info_t *const *cases, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, cli_case_info_json(cases[i])); /* NULL: left out */
    return arr;
}

void
cli_print_case_info(const enlace_case_info_t *c)
{
    char opened[32], cl[96] = "";
    cli_time(c->opened_ms, opened, sizeof opened);
    for (size_t k = 0; k < c->ncountries; k++) {
        strncat(cl, k ? "," : "", sizeof cl - strlen(cl) - 1);
        strncat(cl, c->countries[k], sizeof cl - strlen(cl) - 1);
    }
    printf(_("case %lld [%s, %s] %s %s -- %s (opened %s by %s)\n"), (long long)c->id, c->type,
        c->network, cl, c->state, c->title, opened, c->opened_by);
}

/* A message of a case's thread. The body is text when it is UTF-8 (an
 * empty body included), base64 otherwise, never dropped. */
static json_t *
s_case_message_json(const enlace_delivery_t *d)
{
    json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "seq", (json_int_t)d->seq, "topic",
        d->topic, "author", d->author_name, "author_country", d->author_country, "tlp",
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
    if (d->form)
        json_object_set_new(m, "form", cli_form_json(d->form));
    return m;
}

json_t *
cli_case_json(const enlace_case_t *c)
{
    json_t *o = cli_case_info_json(c->info);
    if (!o)
        return NULL;
    json_t *msgs = json_array(), *events = json_array();
    for (size_t i = 0; msgs && i < c->nmessages; i++)
        json_array_append_new(msgs, s_case_message_json(c->messages[i])); /* NULL: left out */
    for (size_t i = 0; events && i < c->nevents; i++)
        json_array_append_new(events,
            json_pack("{s:I, s:s, s:s, s:s}", "ts_ms", (json_int_t)c->events[i]->ts_ms, "officer",
                c->events[i]->officer, "event", c->events[i]->event, "note", c->events[i]->note));
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "alerts", cli_alerts_json(c->alerts, c->nalerts));
    json_object_set_new(o, "events", events);
    return o;
}

/* A form field's value as `case show` prints it: text as it is, anything
 * else as JSON (a list ["GT", "HN"], true, 14.5). */
static void
s_print_form_field(const char *name, json_t *v)
{
    char *txt = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
    printf("      %-24s %s\n", name, txt ? txt : json_string_value(v));
    free(txt);
}

void
cli_print_case(const enlace_case_t *c)
{
    cli_print_case_info(c->info);
    for (size_t i = 0; i < c->nmessages; i++) {
        const enlace_delivery_t *d = c->messages[i];
        char at[32];
        cli_time(d->stored_ms, at, sizeof at);
        /* The body as the JSON form gives it: text up to a NUL, or "(not
         * text)" when it is not UTF-8. */
        json_t *body = json_stringn(d->body_len ? (const char *)d->body : "", d->body_len);
        printf("  #%lld %s %s%s (%s): %s\n", (long long)d->seq, at, d->is_alert ? _("ALERT ") : "",
            d->author_name, d->author_country, body ? json_string_value(body) : "(not text)");
        json_decref(body);
        if (d->form && *enlace_form_type(d->form)) {
            json_t *form = cli_form_json(d->form);
            json_t *fields = json_object_get(form, enlace_form_type(d->form));
            printf("    form %s:\n", enlace_form_type(d->form));
            const char *name;
            json_t *v;
            json_object_foreach(fields, name, v) s_print_form_field(name, v);
            json_decref(form);
        }
    }
    for (size_t i = 0; i < c->nalerts; i++)
        cli_print_alert(c->alerts[i]);
    for (size_t i = 0; i < c->nevents; i++) {
        char at[32];
        cli_time(c->events[i]->ts_ms, at, sizeof at);
        printf(_("  %s %s by %s %s\n"), at, c->events[i]->event, c->events[i]->officer,
            c->events[i]->note);
    }
}

json_t *
cli_review_json(const enlace_review_t *r)
{
    return json_pack("{s:o, s:o}", "cases", cli_case_list_json(r->cases, r->ncases), "alerts",
        cli_alerts_json(r->alerts, r->nalerts));
}

void
cli_print_review(const enlace_review_t *r)
{
    if (!r->ncases && !r->nalerts)
        printf("nothing to review\n");
    for (size_t i = 0; i < r->ncases; i++)
        printf("still active? case %lld [%s] %s -- close it with: enlace case close %lld\n",
            (long long)r->cases[i]->id, r->cases[i]->type, r->cases[i]->title,
            (long long)r->cases[i]->id);
    for (size_t i = 0; i < r->nalerts; i++)
        printf("still active? alert %lld -- %s (cancel it with: enlace alert ... --cancel %lld)\n",
            (long long)r->alerts[i]->id, r->alerts[i]->headline, (long long)r->alerts[i]->id);
}
