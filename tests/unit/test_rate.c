/*
 * test_rate: hub/rate.c, the token bucket behind the per-key request rate. Time is whatever the
 * test says it is, so every figure is exact.
 */
#include "check.h"
#include "rate.h"

static void
starts_full_and_allows_a_burst(void)
{
    rate_t r = RATE_INIT;
    int allowed = 0;
    for (int i = 0; i < 50; i++)
        allowed += rate_take(&r, 10, 20, 1000) == 0;
    CHECK(allowed == 20);
    /* Empty: the next token is 1/10 s away. */
    CHECK(rate_take(&r, 10, 20, 1000) == 100);
    CHECK(!rate_ready(&r, 10, 20, 1000));
}

static void
refills_at_the_rate_and_says_when(void)
{
    rate_t r = RATE_INIT;
    for (int i = 0; i < 5; i++)
        CHECK(rate_take(&r, 10, 5, 0) == 0);
    CHECK(rate_take(&r, 10, 5, 0) == 100);
    CHECK(rate_take(&r, 10, 5, 40) == 60); /* 0.4 of a token there */
    CHECK(rate_take(&r, 10, 5, 99) == 1);
    CHECK(rate_ready(&r, 10, 5, 100));
    CHECK(rate_take(&r, 10, 5, 100) == 0);
    CHECK(rate_take(&r, 10, 5, 100) == 100);
    /* Over a long time exactly rate x time tokens, never more than burst. */
    int allowed = 0;
    for (int64_t t = 100; t <= 10100; t++)
        allowed += rate_take(&r, 10, 5, t) == 0;
    CHECK(allowed == 100);
    CHECK(rate_take(&r, 10, 5, 1000000) == 0);
    allowed = 1;
    while (rate_take(&r, 10, 5, 1000000) == 0)
        allowed++;
    CHECK(allowed == 5);
}

static void
a_fast_rate_waits_at_least_a_millisecond(void)
{
    rate_t r = RATE_INIT;
    for (int i = 0; i < 3; i++)
        CHECK(rate_take(&r, 100000, 3, 7) == 0);
    CHECK(rate_take(&r, 100000, 3, 7) == 1);
    CHECK(rate_take(&r, 100000, 3, 8) == 0); /* 100 tokens a ms, capped at 3 */
    CHECK(rate_take(&r, 100000, 3, 8) == 0);
    CHECK(rate_take(&r, 100000, 3, 8) == 0);
    CHECK(rate_take(&r, 100000, 3, 8) == 1);
}

static void
zero_rate_means_no_limit(void)
{
    rate_t r = RATE_INIT;
    for (int i = 0; i < 100000; i++)
        CHECK(rate_take(&r, 0, 1, 0) == 0);
    CHECK(rate_ready(&r, 0, 1, 0));
}

static void
a_clock_going_back_adds_nothing(void)
{
    rate_t r = RATE_INIT;
    CHECK(rate_take(&r, 1, 1, 5000) == 0);
    CHECK(rate_take(&r, 1, 1, 1000) == 1000); /* earlier: no refill */
    CHECK(rate_take(&r, 1, 1, 5999) == 1);    /* counted from 5000, not 1000 */
    CHECK(rate_take(&r, 1, 1, 6000) == 0);
}

static void
ready_does_not_take(void)
{
    rate_t r = RATE_INIT;
    CHECK(rate_ready(&r, 1, 1, 0));
    CHECK(rate_ready(&r, 1, 1, 0));
    CHECK(rate_take(&r, 1, 1, 0) == 0);
    CHECK(!rate_ready(&r, 1, 1, 0));
}

static void
full_means_refilled_to_the_burst(void)
{
    rate_t r = RATE_INIT;
    CHECK(rate_full(&r, 10, 5, 0)); /* never used */
    CHECK(rate_take(&r, 10, 5, 0) == 0);
    CHECK(!rate_full(&r, 10, 5, 0));
    CHECK(!rate_full(&r, 10, 5, 99));
    CHECK(rate_full(&r, 10, 5, 100)); /* one token back at 10 a second */
    for (int i = 0; i < 5; i++)
        CHECK(rate_take(&r, 10, 5, 100) == 0);
    CHECK(!rate_full(&r, 10, 5, 599));
    CHECK(rate_full(&r, 10, 5, 600));
    CHECK(rate_full(&r, 0, 5, 100)); /* no limit: always full */
}

int
main(void)
{
    RUN(starts_full_and_allows_a_burst);
    RUN(refills_at_the_rate_and_says_when);
    RUN(a_fast_rate_waits_at_least_a_millisecond);
    RUN(zero_rate_means_no_limit);
    RUN(a_clock_going_back_adds_nothing);
    RUN(ready_does_not_take);
    RUN(full_means_refilled_to_the_burst);
    return CHECK_DONE();
}
