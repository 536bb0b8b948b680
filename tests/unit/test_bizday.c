/*
 * test_bizday.c: common/tz.c (the system's zone files, read without TZ) and
 * hub/policy/bizday.c (business days per country), with a fixed clock:
 * civil dates, offsets and DST from the real tzdata, weekends, holidays,
 * two zones either side of midnight, a deadline that crosses a DST change
 * in one country (US, CA) and not in another (MX abolished DST in 2022),
 * and the tests' fixed-length days.
 */
#include "check.h"

#include "bizday.h"
#include "tz.h"

/* Milliseconds of a UTC date and time. */
static int64_t
s_utc(int y, int m, int d, int h, int min)
{
    return (tz_days_from_civil(y, m, d) * 86400 + h * 3600 + min * 60) * 1000;
}

static tz_t *
s_zone(const char *name)
{
    tz_t *z = NULL;
    char err[256];
    if (tz_load(NULL, name, &z, err, sizeof err) != 0)
        fprintf(stderr, "  %s\n", err);
    CHECK(z != NULL);
    return z;
}

static void
civil_dates_and_weekdays(void)
{
    CHECK(tz_days_from_civil(1970, 1, 1) == 0);
    CHECK(tz_weekday(0) == 4); /* a Thursday */
    int64_t d = tz_days_from_civil(2026, 12, 3);
    CHECK(tz_weekday(d) == 4);
    CHECK(tz_weekday(tz_days_from_civil(2026, 3, 8)) == 0);
    int y, m, dd;
    tz_civil_from_days(d, &y, &m, &dd);
    CHECK(y == 2026 && m == 12 && dd == 3);
    tz_civil_from_days(tz_days_from_civil(2028, 2, 29), &y, &m, &dd);
    CHECK(y == 2028 && m == 2 && dd == 29);
    int64_t out;
    CHECK(tz_parse_date("2026-12-08", &out) == 0 && out == tz_days_from_civil(2026, 12, 8));
    CHECK(tz_parse_date("2028-02-29", &out) == 0);
    CHECK(tz_parse_date("2026-02-29", &out) != 0);
    CHECK(tz_parse_date("2026-1-01", &out) != 0);
    CHECK(tz_parse_date("2026-13-01", &out) != 0);
    CHECK(tz_parse_date("2026-12-08x", &out) != 0);
    CHECK(tz_parse_date("1969-12-31", &out) != 0);
    CHECK(tz_parse_date(NULL, &out) != 0);
}

static void
zone_names_are_checked_before_any_file_is_opened(void)
{
    CHECK(tz_name_valid("America/Costa_Rica"));
    CHECK(tz_name_valid("Etc/GMT+6"));
    CHECK(!tz_name_valid("../../etc/passwd"));
    CHECK(!tz_name_valid("America/../../etc/shadow"));
    CHECK(!tz_name_valid("/etc/passwd"));
    CHECK(!tz_name_valid("America//Belize"));
    CHECK(!tz_name_valid("America/Belize "));
    CHECK(!tz_name_valid(""));
    tz_t *z = NULL;
    char err[256];
    CHECK(tz_load(NULL, "America/Atlantida", &z, err, sizeof err) != 0 && !z);
    CHECK(strstr(err, "America/Atlantida") != NULL);
    CHECK(tz_load(NULL, "../passwd", &z, err, sizeof err) != 0 && !z);
}

