/*
 * api_admin.c: the Technical Secretariat's calls (engine thread): the
 * directory of officers and their keys, memberships, invitations, the
 * PPT, the audit log and the statistics. The hub decides who may: another
 * role gets its refusal (403, "denied"), which the hub audits.
 */
#include "web_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "number.h"
#include "webjson.h"
#include "webreq.h"

static int
s_decode(web_call_t *call, unsigned allowed, unsigned required, web_small_req_t *r)
{
    web_req_error_t why;
    if (web_req_small(call->body, allowed, required, r, &why) != 0) {
        web_fail(call, ENLACE_EINVAL, why.message, why.field);
        return -1;
    }
    return 0;
}

/* The text of a .public file, read by libenlace's own loader (which checks
 * the key and its fingerprint line) through a private temporary file. */
static int
s_public_key(web_call_t *call, const char *text, uint8_t key[ENLACE_PUBLIC_KEY_BYTES])
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/enlace-web-key-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        web_fail(call, ENLACE_EIO, "cannot make a temporary file for the key", "key");
        return -1;
    }
    size_t len = strlen(text);
    int ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    char why[256] = "cannot write the key to a temporary file";
    int rc = ok ? enlace_public_key_load(path, key, why, sizeof why) : ENLACE_EIO;
    unlink(path);
    if (rc != ENLACE_OK) {
        web_fail(call, ENLACE_EINVAL, why, "key");
        return -1;
    }
    return 0;
}

static void
s_officer_result(web_engine_t *e, web_call_t *call, int rc, enlace_officer_t *o)
{
    if (rc != ENLACE_OK) {
        enlace_officer_destroy(&o);
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *j = o ? web_officer_json(o) : json_object();
    enlace_officer_destroy(&o);
    web_ok(call, json_pack("{s:o}", "officer", j ? j : json_object()));
}

void
api_officers(web_engine_t *e, web_call_t *call)
{
    enlace_officer_list_t *list = NULL;
    int rc = enlace_admin_officer_list(e->client, &list);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->count; i++) {
        json_t *o = web_officer_json(list->items[i]);
        if (o)
            json_array_append_new(arr, o);
    }
    enlace_officer_list_destroy(&list);
    web_ok(call, json_pack("{s:o, s:I}", "officers", arr, "now_ms", (json_int_t)web_now_ms()));
}

void
api_officer_add(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    uint8_t key[ENLACE_PUBLIC_KEY_BYTES];
    if (s_decode(call, WEB_M_KEY | WEB_M_OFFICER, WEB_M_KEY | WEB_M_ROLE, &r) != 0
        || s_public_key(call, r.key, key) != 0)
        return;
    if (!r.name || !*r.name) {
        web_fail(call, ENLACE_EINVAL, "give the officer's name", "name");
        return;
    }
    enlace_officer_spec_t spec = {.key = key,
        .name = r.name,
        .country = r.country && *r.country ? r.country : NULL,
        .organisation = r.organisation && *r.organisation ? r.organisation : NULL,
        .role = r.role,
        .networks = r.networks,
        .nnetworks = r.nnetworks,
        .contact = r.contact && *r.contact ? r.contact : NULL};
    enlace_officer_t *o = NULL;
    int rc = enlace_admin_officer_add(e->client, &spec, &o);
    s_officer_result(e, call, rc, o);
}

void
api_officer_revoke(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    if (s_decode(call, WEB_M_FINGERPRINT, WEB_M_FINGERPRINT, &r) != 0)
        return;
    enlace_officer_t *o = NULL;
    int rc = enlace_admin_officer_revoke(e->client, r.fingerprint, NULL, &o);
    s_officer_result(e, call, rc, o);
}

void
api_officer_key(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    uint8_t key[ENLACE_PUBLIC_KEY_BYTES];
    if (s_decode(call, WEB_M_FINGERPRINT | WEB_M_KEY | WEB_M_VALIDITY,
            WEB_M_FINGERPRINT | WEB_M_KEY, &r)
            != 0
        || s_public_key(call, r.key, key) != 0)
        return;
    enlace_officer_t *o = NULL;
    int rc = enlace_admin_officer_add_key(e->client, r.fingerprint, key, r.from_ms, r.until_ms, &o);
    s_officer_result(e, call, rc, o);
}

void
api_officer_join(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    if (s_decode(call, WEB_M_FINGERPRINT | WEB_M_NETWORK | WEB_M_ROLE,
            WEB_M_FINGERPRINT | WEB_M_NETWORK | WEB_M_ROLE, &r)
        != 0)
        return;
    int64_t id = 0;
    int rc = enlace_admin_officer_join(e->client, r.fingerprint, r.network, r.role, &id);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:I}", "officer_id", (json_int_t)id));
}

