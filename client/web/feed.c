/*
 * feed.c: the ring of recent deliveries, the connection state and the
 * Server-Sent Events streams (see feed.h). One mutex and one condition
 * variable; streams wait on it with a timeout, so a keep-alive goes out
 * every few seconds and a closed browser is noticed at the next write.
 */
#include "feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct web_feed {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* broadcast on push, state change and stop */
    char **ring;            /* capacity slots; event id i is in ring[(i - 1) % capacity] */
    size_t capacity;
    uint64_t last;      /* id of the newest event (0: none yet) */
    const char *state;  /* static string */
    unsigned state_gen; /* bumped on every state change */
    size_t streams;     /* open streams */
    int stopped;
};

struct web_stream {
    uint64_t cursor;    /* the last event id sent (or being sent) */
    unsigned state_gen; /* the state generation last sent; gen - 1 at open */
    char *pending;      /* an event being written across calls; owned */
    size_t pending_len, pending_off;
};

web_feed_t *
web_feed_new(size_t capacity)
{
    web_feed_t *self = calloc(1, sizeof *self);
    if (!self || capacity == 0)
        goto fail;
    self->ring = calloc(capacity, sizeof *self->ring);
    if (!self->ring)
        goto fail;
    self->capacity = capacity;
    self->state = "connected";
    self->state_gen = 1;
    if (pthread_mutex_init(&self->lock, NULL) != 0)
        goto fail;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&self->changed, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_destroy(&self->lock);
        goto fail;
    }
    return self;
fail:
    if (self)
        free(self->ring);
    free(self);
    return NULL;
}

void
web_feed_destroy(web_feed_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    web_feed_t *self = *self_p;
    for (size_t i = 0; i < self->capacity; i++)
        free(self->ring[i]);
    free(self->ring);
    pthread_cond_destroy(&self->changed);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

uint64_t
web_feed_push(web_feed_t *self, char *json)
{
    if (!json)
        return 0;
    pthread_mutex_lock(&self->lock);
    uint64_t id = ++self->last;
    char **slot = &self->ring[(id - 1) % self->capacity];
    free(*slot);
    *slot = json;
    pthread_cond_broadcast(&self->changed);
    pthread_mutex_unlock(&self->lock);
    return id;
}

void
web_feed_set_state(web_feed_t *self, const char *state)
{
    pthread_mutex_lock(&self->lock);
    if (strcmp(self->state, state) != 0) {
        self->state = state;
        self->state_gen++;
        pthread_cond_broadcast(&self->changed);
    }
    pthread_mutex_unlock(&self->lock);
}

const char *
web_feed_state(web_feed_t *self)
{
    pthread_mutex_lock(&self->lock);
    const char *s = self->state;
    pthread_mutex_unlock(&self->lock);
    return s;
}

void
web_feed_stop(web_feed_t *self)
{
    pthread_mutex_lock(&self->lock);
    self->stopped = 1;
    pthread_cond_broadcast(&self->changed);
    pthread_mutex_unlock(&self->lock);
}

web_stream_t *
web_feed_open(web_feed_t *self, uint64_t last_id, size_t max_streams)
{
    web_stream_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    pthread_mutex_lock(&self->lock);
    if (self->streams >= max_streams || self->stopped) {
        pthread_mutex_unlock(&self->lock);
        free(st);
        return NULL;
    }
    self->streams++;
    /* A Last-Event-ID from before a restart of the console (ids start
     * again from 1) is past the newest: send the whole ring. */
    st->cursor = last_id <= self->last ? last_id : 0;
    st->state_gen = self->state_gen - 1; /* the state goes out first */
    pthread_mutex_unlock(&self->lock);
    return st;
}

void
web_feed_close(web_feed_t *self, web_stream_t **stream_p)
{
    if (!stream_p || !*stream_p)
        return;
    pthread_mutex_lock(&self->lock);
    self->streams--;
    pthread_mutex_unlock(&self->lock);
    free((*stream_p)->pending);
    free(*stream_p);
    *stream_p = NULL;
}

/* Copies what is left of the pending event into buf; frees it when done. */
static size_t
s_drain(web_stream_t *st, char *buf, size_t max)
{
    size_t n = st->pending_len - st->pending_off;
    if (n > max)
        n = max;
    memcpy(buf, st->pending + st->pending_off, n);
    st->pending_off += n;
    if (st->pending_off == st->pending_len) {
        free(st->pending);
        st->pending = NULL;
        st->pending_len = st->pending_off = 0;
    }
    return n;
}

/* A formatted copy (malloc) of an event, or NULL; its length in *len. */
static char *s_event(size_t *len, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
s_event(size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len = (size_t)n;
    return text;
}

/* Formats the next event for st into st->pending, with the lock held: 1 if
 * there was one, 0 if st has seen everything, -1 out of memory. */
static int
s_next_event(web_feed_t *self, web_stream_t *st)
{
    char *text;
    size_t n = 0;
    if (st->state_gen != self->state_gen) {
        st->state_gen = self->state_gen;
        text = s_event(&n, "event: state\ndata: {\"state\":\"%s\"}\n\n", self->state);
    } else if (st->cursor < self->last) {
        uint64_t oldest = self->last >= self->capacity ? self->last - self->capacity + 1 : 1;
        if (st->cursor + 1 < oldest)
            st->cursor = oldest - 1; /* given way to newer ones while this stream lagged */
        uint64_t id = ++st->cursor;
        text = s_event(&n, "id: %llu\nevent: message\ndata: %s\n\n", (unsigned long long)id,
            self->ring[(id - 1) % self->capacity]);
    } else {
        return 0;
    }
    if (!text)
        return -1;
    st->pending = text;
    st->pending_len = n;
    st->pending_off = 0;
    return 1;
}

ssize_t
web_feed_read(web_feed_t *self, web_stream_t *st, char *buf, size_t max, int timeout_ms)
{
    size_t used = 0;
    pthread_mutex_lock(&self->lock);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    for (;;) {
        if (self->stopped) {
            pthread_mutex_unlock(&self->lock);
            return -1;
        }
        /* Fill buf with as many events as fit: a burst goes out in few
         * writes. An event never splits but at the end of buf. */
        while (used < max) {
            if (!st->pending && s_next_event(self, st) <= 0)
                break;
            used += s_drain(st, buf + used, max - used);
        }
        if (used > 0)
            break;
        if (pthread_cond_timedwait(&self->changed, &self->lock, &until) == ETIMEDOUT) {
            static const char keepalive[] = ": keep-alive\n\n";
            if (max >= sizeof keepalive - 1) {
                memcpy(buf, keepalive, sizeof keepalive - 1);
                used = sizeof keepalive - 1;
            }
            break;
        }
    }
    pthread_mutex_unlock(&self->lock);
    return (ssize_t)used;
}

uint64_t
web_feed_last_id(web_feed_t *self)
{
    pthread_mutex_lock(&self->lock);
    uint64_t id = self->last;
    pthread_mutex_unlock(&self->lock);
    return id;
}

size_t
web_feed_streams(web_feed_t *self)
{
    pthread_mutex_lock(&self->lock);
    size_t n = self->streams;
    pthread_mutex_unlock(&self->lock);
    return n;
}