static void
offsets_follow_each_countrys_rules(void)
{
    tz_t *ny = s_zone("America/New_York"), *mx = s_zone("America/Mexico_City");
    tz_t *cr = s_zone("America/Costa_Rica"), *dom = s_zone("America/Santo_Domingo");
    if (!ny || !mx || !cr || !dom)
        goto out;
    int64_t jan = s_utc(2026, 1, 15, 12, 0) / 1000, jul = s_utc(2026, 7, 1, 12, 0) / 1000;
    CHECK(tz_offset(ny, jan) == -5 * 3600);
    CHECK(tz_offset(ny, jul) == -4 * 3600);
    CHECK(tz_offset(mx, jul) == -6 * 3600);                            /* no DST since 2022 */
    CHECK(tz_offset(mx, s_utc(2021, 7, 1, 0, 0) / 1000) == -5 * 3600); /* it had then */
    CHECK(tz_offset(cr, jul) == -6 * 3600);
    CHECK(tz_offset(dom, jan) == -4 * 3600);
    /* Past the table's last transition, the footer's rule. */
    CHECK(tz_offset(ny, s_utc(2040, 7, 1, 0, 0) / 1000) == -4 * 3600);
    CHECK(tz_offset(ny, s_utc(2040, 12, 1, 0, 0) / 1000) == -5 * 3600);
    /* The changes themselves: 2026-03-08 07:00Z and 2026-11-01 06:00Z. */
    CHECK(tz_offset(ny, s_utc(2026, 3, 8, 7, 0) / 1000 - 1) == -5 * 3600);
    CHECK(tz_offset(ny, s_utc(2026, 3, 8, 7, 0) / 1000) == -4 * 3600);
    CHECK(tz_offset(ny, s_utc(2026, 11, 1, 6, 0) / 1000 - 1) == -4 * 3600);
    CHECK(tz_offset(ny, s_utc(2026, 11, 1, 6, 0) / 1000) == -5 * 3600);
    /* Wall clock to instant: midnights, a gap, a repeated hour. */
    int64_t mar8 = tz_days_from_civil(2026, 3, 8) * 86400;
    CHECK(tz_utc_of_local(ny, mar8) == s_utc(2026, 3, 8, 5, 0) / 1000);
    CHECK(tz_utc_of_local(ny, mar8 + 86400) == s_utc(2026, 3, 9, 4, 0) / 1000);
    CHECK(tz_utc_of_local(ny, mar8 + 2 * 3600 + 1800) == s_utc(2026, 3, 8, 7, 30) / 1000);
    int64_t nov1 = tz_days_from_civil(2026, 11, 1) * 86400;
    CHECK(tz_utc_of_local(ny, nov1 + 3600 + 1800) == s_utc(2026, 11, 1, 5, 30) / 1000);
    CHECK(tz_utc_of_local(cr, mar8) == s_utc(2026, 3, 8, 6, 0) / 1000);
out:
    tz_destroy(&ny);
    tz_destroy(&mx);
    tz_destroy(&cr);
    tz_destroy(&dom);
}

static void
weekends_are_skipped_in_each_countrys_zone(void)
{
    /* Opened on Thursday 3 December 2026 at 10:00 in San José (16:00Z). */
    tz_t *cr = s_zone("America/Costa_Rica"), *ca = s_zone("America/Toronto");
    tz_t *hn = s_zone("America/Tegucigalpa");
    if (!cr || !ca || !hn)
        goto out;
    int64_t opened = s_utc(2026, 12, 3, 16, 0);
    bizday_cal_t c_cr = {.zone = cr}, c_ca = {.zone = ca}, c_hn = {.zone = hn};
    bizday_round_t r;
    bizday_round(&c_cr, opened, 5, &r);
    /* Fri 4, Mon 7, Tue 8, Wed 9, Thu 10: the deadline is the end of Thursday
     * the 10th, San José's midnight. */
    CHECK(r.deadline_ms == s_utc(2026, 12, 11, 6, 0));
    CHECK(r.reminder_ms == s_utc(2026, 12, 9, 6, 0)); /* the start of Wednesday */
    CHECK(r.last_day_ms == s_utc(2026, 12, 10, 6, 0));
    CHECK(r.escalate_ms == s_utc(2026, 12, 12, 6, 0)); /* the end of Friday */
    CHECK(bizday_start(&c_cr, opened, 1) == s_utc(2026, 12, 4, 6, 0));
    CHECK(bizday_start(&c_cr, opened, 2) == s_utc(2026, 12, 7, 6, 0)); /* Monday */
    /* The same round ends on different instants in Ottawa and Tegucigalpa. */
    bizday_round_t ott, teg;
    bizday_round(&c_ca, opened, 5, &ott);
    bizday_round(&c_hn, opened, 5, &teg);
    CHECK(ott.deadline_ms == s_utc(2026, 12, 11, 5, 0));
    CHECK(teg.deadline_ms == s_utc(2026, 12, 11, 6, 0));
    CHECK(ott.deadline_ms != teg.deadline_ms);
    /* Opened on a Saturday: Monday is the first business day. */
    bizday_round(&c_cr, s_utc(2026, 12, 5, 18, 0), 5, &r);
    CHECK(r.deadline_ms == s_utc(2026, 12, 12, 6, 0)); /* the end of Friday the 11th */
    CHECK(!bizday_is_business(&c_cr, tz_days_from_civil(2026, 12, 5)));
    CHECK(bizday_is_business(&c_cr, tz_days_from_civil(2026, 12, 7)));
out:
    tz_destroy(&cr);
    tz_destroy(&ca);
    tz_destroy(&hn);
}

