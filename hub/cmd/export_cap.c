/*
 * export_cap.c: `enlace-hub export-cap DATA ALERT_ID [--restricted]`: an
 * alert as OASIS CAP 1.2 XML, read from the archive file by the operator,
 * under the disclosure rules for the operator (disclose.h: restricted
 * labels and handling codes withheld unless --restricted), audited.
 */
#include "cluster.h"
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cap.h"
#include "directory.h"
#include "keys.h"

int
cmd_export_cap(int argc, char **argv)
{
    int restricted = argc == 3 && !strcmp(argv[2], "--restricted");
    if ((argc != 2 && !restricted) || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub export-cap DATA ALERT_ID [--restricted]\n");
        return 2;
    }
    char *end;
    unsigned long long seq = strtoull(argv[1], &end, 10);
    if (*end || !seq) {
        fprintf(stderr, "enlace-hub: an alert id is a positive number\n");
        return 2;
    }
    char path[4200], err[512], kerr[KEYS_ERR_LEN], fp[KEYS_FINGERPRINT_LEN] = "";
    uint8_t pk[KEYS_PUBLIC_BYTES];
    snprintf(path, sizeof path, "%s/hub.public", argv[0]);
    if (keys_init() == 0 && keys_public_load(path, pk, kerr) == 0)
        keys_fingerprint(pk, fp);
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, argv[0]);
    if (cluster_refuse_offline(path, "export-cap", stderr) != 0)
        return 1;
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    directory_t *dir = directory_load(a);
    char *xml = NULL;
    /* The operator reads the file: the labels decide (disclose.h, EXPORT). */
    disclose_reader_t reader = {.dir = dir,
        .who = NULL,
        .now_ms = archive_now_ms(),
        .restricted = restricted};
    int rc = dir ? cap_export(a, &reader, fp, seq, &xml, err, sizeof err) : -1;
    if (!dir)
        snprintf(err, sizeof err, "%s", archive_error(a));
    if (rc == 0)
        fputs(xml, stdout);
    else
        fprintf(stderr, "enlace-hub: %s\n", err);
    if (dir) {
        char detail[64];
        snprintf(detail, sizeof detail, "alert %llu%s", seq,
            restricted ? ", restricted messages included" : "");
        if (archive_audit(a, 0, NULL, "export-cap", rc == 0 ? "ok" : "refused", detail) != 0)
            fprintf(stderr, "enlace-hub: audit: %s\n", archive_error(a));
    }
    free(xml);
    directory_destroy(&dir);
    archive_destroy(&a);
    return rc == 0 ? 0 : 1;
}
