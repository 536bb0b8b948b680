/*
 * fuzz_webreq: the web console's decoding of what a browser (or anything
 * on this machine) sends it: the JSON bodies of the pages' requests
 * (client/web/webreq.c, and the case forms built from them through
 * libenlace) and the headers its gate reads (client/web/guard.c).
 *
 * The first byte chooses the decoder (8 to 15: a consultation's steps); the
 * rest is the body (or the header value). Beyond "no crash, no leak": a decoded request's texts are
 * NUL-terminated and within the sizes the decoder promises, and a header
 * the gate accepts is exactly one of the two spellings it allows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "webreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
s_publish(const json_t *j)
{
    static web_publish_req_t r;
    web_req_error_t why;
    if (web_req_publish(j, &r, &why) != 0) {
        if (!why.message[0])
            abort(); /* a refusal always says why */
        return;
    }
    if (!r.topic || strlen(r.topic) > 256 || r.body_len > WEB_MAX_BODY || r.nrecipients > WEB_MAX_TO
        || r.alert.ncountries > WEB_MAX_COUNTRIES || r.alert.nreferences > WEB_MAX_REFS
        || r.form.nfields > WEB_MAX_FIELDS)
        abort();
    for (size_t i = 0; i < r.nrecipients; i++)
        if (strlen(r.recipients[i]) > 32)
            abort();
    enlace_form_t *form = NULL;
    if (web_req_form_build(&r.form, &form, &why) == 0 && form)
        for (size_t i = 0; i < enlace_form_count(form); i++)
            (void)strlen(enlace_form_field(form, i)->name);
    enlace_form_destroy(&form);
}

static void
s_case(const json_t *j)
{
    static web_case_req_t r;
    web_req_error_t why;
    if (web_req_case(j, &r, &why) == 0) {
        if (!r.type || !r.title || r.ncountries == 0 || r.ncountries > WEB_MAX_COUNTRIES)
            abort();
        enlace_form_t *form = NULL;
        web_req_form_build(&r.form, &form, &why);
        enlace_form_destroy(&form);
    }
}

static void
s_small(const json_t *j, unsigned mask)
{
    web_small_req_t r;
    web_req_error_t why;
    if (web_req_small(j, mask, mask & (WEB_M_TOKEN | WEB_M_FINGERPRINT | WEB_M_OPEN), &r, &why)
        == 0) {
        if (r.ntopics > WEB_MAX_TOPICS || r.nnetworks > WEB_MAX_NETWORKS || r.from_ms < 0
            || r.until_ms < 0 || r.expires_ms < 0 || r.duration_ms < 0)
            abort();
    }
}

static void
s_consult(const json_t *j, web_consult_step_t step)
{
    web_consult_req_t r;
    web_req_error_t why;
    if (web_req_consult(j, step, &r, &why) != 0) {
        if (!why.message[0])
            abort(); /* a refusal always says why */
        return;
    }
    if (r.stage < -1 || r.stage > 2 || (r.title && strlen(r.title) > 1000)
        || (r.answer && strlen(r.answer) > 16) || (r.reason && strlen(r.reason) > 2000)
        || (r.text && strlen(r.text) > WEB_MAX_BODY)
        || (r.report && strlen(r.report) > WEB_MAX_BODY))
        abort();
    if ((step == WEB_CONSULT_OPEN && (!r.title || !r.text))
        || (step == WEB_CONSULT_ANSWER && !r.answer) || (step == WEB_CONSULT_REVISE && !r.text)
        || (step == WEB_CONSULT_CLOSE && (!r.report || (!r.consensus && !r.reason))))
        abort();
}

static void
s_headers(const char *s, size_t len)
{
    if (web_guard_host(s, 8080) && strcasecmp(s, "127.0.0.1:8080")
        && strcasecmp(s, "localhost:8080"))
        abort();
    if (web_guard_origin(s, 8080) && strcmp(s, "http://127.0.0.1:8080")
        && strcasecmp(s, "http://localhost:8080"))
        abort();
    web_span_t v[4];
    size_t n = web_guard_cookies(s, "enlace_8080", v, 4);
    for (size_t i = 0; i < n && i < 4; i++)
        if (v[i].at < s || v[i].at + v[i].len > s + len)
            abort();
    uint8_t out[32];
    if (web_guard_hex32(s, len, out) == 0 && len != 64)
        abort();
    web_guard_asset_path(s);
    char field[64];
    if (web_guard_form_field(s, field, sizeof field) && strlen(field) >= sizeof field)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t which = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    if (which % 8 == 7) {
        char *s = malloc(len + 1);
        if (!s)
            return 0;
        memcpy(s, body, len);
        s[len] = '\0';
        s_headers(s, strlen(s));
        free(s);
        return 0;
    }
    web_req_error_t why;
    json_t *j = web_req_parse(body, len, &why);
    if (!j)
        return 0;
    static const unsigned masks[] = {WEB_M_NOTE, WEB_M_NOTE | WEB_M_OPEN, WEB_M_TOKEN,
        WEB_M_KEY | WEB_M_OFFICER | WEB_M_VALIDITY | WEB_M_FINGERPRINT, WEB_M_INVITE | WEB_M_PPT};
    if (which >= 8 && which <= 15) {
        s_consult(j, (web_consult_step_t)((which - 8) % 5));
        json_decref(j);
        return 0;
    }
    switch (which % 8) {
    case 0:
        s_publish(j);
        break;
    case 1:
        s_case(j);
        break;
    default:
        s_small(j, masks[(which % 8 - 2) % 5]);
        break;
    }
    json_decref(j);
    return 0;
}
