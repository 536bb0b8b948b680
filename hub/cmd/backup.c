/*
 * backup.c: `enlace-hub backup [--encrypt-to ARCHIVE.public] DATA FILE`.
 *
 * 1. Refuses an existing FILE (a backup never overwrites anything).
 * 2. Creates the copy exclusively, mode 0600, and copies the archive into it
 *    with SQLite's online backup API, BACKUP_PAGES_PER_STEP pages at a time
 *    with a pause between steps. The copy is one snapshot: a read
 *    transaction is held on the source for the whole copy, so the hub's
 *    commits neither restart nor tear it (they go on into the WAL, which
 *    cannot be checkpointed past the snapshot until the copy is done).
 * 3. Checks the copy (PRAGMA integrity_check, message count, ledger head)
 *    before it gets its name, fsyncs it, then gives it the name FILE with
 *    link() + unlink(), a rename that cannot replace a FILE created
 *    meanwhile, and fsyncs the directory.
 * Plain, the copy is FILE.tmp. With --encrypt-to, the plaintext copy is made
 * beside the archive it copies (in DATA, which holds the same plaintext
 * already), never where FILE goes; it is encrypted to the ST's archive key
 * (common/encfile.h: a crypto_secretstream whose key is sealed to it) into
 * FILE.tmp, and removed. On any failure the temporary files are removed and
 * FILE does not exist. `enlace-hub verify FILE` checks a plain copy's chain
 * and signatures; `enlace-hub restore --key ARCHIVE.secret FILE DATA` an
 * encrypted one's, after decrypting it.
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

#include <sodium.h>

#include "archive.h"
#include "encfile.h"
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

/* Creates path exclusively with mode 0600. 0, or -1 after saying why. */
static int
s_create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(stderr,
                "enlace-hub: %s exists (left by an interrupted backup?); remove it and try"
                " again\n",
                path);
        else
            fprintf(stderr, "enlace-hub: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = fchmod(fd, 0600); /* whatever the umask */
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: cannot set mode 0600 on %s: %s\n", path, strerror(errno));
        s_remove_tmp(path);
        return -1;
    }
    return 0;
}

/* What a checked copy holds. */
typedef struct {
    char integrity[512];
    int64_t messages;
    int64_t head_id;
    uint8_t head[ARCHIVE_HASH_BYTES];
} copy_t;

/* Copies the archive at src into a new file dst (0600) and checks it. 0, or
 * -1 after saying why, dst removed. */
static int
s_snapshot(const char *src, const char *dst, copy_t *out)
{
    char err[512], why[600];
    if (s_create(dst) != 0)
        return -1;
    archive_t *a = archive_open_readonly(src, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        s_remove_tmp(dst);
        return -1;
    }
    int rc = archive_backup(a, dst, BACKUP_PAGES_PER_STEP, BACKUP_SLEEP_MS);
    if (rc != 0)
        snprintf(why, sizeof why, "%s", archive_error(a));
    archive_destroy(&a);
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: backup of %s failed: %s\n", src, why);
        s_remove_tmp(dst);
        return -1;
    }
    /* Check the copy before it gets its name. */
    archive_t *copy = archive_open_readonly(dst, err, sizeof err);
    if (!copy) {
        fprintf(stderr, "enlace-hub: the copy does not open: %s\n", err);
        s_remove_tmp(dst);
        return -1;
    }
    int ok = archive_integrity_check(copy, out->integrity, sizeof out->integrity);
    out->messages = archive_message_count(copy);
    archive_ledger_head(copy, &out->head_id, out->head);
    if (ok != 1 || out->messages < 0)
        snprintf(why, sizeof why, "%s",
            ok < 0 || out->messages < 0 ? archive_error(copy) : out->integrity);
    archive_destroy(&copy);
    if (ok != 1 || out->messages < 0) {
        fprintf(stderr, "enlace-hub: the copy fails its integrity check: %s\n", why);
        s_remove_tmp(dst);
        return -1;
    }
    return 0;
}

/* Encrypts the file plain into a new file dst (0600) for the archive key.
 * 0, or -1 after saying why, dst removed. */
