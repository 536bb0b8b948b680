/*
 * admin: directory administration, one implementation for two callers:
 * `enlace-hub officer|invite|ppt|audit DATA ...` offline, and the `Admin`
 * request over the wire from an authenticated st/admin officer (`enlace
 * admin ...`), which runs the same commands against the hub's own archive.
 */
#ifndef ENLACE_ADMIN_H
#define ENLACE_ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "archive.h"

typedef struct {
    archive_t *archive;    /* open archive; not owned */
    FILE *out;             /* results */
    FILE *err;             /* one-line reasons for failures */
    int remote;            /* 1 over the wire: no key files, only --public-key HEX */
} admin_ctx_t;

/* Runs one command: argv[0] is officer|invite|ppt|audit, without DATA.
 * Returns a process exit status (0 ok, 1 failed, 2 usage). */
int admin_exec(admin_ctx_t *ctx, int argc, char **argv);

/* `enlace-hub init DATA` (offline only). */
int admin_init(int argc, char **argv);

/* Offline entry: argv = {command, [sub,] DATA, ...}; opens DATA's archive. */
int admin_offline(int argc, char **argv);

/* The usage text of the administration commands. */
extern const char admin_usage[];

#endif
