/*
 * print.c: what the commands print about messages: deliveries (one line of
 * text, or one JSON object per line), their case forms, and that a listener
 * is subscribed. JSON is built with jansson, never by hand; its keys and
 * their order are part of the CLI's contract (scripts read them).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "number.h"

void
cli_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
s_utf8_ok(const uint8_t *s, size_t n)
{
    json_t *j = json_stringn(n ? (const char *)s : "", n); /* empty: s may be NULL */
    int ok = j != NULL;
    json_decref(j);
    return ok;
}

void
cli_print_delivery(const cli_settings_t *st, const enlace_delivery_t *d)
{
    char created[32], stored[32], id[33];
    cli_time(d->created_ms, created, sizeof created);
    cli_time(d->stored_ms, stored, sizeof stored);
    enlace_id_hex(d->message_id, id);
    if (st->json) {
        char sig[129];
        sodium_bin2hex(sig, sizeof sig, d->signature, 64);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s, s:b}", "seq",
            (json_int_t)d->seq, "id", id, "topic", d->topic, "tlp", enlace_tlp_name(d->tlp),
            "author", "fingerprint", d->author_fingerprint, "name", d->author_name, "country",
            d->author_country, "created", created, "stored", stored, "signature", sig, "verified",
            1);
        if (!o)
            return;
        if (d->batch_size) {
            /* With the signature, what checks this message alone (merkle.h). */
            char path[2 * 8 * 32 + 1] = "";
            size_t plen = d->batch_path_len <= 8 * 32 ? d->batch_path_len : 0;
            sodium_bin2hex(path, sizeof path, d->batch_path ? d->batch_path : (const uint8_t *)"",
                plen);
            json_object_set_new(o, "batch",
                json_pack("{s:I, s:I, s:s}", "size", (json_int_t)d->batch_size, "index",
                    (json_int_t)d->batch_index, "path", path));
        }
        if (d->case_id)
            json_object_set_new(o, "case", json_integer((json_int_t)d->case_id));
        if (d->out_of_band)
            json_object_set_new(o, "out_of_band", json_true());
        if (d->handling && *d->handling)
            json_object_set_new(o, "handling", json_string(d->handling));
        if (d->evaluation[0])
            json_object_set_new(o, "evaluation", json_string(d->evaluation));
        if (d->personal_data)
            json_object_set_new(o, "personal_data", json_true());
        if (d->form)
            json_object_set_new(o, "form", cli_form_json(d->form));
        if (d->is_alert) {
            json_t *cc = json_array();
            for (size_t i = 0; i < d->alert_ncountries; i++)
                json_array_append_new(cc, json_string(d->alert_countries[i]));
            json_object_set_new(o, "alert",
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "priority", d->alert_priority,
                    "category", d->alert_category, "headline", d->alert_headline, "status",
                    d->alert_status, "msg_type", d->alert_msg_type, "countries", cc));
        }
        if (d->consult_step)
            json_object_set_new(o, "consult",
                json_pack("{s:s, s:I, s:i, s:s, s:s, s:s, s:s}", "step", d->consult_step,
                    "consultation", (json_int_t)(d->consult_id ? d->consult_id : d->seq), "stage",
                    (int)d->consult_stage, "title", d->consult_title, "answer", d->consult_answer,
                    "outcome", d->consult_outcome, "reason", d->consult_reason));
        if (d->consult_notice)
            json_object_set_new(o, "consult_notice",
                json_pack("{s:s, s:I, s:i, s:s, s:I}", "kind", d->consult_notice, "consultation",
                    (json_int_t)d->consult_id, "stage", (int)d->consult_stage, "country",
                    d->consult_country, "deadline_ms", (json_int_t)d->consult_deadline_ms));
        if (d->sealed)
            json_object_set_new(o, "sealed",
                d->seal_status == ENLACE_OK
                    ? json_pack("{s:b, s:s}", "opened", 1, "by", d->opened_by)
                    : json_pack("{s:b, s:s}", "opened", 0, "why",
                        _(enlace_strerror(d->seal_status))));
        if (d->escalation_alert)
            json_object_set_new(o, "escalation",
                json_pack("{s:I, s:s, s:i}", "alert", (json_int_t)d->escalation_alert, "country",
                    d->escalation_country, "level", (int)d->escalation_level));
        if (s_utf8_ok(d->body, d->body_len)) {
            json_object_set_new(o, "body",
                json_stringn(d->body_len ? (const char *)d->body : "", d->body_len));
        } else {
            size_t cap = sodium_base64_ENCODED_LEN(d->body_len, sodium_base64_VARIANT_ORIGINAL);
            char *b64 = malloc(cap);
            if (b64) {
                sodium_bin2base64(b64, cap, d->body, d->body_len, sodium_base64_VARIANT_ORIGINAL);
                json_object_set_new(o, "body_base64", json_string(b64));
                free(b64);
            }
        }
        char *line = json_dumps(o, JSON_COMPACT);
        if (line) {
            printf("%s\n", line);
            free(line);
        }
        json_decref(o);
    } else if (d->escalation_alert || d->consult_notice) {
        if (d->consult_notice)
            printf(_("!! CONSULTATION %llu %s (%s) #%llu %s: "), (unsigned long long)d->consult_id,
                d->consult_notice, d->consult_country, (unsigned long long)d->seq, stored);
        else
            printf(_("!! ESCALATION of alert %llu (%s, level %u) #%llu %s: "),
                (unsigned long long)d->escalation_alert, d->escalation_country, d->escalation_level,
                (unsigned long long)d->seq, stored);
        for (size_t i = 0; i < d->body_len; i++) {
            unsigned char c = d->body[i];
            putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
        putchar('\n');
    } else {
        if (d->consult_step) {
            /* A step of a consultation reads as one: which, and at what stage. */
            uint64_t which = d->consult_id ? d->consult_id : d->seq;
            printf(_("== CONSULTATION %llu [%s] %s%s%s%s%s\n   "), (unsigned long long)which,
                d->consult_stage == 0       ? _("troika")
                    : d->consult_stage == 1 ? _("round 1")
                                            : _("round 2"),
                d->consult_step, *d->consult_answer ? ": " : "", d->consult_answer,
                *d->consult_title ? " -- " : "", d->consult_title);
        }
        if (d->is_alert) {
            /* Priority first, so an alert never reads like routine traffic. */
            char countries[128] = "";
            for (size_t i = 0; i < d->alert_ncountries; i++) {
                strncat(countries, i ? "," : "", sizeof countries - strlen(countries) - 1);
                strncat(countries, d->alert_countries[i], sizeof countries - strlen(countries) - 1);
            }
            int drill = !strcmp(d->alert_status, "exercise");
            const char *headline = d->alert_headline;
            if (d->sealed && d->seal_status != ENLACE_OK)
                headline = _("(sealed)");
            if (d->translation_language && st->language[0]
                && !strcmp(d->translation_language, st->language) && *d->translation_headline)
                headline = d->translation_headline;
            printf(_("!! %s%s ALERT %llu [%s] %s%s%s -- %s\n   "), drill ? _("DRILL ") : "",
                d->alert_priority, (unsigned long long)d->seq, d->alert_category, countries,
                strcmp(d->alert_msg_type, "alert") ? " " : "",
                strcmp(d->alert_msg_type, "alert") ? d->alert_msg_type : "", headline);
        }
        printf("#%llu %s %s [TLP:%s]", (unsigned long long)d->seq, stored, d->topic,
            enlace_tlp_name(d->tlp));
        /* Handling and evaluation come before the content, as in SIENA. */
        if (d->handling && *d->handling)
            printf(" [%s%s%s]", d->handling, *d->handling_text ? ": " : "", d->handling_text);
        if (d->evaluation[0])
            printf(" [%s]", d->evaluation);
        if (d->personal_data)
            printf(" [PERSONAL DATA]");
        if (d->sealed)
            printf(" [SEALED]");
        printf(" %s (%s, %s): ", d->author_name, d->author_country, d->author_fingerprint);
        if (d->sealed && d->seal_status != ENLACE_OK) {
            /* Never ciphertext: what the reader can do instead. */
            printf("%s\n",
                d->seal_status == ENLACE_ESEALED
                    ? _("(sealed to its recipients: your key does not open it)")
                    : _("(sealed content that does not open: damaged, not shown)"));
            fflush(stdout);
            return;
        }
        if (d->form) {
            json_t *form = cli_form_json(d->form);
            char *text = form ? json_dumps(form, JSON_COMPACT) : NULL;
            if (text)
                printf("form %s ", text);
            free(text);
            json_decref(form);
        }
        if (d->translation_language && st->language[0]
            && !strcmp(d->translation_language, st->language)) {
            /* The officer's language: show that translation. */
            printf("%s\n", d->translation_description);
            fflush(stdout);
            return;
        }
        /* Never let a body drive the terminal: show control bytes as '?'. */
        for (size_t i = 0; i < d->body_len; i++) {
            unsigned char c = d->body[i];
            putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
        putchar('\n');
        if (d->is_alert
            && (!strcmp(d->alert_priority, "urgent") || !strcmp(d->alert_priority, "flash"))
            && strcmp(d->alert_msg_type, "cancel"))
            printf(_("   acknowledge with: enlace ack %llu\n"), (unsigned long long)d->seq);
    }
    fflush(stdout);
}

void
cli_print_listening(const cli_settings_t *st, enlace_client_t *client, const char *const *patterns,
    int npatterns)
{
    if (!st->json) {
        fprintf(stderr, _("listening as %s (%s, %s) to %d pattern(s); Ctrl-C to stop\n"),
            enlace_self_name(client), enlace_self_country(client), enlace_self_fingerprint(client),
            npatterns);
        return;
    }
    json_t *list = json_array();
    for (int i = 0; list && i < npatterns; i++)
        json_array_append_new(list, json_string(patterns[i]));
    json_t *o = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}}", "event", "subscribed", "patterns", list,
        "officer", "fingerprint", enlace_self_fingerprint(client), "name", enlace_self_name(client),
        "country", enlace_self_country(client));
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) {
        printf("%s\n", line);
        fflush(stdout);
        free(line);
    }
    json_decref(o);
}

