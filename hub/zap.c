/*
 * zap.c: ZAP handler thread. Each request is answered from the archive as it
 * is at that moment, so a key revoked offline is refused at its next
 * handshake without any reload.
 */
#include "zap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "archive.h"
#include "keys.h"
#include "log.h"

struct zap {
    void *socket;          /* REP on inproc://zeromq.zap.01; used only by the thread */
    archive_t *archive;    /* the thread's own connection */
    pthread_t thread;      /* the handler */
    atomic_int stop;       /* set by zap_stop */
    int64_t log_window_ms; /* start of the current refusal-logging window */
    int logged;            /* refusals logged in that window */
};

/* Receives all parts of one request (at most 8 kept). Returns the count, or
 * -1 on timeout/error. */
static int
s_recv_request(void *socket, zmq_msg_t *parts, int max)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, socket, 0) < 0) {
            zmq_msg_close(&m);
            for (int i = 0; i < n && i < max; i++)
                zmq_msg_close(&parts[i]);
            return -1;
        }
        more = zmq_msg_more(&m);
        if (n < max)
            parts[n] = m;
        else
            zmq_msg_close(&m);
        n++;
    }
    return n > max ? max : n;
}

static int
s_is(zmq_msg_t *m, const char *s)
{
    size_t n = strlen(s);
    return zmq_msg_size(m) == n && memcmp(zmq_msg_data(m), s, n) == 0;
}

static void
s_reply(void *socket, zmq_msg_t *request_id, const char *status, const char *text,
    const char *user_id)
{
    zmq_send(socket, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(socket, zmq_msg_data(request_id), zmq_msg_size(request_id), ZMQ_SNDMORE);
    zmq_send(socket, status, strlen(status), ZMQ_SNDMORE);
    zmq_send(socket, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(socket, user_id, strlen(user_id), ZMQ_SNDMORE);
    zmq_send(socket, "", 0, 0);
}

static void
s_refused(zap_t *self, const char *address, const char *why)
{
    /* A flood of bad handshakes must not flood the log: 20 lines a minute. */
    int64_t now = archive_now_ms();
    if (now - self->log_window_ms > 60000) {
        if (self->logged > 20)
            log_notice("zap: %d further handshakes refused in the last minute", self->logged - 20);
        self->log_window_ms = now;
        self->logged = 0;
    }
    if (++self->logged <= 20)
        log_notice("zap: refused handshake from %s: %s", address, why);
}

static void
s_handle(zap_t *self, zmq_msg_t *p, int n)
{
    /* version, request id, domain, address, routing id, mechanism, credentials */
    if (n < 6 || !s_is(&p[0], "1.0")) {
        if (n >= 2)
            s_reply(self->socket, &p[1], "500", "malformed ZAP request", "");
        return;
    }
    char address[64] = "?";
    size_t alen = zmq_msg_size(&p[3]) < sizeof address - 1 ? zmq_msg_size(&p[3])
                                                           : sizeof address - 1;
    memcpy(address, zmq_msg_data(&p[3]), alen);
    address[alen] = '\0';
    if (!s_is(&p[2], ZAP_DOMAIN) || !s_is(&p[5], "CURVE") || n < 7 || zmq_msg_size(&p[6]) != 32) {
        s_refused(self, address, "not a CURVE handshake in the enlace domain");
        s_reply(self->socket, &p[1], "400", "CURVE required", "");
        return;
    }
    char fp[32];
    int64_t officer = 0;
    int found = archive_key_by_curve(self->archive, zmq_msg_data(&p[6]), archive_now_ms(), fp,
        sizeof fp, &officer);
    if (found == 1) {
        log_debug("zap: admitted %s from %s", fp, address);
        s_reply(self->socket, &p[1], "200", "OK", fp);
    } else if (found == 0) {
        s_refused(self, address, "key not registered, revoked or expired");
        s_reply(self->socket, &p[1], "400", "key not registered, revoked or expired", "");
    } else {
        log_error("zap: directory lookup failed: %s", archive_error(self->archive));
        s_reply(self->socket, &p[1], "500", "directory unavailable", "");
    }
}

static void *
s_run(void *arg)
{
    zap_t *self = arg;
    while (!atomic_load(&self->stop)) {
        zmq_pollitem_t item = {self->socket, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, 200);
        if (rc < 0)
            break; /* context terminated */
        if (rc == 0)
            continue;
        zmq_msg_t parts[8];
        int n = s_recv_request(self->socket, parts, 8);
        if (n < 0)
            continue;
        s_handle(self, parts, n);
        for (int i = 0; i < n; i++)
            zmq_msg_close(&parts[i]);
    }
    return NULL;
}

zap_t *
zap_start(void *ctx, const char *archive_path, char *err, size_t errlen)
{
    zap_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->archive = archive_open(archive_path, 0, ARCHIVE_SYNC_NORMAL, err, errlen);
    if (!self->archive) {
        free(self);
        return NULL;
    }
    self->socket = zmq_socket(ctx, ZMQ_REP);
    int linger = 0;
    if (!self->socket || zmq_setsockopt(self->socket, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_bind(self->socket, "inproc://zeromq.zap.01") != 0) {
        snprintf(err, errlen, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
        if (self->socket)
            zmq_close(self->socket);
        archive_destroy(&self->archive);
        free(self);
        return NULL;
    }
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        snprintf(err, errlen, "cannot start the ZAP thread");
        zmq_close(self->socket);
        archive_destroy(&self->archive);
        free(self);
        return NULL;
    }
    return self;
}

void
zap_stop(zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zap_t *self = *self_p;
    atomic_store(&self->stop, 1);
    pthread_join(self->thread, NULL);
    zmq_close(self->socket);
    archive_destroy(&self->archive);
    free(self);
    *self_p = NULL;
}
