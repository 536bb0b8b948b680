/*
 * enlace.c: libenlace, the client side of the enlace protocol.
 *
 * One DEALER socket, CURVE client, whose transport keys are derived from the
 * officer's Ed25519 identity; a socket monitor turns handshake outcomes into
 * prompt, specific errors. Requests are answered in order of request_id;
 * deliveries that arrive while waiting for a reply are queued (at most the
 * hub's window of them, by construction of the credit scheme).
 *
 * Invariants: a delivery reaches the caller only after its signature
 * verified against the author key inside the signed content, and that key's
 * fingerprint equals what the hub says; every delivery taken off the socket
 * is acknowledged (good or bad), so credit never leaks.
 */
#include "enlace.h"
#include "enlace_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ctype.h>

#include <jansson.h>
#include <sodium.h>
#include <zmq.h>

#include "config.h"
#include "enlace.pb-c.h"
#include "keys.h"

#define PROTOCOL_VERSION ENLACE__PROTOCOL__PROTOCOL_VERSION
#define DEFAULT_TIMEOUT_MS 10000
#define PING_IDLE_MS 20000
#define ACK_EVERY 32

/* Marks enlace_strerror's names for translation (po/POTFILES); the library
 * itself never translates nor calls setlocale: a program translates them in
 * its own textdomain, e.g. dgettext("enlace", enlace_strerror(rc)). */
#define N_(s) s

typedef struct queued {
    Enlace__Frame *frame; /* an unpacked Delivery frame; owned */
    struct queued *next;
} queued_t;

/* A publish sent and not yet answered: its signed bytes are kept so that it
 * can be sent again, identical, after a reconnect. */
typedef struct {
    uint64_t request_id; /* 0: free slot */
    uint8_t *frame;      /* the serialized Publish frame; owned */
    size_t frame_len;
    int unsent;          /* the send found the pipe full: try again */
} outstanding_t;

/* The outcome of an asynchronous publish, waiting to be collected. */
typedef struct result {
    uint64_t ticket;
    int rc;
    uint64_t seq;
    char error[256];
    struct result *next;
} result_t;

struct enlace_client {
    void *ctx;                 /* owned */
    void *dealer;              /* owned */
    void *monitor;             /* PAIR receiving the dealer's events; owned */
    keys_identity_t *identity; /* owned, sodium memory */
    int timeout_ms;
    uint64_t next_request;     /* last request id used */
    queued_t *head, *tail;     /* deliveries not yet handed out */
    size_t queued;
    uint64_t ack_upto;         /* highest seq taken off the queue this session */
    unsigned unacked;          /* deliveries taken (even dropped ones) since the last ack */
    uint64_t bad_signatures;
    int revoked;               /* the hub closed us: every call fails */
    enlace_state_t state;
    enlace_state_fn state_fn;  /* application callback, or NULL */
    void *state_arg;
    char **patterns;           /* subscriptions to renew after a reconnect; owned */
    int npatterns;
    uint64_t seen_max;         /* duplicate filter: highest seq handed out */
    uint8_t seen[8192];        /* bit per seq in (seen_max - 65536, seen_max] */
    uint64_t hello_request;    /* request id of the last Hello sent */
    int64_t last_send_ms;
    outstanding_t *outstanding; /* ENLACE_PUBLISH_WINDOW * 2 slots by request id; owned */
    size_t noutstanding;
    size_t nunsent;            /* outstanding publishes not yet handed to ZeroMQ */
    result_t *results, *results_tail; /* answered async publishes; owned */
    char name[208], fingerprint[24], country[24];
    char error[512];
};

struct delivery_priv {
    enlace_delivery_t pub;     /* must be first: the caller sees this */
    char *form_json;           /* owned */
    Enlace__Content *content;  /* owned: pub's pointers point into it */
    Enlace__Frame *frame;      /* owned for live deliveries; NULL in a page */
    char author_fp[24];
    char topic[260];           /* NUL-terminated copy of the signed topic */
};

struct enlace_page {
    Enlace__Frame *frame;            /* the HistoryPage frame; owned */
    struct delivery_priv **items;    /* verified items; owned */
    size_t n;
    uint64_t next;
    int more;
};

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int s_fail(enlace_client_t *self, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(enlace_client_t *self, int err, const char *fmt, ...)
{
    if (self) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(self->error, sizeof self->error, fmt, ap);
        va_end(ap);
    }
    return err;
}

const char *
enlace_strerror(int err)
{
    static const char *names[] = {
        [ENLACE_OK] = N_("ok"),
        [ENLACE_EINVAL] = N_("invalid argument"),
        [ENLACE_ENOMEM] = N_("out of memory"),
        [ENLACE_EKEY] = N_("key file problem"),
        [ENLACE_EAUTH] = N_("the hub refused this key"),
        [ENLACE_EHANDSHAKE] = N_("no secure session with the hub"),
        [ENLACE_ETIMEDOUT] = N_("timed out"),
        [ENLACE_EDENIED] = N_("access denied"),
        [ENLACE_EPROTO] = N_("protocol error"),
        [ENLACE_EREVOKED] = N_("key revoked"),
        [ENLACE_ETOOBIG] = N_("too large"),
        [ENLACE_EBADSIG] = N_("bad signature"),
        [ENLACE_ECONFLICT] = N_("message id conflict"),
        [ENLACE_ELIMIT] = N_("over a limit"),
        [ENLACE_ENOTFOUND] = N_("not found"),
        [ENLACE_EHUB] = N_("hub failure"),
        [ENLACE_EIO] = N_("I/O error"),
        [ENLACE_EBADTOPIC] = N_("invalid topic"),
    };
    if (err < 0 || (size_t)err >= sizeof names / sizeof names[0] || !names[err])
        return N_("unknown error");
    return names[err];
}

const char *
enlace_last_error(const enlace_client_t *self)
{
    return self ? self->error : "no client";
}

int
enlace_tlp_parse(const char *name)
{
    static const char *names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
    for (int i = 0; i < 5; i++)
        if (!strcasecmp(name, names[i]))
            return i + 1;
    return -1;
}

