/*
 * admin.c: `init`, and the directory commands shared by the offline CLI and
 * the over-the-wire Admin request: officer add|list|revoke|join|leave,
 * invite grant|revoke|list, ppt set|show, audit.
 *
 * Every change is audited by the archive layer with the acting identity
 * (archive_set_actor); the running hub notices offline changes within
 * DIR_CHECK_MS and reloads its directory at once after a remote one.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include "admin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "keys.h"
#include "topic.h"

extern const char enlace_crm_seed[]; /* contrib/crm-seed.sql, embedded at build time */

const char admin_usage[] =
    "  officer add DATA --key FILE.public (--country CC | --org ORG)\n"
    "      [--network NET[,NET]] --role ROLE --name NAME [--contact TEXT]\n"
    "  officer list DATA [--json]\n"
    "  officer revoke DATA (--key FILE.public | --fingerprint FP)\n"
    "  officer key DATA --fingerprint FP --key NEW.public [--from TIME] [--until TIME]\n"
    "                             another key for the officer, valid from/until\n"
    "  officer join DATA --fingerprint FP --network NET --role ROLE\n"
    "  officer leave DATA --fingerprint FP --network NET\n"
    "  invite grant DATA --to ORG|CC --network NET --topics PATTERN[,PATTERN]\n"
    "      --access read|readwrite (--for DURATION | --until TIME)\n"
    "  invite revoke DATA INVITATION_ID\n"
    "  invite list DATA [--json]\n"
    "  ppt set DATA --country CC [--year YYYY]     (default: this year)\n"
    "  ppt show DATA                               (the Troika: previous, current, next)\n"
    "  audit DATA [--json]                         the append-only audit log\n"
    "  stats DATA [--from TIME] [--to TIME] [--json|--csv]   the ST's statistics\n";

static int s_fail(admin_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
s_fail(admin_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(ctx->err, "enlace-hub: ");
    vfprintf(ctx->err, fmt, ap);
    fputc('\n', ctx->err);
    va_end(ap);
    return 1;
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

/* Every "--x" in argv must be allowed; returns 0 or prints why not. */
static int
s_check_options(admin_ctx_t *ctx, int argc, char **argv, const char *const *with_value,
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
                    return s_fail(ctx, "%s needs a value", argv[i]);
                i++;
            }
        for (const char *const *o = flags; o && *o && !ok; o++)
            ok = !strcmp(argv[i], *o);
        if (!ok)
            return s_fail(ctx, "unknown option %s (see --help)", argv[i]);
    }
    return 0;
}

static void
s_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A public key from --key FILE (offline only) or --public-key HEX. */
static int
s_public_key(admin_ctx_t *ctx, int argc, char **argv, uint8_t pk[KEYS_PUBLIC_BYTES])
{
    const char *file = s_opt(argc, argv, "--key");
    const char *hex = s_opt(argc, argv, "--public-key");
    char kerr[KEYS_ERR_LEN];
    if (keys_init() != 0)
        return s_fail(ctx, "libsodium failed to initialise");
    if (file && !ctx->remote) {
        if (keys_public_load(file, pk, kerr) != 0)
            return s_fail(ctx, "%s", kerr);
    } else if (hex) {
        uint8_t curve[KEYS_CURVE_BYTES];
        if (keys_hex_decode(hex, pk, KEYS_PUBLIC_BYTES) != 0
            || keys_curve_from_public(pk, curve) != 0)
            return s_fail(ctx, "--public-key needs 64 hex digits of a valid Ed25519 key");
    } else {
        return s_fail(ctx, "give the officer's key: --key FILE.public");
    }
    return 0;
}

typedef struct {
    const char *fingerprint;
    uint8_t pk[32];
    int64_t officer_id;
    int found;
} find_fp_t;

