/*
 * outbox.c: publishes sent and not yet answered, and their results.
 *
 * A publish first waits, as its serialized content, for the next batch: at
 * the next call that waits or sends (or at once if nothing else is in
 * flight, or when MERKLE_MAX_LEAVES wait), every content waiting is signed
 * with one signature over the root of their Merkle tree (merkle.h), and
 * each becomes a Publish frame carrying its audit path. Nothing waits to
 * fill a batch: a batch is what was queued at that moment, one or more.
 *
 * A publish is kept, as the exact bytes that were signed and sent, from the
 * moment it is sent until the hub answers it (Stored or Error). Slots are
 * indexed by request id (ENL_OUTBOX_SLOTS, twice the window), so matching an
 * answer is one lookup. After a reconnect every outstanding publish is sent
 * again, byte for byte and in request order: the hub stores a repeated
 * message id once, so delivery is at-least-once for the network and
 * exactly-once in the archive. Answers wait on a list, in arrival order,
 * until the caller collects them by ticket (the request id).
 *
 * Invariants: count is the number of used slots; unsent counts the used
 * slots whose bytes ZeroMQ has not taken yet.
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
enl_outbox_init(enl_outbox_t *self)
{
    memset(self, 0, sizeof *self);
}

void
enl_outbox_fini(enl_outbox_t *self)
{
    for (enl_result_t *r = self->results, *n; r; r = n) {
        n = r->next;
        free(r);
    }
    for (size_t i = 0; self->slots && i < ENL_OUTBOX_SLOTS; i++) {
        free(self->slots[i].frame);
        free(self->slots[i].content);
    }
    free(self->slots);
    memset(self, 0, sizeof *self);
}

int
enl_outbox_room(enl_outbox_t *self, uint64_t request_id)
{
    if (!self->slots) {
        self->slots = calloc(ENL_OUTBOX_SLOTS, sizeof *self->slots);
        if (!self->slots)
            return ENLACE_ENOMEM;
    }
    if (self->count >= ENLACE_PUBLISH_WINDOW
        || self->slots[request_id % ENL_OUTBOX_SLOTS].request_id)
        return ENLACE_ELIMIT;
    return ENLACE_OK;
}

void
enl_outbox_add(enl_outbox_t *self, uint64_t request_id, uint8_t *frame, size_t len, int unsent)
{
    enl_pending_t *slot = &self->slots[request_id % ENL_OUTBOX_SLOTS];
    slot->request_id = request_id;
    slot->frame = frame;
    slot->frame_len = len;
    slot->unsent = unsent != 0;
    self->unsent += slot->unsent;
    self->count++;
}

void
enl_outbox_add_unsigned(enl_outbox_t *self, uint64_t request_id, uint8_t *content, size_t len)
{
    enl_pending_t *slot = &self->slots[request_id % ENL_OUTBOX_SLOTS];
    slot->request_id = request_id;
    slot->content = content;
    slot->content_len = len;
    self->tosign[self->ntosign++] = request_id;
    self->count++;
}

/* The Publish frame of one content of a batch. */
static uint8_t *
s_batch_frame(uint64_t request_id, const uint8_t *content, size_t len, const uint8_t sig[64],
    uint32_t index, uint32_t size, merkle_hash_t *path, size_t depth, size_t *frame_len)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Publish pub = ENLACE__PUBLISH__INIT;
    Enlace__BatchProof proof = ENLACE__BATCH_PROOF__INIT;
    proof.index = index;
    proof.size = size;
    proof.path.data = depth ? path[0] : NULL;
    proof.path.len = depth * MERKLE_HASH_BYTES;
    pub.content.data = (uint8_t *)content;
    pub.content.len = len;
    pub.signature.data = (uint8_t *)sig;
    pub.signature.len = KEYS_SIGNATURE_BYTES;
    pub.batch = &proof;
    req.version = ENL_PROTOCOL_VERSION;
    req.request_id = request_id;
    req.body_case = ENLACE__FRAME__BODY_PUBLISH;
    req.publish = &pub;
    *frame_len = enlace__frame__get_packed_size(&req);
    uint8_t *out = malloc(*frame_len);
    if (out)
        enlace__frame__pack(&req, out);
    return out;
}

