/*
 * conn.c: the connection to the hub, from the first handshake to close.
 *
 * One DEALER socket, CURVE client, whose transport keys are derived from the
 * officer's Ed25519 identity, and the hub's from its hub.public the same way.
 * A socket monitor turns handshake outcomes into prompt, specific errors,
 * and tells when the transport went away and came back: libzmq reconnects by
 * itself, and the hub then has a new, empty session for us, so the client
 * says Hello again, renews its subscriptions and resends every unanswered
 * publish, in that order (the hub handles one connection's frames in order).
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "config.h"

void
enl_set_state(enlace_client_t *self, enlace_state_t state)
{
    if (self->state == state || self->state == ENLACE_STATE_CLOSED)
        return;
    self->state = state;
    if (self->state_fn)
        self->state_fn(self, state, self->state_arg);
}

static int
s_send(void *arg, const void *data, size_t len)
{
    return enl_send_raw(arg, data, len) == ENLACE_OK ? 0 : -1;
}

/* After the transport came back: a new session on the hub. Replies to what
 * is sent here are routed like any other: Welcome and Subscribed are dropped
 * as late replies, Stored/Error complete the outstanding publishes. */
static void
s_restore(enlace_client_t *self)
{
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello.client = "libenlace (reconnected)";
    f.version = ENL_PROTOCOL_VERSION;
    f.request_id = self->hello_request = ++self->next_request;
    f.body_case = ENLACE__FRAME__BODY_HELLO;
    f.hello = &hello;
    uint8_t buf[256];
    size_t len = enlace__frame__get_packed_size(&f);
    if (len <= sizeof buf) {
        enlace__frame__pack(&f, buf);
        enl_send_raw(self, buf, len);
    }
    enl_resubscribe(self);
    /* In request order, so the hub stores them in the order first sent. */
    enl_outbox_send(&self->outbox, self->next_request, 1, s_send, self);
    /* A new session on the hub: acknowledgements start afresh (deliveries
     * in flight on the old session come again and are filtered). */
    self->ack_upto = 0;
    self->unacked = 0;
}

void
enl_monitor_events(enlace_client_t *self)
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
        char endpoint[256];
        size_t alen = zmq_msg_size(&addr) < sizeof endpoint ? zmq_msg_size(&addr)
                                                            : sizeof endpoint - 1;
        memcpy(endpoint, zmq_msg_data(&addr), alen);
        endpoint[alen] = '\0';
        zmq_msg_close(&ev);
        zmq_msg_close(&addr);
        /* Events of a hub this client has moved away from are history. (An
         * address given by name is reported resolved, and then matches
         * none: taken as the current hub's.) */
        if (alen && strcmp(endpoint, self->current) != 0 && enl_endpoint_known(self, endpoint))
            continue;
        if (event == ZMQ_EVENT_DISCONNECTED) {
            enl_set_state(self, ENLACE_STATE_RECONNECTING);
            enl_failover_lost(self, endpoint, 0);
        } else if (event == ZMQ_EVENT_CONNECT_RETRIED) {
            if (self->state == ENLACE_STATE_RECONNECTING)
                enl_failover_lost(self, endpoint, 1);
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            self->lost_since = 0;
            if (self->state == ENLACE_STATE_RECONNECTING) {
                s_restore(self);
                enl_set_state(self, ENLACE_STATE_CONNECTED);
            }
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            self->revoked = 1;
            snprintf(self->error, sizeof self->error,
                "the hub refused this key on reconnecting: it was revoked or has expired");
            enl_set_state(self, ENLACE_STATE_CLOSED);
        }
    }
}

/* Waits until deadline (enl_now_ms) for the handshake outcome on the
 * monitor socket. With several hubs to try, a refused connection is an
 * answer at once: nobody listens there. */
