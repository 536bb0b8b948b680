/*
 * archive_key.c: `enlace-hub archive-key set DATA FILE.public` and
 * `archive-key show DATA`: the ST's archive key, the one key besides the
 * recipients' that every sealed message is sealed to (PROTOCOL.md 6).
 *
 * The key pair is made with enlace-keygen on the ST's own offline machine;
 * only its public half comes here. It is kept in the archive's meta table
 * (DIR_ARCHIVE_KEY_META, hex) and every change is an audit entry,
 * "archive-key.set", whose detail names the new key in full: the audit log
 * is chained in the ledger, so `enlace-hub verify` checks that the meta
 * table holds the key the latest entry set (a key swapped behind the hub's
 * back is found). Rotation is setting a new key: messages sealed before
 * stay sealed to the old one, whose secret the ST keeps. A running hub
 * takes the new key at its next directory reload (within a second).
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "cluster.h"
#include "directory.h"
#include "keys.h"
#include "ledger.h"

static int
s_usage(void)
{
    fprintf(stderr,
        "usage: enlace-hub archive-key set DATA FILE.public\n"
        "       enlace-hub archive-key show DATA\n");
    return 2;
}

/* The archive key in force: 1 and its key, 0 none, -1 error. */
static int
s_current(archive_t *a, uint8_t pk[32])
{
    char hex[2 * 32 + 1];
    int found = archive_meta_get(a, DIR_ARCHIVE_KEY_META, hex, sizeof hex);
    if (found != 1)
        return found;
    return keys_hex_decode(hex, pk, 32) == 0 ? 1 : -1;
}

int
cmd_archive_key(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-')
        return s_usage();
    int set = !strcmp(argv[0], "set");
    if ((set && argc != 3) || (!set && (strcmp(argv[0], "show") != 0 || argc != 2)))
        return s_usage();
    if (keys_init() != 0) {
        fprintf(stderr, "enlace-hub: libsodium failed to initialise\n");
        return 1;
    }
    char path[4200], err[512];
    ledger_archive_path(argv[1], path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive (%s does not exist)\n", argv[1], path);
        return 1;
    }
    /* A cluster node's archive changes only through its cluster's log. */
    if (set && cluster_refuse_offline(path, "archive-key", stderr) != 0)
        return 1;
    uint8_t pk[KEYS_PUBLIC_BYTES], old[KEYS_PUBLIC_BYTES];
    char kerr[KEYS_ERR_LEN];
    if (set && keys_public_load(argv[2], pk, kerr) != 0) {
        fprintf(stderr, "enlace-hub: %s\n", kerr);
        return 1;
    }
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    int had = s_current(a, old);
    char fp[KEYS_FINGERPRINT_LEN], old_fp[KEYS_FINGERPRINT_LEN] = "none";
    if (had == 1)
        keys_fingerprint(old, old_fp);
    int rc = 0;
    if (had < 0) {
        fprintf(stderr, "enlace-hub: the archive key cannot be read: %s\n", archive_error(a));
        rc = 1;
    } else if (!set) {
        if (had)
            printf("archive key %s\n", old_fp);
        else
            printf("no archive key: sealed messages are sealed to their recipients only, and "
                   "the ST cannot open them\n");
    } else if (had == 1 && !memcmp(old, pk, sizeof pk)) {
        printf("archive key %s (unchanged)\n", old_fp);
    } else {
        char hex[2 * KEYS_PUBLIC_BYTES + 1], detail[200];
        keys_hex_encode(pk, sizeof pk, hex);
        keys_fingerprint(pk, fp);
        snprintf(detail, sizeof detail, "ed25519 %s fingerprint %s replaces %s", hex, fp, old_fp);
        if (archive_begin(a) != 0 || archive_meta_set(a, DIR_ARCHIVE_KEY_META, hex) != 0
            || archive_audit(a, 0, NULL, "archive-key.set", "ok", detail) != 0
            || archive_commit(a) != 0) {
            fprintf(stderr, "enlace-hub: the archive key was not set: %s\n", archive_error(a));
            archive_rollback(a);
            rc = 1;
        } else {
            printf("archive key %s (was %s): sealed messages are sealed to it from now on; "
                   "those sealed before stay sealed to the old one\n",
                fp, old_fp);
        }
    }
    archive_destroy(&a);
    return rc;
}
