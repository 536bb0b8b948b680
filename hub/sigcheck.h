/*
 * sigcheck: checks a batch of Ed25519 content signatures in parallel, on
 * worker threads plus the calling thread, and returns when all are done.
 * The hub uses it to verify a whole receive batch before handling it in
 * order, so messages are still verified before they are stored, but the
 * cost (about 90% of the hub's CPU per message) is spread over the cores.
 */
#ifndef ENLACE_SIGCHECK_H
#define ENLACE_SIGCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "enlace.pb-c.h"
#include "merkle.h"
#include "sigcache.h"

typedef struct {
    const uint8_t *pk;  /* 32 bytes */
    const uint8_t *msg; /* content (the content context is added), or, with raw, the
                         * exact signed bytes (a batch root's: merkle.h) */
    size_t len;
    const uint8_t *sig; /* 64 bytes */
    int raw;
    int ok; /* out: 1 valid, 0 not */
} sigcheck_job_t;

typedef struct sigcheck sigcheck_t;

/* threads: worker threads besides the caller (0: verify inline). */
sigcheck_t *sigcheck_new(int threads);
void sigcheck_destroy(sigcheck_t **self_p);
/* Verifies jobs[0..n) and returns when every job has its result. */
void sigcheck_run(sigcheck_t *self, sigcheck_job_t *jobs, size_t n);

/* The bytes a publish's signature covers, for a job or a cache lookup: the
 * content itself (*raw 0), or its batch root's signed bytes, computed into
 * buf (*raw 1). 0, or -1 if its batch proof does not fit (refused: a
 * path from another message, a wrong index, swapped, truncated or too
 * deep siblings). */
int sigcheck_covered(const Enlace__Publish *p, uint8_t buf[MERKLE_SIGNED_BYTES],
    const uint8_t **msg, size_t *len, int *raw);

/* Checks one publish's signature by `pk` now, on this thread, through the
 * cache of batch roots already verified (a root that verifies is added):
 * 1 valid, 0 not. */
int sigcheck_publish(sigcache_t *cache, const uint8_t *pk, const Enlace__Publish *p);

#endif
