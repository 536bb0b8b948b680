/*
 * webreq.c: decoding the pages' JSON bodies (see webreq.h).
 */
#include "webreq.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_TEXT_MAX (64 * 1024) /* any text member but a message body */

static int s_fail(web_req_error_t *why, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(web_req_error_t *why, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->message, sizeof why->message, fmt, ap);
    va_end(ap);
    snprintf(why->field, sizeof why->field, "%s", field ? field : "");
    return -1;
}

json_t *
web_req_parse(const char *body, size_t len, web_req_error_t *why)
{
    memset(why, 0, sizeof *why);
    json_error_t err;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        s_fail(why, NULL, "the request is not JSON: %s", err.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        s_fail(why, NULL, "the request must be a JSON object");
        return NULL;
    }
    return j;
}

/* A text member: 0 and *out, or -1. */
static int
s_text(json_t *v, const char *field, size_t max, const char **out, web_req_error_t *why)
{
    if (json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v))
        return s_fail(why, field, "%s must be text", field);
    if (json_string_length(v) > max)
        return s_fail(why, field, "%s is longer than %zu bytes", field, max);
    *out = json_string_value(v);
    return 0;
}

static int
s_uint(json_t *v, const char *field, uint64_t max, uint64_t *out, web_req_error_t *why)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return s_fail(why, field, "%s must be a whole number from 0 to %llu", field,
            (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int
s_bool(json_t *v, const char *field, int *out, web_req_error_t *why)
{
    if (!json_is_boolean(v))
        return s_fail(why, field, "%s must be true or false", field);
    *out = json_is_true(v);
    return 0;
}

/* A list of texts, at most cap of at most max bytes each. */
static int
s_texts(json_t *v, const char *field, size_t cap, size_t max, const char **out, size_t *n,
    web_req_error_t *why)
{
    if (!json_is_array(v))
        return s_fail(why, field, "%s must be a list", field);
    if (json_array_size(v) > cap)
        return s_fail(why, field, "%s holds more than %zu values", field, cap);
    *n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        const char *s;
        if (!json_is_string(item) || s_text(item, field, max, &s, why) != 0)
            return s_fail(why, field, "%s must be a list of texts of at most %zu bytes", field,
                max);
        if (*s) /* an empty line of a list is nothing */
            out[(*n)++] = s;
    }
    return 0;
}

/* ---------------------------------------------------------------- forms */

static int
s_form(json_t *v, web_form_req_t *f, web_req_error_t *why)
{
    if (!json_is_object(v))
        return s_fail(why, "form", "form must be an object {type, fields}");
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m)
    {
        if (!strcmp(key, "type")) {
            if (s_text(m, "form.type", 64, &f->type, why) != 0)
                return -1;
        } else if (!strcmp(key, "fields")) {
            if (!json_is_object(m))
                return s_fail(why, "form.fields", "form.fields must be an object");
        } else {
            return s_fail(why, "form", "form has no member '%.64s'", key);
        }
    }
    if (!f->type || !*f->type) {
        f->type = NULL;
        if (json_object_size(json_object_get(v, "fields")) > 0)
            return s_fail(why, "form.type", "a form needs its type");
        return 0;
    }
    json_t *fields = json_object_get(v, "fields");
    if (json_object_size(fields) > WEB_MAX_FIELDS)
        return s_fail(why, "form", "a form has at most %d fields", WEB_MAX_FIELDS);
    json_object_foreach(fields, key, m)
    {
        char path[80];
        snprintf(path, sizeof path, "form.%.64s", key);
        if (strlen(key) > 64 || !*key)
            return s_fail(why, "form", "a form field name is 1 to 64 bytes");
        web_field_t *fd = &f->fields[f->nfields];
        char *num = f->numbers[f->nfields];
        fd->name = key;
        fd->nvalues = 0;
        if (json_is_null(m)) {
            continue;
        } else if (json_is_string(m)) {
            const char *s;
            if (s_text(m, path, S_TEXT_MAX, &s, why) != 0)
                return -1;
            if (!*s)
                continue; /* left blank */
            fd->values[fd->nvalues++] = s;
        } else if (json_is_integer(m)) {
            snprintf(num, 40, "%lld", (long long)json_integer_value(m));
            fd->values[fd->nvalues++] = num;
        } else if (json_is_real(m)) {
            snprintf(num, 40, "%.17g", json_real_value(m));
            fd->values[fd->nvalues++] = num;
        } else if (json_is_boolean(m)) {
            snprintf(num, 40, "%s", json_is_true(m) ? "true" : "false");
            fd->values[fd->nvalues++] = num;
        } else if (json_is_array(m)) {
            if (s_texts(m, path, WEB_MAX_VALUES, 2000, fd->values, &fd->nvalues, why) != 0)
                return -1;
            if (fd->nvalues == 0)
                continue;
        } else {
            return s_fail(why, path, "%s must be text, a number, true or false, or a list", path);
        }
        f->nfields++;
    }
    return 0;
}