static int
s_find_fp(const archive_key_row_t *row, void *arg)
{
    find_fp_t *f = arg;
    if (strcmp(row->fingerprint, f->fingerprint) != 0)
        return 0;
    memcpy(f->pk, row->pk, 32);
    f->officer_id = row->officer_id;
    f->found = 1;
    return 1;
}

/* Resolves --fingerprint FP to an officer. */
static int
s_officer_by_fp(admin_ctx_t *ctx, const char *fp, find_fp_t *f)
{
    memset(f, 0, sizeof *f);
    f->fingerprint = fp;
    if (!fp)
        return s_fail(ctx, "give --fingerprint FP (see 'officer list')");
    if (archive_keys_each(ctx->archive, s_find_fp, f) != 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    if (!f->found)
        return s_fail(ctx, "no key with fingerprint %s in the directory", fp);
    return 0;
}

/* ------------------------------------------------------------ officer */

static int
s_officer_add(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const opts[] = {"--key", "--public-key", "--country", "--org", "--network",
        "--role", "--name", "--contact", NULL};
    if (s_check_options(ctx, argc, argv, opts, NULL) != 0)
        return 2;
    const char *name = s_opt(argc, argv, "--name");
    const char *role = s_opt(argc, argv, "--role");
    if (!name || !role)
        return s_fail(ctx, "officer add needs --key, --name and --role");
    uint8_t pk[KEYS_PUBLIC_BYTES], curve[KEYS_CURVE_BYTES];
    if (s_public_key(ctx, argc, argv, pk) != 0)
        return 1;
    if (keys_curve_from_public(pk, curve) != 0)
        return s_fail(ctx, "not a usable key");
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, fp);
    archive_officer_spec_t spec = {
        .name = name,
        .country = s_opt(argc, argv, "--country"),
        .org = s_opt(argc, argv, "--org"),
        .role = role,
        .networks = s_opt(argc, argv, "--network"),
        .contact = s_opt(argc, argv, "--contact"),
        .pk = pk,
        .curve = curve,
        .fingerprint = fp,
    };
    int64_t id;
    if (archive_officer_add(ctx->archive, &spec, &id) != 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    fprintf(ctx->out, "added officer %lld: %s, key %s\n", (long long)id, name, fp);
    return 0;
}

static int
s_list_row(const archive_key_row_t *row, void *arg)
{
    void **a = arg;
    admin_ctx_t *ctx = a[0];
    json_t *array = a[1];
    const char *where = row->country[0] ? row->country : row->org;
    if (array) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
            (json_int_t)row->officer_id, "name", row->name, "country", row->country,
            "organisation", row->org, "role", row->role, "networks", row->networks, "fingerprint",
            row->fingerprint, "revoked", row->revoked_ms != 0);
        if (o)
            json_array_append_new(array, o);
        return 0;
    }
    char revoked[40] = "";
    if (row->revoked_ms) {
        char when[32];
        s_time(row->revoked_ms, when, sizeof when);
        snprintf(revoked, sizeof revoked, "  REVOKED %s", when);
    }
    fprintf(ctx->out, "%-4lld %-19s %-5s %-8s %-32s %s%s\n", (long long)row->officer_id,
        row->fingerprint, where, row->role, row->networks[0] ? row->networks : "-", row->name,
        revoked);
    return 0;
}

static void
s_dump_json(admin_ctx_t *ctx, json_t *array)
{
    char *text = json_dumps(array, JSON_INDENT(2));
    if (text) {
        fprintf(ctx->out, "%s\n", text);
        free(text);
    }
    json_decref(array);
}

static int
s_officer_list(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const flags[] = {"--json", NULL};
    if (s_check_options(ctx, argc, argv, NULL, flags) != 0)
        return 2;
    json_t *array = s_flag(argc, argv, "--json") ? json_array() : NULL;
    void *arg[2] = {ctx, array};
    if (!array)
        fprintf(ctx->out, "%-4s %-19s %-5s %-8s %-32s %s\n", "ID", "FINGERPRINT", "WHERE", "ROLE",
            "NETWORKS", "NAME");
    int rc = archive_keys_each(ctx->archive, s_list_row, arg);
    if (array)
        s_dump_json(ctx, array);
    return rc == 0 ? 0 : s_fail(ctx, "%s", archive_error(ctx->archive));
}