int
enl_outbox_seal(enl_outbox_t *self, const keys_identity_t *identity)
{
    size_t n = self->ntosign;
    if (n == 0)
        return ENLACE_OK;
    merkle_hash_t *leaves = malloc(n * sizeof *leaves);
    uint8_t **frames = calloc(n, sizeof *frames);
    size_t *lens = calloc(n, sizeof *lens);
    int rc = leaves && frames && lens ? ENLACE_OK : ENLACE_ENOMEM;
    for (size_t i = 0; rc == ENLACE_OK && i < n; i++) {
        const enl_pending_t *o = &self->slots[self->tosign[i] % ENL_OUTBOX_SLOTS];
        merkle_leaf(o->content, o->content_len, leaves[i]);
    }
    merkle_hash_t root;
    uint8_t signed_bytes[MERKLE_SIGNED_BYTES], sig[KEYS_SIGNATURE_BYTES];
    if (rc == ENLACE_OK) {
        merkle_root(leaves, n, root);
        merkle_signed((uint32_t)n, root, signed_bytes);
        if (keys_sign_bytes(identity, signed_bytes, sizeof signed_bytes, sig) != 0)
            rc = ENLACE_ENOMEM;
    }
    for (size_t i = 0; rc == ENLACE_OK && i < n; i++) {
        const enl_pending_t *o = &self->slots[self->tosign[i] % ENL_OUTBOX_SLOTS];
        merkle_hash_t path[MERKLE_MAX_DEPTH];
        size_t depth = 0;
        merkle_path(leaves, n, i, path, &depth);
        frames[i] = s_batch_frame(o->request_id, o->content, o->content_len, sig, (uint32_t)i,
            (uint32_t)n, path, depth, &lens[i]);
        if (!frames[i])
            rc = ENLACE_ENOMEM;
    }
    if (rc == ENLACE_OK) {
        /* All or nothing: the contents become frames only once every frame
         * of the batch exists. */
        for (size_t i = 0; i < n; i++) {
            enl_pending_t *o = &self->slots[self->tosign[i] % ENL_OUTBOX_SLOTS];
            free(o->content);
            o->content = NULL;
            o->content_len = 0;
            o->frame = frames[i];
            o->frame_len = lens[i];
            o->unsent = 1;
            self->unsent++;
        }
        self->ntosign = 0;
        self->batches++;
    } else if (frames) {
        for (size_t i = 0; i < n; i++)
            free(frames[i]);
    }
    free(leaves);
    free(frames);
    free(lens);
    return rc;
}

static enl_pending_t *
s_slot(const enl_outbox_t *self, uint64_t request_id)
{
    if (!self->slots || request_id == 0)
        return NULL;
    enl_pending_t *o = &self->slots[request_id % ENL_OUTBOX_SLOTS];
    return o->request_id == request_id ? o : NULL;
}

int
enl_outbox_has(const enl_outbox_t *self, uint64_t request_id)
{
    return s_slot(self, request_id) != NULL;
}

int
enl_outbox_answer(enl_outbox_t *self, uint64_t request_id, int rc, uint64_t seq, const char *error)
{
    enl_pending_t *o = s_slot(self, request_id);
    if (!o)
        return 0;
    enl_result_t *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->ticket = request_id;
    r->rc = rc;
    r->seq = seq;
    snprintf(r->error, sizeof r->error, "%s", error ? error : "");
    if (o->content) {
        /* Answered before it was signed (the session ended): it leaves the
         * batch being gathered. */
        size_t k = 0;
        for (size_t i = 0; i < self->ntosign; i++)
            if (self->tosign[i] != request_id)
                self->tosign[k++] = self->tosign[i];
        self->ntosign = k;
    }
    free(o->frame);
    free(o->content);
    if (o->unsent)
        self->unsent--;
    memset(o, 0, sizeof *o);
    self->count--;
    if (self->results_tail)
        self->results_tail->next = r;
    else
        self->results = r;
    self->results_tail = r;
    return 1;
}