int
web_req_form_build(const web_form_req_t *f, enlace_form_t **out, web_req_error_t *why)
{
    *out = NULL;
    if (!f->type)
        return 0;
    char reason[256];
    if (enlace_form_new(f->type, out, reason, sizeof reason) != ENLACE_OK)
        return s_fail(why, "form.type", "%s", reason);
    for (size_t i = 0; i < f->nfields; i++) {
        const web_field_t *fd = &f->fields[i];
        for (size_t k = 0; k < fd->nvalues; k++)
            if (enlace_form_set(*out, fd->name, fd->values[k], reason, sizeof reason)
                != ENLACE_OK) {
                char path[80];
                snprintf(path, sizeof path, "form.%.64s", fd->name);
                enlace_form_destroy(out);
                return s_fail(why, path, "%s", reason);
            }
    }
    return 0;
}

/* ---------------------------------------------------------------- publish */

static int
s_translation(json_t *v, enlace_alert_t *a, web_req_error_t *why)
{
    if (!json_is_object(v))
        return s_fail(why, "alert.translation",
            "a translation is {language, headline, "
            "description}");
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m)
    {
        int rc;
        if (!strcmp(key, "language"))
            rc = s_text(m, "alert.translation.language", 8, &a->translation_language, why);
        else if (!strcmp(key, "headline"))
            rc = s_text(m, "alert.translation.headline", 1000, &a->translation_headline, why);
        else if (!strcmp(key, "description"))
            rc = s_text(m, "alert.translation.description", S_TEXT_MAX, &a->translation_description,
                why);
        else
            rc = s_fail(why, "alert.translation", "a translation has no member '%.64s'", key);
        if (rc != 0)
            return -1;
    }
    /* A translation left blank in the page is no translation. */
    if (a->translation_language && !*a->translation_language)
        a->translation_language = NULL;
    if (!a->translation_language)
        a->translation_headline = a->translation_description = NULL;
    return 0;
}

static int
s_alert(json_t *v, web_publish_req_t *r, web_req_error_t *why)
{
    if (!json_is_object(v))
        return s_fail(why, "alert", "alert must be an object");
    enlace_alert_t *a = &r->alert;
    static const struct {
        const char *name;
        size_t off;
        size_t max;
    } texts[] = {
        {"priority", offsetof(enlace_alert_t, priority), 16},
        {"category", offsetof(enlace_alert_t, category), 32},
        {"headline", offsetof(enlace_alert_t, headline), 1000},
        {"status", offsetof(enlace_alert_t, status), 16},
        {"msg_type", offsetof(enlace_alert_t, msg_type), 16},
        {"urgency", offsetof(enlace_alert_t, urgency), 16},
        {"severity", offsetof(enlace_alert_t, severity), 16},
        {"certainty", offsetof(enlace_alert_t, certainty), 16},
        {"area", offsetof(enlace_alert_t, area), 1000},
        {"language", offsetof(enlace_alert_t, language), 8},
    };
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m)
    {
        char path[80];
        snprintf(path, sizeof path, "alert.%.64s", key);
        size_t t = 0;
        while (t < sizeof texts / sizeof texts[0] && strcmp(texts[t].name, key))
            t++;
        if (t < sizeof texts / sizeof texts[0]) {
            const char **slot = (const char **)((char *)a + texts[t].off);
            if (s_text(m, path, texts[t].max, slot, why) != 0)
                return -1;
            if (*slot && !**slot)
                *slot = NULL; /* blank: the default */
        } else if (!strcmp(key, "countries")) {
            if (s_texts(m, path, WEB_MAX_COUNTRIES, 8, r->countries, &a->ncountries, why) != 0)
                return -1;
        } else if (!strcmp(key, "references")) {
            if (!json_is_array(m) || json_array_size(m) > WEB_MAX_REFS)
                return s_fail(why, path, "references is a list of at most %d alert ids",
                    WEB_MAX_REFS);
            size_t i;
            json_t *item;
            json_array_foreach(m, i, item)
            {
                if (s_uint(item, path, UINT64_MAX >> 1, &r->references[i], why) != 0)
                    return -1;
            }
            a->nreferences = json_array_size(m);
        } else if (!strcmp(key, "expires")) {
            uint64_t ms;
            if (s_uint(m, path, INT64_MAX, &ms, why) != 0)
                return -1;
            a->expires_ms = (int64_t)ms;
        } else if (!strcmp(key, "translation")) {
            if (!json_is_null(m) && s_translation(m, a, why) != 0)
                return -1;
        } else {
            return s_fail(why, "alert", "alert has no member '%.64s'", key);
        }
    }
    a->countries = r->countries;
    a->references = r->references;
    r->is_alert = 1;
    return 0;
}

