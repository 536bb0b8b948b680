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

typedef struct {
    const uint8_t *pk;  /* 32 bytes */
    const uint8_t *msg;
    size_t len;
    const uint8_t *sig; /* 64 bytes */
    int ok;             /* out: 1 valid, 0 not */
} sigcheck_job_t;

typedef struct sigcheck sigcheck_t;

/* threads: worker threads besides the caller (0: verify inline). */
sigcheck_t *sigcheck_new(int threads);
void sigcheck_destroy(sigcheck_t **self_p);
/* Verifies jobs[0..n) and returns when every job has its result. */
void sigcheck_run(sigcheck_t *self, sigcheck_job_t *jobs, size_t n);

#endif
