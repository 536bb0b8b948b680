/*
 * rate: a token bucket, for the hub's request rate limit per key.
 *
 * A bucket holds up to `burst` tokens and gains `per_sec` tokens a second;
 * each request takes one. Integer arithmetic in thousandths of a token, on
 * the caller's millisecond clock, so it is exact and testable with any time.
 * A clock that goes backwards adds nothing (and takes nothing away).
 */
#ifndef ENLACE_RATE_H
#define ENLACE_RATE_H

#include <stdint.h>

typedef struct {
    int64_t milli;   /* tokens x 1000; < 0 means not started (full) */
    int64_t last_ms; /* clock of the last refill */
} rate_t;

/* A bucket that starts full at its first use. */
#define RATE_INIT \
    { \
        .milli = -1, .last_ms = 0 \
    }

/* Takes a token at now_ms. Returns 0 if there was one; otherwise takes
 * nothing and returns how many ms until there will be one (at least 1).
 * per_sec == 0 means no limit: always 0. */
int64_t rate_take(rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms);

/* Whether a token is there at now_ms, without taking it. */
int rate_ready(const rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms);

/* Whether the bucket is full at now_ms (as a new one would be). */
int rate_full(const rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms);

#endif
