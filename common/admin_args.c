/*
 * admin_args.c: see admin_args.h. The checks and their messages are those
 * enlace-hub's offline commands have always had.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include "admin_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "number.h"

static int s_fail(FILE *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(FILE *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(err, "enlace-hub: ");
    vfprintf(err, fmt, ap);
    fputc('\n', err);
    va_end(ap);
    return status;
}

static const char *
s_opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    return NULL;
}

static int
s_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

/* Every "--x" in argv must be allowed: 0, or 2 after saying why not. */
static int
s_check_options(FILE *err, int argc, char **argv, const char *const *with_value,
    const char *const *flags)
{
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        int ok = 0;
        for (const char *const *o = with_value; o && *o && !ok; o++)
            if (!strcmp(argv[i], *o)) {
                ok = 1;
                if (i + 1 >= argc)
                    return s_fail(err, 2, "%s needs a value", argv[i]);
                i++;
            }
        for (const char *const *o = flags; o && *o && !ok; o++)
            ok = !strcmp(argv[i], *o);
        if (!ok)
            return s_fail(err, 2, "unknown option %s (see --help)", argv[i]);
    }
    return 0;
}

int64_t
admin_time_ms(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
    if (!end || (*end && strcmp(end, "Z") != 0))
        return -1;
    return (int64_t)timegm(&tm) * 1000;
}

/* "90s", "15m", "1h", "7d" (or "250ms") -> ms; -1 if malformed. */
static int64_t
s_duration_ms(const char *s)
{
    size_t digits = strspn(s, "0123456789");
    char number[24];
    uint64_t v;
    if (digits == 0 || digits >= sizeof number)
        return -1;
    memcpy(number, s, digits);
    number[digits] = '\0';
    if (number_parse_u64(number, 1, INT64_MAX, &v) != NUMBER_OK)
        return -1;
    const char *unit_s = s + digits;
    int64_t unit = !strcmp(unit_s, "s") ? 1000
        : !strcmp(unit_s, "m")          ? 60000
        : !strcmp(unit_s, "h")          ? 3600000
        : !strcmp(unit_s, "d")          ? 86400000
        : !strcmp(unit_s, "ms")         ? 1
                                        : -1;
    if (unit < 0 || v > (uint64_t)(INT64_MAX / unit / 2))
        return -1;
    return (int64_t)v * unit;
}

char *
admin_join(char *out, size_t cap, const char *const *list, size_t n, const char *sep)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? sep : "", list[i]);
        if (w < 0)
            break;
        used += (size_t)w < cap - used ? (size_t)w : cap - used - 1;
    }
    return out;
}

/* Splits a comma list (empty items dropped) into cmd->list. */
static void
s_split(admin_cmd_t *cmd, const char *text)
{
    snprintf(cmd->list_buf, sizeof cmd->list_buf, "%s", text);
    char *save = NULL;
    cmd->nlist = 0;
    for (char *p = strtok_r(cmd->list_buf, ",", &save); p && cmd->nlist < ADMIN_MAX_LIST;
         p = strtok_r(NULL, ",", &save))
        cmd->list[cmd->nlist++] = p;
}

/* The officer's key: --key FILE.public (read by the caller) or
 * --public-key HEX. 0, or 1 after saying why not. */
static int
s_key(FILE *err, int argc, char **argv, admin_cmd_t *cmd)
{
    const char *file = s_opt(argc, argv, "--key");
    const char *hex = s_opt(argc, argv, "--public-key");
    if (file) {
        cmd->key_file = file;
        return 0;
    }
    if (!hex)
        return s_fail(err, 1, "give the officer's key: --key FILE.public");
    size_t got = 0;
    const char *end = NULL;
    uint8_t curve[32];
    if (sodium_init() < 0 || strlen(hex) != 64
        || sodium_hex2bin(cmd->key, sizeof cmd->key, hex, 64, NULL, &got, &end) != 0
        || got != sizeof cmd->key || *end
        || crypto_sign_ed25519_pk_to_curve25519(curve, cmd->key) != 0)
        return s_fail(err, 1, "--public-key needs 64 hex digits of a valid Ed25519 key");
    cmd->have_key = 1;
    return 0;
}