static int
s_officer_revoke(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const opts[] = {"--key", "--public-key", "--fingerprint", NULL};
    if (s_check_options(ctx, argc, argv, opts, NULL) != 0)
        return 2;
    const char *fpopt = s_opt(argc, argv, "--fingerprint");
    find_fp_t f;
    if (fpopt) {
        if (s_officer_by_fp(ctx, fpopt, &f) != 0)
            return 1;
    } else if (s_public_key(ctx, argc, argv, f.pk) != 0) {
        return 1;
    }
    int rc = archive_key_revoke(ctx->archive, f.pk, archive_now_ms());
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(f.pk, fp);
    if (rc < 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    if (rc == 0)
        return s_fail(ctx, "key %s is not in the directory", fp);
    fprintf(ctx->out, "revoked key %s; its live sessions are closed within a second\n", fp);
    return 0;
}

static int
s_officer_join(admin_ctx_t *ctx, int argc, char **argv, int join)
{
    static const char *const opts[] = {"--fingerprint", "--network", "--role", NULL};
    if (s_check_options(ctx, argc, argv, opts, NULL) != 0)
        return 2;
    const char *net = s_opt(argc, argv, "--network");
    const char *role = s_opt(argc, argv, "--role");
    find_fp_t f;
    if (!net || (join && !role))
        return s_fail(ctx, join ? "officer join needs --fingerprint, --network and --role"
                                : "officer leave needs --fingerprint and --network");
    if (s_officer_by_fp(ctx, s_opt(argc, argv, "--fingerprint"), &f) != 0)
        return 1;
    if (join) {
        if (archive_membership_set(ctx->archive, f.officer_id, net, role) != 0)
            return s_fail(ctx, "%s", archive_error(ctx->archive));
        fprintf(ctx->out, "officer %lld is now %s in %s\n", (long long)f.officer_id, role, net);
        return 0;
    }
    int rc = archive_membership_remove(ctx->archive, f.officer_id, net);
    if (rc < 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    if (rc == 0)
        return s_fail(ctx, "officer %lld is not a member of %s", (long long)f.officer_id, net);
    fprintf(ctx->out, "officer %lld left %s; deliveries stop at once\n", (long long)f.officer_id,
        net);
    return 0;
}

static int64_t s_time_ms(const char *s);

static int
s_officer_key(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const opts[] = {"--fingerprint", "--key", "--public-key", "--from",
        "--until", NULL};
    if (s_check_options(ctx, argc, argv, opts, NULL) != 0)
        return 2;
    find_fp_t f;
    if (s_officer_by_fp(ctx, s_opt(argc, argv, "--fingerprint"), &f) != 0)
        return 1;
    uint8_t pk[KEYS_PUBLIC_BYTES], curve[KEYS_CURVE_BYTES];
    if (s_public_key(ctx, argc, argv, pk) != 0)
        return 1;
    if (keys_curve_from_public(pk, curve) != 0)
        return s_fail(ctx, "not a usable key");
    const char *from = s_opt(argc, argv, "--from"), *until = s_opt(argc, argv, "--until");
    int64_t from_ms = from ? s_time_ms(from) : 0, until_ms = until ? s_time_ms(until) : 0;
    if (from_ms < 0 || until_ms < 0)
        return s_fail(ctx, "--from and --until take a UTC time like 2026-12-31T23:59:00Z");
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, fp);
    if (archive_key_add(ctx->archive, f.officer_id, pk, curve, fp, from_ms, until_ms) != 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    fprintf(ctx->out, "officer %lld now also holds key %s\n", (long long)f.officer_id, fp);
    return 0;
}

/* ------------------------------------------------------------ invite */

/* "90s", "15m", "1h", "7d" -> ms; -1 if malformed. */
static int64_t
s_duration_ms(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || v <= 0)
        return -1;
    int64_t unit = !strcmp(end, "s") ? 1000
        : !strcmp(end, "m")          ? 60000
        : !strcmp(end, "h")          ? 3600000
        : !strcmp(end, "d")          ? 86400000
        : !strcmp(end, "ms")         ? 1
                                     : -1;
    if (unit < 0 || v > INT64_MAX / unit / 2)
        return -1;
    return v * unit;
}

/* ISO-8601 UTC "2026-11-21T10:00:00Z" (or without seconds / Z) -> ms. */
static int64_t
s_time_ms(const char *s)
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

static int
s_invite_grant(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const opts[] = {"--to", "--network", "--topics", "--access", "--for",
        "--until", NULL};
    if (s_check_options(ctx, argc, argv, opts, NULL) != 0)
        return 2;
    const char *to = s_opt(argc, argv, "--to"), *net = s_opt(argc, argv, "--network");
    const char *topics = s_opt(argc, argv, "--topics"), *access = s_opt(argc, argv, "--access");
    const char *dur = s_opt(argc, argv, "--for"), *until = s_opt(argc, argv, "--until");
    if (!to || !net || !topics || !access || (!dur == !until))
        return s_fail(ctx, "invite grant needs --to, --network, --topics, --access and one of "
                           "--for or --until");
    int64_t now = archive_now_ms(), expires;
    if (dur) {
        int64_t d = s_duration_ms(dur);
        if (d < 0)
            return s_fail(ctx, "--for takes a duration like 90s, 15m, 1h or 7d");
        expires = now + d;
    } else {
        expires = s_time_ms(until);
        if (expires < 0)
            return s_fail(ctx, "--until takes a UTC time like 2026-12-31T23:59:00Z");
        if (expires <= now)
            return s_fail(ctx, "--until is in the past");
    }
    /* Every pattern valid and inside the invited network. */
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", topics);
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save), n++) {
        const char *bad = topic_check_pattern(p, strlen(p));
        char first[64];
        if (bad)
            return s_fail(ctx, "topic pattern '%s': %s", p, bad);
        if (!topic_pattern_network(p, first, sizeof first) || strcmp(first, net) != 0)
            return s_fail(ctx, "topic pattern '%s' must start with the invited network %s/", p,
                net);
    }
    if (n == 0 || n > 8)
        return s_fail(ctx, "give 1 to 8 topic patterns");
    archive_invitation_t inv = {.grantee = to, .network = net, .patterns = topics,
        .access = access, .expires_ms = expires};
    int64_t id;
    if (archive_invitation_grant(ctx->archive, &inv, NULL, 0, &id) != 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    char when[32];
    s_time(expires, when, sizeof when);
    fprintf(ctx->out, "%lld\n", (long long)id);
    fprintf(ctx->err, "invitation %lld: %s may %s %s in %s until %s\n", (long long)id, to,
        !strcmp(access, "read") ? "read" : "read and write", topics, net, when);
    return 0;
}

