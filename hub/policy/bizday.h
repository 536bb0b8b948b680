/*
 * bizday: business days in one country's calendar, for the consultation's
 * deadlines (DOMAIN.md, "The consultation procedure").
 *
 * A business day is a civil day in the country's zone that is a weekday
 * (Monday to Friday) and not one of its holidays; it runs from local
 * midnight to the next. "N business days from T" counts from the first
 * business day after the day of T (the day a text arrives is not one of its
 * days), so a round opened on a Thursday in San José has its 5th business
 * day on the next Thursday, and its deadline is the end of that day, local
 * midnight: an instant that differs from country to country.
 *
 * The schedule of a round of N days for one country (bizday_round):
 *   reminder   the start of business day N-1 (two business days before
 *              the deadline; none if N < 2)
 *   last_day   the start of business day N (its last day)
 *   deadline   the end of business day N
 *   escalate   the end of business day N+1 (one business day past it)
 *
 * For tests only, a calendar may instead have a fixed day length
 * (day_ms > 0): then business day k is [T + (k-1) day_ms, T + k day_ms),
 * every day counts and zones and holidays are ignored.
 *
 * Pure functions of their arguments (the zone is loaded by the caller).
 */
#ifndef ENLACE_BIZDAY_H
#define ENLACE_BIZDAY_H

#include <stddef.h>
#include <stdint.h>

#include "tz.h"

typedef struct {
    const tz_t *zone;        /* the country's zone; NULL: UTC */
    const int64_t *holidays; /* its holidays, civil days since 1970-01-01, any order */
    size_t nholidays;
    int64_t day_ms; /* > 0: tests' fixed-length days, no calendar */
} bizday_cal_t;

typedef struct {
    int64_t reminder_ms; /* 0: none */
    int64_t last_day_ms;
    int64_t deadline_ms;
    int64_t escalate_ms;
} bizday_round_t;

/* 1 if civil day `day` is a business day in cal. */
int bizday_is_business(const bizday_cal_t *cal, int64_t day);

/* The instant business day k (k >= 1) after the day of from_ms starts, and
 * the instant it ends. */
int64_t bizday_start(const bizday_cal_t *cal, int64_t from_ms, int k);
int64_t bizday_end(const bizday_cal_t *cal, int64_t from_ms, int k);

/* The schedule of a round of `days` business days (1 to 60) opened at
 * opened_ms. */
void bizday_round(const bizday_cal_t *cal, int64_t opened_ms, int days, bizday_round_t *out);

#endif
