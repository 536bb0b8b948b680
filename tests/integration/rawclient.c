/*
 * rawclient.c: a DEALER that speaks the enlace wire format by hand, for the
 * bad-input tests. Keys come from enlace key files through keys/, frames
 * from the generated protocol code; nothing goes through libenlace.
 */
#include "rawclient.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#define PROTOCOL_VERSION ENLACE__PROTOCOL__PROTOCOL_VERSION

struct rawclient {
    void *ctx;                 /* own ZeroMQ context; owned */
    void *dealer;              /* the connection; owned */
    void *monitor;             /* PAIR receiving the dealer's events; owned */
    keys_identity_t *identity; /* loaded from key_file, NULL when plaintext; owned */
    uint64_t next_id;          /* last request id handed out */
    int events;                /* OR of the ZMQ_EVENT_* seen */
    int strays;                /* frames that answered nothing awaited */
    rawclient_tap_fn tap;      /* sees every message received, or NULL */
    void *tap_arg;
};

void
rawclient_set_tap(rawclient_t *self, rawclient_tap_fn fn, void *arg)
{
    self->tap = fn;
    self->tap_arg = arg;
}

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
s_setopt_int(void *socket, int option, int value)
{
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

rawclient_t *
rawclient_new(const rawclient_opts_t *opts, char *why, size_t cap)
{
    char kerr[KEYS_ERR_LEN];
    rawclient_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    if (keys_init() != 0) {
        snprintf(why, cap, "libsodium failed to initialise");
        goto fail;
    }
    self->ctx = zmq_ctx_new();
    self->dealer = self->ctx ? zmq_socket(self->ctx, ZMQ_DEALER) : NULL;
    if (!self->dealer) {
        snprintf(why, cap, "socket: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    int rc = s_setopt_int(self->dealer, ZMQ_LINGER, 0);
    rc |= s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL, 100);
    rc |= s_setopt_int(self->dealer, ZMQ_HANDSHAKE_IVL, 3000);
    if (opts->hub_public) {
        uint8_t hub_pk[KEYS_PUBLIC_BYTES], hub_curve[KEYS_CURVE_BYTES];
        uint8_t my_pk[KEYS_CURVE_BYTES], my_sk[KEYS_CURVE_BYTES];
        if (keys_identity_load(opts->key_file, NULL, &self->identity, kerr) != 0) {
            snprintf(why, cap, "%s: %s", opts->key_file, kerr);
            goto fail;
        }
        if (opts->server_curve_override) {
            memcpy(hub_curve, opts->server_curve_override, sizeof hub_curve);
        } else if (keys_public_load(opts->hub_public, hub_pk, kerr) != 0
            || keys_curve_from_public(hub_pk, hub_curve) != 0) {
            snprintf(why, cap, "hub key %s: %s", opts->hub_public, kerr);
            goto fail;
        }
        keys_identity_curve_public(self->identity, my_pk);
        keys_identity_curve_secret(self->identity, my_sk);
        rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_SERVERKEY, hub_curve, sizeof hub_curve);
        rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_PUBLICKEY, my_pk, sizeof my_pk);
        rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_SECRETKEY, my_sk, sizeof my_sk);
        sodium_memzero(my_sk, sizeof my_sk);
    }
    if (rc != 0) {
        snprintf(why, cap, "socket options: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    char mon[64];
    snprintf(mon, sizeof mon, "inproc://rawclient-monitor-%p", (void *)self);
    if (zmq_socket_monitor(self->dealer, mon, ZMQ_EVENT_ALL) != 0) {
        snprintf(why, cap, "monitor: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    self->monitor = zmq_socket(self->ctx, ZMQ_PAIR);
    if (!self->monitor || s_setopt_int(self->monitor, ZMQ_LINGER, 0) != 0
        || zmq_connect(self->monitor, mon) != 0) {
        snprintf(why, cap, "monitor: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (zmq_connect(self->dealer, opts->endpoint) != 0) {
        snprintf(why, cap, "connect %s: %s", opts->endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    return self;
fail:
    rawclient_destroy(&self);
    return NULL;
}

void
rawclient_destroy(rawclient_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rawclient_t *self = *self_p;
    if (self->dealer) {
        zmq_socket_monitor(self->dealer, NULL, 0);
        zmq_close(self->dealer);
    }
    if (self->monitor)
        zmq_close(self->monitor);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    keys_identity_destroy(&self->identity);
    free(self);
    *self_p = NULL;
}

const keys_identity_t *
rawclient_identity(const rawclient_t *self)
{
    return self->identity;
}

uint64_t
rawclient_next_id(rawclient_t *self)
{
    return ++self->next_id;
}

/* Reads every pending monitor event into self->events. */
static void
s_read_events(rawclient_t *self)
{
    for (;;) {
        zmq_msg_t ev, addr;
        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, self->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&ev);
            return;
        }
        if (zmq_msg_size(&ev) >= 2) {
            uint16_t event;
            memcpy(&event, zmq_msg_data(&ev), sizeof event);
            self->events |= event;
        }
        int more = zmq_msg_more(&ev);
        zmq_msg_close(&ev);
        while (more) {
            zmq_msg_init(&addr);
            if (zmq_msg_recv(&addr, self->monitor, 0) < 0) {
                zmq_msg_close(&addr);
                return;
            }
            more = zmq_msg_more(&addr);
            zmq_msg_close(&addr);
        }
    }
}

int
rawclient_events(rawclient_t *self)
{
    s_read_events(self);
    return self->events;
}

int
rawclient_wait_event(rawclient_t *self, int mask, int timeout_ms)
{
    int64_t deadline = s_now_ms() + timeout_ms;
    for (;;) {
        s_read_events(self);
        if (self->events & mask)
            return self->events & mask;
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            return 0;
        zmq_pollitem_t item = {self->monitor, 0, ZMQ_POLLIN, 0};
        zmq_poll(&item, 1, left > 50 ? 50 : (long)left);
    }
}

void
rawclient_clear_events(rawclient_t *self)
{
    s_read_events(self);
    self->events = 0;
}

int
rawclient_send(rawclient_t *self, const void *data, size_t len)
{
    return zmq_send(self->dealer, data, len, 0) < 0 ? -1 : 0;
}

int
rawclient_send_parts(rawclient_t *self, const void *const *parts, const size_t *lens, int n)
{
    for (int i = 0; i < n; i++)
        if (zmq_send(self->dealer, parts[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
            return -1;
    return 0;
}

uint8_t *
rawclient_pack(const Enlace__Frame *frame, size_t *len)
{
    *len = enlace__frame__get_packed_size(frame);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        enlace__frame__pack(frame, buf);
    return buf;
}

int
rawclient_send_frame(rawclient_t *self, const Enlace__Frame *frame)
{
    size_t len;
    uint8_t *buf = rawclient_pack(frame, &len);
    if (!buf)
        return -1;
    int rc = rawclient_send(self, buf, len);
    free(buf);
    return rc;
}

Enlace__Frame *
rawclient_recv(rawclient_t *self, int timeout_ms)
{
    zmq_pollitem_t item = {self->dealer, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) <= 0 || !(item.revents & ZMQ_POLLIN))
        return NULL;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, self->dealer, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return NULL;
    }
    int multipart = zmq_msg_more(&msg);
    if (self->tap)
        self->tap(zmq_msg_data(&msg), zmq_msg_size(&msg), self->tap_arg);
    Enlace__Frame *frame = multipart
        ? NULL
        : enlace__frame__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    while (zmq_msg_more(&msg)) {
        zmq_msg_close(&msg);
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, self->dealer, 0) < 0)
            break;
    }
    zmq_msg_close(&msg);
    if (!frame) {
        fprintf(stderr, "  rawclient: received a %s message from the hub\n",
            multipart ? "multipart" : "undecodable");
        self->strays++;
    }
    return frame;
}

Enlace__Frame *
rawclient_await(rawclient_t *self, uint64_t request_id, int timeout_ms)
{
    int64_t deadline = s_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            return NULL;
        Enlace__Frame *f = rawclient_recv(self, (int)left);
        if (!f)
            continue;
        if (f->body_case == ENLACE__FRAME__BODY_DELIVERY && request_id != 0) {
            enlace__frame__free_unpacked(f, NULL);
            continue;
        }
        if (f->request_id == request_id)
            return f;
        fprintf(stderr, "  rawclient: stray reply %s for request %llu while waiting for %llu\n",
            rawclient_describe(f), (unsigned long long)f->request_id,
            (unsigned long long)request_id);
        self->strays++;
        enlace__frame__free_unpacked(f, NULL);
    }
}

int
rawclient_strays(const rawclient_t *self)
{
    return self->strays;
}

int
rawclient_drain(rawclient_t *self, int timeout_ms)
{
    int n = 0;
    int64_t deadline = s_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            return n;
        int before = self->strays;
        Enlace__Frame *f = rawclient_recv(self, (int)left);
        if (f) {
            fprintf(stderr, "  rawclient: unexpected %s for request %llu\n", rawclient_describe(f),
                (unsigned long long)f->request_id);
            self->strays++;
            enlace__frame__free_unpacked(f, NULL);
            n++;
        } else if (self->strays != before) {
            n++;
        }
    }
}

int
rawclient_hello(rawclient_t *self, int timeout_ms, int *code)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello.client = "rawclient/bad-input-test";
    frame.version = PROTOCOL_VERSION;
    frame.request_id = rawclient_next_id(self);
    frame.body_case = ENLACE__FRAME__BODY_HELLO;
    frame.hello = &hello;
    if (code)
        *code = -1;
    if (rawclient_send_frame(self, &frame) != 0)
        return -1;
    Enlace__Frame *reply = rawclient_await(self, frame.request_id, timeout_ms);
    int rc = -1;
    if (reply && reply->body_case == ENLACE__FRAME__BODY_WELCOME)
        rc = 0;
    else if (reply && reply->body_case == ENLACE__FRAME__BODY_ERROR && code)
        *code = reply->error->code;
    enlace__frame__free_unpacked(reply, NULL);
    return rc;
}