static int
s_await_handshake(enlace_client_t *self, const char *endpoint, int64_t deadline)
{
    int connected = 0;
    for (;;) {
        int64_t left = deadline - enl_now_ms();
        if (left <= 0)
            break;
        zmq_pollitem_t item = {self->monitor, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&item, 1, (long)left);
        if (n < 0)
            return enl_fail(self, ENLACE_EIO, "interrupted while connecting");
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
        char where[256];
        size_t alen = zmq_msg_size(&addr) < sizeof where ? zmq_msg_size(&addr) : sizeof where - 1;
        memcpy(where, zmq_msg_data(&addr), alen);
        where[alen] = '\0';
        int other = alen && strcmp(where, endpoint) != 0 && enl_endpoint_known(self, where);
        zmq_msg_close(&ev);
        zmq_msg_close(&addr);
        if (other)
            continue; /* a hub tried before this one */
        switch (event) {
        case ZMQ_EVENT_CONNECTED:
            connected = 1;
            break;
        case ZMQ_EVENT_CONNECT_RETRIED:
            if (self->nendpoints > 1)
                return enl_fail(self, ENLACE_EHANDSHAKE, "cannot reach a hub at %s", endpoint);
            break;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            return ENLACE_OK;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            return enl_fail(self, ENLACE_EAUTH,
                "the hub at %s refused this key (status %u): it is not registered, or it was "
                "revoked or has expired; ask the Technical Secretariat",
                endpoint, value);
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            return enl_fail(self, ENLACE_EHANDSHAKE,
                "secure handshake with %s failed: check the hub key file (hub.public)", endpoint);
        default:
            break;
        }
    }
    if (connected)
        return enl_fail(self, ENLACE_EHANDSHAKE,
            "connected to %s but no secure session came up within %d ms: the hub key is "
            "probably wrong (or this is not an enlace hub)",
            endpoint, self->timeout_ms);
    return enl_fail(self, ENLACE_EHANDSHAKE, "cannot reach a hub at %s within %d ms", endpoint,
        self->timeout_ms);
}

/* Hello on the connection just made: ENLACE_OK (Welcome read), or the
 * error; *redirect holds the leader a follower named (ERR_NOT_LEADER). */
static int
s_hello(enlace_client_t *self, const enlace_options_t *opts, int64_t deadline, char *redirect,
    size_t cap)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    char client[96];
    snprintf(client, sizeof client, "%s libenlace/%s",
        opts->client_name ? opts->client_name : "app", ENLACE_VERSION);
    hello.client = client;
    req.body_case = ENLACE__FRAME__BODY_HELLO;
    req.hello = &hello;
    int err;
    redirect[0] = '\0';
    self->not_leader = 0;
    uint64_t id = enl_request_send(self, &req, deadline, &err);
    Enlace__Frame *reply = id
        ? enl_request_wait(self, id, ENLACE__FRAME__BODY_WELCOME, deadline, &err)
        : NULL;
    if (!reply) {
        if (self->not_leader) {
            snprintf(redirect, cap, "%s", self->switch_to);
            self->switch_at = 0; /* s_open moves itself */
        }
        return err;
    }
    Enlace__Welcome *w = reply->welcome;
    snprintf(self->name, sizeof self->name, "%s", w->officer_name);
    snprintf(self->fingerprint, sizeof self->fingerprint, "%s", w->fingerprint);
    snprintf(self->country, sizeof self->country, "%s",
        w->country[0] ? w->country : w->organisation);
    snprintf(self->organisation, sizeof self->organisation, "%s", w->organisation);
    self->nnetworks = 0;
    for (size_t i = 0; i < w->n_networks && self->nnetworks < ENL_MAX_NETWORKS; i++)
        snprintf(self->networks[self->nnetworks++], sizeof self->networks[0], "%s", w->networks[i]);
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

