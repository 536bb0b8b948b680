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
 * takes the new key at its next directory reload (within a second). The
 * same change over the wire is `enlace admin archive-key set` (hub/
 * admin_calendar.c, whose rules and output this command shares).
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "admin.h"
#include "admin_print.h"
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
    enlace_archive_key_t k = {0};
    int had = admin_archive_key_current(a, old);
    int rc = 0;
    if (had < 0) {
        fprintf(stderr, "enlace-hub: the archive key cannot be read: %s\n", archive_error(a));
        rc = 1;
    } else if (!set) {
        k.present = had;
        if (had)
            keys_fingerprint(old, k.fingerprint);
        admin_print_archive_key(stdout, &k, 0);
    } else if (archive_begin(a) != 0 || admin_archive_key_set(a, pk, &k.changed, k.previous) != 0
        || archive_commit(a) != 0) {
        fprintf(stderr, "enlace-hub: the archive key was not set: %s\n", archive_error(a));
        archive_rollback(a);
        rc = 1;
    } else {
        k.present = 1;
        memcpy(k.key, pk, sizeof k.key);
        keys_fingerprint(pk, k.fingerprint);
        admin_print_archive_key(stdout, &k, 1);
    }
    archive_destroy(&a);
    return rc;
}
