/*
 * raw.c: the benchmark's libzmq-level client (see raw.h).
 *
 * Acknowledgements are cumulative, as the protocol allows: one DeliveryAck
 * every ack_every deliveries and whenever the socket runs dry, so the hub's
 * credit window never stalls.
 */
#include "raw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#define PROTOCOL_VERSION ENLACE__PROTOCOL__PROTOCOL_VERSION

void *
raw_ctx_new(int io_threads, int max_sockets)
{
    void *ctx = zmq_ctx_new();
    if (!ctx)
        return NULL;
    if (zmq_ctx_set(ctx, ZMQ_IO_THREADS, io_threads) != 0
        || zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, max_sockets) != 0) {
        zmq_ctx_term(ctx);
        return NULL;
    }
    return ctx;
}

static int
s_send(raw_client_t *r, Enlace__Frame *frame)
{
    frame->version = PROTOCOL_VERSION;
    size_t len = enlace__frame__get_packed_size(frame);
    uint8_t buf[1024];
    if (len > sizeof buf)
        return -1; /* raw clients send only small requests */
    enlace__frame__pack(frame, buf);
    return zmq_send(r->sock, buf, len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
}

static int
s_setopt_int(void *sock, int option, int value)
{
    return zmq_setsockopt(sock, option, &value, sizeof value);
}

int
raw_open(raw_client_t *r, void *ctx, const fixture_t *f, const bench_officer_t *o,
    const char *pattern, int from_start)
{
    memset(r, 0, sizeof *r);
    r->pattern = pattern;
    r->from_start = from_start;
    r->sock = zmq_socket(ctx, ZMQ_DEALER);
    if (!r->sock)
        return -1;
    int rc = zmq_setsockopt(r->sock, ZMQ_CURVE_SERVERKEY, f->hub_curve, 32);
    rc |= zmq_setsockopt(r->sock, ZMQ_CURVE_PUBLICKEY, o->curve_pk, 32);
    rc |= zmq_setsockopt(r->sock, ZMQ_CURVE_SECRETKEY, o->curve_sk, 32);
    rc |= s_setopt_int(r->sock, ZMQ_LINGER, 0);
    rc |= s_setopt_int(r->sock, ZMQ_RCVHWM, 0);
    rc |= s_setopt_int(r->sock, ZMQ_RECONNECT_IVL, 1000);
    if (rc != 0 || zmq_connect(r->sock, f->hub.endpoint) != 0) {
        zmq_close(r->sock);
        r->sock = NULL;
        return -1;
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello.client = "enlace-bench raw";
    frame.request_id = ++r->next_rid;
    frame.body_case = ENLACE__FRAME__BODY_HELLO;
    frame.hello = &hello;
    if (s_send(r, &frame) != 0) {
        zmq_close(r->sock);
        r->sock = NULL;
        return -1;
    }
    return 0;
}

void
raw_close(raw_client_t *r)
{
    if (r->sock)
        zmq_close(r->sock);
    r->sock = NULL;
}

static int
s_subscribe(raw_client_t *r)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
    sub.pattern.data = (uint8_t *)r->pattern;
    sub.pattern.len = strlen(r->pattern);
    sub.from_start = r->from_start != 0;
    frame.request_id = ++r->next_rid;
    frame.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
    frame.subscribe = &sub;
    return s_send(r, &frame);
}

int
raw_bye(raw_client_t *r)
{
    raw_ack(r);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Bye bye = ENLACE__BYE__INIT;
    frame.request_id = ++r->next_rid;
    frame.body_case = ENLACE__FRAME__BODY_BYE;
    frame.bye = &bye;
    return s_send(r, &frame);
}

void
raw_ack(raw_client_t *r)
{
    if (r->last_seq == r->acked_seq)
        return;
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__DeliveryAck ack = ENLACE__DELIVERY_ACK__INIT;
    ack.seq = r->last_seq;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY_ACK;
    frame.delivery_ack = &ack;
    if (s_send(r, &frame) == 0) {
        r->acked_seq = r->last_seq;
        r->unacked = 0;
    }
}

int
raw_recv(raw_client_t *r, Enlace__Frame **out, unsigned ack_every)
{
    *out = NULL;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, r->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return 0;
    }
    Enlace__Frame *frame = enlace__frame__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    if (!frame)
        return -1;
    if (frame->body_case == ENLACE__FRAME__BODY_DELIVERY) {
        if (frame->delivery->seq > r->last_seq)
            r->last_seq = frame->delivery->seq;
        r->received++;
        if (++r->unacked >= ack_every)
            raw_ack(r);
    }
    *out = frame;
    return 1;
}

int
raw_pump(raw_client_t *r, unsigned ack_every)
{
    int taken = 0;
    for (;;) {
        Enlace__Frame *frame;
        int rc = raw_recv(r, &frame, ack_every);
        if (rc == 0)
            break;
        taken++;
        if (rc < 0) {
            r->state = RAW_FAILED;
            continue;
        }
        switch (frame->body_case) {
        case ENLACE__FRAME__BODY_WELCOME:
            r->state = RAW_WELCOMED;
            if (r->pattern && s_subscribe(r) != 0)
                r->state = RAW_FAILED;
            break;
        case ENLACE__FRAME__BODY_SUBSCRIBED:
            r->state = RAW_SUBSCRIBED;
            break;
        case ENLACE__FRAME__BODY_ERROR:
            r->state = RAW_FAILED;
            break;
        default:
            break;
        }
        enlace__frame__free_unpacked(frame, NULL);
    }
    if (taken)
        raw_ack(r); /* the socket ran dry: give the credit back */
    return taken;
}
