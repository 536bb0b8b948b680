/*
 * test_request: client/lib/request.c, request/reply matching. A client on a
 * plain DEALER (no CURVE: enl_client_attach) talks to a ROUTER this test
 * drives by hand over inproc://, so that every frame the "hub" sends, and
 * its order, is chosen here: replies reach the request that waits, strays
 * are dropped, deliveries are queued and publish answers recorded
 * meanwhile, errors become codes, silence becomes a timeout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "check.h"
#include "enl.h"

static void *s_ctx;

typedef struct {
    void *router;
    enlace_client_t *client;
    zmq_msg_t rid; /* the client's routing id, once it has spoken */
} pair_t;

static int
s_open(pair_t *p, const char *endpoint)
{
    memset(p, 0, sizeof *p);
    zmq_msg_init(&p->rid);
    p->router = zmq_socket(s_ctx, ZMQ_ROUTER);
    int linger = 0;
    if (!p->router || zmq_setsockopt(p->router, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_bind(p->router, endpoint) != 0)
        return -1;
    p->client = enl_client_attach(s_ctx, endpoint, 2000);
    return p->client ? 0 : -1;
}

static void
s_close(pair_t *p)
{
    if (p->client)
        p->client->revoked = 1; /* no Bye: nobody would answer it */
    enlace_close(&p->client);
    zmq_msg_close(&p->rid);
    if (p->router)
        zmq_close(p->router);
}

/* The next frame the client sent, decoded (caller frees); remembers the
 * client's routing id. */
static Enlace__Frame *
s_hub_recv(pair_t *p)
{
    zmq_msg_t body;
    zmq_msg_init(&body);
    zmq_msg_close(&p->rid);
    zmq_msg_init(&p->rid);
    if (zmq_msg_recv(&p->rid, p->router, 0) < 0 || zmq_msg_recv(&body, p->router, 0) < 0) {
        zmq_msg_close(&body);
        return NULL;
    }
    Enlace__Frame *f = enlace__frame__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    zmq_msg_close(&body);
    return f;
}

/* Sends frame (request_id as given) to the client. */
static void
s_hub_send(pair_t *p, uint64_t request_id, Enlace__Frame *frame)
{
    frame->version = ENL_PROTOCOL_VERSION;
    frame->request_id = request_id;
    size_t len = enlace__frame__get_packed_size(frame);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return;
    enlace__frame__pack(frame, buf);
    zmq_msg_t rid;
    zmq_msg_init(&rid);
    zmq_msg_copy(&rid, &p->rid);
    zmq_msg_send(&rid, p->router, ZMQ_SNDMORE);
    zmq_send(p->router, buf, len, 0);
    free(buf);
}

static void
s_hub_pong(pair_t *p, uint64_t request_id, int64_t hub_ms)
{
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Pong pong = ENLACE__PONG__INIT;
    pong.hub_ms = hub_ms;
    f.body_case = ENLACE__FRAME__BODY_PONG;
    f.pong = &pong;
    s_hub_send(p, request_id, &f);
}

static void
s_hub_error(pair_t *p, uint64_t request_id, Enlace__ErrorCode code, const char *message)
{
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Error e = ENLACE__ERROR__INIT;
    e.code = code;
    e.message = (char *)message;
    f.body_case = ENLACE__FRAME__BODY_ERROR;
    f.error = &e;
    s_hub_send(p, request_id, &f);
}

/* The client sends a Ping; returns its request id (0 on failure). */
static uint64_t
s_ping(pair_t *p)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Ping ping = ENLACE__PING__INIT;
    req.body_case = ENLACE__FRAME__BODY_PING;
    req.ping = &ping;
    int err;
    return enl_request_send(p->client, &req, enl_now_ms() + 2000, &err);
}

