/*
 * number.c: see number.h.
 */
#include "number.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

number_status_t
number_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s)
        return NUMBER_NOT_A_NUMBER;
    const char *p = s;
    int negative = *p == '-';
    if (negative)
        p++;
    if (!*p)
        return NUMBER_NOT_A_NUMBER;
    uint64_t v = 0;
    int overflow = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return NUMBER_NOT_A_NUMBER;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    if (negative)
        return NUMBER_NEGATIVE;
    if (overflow || v > max)
        return NUMBER_TOO_LARGE;
    if (v < min)
        return NUMBER_TOO_SMALL;
    *out = v;
    return NUMBER_OK;
}

number_status_t
number_parse_double(const char *s, double *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return NUMBER_NOT_A_NUMBER;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v))
        return NUMBER_NOT_A_NUMBER;
    *out = v;
    return NUMBER_OK;
}

void
number_explain(char *out, size_t cap, const char *s, number_status_t status, uint64_t min,
    uint64_t max)
{
    const char *what = status == NUMBER_NEGATIVE ? "is negative"
        : status == NUMBER_TOO_SMALL             ? "is too small"
        : status == NUMBER_TOO_LARGE             ? "is too large"
                                                 : "is not a number";
    if (status == NUMBER_NOT_A_NUMBER)
        snprintf(out, cap, "'%s' %s", s ? s : "", what);
    else
        snprintf(out, cap, "'%s' %s: give a number from %llu to %llu", s ? s : "", what,
            (unsigned long long)min, (unsigned long long)max);
}