int
web_req_publish(const json_t *j, web_publish_req_t *r, web_req_error_t *why)
{
    memset(r, 0, sizeof *r);
    memset(why, 0, sizeof *why);
    if (!json_is_object(j))
        return s_fail(why, NULL, "the request must be a JSON object");
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)j, key, m)
    {
        int rc = 0;
        if (!strcmp(key, "topic")) {
            rc = s_text(m, "topic", 256, &r->topic, why);
        } else if (!strcmp(key, "body")) {
            rc = s_text(m, "body", WEB_MAX_BODY, &r->body, why);
            r->body_len = r->body ? json_string_length(m) : 0;
        } else if (!strcmp(key, "tlp")) {
            const char *name;
            rc = s_text(m, "tlp", 16, &name, why);
            if (rc == 0 && name && *name) {
                int tlp = enlace_tlp_parse(name);
                if (tlp < 0)
                    rc = s_fail(why, "tlp",
                        "unknown TLP label (CLEAR, GREEN, AMBER, "
                        "AMBER+STRICT, RED)");
                r->tlp = (enlace_tlp_t)(tlp < 0 ? 0 : tlp);
            }
        } else if (!strcmp(key, "recipients")) {
            rc = s_texts(m, "recipients", WEB_MAX_TO, 32, r->recipients, &r->nrecipients, why);
        } else if (!strcmp(key, "handling")) {
            rc = s_text(m, "handling", 8, &r->handling, why);
        } else if (!strcmp(key, "handling_text")) {
            rc = s_text(m, "handling_text", 1000, &r->handling_text, why);
        } else if (!strcmp(key, "evaluation")) {
            rc = s_text(m, "evaluation", 4, &r->evaluation, why);
        } else if (!strcmp(key, "personal")) {
            rc = s_bool(m, "personal", &r->personal, why);
        } else if (!strcmp(key, "case")) {
            rc = json_is_null(m) ? 0 : s_uint(m, "case", UINT64_MAX >> 1, &r->case_id, why);
        } else if (!strcmp(key, "alert")) {
            rc = json_is_null(m) ? 0 : s_alert(m, r, why);
        } else if (!strcmp(key, "form")) {
            rc = json_is_null(m) ? 0 : s_form(m, &r->form, why);
        } else {
            rc = s_fail(why, NULL, "a message has no member '%.64s'", key);
        }
        if (rc != 0)
            return -1;
    }
    if (!r->topic || !*r->topic)
        return s_fail(why, "topic", "give the topic");
    if (!r->body) {
        r->body = "";
        r->body_len = 0;
    }
    /* Blank choices in the page are the defaults. */
    if (r->handling && !*r->handling)
        r->handling = NULL;
    if (r->handling_text && !*r->handling_text)
        r->handling_text = NULL;
    if (r->evaluation && !*r->evaluation)
        r->evaluation = NULL;
    if (r->is_alert && (!r->alert.headline || !*r->alert.headline))
        return s_fail(why, "alert.headline", "an alert needs a headline");
    if (r->is_alert && r->alert.ncountries == 0)
        return s_fail(why, "alert.countries", "an alert concerns at least one country");
    return 0;
}

/* ---------------------------------------------------------------- cases */