static int
s_setopt_int(void *socket, int option, int value)
{
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

/* The DEALER socket and its monitor, with every option: CURVE with the
 * hub's key (self->hub_curve) and ours (from the identity, wiped after).
 * Made again for each move to another hub of a cluster (failover.c), so
 * that nothing queued for the hub left behind can reach the next. */
int
enl_socket_open(enlace_client_t *self)
{
    uint8_t my_curve_pk[KEYS_CURVE_BYTES], my_curve_sk[KEYS_CURVE_BYTES];
    keys_identity_curve_public(self->identity, my_curve_pk);
    keys_identity_curve_secret(self->identity, my_curve_sk);
    self->dealer = zmq_socket(self->ctx, ZMQ_DEALER);
    if (!self->dealer) {
        sodium_memzero(my_curve_sk, sizeof my_curve_sk);
        return enl_fail(self, ENLACE_EIO, "cannot create a socket: %s", zmq_strerror(zmq_errno()));
    }
    int rc = zmq_setsockopt(self->dealer, ZMQ_CURVE_SERVERKEY, self->hub_curve,
        sizeof self->hub_curve);
    rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_PUBLICKEY, my_curve_pk, sizeof my_curve_pk);
    rc |= zmq_setsockopt(self->dealer, ZMQ_CURVE_SECRETKEY, my_curve_sk, sizeof my_curve_sk);
    sodium_memzero(my_curve_sk, sizeof my_curve_sk);
    rc |= s_setopt_int(self->dealer, ZMQ_LINGER, 2000);
    /* Between a cluster's hubs, a leader that stopped answering (a paused
     * process, a dead machine) is left within three heartbeats. */
    int beat = self->nendpoints > 1 ? ENL_CLUSTER_HEARTBEAT_MS : 5000;
    rc |= s_setopt_int(self->dealer, ZMQ_HEARTBEAT_IVL, beat);
    rc |= s_setopt_int(self->dealer, ZMQ_HEARTBEAT_TIMEOUT, beat * 3);
    rc |= s_setopt_int(self->dealer, ZMQ_HANDSHAKE_IVL, self->timeout_ms);
    rc |= s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL, 200);
    rc |= s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL_MAX, 2000);
    /* Queue nothing for a hub that is not there: what matters is resent. */
    rc |= s_setopt_int(self->dealer, ZMQ_IMMEDIATE, 1);
    /* Room for a full publish window plus acknowledgements and requests. */
    rc |= s_setopt_int(self->dealer, ZMQ_SNDHWM, 2 * ENLACE_PUBLISH_WINDOW + 256);
    rc |= s_setopt_int(self->dealer, ZMQ_RCVHWM, 4096);
    if (rc != 0)
        return enl_fail(self, ENLACE_EIO, "socket options: %s", zmq_strerror(zmq_errno()));
    char mon[80];
    snprintf(mon, sizeof mon, "inproc://enlace-monitor-%p-%u", (void *)self, ++self->sockets);
    if (zmq_socket_monitor(self->dealer, mon,
            ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_CONNECT_RETRIED)
        != 0)
        return enl_fail(self, ENLACE_EIO, "socket monitor: %s", zmq_strerror(zmq_errno()));
    self->monitor = zmq_socket(self->ctx, ZMQ_PAIR);
    if (!self->monitor || zmq_connect(self->monitor, mon) != 0)
        return enl_fail(self, ENLACE_EIO, "socket monitor: %s", zmq_strerror(zmq_errno()));
    s_setopt_int(self->monitor, ZMQ_LINGER, 0);
    return ENLACE_OK;
}

void
enl_socket_close(enlace_client_t *self)
{
    if (self->dealer) {
        if (self->monitor)
            zmq_socket_monitor(self->dealer, NULL, 0);
        s_setopt_int(self->dealer, ZMQ_LINGER, 0);
        zmq_close(self->dealer);
        self->dealer = NULL;
    }
    if (self->monitor) {
        zmq_close(self->monitor);
        self->monitor = NULL;
    }
}

