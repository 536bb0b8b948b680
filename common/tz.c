/*
 * tz.c: TZif files (RFC 8536) and POSIX TZ rules, read without touching
 * the process's TZ (see tz.h for why).
 */
#include "tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_FILE_MAX (256 * 1024)  /* the largest zone file in tzdata is under 10 KiB */
#define TZ_OFFSET_MAX (26 * 3600) /* no zone is further from UTC than this */

/* A POSIX TZ rule date: when DST starts or ends in a year. */
typedef struct {
    char kind;    /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month, week, weekday) */
    int n;        /* J and N */
    int m, w, d;  /* M: month 1..12, week 1..5 (5: the last), weekday 0 (Sunday)..6 */
    int32_t secs; /* the local time of the change (default 02:00) */
} rule_date_t;

struct tz {
    char name[TZ_NAME_MAX + 1];
    int64_t *times; /* transition instants, ascending; owned */
    uint8_t *types; /* the type in force from each transition; owned */
    size_t ntimes;
    int32_t *utoff; /* each type's offset; owned */
    size_t ntypes;
    /* The footer's rule, in force after the last transition. */
    int has_rule;
    int has_dst;
    int32_t std_off, dst_off; /* east positive */
    rule_date_t start, end;   /* DST starts (in standard time) and ends (in DST) */
};

/* ---------------------------------------------------------------- civil dates */

static int64_t
s_floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t
tz_days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = s_floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = s_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int
tz_weekday(int64_t days)
{
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static int
s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
tz_parse_date(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && s_leap(y)))
        return -1;
    *days = tz_days_from_civil(y, m, d);
    return 0;
}

/* ---------------------------------------------------------------- names */

int
tz_name_valid(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/')
        return 0;
    const char *seg = name;
    for (size_t i = 0; i <= len; i++) {
        char c = name[i];
        if (c == '/' || c == '\0') {
            size_t n = (size_t)(name + i - seg);
            if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)))
                return 0;
            seg = name + i + 1;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
                || c == '-' || c == '+' || c == '.'))
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- the footer */

/* [+-]hh[:mm[:ss]] with hours up to max_h; 0 and the seconds, or -1. */
static int
s_hms(const char **p, int max_h, int32_t *out)
{
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return -1;
    int h = 0, m = 0, sec = 0, digits = 0;
    while (*s >= '0' && *s <= '9' && digits++ < 3)
        h = h * 10 + (*s++ - '0');
    if (h > max_h)
        return -1;
    for (int part = 0; part < 2 && *s == ':'; part++) {
        s++;
        if (s[0] < '0' || s[0] > '5' || s[1] < '0' || s[1] > '9')
            return -1;
        int v = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
        if (part == 0)
            m = v;
        else
            sec = v;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    *p = s;
    return 0;
}

/* A zone abbreviation: three or more letters, or <...> quoted. */
static int
s_abbr(const char **p)
{
    const char *s = *p;
    if (*s == '<') {
        const char *end = strchr(s, '>');
        if (!end || end - s < 4)
            return -1;
        *p = end + 1;
        return 0;
    }
    int n = 0;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
        s++;
        n++;
    }
    if (n < 3)
        return -1;
    *p = s;
    return 0;
}

static int
s_number(const char **p, int lo, int hi, int *out)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return -1;
    int v = 0;
    while (*s >= '0' && *s <= '9' && v <= hi)
        v = v * 10 + (*s++ - '0');
    if (v < lo || v > hi)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static int
s_rule_date(const char **p, rule_date_t *r)
{
    const char *s = *p;
    memset(r, 0, sizeof *r);
    if (*s == 'J') {
        s++;
        r->kind = 'J';
        if (s_number(&s, 1, 365, &r->n) != 0)
            return -1;
    } else if (*s == 'M') {
        s++;
        r->kind = 'M';
        if (s_number(&s, 1, 12, &r->m) != 0 || *s++ != '.' || s_number(&s, 1, 5, &r->w) != 0
            || *s++ != '.' || s_number(&s, 0, 6, &r->d) != 0)
            return -1;
    } else {
        r->kind = 'N';
        if (s_number(&s, 0, 365, &r->n) != 0)
            return -1;
    }
    r->secs = 2 * 3600;
    if (*s == '/') {
        s++;
        if (s_hms(&s, 167, &r->secs) != 0)
            return -1;
    }
    *p = s;
    return 0;
}

