/*
 * rate.c: the token bucket of rate.h.
 */
#include "rate.h"

/* The tokens (x 1000) the bucket holds at now_ms, capped at burst. */
static int64_t
s_level(const rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms)
{
    int64_t cap = (int64_t)burst * 1000;
    if (r->milli < 0)
        return cap;
    int64_t elapsed = now_ms > r->last_ms ? now_ms - r->last_ms : 0;
    /* per_sec tokens a second = per_sec thousandths a millisecond; no
     * overflow: a full bucket is reached long before 2^63. */
    int64_t room = cap - r->milli;
    if (room <= 0)
        return r->milli > cap ? cap : r->milli;
    if (elapsed >= room / (int64_t)per_sec + 1)
        return cap;
    int64_t level = r->milli + elapsed * (int64_t)per_sec;
    return level > cap ? cap : level;
}

int64_t
rate_take(rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms)
{
    if (per_sec == 0)
        return 0;
    if (burst == 0)
        burst = 1;
    int64_t level = s_level(r, per_sec, burst, now_ms);
    if (r->milli < 0 || now_ms > r->last_ms)
        r->last_ms = now_ms;
    r->milli = level;
    if (level >= 1000) {
        r->milli -= 1000;
        return 0;
    }
    int64_t missing = 1000 - level;
    return (missing + per_sec - 1) / per_sec;
}

int
rate_ready(const rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms)
{
    if (per_sec == 0)
        return 1;
    return s_level(r, per_sec, burst ? burst : 1, now_ms) >= 1000;
}

int
rate_full(const rate_t *r, uint32_t per_sec, uint32_t burst, int64_t now_ms)
{
    if (per_sec == 0 || r->milli < 0)
        return 1;
    if (burst == 0)
        burst = 1;
    return s_level(r, per_sec, burst, now_ms) >= (int64_t)burst * 1000;
}