const char *
enlace_tlp_name(int tlp)
{
    static const char *names[] = {"AMBER", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
    return tlp >= 0 && tlp <= 5 ? names[tlp] : "?";
}

void
enlace_id_hex(const uint8_t id[16], char out[33])
{
    sodium_bin2hex(out, 33, id, 16);
}

static int
s_map_error(Enlace__ErrorCode code)
{
    switch (code) {
    case ENLACE__ERROR_CODE__ERR_DENIED: return ENLACE_EDENIED;
    case ENLACE__ERROR_CODE__ERR_BAD_TOPIC: return ENLACE_EBADTOPIC;
    case ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE: return ENLACE_EBADSIG;
    case ENLACE__ERROR_CODE__ERR_CONFLICT: return ENLACE_ECONFLICT;
    case ENLACE__ERROR_CODE__ERR_TOO_LARGE: return ENLACE_ETOOBIG;
    case ENLACE__ERROR_CODE__ERR_LIMIT: return ENLACE_ELIMIT;
    case ENLACE__ERROR_CODE__ERR_REVOKED: return ENLACE_EREVOKED;
    case ENLACE__ERROR_CODE__ERR_INTERNAL: return ENLACE_EHUB;
    case ENLACE__ERROR_CODE__ERR_NOT_FOUND: return ENLACE_ENOTFOUND;
    default: return ENLACE_EPROTO;
    }
}

/* ---------------------------------------------------------------- frames */

/* Sends one frame without blocking. While the hub is unreachable the frame
 * is dropped (ZMQ_IMMEDIATE): publishes are kept and resent after the
 * reconnect; acknowledgements are implied by the hub's durable cursors. */
static int
s_send_raw(enlace_client_t *self, const void *data, size_t len)
{
    if (zmq_send(self->dealer, data, len, ZMQ_DONTWAIT) < 0) {
        if (zmq_errno() == EAGAIN)
            return ENLACE_ETIMEDOUT;
        return s_fail(self, ENLACE_EIO, "send failed: %s", zmq_strerror(zmq_errno()));
    }
    self->last_send_ms = s_now_ms();
    return ENLACE_OK;
}

static int
s_send(enlace_client_t *self, Enlace__Frame *frame)
{
    frame->version = PROTOCOL_VERSION;
    size_t len = enlace__frame__get_packed_size(frame);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return s_fail(self, ENLACE_ENOMEM, "out of memory");
    enlace__frame__pack(frame, buf);
    int rc = s_send_raw(self, buf, len);
    free(buf);
    return rc;
}

static void
s_send_ack(enlace_client_t *self)
{
    if (self->unacked == 0 || self->revoked)
        return;
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__DeliveryAck ack = ENLACE__DELIVERY_ACK__INIT;
    ack.seq = self->ack_upto;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY_ACK;
    frame.delivery_ack = &ack;
    if (s_send(self, &frame) == ENLACE_OK)
        self->unacked = 0;
}

#define OUTSTANDING_SLOTS (ENLACE_PUBLISH_WINDOW * 2)

/* Names of the wire enums, index = value (see enlace.proto). */
static const char *s_priority_names[] = {"routine", "priority", "urgent", "flash", NULL};
static const char *s_category_names[] = {"other", "death", "disaster", "trafficking",
    "smuggling", "missing-child", "unaccompanied-child", "return-assistance", NULL};
static const char *s_status_names[] = {"actual", "exercise", "system", "test", "draft", NULL};
static const char *s_msgtype_names[] = {"alert", "update", "cancel", NULL};
static const char *s_urgency_names[] = {"unknown", "immediate", "expected", "future", "past", NULL};
static const char *s_severity_names[] = {"unknown", "extreme", "severe", "moderate", "minor", NULL};
static const char *s_certainty_names[] = {"unknown", "observed", "likely", "possible", "unlikely",
    NULL};

/* Index of name in names (NULL name: def); -1 if unknown. */
static int
s_enum(const char *const *names, const char *name, int def)
{
    if (!name || !*name)
        return def;
    for (int i = 0; names[i]; i++)
        if (!strcasecmp(names[i], name))
            return i;
    return -1;
}

static const char *
s_name(const char *const *names, int value)
{
    int n = 0;
    while (names[n])
        n++;
    return value >= 0 && value < n ? names[value] : names[0];
}
#define SEEN_WINDOW 65536

static void
s_set_state(enlace_client_t *self, enlace_state_t state)
{
    if (self->state == state || self->state == ENLACE_STATE_CLOSED)
        return;
    self->state = state;
    if (self->state_fn)
        self->state_fn(self, state, self->state_arg);
}

/* 1 if seq was already handed to the caller (within the window). */
static int
s_seen(const enlace_client_t *self, uint64_t seq)
{
    if (seq > self->seen_max || self->seen_max - seq >= SEEN_WINDOW)
        return 0;
    return (self->seen[(seq % SEEN_WINDOW) / 8] >> (seq % 8)) & 1;
}

static void
s_mark_seen(enlace_client_t *self, uint64_t seq)
{
    if (seq > self->seen_max) {
        if (seq - self->seen_max >= SEEN_WINDOW)
            memset(self->seen, 0, sizeof self->seen);
        else
            for (uint64_t s = self->seen_max + 1; s <= seq; s++)
                self->seen[(s % SEEN_WINDOW) / 8] &= (uint8_t) ~(1u << (s % 8));
        self->seen_max = seq;
    } else if (self->seen_max - seq >= SEEN_WINDOW) {
        return;
    }
    self->seen[(seq % SEEN_WINDOW) / 8] |= (uint8_t)(1u << (seq % 8));
}

static int s_send_raw(enlace_client_t *self, const void *data, size_t len);

/* After the transport came back: a new session on the hub. Say Hello, renew
 * subscriptions and resend unanswered publishes, in that order (the hub
 * handles one connection's frames in order). Replies to these are routed
 * like any other: Welcome and Subscribed are dropped as late replies,
 * Stored/Error complete the outstanding publishes. */
static void
s_restore(enlace_client_t *self)
{
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello.client = "libenlace (reconnected)";
    f.version = PROTOCOL_VERSION;
    f.request_id = self->hello_request = ++self->next_request;
    f.body_case = ENLACE__FRAME__BODY_HELLO;
    f.hello = &hello;
    uint8_t buf[256];
    size_t len = enlace__frame__get_packed_size(&f);
    if (len <= sizeof buf) {
        enlace__frame__pack(&f, buf);
        s_send_raw(self, buf, len);
    }
    for (int i = 0; i < self->npatterns; i++) {
        Enlace__Frame sf = ENLACE__FRAME__INIT;
        Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
        sub.pattern.data = (uint8_t *)self->patterns[i];
        sub.pattern.len = strlen(self->patterns[i]);
        sf.version = PROTOCOL_VERSION;
        sf.request_id = ++self->next_request;
        sf.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
        sf.subscribe = &sub;
        uint8_t sbuf[512];
        size_t slen = enlace__frame__get_packed_size(&sf);
        if (slen <= sizeof sbuf) {
            enlace__frame__pack(&sf, sbuf);
            s_send_raw(self, sbuf, slen);
        }
    }
    /* Resend in request order so the hub stores them in the order sent. */
    uint64_t lo = self->next_request > OUTSTANDING_SLOTS ? self->next_request - OUTSTANDING_SLOTS : 0;
    for (uint64_t id = lo + 1; self->outstanding && id <= self->next_request; id++) {
        outstanding_t *o = &self->outstanding[id % OUTSTANDING_SLOTS];
        if (o->request_id != id)
            continue;
        int sent = s_send_raw(self, o->frame, o->frame_len) == ENLACE_OK;
        if (sent && o->unsent) {
            o->unsent = 0;
            self->nunsent--;
        } else if (!sent && !o->unsent) {
            o->unsent = 1;
            self->nunsent++;
        }
    }
    /* A new session on the hub: acknowledgements start afresh (deliveries
     * in flight on the old session come again and are filtered). */
    self->ack_upto = 0;
    self->unacked = 0;
}

/* Reads pending socket-monitor events and follows the connection state. */
static void
s_monitor_events(enlace_client_t *self)
{
    for (;;) {
        zmq_msg_t ev, addr;
        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, self->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&ev);
            return;
        }
        zmq_msg_init(&addr);
        if (zmq_msg_more(&ev))
            zmq_msg_recv(&addr, self->monitor, 0);
        uint16_t event = 0;
        if (zmq_msg_size(&ev) >= 6)
            memcpy(&event, zmq_msg_data(&ev), 2);
        zmq_msg_close(&ev);
        zmq_msg_close(&addr);
        if (event == ZMQ_EVENT_DISCONNECTED) {
            s_set_state(self, ENLACE_STATE_RECONNECTING);
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            if (self->state == ENLACE_STATE_RECONNECTING) {
                s_restore(self);
                s_set_state(self, ENLACE_STATE_CONNECTED);
            }
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            self->revoked = 1;
            snprintf(self->error, sizeof self->error,
                "the hub refused this key on reconnecting: it was revoked or has expired");
            s_set_state(self, ENLACE_STATE_CLOSED);
        }
    }
}

static outstanding_t *
s_outstanding(enlace_client_t *self, uint64_t request_id)
{
    if (!self->outstanding)
        return NULL;
    outstanding_t *o = &self->outstanding[request_id % OUTSTANDING_SLOTS];
    return o->request_id == request_id ? o : NULL;
}

/* If frame answers an asynchronous publish, records the outcome, frees the
 * frame and returns 1. */
static int
s_route_result(enlace_client_t *self, Enlace__Frame *frame)
{
    outstanding_t *o = s_outstanding(self, frame->request_id);
    if (!o)
        return 0;
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR
        && frame->error->code == ENLACE__ERROR_CODE__ERR_NO_SESSION) {
        /* Sent before our new Hello reached a restarted hub: it is resent
         * after the Hello. */
        enlace__frame__free_unpacked(frame, NULL);
        return 1;
    }
    result_t *r = calloc(1, sizeof *r);
    if (!r)
        return 0; /* let the caller see it; the publish stays outstanding */
    r->ticket = o->request_id;
    if (frame->body_case == ENLACE__FRAME__BODY_STORED) {
        r->rc = ENLACE_OK;
        r->seq = frame->stored->seq;
    } else if (frame->body_case == ENLACE__FRAME__BODY_ERROR) {
        r->rc = s_map_error(frame->error->code);
        snprintf(r->error, sizeof r->error, "%s", frame->error->message);
        if (frame->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
            self->revoked = 1;
    } else {
        r->rc = ENLACE_EPROTO;
        snprintf(r->error, sizeof r->error, "unexpected reply to a publish");
    }
    free(o->frame);
    if (o->unsent)
        self->nunsent--;
    memset(o, 0, sizeof *o);
    self->noutstanding--;
    if (self->results_tail)
        self->results_tail->next = r;
    else
        self->results = r;
    self->results_tail = r;
    enlace__frame__free_unpacked(frame, NULL);
    return 1;
}

/* Receives one frame if one arrives within timeout_ms. Queues deliveries;
 * handles unsolicited errors (revocation). Returns the frame if it is a
 * reply (request_id != 0), else NULL; *err is set on failure/timeout. */
