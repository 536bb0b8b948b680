/*
 * backup.c: `enlace-hub backup DATA FILE`.
 *
 * 1. Refuses an existing FILE (a backup never overwrites anything).
 * 2. Creates FILE.tmp exclusively, mode 0600, and copies the archive into it
 *    with SQLite's online backup API, BACKUP_PAGES_PER_STEP pages at a time
 *    with a pause between steps. The copy is one snapshot: a read
 *    transaction is held on the source for the whole copy, so the hub's
 *    commits neither restart nor tear it (they go on into the WAL, which
 *    cannot be checkpointed past the snapshot until the copy is done).
 * 3. Checks the copy (PRAGMA integrity_check, message count, ledger head)
 *    before it gets its name, fsyncs it, then gives it the name FILE with
 *    link() + unlink(), a rename that cannot replace a FILE created
 *    meanwhile, and fsyncs the directory.
 * On any failure FILE.tmp is removed and FILE does not exist.
 * `enlace-hub verify FILE` checks the copy's chain and signatures.
 */
#include "backup.h"
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "keys.h"
#include "ledger.h"

static int
s_fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void
s_remove_tmp(const char *tmp)
{
    char side[4300];
    unlink(tmp);
    snprintf(side, sizeof side, "%s-journal", tmp);
    unlink(side);
}

int
cmd_backup(int argc, char **argv)
{
    if (argc != 2 || argv[0][0] == '-' || argv[1][0] == '-') {
        fprintf(stderr, "usage: enlace-hub backup DATA FILE\n");
        return 2;
    }
    const char *file = argv[1];
    char src[4200], tmp[4210], err[512], why[600];
    ledger_archive_path(argv[0], src, sizeof src);
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    struct stat st;
    if (stat(src, &st) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive (%s does not exist)\n", argv[0], src);
        return 1;
    }
    if (lstat(file, &st) == 0) {
        fprintf(stderr, "enlace-hub: %s exists; a backup never overwrites: give a new name\n",
            file);
        return 1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(stderr,
                "enlace-hub: %s exists (left by an interrupted backup?); remove it and try"
                " again\n",
                tmp);
        else
            fprintf(stderr, "enlace-hub: cannot create %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    int rc = fchmod(fd, 0600); /* whatever the umask */
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: cannot set mode 0600 on %s: %s\n", tmp, strerror(errno));
        s_remove_tmp(tmp);
        return 1;
    }

    archive_t *a = archive_open_readonly(src, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        s_remove_tmp(tmp);
        return 1;
    }
    rc = archive_backup(a, tmp, BACKUP_PAGES_PER_STEP, BACKUP_SLEEP_MS);
    if (rc != 0)
        snprintf(why, sizeof why, "%s", archive_error(a));
    archive_destroy(&a);
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: backup of %s failed: %s\n", src, why);
        s_remove_tmp(tmp);
        return 1;
    }

    /* Check the copy before it gets its name. */
    archive_t *copy = archive_open_readonly(tmp, err, sizeof err);
    if (!copy) {
        fprintf(stderr, "enlace-hub: the copy does not open: %s\n", err);
        s_remove_tmp(tmp);
        return 1;
    }
    char integrity[512];
    int ok = archive_integrity_check(copy, integrity, sizeof integrity);
    int64_t messages = archive_message_count(copy);
    int64_t head_id;
    uint8_t head[ARCHIVE_HASH_BYTES];
    archive_ledger_head(copy, &head_id, head);
    if (ok != 1 || messages < 0)
        snprintf(why, sizeof why, "%s", ok < 0 || messages < 0 ? archive_error(copy) : integrity);
    archive_destroy(&copy);
    if (ok != 1 || messages < 0) {
        fprintf(stderr, "enlace-hub: the copy fails its integrity check: %s\n", why);
        s_remove_tmp(tmp);
        return 1;
    }

    if (s_fsync_path(tmp, O_RDONLY) != 0) {
        fprintf(stderr, "enlace-hub: cannot flush %s: %s\n", tmp, strerror(errno));
        s_remove_tmp(tmp);
        return 1;
    }
    if (link(tmp, file) != 0) {
        int e = errno;
        if (e == EEXIST)
            fprintf(stderr, "enlace-hub: %s appeared during the backup; not overwritten\n", file);
        else
            fprintf(stderr, "enlace-hub: cannot name the copy %s: %s\n", file, strerror(e));
        s_remove_tmp(tmp);
        return 1;
    }
    unlink(tmp);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", file);
    s_fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY);

    if (stat(file, &st) != 0)
        st.st_size = 0;
    char hex[2 * ARCHIVE_HASH_BYTES + 1];
    keys_hex_encode(head, sizeof head, hex);
    printf("backup     %s (%lld bytes, mode 0600)\n", file, (long long)st.st_size);
    printf("source     %s\n", src);
    printf("integrity  %s\n", integrity);
    printf("messages   %lld\n", (long long)messages);
    printf("head       #%lld %s\n", (long long)head_id, hex);
    return 0;
}