enl_result_t *
enl_outbox_take(enl_outbox_t *self, uint64_t ticket)
{
    enl_result_t *prev = NULL;
    for (enl_result_t *r = self->results; r; prev = r, r = r->next) {
        if (ticket && r->ticket != ticket)
            continue;
        if (prev)
            prev->next = r->next;
        else
            self->results = r->next;
        if (self->results_tail == r)
            self->results_tail = prev;
        r->next = NULL;
        return r;
    }
    return NULL;
}

void
enl_outbox_send(enl_outbox_t *self, uint64_t last_id, int all, enl_send_fn send, void *arg)
{
    if (!self->slots || (!all && !self->unsent))
        return;
    uint64_t lo = last_id > ENL_OUTBOX_SLOTS ? last_id - ENL_OUTBOX_SLOTS : 0;
    for (uint64_t id = lo + 1; id <= last_id && (all || self->unsent); id++) {
        enl_pending_t *o = &self->slots[id % ENL_OUTBOX_SLOTS];
        if (o->request_id != id || !o->frame || (!all && !o->unsent))
            continue; /* free, not yet signed, or already sent */
        int sent = send(arg, o->frame, o->frame_len) == 0;
        if (sent && o->unsent) {
            o->unsent = 0;
            self->unsent--;
        } else if (!sent && !o->unsent) {
            o->unsent = 1;
            self->unsent++;
        }
        if (!sent && !all)
            return; /* still full: keep the order, try later */
    }
}

/* ---------------------------------------------------------------- the client's */

static int
s_send(void *arg, const void *data, size_t len)
{
    return enl_send_raw(arg, data, len) == ENLACE_OK ? 0 : -1;
}

void
enl_flush_unsent(enlace_client_t *self)
{
    /* What waits for a batch is signed now: never later than the next call
     * that waits or sends. */
    if (self->identity && enl_outbox_seal(&self->outbox, self->identity) != ENLACE_OK)
        enl_fail(self, ENLACE_ENOMEM, "out of memory: publishes wait to be signed");
    if (self->state != ENLACE_STATE_CONNECTED)
        return;
    enl_outbox_send(&self->outbox, self->next_request, 0, s_send, self);
}

/* Waits for the result of `want` (any if 0). */
static int
s_wait_result(enlace_client_t *self, uint64_t want, uint64_t *ticket, uint64_t *seq, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : enl_now_ms() + timeout_ms;
    int polled = 0, drained = 0;
    for (;;) {
        enl_result_t *r = enl_outbox_take(&self->outbox, want);
        if (r) {
            int rc = r->rc;
            if (ticket)
                *ticket = r->ticket;
            if (seq)
                *seq = r->seq;
            if (rc != ENLACE_OK)
                enl_fail(self, rc, "%s", r->error);
            free(r);
            return rc;
        }
        if (self->revoked)
            return enl_fail(self, ENLACE_EREVOKED,
                "the hub revoked this key; the connection is closed");
        int err;
        if (!drained) {
            /* Every answer that has already arrived first: a caller that
             * publishes one message per result taken queues them while it
             * takes the answers that came together (enlace_publish_async). */
            enl_recv_waiting(self);
            drained = 1;
            continue;
        }
        /* About to wait: what is queued is signed and sent first. */
        enl_flush_unsent(self);
        int64_t left = deadline - enl_now_ms();
        if (left <= 0 && polled)
            return ENLACE_ETIMEDOUT;
        /* A zero timeout still reads what is already waiting, once. */
        if (left < 0)
            left = 0;
        polled = 1;
        Enlace__Frame *other = enl_recv_one(self, left > 1000 ? 1000 : (int)left, &err);
        enlace__frame__free_unpacked(other, NULL); /* a late reply nobody waits for */
        drained = 0;
    }
}

int
enlace_publish_result(enlace_client_t *self, uint64_t *ticket, uint64_t *seq, int timeout_ms)
{
    return s_wait_result(self, 0, ticket, seq, timeout_ms);
}

size_t
enlace_publish_outstanding(const enlace_client_t *self)
{
    return self->outbox.count;
}

int
enl_outbox_wait(enlace_client_t *self, uint64_t ticket, uint64_t *seq)
{
    return s_wait_result(self, ticket, NULL, seq, self->timeout_ms);
}
