/*
 * redirect.c: a follower's server. It listens where the hub would, with
 * the hub key and a ZAP handler over its own archive (so only registered
 * keys get an answer, and learn nothing else), and answers every request
 * with ERR_NOT_LEADER naming the leader's client address if it knows it.
 * It writes nothing: a follower's archive changes only by the log.
 */
#include "cluster_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "enlace.pb-c.h"
#include "hub_int.h"
#include "log.h"
#include "zap.h"

struct redirect {
    void *ctx;    /* owned */
    zap_t *zap;   /* owned */
    void *router; /* owned */
};

redirect_t *
redirect_start(node_t *n)
{
    redirect_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    char err[512];
    self->ctx = zmq_ctx_new();
    if (self->ctx)
        self->zap = zap_start(self->ctx, n->archive_path, err, sizeof err);
    if (!self->zap) {
        log_error("cluster: %s", self->ctx ? err : "cannot create a ZeroMQ context");
        redirect_stop(&self);
        return NULL;
    }
    self->router = hub_router_open(self->ctx, n->cfg, n->key);
    if (!self->router) {
        redirect_stop(&self);
        return NULL;
    }
    return self;
}

void
redirect_stop(redirect_t **self_p)
{
    redirect_t *self = *self_p;
    if (!self)
        return;
    if (self->router) {
        int linger = 0;
        zmq_setsockopt(self->router, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(self->router);
    }
    zap_stop(&self->zap);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    free(self);
    *self_p = NULL;
}

/* Answers one request (request_id) on connection rid. */
static void
s_answer(redirect_t *self, node_t *n, zmq_msg_t *rid, uint64_t request_id)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error err = ENLACE__ERROR__INIT;
    char msg[400];
    /* A leader key naming this node is a term it lost (leader_clear_stale
     * removes it): sending clients back here would keep them waiting. */
    int known = n->leader_client[0] && strcmp(n->leader_node, n->cl->node) != 0;
    if (known)
        snprintf(msg, sizeof msg,
            "this hub (%s) follows the cluster's leader, %s at %s: nothing was done here; "
            "send it there",
            n->cl->node, n->leader_node, n->leader_client);
    else
        snprintf(msg, sizeof msg,
            "this hub (%s) follows its cluster, which is choosing a leader: nothing was done "
            "here; try again in a moment",
            n->cl->node);
    err.code = ENLACE__ERROR_CODE__ERR_NOT_LEADER;
    err.message = msg;
    err.leader = known ? n->leader_client : "";
    frame.version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    frame.request_id = request_id;
    frame.body_case = ENLACE__FRAME__BODY_ERROR;
    frame.error = &err;
    uint8_t buf[1024];
    size_t len = enlace__frame__get_packed_size(&frame);
    if (len > sizeof buf)
        return;
    enlace__frame__pack(&frame, buf);
    if (zmq_send(self->router, zmq_msg_data(rid), zmq_msg_size(rid), ZMQ_SNDMORE | ZMQ_DONTWAIT)
        >= 0)
        zmq_send(self->router, buf, len, ZMQ_DONTWAIT);
}

void
redirect_turn(redirect_t *self, node_t *n, int wait_ms)
{
    zmq_pollitem_t item = {self->router, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, wait_ms) <= 0)
        return;
    for (int i = 0; i < 256; i++) {
        zmq_msg_t rid, body;
        zmq_msg_init(&rid);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&rid, self->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&rid);
            zmq_msg_close(&body);
            return;
        }
        int more = zmq_msg_more(&rid) && zmq_msg_recv(&body, self->router, 0) >= 0;
        int multipart = more && zmq_msg_more(&body);
        while (multipart) { /* a client's multipart message: drained, not answered */
            zmq_msg_t rest;
            zmq_msg_init(&rest);
            multipart = zmq_msg_recv(&rest, self->router, 0) >= 0 && zmq_msg_more(&rest);
            zmq_msg_close(&rest);
            more = 0;
        }
        Enlace__Frame *f = more
            ? enlace__frame__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body))
            : NULL;
        /* Acknowledgements have no answer; request id 0 is the hub's own. */
        if (f && f->request_id && f->body_case != ENLACE__FRAME__BODY_DELIVERY_ACK)
            s_answer(self, n, &rid, f->request_id);
        enlace__frame__free_unpacked(f, NULL);
        zmq_msg_close(&rid);
        zmq_msg_close(&body);
    }
}
