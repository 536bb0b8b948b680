/*
 * export: `enlace-hub export`, the archive's messages as JSON lines.
 */
#ifndef ENLACE_EXPORT_H
#define ENLACE_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "archive.h"

typedef struct {
    int64_t from_ms;     /* stored_ms >= from_ms (0: no bound) */
    int64_t to_ms;       /* stored_ms < to_ms (0: no bound) */
    const char *pattern; /* topic pattern, '+' and '#' as in subscriptions; NULL: all */
    int restricted;      /* include what labels or handling codes forbid passing on
                          * (TLP:RED, AMBER+STRICT, H1-H3); withheld otherwise */
    int64_t withheld;    /* out: messages withheld for their label or handling code */
} export_filter_t;

/* Writes one JSON object per line to out for every message that passes the
 * filter, in sequence order, from one read snapshot. *count is the number
 * written. Returns 0, or -1 with a reason in err. */
int export_run(archive_t *archive, export_filter_t *filter, FILE *out, int64_t *count, char *err,
    size_t errlen);

/* Parses TIME: ISO-8601 UTC (2026-11-21, 2026-11-21T10:00Z,
 * 2026-11-21T10:00:00Z, 2026-11-21T10:00:00.250Z) or Unix milliseconds.
 * Returns 0 or -1. */
int export_parse_time(const char *s, int64_t *ms);

#endif
