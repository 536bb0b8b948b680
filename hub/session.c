/*
 * session.c: the session table (a chained hash on routing ids) and each
 * session's subscriptions and in-flight ring.
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define BUCKETS 4096

struct sessions {
    session_t *buckets[BUCKETS];  /* chains of sessions; owned */
    int count;                    /* sessions in the table */
    session_key_t *keys[BUCKETS]; /* chains of key records; owned */
    int nkeys;                    /* key records */
    uint8_t hash_key[16];         /* keyed hash: peers cannot aim at one bucket */
};

static size_t
s_bucket(const sessions_t *self, const uint8_t *rid, size_t len)
{
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, rid, len, self->hash_key);
    return (size_t)(h % BUCKETS);
}

static size_t
s_key_bucket(const sessions_t *self, const char *fingerprint)
{
    return s_bucket(self, (const uint8_t *)fingerprint, strlen(fingerprint));
}

sessions_t *
sessions_new(void)
{
    sessions_t *self = calloc(1, sizeof *self);
    if (self)
        randombytes_buf(self->hash_key, sizeof self->hash_key);
    return self;
}

static void
s_free(session_t *s)
{
    free(s->inflight);
    free(s->subs);
    free(s);
}

void
sessions_destroy(sessions_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sessions_t *self = *self_p;
    for (int b = 0; b < BUCKETS; b++)
        for (session_t *s = self->buckets[b], *n; s; s = n) {
            n = s->next;
            s_free(s);
        }
    for (int b = 0; b < BUCKETS; b++)
        for (session_key_t *k = self->keys[b], *n; k; k = n) {
            n = k->next;
            free(k);
        }
    free(self);
    *self_p = NULL;
}

session_t *
sessions_find(sessions_t *self, const uint8_t *rid, size_t len)
{
    for (session_t *s = self->buckets[s_bucket(self, rid, len)]; s; s = s->next)
        if (s->rid_len == len && memcmp(s->rid, rid, len) == 0)
            return s;
    return NULL;
}

session_key_t *
sessions_key_find(sessions_t *self, const char *fingerprint)
{
    for (session_key_t *k = self->keys[s_key_bucket(self, fingerprint)]; k; k = k->next)
        if (strcmp(k->fingerprint, fingerprint) == 0)
            return k;
    return NULL;
}

session_key_t *
sessions_key(sessions_t *self, const char *fingerprint)
{
    session_key_t *k = sessions_key_find(self, fingerprint);
    if (k)
        return k;
    if (strlen(fingerprint) >= sizeof k->fingerprint)
        return NULL;
    k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    snprintf(k->fingerprint, sizeof k->fingerprint, "%s", fingerprint);
    k->rate = (rate_t)RATE_INIT;
    size_t b = s_key_bucket(self, fingerprint);
    k->next = self->keys[b];
    self->keys[b] = k;
    self->nkeys++;
    return k;
}

int
sessions_prune_keys(sessions_t *self, uint32_t per_sec, uint32_t burst, int64_t now_ms)
{
    for (int b = 0; b < BUCKETS; b++)
        for (session_key_t **pp = &self->keys[b]; *pp;) {
            session_key_t *k = *pp;
            if (k->sessions == 0 && rate_full(&k->rate, per_sec, burst, now_ms)) {
                *pp = k->next;
                free(k);
                self->nkeys--;
            } else {
                pp = &k->next;
            }
        }
    return self->nkeys;
}

session_t *
sessions_add(sessions_t *self, const uint8_t *rid, size_t len, uint32_t window,
    const char *fingerprint)
{
    if (len == 0 || len > SESSION_RID_MAX || window == 0)
        return NULL;
    session_key_t *key = sessions_key(self, fingerprint);
    if (!key)
        return NULL;
    session_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->inflight = calloc(window, sizeof *s->inflight);
    if (!s->inflight) {
        free(s);
        return NULL;
    }
    memcpy(s->rid, rid, len);
    s->rid_len = len;
    s->window = window;
    s->rewind_to = UINT64_MAX;
    snprintf(s->fingerprint, sizeof s->fingerprint, "%s", fingerprint);
    s->key = key;
    key->sessions++;
    size_t b = s_bucket(self, rid, len);
    s->next = self->buckets[b];
    self->buckets[b] = s;
    self->count++;
    return s;
}

void
sessions_remove(sessions_t *self, session_t *s)
{
    session_t **pp = &self->buckets[s_bucket(self, s->rid, s->rid_len)];
    while (*pp && *pp != s)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = s->next;
        self->count--;
        s->key->sessions--;
    }
    s_free(s);
}

int
sessions_count(const sessions_t *self)
{
    return self->count;
}

session_t *
sessions_next(sessions_t *self, session_t *s)
{
    size_t b = 0;
    if (s) {
        if (s->next)
            return s->next;
        b = s_bucket(self, s->rid, s->rid_len) + 1;
    }
    for (; b < BUCKETS; b++)
        if (self->buckets[b])
            return self->buckets[b];
    return NULL;
}

session_sub_t *
session_sub_find(session_t *s, const char *pattern)
{
    for (int i = 0; i < s->nsubs; i++)
        if (!strcmp(s->subs[i].pattern, pattern))
            return &s->subs[i];
    return NULL;
}

session_sub_t *
session_sub_add(session_t *s, const char *pattern, uint64_t cursor)
{
    if (strlen(pattern) >= SESSION_PATTERN_MAX)
        return NULL;
    if (s->nsubs == s->subs_cap) {
        int cap = s->subs_cap ? s->subs_cap * 2 : 4;
        session_sub_t *grown = realloc(s->subs, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        s->subs = grown;
        s->subs_cap = cap;
    }
    session_sub_t *sub = &s->subs[s->nsubs++];
    memset(sub, 0, sizeof *sub);
    strcpy(sub->pattern, pattern);
    sub->cursor = sub->saved_cursor = cursor;
    return sub;
}

void
session_sub_remove(session_t *s, const char *pattern)
{
    for (int i = 0; i < s->nsubs; i++)
        if (!strcmp(s->subs[i].pattern, pattern)) {
            s->subs[i] = s->subs[--s->nsubs];
            return;
        }
}

int
session_inflight_full(const session_t *s)
{
    return s->in_count >= s->window;
}

void
session_inflight_push(session_t *s, uint64_t seq)
{
    if (s->in_count >= s->window)
        return; /* callers check first; never overrun the ring */
    s->inflight[(s->in_head + s->in_count) % s->window] = seq;
    s->in_count++;
}

uint32_t
session_inflight_ack(session_t *s, uint64_t seq)
{
    uint32_t dropped = 0;
    while (s->in_count && s->inflight[s->in_head] <= seq) {
        s->in_head = (s->in_head + 1) % s->window;
        s->in_count--;
        dropped++;
    }
    return dropped;
}

uint64_t
session_done_upto(const session_t *s)
{
    if (s->in_count == 0)
        return s->pos;
    return s->inflight[s->in_head] - 1;
}
