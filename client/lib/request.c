/*
 * request.c: frames out and in, and request/reply matching.
 *
 * Every request carries a request id of its own (a counter per client) and
 * gets exactly one reply with that id. The client is used by one thread, so
 * at most one request waits at a time; while it waits, whatever else comes
 * is routed where it belongs: deliveries to the delivery queue, answers to
 * outstanding publishes to the outbox, an unsolicited Error (revocation) to
 * the client's state, and replies to older requests (which timed out) are
 * dropped.
 */
#include "enl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

/* Sends one frame without blocking. While the hub is unreachable the frame
 * is dropped (ZMQ_IMMEDIATE): publishes are kept and resent after the
 * reconnect; acknowledgements are implied by the hub's durable cursors. */
int
enl_send_raw(enlace_client_t *self, const void *data, size_t len)
{
    if (zmq_send(self->dealer, data, len, ZMQ_DONTWAIT) < 0) {
        if (zmq_errno() == EAGAIN)
            return ENLACE_ETIMEDOUT;
        return enl_fail(self, ENLACE_EIO, "send failed: %s", zmq_strerror(zmq_errno()));
    }
    self->last_send_ms = enl_now_ms();
    return ENLACE_OK;
}

int
enl_send(enlace_client_t *self, Enlace__Frame *frame)
{
    frame->version = ENL_PROTOCOL_VERSION;
    size_t len = enlace__frame__get_packed_size(frame);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    enlace__frame__pack(frame, buf);
    int rc = enl_send_raw(self, buf, len);
    free(buf);
    return rc;
}

/* If frame answers an outstanding publish, records the outcome in the
 * outbox, frees the frame and returns 1. */
static int
s_route_publish_answer(enlace_client_t *self, Enlace__Frame *frame)
{
    if (!enl_outbox_has(&self->outbox, frame->request_id))
        return 0;
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR
        && (frame->error->code == ENLACE__ERROR_CODE__ERR_NO_SESSION
            || frame->error->code == ENLACE__ERROR_CODE__ERR_NOT_LEADER)) {
        /* Sent before our new Hello reached a restarted hub, or to a hub
         * that does not lead (nothing was done there): it is resent after
         * the next Hello, to the leader. */
        enlace__frame__free_unpacked(frame, NULL);
        return 1;
    }
    int rc = ENLACE_EPROTO;
    uint64_t seq = 0;
    const char *error = "unexpected reply to a publish";
    if (frame->body_case == ENLACE__FRAME__BODY_STORED) {
        rc = ENLACE_OK;
        seq = frame->stored->seq;
        error = "";
    } else if (frame->body_case == ENLACE__FRAME__BODY_ERROR) {
        rc = enl_map_error(frame->error->code);
        error = frame->error->message;
    }
    if (enl_outbox_answer(&self->outbox, frame->request_id, rc, seq, error) < 0)
        return 0; /* out of memory: let the caller see it; the publish stays outstanding */
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR
        && frame->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
        self->revoked = 1;
    enlace__frame__free_unpacked(frame, NULL);
    return 1;
}

void
enl_recv_waiting(enlace_client_t *self)
{
    for (int k = 0; k < 4096; k++) {
        int err;
        Enlace__Frame *late = enl_recv_one(self, 0, &err);
        enlace__frame__free_unpacked(late, NULL);
        if (err != ENLACE_OK)
            break;
    }
}

Enlace__Frame *
enl_recv_one(enlace_client_t *self, int timeout_ms, int *err)
{
    *err = ENLACE_OK;
    timeout_ms = enl_failover_tick(self, timeout_ms);
    zmq_pollitem_t items[2] = {{self->dealer, 0, ZMQ_POLLIN, 0}, {self->monitor, 0, ZMQ_POLLIN, 0}};
    int n = zmq_poll(items, self->monitor ? 2 : 1, timeout_ms);
    if (n > 0 && self->monitor && (items[1].revents & ZMQ_POLLIN)) {
        enl_monitor_events(self);
        if (self->revoked) {
            *err = ENLACE_EREVOKED;
            return NULL;
        }
        if (!(items[0].revents & ZMQ_POLLIN)) {
            *err = ENLACE_ETIMEDOUT; /* nothing to read yet: callers loop */
            return NULL;
        }
    }
    if (n < 0) {
        *err = enl_fail(self, zmq_errno() == EINTR ? ENLACE_ETIMEDOUT : ENLACE_EIO,
            "interrupted: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    if (n == 0) {
        *err = ENLACE_ETIMEDOUT;
        return NULL;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, self->dealer, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        *err = ENLACE_ETIMEDOUT;
        return NULL;
    }
    Enlace__Frame *frame = enlace__frame__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    if (!frame || frame->version != ENL_PROTOCOL_VERSION) {
        enlace__frame__free_unpacked(frame, NULL);
        *err = enl_fail(self, ENLACE_EPROTO, "the hub sent a frame this client cannot read");
        return NULL;
    }
    if (frame->body_case == ENLACE__FRAME__BODY_DELIVERY) {
        if (enl_queue_delivery(self, frame) != 0) {
            enlace__frame__free_unpacked(frame, NULL);
            *err = enl_fail(self, ENLACE_ENOMEM, "out of memory");
        }
        return NULL;
    }
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR
        && frame->error->code == ENLACE__ERROR_CODE__ERR_NOT_LEADER) {
        /* A follower, or a leader that stepped down: move on. */
        enl_not_leader(self, frame->error->leader);
        if (frame->request_id == 0) {
            enlace__frame__free_unpacked(frame, NULL);
            return NULL;
        }
    }
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR && frame->request_id == 0) {
        if (frame->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
            self->revoked = 1;
        *err = enl_fail(self, enl_map_error(frame->error->code), "hub: %s", frame->error->message);
        enlace__frame__free_unpacked(frame, NULL);
        return NULL;
    }
    if (frame->request_id != 0 && s_route_publish_answer(self, frame))
        return NULL;
    if (frame->request_id == 0) { /* nothing else is unsolicited */
        enlace__frame__free_unpacked(frame, NULL);
        return NULL;
    }
    return frame;
}

