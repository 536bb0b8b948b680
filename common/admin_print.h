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
    const enlace_status_t *status;           /* status */
    int changed;                             /* holiday add: 0 already there */
    const enlace_holiday_t *const *holidays; /* holiday list */
    size_t nholidays;
    const enlace_zone_t *const *zones; /* zone list */
    size_t nzones;
    enlace_archive_key_t archive_key; /* archive-key set, show */
} admin_result_t;

/* Prints the result of cmd: results on out, the informational line of
 * invite grant on info (enlace-hub: stderr; enlace: stdout, as it always
 * has). Returns the command's exit status: 0, or 3 for a status report of
 * a hub that is not running. */
int admin_print(FILE *out, FILE *info, const admin_cmd_t *cmd, const admin_result_t *result);

/* The calendar and the archive key, as `enlace-hub holiday|zone|
 * archive-key DATA` prints them (called by admin_print, and by those
 * commands, which have words of their own). A holiday added (changed 0:
 * it already was one) or removed (add 0); the holidays; a zone set; the
 * zones; the archive key set (set 1) or shown. */
void admin_print_holiday_change(FILE *out, int add, const char *country, const char *date,
    int changed);
void admin_print_holidays(FILE *out, const enlace_holiday_t *const *list, size_t n, int json);
void admin_print_zone_set(FILE *out, const char *country, const char *zone);
void admin_print_zones(FILE *out, const enlace_zone_t *const *list, size_t n, int json);
void admin_print_archive_key(FILE *out, const enlace_archive_key_t *k, int set);

/* status_print.c: the status report as text, JSON or Prometheus' text
 * exposition format (as `enlace-hub status DATA` prints it). */
void admin_print_status(FILE *out, const enlace_status_t *s, const admin_format_t *format);

/* "2026-11-21T10:00:00Z" for ms since the epoch. */
void admin_iso_time(int64_t ms, char *out, size_t cap);

#endif