int
web_req_case(const json_t *j, web_case_req_t *r, web_req_error_t *why)
{
    memset(r, 0, sizeof *r);
    memset(why, 0, sizeof *why);
    if (!json_is_object(j))
        return s_fail(why, NULL, "the request must be a JSON object");
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)j, key, m)
    {
        int rc;
        if (!strcmp(key, "type"))
            rc = s_text(m, "type", 32, &r->type, why);
        else if (!strcmp(key, "title"))
            rc = s_text(m, "title", 1000, &r->title, why);
        else if (!strcmp(key, "network"))
            rc = s_text(m, "network", 32, &r->network, why);
        else if (!strcmp(key, "countries"))
            rc = s_texts(m, "countries", WEB_MAX_COUNTRIES, 8, r->countries, &r->ncountries, why);
        else if (!strcmp(key, "form"))
            rc = json_is_null(m) ? 0 : s_form(m, &r->form, why);
        else
            rc = s_fail(why, NULL, "a case has no member '%.64s'", key);
        if (rc != 0)
            return -1;
    }
    if (r->network && !*r->network)
        r->network = NULL;
    if (!r->type || !*r->type)
        return s_fail(why, "type", "give the case's type");
    if (!r->title || !*r->title)
        return s_fail(why, "title", "give the case a title");
    if (r->ncountries == 0)
        return s_fail(why, "countries", "a case concerns at least one country");
    return 0;
}

/* ---------------------------------------------------------------- consultations */

/* A text member that may be left blank: NULL then. */
static int
s_text_or_none(json_t *v, const char *field, size_t max, const char **out, web_req_error_t *why)
{
    if (s_text(v, field, max, out, why) != 0)
        return -1;
    if (*out && !**out)
        *out = NULL;
    return 0;
}

int
web_req_consult(const json_t *j, web_consult_step_t step, web_consult_req_t *r,
    web_req_error_t *why)
{
    memset(r, 0, sizeof *r);
    memset(why, 0, sizeof *why);
    r->stage = -1;
    if (!json_is_object(j))
        return s_fail(why, NULL, "the request must be a JSON object");
    int has_text = step != WEB_CONSULT_CLOSE;
    const char *outcome = NULL;
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)j, key, m)
    {
        int rc;
        if (!strcmp(key, "title") && step == WEB_CONSULT_OPEN) {
            rc = s_text_or_none(m, "title", 1000, &r->title, why);
        } else if (!strcmp(key, "text") && has_text) {
            rc = s_text_or_none(m, "text", WEB_MAX_BODY, &r->text, why);
        } else if (!strcmp(key, "answer") && step == WEB_CONSULT_ANSWER) {
            rc = s_text_or_none(m, "answer", 16, &r->answer, why);
        } else if (!strcmp(key, "stage") && step == WEB_CONSULT_ANSWER) {
            uint64_t u = 0;
            rc = json_is_null(m) ? 0 : s_uint(m, "stage", 2, &u, why);
            if (rc == 0 && !json_is_null(m))
                r->stage = (int)u;
        } else if (!strcmp(key, "outcome") && step == WEB_CONSULT_CLOSE) {
            rc = s_text_or_none(m, "outcome", 16, &outcome, why);
        } else if (!strcmp(key, "reason") && step == WEB_CONSULT_CLOSE) {
            rc = s_text_or_none(m, "reason", 2000, &r->reason, why);
        } else if (!strcmp(key, "report") && step == WEB_CONSULT_CLOSE) {
            rc = s_text_or_none(m, "report", WEB_MAX_BODY, &r->report, why);
        } else {
            rc = s_fail(why, NULL, "this step of a consultation has no member '%.64s'", key);
        }
        if (rc != 0)
            return -1;
    }
    switch (step) {
    case WEB_CONSULT_OPEN:
        if (!r->title)
            return s_fail(why, "title", "give the consultation a title");
        if (!r->text)
            return s_fail(why, "text", "give the proposal's text");
        break;
    case WEB_CONSULT_ANSWER:
        if (!r->answer)
            return s_fail(why, "answer", "choose the answer");
        break;
    case WEB_CONSULT_REVISE:
        if (!r->text)
            return s_fail(why, "text", "give the revised text");
        break;
    case WEB_CONSULT_CLOSE:
        if (!outcome || (strcmp(outcome, "consensus") && strcmp(outcome, "no-consensus")))
            return s_fail(why, "outcome", "the outcome is consensus or no-consensus");
        r->consensus = !strcmp(outcome, "consensus");
        if (!r->consensus && !r->reason)
            return s_fail(why, "reason", "closing without consensus says why");
        if (!r->report)
            return s_fail(why, "report", "give the report every member receives");
        break;
    case WEB_CONSULT_ADVANCE:
        break;
    }
    return 0;
}

/* ---------------------------------------------------------------- the rest */