uint64_t
enl_request_send(enlace_client_t *self, Enlace__Frame *req, int64_t deadline_ms, int *err)
{
    if (self->revoked) {
        *err = enl_fail(self, ENLACE_EREVOKED,
            "the hub revoked this key; the connection is closed");
        return 0;
    }
    /* Publishes waiting for their batch go first, in the order they came. */
    enl_flush_unsent(self);
    req->request_id = ++self->next_request;
    while ((*err = enl_send(self, req)) == ENLACE_ETIMEDOUT) {
        /* Not connected: wait for the reconnect, then send. */
        if (enl_now_ms() >= deadline_ms) {
            *err = enl_fail(self, ENLACE_ETIMEDOUT, "the hub is unreachable");
            return 0;
        }
        int e;
        Enlace__Frame *late = enl_recv_one(self, 100, &e);
        enlace__frame__free_unpacked(late, NULL);
        if (self->revoked) {
            *err = enl_fail(self, ENLACE_EREVOKED, "%s", self->error);
            return 0;
        }
    }
    return *err == ENLACE_OK ? req->request_id : 0;
}

Enlace__Frame *
enl_request_wait(enlace_client_t *self, uint64_t request_id, Enlace__Frame__BodyCase want,
    int64_t deadline_ms, int *err)
{
    for (;;) {
        int64_t left = deadline_ms - enl_now_ms();
        if (left <= 0) {
            *err = enl_fail(self, ENLACE_ETIMEDOUT, "no answer from the hub within %d ms",
                self->timeout_ms);
            return NULL;
        }
        Enlace__Frame *reply = enl_recv_one(self, (int)left, err);
        if (*err == ENLACE_EREVOKED)
            return NULL;
        if (*err == ENLACE_ETIMEDOUT || *err == ENLACE_OK) {
            *err = ENLACE_OK;
            if (!reply)
                continue;
        } else if (!reply) {
            if (self->revoked)
                return NULL;
            continue; /* an unsolicited error that is not fatal */
        }
        if (reply->request_id != request_id) {
            enlace__frame__free_unpacked(reply, NULL); /* a late reply to an older request */
            continue;
        }
        if (reply->body_case == ENLACE__FRAME__BODY_ERROR) {
            if (reply->error->code == ENLACE__ERROR_CODE__ERR_NOT_LEADER)
                self->not_leader = 1; /* enl_request sends it again, to the leader */
            *err = enl_fail(self, enl_map_error(reply->error->code), "%s", reply->error->message);
            if (reply->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
                self->revoked = 1;
            enlace__frame__free_unpacked(reply, NULL);
            return NULL;
        }
        if (reply->body_case != want) {
            enlace__frame__free_unpacked(reply, NULL);
            *err = enl_fail(self, ENLACE_EPROTO, "unexpected reply from the hub");
            return NULL;
        }
        return reply;
    }
}

Enlace__Frame *
enl_request(enlace_client_t *self, Enlace__Frame *req, Enlace__Frame__BodyCase want, int *err)
{
    int64_t deadline = enl_now_ms() + self->timeout_ms;
    for (;;) {
        self->not_leader = 0;
        uint64_t id = enl_request_send(self, req, deadline, err);
        if (!id)
            return NULL;
        Enlace__Frame *reply = enl_request_wait(self, id, want, deadline, err);
        if (reply || !self->not_leader || self->revoked)
            return reply;
        /* A follower refused it, doing nothing: once the client has moved
         * to the leader (failover.c), send it again. */
        while (
            enl_now_ms() < deadline && (self->switch_at || self->state != ENLACE_STATE_CONNECTED)) {
            int e;
            Enlace__Frame *late = enl_recv_one(self, 50, &e);
            enlace__frame__free_unpacked(late, NULL);
            if (self->revoked)
                return NULL;
        }
        if (enl_now_ms() >= deadline) {
            *err = enl_fail(self, ENLACE_ETIMEDOUT, "no hub of the cluster led within %d ms: %s",
                self->timeout_ms, self->error);
            return NULL;
        }
    }
}

int
enl_request_ok(enlace_client_t *self, Enlace__Frame *req)
{
    int err;
    Enlace__Frame *reply = enl_request(self, req, ENLACE__FRAME__BODY_OK, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}
