/*
 * request.c: what every request handler shares (see handle.h): replies,
 * refusals (answered and audited), and the checks of topics and patterns
 * that come as bytes.
 */
#include "handle.h"
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "log.h"
#include "wire.h"

static const char *s_code_names[] = {"none", "malformed", "version", "unknown-request", "denied",
    "bad-topic", "bad-signature", "conflict", "too-large", "limit", "revoked", "no-session",
    "internal", "not-found", "invalid"};

const char *
request_code_name(int code)
{
    return code >= 0 && (size_t)code < sizeof s_code_names / sizeof *s_code_names
        ? s_code_names[code]
        : "error";
}

int
req_reply(req_t *r, Enlace__Frame *frame)
{
    uint8_t *buf;
    size_t len;
    if (wire_pack(frame, r->id, &buf, &len) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    int rc = batch_reply(r->env->batch, r->rid, r->rid_len, r->id, buf, len);
    free(buf);
    return rc == 0 ? 0 : req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
}

int
req_ok(req_t *r)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ok ok = ENLACE__OK__INIT;
    frame.body_case = ENLACE__FRAME__BODY_OK;
    frame.ok = &ok;
    return req_reply(r, &frame);
}

int
req_fail(req_t *r, Enlace__ErrorCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err_msg, sizeof r->err_msg, fmt, ap);
    va_end(ap);
    r->err_code = code;
    return -1;
}

void
reply_refusal(const hub_env_t *env, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, const char *action, int code, const char *message)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error err = ENLACE__ERROR__INIT;
    err.code = (Enlace__ErrorCode)code;
    err.message = (char *)message;
    frame.body_case = ENLACE__FRAME__BODY_ERROR;
    frame.error = &err;
    uint8_t *buf;
    size_t len;
    const char *name = request_code_name(code);
    if (wire_pack(&frame, request_id, &buf, &len) == 0) {
        if (batch_reply(env->batch, rid, rid_len, request_id, buf, len) != 0)
            log_warn("a refusal could not be queued (hub out of memory)");
        free(buf);
    }
    if (!who) {
        log_debug("refused %s from an unidentified peer: %s", action, message);
        return;
    }
    char outcome[64];
    snprintf(outcome, sizeof outcome, "refused:%s", name);
    int ok = batch_begin(env->batch) == 0;
    if (ok
        && archive_audit(env->archive, who->officer_id, who->fingerprint, action, outcome, message)
            != 0) {
        log_error("audit: %s", archive_error(env->archive));
        ok = 0;
    }
    batch_end(env->batch, ok);
    log_info("refused %s from %s (%s): %s", action, who->fingerprint, name, message);
}

const char *
request_take_topic(ProtobufCBinaryData b, int pattern, char out[TOPIC_MAX_LEN + 1])
{
    const char *bad = pattern ? topic_check_pattern((const char *)b.data, b.len)
                              : topic_check((const char *)b.data, b.len);
    if (bad)
        return bad;
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    return NULL;
}

int
request_readable_pattern(req_t *r, ProtobufCBinaryData b, char out[TOPIC_MAX_LEN + 1])
{
    const char *bad = request_take_topic(b, 1, out);
    if (bad)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_TOPIC, "%s", bad);
    const char *denied = acl_subscribe(r->env->dir, r->who, out, r->now);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    return 0;
}