static int
s_invite_revoke(admin_ctx_t *ctx, int argc, char **argv)
{
    if (argc != 1)
        return s_fail(ctx, "usage: invite revoke DATA INVITATION_ID");
    char *end;
    long long id = strtoll(argv[0], &end, 10);
    if (*end || id <= 0)
        return s_fail(ctx, "an invitation id is a positive number");
    if (archive_invitation_revoke(ctx->archive, id, NULL, 0) != 0)
        return s_fail(ctx, "%s", archive_error(ctx->archive));
    fprintf(ctx->out, "revoked invitation %lld\n", id);
    return 0;
}

static int
s_invite_row(const archive_invitation_t *inv, void *arg)
{
    void **a = arg;
    admin_ctx_t *ctx = a[0];
    json_t *array = a[1];
    char until[32];
    s_time(inv->expires_ms, until, sizeof until);
    int64_t now = archive_now_ms();
    const char *state = inv->revoked_ms ? "revoked" : now >= inv->expires_ms ? "expired" : "active";
    if (array) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)inv->id,
            "to", inv->grantee, "network", inv->network, "topics", inv->patterns, "access",
            inv->access, "until", until, "state", state);
        if (o)
            json_array_append_new(array, o);
        return 0;
    }
    fprintf(ctx->out, "%-4lld %-8s %-12s %-9s %-20s %-8s %s\n", (long long)inv->id, inv->grantee,
        inv->network, inv->access, until, state, inv->patterns);
    return 0;
}