static int
s_officer(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    const char *sub = argc > 0 ? argv[0] : "";
    argc--;
    argv++;
    static const char *const add_opts[] = {"--key", "--public-key", "--country", "--org",
        "--network", "--role", "--name", "--contact", NULL};
    static const char *const json[] = {"--json", NULL};
    static const char *const revoke_opts[] = {"--key", "--public-key", "--fingerprint", NULL};
    static const char *const join_opts[] = {"--fingerprint", "--network", "--role", NULL};
    static const char *const key_opts[] = {"--fingerprint", "--key", "--public-key", "--from",
        "--until", NULL};
    int rc;
    if (!strcmp(sub, "add")) {
        cmd->op = ADMIN_OFFICER_ADD;
        if ((rc = s_check_options(err, argc, argv, add_opts, NULL)) != 0)
            return rc;
        cmd->name = s_opt(argc, argv, "--name");
        cmd->role = s_opt(argc, argv, "--role");
        if (!cmd->name || !cmd->role)
            return s_fail(err, 1, "officer add needs --key, --name and --role");
        cmd->country = s_opt(argc, argv, "--country");
        cmd->organisation = s_opt(argc, argv, "--org");
        cmd->contact = s_opt(argc, argv, "--contact");
        const char *nets = s_opt(argc, argv, "--network");
        if (nets)
            s_split(cmd, nets);
        return s_key(err, argc, argv, cmd);
    }
    if (!strcmp(sub, "list")) {
        cmd->op = ADMIN_OFFICER_LIST;
        cmd->format.json = s_flag(argc, argv, "--json");
        return s_check_options(err, argc, argv, NULL, json);
    }
    if (!strcmp(sub, "revoke")) {
        cmd->op = ADMIN_OFFICER_REVOKE;
        if ((rc = s_check_options(err, argc, argv, revoke_opts, NULL)) != 0)
            return rc;
        cmd->fingerprint = s_opt(argc, argv, "--fingerprint");
        return cmd->fingerprint ? 0 : s_key(err, argc, argv, cmd);
    }
    if (!strcmp(sub, "join") || !strcmp(sub, "leave")) {
        int join = !strcmp(sub, "join");
        cmd->op = join ? ADMIN_OFFICER_JOIN : ADMIN_OFFICER_LEAVE;
        if ((rc = s_check_options(err, argc, argv, join_opts, NULL)) != 0)
            return rc;
        cmd->network = s_opt(argc, argv, "--network");
        cmd->role = s_opt(argc, argv, "--role");
        if (!cmd->network || (join && !cmd->role))
            return s_fail(err, 1,
                join ? "officer join needs --fingerprint, --network and --role"
                     : "officer leave needs --fingerprint and --network");
        cmd->fingerprint = s_opt(argc, argv, "--fingerprint");
        if (!cmd->fingerprint)
            return s_fail(err, 1, "give --fingerprint FP (see 'officer list')");
        return 0;
    }
    if (!strcmp(sub, "key")) {
        cmd->op = ADMIN_OFFICER_KEY;
        if ((rc = s_check_options(err, argc, argv, key_opts, NULL)) != 0)
            return rc;
        cmd->fingerprint = s_opt(argc, argv, "--fingerprint");
        if (!cmd->fingerprint)
            return s_fail(err, 1, "give --fingerprint FP (see 'officer list')");
        if ((rc = s_key(err, argc, argv, cmd)) != 0)
            return rc;
        const char *from = s_opt(argc, argv, "--from"), *until = s_opt(argc, argv, "--until");
        cmd->from_ms = from ? admin_time_ms(from) : 0;
        cmd->until_ms = until ? admin_time_ms(until) : 0;
        if (cmd->from_ms < 0 || cmd->until_ms < 0)
            return s_fail(err, 1, "--from and --until take a UTC time like 2026-12-31T23:59:00Z");
        return 0;
    }
    return s_fail(err, 2, "unknown officer command '%s' (add, list, revoke, key, join, leave)",
        sub);
}

