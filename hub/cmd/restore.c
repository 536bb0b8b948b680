/*
 * restore.c: `enlace-hub restore --key ARCHIVE.secret FILE DATA`, an
 * encrypted backup (`backup --encrypt-to`) back into a data directory.
 *
 * All or nothing: DATA must not hold an archive yet (it may be missing, or
 * empty, and is created 0750 if missing). The backup is decrypted into
 * DATA/.archive.db.restore (0600) as each record authenticates
 * (common/encfile.h); only once the final record has authenticated, and the
 * plaintext is an SQLite archive that opens (migrated, if it is of an older
 * schema) and passes its integrity check, is it renamed to DATA/archive.db. A wrong key, a file cut
 * short, a changed byte or a copy that does not check are refused with a reason, and the temporary
 * file (and a DATA this command created) are removed: nothing is written. The hub key is not in a
 * backup: copy hub.secret and hub.public back from where you keep them (or `enlace-hub init DATA`
 * makes a new one), then `enlace-hub verify DATA`.
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "archive.h"
#include "encfile.h"
#include "keys.h"
#include "passphrase.h"

static int
s_usage(void)
{
    fprintf(stderr, "usage: enlace-hub restore --key ARCHIVE.secret FILE DATA\n");
    return 2;
}

/* The secret key file, asking for its passphrase if it is sealed. */
static keys_identity_t *
s_load_key(const char *path)
{
    char err[KEYS_ERR_LEN], perr[256];
    char *pass = NULL;
    int sealed = keys_secret_is_sealed(path);
    if (sealed == 1) {
        pass = sodium_malloc(256);
        if (!pass
            || passphrase_read("Passphrase for the archive key: ", 0, pass, 256, perr, sizeof perr)
                != 0) {
            fprintf(stderr, "enlace-hub: %s\n", pass ? perr : "out of memory");
            if (pass)
                sodium_free(pass);
            return NULL;
        }
    }
    keys_identity_t *id = NULL;
    int rc = keys_identity_load(path, pass, &id, err);
    if (pass)
        sodium_free(pass);
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: --key: %s\n", err);
        return NULL;
    }
    return id;
}

int
cmd_restore(int argc, char **argv)
{
    const char *key = NULL, *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (argv[i][0] == '-' || npos == 2)
            return s_usage();
        else
            pos[npos++] = argv[i];
    }
    if (!key || npos != 2)
        return s_usage();
    const char *file = pos[0], *data = pos[1];
    if (keys_init() != 0) {
        fprintf(stderr, "enlace-hub: libsodium failed to initialise\n");
        return 1;
    }
    char dest[4200], tmp[4220];
    snprintf(dest, sizeof dest, "%s/" ARCHIVE_FILE, data);
    snprintf(tmp, sizeof tmp, "%s/." ARCHIVE_FILE ".restore", data);
    struct stat st;
    if (lstat(dest, &st) == 0) {
        fprintf(stderr,
            "enlace-hub: %s already holds an archive; restore only into a new or "
            "empty data directory\n",
            data);
        return 1;
    }
    int in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        fprintf(stderr, "enlace-hub: cannot read %s: %s\n", file, strerror(errno));
        return 1;
    }
    keys_identity_t *id = s_load_key(key);
    if (!id) {
        close(in);
        return 1;
    }
    int made_dir = 0;
    if (stat(data, &st) != 0) {
        if (mkdir(data, 0750) != 0) {
            fprintf(stderr, "enlace-hub: cannot create %s: %s\n", data, strerror(errno));
            keys_identity_destroy(&id);
            close(in);
            return 1;
        }
        made_dir = 1;
    } else if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "enlace-hub: %s is not a directory\n", data);
        keys_identity_destroy(&id);
        close(in);
        return 1;
    }
    int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc = 1;
    char err[512] = "";
    if (out < 0) {
        snprintf(err, sizeof err, "cannot create %s: %s", tmp, strerror(errno));
    } else {
        uint8_t cpk[KEYS_CURVE_BYTES], csk[KEYS_CURVE_BYTES], named[KEYS_PUBLIC_BYTES];
        keys_identity_curve_public(id, cpk);
        keys_identity_curve_secret(id, csk);
        char kind = 0;
        int e = encfile_read(encfile_fd_read, &in, encfile_fd_write, &out, keys_identity_public(id),
            cpk, csk, &kind, named, err, sizeof err);
        sodium_memzero(csk, sizeof csk);
        if (e == ENCFILE_EWRONGKEY) {
            char want[KEYS_FINGERPRINT_LEN], have[KEYS_FINGERPRINT_LEN];
            keys_fingerprint(named, want);
            keys_fingerprint(keys_identity_public(id), have);
            snprintf(err, sizeof err, "%s is encrypted to archive key %s; %s is key %s", file, want,
                key, have);
        } else if (e == ENCFILE_OK && kind != ENCFILE_KIND_BACKUP) {
            snprintf(err, sizeof err,
                "%s is an encrypted export, not a backup (enlace unseal "
                "--key reads it)",
                file);
        } else if (e == ENCFILE_OK && fsync(out) != 0) {
            snprintf(err, sizeof err, "cannot flush %s: %s", tmp, strerror(errno));
        } else if (e == ENCFILE_OK) {
            rc = 0;
        }
        if (close(out) != 0 && rc == 0) {
            snprintf(err, sizeof err, "cannot write %s: %s", tmp, strerror(errno));
            rc = 1;
        }
    }
    keys_identity_destroy(&id);
    close(in);
    int64_t messages = -1, head_id = 0;
    uint8_t head[ARCHIVE_HASH_BYTES];
    char integrity[512] = "";
    if (rc == 0) {
        char aerr[512];
        /* Read-write: a backup of an older schema is migrated here, as the
         * hub would on its first start. */
        archive_t *a = archive_open(tmp, 0, ARCHIVE_SYNC_FULL, aerr, sizeof aerr);
        int ok = a ? archive_integrity_check(a, integrity, sizeof integrity) : -1;
        if (a) {
            messages = archive_message_count(a);
            archive_ledger_head(a, &head_id, head);
        }
        if (!a)
            snprintf(err, sizeof err, "the decrypted backup does not open: %s", aerr);
        else if (ok != 1 || messages < 0)
            snprintf(err, sizeof err, "the decrypted backup fails its integrity check: %s",
                ok < 0 || messages < 0 ? archive_error(a) : integrity);
        rc = a && ok == 1 && messages >= 0 ? 0 : 1;
        archive_destroy(&a);
    }
    if (rc == 0 && rename(tmp, dest) != 0) {
        snprintf(err, sizeof err, "cannot name the archive %s: %s", dest, strerror(errno));
        rc = 1;
    }
    if (rc != 0) {
        unlink(tmp);
        static const char *const sides[] = {"-journal", "-wal", "-shm"};
        for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
            char side[4300];
            snprintf(side, sizeof side, "%s%s", tmp, sides[i]);
            unlink(side);
        }
        if (made_dir)
            rmdir(data);
        fprintf(stderr, "enlace-hub: restore refused: %s; nothing was written\n", err);
        return 1;
    }
    int dfd = open(data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    char hex[2 * ARCHIVE_HASH_BYTES + 1];
    keys_hex_encode(head, sizeof head, hex);
    printf("restored   %s\n", dest);
    printf("integrity  %s\n", integrity);
    printf("messages   %lld\n", (long long)messages);
    printf("head       #%lld %s\n", (long long)head_id, hex);
    printf("next: copy hub.secret and hub.public into %s (or enlace-hub init it for a new hub "
           "key), then enlace-hub verify %s\n",
        data, data);
    return 0;
}