static Enlace__Frame *
s_recv_one(enlace_client_t *self, int timeout_ms, int *err)
{
    *err = ENLACE_OK;
    zmq_pollitem_t items[2] = {{self->dealer, 0, ZMQ_POLLIN, 0}, {self->monitor, 0, ZMQ_POLLIN, 0}};
    int n = zmq_poll(items, 2, timeout_ms);
    if (n > 0 && (items[1].revents & ZMQ_POLLIN)) {
        s_monitor_events(self);
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
        *err = s_fail(self, zmq_errno() == EINTR ? ENLACE_ETIMEDOUT : ENLACE_EIO,
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
    if (!frame || frame->version != PROTOCOL_VERSION) {
        enlace__frame__free_unpacked(frame, NULL);
        *err = s_fail(self, ENLACE_EPROTO, "the hub sent a frame this client cannot read");
        return NULL;
    }
    if (frame->body_case == ENLACE__FRAME__BODY_DELIVERY) {
        queued_t *q = malloc(sizeof *q);
        if (!q) {
            enlace__frame__free_unpacked(frame, NULL);
            *err = s_fail(self, ENLACE_ENOMEM, "out of memory");
            return NULL;
        }
        q->frame = frame;
        q->next = NULL;
        if (self->tail)
            self->tail->next = q;
        else
            self->head = q;
        self->tail = q;
        self->queued++;
        return NULL;
    }
    if (frame->body_case == ENLACE__FRAME__BODY_ERROR && frame->request_id == 0) {
        if (frame->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
            self->revoked = 1;
        *err = s_fail(self, s_map_error(frame->error->code), "hub: %s", frame->error->message);
        enlace__frame__free_unpacked(frame, NULL);
        return NULL;
    }
    if (frame->request_id != 0 && s_route_result(self, frame))
        return NULL;
    if (frame->request_id == 0) { /* nothing else is unsolicited */
        enlace__frame__free_unpacked(frame, NULL);
        return NULL;
    }
    return frame;
}

/* Sends a request and waits for its reply. Returns the reply frame (caller
 * frees) or NULL with *err set; an Error reply becomes *err. */
static Enlace__Frame *
s_request(enlace_client_t *self, Enlace__Frame *req, Enlace__Frame__BodyCase want, int *err)
{
    if (self->revoked) {
        *err = s_fail(self, ENLACE_EREVOKED, "the hub revoked this key; the connection is closed");
        return NULL;
    }
    req->request_id = ++self->next_request;
    int64_t deadline = s_now_ms() + self->timeout_ms;
    while ((*err = s_send(self, req)) == ENLACE_ETIMEDOUT) {
        /* Not connected: wait for the reconnect, then send. */
        if (s_now_ms() >= deadline) {
            *err = s_fail(self, ENLACE_ETIMEDOUT, "the hub is unreachable");
            return NULL;
        }
        int e;
        Enlace__Frame *late = s_recv_one(self, 100, &e);
        enlace__frame__free_unpacked(late, NULL);
        if (self->revoked) {
            *err = s_fail(self, ENLACE_EREVOKED, "%s", self->error);
            return NULL;
        }
    }
    if (*err != ENLACE_OK)
        return NULL;
    for (;;) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0) {
            *err = s_fail(self, ENLACE_ETIMEDOUT, "no answer from the hub within %d ms",
                self->timeout_ms);
            return NULL;
        }
        Enlace__Frame *reply = s_recv_one(self, (int)left, err);
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
        if (reply->request_id != req->request_id) {
            enlace__frame__free_unpacked(reply, NULL); /* a late reply to an older request */
            continue;
        }
        if (reply->body_case == ENLACE__FRAME__BODY_ERROR) {
            *err = s_fail(self, s_map_error(reply->error->code), "%s", reply->error->message);
            if (reply->error->code == ENLACE__ERROR_CODE__ERR_REVOKED)
                self->revoked = 1;
            enlace__frame__free_unpacked(reply, NULL);
            return NULL;
        }
        if (reply->body_case != want) {
            enlace__frame__free_unpacked(reply, NULL);
            *err = s_fail(self, ENLACE_EPROTO, "unexpected reply from the hub");
            return NULL;
        }
        return reply;
    }
}

/* A request whose answer is a bare Ok: ENLACE_OK or the error. */
static int
s_request_ok(enlace_client_t *self, Enlace__Frame *req)
{
    int err;
    Enlace__Frame *reply = s_request(self, req, ENLACE__FRAME__BODY_OK, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

/* ---------------------------------------------------------------- connect */

/* Waits for the handshake outcome on the monitor socket. */
static int
s_await_handshake(enlace_client_t *self, const char *endpoint)
{
    int64_t deadline = s_now_ms() + self->timeout_ms;
    int connected = 0;
    for (;;) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            break;
        zmq_pollitem_t item = {self->monitor, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&item, 1, (long)left);
        if (n < 0)
            return s_fail(self, ENLACE_EIO, "interrupted while connecting");
        if (n == 0)
            break;
        zmq_msg_t ev, addr;
        zmq_msg_init(&ev);
        zmq_msg_init(&addr);
        if (zmq_msg_recv(&ev, self->monitor, 0) < 0 || zmq_msg_size(&ev) < 6) {
            zmq_msg_close(&ev);
            continue;
        }
        if (zmq_msg_more(&ev))
            zmq_msg_recv(&addr, self->monitor, 0);
        uint16_t event;
        uint32_t value;
        memcpy(&event, zmq_msg_data(&ev), 2);
        memcpy(&value, (uint8_t *)zmq_msg_data(&ev) + 2, 4);
        zmq_msg_close(&ev);
        zmq_msg_close(&addr);
        switch (event) {
        case ZMQ_EVENT_CONNECTED:
            connected = 1;
            break;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            return ENLACE_OK;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            return s_fail(self, ENLACE_EAUTH,
                "the hub at %s refused this key (status %u): it is not registered, or it was "
                "revoked or has expired; ask the Technical Secretariat",
                endpoint, value);
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            return s_fail(self, ENLACE_EHANDSHAKE,
                "secure handshake with %s failed: check the hub key file (hub.public)",
                endpoint);
        default:
            break;
        }
    }
    if (connected)
        return s_fail(self, ENLACE_EHANDSHAKE,
            "connected to %s but no secure session came up within %d ms: the hub key is "
            "probably wrong (or this is not an enlace hub)",
            endpoint, self->timeout_ms);
    return s_fail(self, ENLACE_EHANDSHAKE, "cannot reach a hub at %s within %d ms", endpoint,
        self->timeout_ms);
}

static int
s_setopt_int(void *socket, int option, int value)
{
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

static int
s_open(enlace_client_t *self, const enlace_options_t *opts)
{
    char kerr[KEYS_ERR_LEN];
    uint8_t hub_pk[KEYS_PUBLIC_BYTES], hub_curve[KEYS_CURVE_BYTES];
    uint8_t my_curve_pk[KEYS_CURVE_BYTES], my_curve_sk[KEYS_CURVE_BYTES];
    if (!opts || !opts->endpoint || !opts->hub_key_file || !opts->key_file)
        return s_fail(self, ENLACE_EINVAL, "endpoint, hub key and key file are required");
    if (keys_init() != 0)
        return s_fail(self, ENLACE_EIO, "libsodium failed to initialise");
    if (keys_identity_load(opts->key_file, opts->passphrase, &self->identity, kerr) != 0)
        return s_fail(self, ENLACE_EKEY, "%s", kerr);
    if (keys_public_load(opts->hub_key_file, hub_pk, kerr) != 0)
        return s_fail(self, ENLACE_EKEY, "hub key: %s", kerr);
    if (keys_curve_from_public(hub_pk, hub_curve) != 0)
        return s_fail(self, ENLACE_EKEY, "hub key %s is not usable", opts->hub_key_file);
    keys_identity_curve_public(self->identity, my_curve_pk);
    keys_identity_curve_secret(self->identity, my_curve_sk);

    self->ctx = zmq_ctx_new();
    self->dealer = self->ctx ? zmq_socket(self->ctx, ZMQ_DEALER) : NULL;
    if (!self->dealer) {
        sodium_memzero(my_curve_sk, sizeof my_curve_sk);
        return s_fail(self, ENLACE_EIO, "cannot create a socket: %s", zmq_strerror(zmq_errno()));
    }
    int rc = zmq_setsockopt(self->dealer, ZMQ_CURVE_SERVERKEY, hub_curve, sizeof hub_curve);
    rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_PUBLICKEY, my_curve_pk, sizeof my_curve_pk);
    rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_SECRETKEY, my_curve_sk, sizeof my_curve_sk);
    sodium_memzero(my_curve_sk, sizeof my_curve_sk);
    rc |= s_setopt_int(self->dealer, ZMQ_LINGER, 2000);
    rc |= s_setopt_int(self->dealer, ZMQ_HEARTBEAT_IVL, 5000);
    rc |= s_setopt_int(self->dealer, ZMQ_HEARTBEAT_TIMEOUT, 15000);
    rc |= s_setopt_int(self->dealer, ZMQ_HANDSHAKE_IVL, self->timeout_ms);
    rc |= s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL, 200);
    rc |= s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL_MAX, 2000);
    /* Queue nothing for a hub that is not there: what matters is resent. */
    rc |= s_setopt_int(self->dealer, ZMQ_IMMEDIATE, 1);
    /* Room for a full publish window plus acknowledgements and requests. */
    rc |= s_setopt_int(self->dealer, ZMQ_SNDHWM, 2 * ENLACE_PUBLISH_WINDOW + 256);
    rc |= s_setopt_int(self->dealer, ZMQ_RCVHWM, 4096);
    if (rc != 0)
        return s_fail(self, ENLACE_EIO, "socket options: %s", zmq_strerror(zmq_errno()));
    char mon[64];
    snprintf(mon, sizeof mon, "inproc://enlace-monitor-%p", (void *)self);
    if (zmq_socket_monitor(self->dealer, mon,
            ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        != 0)
        return s_fail(self, ENLACE_EIO, "socket monitor: %s", zmq_strerror(zmq_errno()));
    self->monitor = zmq_socket(self->ctx, ZMQ_PAIR);
    if (!self->monitor || zmq_connect(self->monitor, mon) != 0)
        return s_fail(self, ENLACE_EIO, "socket monitor: %s", zmq_strerror(zmq_errno()));
    s_setopt_int(self->monitor, ZMQ_LINGER, 0);
    if (zmq_connect(self->dealer, opts->endpoint) != 0)
        return s_fail(self, ENLACE_EINVAL, "cannot connect to '%s': %s", opts->endpoint,
            zmq_strerror(zmq_errno()));
    rc = s_await_handshake(self, opts->endpoint);
    if (rc != ENLACE_OK)
        return rc;

    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    char client[96];
    snprintf(client, sizeof client, "%s libenlace/%s",
        opts->client_name ? opts->client_name : "app", ENLACE_VERSION);
    hello.client = client;
    req.body_case = ENLACE__FRAME__BODY_HELLO;
    req.hello = &hello;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_WELCOME, &err);
    if (!reply)
        return err;
    Enlace__Welcome *w = reply->welcome;
    snprintf(self->name, sizeof self->name, "%s", w->officer_name);
    snprintf(self->fingerprint, sizeof self->fingerprint, "%s", w->fingerprint);
    snprintf(self->country, sizeof self->country, "%s", w->country[0] ? w->country : w->organisation);
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_connect(const enlace_options_t *opts, enlace_client_t **out, char *why, size_t why_len)
{
    *out = NULL;
    enlace_client_t *self = calloc(1, sizeof *self);
    if (!self) {
        if (why && why_len)
            snprintf(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    self->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    int rc = s_open(self, opts);
    if (rc != ENLACE_OK) {
        if (why && why_len)
            snprintf(why, why_len, "%s", self->error);
        self->revoked = 1; /* nothing to acknowledge on the way out */
        enlace_close(&self);
        return rc;
    }
    *out = self;
    return ENLACE_OK;
}

void
enlace_close(enlace_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_client_t *self = *self_p;
    if (self->dealer && !self->revoked) {
        s_send_ack(self);
        /* Tell the hub we are done so it frees the session now; do not wait
         * long for the answer. */
        Enlace__Frame req = ENLACE__FRAME__INIT;
        Enlace__Bye bye = ENLACE__BYE__INIT;
        req.body_case = ENLACE__FRAME__BODY_BYE;
        req.bye = &bye;
        int err;
        self->timeout_ms = self->timeout_ms > 1000 ? 1000 : self->timeout_ms;
        Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_OK, &err);
        enlace__frame__free_unpacked(reply, NULL);
    }
    for (int i = 0; i < self->npatterns; i++)
        free(self->patterns[i]);
    free(self->patterns);
    for (result_t *r = self->results, *n; r; r = n) {
        n = r->next;
        free(r);
    }
    for (size_t i = 0; self->outstanding && i < OUTSTANDING_SLOTS; i++)
        free(self->outstanding[i].frame);
    free(self->outstanding);
    for (queued_t *q = self->head, *n; q; q = n) {
        n = q->next;
        enlace__frame__free_unpacked(q->frame, NULL);
        free(q);
    }
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

const char *
enlace_self_name(const enlace_client_t *self)
{
    return self->name;
}

const char *
enlace_self_fingerprint(const enlace_client_t *self)
{
    return self->fingerprint;
}

const char *
enlace_self_country(const enlace_client_t *self)
{
    return self->country;
}

uint64_t
enlace_bad_signatures(const enlace_client_t *self)
{
    return self->bad_signatures;
}

/* ---------------------------------------------------------------- forms */

/* Fills a message (of descriptor d, zero-initialised by the caller) from a
 * JSON object whose keys are the .proto field names. Supports the types the
 * case forms use: text, bool, uint32, uint64, double, repeated text, and
 * nested messages (for the oneof of CaseForm). */
static int
s_fill(ProtobufCMessage *m, json_t *obj, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *key;
    json_t *v;
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "form: %s must be a JSON object", d->short_name);
        return -1;
    }
    json_object_foreach(obj, key, v) {
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
        if (!f) {
            snprintf(err, errlen, "form: unknown field '%s' in %s", key, d->short_name);
            return -1;
        }
        char *at = (char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (f->type != PROTOBUF_C_TYPE_STRING || !json_is_array(v)) {
                snprintf(err, errlen, "form: %s must be a list of text", key);
                return -1;
            }
            size_t n = json_array_size(v);
            char **arr = calloc(n ? n : 1, sizeof *arr);
            if (!arr)
                return -1;
            for (size_t i = 0; i < n; i++) {
                const char *t = json_string_value(json_array_get(v, i));
                arr[i] = strdup(t ? t : "");
            }
            *(char ***)at = arr;
            *(size_t *)((char *)m + f->quantifier_offset) = n;
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            *(uint32_t *)((char *)m + f->quantifier_offset) = f->id;
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (!json_is_string(v)) {
                snprintf(err, errlen, "form: %s must be text", key);
                return -1;
            }
            *(char **)at = strdup(json_string_value(v));
            break;
        case PROTOBUF_C_TYPE_BOOL:
            if (!json_is_boolean(v)) {
                snprintf(err, errlen, "form: %s must be true or false", key);
                return -1;
            }
            *(protobuf_c_boolean *)at = json_is_true(v);
            break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_UINT64:
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                snprintf(err, errlen, "form: %s must be a whole number", key);
                return -1;
            }
            if (f->type == PROTOBUF_C_TYPE_UINT32)
                *(uint32_t *)at = (uint32_t)json_integer_value(v);
            else
                *(uint64_t *)at = (uint64_t)json_integer_value(v);
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            if (!json_is_number(v)) {
                snprintf(err, errlen, "form: %s must be a number", key);
                return -1;
            }
            *(double *)at = json_number_value(v);
            break;
        case PROTOBUF_C_TYPE_MESSAGE: {
            const ProtobufCMessageDescriptor *sd = f->descriptor;
            ProtobufCMessage *sub = calloc(1, sd->sizeof_message);
            if (!sub)
                return -1;
            sd->message_init(sub);
            *(ProtobufCMessage **)at = sub;
            if (s_fill(sub, v, err, errlen) != 0)
                return -1;
            break;
        }
        default:
            snprintf(err, errlen, "form: field %s has an unsupported type", key);
            return -1;
        }
    }
    return 0;
}