static int
s_invite(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    const char *sub = argc > 0 ? argv[0] : "";
    argc--;
    argv++;
    static const char *const grant_opts[] = {"--to", "--network", "--topics", "--access", "--for",
        "--until", NULL};
    static const char *const json[] = {"--json", NULL};
    int rc;
    if (!strcmp(sub, "grant")) {
        cmd->op = ADMIN_INVITE_GRANT;
        if ((rc = s_check_options(err, argc, argv, grant_opts, NULL)) != 0)
            return rc;
        cmd->grantee = s_opt(argc, argv, "--to");
        cmd->network = s_opt(argc, argv, "--network");
        cmd->access = s_opt(argc, argv, "--access");
        const char *topics = s_opt(argc, argv, "--topics");
        const char *dur = s_opt(argc, argv, "--for"), *until = s_opt(argc, argv, "--until");
        if (!cmd->grantee || !cmd->network || !topics || !cmd->access || (!dur == !until))
            return s_fail(err, 1,
                "invite grant needs --to, --network, --topics, --access and "
                "one of --for or --until");
        if (dur) {
            cmd->duration_ms = s_duration_ms(dur);
            if (cmd->duration_ms < 0)
                return s_fail(err, 1, "--for takes a duration like 90s, 15m, 1h or 7d");
        } else {
            cmd->expires_ms = admin_time_ms(until);
            if (cmd->expires_ms < 0)
                return s_fail(err, 1, "--until takes a UTC time like 2026-12-31T23:59:00Z");
        }
        s_split(cmd, topics);
        return 0;
    }
    if (!strcmp(sub, "revoke")) {
        cmd->op = ADMIN_INVITE_REVOKE;
        uint64_t id;
        if (argc != 1)
            return s_fail(err, 1, "usage: invite revoke DATA INVITATION_ID");
        if (number_parse_u64(argv[0], 1, INT64_MAX, &id) != NUMBER_OK)
            return s_fail(err, 1, "an invitation id is a positive number");
        cmd->invitation_id = (int64_t)id;
        return 0;
    }
    if (!strcmp(sub, "list")) {
        cmd->op = ADMIN_INVITE_LIST;
        cmd->format.json = s_flag(argc, argv, "--json");
        return s_check_options(err, argc, argv, NULL, json);
    }
    return s_fail(err, 2, "unknown invite command '%s' (grant, revoke, list)", sub);
}

static int
s_ppt(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    if (argc >= 1 && !strcmp(argv[0], "set")) {
        static const char *const opts[] = {"--country", "--year", NULL};
        int rc = s_check_options(err, argc - 1, argv + 1, opts, NULL);
        if (rc != 0)
            return rc;
        cmd->op = ADMIN_PPT_SET;
        cmd->country = s_opt(argc, argv, "--country");
        const char *y = s_opt(argc, argv, "--year");
        uint64_t year = 0;
        number_status_t ns = y ? number_parse_u64(y, 1, 9999, &year) : NUMBER_OK;
        if (ns != NUMBER_OK) {
            char why[160];
            number_explain(why, sizeof why, y, ns, 1, 9999);
            return s_fail(err, 2, "--year: %s", why);
        }
        cmd->year = (int)year;
        if (!cmd->country)
            return s_fail(err, 1, "ppt set needs --country CC");
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "show")) {
        cmd->op = ADMIN_PPT_SHOW;
        return 0;
    }
    return s_fail(err, 1, "ppt set|show");
}

static int
s_stats(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    static const char *const opts[] = {"--from", "--to", NULL};
    static const char *const flags[] = {"--json", "--csv", NULL};
    int rc = s_check_options(err, argc, argv, opts, flags);
    if (rc != 0)
        return rc;
    cmd->op = ADMIN_STATS;
    cmd->from_text = s_opt(argc, argv, "--from");
    cmd->to_text = s_opt(argc, argv, "--to");
    cmd->stats_from_ms = cmd->from_text ? admin_time_ms(cmd->from_text) : 0;
    cmd->stats_to_ms = cmd->to_text ? admin_time_ms(cmd->to_text) : 0;
    if (cmd->stats_from_ms < 0 || cmd->stats_to_ms < 0)
        return s_fail(err, 1, "--from and --to take a UTC time like 2026-01-01T00:00:00Z");
    cmd->format.json = s_flag(argc, argv, "--json");
    cmd->format.csv = s_flag(argc, argv, "--csv");
    return 0;
}

