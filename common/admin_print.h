/*
 * admin_print: the output of the directory administration commands, one
 * renderer for both `enlace-hub ... DATA` (results read from the archive)
 * and `enlace admin ...` (results from the wire through libenlace), so that
 * the two print the same bytes. Text for people; --json (and --csv for
 * stats, --prometheus for status) built with jansson.
 *
 * Results are libenlace's public structs (enlace.h), which is how both
 * callers hold the directory's records.
 */
#ifndef ENLACE_ADMIN_PRINT_H
#define ENLACE_ADMIN_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "admin_args.h"
#include "enlace.h"

/* The result of one command: the fields its operation fills. */
typedef struct {
    const enlace_officer_t *officer;         /* officer add, key, revoke */
    const enlace_officer_t *const *officers; /* officer list */
    size_t nofficers;
    int64_t officer_id;                            /* officer join, leave */
    const enlace_invitation_t *invitation;         /* invite grant */
    const enlace_invitation_t *const *invitations; /* invite list */
    size_t ninvitations;
    int ppt_year;                             /* ppt set */
    enlace_troika_t troika;                   /* ppt show */
    const enlace_audit_entry_t *const *audit; /* audit */
    size_t naudit;
    const enlace_stat_t *const *stats; /* stats */
    size_t nstats;
    const enlace_status_t *status; /* status */
} admin_result_t;

/* Prints the result of cmd: results on out, the informational line of
 * invite grant on info (enlace-hub: stderr; enlace: stdout, as it always
 * has). Returns the command's exit status: 0, or 3 for a status report of
 * a hub that is not running. */
int admin_print(FILE *out, FILE *info, const admin_cmd_t *cmd, const admin_result_t *result);

/* status_print.c: the status report as text, JSON or Prometheus' text
 * exposition format (as `enlace-hub status DATA` prints it). */
void admin_print_status(FILE *out, const enlace_status_t *s, const admin_format_t *format);

/* "2026-11-21T10:00:00Z" for ms since the epoch. */
void admin_iso_time(int64_t ms, char *out, size_t cap);

#endif
