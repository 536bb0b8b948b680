/*
 * bizday.c: business days in a country's calendar (see bizday.h).
 */
#include "bizday.h"

/* No country has this many days off in a row; a calendar that does (every
 * day a holiday) ends the count rather than loop. */
#define BIZDAY_SEARCH_MAX 3660

static int64_t
s_floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The civil day, in the calendar's zone, of instant t_ms. */
static int64_t
s_local_day(const bizday_cal_t *cal, int64_t t_ms)
{
    int64_t t = s_floor_div(t_ms, 1000);
    int64_t local = t + (cal->zone ? tz_offset(cal->zone, t) : 0);
    return s_floor_div(local, 86400);
}

/* The instant (ms) civil day `day` begins in the calendar's zone. */
static int64_t
s_day_start(const bizday_cal_t *cal, int64_t day)
{
    int64_t local = day * 86400;
    return (cal->zone ? tz_utc_of_local(cal->zone, local) : local) * 1000;
}

int
bizday_is_business(const bizday_cal_t *cal, int64_t day)
{
    int wd = tz_weekday(day);
    if (wd == 0 || wd == 6)
        return 0;
    for (size_t i = 0; i < cal->nholidays; i++)
        if (cal->holidays[i] == day)
            return 0;
    return 1;
}

/* The civil day of business day k after the day of from_ms. */
static int64_t
s_kth(const bizday_cal_t *cal, int64_t from_ms, int k)
{
    int64_t day = s_local_day(cal, from_ms);
    for (int n = 0, steps = 0; n < k && steps < BIZDAY_SEARCH_MAX; steps++)
        n += bizday_is_business(cal, ++day);
    return day;
}

int64_t
bizday_start(const bizday_cal_t *cal, int64_t from_ms, int k)
{
    if (cal->day_ms > 0)
        return from_ms + (int64_t)(k - 1) * cal->day_ms;
    return s_day_start(cal, s_kth(cal, from_ms, k));
}

int64_t
bizday_end(const bizday_cal_t *cal, int64_t from_ms, int k)
{
    if (cal->day_ms > 0)
        return from_ms + (int64_t)k * cal->day_ms;
    return s_day_start(cal, s_kth(cal, from_ms, k) + 1);
}

void
bizday_round(const bizday_cal_t *cal, int64_t opened_ms, int days, bizday_round_t *out)
{
    if (days < 1)
        days = 1;
    if (days > 60)
        days = 60;
    out->reminder_ms = days >= 2 ? bizday_start(cal, opened_ms, days - 1) : 0;
    out->last_day_ms = bizday_start(cal, opened_ms, days);
    out->deadline_ms = bizday_end(cal, opened_ms, days);
    out->escalate_ms = bizday_end(cal, opened_ms, days + 1);
}
