/*
 * tz: a country's time zone from the system's tz database, and civil dates.
 *
 * Why a reader of its own: business days are counted in each country's
 * zone (DOMAIN.md), and the C library only converts in one zone per
 * process, the one TZ names. Switching TZ (setenv, tzset) while the hub's
 * other threads (ZAP, the checkpointer, the signature workers, SQLite)
 * may read the environment or the time is a data race, and a restored TZ
 * does not undo a conversion another thread made meanwhile. So the zone
 * file itself is read: RFC 8536 TZif (/usr/share/zoneinfo, Debian's
 * tzdata), its 64-bit transition table and, past its last transition, the
 * POSIX TZ rule in its footer (e.g. "EST5EDT,M3.2.0,M11.1.0"). A loaded
 * zone is immutable, so any thread may use it; the process's TZ is never
 * touched.
 *
 * Times are seconds since the Unix epoch (UTC); "local seconds" are the
 * wall-clock time in the zone counted as if it were UTC (so that a civil
 * date and time maps to local seconds by plain arithmetic).
 */
#ifndef ENLACE_TZ_H
#define ENLACE_TZ_H

#include <stddef.h>
#include <stdint.h>

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_NAME_MAX 64

typedef struct tz tz_t;

/* 1 if name has the form of an IANA zone name (America/Costa_Rica): 1 to 64
 * bytes of letters, digits, '_', '-' and '+' in segments separated by '/',
 * none empty, "." or "..". Says nothing about whether the zone exists. */
int tz_name_valid(const char *name);

/* Loads zone `name` from dir (NULL: TZ_DIR). 0 and *out (free with
 * tz_destroy), or -1 with a one-line reason in err ("no such zone", "not a
 * TZif file", ...). */
int tz_load(const char *dir, const char *name, tz_t **out, char *err, size_t errlen);
void tz_destroy(tz_t **self_p);

/* The zone's name, as loaded. */
const char *tz_name(const tz_t *self);

/* The zone's offset from UTC in seconds at instant t (east positive: -6 h
 * is -21600). */
int32_t tz_offset(const tz_t *self, int64_t t);

/* "UTC-06:00", zone's offset at instant t, into out (cap bytes, 16 are
 * enough); "?" if the zone is "" or cannot be loaded. */
void tz_offset_text(const char *zone, int64_t t, char *out, size_t cap);

/* The instant at which the zone's wall clock shows `local`. A wall time
 * that happens twice (the clock set back) is its first instant; one that
 * never happens (the clock set forward) is taken with the offset before
 * the change, which lands after the gap. */
int64_t tz_utc_of_local(const tz_t *self, int64_t local);

/* Civil dates (proleptic Gregorian): days since 1970-01-01 and back, and
 * the weekday of a day (0 Sunday .. 6 Saturday). */
int64_t tz_days_from_civil(int y, int m, int d);
void tz_civil_from_days(int64_t days, int *y, int *m, int *d);
int tz_weekday(int64_t days);

/* Parses "YYYY-MM-DD" strictly (a real date from 1970 to 9999): 0 and
 * *days, or -1. */
int tz_parse_date(const char *s, int64_t *days);

#endif