uint64_t
rawclient_publish(rawclient_t *self, const uint8_t *content, size_t content_len,
    const uint8_t *signature, size_t signature_len)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Publish pub = ENLACE__PUBLISH__INIT;
    pub.content.data = (uint8_t *)content;
    pub.content.len = content_len;
    pub.signature.data = (uint8_t *)signature;
    pub.signature.len = signature_len;
    frame.version = PROTOCOL_VERSION;
    frame.request_id = rawclient_next_id(self);
    frame.body_case = ENLACE__FRAME__BODY_PUBLISH;
    frame.publish = &pub;
    return rawclient_send_frame(self, &frame) == 0 ? frame.request_id : 0;
}

uint64_t
rawclient_publish_batch(rawclient_t *self, const uint8_t *content, size_t content_len,
    const uint8_t *signature, size_t signature_len, uint32_t index, uint32_t size,
    const uint8_t *path, size_t path_len)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Publish pub = ENLACE__PUBLISH__INIT;
    Enlace__BatchProof proof = ENLACE__BATCH_PROOF__INIT;
    pub.content.data = (uint8_t *)content;
    pub.content.len = content_len;
    pub.signature.data = (uint8_t *)signature;
    pub.signature.len = signature_len;
    proof.index = index;
    proof.size = size;
    proof.path.data = (uint8_t *)path;
    proof.path.len = path_len;
    pub.batch = &proof;
    frame.version = PROTOCOL_VERSION;
    frame.request_id = rawclient_next_id(self);
    frame.body_case = ENLACE__FRAME__BODY_PUBLISH;
    frame.publish = &pub;
    return rawclient_send_frame(self, &frame) == 0 ? frame.request_id : 0;
}