void
api_officer_leave(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    if (s_decode(call, WEB_M_FINGERPRINT | WEB_M_NETWORK, WEB_M_FINGERPRINT | WEB_M_NETWORK, &r)
        != 0)
        return;
    int64_t id = 0;
    int rc = enlace_admin_officer_leave(e->client, r.fingerprint, r.network, &id);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:I}", "officer_id", (json_int_t)id));
}

/* ---------------------------------------------------------------- invitations */

void
api_invitations(web_engine_t *e, web_call_t *call)
{
    enlace_invitation_list_t *list = NULL;
    int rc = enlace_admin_invite_list(e->client, &list);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->count; i++) {
        json_t *inv = web_invitation_json(list->items[i]);
        if (inv)
            json_array_append_new(arr, inv);
    }
    enlace_invitation_list_destroy(&list);
    web_ok(call, json_pack("{s:o, s:I}", "invitations", arr, "now_ms", (json_int_t)web_now_ms()));
}

void
api_invite_grant(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    if (s_decode(call, WEB_M_INVITE, 0, &r) != 0)
        return;
    enlace_invite_spec_t spec = {.grantee = r.grantee,
        .network = r.network,
        .topics = r.topics,
        .ntopics = r.ntopics,
        .access = r.access,
        .expires_ms = r.expires_ms,
        .duration_ms = r.duration_ms};
    enlace_invitation_t *inv = NULL;
    int rc = enlace_admin_invite_grant(e->client, &spec, &inv);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *j = web_invitation_json(inv);
    enlace_invitation_destroy(&inv);
    web_ok(call, json_pack("{s:o}", "invitation", j ? j : json_object()));
}

void
api_invite_revoke(web_engine_t *e, web_call_t *call)
{
    int rc = enlace_admin_invite_revoke(e->client, (int64_t)call->id);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:I, s:b}", "id", (json_int_t)call->id, "revoked", 1));
}

/* ---------------------------------------------------------------- ppt */

void
api_ppt(web_engine_t *e, web_call_t *call)
{
    enlace_troika_t t;
    int rc = enlace_admin_ppt_show(e->client, &t);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, web_troika_json(&t));
}

void
api_ppt_set(web_engine_t *e, web_call_t *call)
{
    web_small_req_t r;
    if (s_decode(call, WEB_M_PPT, 0, &r) != 0)
        return;
    if (!r.country || !*r.country) {
        web_fail(call, ENLACE_EINVAL, "give the country", "country");
        return;
    }
    int year = 0;
    int rc = enlace_admin_ppt_set(e->client, r.country, r.year, &year);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    web_ok(call, json_pack("{s:i, s:s}", "year", year, "country", r.country));
}

/* ---------------------------------------------------------------- audit, stats */

void
api_audit(web_engine_t *e, web_call_t *call)
{
    enlace_audit_t *log = NULL;
    int rc = enlace_admin_audit(e->client, &log);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < log->count; i++) {
        json_t *a = web_audit_json(log->items[i]);
        if (a)
            json_array_append_new(arr, a);
    }
    enlace_audit_destroy(&log);
    web_ok(call, json_pack("{s:o}", "entries", arr));
}

#define WEEK_MS (7LL * 24 * 3600 * 1000)

void
api_stats(web_engine_t *e, web_call_t *call)
{
    uint64_t weeks = 8;
    const char *w = web_call_arg(call, "weeks");
    if (w && *w && number_parse_u64(w, 1, 52, &weeks) != NUMBER_OK) {
        web_fail(call, ENLACE_EINVAL, "weeks must be a whole number from 1 to 52", "weeks");
        return;
    }
    enlace_stats_t *s = NULL;
    int rc = enlace_admin_stats(e->client, 0, 0, &s);
    if (rc != ENLACE_OK) {
        web_fail_enlace(e, call, rc);
        return;
    }
    json_t *all = web_stats_json(s);
    enlace_stats_destroy(&s);
    /* Messages per network per week: the same figures, a week at a time,
     * the current week last. */
    json_t *weekly = json_array();
    int64_t now = web_now_ms();
    for (uint64_t i = weeks; weekly && i > 0; i--) {
        int64_t to = now - (int64_t)(i - 1) * WEEK_MS, from = to - WEEK_MS;
        rc = enlace_admin_stats(e->client, from, to, &s);
        if (rc != ENLACE_OK) {
            json_decref(all);
            json_decref(weekly);
            web_fail_enlace(e, call, rc);
            return;
        }
        json_t *sec = web_stats_json(s);
        enlace_stats_destroy(&s);
        json_t *msgs = json_object_get(sec, "messages by network");
        json_array_append_new(weekly,
            json_pack("{s:I, s:I, s:o}", "from_ms", (json_int_t)from, "to_ms", (json_int_t)to,
                "messages", msgs ? json_incref(msgs) : json_object()));
        json_decref(sec);
    }
    web_ok(call,
        json_pack("{s:o, s:o, s:I}", "all", all ? all : json_object(), "weekly", weekly, "now_ms",
            (json_int_t)now));
}
