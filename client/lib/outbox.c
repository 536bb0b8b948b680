/*
 * outbox.c: publishes sent and not yet answered, and their results.
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
    for (size_t i = 0; self->slots && i < ENL_OUTBOX_SLOTS; i++)
        free(self->slots[i].frame);
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
enl_outbox_answer(enl_outbox_t *self, uint64_t request_id, int rc, uint64_t seq,
    const char *error)
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
    free(o->frame);
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
        if (o->request_id != id || (!all && !o->unsent))
            continue;
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
    if (self->state != ENLACE_STATE_CONNECTED)
        return;
    enl_outbox_send(&self->outbox, self->next_request, 0, s_send, self);
}

/* Waits for the result of `want` (any if 0). */
static int
s_wait_result(enlace_client_t *self, uint64_t want, uint64_t *ticket, uint64_t *seq,
    int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : enl_now_ms() + timeout_ms;
    int polled = 0;
    for (;;) {
        enl_flush_unsent(self);
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
        int64_t left = deadline - enl_now_ms();
        if (left <= 0 && polled)
            return ENLACE_ETIMEDOUT;
        /* A zero timeout still reads what is already waiting, once. */
        if (left < 0)
            left = 0;
        polled = 1;
        int err;
        Enlace__Frame *other = enl_recv_one(self, left > 1000 ? 1000 : (int)left, &err);
        enlace__frame__free_unpacked(other, NULL); /* a late reply nobody waits for */
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