static void
replies_reach_the_request_that_waits(void)
{
    pair_t p;
    if (s_open(&p, "inproc://request-reach") != 0) {
        CHECK(!"set-up");
        s_close(&p);
        return;
    }
    /* A publish outstanding, whose answer comes while the Ping waits. */
    uint64_t ticket = ++p.client->next_request;
    CHECK(enl_outbox_room(&p.client->outbox, ticket) == ENLACE_OK);
    enl_outbox_add(&p.client->outbox, ticket, calloc(1, 4), 4, 0); /* sent */
    uint64_t id = s_ping(&p);
    CHECK(id == ticket + 1);
    Enlace__Frame *got = s_hub_recv(&p);
    CHECK(got && got->body_case == ENLACE__FRAME__BODY_PING && got->request_id == id);
    enlace__frame__free_unpacked(got, NULL);

    /* What comes first: a stray reply to an older request, a delivery, the
     * publish's Stored; then the Pong. */
    s_hub_pong(&p, id - 5, 1);
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Delivery d = ENLACE__DELIVERY__INIT;
    d.seq = 42;
    f.body_case = ENLACE__FRAME__BODY_DELIVERY;
    f.delivery = &d;
    s_hub_send(&p, 0, &f);
    Enlace__Frame sf = ENLACE__FRAME__INIT;
    Enlace__Stored stored = ENLACE__STORED__INIT;
    stored.seq = 77;
    sf.body_case = ENLACE__FRAME__BODY_STORED;
    sf.stored = &stored;
    s_hub_send(&p, ticket, &sf);
    s_hub_pong(&p, id, 2);

    int err = -1;
    Enlace__Frame *reply = enl_request_wait(p.client, id, ENLACE__FRAME__BODY_PONG,
        enl_now_ms() + 2000, &err);
    CHECK(reply && err == ENLACE_OK);
    CHECK(reply && reply->request_id == id && reply->pong->hub_ms == 2); /* not the stray's */
    enlace__frame__free_unpacked(reply, NULL);
    CHECK(p.client->queued == 1); /* the delivery waits for enlace_recv */
    CHECK(p.client->head && p.client->head->frame->delivery->seq == 42);
    enl_result_t *r = enl_outbox_take(&p.client->outbox, ticket);
    CHECK(r && r->rc == ENLACE_OK && r->seq == 77);
    free(r);
    CHECK(p.client->outbox.count == 0);
    s_close(&p);
}

static void
an_error_reply_is_the_error_of_the_request(void)
{
    pair_t p;
    if (s_open(&p, "inproc://request-error") != 0) {
        CHECK(!"set-up");
        s_close(&p);
        return;
    }
    uint64_t id = s_ping(&p);
    enlace__frame__free_unpacked(s_hub_recv(&p), NULL);
    s_hub_error(&p, id, ENLACE__ERROR_CODE__ERR_DENIED, "not for observers");
    int err = -1;
    Enlace__Frame *reply = enl_request_wait(p.client, id, ENLACE__FRAME__BODY_PONG,
        enl_now_ms() + 2000, &err);
    CHECK(reply == NULL && err == ENLACE_EDENIED);
    CHECK_STREQ(enlace_last_error(p.client), "not for observers");
    /* a body other than the one asked for */
    id = s_ping(&p);
    enlace__frame__free_unpacked(s_hub_recv(&p), NULL);
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Ok ok = ENLACE__OK__INIT;
    f.body_case = ENLACE__FRAME__BODY_OK;
    f.ok = &ok;
    s_hub_send(&p, id, &f);
    reply = enl_request_wait(p.client, id, ENLACE__FRAME__BODY_PONG, enl_now_ms() + 2000, &err);
    CHECK(reply == NULL && err == ENLACE_EPROTO);
    s_close(&p);
}

static void
silence_is_a_timeout(void)
{
    pair_t p;
    if (s_open(&p, "inproc://request-timeout") != 0) {
        CHECK(!"set-up");
        s_close(&p);
        return;
    }
    uint64_t id = s_ping(&p);
    enlace__frame__free_unpacked(s_hub_recv(&p), NULL);
    s_hub_pong(&p, id + 1, 0); /* an answer, but not to this request */
    int err = -1;
    Enlace__Frame *reply = enl_request_wait(p.client, id, ENLACE__FRAME__BODY_PONG,
        enl_now_ms() + 50, &err);
    CHECK(reply == NULL && err == ENLACE_ETIMEDOUT);
    CHECK(strstr(enlace_last_error(p.client), "no answer from the hub") != NULL);
    /* the late answer, when it comes, is dropped by the next request */
    s_hub_pong(&p, id, 0);
    uint64_t next = s_ping(&p);
    enlace__frame__free_unpacked(s_hub_recv(&p), NULL);
    s_hub_pong(&p, next, 9);
    reply = enl_request_wait(p.client, next, ENLACE__FRAME__BODY_PONG, enl_now_ms() + 2000, &err);
    CHECK(reply && reply->request_id == next && reply->pong->hub_ms == 9);
    enlace__frame__free_unpacked(reply, NULL);
    s_close(&p);
}