static void
holidays_are_skipped_for_their_country_only(void)
{
    /* Panama keeps 8 December (Mothers' Day); Costa Rica does not. */
    tz_t *pa = s_zone("America/Panama"), *cr = s_zone("America/Costa_Rica");
    if (!pa || !cr)
        goto out;
    int64_t days[] = {tz_days_from_civil(2026, 12, 25), tz_days_from_civil(2026, 12, 8)};
    bizday_cal_t c_pa = {.zone = pa, .holidays = days, .nholidays = 2}, c_cr = {.zone = cr};
    int64_t opened = s_utc(2026, 12, 3, 16, 0);
    bizday_round_t p, c;
    bizday_round(&c_pa, opened, 5, &p);
    bizday_round(&c_cr, opened, 5, &c);
    CHECK(!bizday_is_business(&c_pa, days[1]));
    CHECK(bizday_is_business(&c_cr, days[1]));
    CHECK(p.deadline_ms == s_utc(2026, 12, 12, 5, 0)); /* Fri 11th: one day later */
    CHECK(c.deadline_ms == s_utc(2026, 12, 11, 6, 0));
    /* Christmas and the weekend before it. */
    bizday_round(&c_pa, s_utc(2026, 12, 21, 15, 0), 5, &p);
    /* Tue 22, Wed 23, Thu 24, (Fri 25), Mon 28, Tue 29. */
    CHECK(p.deadline_ms == s_utc(2026, 12, 30, 5, 0));
    CHECK(p.last_day_ms == s_utc(2026, 12, 29, 5, 0));
    CHECK(p.reminder_ms == s_utc(2026, 12, 28, 5, 0));
out:
    tz_destroy(&pa);
    tz_destroy(&cr);
}

static void
two_zones_either_side_of_midnight_count_different_days(void)
{
    /* Thursday 3 December at 23:30 in Mexico City is already Friday 01:30
     * in Santo Domingo: Mexico's first business day is Friday, the
     * Dominican Republic's Monday. */
    tz_t *mx = s_zone("America/Mexico_City"), *dom = s_zone("America/Santo_Domingo");
    if (!mx || !dom)
        goto out;
    int64_t opened = s_utc(2026, 12, 4, 5, 30);
    bizday_cal_t c_mx = {.zone = mx}, c_do = {.zone = dom};
    CHECK(bizday_start(&c_mx, opened, 1) == s_utc(2026, 12, 4, 6, 0));
    CHECK(bizday_start(&c_do, opened, 1) == s_utc(2026, 12, 7, 4, 0));
    bizday_round_t m, d;
    bizday_round(&c_mx, opened, 5, &m);
    bizday_round(&c_do, opened, 5, &d);
    CHECK(m.deadline_ms == s_utc(2026, 12, 11, 6, 0)); /* end of Thursday the 10th */
    CHECK(d.deadline_ms == s_utc(2026, 12, 12, 4, 0)); /* end of Friday the 11th */
out:
    tz_destroy(&mx);
    tz_destroy(&dom);
}

