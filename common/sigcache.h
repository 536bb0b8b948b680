/*
 * sigcache: signatures already verified, so that a batch's root signature
 * (merkle.h) is checked with Ed25519 once, and every other message of the
 * batch costs only its audit path's hashes. An entry is the BLAKE2b-256 of
 * (public key, signature, signed bytes): only the very same signature by
 * the very same key over the very same bytes is found. Bounded: a fixed
 * number of slots, a new entry takes its slot's place. Not thread-safe:
 * one cache is used by one thread.
 */
#ifndef ENLACE_SIGCACHE_H
#define ENLACE_SIGCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sigcache sigcache_t;

/* A cache of `slots` entries (rounded up to a power of two). NULL on no
 * memory. */
sigcache_t *sigcache_new(size_t slots);
void sigcache_destroy(sigcache_t **self_p);

/* 1 if this signature was recorded as verified, else 0. */
int sigcache_known(const sigcache_t *self, const uint8_t pk[32], const uint8_t *msg, size_t len,
    const uint8_t sig[64]);
/* Records a signature that verified. */
void sigcache_add(sigcache_t *self, const uint8_t pk[32], const uint8_t *msg, size_t len,
    const uint8_t sig[64]);

/* Verifies a content signed as one of a batch (merkle.h): its audit path
 * leads from the content's leaf at `index` of a batch of `size` to a root,
 * and sig is pk's Ed25519 signature of that root's signed bytes: checked
 * once, then found in the cache (self may be NULL: no cache). 0 valid, -1
 * not (a proof that does not fit its index and size is not valid). */
int sigcache_verify_batched(sigcache_t *self, const uint8_t pk[32], const uint8_t *content,
    size_t len, const uint8_t sig[64], uint32_t index, uint32_t size, const uint8_t *path,
    size_t path_len);

/* Lookups and hits so far (for status and benchmarks). */
void sigcache_stats(const sigcache_t *self, uint64_t *lookups, uint64_t *hits);

#endif