static int
s_invite_list(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const flags[] = {"--json", NULL};
    if (s_check_options(ctx, argc, argv, NULL, flags) != 0)
        return 2;
    json_t *array = s_flag(argc, argv, "--json") ? json_array() : NULL;
    void *arg[2] = {ctx, array};
    if (!array)
        fprintf(ctx->out, "%-4s %-8s %-12s %-9s %-20s %-8s %s\n", "ID", "TO", "NETWORK", "ACCESS",
            "UNTIL", "STATE", "TOPICS");
    int rc = archive_invitations_each(ctx->archive, s_invite_row, arg);
    if (array)
        s_dump_json(ctx, array);
    return rc == 0 ? 0 : s_fail(ctx, "%s", archive_error(ctx->archive));
}

/* ------------------------------------------------------------ ppt */

static int
s_this_year(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static int
s_ppt(admin_ctx_t *ctx, int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "set")) {
        static const char *const opts[] = {"--country", "--year", NULL};
        if (s_check_options(ctx, argc - 1, argv + 1, opts, NULL) != 0)
            return 2;
        const char *cc = s_opt(argc, argv, "--country");
        const char *y = s_opt(argc, argv, "--year");
        int year = y ? atoi(y) : s_this_year();
        if (!cc)
            return s_fail(ctx, "ppt set needs --country CC");
        if (archive_ppt_set(ctx->archive, year, cc, NULL, 0) != 0)
            return s_fail(ctx, "%s", archive_error(ctx->archive));
        fprintf(ctx->out, "PPT %d: %s\n", year, cc);
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "show")) {
        int year = s_this_year();
        static const char *labels[] = {"previous", "current", "next"};
        for (int d = -1; d <= 1; d++) {
            char cc[8];
            int rc = archive_ppt_get(ctx->archive, year + d, cc, sizeof cc);
            if (rc < 0)
                return s_fail(ctx, "%s", archive_error(ctx->archive));
            fprintf(ctx->out, "%-8s %d %s\n", labels[d + 1], year + d, rc ? cc : "(not set)");
        }
        return 0;
    }
    return s_fail(ctx, "ppt set|show");
}

/* ------------------------------------------------------------ audit */

static int
s_audit_row(const archive_audit_row_t *row, void *arg)
{
    void **a = arg;
    admin_ctx_t *ctx = a[0];
    json_t *array = a[1];
    char when[32];
    s_time(row->ts_ms, when, sizeof when);
    if (array) {
        json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)row->id,
            "time", when, "officer_id", (json_int_t)row->officer_id, "fingerprint",
            row->fingerprint, "action", row->action, "outcome", row->outcome, "detail",
            row->detail);
        if (o)
            json_array_append_new(array, o);
        return 0;
    }
    fprintf(ctx->out, "%-6lld %s %-19s %-16s %-22s %s\n", (long long)row->id, when,
        row->fingerprint[0] ? row->fingerprint : "(local operator)", row->action, row->outcome,
        row->detail);
    return 0;
}

static int
s_audit(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const flags[] = {"--json", NULL};
    if (s_check_options(ctx, argc, argv, NULL, flags) != 0)
        return 2;
    json_t *array = s_flag(argc, argv, "--json") ? json_array() : NULL;
    void *arg[2] = {ctx, array};
    int rc = archive_audit_each(ctx->archive, s_audit_row, arg);
    if (array)
        s_dump_json(ctx, array);
    return rc == 0 ? 0 : s_fail(ctx, "%s", archive_error(ctx->archive));
}

