/*
 * batch: the hub's one commit point.
 *
 * Every request a loop turn handles writes into one SQLite transaction
 * (group commit), each inside a savepoint of its own; every reply, and
 * everything that must happen only once the writes are durable (a stored
 * message joins the delivery ring, an alert is pushed, a label changes in
 * the ring, the directory is reloaded), waits here. batch_commit commits
 * once, then hands the replies and the actions, in order, to the hub's
 * sink. Nothing else in the hub begins, commits or rolls back.
 *
 * Invariants:
 *   - no reply leaves before the commit that holds what it says (also a
 *     read's reply: it may have read the open transaction);
 *   - a request that fails undoes its own savepoint only, and the replies
 *     and actions it had queued; the others' stay;
 *   - if the commit fails, every queued reply becomes an error saying that
 *     nothing was stored, and no action runs.
 */
#ifndef ENLACE_BATCH_H
#define ENLACE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "recent.h"

typedef struct batch batch_t;

/* What waits for the commit besides the replies. */
typedef enum {
    BATCH_STORED,      /* msg (owned) was stored: the ring, the head, the counters */
    BATCH_PUSH_ALERT,  /* push alert seq out of band to the officers it concerns */
    BATCH_PUSH_NOTICE, /* push the hub's notice seq out of band to `to` */
    BATCH_RELABEL,     /* message seq now has label tlp, handling code handling */
    BATCH_HELLO,       /* a session said Hello (rid): re-push its open alerts */
    BATCH_RELOAD,      /* the directory changed here: reload it, close revoked sessions */
} batch_action_kind_t;

typedef struct {
    batch_action_kind_t kind;
    uint64_t seq;
    recent_msg_t msg; /* BATCH_STORED; the sink may take its allocations */
    char *to;         /* BATCH_PUSH_NOTICE: comma-separated fingerprints; owned */
    uint8_t rid[256]; /* BATCH_HELLO: the session's routing id */
    size_t rid_len;
    int tlp, handling; /* BATCH_RELABEL */
} batch_action_t;

/* Where the batch sends, once committed. */
typedef struct {
    /* Sends a serialized frame to a connection; returns 0, or non-zero if it
     * could not be queued (logged by the batch, not retried). */
    int (*send)(void *arg, const uint8_t *rid, size_t rid_len, const uint8_t *frame, size_t len);
    /* Runs an action after a successful commit. */
    void (*act)(void *arg, batch_action_t *action);
    void *arg;
} batch_sink_t;

/* NULL on memory failure. The archive is not owned. */
batch_t *batch_new(archive_t *archive);
void batch_destroy(batch_t **self_p);

/* Opens a request's part: the transaction if none is open, then a
 * savepoint. 0, or -1 if the archive failed (nothing is open then). */
int batch_begin(batch_t *self);
/* Closes it: keeps its writes, replies and actions (ok), or undoes them
 * alone. Returns 0 if kept; -1 if undone (not ok, or keeping failed: the
 * caller answers the request's error). */
int batch_end(batch_t *self, int ok);

/* Queues a reply: frame is packed now (version and request_id as given)
 * and sent after the commit. 0, or -1 on memory failure. */
int batch_reply(batch_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const uint8_t *frame, size_t len);
/* Queues an action; the batch takes ownership of action->msg and ->to. */
int batch_act(batch_t *self, const batch_action_t *action);

/* Queued replies and their bytes, to commit early rather than hold much. */
size_t batch_pending(const batch_t *self);
size_t batch_pending_bytes(const batch_t *self);

/* The stored time of the next message: the clock, but never before the
 * last message stored, so that stored times follow the sequence (a time
 * window is then one range of sequence numbers). */
int64_t batch_stored_now(batch_t *self, int64_t clock_ms);
/* Where stored times start (the last message's, at open). */
void batch_set_last_stored(batch_t *self, int64_t stored_ms);

/* What every reply becomes when the commit fails (default ERR_INTERNAL,
 * "archive commit failed; nothing was stored"): a cluster's leader says
 * ERR_NOT_LEADER, so that clients send it again to the next leader. The
 * message is not copied: it must outlive the batch. */
void batch_set_failure(batch_t *self, int code, const char *message);

/* Commits the transaction (if one is open), then sends every queued reply
 * and runs every action, in order; on failure sends each reply's error.
 * Returns 0 if committed (or nothing was open), -1 if the commit failed. */
int batch_commit(batch_t *self, const batch_sink_t *sink);

#endif