json_t *
cli_form_json(const enlace_form_t *form)
{
    const char *type = enlace_form_type(form);
    json_t *fields = json_object();
    if (!*type || !fields) {
        json_decref(fields);
        return json_object(); /* a form that names no type */
    }
    for (size_t i = 0; i < enlace_form_count(form); i++) {
        const enlace_form_field_t *f = enlace_form_field(form, i);
        json_t *v;
        if (f->list) {
            v = json_array();
            for (size_t k = 0; v && k < f->nvalues; k++)
                json_array_append_new(v, json_string(f->values[k]));
        } else if (f->kind == ENLACE_FIELD_BOOL) {
            v = json_boolean(!strcmp(f->values[0], "true"));
        } else if (f->kind == ENLACE_FIELD_INTEGER) {
            uint64_t u = 0;
            number_parse_u64(f->values[0], 0, UINT64_MAX, &u); /* the library's own digits */
            v = json_integer((json_int_t)u);
        } else if (f->kind == ENLACE_FIELD_NUMBER) {
            double d = 0;
            number_parse_double(f->values[0], &d);
            v = json_real(d);
        } else {
            v = json_string(f->values[0]); /* NULL if not UTF-8: left out */
        }
        json_object_set_new(fields, f->name, v);
    }
    return json_pack("{s:o}", type, fields);
}

int
cli_print_json(json_t *j)
{
    if (!j) {
        fprintf(stderr, _("enlace: the hub's answer holds text that is not UTF-8\n"));
        return -1;
    }
    char *text = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    if (!text)
        return -1;
    printf("%s\n", text);
    free(text);
    return 0;
}

void
cli_print_line(json_t *j)
{
    char *text = j ? json_dumps(j, 0) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(j);
}
