/*
 * archive_fixture.h: what the archive's unit tests share (test_archive.c,
 * test_archive_officers.c): one private directory under /tmp, opening an
 * archive file in it, and counting rows over a connection of the test's
 * own.
 */
#ifndef ENLACE_TEST_ARCHIVE_FIXTURE_H
#define ENLACE_TEST_ARCHIVE_FIXTURE_H

#include "check.h"

#include <sqlite3.h>

#include "archive.h"

static char s_dir[128];

/* Opens (creating) dir/name; NULL reported as a failed check. */
static archive_t *
s_open(const char *name, char path[256])
{
    char err[512] = "";
    snprintf(path, 256, "%s/%s", s_dir, name);
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_OFF, err, sizeof err);
    if (!a)
        fprintf(stderr, "  archive_open %s: %s\n", path, err);
    CHECK(a != NULL);
    return a;
}

/* The integer of the first row of sql, read over another connection; -1
 * if none. */
static int
s_count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

#endif