uint64_t
rawclient_ping(rawclient_t *self)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ping ping = ENLACE__PING__INIT;
    frame.version = PROTOCOL_VERSION;
    frame.request_id = rawclient_next_id(self);
    frame.body_case = ENLACE__FRAME__BODY_PING;
    frame.ping = &ping;
    return rawclient_send_frame(self, &frame) == 0 ? frame.request_id : 0;
}

void
rawbuf_put(rawbuf_t *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2 + 64;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            fprintf(stderr, "rawbuf: out of memory\n");
            abort(); /* test code: nothing to recover */
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void
rawbuf_varint(rawbuf_t *b, uint64_t v)
{
    uint8_t c;
    do {
        c = v & 0x7f;
        v >>= 7;
        if (v)
            c |= 0x80;
        rawbuf_put(b, &c, 1);
    } while (v);
}

void
rawbuf_field_varint(rawbuf_t *b, uint32_t field, uint64_t v)
{
    rawbuf_varint(b, (uint64_t)field << 3);
    rawbuf_varint(b, v);
}

void
rawbuf_field_bytes(rawbuf_t *b, uint32_t field, const void *p, size_t n)
{
    rawbuf_varint(b, (uint64_t)field << 3 | 2);
    rawbuf_varint(b, n);
    rawbuf_put(b, p, n);
}

rawbuf_t
rawbuf_frame(uint32_t version, uint64_t request_id, uint32_t body_field, const void *body,
    size_t body_len)
{
    rawbuf_t b = {0};
    rawbuf_field_varint(&b, 1, version);
    rawbuf_field_varint(&b, 2, request_id);
    rawbuf_field_bytes(&b, body_field, body, body_len);
    return b;
}

rawbuf_t
rawclient_content(const rawclient_content_t *spec, const keys_identity_t *signer)
{
    rawbuf_t b = {0};
    uint8_t id[16];
    if (spec->id)
        memcpy(id, spec->id, sizeof id);
    else
        randombytes_buf(id, sizeof id);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rawbuf_field_bytes(&b, 1, id, sizeof id);
    rawbuf_field_bytes(&b, 2, spec->topic, spec->topic_len ? spec->topic_len : strlen(spec->topic));
    rawbuf_field_varint(&b, 3, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
    if (spec->author_key)
        rawbuf_field_bytes(&b, 4, spec->author_key, spec->author_key_len);
    else
        rawbuf_field_bytes(&b, 4, keys_identity_public(signer), KEYS_PUBLIC_BYTES);
    if (spec->tlp)
        rawbuf_field_varint(&b, 5, (uint64_t)spec->tlp);
    if (spec->recipient)
        rawbuf_field_bytes(&b, 6, spec->recipient, spec->recipient_len);
    rawbuf_field_bytes(&b, 7, "text/plain; charset=utf-8", 25);
    const char *body = spec->body ? spec->body : "bad input test";
    rawbuf_field_bytes(&b, 8, body, spec->body_len ? spec->body_len : strlen(body));
    return b;
}

static const char *s_codes[] = {"none", "malformed", "version", "unknown-request", "denied",
    "bad-topic", "bad-signature", "conflict", "too-large", "limit", "revoked", "no-session",
    "internal", "not-found"};

const char *
rawclient_code_name(int code)
{
    return code >= 0 && (size_t)code < sizeof s_codes / sizeof *s_codes ? s_codes[code] : "?";
}

const char *
rawclient_describe(const Enlace__Frame *frame)
{
    static _Thread_local char buf[96];
    if (!frame)
        return "nothing";
    switch (frame->body_case) {
    case ENLACE__FRAME__BODY_ERROR: {
        snprintf(buf, sizeof buf, "error(%s)", rawclient_code_name((int)frame->error->code));
        return buf;
    }
    case ENLACE__FRAME__BODY_WELCOME:
        return "welcome";
    case ENLACE__FRAME__BODY_STORED:
        snprintf(buf, sizeof buf, "stored(seq %llu%s)", (unsigned long long)frame->stored->seq,
            frame->stored->duplicate ? ", duplicate" : "");
        return buf;
    case ENLACE__FRAME__BODY_SUBSCRIBED:
        return "subscribed";
    case ENLACE__FRAME__BODY_OK:
        return "ok";
    case ENLACE__FRAME__BODY_PONG:
        return "pong";
    case ENLACE__FRAME__BODY_DELIVERY:
        return "delivery";
    default:
        snprintf(buf, sizeof buf, "body %d", (int)frame->body_case);
        return buf;
    }
}