/* The footer's TZ string, e.g. "CST6" or "EST5EDT,M3.2.0,M11.1.0". An empty
 * one says nothing (the table holds all). 0, or -1 if malformed. */
static int
s_parse_rule(tz_t *self, const char *s)
{
    if (!*s)
        return 0;
    int32_t off;
    if (s_abbr(&s) != 0 || s_hms(&s, 24, &off) != 0)
        return -1;
    self->std_off = -off; /* POSIX counts west of Greenwich as positive */
    self->dst_off = self->std_off + 3600;
    if (*s && *s != ',') {
        if (s_abbr(&s) != 0)
            return -1;
        if (*s && *s != ',') {
            if (s_hms(&s, 24, &off) != 0)
                return -1;
            self->dst_off = -off;
        }
        if (*s++ != ',' || s_rule_date(&s, &self->start) != 0 || *s++ != ','
            || s_rule_date(&s, &self->end) != 0)
            return -1;
        self->has_dst = 1;
    }
    if (*s)
        return -1;
    self->has_rule = 1;
    return 0;
}

/* The day (since the epoch) a rule date falls on in year y. */
static int64_t
s_rule_day(const rule_date_t *r, int y)
{
    int64_t jan1 = tz_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (s_leap(y) && r->n >= 60);
    if (r->kind == 'N')
        return jan1 + r->n;
    int64_t first = tz_days_from_civil(y, r->m, 1);
    int64_t next = r->m == 12 ? tz_days_from_civil(y + 1, 1, 1)
                              : tz_days_from_civil(y, r->m + 1, 1);
    int64_t day = first + (r->d - tz_weekday(first) + 7) % 7 + 7 * (r->w - 1);
    while (day >= next)
        day -= 7;
    return day;
}

static int32_t
s_rule_offset(const tz_t *self, int64_t t)
{
    if (!self->has_dst)
        return self->std_off;
    int y, m, d;
    tz_civil_from_days(s_floor_div(t + self->std_off, 86400), &y, &m, &d);
    int64_t start = s_rule_day(&self->start, y) * 86400 + self->start.secs - self->std_off;
    int64_t end = s_rule_day(&self->end, y) * 86400 + self->end.secs - self->dst_off;
    int dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? self->dst_off : self->std_off;
}

/* ---------------------------------------------------------------- TZif */

static uint32_t
s_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
s_be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)s_be32(p) << 32 | s_be32(p + 4));
}

typedef struct {
    uint32_t isut, isstd, leap, time, type, chars;
} counts_t;

