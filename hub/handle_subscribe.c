/*
 * handle_subscribe.c: durable subscriptions. A new subscription starts at
 * the head (or at the beginning, from_start), a known one resumes from its
 * cursor; the delivery pump (deliver.c) sends what the session may see from
 * there, under flow control (flow.h).
 */
#include "handle.h"

#include <string.h>

#include "acl.h"
#include "flow.h"
#include "log.h"
#include "request.h"
#include "topic.h"

int
handle_subscribe(req_t *r, const Enlace__Subscribe *sub)
{
    const hub_env_t *env = r->env;
    session_t *s = r->s;
    char pattern[TOPIC_MAX_LEN + 1];
    if (request_readable_pattern(r, sub->pattern, pattern) != 0)
        return -1;
    session_sub_t *existing = session_sub_find(s, pattern);
    uint64_t cursor = 0;
    int resumed = 0;
    if (existing) {
        cursor = existing->cursor;
        resumed = 1;
    } else {
        if (s->nsubs >= env->cfg->max_subscriptions)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_LIMIT,
                "too many subscriptions on this connection");
        int found = archive_sub_get(env->archive, s->officer_id, pattern, &cursor);
        if (found < 0) {
            log_error("archive: %s", archive_error(env->archive));
            return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        }
        resumed = found;
        if (!found) {
            cursor = sub->from_start ? 0 : env->head;
            if (archive_sub_put(env->archive, s->officer_id, pattern, cursor) != 0) {
                log_error("archive: %s", archive_error(env->archive));
                return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
            }
        }
        if (cursor > env->head)
            cursor = env->head; /* never ahead of what exists */
        session_sub_t *added = session_sub_add(s, pattern, cursor);
        if (!added)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
        if (s->pos == FLOW_UNSET) {
            s->pos = cursor;
        } else if (cursor < s->pos) {
            /* Rewind only when nothing is in flight, so no delivery repeats;
             * until then this subscription has not been scanned from its
             * cursor and must keep it. Regression: listen --from-start with
             * two patterns replayed only the first. */
            if (s->in_count == 0) {
                s->pos = cursor;
            } else {
                if (cursor < s->rewind_to)
                    s->rewind_to = cursor;
                added->awaiting_rewind = 1;
            }
        }
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Subscribed reply = ENLACE__SUBSCRIBED__INIT;
    reply.pattern = pattern;
    reply.cursor = cursor;
    reply.resumed = resumed;
    frame.body_case = ENLACE__FRAME__BODY_SUBSCRIBED;
    frame.subscribed = &reply;
    return req_reply(r, &frame);
}

int
handle_unsubscribe(req_t *r, const Enlace__Unsubscribe *u)
{
    const hub_env_t *env = r->env;
    session_t *s = r->s;
    char pattern[TOPIC_MAX_LEN + 1];
    const char *bad = request_take_topic(u->pattern, 1, pattern);
    if (bad)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_TOPIC, "%s", bad);
    if (session_sub_find(s, pattern)) {
        flow_advance(s);
        int rc = u->forget ? archive_sub_delete(env->archive, s->officer_id, pattern)
                           : flow_save(env->archive, s);
        if (rc != 0) {
            log_error("archive: %s", archive_error(env->archive));
            return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        }
        session_sub_remove(s, pattern);
    }
    return req_ok(r);
}
