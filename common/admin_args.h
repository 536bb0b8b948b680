/*
 * admin_args: the directory administration commands as typed, from their
 * command-line words, for both their callers: `enlace-hub officer|invite|
 * ppt|audit|stats DATA ...` on the server (DATA taken out) and `enlace
 * admin ...` over the wire (which also has `status`, and the calendar and
 * the archive key: `holiday`, `zone`, `archive-key`, whose offline commands
 * have words of their own, hub/cmd/calendar.c and archive_key.c).
 *
 * The parse checks what the words alone can tell (known options, required
 * ones, numbers, times, durations, hex keys) with the messages enlace-hub
 * has always printed, prefixed "enlace-hub: "; the hub checks the rest (the
 * directory's rules), whichever way the command came.
 */
#ifndef ENLACE_ADMIN_ARGS_H
#define ENLACE_ADMIN_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ADMIN_MAX_LIST 64

typedef enum {
    ADMIN_OFFICER_ADD,
    ADMIN_OFFICER_LIST,
    ADMIN_OFFICER_REVOKE,
    ADMIN_OFFICER_KEY,
    ADMIN_OFFICER_JOIN,
    ADMIN_OFFICER_LEAVE,
    ADMIN_INVITE_GRANT,
    ADMIN_INVITE_REVOKE,
    ADMIN_INVITE_LIST,
    ADMIN_PPT_SET,
    ADMIN_PPT_SHOW,
    ADMIN_AUDIT,
    ADMIN_STATS,
    ADMIN_STATUS,
    ADMIN_HOLIDAY_ADD,
    ADMIN_HOLIDAY_REMOVE,
    ADMIN_HOLIDAY_LIST,
    ADMIN_ZONE_SET,
    ADMIN_ZONE_LIST,
    ADMIN_ARCHIVE_KEY_SET,
    ADMIN_ARCHIVE_KEY_SHOW,
} admin_op_t;

/* How a result is printed (--json, --csv for stats, --prometheus for
 * status); text otherwise. */
typedef struct {
    int json;
    int csv;
    int prometheus;
} admin_format_t;

/* One command. Strings point into the argv parsed (or into list_buf). */
typedef struct {
    admin_op_t op;
    admin_format_t format;
    /* A key: key_file to read (--key FILE.public; the caller reads it), or
     * key[] itself (--public-key HEX, checked). */
    const char *key_file;
    uint8_t key[32];
    int have_key;
    const char *fingerprint;                                    /* officer revoke|key|join|leave */
    const char *name, *country, *organisation, *role, *contact; /* officer add */
    const char *network;              /* officer join|leave, invite grant */
    const char *list[ADMIN_MAX_LIST]; /* officer add: networks; invite grant: topics */
    size_t nlist;
    int64_t from_ms, until_ms;          /* officer key --from/--until (0: none) */
    const char *grantee, *access;       /* invite grant */
    int64_t expires_ms;                 /* invite grant --until */
    int64_t duration_ms;                /* invite grant --for */
    int64_t invitation_id;              /* invite revoke */
    int year;                           /* ppt set --year (0: this year) */
    int64_t stats_from_ms, stats_to_ms; /* stats (0: no bound) */
    const char *from_text, *to_text;    /* stats --from/--to as given, for the text header */
    const char *date, *zone;            /* holiday add|remove, zone set (and country, name) */
    char list_buf[2048];                /* the comma lists, split */
} admin_cmd_t;

/* Parses argv (argv[0] is officer, invite, ppt, audit, stats, status,
 * holiday, zone or archive-key; no DATA) into *cmd: `archive-key set
 * FILE.public` is key_file. Returns 0, or an exit status (1 an error, 2 a usage
 * error) after printing the reason on err. */
int admin_args_parse(int argc, char **argv, admin_cmd_t *cmd, FILE *err);

/* ISO-8601 UTC "2026-11-21T10:00:00Z" (seconds and Z may be left out) in
 * ms since the epoch; -1 if malformed. */
int64_t admin_time_ms(const char *s);

/* Joins list[0..n) with sep into out (cap bytes, truncated); returns out. */
char *admin_join(char *out, size_t cap, const char *const *list, size_t n, const char *sep);

#endif