static int
s_header(const uint8_t *p, size_t n, counts_t *c, char *version)
{
    if (n < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    *version = (char)p[4];
    c->isut = s_be32(p + 20);
    c->isstd = s_be32(p + 24);
    c->leap = s_be32(p + 28);
    c->time = s_be32(p + 32);
    c->type = s_be32(p + 36);
    c->chars = s_be32(p + 40);
    /* Bounds that keep every product below in range. */
    if (c->time > 100000 || c->type == 0 || c->type > 256 || c->chars > 100000 || c->leap > 100000
        || (c->isut && c->isut != c->type) || (c->isstd && c->isstd != c->type))
        return -1;
    return 0;
}

static size_t
s_block_len(const counts_t *c, size_t tsize)
{
    return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd
        + c->isut;
}

static int
s_parse(tz_t *self, const uint8_t *p, size_t n)
{
    counts_t c;
    char version;
    if (s_header(p, n, &c, &version) != 0)
        return -1;
    size_t tsize = 4, at = 44;
    if (version >= '2') {
        /* Skip the 32-bit block to the 64-bit one. */
        at += s_block_len(&c, 4);
        if (at > n || s_header(p + at, n - at, &c, &version) != 0)
            return -1;
        at += 44;
        tsize = 8;
    }
    if (s_block_len(&c, tsize) > n - at)
        return -1;
    self->ntimes = c.time;
    self->ntypes = c.type;
    self->times = malloc((c.time ? c.time : 1) * sizeof *self->times);
    self->types = malloc(c.time ? c.time : 1);
    self->utoff = malloc(c.type * sizeof *self->utoff);
    if (!self->times || !self->types || !self->utoff)
        return -1;
    for (size_t i = 0; i < c.time; i++) {
        self->times[i] = tsize == 8 ? s_be64(p + at) : (int32_t)s_be32(p + at);
        at += tsize;
        if (i && self->times[i] <= self->times[i - 1])
            return -1;
    }
    for (size_t i = 0; i < c.time; i++) {
        self->types[i] = p[at++];
        if (self->types[i] >= c.type)
            return -1;
    }
    for (size_t i = 0; i < c.type; i++) {
        int32_t off = (int32_t)s_be32(p + at);
        if (off < -TZ_OFFSET_MAX || off > TZ_OFFSET_MAX)
            return -1;
        self->utoff[i] = off;
        at += 6;
    }
    at += c.chars + c.leap * (tsize + 4) + c.isstd + c.isut;
    if (tsize == 8) {
        /* The footer: "\n" TZ "\n". */
        if (at >= n || p[at] != '\n')
            return -1;
        const uint8_t *end = memchr(p + at + 1, '\n', n - at - 1);
        if (!end || end - (p + at + 1) > 128)
            return -1;
        char rule[130];
        size_t len = (size_t)(end - (p + at + 1));
        memcpy(rule, p + at + 1, len);
        rule[len] = '\0';
        if (s_parse_rule(self, rule) != 0)
            return -1;
    }
    return 0;
}

int
tz_load(const char *dir, const char *name, tz_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!tz_name_valid(name)) {
        snprintf(err, errlen, "'%s' is not a time zone name (e.g. America/Costa_Rica)",
            name ? name : "");
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : TZ_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "no time zone '%s' in %s (%s; is tzdata installed?)", name,
            dir ? dir : TZ_DIR, strerror(errno));
        return -1;
    }
    uint8_t *buf = malloc(TZ_FILE_MAX);
    size_t n = buf ? fread(buf, 1, TZ_FILE_MAX, f) : 0;
    int too_big = buf && n == TZ_FILE_MAX;
    fclose(f);
    tz_t *self = calloc(1, sizeof *self);
    if (!buf || !self) {
        free(buf);
        free(self);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(self->name, sizeof self->name, "%s", name);
    if (too_big || s_parse(self, buf, n) != 0) {
        free(buf);
        tz_destroy(&self);
        snprintf(err, errlen, "%s is not a time zone file (TZif) this reader understands", path);
        return -1;
    }
    free(buf);
    *out = self;
    return 0;
}

void
tz_destroy(tz_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tz_t *self = *self_p;
    free(self->times);
    free(self->types);
    free(self->utoff);
    free(self);
    *self_p = NULL;
}

const char *
tz_name(const tz_t *self)
{
    return self->name;
}

int32_t
tz_offset(const tz_t *self, int64_t t)
{
    if (self->ntimes == 0 || t >= self->times[self->ntimes - 1]) {
        if (self->has_rule)
            return s_rule_offset(self, t);
        if (self->ntimes == 0)
            return self->utoff[0];
        return self->utoff[self->types[self->ntimes - 1]];
    }
    if (t < self->times[0])
        return self->utoff[0];            /* RFC 8536: type 0 before the first transition */
    size_t lo = 0, hi = self->ntimes - 1; /* times[lo] <= t < times[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return self->utoff[self->types[lo]];
}

int64_t
tz_utc_of_local(const tz_t *self, int64_t local)
{
    /* At most one change of offset within a day either side: the instant
     * is local minus one of the two offsets around it. */
    int32_t before = tz_offset(self, local - 86400 - TZ_OFFSET_MAX);
    int32_t after = tz_offset(self, local + 86400 + TZ_OFFSET_MAX);
    int64_t a = local - before, b = local - after;
    int a_ok = a + tz_offset(self, a) == local, b_ok = b + tz_offset(self, b) == local;
    if (a_ok && b_ok)
        return a < b ? a : b;
    if (b_ok)
        return b;
    return a; /* in a gap: the offset before it */
}

void
tz_offset_text(const char *zone, int64_t t, char *out, size_t cap)
{
    tz_t *tz = NULL;
    char err[256];
    snprintf(out, cap, "?");
    if (zone && *zone && tz_load(NULL, zone, &tz, err, sizeof err) == 0) {
        int32_t off = tz_offset(tz, t);
        int32_t a = off < 0 ? -off : off;
        snprintf(out, cap, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600),
            (int)(a % 3600 / 60));
    }
    tz_destroy(&tz);
}
