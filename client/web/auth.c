/*
 * auth.c: the one-time token and the session secrets (see auth.h).
 */
#include "auth.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "guard.h"

typedef struct {
    uint8_t secret[32];
    uint64_t born;   /* order of creation: the oldest gives way */
    int64_t used_ms; /* its last request (monotonic) */
    int live;
} s_session_t;

struct web_auth {
    pthread_mutex_t lock;
    size_t max;            /* sessions[] holds this many */
    s_session_t *sessions; /* sodium_malloc: max of them */
    uint8_t *token;        /* sodium_malloc: 32 bytes */
    int token_live;        /* a token was made and not yet used */
    uint64_t born;         /* sessions created so far */
    int64_t idle_ms;       /* a session unused this long ends */
};

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

web_auth_t *
web_auth_new(size_t max_sessions, int64_t idle_ms)
{
    if (sodium_init() < 0 || max_sessions == 0 || idle_ms <= 0)
        return NULL;
    web_auth_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->max = max_sessions;
    self->idle_ms = idle_ms;
    self->sessions = sodium_malloc(max_sessions * sizeof *self->sessions);
    self->token = sodium_malloc(32);
    if (!self->sessions || !self->token || pthread_mutex_init(&self->lock, NULL) != 0) {
        if (self->sessions)
            sodium_free(self->sessions);
        if (self->token)
            sodium_free(self->token);
        free(self);
        return NULL;
    }
    sodium_memzero(self->sessions, max_sessions * sizeof *self->sessions);
    sodium_memzero(self->token, 32);
    return self;
}

void
web_auth_destroy(web_auth_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    web_auth_t *self = *self_p;
    sodium_free(self->sessions); /* sodium_free wipes */
    sodium_free(self->token);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

static void
s_hex(const uint8_t secret[32], char out[WEB_SECRET_HEX])
{
    sodium_bin2hex(out, WEB_SECRET_HEX, secret, 32);
}

int
web_auth_token(web_auth_t *self, char out[WEB_SECRET_HEX])
{
    pthread_mutex_lock(&self->lock);
    randombytes_buf(self->token, 32);
    self->token_live = 1;
    s_hex(self->token, out);
    pthread_mutex_unlock(&self->lock);
    return 0;
}

int
web_auth_exchange(web_auth_t *self, const char *token, size_t len, char out[WEB_SECRET_HEX])
{
    return web_auth_exchange_at(self, token, len, out, s_now_ms());
}

int
web_auth_exchange_at(web_auth_t *self, const char *token, size_t len, char out[WEB_SECRET_HEX],
    int64_t now_ms)
{
    uint8_t given[32];
    if (web_guard_hex32(token, len, given) != 0)
        return -1;
    pthread_mutex_lock(&self->lock);
    int ok = self->token_live && sodium_memcmp(given, self->token, 32) == 0;
    sodium_memzero(given, sizeof given);
    if (!ok) {
        pthread_mutex_unlock(&self->lock);
        return -1;
    }
    /* Used: gone, whatever happens next. */
    self->token_live = 0;
    randombytes_buf(self->token, 32);
    s_session_t *slot = &self->sessions[0];
    for (size_t i = 0; i < self->max; i++) {
        s_session_t *s = &self->sessions[i];
        if (!s->live) {
            slot = s;
            break;
        }
        if (s->born < slot->born)
            slot = s;
    }
    randombytes_buf(slot->secret, sizeof slot->secret);
    slot->live = 1;
    slot->born = ++self->born;
    slot->used_ms = now_ms;
    s_hex(slot->secret, out);
    pthread_mutex_unlock(&self->lock);
    return 0;
}

/* The live session whose secret is value, or NULL; with the lock held. */
static s_session_t *
s_find(web_auth_t *self, const char *value, size_t len)
{
    uint8_t given[32];
    if (web_guard_hex32(value, len, given) != 0)
        return NULL;
    s_session_t *found = NULL;
    /* Every slot is compared, found or not: the time taken says nothing. */
    for (size_t i = 0; i < self->max; i++) {
        s_session_t *s = &self->sessions[i];
        if (sodium_memcmp(given, s->secret, 32) == 0 && s->live)
            found = s;
    }
    sodium_memzero(given, sizeof given);
    return found;
}

int
web_auth_check(web_auth_t *self, const char *value, size_t len)
{
    return web_auth_check_at(self, value, len, s_now_ms());
}

int
web_auth_check_at(web_auth_t *self, const char *value, size_t len, int64_t now_ms)
{
    pthread_mutex_lock(&self->lock);
    s_session_t *s = s_find(self, value, len);
    int ok = 0;
    if (s && now_ms - s->used_ms > self->idle_ms) {
        /* Idle too long: over, as if signed out. */
        sodium_memzero(s->secret, sizeof s->secret);
        s->live = 0;
    } else if (s) {
        if (now_ms > s->used_ms)
            s->used_ms = now_ms;
        ok = 1;
    }
    pthread_mutex_unlock(&self->lock);
    return ok;
}

void
web_auth_end(web_auth_t *self, const char *value, size_t len)
{
    pthread_mutex_lock(&self->lock);
    s_session_t *s = s_find(self, value, len);
    if (s) {
        sodium_memzero(s->secret, sizeof s->secret);
        s->live = 0;
    }
    pthread_mutex_unlock(&self->lock);
}

size_t
web_auth_sessions(web_auth_t *self)
{
    size_t n = 0;
    pthread_mutex_lock(&self->lock);
    for (size_t i = 0; i < self->max; i++)
        n += self->sessions[i].live != 0;
    pthread_mutex_unlock(&self->lock);
    return n;
}
