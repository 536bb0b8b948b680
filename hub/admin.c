/*
 * admin.c: `enlace-hub init`, `officer add|list|revoke`, `audit`.
 *
 * These work on the data directory directly (SQLite allows the running hub
 * and these commands to share the file); the running hub notices directory
 * changes within DIR_CHECK_MS and applies them.
 */
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

#include "archive.h"
#include "keys.h"

extern const char enlace_crm_seed[]; /* contrib/crm-seed.sql, embedded at build time */

void
admin_archive_path(const char *data, char *out, size_t cap)
{
    snprintf(out, cap, "%s/" ARCHIVE_FILE, data);
}

static int s_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
s_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "enlace-hub: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* Finds "--name value" in argv; NULL if absent. */
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

/* Checks that every "--x" in argv is one of the allowed options. */
static int
s_known_options(int argc, char **argv, const char *const *with_value, const char *const *flags)
{
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        int ok = 0;
        for (const char *const *o = with_value; o && *o && !ok; o++)
            if (!strcmp(argv[i], *o)) {
                ok = 1;
                if (i + 1 >= argc)
                    return s_fail("%s needs a value", argv[i]);
                i++;
            }
        for (const char *const *o = flags; o && *o && !ok; o++)
            ok = !strcmp(argv[i], *o);
        if (!ok)
            return s_fail("unknown option %s (see --help)", argv[i]);
    }
    return 0;
}

int
admin_init(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub init DATA_DIR\n");
        return 2;
    }
    const char *data = argv[0];
    if (mkdir(data, 0700) != 0 && errno != EEXIST)
        return s_fail("cannot create %s: %s", data, strerror(errno));
    struct stat st;
    if (stat(data, &st) != 0 || !S_ISDIR(st.st_mode))
        return s_fail("%s is not a directory", data);
    char prefix[4096], secret[4200], err[512];
    snprintf(prefix, sizeof prefix, "%s/hub", data);
    snprintf(secret, sizeof secret, "%s.secret", prefix);
    int created_key = 0;
    if (access(secret, F_OK) != 0) {
        if (keys_init() != 0)
            return s_fail("libsodium failed to initialise");
        keys_identity_t *id = keys_identity_new();
        if (!id)
            return s_fail("out of memory");
        char kerr[KEYS_ERR_LEN];
        int rc = keys_identity_save(id, prefix, NULL, kerr);
        keys_identity_destroy(&id);
        if (rc != 0)
            return s_fail("%s", kerr);
        created_key = 1;
    }
    char path[4200];
    admin_archive_path(data, path, sizeof path);
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a)
        return s_fail("%s", err);
    if (archive_seed(a, enlace_crm_seed) != 0) {
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    if (archive_audit(a, 0, NULL, "hub.init", "ok", created_key ? "new hub key" : "existing hub key")
        != 0) {
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    archive_destroy(&a);
    uint8_t pk[KEYS_PUBLIC_BYTES];
    char fp[KEYS_FINGERPRINT_LEN], pub[4200], kerr[KEYS_ERR_LEN];
    snprintf(pub, sizeof pub, "%s.public", prefix);
    if (keys_public_load(pub, pk, kerr) != 0)
        return s_fail("%s", kerr);
    keys_fingerprint(pk, fp);
    printf("%s %s\n", created_key ? "initialised" : "already initialised (nothing overwritten):",
        data);
    printf("hub key: %s.public (fingerprint %s)\n", prefix, fp);
    printf("archive: %s\n", path);
    return 0;
}

static archive_t *
s_open_existing(const char *data)
{
    char path[4200], err[512];
    admin_archive_path(data, path, sizeof path);
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive; run 'enlace-hub init %s' first\n", data,
            data);
        return NULL;
    }
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a)
        fprintf(stderr, "enlace-hub: %s\n", err);
    return a;
}

static int
s_officer_add(int argc, char **argv)
{
    static const char *const opts[] = {"--key", "--country", "--org", "--network", "--role",
        "--name", "--contact", NULL};
    if (argc < 1 || argv[0][0] == '-' || s_known_options(argc - 1, argv + 1, opts, NULL) != 0) {
        fprintf(stderr,
            "usage: enlace-hub officer add DATA --key FILE.public (--country CC | --org ORG)\n"
            "         [--network NET[,NET]] --role ROLE --name NAME [--contact TEXT]\n");
        return 2;
    }
    const char *key = s_opt(argc, argv, "--key");
    const char *name = s_opt(argc, argv, "--name");
    const char *role = s_opt(argc, argv, "--role");
    if (!key || !name || !role)
        return s_fail("officer add needs --key, --name and --role");
    char kerr[KEYS_ERR_LEN];
    uint8_t pk[KEYS_PUBLIC_BYTES], curve[KEYS_CURVE_BYTES];
    if (keys_init() != 0 || keys_public_load(key, pk, kerr) != 0)
        return s_fail("%s", kerr);
    if (keys_curve_from_public(pk, curve) != 0)
        return s_fail("%s is not a usable key", key);
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, fp);
    archive_t *a = s_open_existing(argv[0]);
    if (!a)
        return 1;
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
    if (archive_officer_add(a, &spec, &id) != 0) {
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    archive_destroy(&a);
    printf("added officer %lld: %s, key %s\n", (long long)id, name, fp);
    return 0;
}

typedef struct {
    json_t *array; /* --json output, or NULL for text */
} list_ctx_t;