/* ------------------------------------------------------------ stats */

typedef struct {
    admin_ctx_t *ctx;
    json_t *json;        /* --json: {section: {key: value}} */
    int csv;
    char last[96];       /* the section being printed (text) */
} stats_out_t;

static void
s_stat(const char *section, const char *key, int64_t value, void *arg)
{
    stats_out_t *o = arg;
    if (o->json) {
        json_t *sec = json_object_get(o->json, section);
        if (!sec) {
            sec = json_object();
            json_object_set_new(o->json, section, sec);
        }
        json_object_set_new(sec, key, json_integer((json_int_t)value));
    } else if (o->csv) {
        /* section and key never contain quotes or commas (fixed names, codes) */
        fprintf(o->ctx->out, "\"%s\",\"%s\",%lld\n", section, key, (long long)value);
    } else {
        if (strcmp(o->last, section) != 0) {
            fprintf(o->ctx->out, "%s\n", section);
            snprintf(o->last, sizeof o->last, "%s", section);
        }
        fprintf(o->ctx->out, "  %-24s %lld\n", key, (long long)value);
    }
}

static int
s_stats(admin_ctx_t *ctx, int argc, char **argv)
{
    static const char *const opts[] = {"--from", "--to", NULL};
    static const char *const flags[] = {"--json", "--csv", NULL};
    if (s_check_options(ctx, argc, argv, opts, flags) != 0)
        return 2;
    const char *from = s_opt(argc, argv, "--from"), *to = s_opt(argc, argv, "--to");
    int64_t from_ms = from ? s_time_ms(from) : 0;
    int64_t to_ms = to ? s_time_ms(to) : INT64_MAX;
    if (from_ms < 0 || to_ms < 0)
        return s_fail(ctx, "--from and --to take a UTC time like 2026-01-01T00:00:00Z");
    stats_out_t o = {.ctx = ctx, .csv = s_flag(argc, argv, "--csv")};
    if (s_flag(argc, argv, "--json"))
        o.json = json_object();
    if (o.csv)
        fprintf(ctx->out, "section,key,value\n");
    if (!o.json && !o.csv)
        fprintf(ctx->out, "period: %s to %s (UTC)\n", from ? from : "the beginning",
            to ? to : "now");
    int rc = archive_stats(ctx->archive, from_ms, to_ms, s_stat, &o);
    if (o.json) {
        char *text = json_dumps(o.json, JSON_INDENT(2));
        if (text) {
            fprintf(ctx->out, "%s\n", text);
            free(text);
        }
        json_decref(o.json);
    }
    return rc == 0 ? 0 : s_fail(ctx, "%s", archive_error(ctx->archive));
}

/* ------------------------------------------------------------ dispatch */

int
admin_exec(admin_ctx_t *ctx, int argc, char **argv)
{
    if (argc < 1)
        return s_fail(ctx, "officer, invite, ppt or audit");
    const char *cmd = argv[0];
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(cmd, "audit"))
        return s_audit(ctx, argc - 1, argv + 1);
    if (!strcmp(cmd, "ppt"))
        return s_ppt(ctx, argc - 1, argv + 1);
    if (!strcmp(cmd, "stats"))
        return s_stats(ctx, argc - 1, argv + 1);
    if (!strcmp(cmd, "officer")) {
        if (!strcmp(sub, "add"))
            return s_officer_add(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "list"))
            return s_officer_list(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "revoke"))
            return s_officer_revoke(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "join"))
            return s_officer_join(ctx, argc - 2, argv + 2, 1);
        if (!strcmp(sub, "key"))
            return s_officer_key(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "leave"))
            return s_officer_join(ctx, argc - 2, argv + 2, 0);
        s_fail(ctx, "unknown officer command '%s' (add, list, revoke, key, join, leave)", sub);
        return 2;
    }
    if (!strcmp(cmd, "invite")) {
        if (!strcmp(sub, "grant"))
            return s_invite_grant(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "revoke"))
            return s_invite_revoke(ctx, argc - 2, argv + 2);
        if (!strcmp(sub, "list"))
            return s_invite_list(ctx, argc - 2, argv + 2);
        s_fail(ctx, "unknown invite command '%s' (grant, revoke, list)", sub);
        return 2;
    }
    s_fail(ctx, "unknown command '%s' (officer, invite, ppt, audit, stats)", cmd);
    return 2;
}

