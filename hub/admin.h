/*
 * admin: directory administration, one set of typed operations for two
 * callers: the `Admin` request over the wire from an authenticated st or
 * admin officer (`enlace admin ...`), and `enlace-hub officer|invite|ppt|
 * audit|stats DATA ...` on the server, whose words admin_offline turns into
 * the same typed request (common/admin_args) and whose result it prints
 * with the same renderer as the CLI (common/admin_print). The calendar and
 * the archive key (admin_calendar.c) have offline commands with words of
 * their own (hub/cmd/calendar.c, archive_key.c), which share these checks
 * and that renderer.
 *
 * The operations are enlace.proto's Admin messages; every change goes
 * through the archive layer, which audits it with the acting identity
 * (archive_set_actor; none: the local operator).
 */
#ifndef ENLACE_ADMIN_H
#define ENLACE_ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "archive.h"
#include "enlace.pb-c.h"

typedef struct {
    archive_t *archive;   /* open archive; not owned */
    const char *data_dir; /* the hub's data directory, for status; may be NULL */
} admin_ctx_t;

/* Runs one operation. On ENLACE__ERROR_CODE__ERR_NONE *result holds its
 * result (free with admin_result_free); otherwise *result is NULL and why
 * holds a one-line reason: ERR_MALFORMED (no operation), ERR_INVALID (a
 * value the directory refuses), ERR_NOT_FOUND, ERR_INTERNAL. */
Enlace__ErrorCode admin_run(admin_ctx_t *ctx, const Enlace__Admin *req,
    Enlace__AdminResult **result, char *why, size_t cap);
void admin_result_free(Enlace__AdminResult **result_p);

/* A short name of the operation, for the log ("officer_add"). */
const char *admin_op_name(const Enlace__Admin *req);

/* admin_status.c: the report of `enlace-hub status DATA` as a typed
 * StatusReport; 0, or -1 with a reason in why. */
int admin_status_report(const char *data_dir, Enlace__StatusReport **out, char *why, size_t cap);

/* admin_calendar.c, shared with `enlace-hub holiday|archive-key DATA`. */

#define ADMIN_HOLIDAY_NAME_MAX 120

/* NULL if a holiday of country on date named name (may be NULL) is
 * acceptable (a member's code, a real date, text of at most 120 bytes),
 * else why not (static text). */
const char *admin_holiday_check(archive_t *a, const char *country, const char *date,
    const char *name);

/* The archive key in force: 1 and its key, 0 none, -1 error. */
int admin_archive_key_current(archive_t *a, uint8_t pk[32]);

/* Sets the archive key to pk (checked by the caller), audited as
 * "archive-key.set" with the key in full and the acting key: 0 (with
 * *changed 0 if it was already in force, and the fingerprint of the key it
 * replaced, "none" if none, in old_fp), or -1 (archive_error). */
int admin_archive_key_set(archive_t *a, const uint8_t pk[32], int *changed, char old_fp[20]);

/* admin_offline.c */

/* `enlace-hub init DATA` (offline only). */
int admin_init(int argc, char **argv);

/* Offline entry: argv = {command, [sub,] DATA, ...}; opens DATA's archive,
 * runs the command as the local operator and prints its result. Returns a
 * process exit status (0 ok, 1 failed, 2 usage). */
int admin_offline(int argc, char **argv);

/* The usage text of the administration commands. */
extern const char admin_usage[];

#endif