static void
a_revocation_ends_every_request(void)
{
    pair_t p;
    if (s_open(&p, "inproc://request-revoked") != 0) {
        CHECK(!"set-up");
        s_close(&p);
        return;
    }
    uint64_t id = s_ping(&p);
    enlace__frame__free_unpacked(s_hub_recv(&p), NULL);
    s_hub_error(&p, 0, ENLACE__ERROR_CODE__ERR_REVOKED, "key revoked");
    int err = -1;
    Enlace__Frame *reply = enl_request_wait(p.client, id, ENLACE__FRAME__BODY_PONG,
        enl_now_ms() + 2000, &err);
    CHECK(reply == NULL && err == ENLACE_EREVOKED);
    CHECK(p.client->revoked);
    CHECK(s_ping(&p) == 0);
    CHECK(enlace_state(p.client) == ENLACE_STATE_CLOSED);
    s_close(&p);
}

/* The hub answers a publish: Stored{seq}. */
static void
s_hub_stored(pair_t *p, uint64_t request_id, uint64_t seq)
{
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Stored stored = ENLACE__STORED__INIT;
    stored.seq = seq;
    f.body_case = ENLACE__FRAME__BODY_STORED;
    f.stored = &stored;
    s_hub_send(p, request_id, &f);
}

/* The next Publish the client sent: its request id and batch proof, or 0. */
static uint64_t
s_hub_publish(pair_t *p, uint32_t *index, uint32_t *size)
{
    Enlace__Frame *f = s_hub_recv(p);
    uint64_t id = 0;
    if (f && f->body_case == ENLACE__FRAME__BODY_PUBLISH && f->publish->batch) {
        id = f->request_id;
        *index = f->publish->batch->index;
        *size = f->publish->batch->size;
    }
    enlace__frame__free_unpacked(f, NULL);
    return id;
}

/* Batches form Nagle's way: a publish goes at once when nothing is in
 * flight; those made while a batch is unanswered leave together, as one
 * batch, once it is answered or the caller waits. */
static void
publishes_made_while_a_batch_is_unanswered_leave_together(void)
{
    pair_t p;
    if (s_open(&p, "inproc://request-batch") != 0) {
        CHECK(!"set-up");
        s_close(&p);
        return;
    }
    int timeout = 2000;
    zmq_setsockopt(p.router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    p.client->identity = keys_identity_new();
    CHECK(p.client->identity != NULL);
    uint64_t t[6];
    uint32_t index = 9, size = 9;
    CHECK(enlace_publish_async(p.client, "consular/a/MX", "uno", 3, NULL, &t[1]) == ENLACE_OK);
    CHECK(s_hub_publish(&p, &index, &size) == t[1] && index == 0 && size == 1); /* at once */
    CHECK(enlace_publish_async(p.client, "consular/a/MX", "dos", 3, NULL, &t[2]) == ENLACE_OK);
    CHECK(enlace_publish_async(p.client, "consular/a/MX", "tres", 4, NULL, &t[3]) == ENLACE_OK);
    CHECK(p.client->outbox.ntosign == 2); /* 1 is unanswered: they wait */
    s_hub_stored(&p, t[1], 1);
    usleep(20000); /* inproc: let the answer reach the client's pipe */
    CHECK(enlace_publish_async(p.client, "consular/a/MX", "cuatro", 6, NULL, &t[4]) == ENLACE_OK);
    for (int k = 2; k <= 4; k++) /* 1's answer taken in: 2, 3, 4 leave as one batch */
        CHECK(s_hub_publish(&p, &index, &size) == t[k] && index == (uint32_t)(k - 2) && size == 3);
    CHECK(p.client->outbox.ntosign == 0);
    CHECK(enlace_publish_async(p.client, "consular/a/MX", "cinco", 5, NULL, &t[5]) == ENLACE_OK);
    CHECK(p.client->outbox.ntosign == 1);
    uint64_t ticket = 0, seq = 0;
    /* The answer already in hand is handed out without sending 5... */
    CHECK(enlace_publish_result(p.client, &ticket, &seq, 0) == ENLACE_OK);
    CHECK(ticket == t[1] && seq == 1 && p.client->outbox.ntosign == 1);
    /* ...and 5 goes before the caller waits. */
    CHECK(enlace_publish_result(p.client, &ticket, &seq, 50) == ENLACE_ETIMEDOUT);
    CHECK(s_hub_publish(&p, &index, &size) == t[5] && index == 0 && size == 1);
    s_close(&p);
}

int
main(void)
{
    s_ctx = zmq_ctx_new();
    if (!s_ctx)
        return EXIT_FAILURE;
    RUN(replies_reach_the_request_that_waits);
    RUN(an_error_reply_is_the_error_of_the_request);
    RUN(silence_is_a_timeout);
    RUN(a_revocation_ends_every_request);
    RUN(publishes_made_while_a_batch_is_unanswered_leave_together);
    zmq_ctx_term(s_ctx);
    return CHECK_DONE();
}
