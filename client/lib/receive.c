/*
 * receive.c: deliveries, from the socket to the caller.
 *
 * Deliveries that arrive while a request waits are queued (at most the
 * hub's window of them, by construction of the credit scheme). Every
 * delivery taken off the queue is acknowledged, good or bad, so credit never
 * leaks; acknowledgements are cumulative (DeliveryAck seq), sent every
 * ENL_ACK_EVERY deliveries and whenever the queue runs dry. Out-of-band
 * alerts are outside the subscription flow: they take no credit and are not
 * acknowledged. Delivery is at-least-once (a reconnect, or an alert pushed
 * out of band and then delivered in band, brings a message again), so the
 * client drops a sequence number it already handed out (within the last
 * ENL_SEEN_WINDOW).
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

int
enl_queue_delivery(enlace_client_t *self, Enlace__Frame *frame)
{
    enl_queued_t *q = malloc(sizeof *q);
    if (!q)
        return -1;
    q->frame = frame;
    q->next = NULL;
    if (self->tail)
        self->tail->next = q;
    else
        self->head = q;
    self->tail = q;
    self->queued++;
    return 0;
}

void
enl_send_ack(enlace_client_t *self)
{
    if (self->unacked == 0 || self->revoked)
        return;
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__DeliveryAck ack = ENLACE__DELIVERY_ACK__INIT;
    ack.seq = self->ack_upto;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY_ACK;
    frame.delivery_ack = &ack;
    if (enl_send(self, &frame) == ENLACE_OK)
        self->unacked = 0;
}

/* 1 if seq was already handed to the caller (within the window). */
static int
s_seen(const enlace_client_t *self, uint64_t seq)
{
    if (seq > self->seen_max || self->seen_max - seq >= ENL_SEEN_WINDOW)
        return 0;
    return (self->seen[(seq % ENL_SEEN_WINDOW) / 8] >> (seq % 8)) & 1;
}

static void
s_mark_seen(enlace_client_t *self, uint64_t seq)
{
    if (seq > self->seen_max) {
        if (seq - self->seen_max >= ENL_SEEN_WINDOW)
            memset(self->seen, 0, sizeof self->seen);
        else
            for (uint64_t s = self->seen_max + 1; s <= seq; s++)
                self->seen[(s % ENL_SEEN_WINDOW) / 8] &= (uint8_t) ~(1u << (s % 8));
        self->seen_max = seq;
    } else if (self->seen_max - seq >= ENL_SEEN_WINDOW) {
        return;
    }
    self->seen[(seq % ENL_SEEN_WINDOW) / 8] |= (uint8_t)(1u << (seq % 8));
}

int
enlace_recv(enlace_client_t *self, enlace_delivery_t **out, int timeout_ms)
{
    *out = NULL;
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : enl_now_ms() + timeout_ms;
    enl_flush_unsent(self); /* publishes waiting for their batch go now */
    for (;;) {
        /* Take in everything already waiting first: deliveries that arrive
         * together are then acknowledged together (and a zero timeout still
         * reads the socket). */
        enl_recv_waiting(self);
        while (self->head) {
            enl_queued_t *q = self->head;
            self->head = q->next;
            if (!self->head)
                self->tail = NULL;
            self->queued--;
            Enlace__Frame *frame = q->frame;
            free(q);
            uint64_t seq = frame->delivery->seq;
            int oob = frame->delivery->out_of_band;
            if (!oob) {
                /* Out-of-band alerts are outside the subscription flow: the
                 * hub does not count them against our credit. */
                if (seq > self->ack_upto)
                    self->ack_upto = seq;
                self->unacked++;
            }
            if (s_seen(self, seq)) {
                /* Redelivered after a reconnect: the caller already has it. */
                enlace__frame__free_unpacked(frame, NULL);
                if (self->unacked >= ENL_ACK_EVERY || !self->head)
                    enl_send_ack(self);
                continue;
            }
            enl_delivery_t *p = enl_delivery_open(frame->delivery, self->verified, self->identity);
            if (p)
                p->frame = frame;
            s_mark_seen(self, seq);
            if (!p) {
                self->bad_signatures++;
                enlace__frame__free_unpacked(frame, NULL);
                continue;
            }
            if (self->unacked >= ENL_ACK_EVERY || !self->head)
                enl_send_ack(self);
            *out = &p->pub;
            return ENLACE_OK;
        }
        if (self->revoked)
            return enl_fail(self, ENLACE_EREVOKED,
                "the hub revoked this key; the connection is closed");
        enl_send_ack(self);
        int64_t now = enl_now_ms();
        if (now >= deadline)
            return ENLACE_ETIMEDOUT;
        if (now - self->last_send_ms >= ENL_PING_IDLE_MS) {
            /* Keep the hub's session alive; the Pong is read and dropped. */
            Enlace__Frame req = ENLACE__FRAME__INIT;
            Enlace__Ping ping = ENLACE__PING__INIT;
            req.body_case = ENLACE__FRAME__BODY_PING;
            req.ping = &ping;
            req.request_id = ++self->next_request;
            enl_send(self, &req);
        }
        int64_t wait = deadline - now;
        if (wait > ENL_PING_IDLE_MS)
            wait = ENL_PING_IDLE_MS;
        int err;
        Enlace__Frame *reply = enl_recv_one(self, (int)wait, &err);
        enlace__frame__free_unpacked(reply, NULL); /* late replies: nothing waits for them */
        if (err == ENLACE_EREVOKED)
            return err;
        if (err != ENLACE_OK && err != ENLACE_ETIMEDOUT && self->revoked)
            return err;
    }
}

uint64_t
enlace_bad_signatures(const enlace_client_t *self)
{
    return self->bad_signatures;
}
