/*
 * sigcache.c: see sigcache.h.
 */
#include "sigcache.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "merkle.h"

struct sigcache {
    uint8_t (*keys)[32]; /* slots' entries; all zero: empty; owned */
    size_t mask;         /* slots - 1 */
    uint64_t lookups, hits;
};

sigcache_t *
sigcache_new(size_t slots)
{
    size_t n = 1;
    while (n < slots)
        n *= 2;
    sigcache_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->keys = calloc(n, sizeof *self->keys);
    if (!self->keys) {
        free(self);
        return NULL;
    }
    self->mask = n - 1;
    return self;
}

void
sigcache_destroy(sigcache_t **self_p)
{
    if (!*self_p)
        return;
    free((*self_p)->keys);
    free(*self_p);
    *self_p = NULL;
}

static void
s_key(const uint8_t pk[32], const uint8_t *msg, size_t len, const uint8_t sig[64], uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, pk, 32);
    crypto_generichash_update(&st, sig, 64);
    crypto_generichash_update(&st, msg, len);
    crypto_generichash_final(&st, out, 32);
}

static size_t
s_slot(const sigcache_t *self, const uint8_t key[32])
{
    size_t v = (size_t)key[0] | (size_t)key[1] << 8 | (size_t)key[2] << 16 | (size_t)key[3] << 24;
    return v & self->mask;
}

int
sigcache_known(const sigcache_t *self, const uint8_t pk[32], const uint8_t *msg, size_t len,
    const uint8_t sig[64])
{
    uint8_t key[32];
    s_key(pk, msg, len, sig, key);
    ((sigcache_t *)self)->lookups++;
    int hit = sodium_memcmp(self->keys[s_slot(self, key)], key, 32) == 0;
    ((sigcache_t *)self)->hits += hit;
    return hit;
}

void
sigcache_add(sigcache_t *self, const uint8_t pk[32], const uint8_t *msg, size_t len,
    const uint8_t sig[64])
{
    uint8_t key[32];
    s_key(pk, msg, len, sig, key);
    memcpy(self->keys[s_slot(self, key)], key, 32);
}

void
sigcache_stats(const sigcache_t *self, uint64_t *lookups, uint64_t *hits)
{
    *lookups = self->lookups;
    *hits = self->hits;
}

int
sigcache_verify_batched(sigcache_t *self, const uint8_t pk[32], const uint8_t *content, size_t len,
    const uint8_t sig[64], uint32_t index, uint32_t size, const uint8_t *path, size_t path_len)
{
    uint8_t signed_bytes[MERKLE_SIGNED_BYTES];
    if (merkle_signed_for(content, len, index, size, path, path_len, signed_bytes) != 0)
        return -1;
    if (self && sigcache_known(self, pk, signed_bytes, sizeof signed_bytes, sig))
        return 0;
    if (crypto_sign_verify_detached(sig, signed_bytes, sizeof signed_bytes, pk) != 0)
        return -1;
    if (self)
        sigcache_add(self, pk, signed_bytes, sizeof signed_bytes, sig);
    return 0;
}