/* Initialises every string field of a freshly allocated message to "" as
 * protobuf-c's INIT does (message_init already does for top-level). */
static Enlace__CaseForm *
s_form_from_json(const char *text, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *obj = json_loads(text, 0, &jerr);
    if (!obj) {
        snprintf(err, errlen, "form: not JSON (%s)", jerr.text);
        return NULL;
    }
    Enlace__CaseForm *f = calloc(1, sizeof *f);
    if (f)
        enlace__case_form__init(f);
    if (!f || json_object_size(obj) != 1 || s_fill(&f->base, obj, err, errlen) != 0) {
        if (f && json_object_size(obj) != 1)
            snprintf(err, errlen, "form: give exactly one form (death, child, incident, "
                                  "trafficking, smuggling, return_assistance)");
        json_decref(obj);
        if (f)
            protobuf_c_message_free_unpacked(&f->base, NULL);
        return NULL;
    }
    json_decref(obj);
    return f;
}

/* The inverse, for deliveries: fields that are set, by name. */
static json_t *
s_json_of(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_t *o = json_object();
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF
            && *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            if (f->type != PROTOBUF_C_TYPE_STRING || n == 0)
                continue;
            json_t *a = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, json_string((*(char *const *const *)at)[k]));
            json_object_set_new(o, f->name, a);
            continue;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (*(char *const *)at && **(char *const *)at)
                json_object_set_new(o, f->name, json_string(*(char *const *)at));
            break;
        case PROTOBUF_C_TYPE_BOOL:
            json_object_set_new(o, f->name, json_boolean(*(const protobuf_c_boolean *)at));
            break;
        case PROTOBUF_C_TYPE_UINT32:
            if (*(const uint32_t *)at)
                json_object_set_new(o, f->name, json_integer(*(const uint32_t *)at));
            break;
        case PROTOBUF_C_TYPE_UINT64:
            if (*(const uint64_t *)at)
                json_object_set_new(o, f->name, json_integer((json_int_t)*(const uint64_t *)at));
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            if (*(const double *)at != 0)
                json_object_set_new(o, f->name, json_real(*(const double *)at));
            break;
        case PROTOBUF_C_TYPE_MESSAGE:
            if (*(ProtobufCMessage *const *)at)
                json_object_set_new(o, f->name, s_json_of(*(ProtobufCMessage *const *)at));
            break;
        default:
            break;
        }
    }
    return o;
}

/* ---------------------------------------------------------------- publish */