static void
s_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
s_list_row(const archive_key_row_t *row, void *arg)
{
    list_ctx_t *ctx = arg;
    const char *where = row->country[0] ? row->country : row->org;
    if (ctx->array) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
            (json_int_t)row->officer_id, "name", row->name, "country", row->country,
            "organisation", row->org, "role", row->role, "networks", row->networks, "fingerprint",
            row->fingerprint, "revoked", row->revoked_ms != 0);
        if (o)
            json_array_append_new(ctx->array, o);
        return 0;
    }
    char revoked[40] = "";
    if (row->revoked_ms) {
        char when[32];
        s_time(row->revoked_ms, when, sizeof when);
        snprintf(revoked, sizeof revoked, "  REVOKED %s", when);
    }
    printf("%-4lld %-19s %-5s %-8s %-32s %s%s\n", (long long)row->officer_id, row->fingerprint,
        where, row->role, row->networks[0] ? row->networks : "-", row->name, revoked);
    return 0;
}

static int
s_officer_list(int argc, char **argv)
{
    static const char *const flags[] = {"--json", NULL};
    if (argc < 1 || argv[0][0] == '-' || s_known_options(argc - 1, argv + 1, NULL, flags) != 0) {
        fprintf(stderr, "usage: enlace-hub officer list DATA [--json]\n");
        return 2;
    }
    archive_t *a = s_open_existing(argv[0]);
    if (!a)
        return 1;
    list_ctx_t ctx = {.array = s_flag(argc, argv, "--json") ? json_array() : NULL};
    if (!ctx.array)
        printf("%-4s %-19s %-5s %-8s %-32s %s\n", "ID", "FINGERPRINT", "WHERE", "ROLE",
            "NETWORKS", "NAME");
    int rc = archive_keys_each(a, s_list_row, &ctx);
    if (rc != 0)
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
    if (ctx.array) {
        json_dumpf(ctx.array, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(ctx.array);
    }
    archive_destroy(&a);
    return rc == 0 ? 0 : 1;
}

typedef struct {
    const char *fingerprint;
    uint8_t pk[32];
    int found;
} find_fp_t;

static int
s_find_fp(const archive_key_row_t *row, void *arg)
{
    find_fp_t *f = arg;
    if (strcmp(row->fingerprint, f->fingerprint) != 0)
        return 0;
    memcpy(f->pk, row->pk, 32);
    f->found = 1;
    return 1;
}

static int
s_officer_revoke(int argc, char **argv)
{
    static const char *const opts[] = {"--key", "--fingerprint", NULL};
    if (argc < 1 || argv[0][0] == '-' || s_known_options(argc - 1, argv + 1, opts, NULL) != 0) {
        fprintf(stderr,
            "usage: enlace-hub officer revoke DATA (--key FILE.public | --fingerprint FP)\n");
        return 2;
    }
    const char *key = s_opt(argc, argv, "--key");
    const char *fpopt = s_opt(argc, argv, "--fingerprint");
    if (!key == !fpopt)
        return s_fail("give --key FILE.public or --fingerprint FP");
    archive_t *a = s_open_existing(argv[0]);
    if (!a)
        return 1;
    find_fp_t f = {.fingerprint = fpopt};
    char kerr[KEYS_ERR_LEN];
    if (key) {
        if (keys_init() != 0 || keys_public_load(key, f.pk, kerr) != 0) {
            archive_destroy(&a);
            return s_fail("%s", kerr);
        }
    } else if (archive_keys_each(a, s_find_fp, &f) != 0 || !f.found) {
        archive_destroy(&a);
        return s_fail("no key with fingerprint %s in the directory", fpopt);
    }
    int rc = archive_key_revoke(a, f.pk, archive_now_ms());
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(f.pk, fp);
    if (rc < 0)
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
    else if (rc == 0)
        fprintf(stderr, "enlace-hub: key %s is not in the directory\n", fp);
    else
        printf("revoked key %s; a running hub closes its sessions within a second\n", fp);
    archive_destroy(&a);
    return rc == 1 ? 0 : 1;
}

int
admin_officer(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: enlace-hub officer add|list|revoke DATA ...\n");
        return 2;
    }
    if (!strcmp(argv[0], "add"))
        return s_officer_add(argc - 1, argv + 1);
    if (!strcmp(argv[0], "list"))
        return s_officer_list(argc - 1, argv + 1);
    if (!strcmp(argv[0], "revoke"))
        return s_officer_revoke(argc - 1, argv + 1);
    fprintf(stderr, "enlace-hub: unknown officer command '%s' (add, list, revoke)\n", argv[0]);
    return 2;
}

static int
s_audit_row(const archive_audit_row_t *row, void *arg)
{
    json_t *array = arg;
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
    printf("%-6lld %s %-19s %-16s %-22s %s\n", (long long)row->id, when,
        row->fingerprint[0] ? row->fingerprint : "(local operator)", row->action, row->outcome,
        row->detail);
    return 0;
}

int
admin_audit(int argc, char **argv)
{
    static const char *const flags[] = {"--json", NULL};
    if (argc < 1 || argv[0][0] == '-' || s_known_options(argc - 1, argv + 1, NULL, flags) != 0) {
        fprintf(stderr, "usage: enlace-hub audit DATA [--json]\n");
        return 2;
    }
    archive_t *a = s_open_existing(argv[0]);
    if (!a)
        return 1;
    json_t *array = s_flag(argc, argv, "--json") ? json_array() : NULL;
    int rc = archive_audit_each(a, s_audit_row, array);
    if (rc != 0)
        fprintf(stderr, "enlace-hub: %s\n", archive_error(a));
    if (array) {
        json_dumpf(array, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(array);
    }
    archive_destroy(&a);
    return rc == 0 ? 0 : 1;
}