static int
s_holiday(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    const char *sub = argc >= 1 ? argv[0] : "";
    static const char *const json[] = {"--json", NULL};
    int rc;
    if (!strcmp(sub, "add")) {
        static const char *const opts[] = {"--country", "--date", "--name", NULL};
        if ((rc = s_check_options(err, argc - 1, argv + 1, opts, NULL)) != 0)
            return rc;
        cmd->op = ADMIN_HOLIDAY_ADD;
    } else if (!strcmp(sub, "remove")) {
        static const char *const opts[] = {"--country", "--date", NULL};
        if ((rc = s_check_options(err, argc - 1, argv + 1, opts, NULL)) != 0)
            return rc;
        cmd->op = ADMIN_HOLIDAY_REMOVE;
    } else if (!strcmp(sub, "list")) {
        static const char *const opts[] = {"--country", NULL};
        if ((rc = s_check_options(err, argc - 1, argv + 1, opts, json)) != 0)
            return rc;
        cmd->op = ADMIN_HOLIDAY_LIST;
        cmd->format.json = s_flag(argc, argv, "--json");
        cmd->country = s_opt(argc, argv, "--country");
        return 0;
    } else {
        return s_fail(err, 2, "unknown holiday command '%s' (add, remove, list)", sub);
    }
    cmd->country = s_opt(argc, argv, "--country");
    cmd->date = s_opt(argc, argv, "--date");
    cmd->name = s_opt(argc, argv, "--name");
    if (!cmd->country || !cmd->date)
        return s_fail(err, 2, "holiday %s needs --country CC --date YYYY-MM-DD", sub);
    return 0;
}

static int
s_zone(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    const char *sub = argc >= 1 ? argv[0] : "";
    int rc;
    if (!strcmp(sub, "set")) {
        static const char *const opts[] = {"--country", "--zone", NULL};
        if ((rc = s_check_options(err, argc - 1, argv + 1, opts, NULL)) != 0)
            return rc;
        cmd->op = ADMIN_ZONE_SET;
        cmd->country = s_opt(argc, argv, "--country");
        cmd->zone = s_opt(argc, argv, "--zone");
        if (!cmd->country || !cmd->zone)
            return s_fail(err, 2, "zone set needs --country CC --zone ZONE");
        return 0;
    }
    if (!strcmp(sub, "list")) {
        static const char *const json[] = {"--json", NULL};
        if ((rc = s_check_options(err, argc - 1, argv + 1, NULL, json)) != 0)
            return rc;
        cmd->op = ADMIN_ZONE_LIST;
        cmd->format.json = s_flag(argc, argv, "--json");
        return 0;
    }
    return s_fail(err, 2, "unknown zone command '%s' (set, list)", sub);
}

static int
s_archive_key(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    if (argc == 2 && !strcmp(argv[0], "set") && strncmp(argv[1], "--", 2) != 0) {
        cmd->op = ADMIN_ARCHIVE_KEY_SET;
        cmd->key_file = argv[1];
        return 0;
    }
    if (argc == 1 && !strcmp(argv[0], "show")) {
        cmd->op = ADMIN_ARCHIVE_KEY_SHOW;
        return 0;
    }
    return s_fail(err, 2, "archive-key set FILE.public | archive-key show");
}

int
admin_args_parse(int argc, char **argv, admin_cmd_t *cmd, FILE *err)
{
    memset(cmd, 0, sizeof *cmd);
    if (argc < 1)
        return s_fail(err, 1, "officer, invite, ppt or audit");
    const char *what = argv[0];
    if (!strcmp(what, "officer"))
        return s_officer(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "invite"))
        return s_invite(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "ppt"))
        return s_ppt(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "stats"))
        return s_stats(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "holiday"))
        return s_holiday(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "zone"))
        return s_zone(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "archive-key"))
        return s_archive_key(argc - 1, argv + 1, cmd, err);
    if (!strcmp(what, "audit")) {
        static const char *const json[] = {"--json", NULL};
        cmd->op = ADMIN_AUDIT;
        cmd->format.json = s_flag(argc - 1, argv + 1, "--json");
        return s_check_options(err, argc - 1, argv + 1, NULL, json);
    }
    if (!strcmp(what, "status")) {
        static const char *const flags[] = {"--json", "--prometheus", NULL};
        cmd->op = ADMIN_STATUS;
        cmd->format.json = s_flag(argc - 1, argv + 1, "--json");
        cmd->format.prometheus = !cmd->format.json && s_flag(argc - 1, argv + 1, "--prometheus");
        return s_check_options(err, argc - 1, argv + 1, NULL, flags);
    }
    return s_fail(err, 2, "unknown command '%s' (officer, invite, ppt, audit, stats)", what);
}