static void
a_deadline_across_a_dst_change_in_one_country_but_not_another(void)
{
    /* Opened Thursday 5 March 2026 at 12:00Z. The US and Canada move their
     * clocks forward on Sunday the 8th; Mexico no longer does. Each deadline
     * is the end of Thursday the 12th, local midnight. */
    tz_t *us = s_zone("America/New_York"), *ca = s_zone("America/Toronto");
    tz_t *mx = s_zone("America/Mexico_City");
    if (!us || !ca || !mx)
        goto out;
    int64_t opened = s_utc(2026, 3, 5, 12, 0);
    bizday_cal_t c_us = {.zone = us}, c_ca = {.zone = ca}, c_mx = {.zone = mx};
    bizday_round_t u, c, m;
    bizday_round(&c_us, opened, 5, &u);
    bizday_round(&c_ca, opened, 5, &c);
    bizday_round(&c_mx, opened, 5, &m);
    CHECK(u.deadline_ms == s_utc(2026, 3, 13, 4, 0)); /* EDT: -4 */
    CHECK(c.deadline_ms == u.deadline_ms);
    CHECK(m.deadline_ms == s_utc(2026, 3, 13, 6, 0)); /* CST all year: -6 */
    /* The reminder, before the change in the US, and after it. */
    CHECK(u.reminder_ms == s_utc(2026, 3, 11, 4, 0));
    CHECK(bizday_start(&c_us, opened, 1) == s_utc(2026, 3, 6, 5, 0)); /* Friday, EST */
    /* The same local midnight, two hours apart in absolute time: one of them
     * the hour New York lost on the 8th. */
    CHECK(u.deadline_ms - opened == (7 * 24 + 16) * 3600 * 1000LL);
    CHECK(m.deadline_ms - opened == (7 * 24 + 18) * 3600 * 1000LL);
    /* And back in November: the US gains the hour. */
    bizday_round(&c_us, s_utc(2026, 10, 29, 12, 0), 5, &u); /* Thursday */
    bizday_round(&c_mx, s_utc(2026, 10, 29, 12, 0), 5, &m);
    CHECK(u.deadline_ms == s_utc(2026, 11, 6, 5, 0)); /* end of Thu 5 Nov, EST */
    CHECK(m.deadline_ms == s_utc(2026, 11, 6, 6, 0));
out:
    tz_destroy(&us);
    tz_destroy(&ca);
    tz_destroy(&mx);
}

static void
tests_fixed_length_days_ignore_the_calendar(void)
{
    int64_t holiday = tz_days_from_civil(2026, 12, 7);
    bizday_cal_t cal = {.day_ms = 2000, .holidays = &holiday, .nholidays = 1};
    int64_t t = s_utc(2026, 12, 5, 12, 0); /* a Saturday: counted all the same */
    bizday_round_t r;
    bizday_round(&cal, t, 5, &r);
    CHECK(r.reminder_ms == t + 6000);
    CHECK(r.last_day_ms == t + 8000);
    CHECK(r.deadline_ms == t + 10000);
    CHECK(r.escalate_ms == t + 12000);
    bizday_round(&cal, t, 1, &r);
    CHECK(r.reminder_ms == 0 && r.deadline_ms == t + 2000);
}

static void
a_calendar_of_holidays_only_still_ends(void)
{
    static int64_t all[800];
    int64_t first = tz_days_from_civil(2026, 12, 1);
    for (int i = 0; i < 800; i++)
        all[i] = first + i;
    bizday_cal_t cal = {.holidays = all, .nholidays = 800};
    int64_t end = bizday_end(&cal, s_utc(2026, 12, 1, 12, 0), 5);
    CHECK(end > s_utc(2026, 12, 1, 12, 0));
}

int
main(void)
{
    RUN(civil_dates_and_weekdays);
    RUN(zone_names_are_checked_before_any_file_is_opened);
    RUN(offsets_follow_each_countrys_rules);
    RUN(weekends_are_skipped_in_each_countrys_zone);
    RUN(holidays_are_skipped_for_their_country_only);
    RUN(two_zones_either_side_of_midnight_count_different_days);
    RUN(a_deadline_across_a_dst_change_in_one_country_but_not_another);
    RUN(tests_fixed_length_days_ignore_the_calendar);
    RUN(a_calendar_of_holidays_only_still_ends);
    return CHECK_DONE();
}
