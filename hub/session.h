/*
 * session: one authenticated connection, keyed by its ROUTER routing id.
 *
 * A session holds the officer it belongs to (by key fingerprint: re-checked
 * against the directory on every frame), its subscriptions with their durable
 * cursors, and its delivery state: `pos` is the last sequence considered for
 * it, `inflight` the sequences sent and not yet acknowledged (at most
 * `window`). Deliveries go out in increasing sequence order.
 */
#ifndef ENLACE_SESSION_H
#define ENLACE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "rate.h"

#define SESSION_RID_MAX 256
#define SESSION_PATTERN_MAX 260

typedef struct {
    char pattern[SESSION_PATTERN_MAX];
    uint64_t cursor;       /* every seq <= cursor is done for this subscription */
    uint64_t saved_cursor; /* value last written to the archive */
    int awaiting_rewind;   /* added behind the scan position: not yet scanned from its
                            * cursor, so acknowledgements must not move it */
} session_sub_t;

typedef struct session {
    uint8_t rid[SESSION_RID_MAX]; /* ROUTER routing id */
    size_t rid_len;
    char fingerprint[24];  /* the key ZAP authenticated (User-Id) */
    int64_t officer_id;
    uint32_t window;       /* max deliveries in flight */
    uint64_t pos;          /* last seq considered for delivery */
    uint64_t rewind_to;    /* UINT64_MAX, or where to rewind once nothing is in flight */
    uint64_t *inflight;    /* ring of sent, unacknowledged seqs; owned */
    uint32_t in_head, in_count;
    session_sub_t *subs;   /* owned */
    int nsubs, subs_cap;
    int64_t last_seen_ms;  /* last frame received */
    int blocked;           /* last send hit a full pipe: retry later */
    rate_t rate;           /* requests taken from the connection's rate limit */
    int64_t rate_audit_ms; /* when a rate refusal was last audited */
    uint32_t rate_unaudited; /* rate refusals since, answered but not audited */
    struct session *next;  /* hash chain */
} session_t;

typedef struct sessions sessions_t;

sessions_t *sessions_new(void);
void sessions_destroy(sessions_t **self_p);
session_t *sessions_find(sessions_t *self, const uint8_t *rid, size_t len);
/* Creates a session for rid (which must not exist). NULL on memory failure. */
session_t *sessions_add(sessions_t *self, const uint8_t *rid, size_t len, uint32_t window);
void sessions_remove(sessions_t *self, session_t *s);
int sessions_count(const sessions_t *self);
/* Iterates: pass NULL to start; returns NULL at the end. Removing the
 * current session while iterating is not allowed. */
session_t *sessions_next(sessions_t *self, session_t *s);

/* Subscriptions. */
session_sub_t *session_sub_find(session_t *s, const char *pattern);
session_sub_t *session_sub_add(session_t *s, const char *pattern, uint64_t cursor);
void session_sub_remove(session_t *s, const char *pattern);

/* In-flight bookkeeping. */
int session_inflight_full(const session_t *s);
void session_inflight_push(session_t *s, uint64_t seq);
/* Drops every in-flight seq <= seq; returns how many were dropped. */
uint32_t session_inflight_ack(session_t *s, uint64_t seq);
/* Highest seq such that everything considered up to it is acknowledged. */
uint64_t session_done_upto(const session_t *s);

#endif