int
web_req_small(const json_t *j, unsigned allowed, unsigned required, web_small_req_t *r,
    web_req_error_t *why)
{
    memset(r, 0, sizeof *r);
    memset(why, 0, sizeof *why);
    if (!json_is_object(j))
        return s_fail(why, NULL, "the request must be a JSON object");
    unsigned seen = 0;
    const char *key;
    json_t *m;
    json_object_foreach((json_t *)j, key, m)
    {
        int rc = -2;
        uint64_t u;
#define S_IS(name, bit) (!strcmp(key, name) && (allowed & (bit)) && (seen |= (bit)))
        if (S_IS("note", WEB_M_NOTE))
            rc = s_text(m, "note", 2000, &r->note, why);
        else if (S_IS("open", WEB_M_OPEN))
            rc = s_bool(m, "open", &r->open, why);
        else if (S_IS("token", WEB_M_TOKEN))
            rc = s_text(m, "token", 128, &r->token, why);
        else if (S_IS("fingerprint", WEB_M_FINGERPRINT))
            rc = s_text(m, "fingerprint", 32, &r->fingerprint, why);
        else if (S_IS("network", WEB_M_NETWORK | WEB_M_INVITE))
            rc = s_text(m, "network", 32, &r->network, why);
        else if (S_IS("role", WEB_M_ROLE | WEB_M_OFFICER))
            rc = s_text(m, "role", 32, &r->role, why);
        else if (S_IS("key", WEB_M_KEY))
            rc = s_text(m, "key", 4096, &r->key, why);
        else if (S_IS("name", WEB_M_OFFICER))
            rc = s_text(m, "name", 1000, &r->name, why);
        else if (S_IS("country", WEB_M_OFFICER | WEB_M_PPT))
            rc = s_text(m, "country", 8, &r->country, why);
        else if (S_IS("organisation", WEB_M_OFFICER))
            rc = s_text(m, "organisation", 32, &r->organisation, why);
        else if (S_IS("contact", WEB_M_OFFICER))
            rc = s_text(m, "contact", 1000, &r->contact, why);
        else if (S_IS("networks", WEB_M_OFFICER))
            rc = s_texts(m, "networks", WEB_MAX_NETWORKS, 32, r->networks, &r->nnetworks, why);
        else if (S_IS("from", WEB_M_VALIDITY) || S_IS("until", WEB_M_VALIDITY)
            || S_IS("expires", WEB_M_INVITE) || S_IS("duration", WEB_M_INVITE)) {
            rc = json_is_null(m) ? 0 : s_uint(m, key, INT64_MAX, &u, why);
            if (rc == 0 && !json_is_null(m)) {
                int64_t *slot = !strcmp(key, "from") ? &r->from_ms
                    : !strcmp(key, "until")          ? &r->until_ms
                    : !strcmp(key, "expires")        ? &r->expires_ms
                                                     : &r->duration_ms;
                *slot = (int64_t)u;
            }
        } else if (S_IS("grantee", WEB_M_INVITE))
            rc = s_text(m, "grantee", 32, &r->grantee, why);
        else if (S_IS("access", WEB_M_INVITE))
            rc = s_text(m, "access", 16, &r->access, why);
        else if (S_IS("topics", WEB_M_INVITE))
            rc = s_texts(m, "topics", WEB_MAX_TOPICS, 256, r->topics, &r->ntopics, why);
        else if (S_IS("year", WEB_M_PPT)) {
            rc = json_is_null(m) ? 0 : s_uint(m, "year", 9999, &u, why);
            if (rc == 0 && !json_is_null(m))
                r->year = (int)u;
        }
#undef S_IS
        if (rc == -2)
            return s_fail(why, NULL, "this request has no member '%.64s'", key);
        if (rc != 0)
            return -1;
    }
    /* A member group is present when one of its members is (the page sends
     * what it has); a text left blank counts as absent. */
    static const struct {
        unsigned bit;
        const char *name;
        size_t off;
    } needs[] = {
        {WEB_M_TOKEN, "token", offsetof(web_small_req_t, token)},
        {WEB_M_FINGERPRINT, "fingerprint", offsetof(web_small_req_t, fingerprint)},
        {WEB_M_NETWORK, "network", offsetof(web_small_req_t, network)},
        {WEB_M_ROLE, "role", offsetof(web_small_req_t, role)},
        {WEB_M_KEY, "key", offsetof(web_small_req_t, key)},
        {WEB_M_NOTE, "note", offsetof(web_small_req_t, note)},
    };
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
        const char *v = *(const char *const *)((const char *)r + needs[i].off);
        if ((required & needs[i].bit) && (!v || !*v))
            return s_fail(why, needs[i].name, "give the %s", needs[i].name);
    }
    if ((required & WEB_M_OPEN) && !(seen & WEB_M_OPEN))
        return s_fail(why, "open", "say whether to open or close it");
    return 0;
}