int
admin_offline(int argc, char **argv)
{
    admin_ctx_t ctx = {.out = stdout, .err = stderr};
    /* {command, [sub,] DATA, ...}: audit and stats take DATA right after the
     * command. */
    int data_at = !strcmp(argv[0], "audit") || !strcmp(argv[0], "stats") ? 1 : 2;
    if (argc <= data_at || argv[data_at][0] == '-') {
        fprintf(stderr, "usage:\n%s", admin_usage);
        return 2;
    }
    const char *data = argv[data_at];
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive; run 'enlace-hub init %s' first\n", data,
            data);
        return 1;
    }
    ctx.archive = archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!ctx.archive) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    char **rest = calloc((size_t)argc, sizeof *rest);
    if (!rest) {
        archive_destroy(&ctx.archive);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < argc; i++)
        if (i != data_at)
            rest[n++] = argv[i];
    int rc = admin_exec(&ctx, n, rest);
    free(rest);
    archive_destroy(&ctx.archive);
    return rc;
}

/* ------------------------------------------------------------ init */

int
admin_init(int argc, char **argv)
{
    admin_ctx_t ctx = {.out = stdout, .err = stderr};
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub init DATA_DIR\n");
        return 2;
    }
    const char *data = argv[0];
    if (mkdir(data, 0700) != 0 && errno != EEXIST)
        return s_fail(&ctx, "cannot create %s: %s", data, strerror(errno));
    struct stat st;
    if (stat(data, &st) != 0 || !S_ISDIR(st.st_mode))
        return s_fail(&ctx, "%s is not a directory", data);
    char prefix[4096], secret[4200], err[512], kerr[KEYS_ERR_LEN];
    snprintf(prefix, sizeof prefix, "%s/hub", data);
    snprintf(secret, sizeof secret, "%s.secret", prefix);
    int created_key = 0;
    if (access(secret, F_OK) != 0) {
        if (keys_init() != 0)
            return s_fail(&ctx, "libsodium failed to initialise");
        keys_identity_t *id = keys_identity_new();
        if (!id)
            return s_fail(&ctx, "out of memory");
        int rc = keys_identity_save(id, prefix, NULL, kerr);
        keys_identity_destroy(&id);
        if (rc != 0)
            return s_fail(&ctx, "%s", kerr);
        created_key = 1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a)
        return s_fail(&ctx, "%s", err);
    if (archive_seed(a, enlace_crm_seed) != 0
        || archive_audit(a, 0, NULL, "hub.init", "ok",
               created_key ? "new hub key" : "existing hub key")
            != 0) {
        s_fail(&ctx, "%s", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    archive_destroy(&a);
    chmod(path, 0600);
    uint8_t pk[KEYS_PUBLIC_BYTES];
    char fp[KEYS_FINGERPRINT_LEN], pub[4200];
    snprintf(pub, sizeof pub, "%s.public", prefix);
    if (keys_public_load(pub, pk, kerr) != 0)
        return s_fail(&ctx, "%s", kerr);
    keys_fingerprint(pk, fp);
    printf("%s %s\n", created_key ? "initialised" : "already initialised (nothing overwritten):",
        data);
    printf("hub key: %s.public (fingerprint %s)\n", prefix, fp);
    printf("archive: %s\n", path);
    return 0;
}