/* Builds the signed, serialized Publish frame for a message. */
static int
s_build_publish(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, uint64_t request_id, uint8_t **out, size_t *out_len)
{
    if (!topic || (!body && len))
        return s_fail(self, ENLACE_EINVAL, "topic and body are required");
    if (strpbrk(topic, "+#"))
        return s_fail(self, ENLACE_EBADTOPIC, "a published topic cannot contain '+' or '#'");
    if (opts && opts->tlp == ENLACE_TLP_RED && opts->nrecipients == 0)
        return s_fail(self, ENLACE_EINVAL, "TLP:RED needs at least one named recipient");
    uint8_t id[16];
    if (opts && opts->message_id)
        memcpy(id, opts->message_id, sizeof id);
    else
        randombytes_buf(id, sizeof id);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    c.message_id.data = id;
    c.message_id.len = sizeof id;
    c.topic.data = (uint8_t *)topic;
    c.topic.len = strlen(topic);
    c.created_ms = opts && opts->created_ms ? opts->created_ms
                                            : (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    c.author_key.data = (uint8_t *)keys_identity_public(self->identity);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    c.tlp = opts ? (Enlace__Tlp)opts->tlp : ENLACE__TLP__TLP_UNSPECIFIED;
    c.n_recipients = opts ? opts->nrecipients : 0;
    c.recipients = opts ? (char **)opts->recipients : NULL;
    c.content_type = (char *)(opts && opts->content_type ? opts->content_type
                                                        : "text/plain; charset=utf-8");
    c.body.data = (uint8_t *)body;
    c.body.len = len;
    c.case_id = opts ? opts->case_id : 0;
    c.forward_of = opts ? opts->forward_of : 0;
    static const char *handling_names[] = {"", "H0", "H1", "H2", "H3", NULL};
    if (opts && opts->handling) {
        int h = s_enum(handling_names, opts->handling, 0);
        if (h <= 0)
            return s_fail(self, ENLACE_EINVAL, "handling code is H0, H1, H2 or H3");
        c.handling = (Enlace__Handling)h;
        c.handling_text = (char *)(opts->handling_text ? opts->handling_text : "");
    }
    if (opts && opts->evaluation && *opts->evaluation) {
        const char *e = opts->evaluation;
        const char *r = strchr("ABCX", toupper((unsigned char)e[0]));
        if (!r || !*r || strlen(e) != 2 || e[1] < '1' || e[1] > '4')
            return s_fail(self, ENLACE_EINVAL,
                "an evaluation is source reliability A, B, C or X and accuracy 1 to 4, e.g. B2");
        c.reliability = (Enlace__Reliability)(r - "ABCX" + 1);
        c.accuracy = (uint32_t)(e[1] - '0');
    }
    c.personal_data = opts && opts->personal_data;
    Enlace__Alert alert = ENLACE__ALERT__INIT;
    if (opts && opts->alert) {
        const enlace_alert_t *a = opts->alert;
        struct {
            const char *const *names;
            const char *value;
            int def;
            int *out;
            const char *what;
        } fields[] = {
            {s_priority_names, a->priority, 0, (int *)&alert.priority, "priority"},
            {s_category_names, a->category, 0, (int *)&alert.category, "category"},
            {s_status_names, a->status, 0, (int *)&alert.status, "status"},
            {s_msgtype_names, a->msg_type, 0, (int *)&alert.msg_type, "message type"},
            {s_urgency_names, a->urgency, 0, (int *)&alert.urgency, "urgency"},
            {s_severity_names, a->severity, 0, (int *)&alert.severity, "severity"},
            {s_certainty_names, a->certainty, 0, (int *)&alert.certainty, "certainty"},
        };
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            int v = s_enum(fields[i].names, fields[i].value, fields[i].def);
            if (v < 0)
                return s_fail(self, ENLACE_EINVAL, "unknown alert %s '%s'", fields[i].what,
                    fields[i].value);
            *fields[i].out = v;
        }
        if (!a->headline || !*a->headline)
            return s_fail(self, ENLACE_EINVAL, "an alert needs a headline");
        if (a->ncountries == 0)
            return s_fail(self, ENLACE_EINVAL, "an alert names the countries it concerns");
        alert.n_countries = a->ncountries;
        alert.countries = (char **)a->countries;
        alert.headline = (char *)a->headline;
        alert.n_references = a->nreferences;
        alert.references = (uint64_t *)a->references;
        alert.area = (char *)(a->area ? a->area : "");
        alert.expires_ms = a->expires_ms;
        alert.language = (char *)(a->language ? a->language : "");
        c.alert = &alert;
    }
    Enlace__LocalizedText tr = ENLACE__LOCALIZED_TEXT__INIT;
    Enlace__LocalizedText *trs[1] = {&tr};
    if (opts && opts->alert && opts->alert->translation_language) {
        tr.language = (char *)opts->alert->translation_language;
        tr.headline = (char *)(opts->alert->translation_headline ? opts->alert->translation_headline : "");
        tr.description =
            (char *)(opts->alert->translation_description ? opts->alert->translation_description : "");
        c.n_texts = 1;
        c.texts = trs;
    }
    Enlace__CaseForm *form = NULL;
    if (opts && opts->form_json) {
        char ferr[256];
        form = s_form_from_json(opts->form_json, ferr, sizeof ferr);
        if (!form)
            return s_fail(self, ENLACE_EINVAL, "%s", ferr);
        c.form = form;
        c.personal_data = 1;
    }
    size_t clen = enlace__content__get_packed_size(&c);
    uint8_t *cbuf = malloc(clen);
    if (!cbuf) {
        if (form)
            protobuf_c_message_free_unpacked(&form->base, NULL);
        return s_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    enlace__content__pack(&c, cbuf);
    if (form)
        protobuf_c_message_free_unpacked(&form->base, NULL);
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    if (keys_sign_content(self->identity, cbuf, clen, sig) != 0) {
        free(cbuf);
        return s_fail(self, ENLACE_ENOMEM, "signing failed");
    }
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Publish pub = ENLACE__PUBLISH__INIT;
    pub.content.data = cbuf;
    pub.content.len = clen;
    pub.signature.data = sig;
    pub.signature.len = sizeof sig;
    req.version = PROTOCOL_VERSION;
    req.request_id = request_id;
    req.body_case = ENLACE__FRAME__BODY_PUBLISH;
    req.publish = &pub;
    *out_len = enlace__frame__get_packed_size(&req);
    *out = malloc(*out_len);
    if (*out)
        enlace__frame__pack(&req, *out);
    free(cbuf);
    return *out ? ENLACE_OK : s_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_publish_async(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, uint64_t *ticket)
{
    if (!self)
        return ENLACE_EINVAL;
    if (self->revoked)
        return s_fail(self, ENLACE_EREVOKED, "the hub revoked this key; the connection is closed");
    if (!self->outstanding) {
        self->outstanding = calloc(OUTSTANDING_SLOTS, sizeof *self->outstanding);
        if (!self->outstanding)
            return s_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    uint64_t id = self->next_request + 1;
    outstanding_t *slot = &self->outstanding[id % OUTSTANDING_SLOTS];
    if (self->noutstanding >= ENLACE_PUBLISH_WINDOW || slot->request_id)
        return s_fail(self, ENLACE_ELIMIT, "too many publishes awaiting the hub's answer");
    uint8_t *frame;
    size_t flen;
    int rc = s_build_publish(self, topic, body, len, opts, id, &frame, &flen);
    if (rc != ENLACE_OK)
        return rc;
    rc = s_send_raw(self, frame, flen);
    if (rc != ENLACE_OK && rc != ENLACE_ETIMEDOUT) {
        free(frame);
        return rc;
    }
    slot->unsent = rc == ENLACE_ETIMEDOUT;
    self->nunsent += slot->unsent;
    /* ENLACE_ETIMEDOUT: the hub is unreachable right now; the publish stays
     * outstanding and goes out when the connection is restored. */
    self->next_request = id;
    slot->request_id = id;
    slot->frame = frame;
    slot->frame_len = flen;
    self->noutstanding++;
    if (ticket)
        *ticket = id;
    return ENLACE_OK;
}

size_t
enlace_publish_outstanding(const enlace_client_t *self)
{
    return self->noutstanding;
}

/* Hands to ZeroMQ, in order, the publishes a full pipe refused earlier. */
static void
s_flush_unsent(enlace_client_t *self)
{
    if (!self->nunsent || self->state != ENLACE_STATE_CONNECTED)
        return;
    uint64_t lo = self->next_request > OUTSTANDING_SLOTS ? self->next_request - OUTSTANDING_SLOTS : 0;
    for (uint64_t id = lo + 1; id <= self->next_request && self->nunsent; id++) {
        outstanding_t *o = &self->outstanding[id % OUTSTANDING_SLOTS];
        if (o->request_id != id || !o->unsent)
            continue;
        if (s_send_raw(self, o->frame, o->frame_len) != ENLACE_OK)
            return; /* still full: keep the order, try later */
        o->unsent = 0;
        self->nunsent--;
    }
}

/* Takes the result for `ticket` (any ticket if 0) off the results list. */
static result_t *
s_take_result(enlace_client_t *self, uint64_t ticket)
{
    result_t *prev = NULL;
    for (result_t *r = self->results; r; prev = r, r = r->next) {
        if (ticket && r->ticket != ticket)
            continue;
        if (prev)
            prev->next = r->next;
        else
            self->results = r->next;
        if (self->results_tail == r)
            self->results_tail = prev;
        return r;
    }
    return NULL;
}

static int
s_wait_result(enlace_client_t *self, uint64_t want, uint64_t *ticket, uint64_t *seq,
    int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : s_now_ms() + timeout_ms;
    int polled = 0;
    for (;;) {
        s_flush_unsent(self);
        result_t *r = s_take_result(self, want);
        if (r) {
            int rc = r->rc;
            if (ticket)
                *ticket = r->ticket;
            if (seq)
                *seq = r->seq;
            if (rc != ENLACE_OK)
                s_fail(self, rc, "%s", r->error);
            free(r);
            return rc;
        }
        if (self->revoked)
            return s_fail(self, ENLACE_EREVOKED, "the hub revoked this key; the connection is closed");
        int64_t left = deadline - s_now_ms();
        if (left <= 0 && polled)
            return ENLACE_ETIMEDOUT;
        /* A zero timeout still reads what is already waiting, once. */
        if (left < 0)
            left = 0;
        polled = 1;
        int err;
        Enlace__Frame *other = s_recv_one(self, left > 1000 ? 1000 : (int)left, &err);
        enlace__frame__free_unpacked(other, NULL); /* a late reply nobody waits for */
    }
}

int
enlace_publish_result(enlace_client_t *self, uint64_t *ticket, uint64_t *seq, int timeout_ms)
{
    return s_wait_result(self, 0, ticket, seq, timeout_ms);
}

int
enlace_publish(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, uint64_t *seq_out)
{
    uint64_t ticket;
    int rc = enlace_publish_async(self, topic, body, len, opts, &ticket);
    if (rc != ENLACE_OK)
        return rc;
    rc = s_wait_result(self, ticket, NULL, seq_out, self->timeout_ms);
    if (rc == ENLACE_ETIMEDOUT)
        return s_fail(self, ENLACE_ETIMEDOUT,
            "no answer from the hub within %d ms; the message may or may not be stored: "
            "publish again with the same message id to be sure",
            self->timeout_ms);
    return rc;
}

/* ---------------------------------------------------------------- subscribe */

int
enlace_subscribe(enlace_client_t *self, const char *pattern, int from_start)
{
    if (!self || !pattern)
        return s_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
    sub.pattern.data = (uint8_t *)pattern;
    sub.pattern.len = strlen(pattern);
    sub.from_start = from_start != 0;
    req.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
    req.subscribe = &sub;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_SUBSCRIBED, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    for (int i = 0; i < self->npatterns; i++)
        if (!strcmp(self->patterns[i], pattern))
            return ENLACE_OK;
    char **grown = realloc(self->patterns, (size_t)(self->npatterns + 1) * sizeof *grown);
    if (!grown || !(grown[self->npatterns] = strdup(pattern))) {
        if (grown)
            self->patterns = grown;
        return s_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    self->patterns = grown;
    self->npatterns++;
    return ENLACE_OK;
}

int
enlace_unsubscribe(enlace_client_t *self, const char *pattern)
{
    if (!self || !pattern)
        return s_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Unsubscribe u = ENLACE__UNSUBSCRIBE__INIT;
    u.pattern.data = (uint8_t *)pattern;
    u.pattern.len = strlen(pattern);
    req.body_case = ENLACE__FRAME__BODY_UNSUBSCRIBE;
    req.unsubscribe = &u;
    int rc = s_request_ok(self, &req);
    if (rc != ENLACE_OK)
        return rc;
    for (int i = 0; i < self->npatterns; i++)
        if (!strcmp(self->patterns[i], pattern)) {
            free(self->patterns[i]);
            self->patterns[i] = self->patterns[--self->npatterns];
            break;
        }
    return ENLACE_OK;
}

enlace_state_t
enlace_state(const enlace_client_t *self)
{
    return self->revoked ? ENLACE_STATE_CLOSED : self->state;
}

void
enlace_on_state(enlace_client_t *self, enlace_state_fn fn, void *arg)
{
    self->state_fn = fn;
    self->state_arg = arg;
}

int
enlace_ping(enlace_client_t *self)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Ping ping = ENLACE__PING__INIT;
    req.body_case = ENLACE__FRAME__BODY_PING;
    req.ping = &ping;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_PONG, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

/* ---------------------------------------------------------------- receive */

/* Checks a delivery and builds the caller's view; NULL if it must be dropped. */
static struct delivery_priv *
s_open_delivery(Enlace__Delivery *d)
{
    if (d->signature.len != KEYS_SIGNATURE_BYTES)
        return NULL;
    Enlace__Content *c = enlace__content__unpack(NULL, d->content.len, d->content.data);
    if (!c)
        return NULL;
    if (c->author_key.len != KEYS_PUBLIC_BYTES || c->message_id.len != 16
        || keys_verify_content(c->author_key.data, d->content.data, d->content.len,
               d->signature.data)
            != 0) {
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    struct delivery_priv *p = calloc(1, sizeof *p);
    if (!p) {
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    if (c->topic.len == 0 || c->topic.len >= sizeof p->topic
        || memchr(c->topic.data, '\0', c->topic.len)) {
        free(p);
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    memcpy(p->topic, c->topic.data, c->topic.len);
    p->topic[c->topic.len] = '\0';
    keys_fingerprint(c->author_key.data, p->author_fp);
    if (strcmp(p->author_fp, d->author_fingerprint) != 0) {
        /* The hub names someone else as the author: trust the signature,
         * refuse the mismatch. */
        free(p);
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    p->content = c;
    enlace_delivery_t *pub = &p->pub;
    pub->seq = d->seq;
    pub->topic = p->topic;
    pub->body = c->body.data;
    pub->body_len = c->body.len;
    pub->content_type = c->content_type;
    pub->tlp = c->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? ENLACE_TLP_AMBER : (int)c->tlp;
    pub->message_id = c->message_id.data;
    pub->author_fingerprint = p->author_fp;
    pub->author_name = d->author_name;
    pub->author_country = d->author_country;
    pub->created_ms = c->created_ms;
    pub->stored_ms = d->stored_ms;
    pub->signature = d->signature.data;
    pub->nrecipients = c->n_recipients;
    pub->recipients = (const char *const *)c->recipients;
    pub->case_id = c->case_id;
    pub->out_of_band = d->out_of_band;
    if (c->alert) {
        pub->is_alert = 1;
        pub->alert_priority = s_name(s_priority_names, c->alert->priority);
        pub->alert_category = s_name(s_category_names, c->alert->category);
        pub->alert_headline = c->alert->headline;
        pub->alert_status = s_name(s_status_names, c->alert->status);
        pub->alert_msg_type = s_name(s_msgtype_names, c->alert->msg_type);
        pub->alert_ncountries = c->alert->n_countries;
        pub->alert_countries = (const char *const *)c->alert->countries;
    }
    if (c->escalation) {
        pub->escalation_alert = c->escalation->alert_seq;
        pub->escalation_country = c->escalation->country;
        pub->escalation_level = c->escalation->level;
    }
    static const char *handling_names[] = {"", "H0", "H1", "H2", "H3"};
    pub->handling = (unsigned)c->handling <= 4 ? handling_names[c->handling] : "";
    pub->handling_text = c->handling_text;
    if (c->reliability && c->accuracy) {
        pub->evaluation[0] = "?ABCX"[(unsigned)c->reliability <= 4 ? c->reliability : 0];
        pub->evaluation[1] = (char)('0' + (c->accuracy <= 4 ? c->accuracy : 0));
        pub->evaluation[2] = '\0';
    }
    pub->personal_data = c->personal_data || c->form;
    if (c->n_texts) {
        pub->translation_language = c->texts[0]->language;
        pub->translation_headline = c->texts[0]->headline;
        pub->translation_description = c->texts[0]->description;
    }
    if (c->form) {
        json_t *fj = s_json_of(&c->form->base);
        p->form_json = fj ? json_dumps(fj, JSON_COMPACT) : NULL;
        json_decref(fj);
        pub->form_json = p->form_json;
    }
    return p;
}

int
enlace_recv(enlace_client_t *self, enlace_delivery_t **out, int timeout_ms)
{
    *out = NULL;
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : s_now_ms() + timeout_ms;
    for (;;) {
        /* Take in everything already waiting first: deliveries that arrive
         * together are then acknowledged together (and a zero timeout still
         * reads the socket). */
        for (int k = 0; k < 4096; k++) {
            int err;
            Enlace__Frame *late = s_recv_one(self, 0, &err);
            enlace__frame__free_unpacked(late, NULL);
            if (err != ENLACE_OK)
                break;
        }
        while (self->head) {
            queued_t *q = self->head;
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
                if (self->unacked >= ACK_EVERY || !self->head)
                    s_send_ack(self);
                continue;
            }
            struct delivery_priv *p = s_open_delivery(frame->delivery);
            if (p)
                p->frame = frame;
            s_mark_seen(self, seq);
            if (!p) {
                self->bad_signatures++;
                enlace__frame__free_unpacked(frame, NULL);
                continue;
            }
            if (self->unacked >= ACK_EVERY || !self->head)
                s_send_ack(self);
            *out = &p->pub;
            return ENLACE_OK;
        }
        if (self->revoked)
            return s_fail(self, ENLACE_EREVOKED, "the hub revoked this key; the connection is closed");
        s_send_ack(self);
        int64_t now = s_now_ms();
        if (now >= deadline)
            return ENLACE_ETIMEDOUT;
        if (now - self->last_send_ms >= PING_IDLE_MS) {
            /* Keep the hub's session alive; the Pong is read and dropped. */
            Enlace__Frame req = ENLACE__FRAME__INIT;
            Enlace__Ping ping = ENLACE__PING__INIT;
            req.body_case = ENLACE__FRAME__BODY_PING;
            req.ping = &ping;
            req.request_id = ++self->next_request;
            s_send(self, &req);
        }
        int64_t wait = deadline - now;
        if (wait > PING_IDLE_MS)
            wait = PING_IDLE_MS;
        int err;
        Enlace__Frame *reply = s_recv_one(self, (int)wait, &err);
        enlace__frame__free_unpacked(reply, NULL); /* late replies: nothing waits for them */
        if (err == ENLACE_EREVOKED)
            return err;
        if (err != ENLACE_OK && err != ENLACE_ETIMEDOUT && self->revoked)
            return err;
    }
}

static int s_page_from(enlace_client_t *self, Enlace__Frame *reply, enlace_page_t **out);

int
enlace_history(enlace_client_t *self, const enlace_history_query_t *q, enlace_page_t **out)
{
    *out = NULL;
    if (!self || !q || !q->pattern)
        return s_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__History h = ENLACE__HISTORY__INIT;
    h.pattern.data = (uint8_t *)q->pattern;
    h.pattern.len = strlen(q->pattern);
    h.after_seq = q->after_seq;
    h.limit = q->limit;
    h.from_ms = q->from_ms;
    h.to_ms = q->to_ms;
    h.author = (char *)(q->author ? q->author : "");
    h.country = (char *)(q->country ? q->country : "");
    h.case_id = q->case_id;
    req.body_case = ENLACE__FRAME__BODY_HISTORY;
    req.history = &h;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_HISTORY_PAGE, &err);
    if (!reply)
        return err;
    return s_page_from(self, reply, out);
}

int
enlace_search(enlace_client_t *self, const char *query, uint64_t after_seq, unsigned limit,
    enlace_page_t **out)
{
    *out = NULL;
    if (!self || !query || !*query)
        return s_fail(self, ENLACE_EINVAL, "a search needs words to look for");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Search q = ENLACE__SEARCH__INIT;
    q.query = (char *)query;
    q.after_seq = after_seq;
    q.limit = limit;
    req.body_case = ENLACE__FRAME__BODY_SEARCH;
    req.search = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_HISTORY_PAGE, &err);
    if (!reply)
        return err;
    return s_page_from(self, reply, out);
}

/* Builds a verified page from a HistoryPage reply (which it owns). */
static int
s_page_from(enlace_client_t *self, Enlace__Frame *reply, enlace_page_t **out)
{
    enlace_page_t *page = calloc(1, sizeof *page);
    Enlace__HistoryPage *hp = reply->history_page;
    if (page && hp->n_messages)
        page->items = calloc(hp->n_messages, sizeof *page->items);
    if (!page || (hp->n_messages && !page->items)) {
        free(page);
        enlace__frame__free_unpacked(reply, NULL);
        return s_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    page->frame = reply;
    page->next = hp->next_after;
    page->more = hp->more;
    for (size_t i = 0; i < hp->n_messages; i++) {
        struct delivery_priv *p = s_open_delivery(hp->messages[i]);
        if (p)
            page->items[page->n++] = p;
        else
            self->bad_signatures++;
    }
    *out = page;
    return ENLACE_OK;
}

size_t
enlace_page_count(const enlace_page_t *page)
{
    return page ? page->n : 0;
}

const enlace_delivery_t *
enlace_page_item(const enlace_page_t *page, size_t i)
{
    return page && i < page->n ? &page->items[i]->pub : NULL;
}

uint64_t
enlace_page_next(const enlace_page_t *page)
{
    return page ? page->next : 0;
}

int
enlace_page_more(const enlace_page_t *page)
{
    return page ? page->more : 0;
}

void
enlace_page_destroy(enlace_page_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_page_t *page = *self_p;
    for (size_t i = 0; i < page->n; i++) {
        free(page->items[i]->form_json);
        enlace__content__free_unpacked(page->items[i]->content, NULL);
        free(page->items[i]);
    }
    free(page->items);
    enlace__frame__free_unpacked(page->frame, NULL);
    free(page);
    *self_p = NULL;
}

int
enlace_admin(enlace_client_t *self, int argc, const char *const *argv, int *status,
    char **output)
{
    *output = NULL;
    if (!self || argc < 1 || !argv)
        return s_fail(self, ENLACE_EINVAL, "an admin command is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    a.n_argv = (size_t)argc;
    a.argv = (char **)argv;
    req.body_case = ENLACE__FRAME__BODY_ADMIN;
    req.admin = &a;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_ADMIN_RESULT, &err);
    if (!reply)
        return err;
    *status = reply->admin_result->status;
    *output = strdup(reply->admin_result->output);
    enlace__frame__free_unpacked(reply, NULL);
    return *output ? ENLACE_OK : s_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_relabel(enlace_client_t *self, uint64_t seq, enlace_tlp_t tlp, int lift_handling)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Relabel r = ENLACE__RELABEL__INIT;
    r.seq = seq;
    r.tlp = (Enlace__Tlp)tlp;
    r.lift_handling = lift_handling != 0;
    req.body_case = ENLACE__FRAME__BODY_RELABEL;
    req.relabel = &r;
    return s_request_ok(self, &req);
}

int
enlace_release_request(enlace_client_t *self, uint64_t seq, const char *reason)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ReleaseRequest r = ENLACE__RELEASE_REQUEST__INIT;
    r.seq = seq;
    r.reason = (char *)(reason ? reason : "");
    req.body_case = ENLACE__FRAME__BODY_RELEASE_REQUEST;
    req.release_request = &r;
    return s_request_ok(self, &req);
}

int
enlace_ack(enlace_client_t *self, uint64_t alert_id, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertAck a = ENLACE__ALERT_ACK__INIT;
    a.alert_seq = alert_id;
    a.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_ALERT_ACK;
    req.alert_ack = &a;
    return s_request_ok(self, &req);
}

static json_t *
s_alert_json(const Enlace__AlertStatus *st)
{
    const Enlace__Alert *a = st->alert;
    json_t *countries = json_array(), *targets = json_array(), *refs = json_array();
    for (size_t i = 0; a && i < a->n_countries; i++)
        json_array_append_new(countries, json_string(a->countries[i]));
    for (size_t i = 0; a && i < a->n_references; i++)
        json_array_append_new(refs, json_integer((json_int_t)a->references[i]));
    for (size_t i = 0; i < st->n_targets; i++) {
        const Enlace__TargetState *t = st->targets[i];
        json_array_append_new(targets,
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}", "country", t->country,
                "state", t->state, "acked_by", t->acked_by, "acked_by_fingerprint",
                t->acked_by_fingerprint, "acked_ms", (json_int_t)t->acked_ms, "note", t->note,
                "level", (int)t->level, "deadline_ms", (json_int_t)t->deadline_ms));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:I, "
                     "s:b, s:I, s:o}",
        "id", (json_int_t)st->seq, "topic", st->topic, "priority",
        s_name(s_priority_names, a ? a->priority : 0), "category",
        s_name(s_category_names, a ? a->category : 0), "headline", a ? a->headline : "",
        "status", s_name(s_status_names, a ? a->status : 0), "msg_type",
        s_name(s_msgtype_names, a ? a->msg_type : 0), "countries", countries, "references", refs,
        "author", st->author_name, "author_fingerprint", st->author_fingerprint,
        "author_country", st->author_country, "stored_ms", (json_int_t)st->stored_ms, "case",
        (json_int_t)st->case_id, "needs_ack", st->needs_ack, "superseded_by",
        (json_int_t)st->superseded_by, "targets", targets);
}

static json_t *
s_alert_list_json(const Enlace__AlertList *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->n_alerts; i++)
        json_array_append_new(arr, s_alert_json(list->alerts[i]));
    return arr;
}

static int
s_json_out(enlace_client_t *self, json_t *j, char **out)
{
    *out = NULL;
    if (!j) /* json_pack refused a string of the reply */
        return s_fail(self, ENLACE_EPROTO, "the hub's answer holds text that is not UTF-8");
    *out = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    return *out ? ENLACE_OK : s_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_alerts(enlace_client_t *self, int open_only, uint64_t alert_id, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertsQuery q = ENLACE__ALERTS_QUERY__INIT;
    q.open_only = open_only != 0;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_ALERTS_QUERY;
    req.alerts_query = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_ALERT_LIST, &err);
    if (!reply)
        return err;
    json_t *arr = s_alert_list_json(reply->alert_list);
    enlace__frame__free_unpacked(reply, NULL);
    return s_json_out(self, arr, json);
}

int
enlace_cap(enlace_client_t *self, uint64_t alert_id, char **xml)
{
    *xml = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CapExport q = ENLACE__CAP_EXPORT__INIT;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_CAP_EXPORT;
    req.cap_export = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CAP_XML, &err);
    if (!reply)
        return err;
    *xml = strdup(reply->cap_xml->xml);
    enlace__frame__free_unpacked(reply, NULL);
    return *xml ? ENLACE_OK : s_fail(self, ENLACE_ENOMEM, "out of memory");
}

static json_t *
s_case_info_json(const Enlace__CaseInfo *c)
{
    json_t *countries = json_array();
    for (size_t i = 0; i < c->n_countries; i++)
        json_array_append_new(countries, json_string(c->countries[i]));
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id",
        (json_int_t)c->id, "type", c->type, "network", c->network, "countries", countries,
        "title", c->title, "state", c->state, "opened_by", c->opened_by, "opened_ms",
        (json_int_t)c->opened_ms, "updated_ms", (json_int_t)c->updated_ms, "form_seq",
        (json_int_t)c->form_seq, "approval", c->approval);
}

