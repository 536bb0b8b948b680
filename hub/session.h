/*
 * session: one authenticated connection, keyed by its ROUTER routing id.
 *
 * A session holds the officer it belongs to (by key fingerprint: re-checked
 * against the directory on every frame), its subscriptions with their durable
 * cursors, and its delivery state: `pos` is the last sequence considered for
 * it, `inflight` the sequences sent and not yet acknowledged (at most
 * `window`). Deliveries go out in increasing sequence order.
 *
 * The table also keeps, per key, what spans that key's connections: how many
 * sessions it has open and its request-rate bucket, so that one key opening
 * more connections gets neither more sessions than the hub allows nor more
 * requests a second. A key's record outlives its last session until its
 * bucket has refilled (sessions_prune_keys), so reconnecting does not refill
 * it either.
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

/* What the hub keeps per key, across that key's connections. */
typedef struct session_key {
    char fingerprint[24];
    uint32_t sessions;        /* sessions open with this key */
    rate_t rate;              /* requests taken from the key's rate limit */
    int64_t audit_ms;         /* when a limit refusal was last audited */
    uint32_t unaudited;       /* limit refusals since, answered but not audited */
    struct session_key *next; /* hash chain */
} session_key_t;

typedef struct session {
    uint8_t rid[SESSION_RID_MAX]; /* ROUTER routing id */
    size_t rid_len;
    char fingerprint[24]; /* the key ZAP authenticated (User-Id) */
    int64_t officer_id;
    uint32_t window;    /* max deliveries in flight */
    uint64_t pos;       /* last seq considered for delivery */
    uint64_t rewind_to; /* UINT64_MAX, or where to rewind once nothing is in flight */
    uint64_t *inflight; /* ring of sent, unacknowledged seqs; owned */
    uint32_t in_head, in_count;
    session_sub_t *subs; /* owned */
    int nsubs, subs_cap;
    int64_t last_seen_ms; /* last frame received */
    int blocked;          /* last send hit a full pipe: retry later */
    session_key_t *key;   /* the key's record (fingerprint's); not owned */
    struct session *next; /* hash chain */
} session_t;

typedef struct sessions sessions_t;

sessions_t *sessions_new(void);
void sessions_destroy(sessions_t **self_p);
session_t *sessions_find(sessions_t *self, const uint8_t *rid, size_t len);
/* Creates a session for rid (which must not exist) held by the key with this
 * fingerprint, and counts it in the key's record. NULL on memory failure. */
session_t *sessions_add(sessions_t *self, const uint8_t *rid, size_t len, uint32_t window,
    const char *fingerprint);
void sessions_remove(sessions_t *self, session_t *s);
int sessions_count(const sessions_t *self);
/* Iterates: pass NULL to start; returns NULL at the end. Removing the
 * current session while iterating is not allowed. */
session_t *sessions_next(sessions_t *self, session_t *s);

/* The record of the key with this fingerprint, created (no sessions, a full
 * bucket) if there is none. NULL on memory failure. */
session_key_t *sessions_key(sessions_t *self, const char *fingerprint);
/* The record, or NULL if there is none. */
session_key_t *sessions_key_find(sessions_t *self, const char *fingerprint);
/* Forgets the keys with no session whose bucket is full again at now_ms (a
 * record made now would be the same). Returns how many are left. */
int sessions_prune_keys(sessions_t *self, uint32_t per_sec, uint32_t burst, int64_t now_ms);

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