static int
s_encrypt(const char *plain, const char *dst, const uint8_t archive_key[KEYS_PUBLIC_BYTES])
{
    char err[256];
    if (s_create(dst) != 0)
        return -1;
    int in = open(plain, O_RDONLY | O_CLOEXEC);
    int out = open(dst, O_WRONLY | O_TRUNC | O_CLOEXEC);
    encfile_writer_t *w = in >= 0 && out >= 0 ? encfile_writer_new(ENCFILE_KIND_BACKUP, archive_key,
                              encfile_fd_write, &out, err, sizeof err)
                                              : NULL;
    int rc = w ? 0 : -1;
    if (!w && (in < 0 || out < 0))
        snprintf(err, sizeof err, "%s", strerror(errno));
    static uint8_t buf[ENCFILE_CHUNK];
    while (rc == 0) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, sizeof err, "reading the copy: %s", strerror(errno));
            rc = -1;
        } else if (n == 0) {
            break;
        } else if (encfile_write(w, buf, (size_t)n) != 0) {
            snprintf(err, sizeof err, "writing %s: %s", dst, strerror(errno));
            rc = -1;
        }
    }
    sodium_memzero(buf, sizeof buf);
    if (rc == 0 && encfile_finish(w) != 0) {
        snprintf(err, sizeof err, "writing %s: %s", dst, strerror(errno));
        rc = -1;
    }
    encfile_writer_destroy(&w);
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0 && rc == 0) {
        snprintf(err, sizeof err, "writing %s: %s", dst, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: cannot encrypt the backup: %s\n", err);
        s_remove_tmp(dst);
    }
    return rc;
}

int
cmd_backup(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *encrypt_to = NULL;
    int npos = 0, bad = 0;
    for (int i = 0; i < argc && !bad; i++) {
        if (!strcmp(argv[i], "--encrypt-to") && i + 1 < argc)
            encrypt_to = argv[++i];
        else if (argv[i][0] == '-' || npos == 2)
            bad = 1;
        else
            pos[npos++] = argv[i];
    }
    if (bad || npos != 2) {
        fprintf(stderr, "usage: enlace-hub backup [--encrypt-to ARCHIVE.public] DATA FILE\n");
        return 2;
    }
    const char *file = pos[1];
    char src[4200], tmp[4210], plain[4240];
    ledger_archive_path(pos[0], src, sizeof src);
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    snprintf(plain, sizeof plain, "%s.backup-%ld.tmp", src, (long)getpid());
    struct stat st;
    if (stat(src, &st) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive (%s does not exist)\n", pos[0], src);
        return 1;
    }
    if (lstat(file, &st) == 0) {
        fprintf(stderr, "enlace-hub: %s exists; a backup never overwrites: give a new name\n",
            file);
        return 1;
    }
    uint8_t archive_key[KEYS_PUBLIC_BYTES];
    char kerr[KEYS_ERR_LEN], fp[KEYS_FINGERPRINT_LEN] = "";
    if (encrypt_to) {
        if (keys_init() != 0 || keys_public_load(encrypt_to, archive_key, kerr) != 0) {
            fprintf(stderr, "enlace-hub: --encrypt-to: %s\n", kerr);
            return 1;
        }
        keys_fingerprint(archive_key, fp);
    }

    copy_t c;
    if (s_snapshot(src, encrypt_to ? plain : tmp, &c) != 0)
        return 1;
    if (encrypt_to) {
        int rc = s_encrypt(plain, tmp, archive_key);
        s_remove_tmp(plain);
        if (rc != 0)
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
    keys_hex_encode(c.head, sizeof c.head, hex);
    printf("backup     %s (%lld bytes, mode 0600)\n", file, (long long)st.st_size);
    if (encrypt_to)
        printf("encrypted  to archive key %s (enlace-hub restore --key opens it)\n", fp);
    printf("source     %s\n", src);
    printf("integrity  %s\n", c.integrity);
    printf("messages   %lld\n", (long long)c.messages);
    printf("head       #%lld %s\n", (long long)c.head_id, hex);
    return 0;
}