static int
s_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t form_seq,
    uint64_t *case_id);

/* A message of a case, as `enlace case show` prints it. The body is text
 * when it is UTF-8 (an empty body included: protobuf-c gives it as NULL),
 * base64 otherwise, never dropped. */
static json_t *
s_case_message_json(const struct delivery_priv *p)
{
    const enlace_delivery_t *d = &p->pub;
    json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "seq", (json_int_t)d->seq,
        "topic", d->topic, "author", d->author_name, "author_country", d->author_country, "tlp",
        enlace_tlp_name(d->tlp), "stored_ms", (json_int_t)d->stored_ms, "is_alert", d->is_alert);
    if (!m)
        return NULL;
    json_t *body = json_stringn(d->body_len ? (const char *)d->body : "", d->body_len);
    if (body) {
        json_object_set_new(m, "body", body);
    } else {
        size_t cap = sodium_base64_ENCODED_LEN(d->body_len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        if (b64) {
            sodium_bin2base64(b64, cap, d->body, d->body_len, sodium_base64_VARIANT_ORIGINAL);
            json_object_set_new(m, "body_base64", json_string(b64));
            free(b64);
        }
    }
    if (p->form_json)
        json_object_set_new(m, "form", json_loads(p->form_json, 0, NULL));
    return m;
}

