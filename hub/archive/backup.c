/*
 * backup.c: the archive's online copy (SQLite backup API) into one
 * self-contained file. Part of the archive module; `enlace-hub backup`
 * (hub/cmd/backup.c) drives it and checks the copy.
 */

#include <stdio.h>

#include "archive_int.h"

int
archive_backup(archive_t *self, const char *dest_path, int pages, int sleep_ms)
{
    sqlite3 *dest = NULL;
    if (sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
        != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "cannot open %s: %s", dest_path,
            dest ? sqlite3_errmsg(dest) : "out of memory");
        sqlite3_close(dest);
        return -1;
    }
    /* Holding one read transaction for the whole copy keeps the snapshot
     * fixed: without it, every commit by the hub would restart the backup,
     * which under steady traffic would never finish. */
    if (archive_read_begin(self) != 0) {
        sqlite3_close(dest);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", self->db, "main");
    if (!b) {
        snprintf(self->error, sizeof self->error, "backup: %s", sqlite3_errmsg(dest));
        archive_read_end(self);
        sqlite3_close(dest);
        return -1;
    }
    int rc, busy = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, pages) & 0xff;
        if (rc == SQLITE_OK) {
            sqlite3_sleep(sleep_ms);
        } else if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && busy++ < 200) {
            sqlite3_sleep(50);
        } else {
            break;
        }
    }
    sqlite3_backup_finish(b);
    archive_read_end(self);
    if (rc != SQLITE_DONE) {
        snprintf(self->error, sizeof self->error, "backup: %s", sqlite3_errstr(rc));
        sqlite3_close(dest);
        return -1;
    }
    /* One self-contained file: no -wal beside it to lose. */
    char *msg = NULL;
    if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "backup: %s", msg ? msg : sqlite3_errmsg(dest));
        sqlite3_free(msg);
        sqlite3_close(dest);
        return -1;
    }
    if (sqlite3_close(dest) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "backup: closing %s failed", dest_path);
        return -1;
    }
    return 0;
}
