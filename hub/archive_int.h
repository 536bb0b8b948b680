/*
 * archive_int: what the archive's source files share. Not for use outside
 * hub/archive*.c.
 */
#ifndef ENLACE_ARCHIVE_INT_H
#define ENLACE_ARCHIVE_INT_H

#include <sqlite3.h>

#include "archive.h"

enum { ST_COUNT_MAX = 16 };

struct archive {
    sqlite3 *db;                  /* the one connection; owned */
    sqlite3_stmt *st[ST_COUNT_MAX];   /* prepared once, lazily; owned */
    char error[512];              /* last failure, with sqlite3_errmsg */
    uint64_t last_seq;            /* highest seq stored (committed or in this txn) */
    uint64_t txn_first_seq;       /* last_seq when the open transaction began */
    int in_txn;                   /* 1 while a transaction is open */
    char actor_fp[24];            /* who directory changes are made by ("" local) */
    int64_t actor_id;
};

/* Records "what: sqlite3_errmsg" as the error; returns -1. */
int archive_int_fail(archive_t *self, const char *what);
int archive_int_exec(archive_t *self, const char *sql);
/* 1 if the one-parameter query returns a row, 0 if not, -1 on error. */
int archive_int_exists(archive_t *self, const char *sql, const char *value);
/* Steps st (and finalizes it) in a transaction of its own unless one is open,
 * with an audit record. */
int archive_int_write_audited(archive_t *self, sqlite3_stmt *st, const char *actor_fp,
    int64_t actor_id, const char *action, const char *detail, int64_t *rowid);

#endif