/* A case with its messages (each verified: one that fails is counted in
 * bad_signatures and left out), alerts and events. */
static json_t *
s_case_detail_json(enlace_client_t *self, const Enlace__CaseDetail *cd)
{
    json_t *o = cd->info ? s_case_info_json(cd->info) : json_object();
    if (!o)
        return NULL;
    json_t *msgs = json_array(), *alerts = json_array(), *events = json_array();
    for (size_t i = 0; i < cd->n_messages; i++) {
        struct delivery_priv *p = s_open_delivery(cd->messages[i]);
        if (!p) {
            self->bad_signatures++;
            continue;
        }
        json_t *m = s_case_message_json(p);
        if (m)
            json_array_append_new(msgs, m);
        free(p->form_json);
        enlace__content__free_unpacked(p->content, NULL);
        free(p);
    }
    for (size_t i = 0; i < cd->n_alerts; i++)
        json_array_append_new(alerts, s_alert_json(cd->alerts[i]));
    for (size_t i = 0; i < cd->n_events; i++)
        json_array_append_new(events, json_pack("{s:I, s:s, s:s, s:s}", "ts_ms",
            (json_int_t)cd->events[i]->ts_ms, "officer", cd->events[i]->officer, "event",
            cd->events[i]->event, "note", cd->events[i]->note));
    json_object_set_new(o, "messages", msgs);
    json_object_set_new(o, "alerts", alerts);
    json_object_set_new(o, "events", events);
    return o;
}