static int
s_open(enlace_client_t *self, const enlace_options_t *opts)
{
    char kerr[KEYS_ERR_LEN];
    uint8_t hub_pk[KEYS_PUBLIC_BYTES];
    if (!opts || !opts->endpoint || !opts->hub_key_file || !opts->key_file)
        return enl_fail(self, ENLACE_EINVAL, "endpoint, hub key and key file are required");
    int rc = enl_endpoints_set(self, opts->endpoint);
    if (rc != ENLACE_OK)
        return rc;
    if (keys_init() != 0)
        return enl_fail(self, ENLACE_EIO, "libsodium failed to initialise");
    if (keys_identity_load(opts->key_file, opts->passphrase, &self->identity, kerr) != 0)
        return enl_fail(self, ENLACE_EKEY, "%s", kerr);
    if (keys_public_load(opts->hub_key_file, hub_pk, kerr) != 0)
        return enl_fail(self, ENLACE_EKEY, "hub key: %s", kerr);
    if (keys_curve_from_public(hub_pk, self->hub_curve) != 0)
        return enl_fail(self, ENLACE_EKEY, "hub key %s is not usable", opts->hub_key_file);
    self->ctx = zmq_ctx_new();
    if (!self->ctx)
        return enl_fail(self, ENLACE_EIO, "cannot create a ZeroMQ context: %s",
            zmq_strerror(zmq_errno()));
    rc = enl_socket_open(self);
    if (rc != ENLACE_OK)
        return rc;

    /* One hub: one try, the whole timeout. A cluster's hubs: each in turn
     * (a follower names the leader), until the timeout. */
    int64_t deadline = enl_now_ms() + self->timeout_ms;
    rc = ENLACE_EHANDSHAKE;
    for (int attempt = 0; enl_now_ms() < deadline; attempt++) {
        if (zmq_connect(self->dealer, self->current) != 0)
            return enl_fail(self, ENLACE_EINVAL, "cannot connect to '%s': %s", self->current,
                zmq_strerror(zmq_errno()));
        int64_t until = deadline;
        if (self->nendpoints > 1 && until - enl_now_ms() > 2000)
            until = enl_now_ms() + 2000;
        rc = s_await_handshake(self, self->current, until);
        char redirect[256] = "";
        if (rc == ENLACE_OK) {
            rc = s_hello(self, opts, deadline, redirect, sizeof redirect);
            if (rc == ENLACE_OK) {
                self->opened = 1;
                return ENLACE_OK;
            }
        }
        if (rc == ENLACE_EAUTH || self->revoked || (self->nendpoints < 2 && !redirect[0]))
            return rc;
        if (!self->not_leader && rc != ENLACE_EHANDSHAKE && rc != ENLACE_ETIMEDOUT)
            return rc; /* the hub answered, and not about leading */
        /* Leave this hub for the leader it named, or the next one, on a
         * socket of its own. */
        enl_socket_close(self);
        rc = enl_socket_open(self);
        if (rc != ENLACE_OK)
            return rc;
        snprintf(self->left, sizeof self->left, "%s", self->current);
        const char *next = redirect;
        if (!*next) {
            for (int i = 0; i < self->nendpoints; i++)
                if (!strcmp(self->endpoints[i], self->current))
                    self->cur = i;
            self->cur = (self->cur + 1) % self->nendpoints;
            next = self->endpoints[self->cur];
            if (self->not_leader) {
                /* Nobody leads yet: an election takes a moment. */
                zmq_pollitem_t none = {self->monitor, 0, 0, 0};
                zmq_poll(&none, 1, ENL_NO_LEADER_MS);
            }
        }
        snprintf(self->current, sizeof self->current, "%s", next);
        self->not_leader = 0;
        self->state = ENLACE_STATE_CONNECTED; /* no restore: the Hello is sent here */
    }
    return rc;
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
    enl_outbox_init(&self->outbox);
    self->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : ENL_DEFAULT_TIMEOUT_MS;
    self->verified = sigcache_new(1024);
    int rc = self->verified ? s_open(self, opts) : enl_fail(self, ENLACE_ENOMEM, "out of memory");
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

enlace_client_t *
enl_client_attach(void *ctx, const char *endpoint, int timeout_ms)
{
    enlace_client_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    enl_outbox_init(&self->outbox);
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : ENL_DEFAULT_TIMEOUT_MS;
    self->verified = sigcache_new(1024);
    self->dealer = self->verified ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    if (!self->dealer || s_setopt_int(self->dealer, ZMQ_LINGER, 0) != 0
        || zmq_connect(self->dealer, endpoint) != 0) {
        if (self->dealer)
            zmq_close(self->dealer);
        sigcache_destroy(&self->verified);
        free(self);
        return NULL;
    }
    self->state = ENLACE_STATE_CONNECTED;
    return self;
}

void
enlace_close(enlace_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_client_t *self = *self_p;
    if (self->dealer && !self->revoked) {
        enl_send_ack(self);
        /* Tell the hub we are done so it frees the session now; do not wait
         * long for the answer. */
        Enlace__Frame req = ENLACE__FRAME__INIT;
        Enlace__Bye bye = ENLACE__BYE__INIT;
        req.body_case = ENLACE__FRAME__BODY_BYE;
        req.bye = &bye;
        int err;
        self->timeout_ms = self->timeout_ms > 1000 ? 1000 : self->timeout_ms;
        Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_OK, &err);
        enlace__frame__free_unpacked(reply, NULL);
    }
    enl_patterns_free(self);
    enl_outbox_fini(&self->outbox);
    for (enl_queued_t *q = self->head, *n; q; q = n) {
        n = q->next;
        enlace__frame__free_unpacked(q->frame, NULL);
        free(q);
    }
    if (self->dealer) {
        if (self->monitor)
            zmq_socket_monitor(self->dealer, NULL, 0);
        zmq_close(self->dealer);
    }
    if (self->monitor)
        zmq_close(self->monitor);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    keys_identity_destroy(&self->identity);
    sigcache_destroy(&self->verified);
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
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_PONG, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}
