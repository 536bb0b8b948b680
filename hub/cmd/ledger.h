/*
 * ledger: `enlace-hub verify`, the check of the archive's hash chain and of
 * every author signature. What is chained, and how to check it by hand, is
 * written at the top of ledger.c.
 */
#ifndef ENLACE_LEDGER_H
#define ENLACE_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "archive.h"

typedef struct {
    int64_t records;         /* ledger records read */
    int64_t messages;        /* ... of which kind "message" */
    int64_t audits;          /* "audit" */
    int64_t officers;        /* "officer" (directory changes of officers, keys, memberships) */
    int64_t ppt;             /* "ppt" (PPT by year) */
    int64_t invitations;     /* "invitation" (grants and revocations) */
    int64_t references;      /* "reference" */
    int64_t others;          /* kinds this verify cannot recompute: chain checked only */
    int64_t signatures;      /* message signatures that verified */
    int64_t problems;        /* records (or rows) that do not match */
    char first_problem[512]; /* the first of them, "" if none */
    int64_t head_id;         /* last ledger record, 0 if the ledger is empty */
    uint8_t head[ARCHIVE_HASH_BYTES];
} ledger_report_t;

/* Checks the whole archive in one read snapshot (a running hub may keep
 * writing). Writes one line per problem to out (NULL: none), at most
 * max_lines of them. Returns 0 if the check ran to the end (the verdict is
 * report->problems == 0), -1 if the archive could not be read
 * (archive_error). */
int ledger_verify(archive_t *archive, ledger_report_t *report, FILE *out, int max_lines);

/* DATA (a directory: DATA/archive.db) or FILE (an archive file, such as a
 * backup) to the archive's path. */
void ledger_archive_path(const char *arg, char *out, size_t cap);

#endif
