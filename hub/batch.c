/*
 * batch.c: the one commit point (see batch.h).
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "enlace.pb-c.h"
#include "log.h"

typedef struct {
    uint8_t rid[256];
    size_t rid_len;
    uint64_t request_id;
    uint8_t *frame; /* owned */
    size_t len;
} reply_t;

struct batch {
    archive_t *archive; /* not owned */
    reply_t *replies;   /* queued replies, in order; owned */
    size_t nreplies, capreplies;
    size_t bytes;            /* their frames' total size */
    batch_action_t *actions; /* queued actions, in order; owned */
    size_t nactions, capactions;
    /* The open request: its savepoint, and where its queue entries start. */
    int in_request;
    archive_savepoint_t sp;
    size_t mark_replies, mark_actions, mark_bytes;
    int64_t last_stored_ms;   /* stored time of the last message */
    size_t doomed;            /* replies [0, doomed) lost their transaction */
    int fail_code;            /* what replies become if the commit fails */
    const char *fail_message; /* not owned */
};

batch_t *
batch_new(archive_t *archive)
{
    batch_t *self = calloc(1, sizeof *self);
    if (self) {
        self->archive = archive;
        self->fail_code = ENLACE__ERROR_CODE__ERR_INTERNAL;
        self->fail_message = "archive commit failed; nothing was stored: send the request again";
    }
    return self;
}

static void
s_action_free(batch_action_t *a)
{
    recent_msg_clear(&a->msg);
    free(a->to);
    a->to = NULL;
}

/* Drops the queue entries from index r (replies) and a (actions) on. */
static void
s_truncate(batch_t *self, size_t r, size_t a)
{
    while (self->nreplies > r) {
        reply_t *rp = &self->replies[--self->nreplies];
        self->bytes -= rp->len;
        free(rp->frame);
    }
    while (self->nactions > a)
        s_action_free(&self->actions[--self->nactions]);
}

void
batch_destroy(batch_t **self_p)
{
    if (!*self_p)
        return;
    batch_t *self = *self_p;
    s_truncate(self, 0, 0);
    free(self->replies);
    free(self->actions);
    free(self);
    *self_p = NULL;
}

int
batch_begin(batch_t *self)
{
    if (self->in_request)
        batch_end(self, 1); /* misuse: a request left open is kept */
    if (archive_savepoint(self->archive, &self->sp) != 0) {
        log_error("archive: %s", archive_error(self->archive));
        return -1;
    }
    self->in_request = 1;
    self->mark_replies = self->nreplies;
    self->mark_actions = self->nactions;
    self->mark_bytes = self->bytes;
    return 0;
}

int
batch_end(batch_t *self, int ok)
{
    if (!self->in_request)
        return ok ? 0 : -1;
    self->in_request = 0;
    if (ok && archive_savepoint_release(self->archive, &self->sp) == 0)
        return 0;
    if (ok)
        log_error("archive: %s", archive_error(self->archive));
    if (archive_savepoint_rollback(self->archive, &self->sp) != 0) {
        /* The savepoint could not be undone alone: undo the transaction,
         * and with it everything queued (their replies become errors). */
        log_error("archive: %s; the whole batch is rolled back", archive_error(self->archive));
        archive_rollback(self->archive);
        s_truncate(self, self->mark_replies, 0);
        self->doomed = self->nreplies;
        return -1;
    }
    s_truncate(self, self->mark_replies, self->mark_actions);
    return -1;
}

int
batch_reply(batch_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const uint8_t *frame, size_t len)
{
    if (rid_len == 0 || rid_len > sizeof self->replies->rid)
        return 0; /* nobody to answer (the hub's own requests) */
    if (self->nreplies == self->capreplies) {
        size_t cap = self->capreplies ? self->capreplies * 2 : 64;
        reply_t *grown = realloc(self->replies, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->replies = grown;
        self->capreplies = cap;
    }
    reply_t *r = &self->replies[self->nreplies];
    r->frame = malloc(len ? len : 1);
    if (!r->frame)
        return -1;
    memcpy(r->frame, frame, len);
    r->len = len;
    memcpy(r->rid, rid, rid_len);
    r->rid_len = rid_len;
    r->request_id = request_id;
    self->nreplies++;
    self->bytes += len;
    return 0;
}

int
batch_act(batch_t *self, const batch_action_t *action)
{
    if (self->nactions == self->capactions) {
        size_t cap = self->capactions ? self->capactions * 2 : 64;
        batch_action_t *grown = realloc(self->actions, cap * sizeof *grown);
        if (!grown) {
            batch_action_t drop = *action;
            s_action_free(&drop);
            return -1;
        }
        self->actions = grown;
        self->capactions = cap;
    }
    self->actions[self->nactions++] = *action;
    return 0;
}

size_t
batch_pending(const batch_t *self)
{
    return self->nreplies + self->nactions;
}

size_t
batch_pending_bytes(const batch_t *self)
{
    return self->bytes;
}

int64_t
batch_stored_now(batch_t *self, int64_t clock_ms)
{
    if (clock_ms < self->last_stored_ms)
        clock_ms = self->last_stored_ms;
    self->last_stored_ms = clock_ms;
    return clock_ms;
}

void
batch_set_last_stored(batch_t *self, int64_t stored_ms)
{
    self->last_stored_ms = stored_ms;
}

void
batch_set_failure(batch_t *self, int code, const char *message)
{
    self->fail_code = code;
    self->fail_message = message;
}

/* The reply to send instead of r when the commit failed. */
static void
s_send_failure(const batch_t *self, const batch_sink_t *sink, const reply_t *r)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error err = ENLACE__ERROR__INIT;
    err.code = (Enlace__ErrorCode)self->fail_code;
    err.message = (char *)self->fail_message;
    frame.version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    frame.request_id = r->request_id;
    frame.body_case = ENLACE__FRAME__BODY_ERROR;
    frame.error = &err;
    uint8_t buf[256];
    size_t len = enlace__frame__get_packed_size(&frame);
    if (len <= sizeof buf) {
        enlace__frame__pack(&frame, buf);
        sink->send(sink->arg, r->rid, r->rid_len, buf, len);
    }
}

int
batch_commit(batch_t *self, const batch_sink_t *sink)
{
    if (self->in_request)
        batch_end(self, 1);
    int ok = 1;
    if (archive_in_transaction(self->archive) && archive_commit(self->archive) != 0) {
        log_error("archive commit failed: %s", archive_error(self->archive));
        ok = 0;
    }
    /* The queues are taken out first: what the sink does may queue more
     * (a reload refuses revoked sessions), for the next commit. */
    batch_t done = *self;
    self->replies = NULL;
    self->nreplies = self->capreplies = 0;
    self->bytes = 0;
    self->actions = NULL;
    self->nactions = self->capactions = 0;
    self->doomed = 0;
    for (size_t i = 0; i < done.nreplies; i++) {
        reply_t *r = &done.replies[i];
        if (!ok || i < done.doomed)
            s_send_failure(self, sink, r);
        else if (sink->send(sink->arg, r->rid, r->rid_len, r->frame, r->len) != 0)
            /* Not fatal (what it answers is done; a retry gets the same
             * answer) but must be seen. */
            log_warn("a reply (request %llu) could not be queued to its client",
                (unsigned long long)r->request_id);
    }
    for (size_t i = 0; ok && i < done.nactions; i++)
        sink->act(sink->arg, &done.actions[i]);
    s_truncate(&done, 0, 0);
    free(done.replies);
    free(done.actions);
    return ok ? 0 : -1;
}