static json_t *
s_case_list_json(Enlace__CaseInfo *const *cases, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, s_case_info_json(cases[i]));
    return arr;
}

static json_t *
s_review_json(const Enlace__ReviewList *r)
{
    json_t *alerts = json_array();
    for (size_t i = 0; alerts && i < r->n_alerts; i++)
        json_array_append_new(alerts, s_alert_json(r->alerts[i]));
    return json_pack("{s:o, s:o}", "cases", s_case_list_json(r->cases, r->n_cases), "alerts",
        alerts);
}

int
enlace_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t *case_id)
{
    return s_case_open(self, type, countries, ncountries, title, network, 0, case_id);
}

static int
s_case_open(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, uint64_t form_seq,
    uint64_t *case_id)
{
    if (!type || !title || !countries || !ncountries)
        return s_fail(self, ENLACE_EINVAL, "a case needs a type, countries and a title");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseOpen q = ENLACE__CASE_OPEN__INIT;
    q.type = (char *)type;
    q.n_countries = ncountries;
    q.countries = (char **)countries;
    q.title = (char *)title;
    q.network = (char *)(network ? network : "");
    q.form_seq = form_seq;
    req.body_case = ENLACE__FRAME__BODY_CASE_OPEN;
    req.case_open = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    if (case_id)
        *case_id = reply->case_info->id;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_case_open_form(enlace_client_t *self, const char *type, const char *const *countries,
    size_t ncountries, const char *title, const char *network, const char *form_json,
    uint64_t *case_id)
{
    if (!type || !form_json)
        return s_fail(self, ENLACE_EINVAL, "a form and a case type are required");
    char topic[80];
    snprintf(topic, sizeof topic, "%s/cases/forms",
        network && *network ? network
        : (!strcmp(type, "trafficking") || !strcmp(type, "smuggling")) ? "trafficking"
        : (!strcmp(type, "missing-child") || !strcmp(type, "unaccompanied-child")) ? "child"
                                                                                 : "consular");
    enlace_publish_opts_t o = {.form_json = form_json, .personal_data = 1};
    uint64_t seq = 0;
    int rc = enlace_publish(self, topic, title, strlen(title), &o, &seq);
    if (rc != ENLACE_OK)
        return rc;
    return s_case_open(self, type, countries, ncountries, title, network, seq, case_id);
}

int
enlace_case_show(enlace_client_t *self, uint64_t case_id, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseShow q = ENLACE__CASE_SHOW__INIT;
    q.case_id = case_id;
    req.body_case = ENLACE__FRAME__BODY_CASE_SHOW;
    req.case_show = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CASE_DETAIL, &err);
    if (!reply)
        return err;
    json_t *o = s_case_detail_json(self, reply->case_detail);
    enlace__frame__free_unpacked(reply, NULL);
    return s_json_out(self, o, json);
}

int
enlace_case_list(enlace_client_t *self, const char *type, const char *country,
    const char *state, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseQuery q = ENLACE__CASE_QUERY__INIT;
    q.type = (char *)(type ? type : "");
    q.country = (char *)(country ? country : "");
    q.state = (char *)(state ? state : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_QUERY;
    req.case_query = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CASE_LIST, &err);
    if (!reply)
        return err;
    json_t *arr = s_case_list_json(reply->case_list->cases, reply->case_list->n_cases);
    enlace__frame__free_unpacked(reply, NULL);
    return s_json_out(self, arr, json);
}

int
enlace_case_approve(enlace_client_t *self, uint64_t case_id, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseApprove q = ENLACE__CASE_APPROVE__INIT;
    q.case_id = case_id;
    q.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_APPROVE;
    req.case_approve = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_review(enlace_client_t *self, unsigned days, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Review q = ENLACE__REVIEW__INIT;
    q.older_than_days = days;
    req.body_case = ENLACE__FRAME__BODY_REVIEW;
    req.review = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_REVIEW_LIST, &err);
    if (!reply)
        return err;
    json_t *out = s_review_json(reply->review_list);
    enlace__frame__free_unpacked(reply, NULL);
    return s_json_out(self, out, json);
}

int
enlace_case_set_state(enlace_client_t *self, uint64_t case_id, int open, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseSetState q = ENLACE__CASE_SET_STATE__INIT;
    q.case_id = case_id;
    q.open = open != 0;
    q.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_CASE_SET_STATE;
    req.case_set_state = &q;
    int err;
    Enlace__Frame *reply = s_request(self, &req, ENLACE__FRAME__BODY_CASE_INFO, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

void
enlace_delivery_destroy(enlace_delivery_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    struct delivery_priv *p = (struct delivery_priv *)*self_p;
    free(p->form_json);
    enlace__content__free_unpacked(p->content, NULL);
    enlace__frame__free_unpacked(p->frame, NULL);
    free(p);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- fuzzing */

/* Reads every string of a delivery as a caller would. */
static size_t
s_touch_delivery(const enlace_delivery_t *d)
{
    size_t n = strlen(d->topic) + strlen(d->author_fingerprint) + strlen(d->author_name)
        + strlen(d->author_country) + strlen(d->content_type) + strlen(d->handling)
        + strlen(d->handling_text) + strlen(d->evaluation) + d->body_len;
    for (size_t i = 0; i < d->nrecipients; i++)
        n += strlen(d->recipients[i]);
    if (d->is_alert) {
        n += strlen(d->alert_priority) + strlen(d->alert_category) + strlen(d->alert_headline)
            + strlen(d->alert_status) + strlen(d->alert_msg_type);
        for (size_t i = 0; i < d->alert_ncountries; i++)
            n += strlen(d->alert_countries[i]);
    }
    if (d->escalation_alert)
        n += strlen(d->escalation_country);
    if (d->translation_language)
        n += strlen(d->translation_language) + strlen(d->translation_headline)
            + strlen(d->translation_description);
    if (d->form_json)
        n += strlen(d->form_json);
    return n;
}

static size_t
s_touch_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    size_t n = text ? strlen(text) : 0;
    free(text);
    json_decref(j);
    return n;
}

size_t
enlace_test_reply(const uint8_t *data, size_t len)
{
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, data);
    if (!f)
        return 0;
    enlace_client_t *self = calloc(1, sizeof *self);
    if (!self) {
        enlace__frame__free_unpacked(f, NULL);
        return 0;
    }
    size_t n = 0;
    switch (f->body_case) {
    case ENLACE__FRAME__BODY_DELIVERY: {
        struct delivery_priv *p = s_open_delivery(f->delivery);
        if (p) {
            p->frame = f;
            f = NULL;
            n = s_touch_delivery(&p->pub);
            enlace_delivery_t *d = &p->pub;
            enlace_delivery_destroy(&d);
        }
        break;
    }
    case ENLACE__FRAME__BODY_HISTORY_PAGE: {
        enlace_page_t *page = NULL;
        Enlace__Frame *owned = f;
        f = NULL; /* the page owns it, even on failure */
        if (s_page_from(self, owned, &page) == ENLACE_OK) {
            for (size_t i = 0; i < enlace_page_count(page); i++)
                n += s_touch_delivery(enlace_page_item(page, i));
            enlace_page_destroy(&page);
        }
        break;
    }
    case ENLACE__FRAME__BODY_ALERT_LIST:
        n = s_touch_json(s_alert_list_json(f->alert_list));
        break;
    case ENLACE__FRAME__BODY_CASE_DETAIL:
        n = s_touch_json(s_case_detail_json(self, f->case_detail));
        break;
    case ENLACE__FRAME__BODY_CASE_LIST:
        n = s_touch_json(s_case_list_json(f->case_list->cases, f->case_list->n_cases));
        break;
    case ENLACE__FRAME__BODY_CASE_INFO:
        n = s_touch_json(s_case_info_json(f->case_info));
        break;
    case ENLACE__FRAME__BODY_REVIEW_LIST:
        n = s_touch_json(s_review_json(f->review_list));
        break;
    case ENLACE__FRAME__BODY_ERROR:
        n = (size_t)s_map_error(f->error->code) + strlen(f->error->message);
        break;
    default:
        break;
    }
    enlace__frame__free_unpacked(f, NULL);
    free(self);
    return n;
}
