/*
 * admin_offline.c: `enlace-hub init DATA`, and the directory commands run on
 * the server: `enlace-hub officer|invite|ppt|audit|stats DATA ...`. Their
 * words become the same typed request as `enlace admin` sends
 * (common/admin_args), run by the same operations (admin.c) as the local
 * operator, and print through the same renderer (common/admin_print). A
 * running hub notices the change within DIR_CHECK_MS.
 */
#include "admin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin_args.h"
#include "admin_print.h"
#include "admin_view.h"
#include "cluster.h"
#include "keys.h"

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

/* The request the typed command stands for. Strings point into cmd; the
 * messages are the caller's (r). */
typedef struct {
    Enlace__OfficerAdd officer_add;
    Enlace__OfficerList officer_list;
    Enlace__OfficerRevoke officer_revoke;
    Enlace__OfficerKeyAdd officer_key_add;
    Enlace__OfficerJoin officer_join;
    Enlace__OfficerLeave officer_leave;
    Enlace__InviteGrant invite_grant;
    Enlace__InviteRevoke invite_revoke;
    Enlace__InviteList invite_list;
    Enlace__PptSet ppt_set;
    Enlace__PptShow ppt_show;
    Enlace__AuditQuery audit;
    Enlace__StatsQuery stats;
} requests_t;

static void
s_request(admin_cmd_t *cmd, Enlace__Admin *req, requests_t *r)
{
    static const Enlace__OfficerAdd officer_add = ENLACE__OFFICER_ADD__INIT;
    static const Enlace__OfficerList officer_list = ENLACE__OFFICER_LIST__INIT;
    static const Enlace__OfficerRevoke officer_revoke = ENLACE__OFFICER_REVOKE__INIT;
    static const Enlace__OfficerKeyAdd officer_key_add = ENLACE__OFFICER_KEY_ADD__INIT;
    static const Enlace__OfficerJoin officer_join = ENLACE__OFFICER_JOIN__INIT;
    static const Enlace__OfficerLeave officer_leave = ENLACE__OFFICER_LEAVE__INIT;
    static const Enlace__InviteGrant invite_grant = ENLACE__INVITE_GRANT__INIT;
    static const Enlace__InviteRevoke invite_revoke = ENLACE__INVITE_REVOKE__INIT;
    static const Enlace__InviteList invite_list = ENLACE__INVITE_LIST__INIT;
    static const Enlace__PptSet ppt_set = ENLACE__PPT_SET__INIT;
    static const Enlace__PptShow ppt_show = ENLACE__PPT_SHOW__INIT;
    static const Enlace__AuditQuery audit = ENLACE__AUDIT_QUERY__INIT;
    static const Enlace__StatsQuery stats = ENLACE__STATS_QUERY__INIT;
    enlace__admin__init(req);
    ProtobufCBinaryData key = {.len = sizeof cmd->key, .data = cmd->key};
#define S(x) ((char *)((x) ? (x) : ""))
    switch (cmd->op) {
    case ADMIN_OFFICER_ADD:
        r->officer_add = officer_add;
        r->officer_add.public_key = key;
        r->officer_add.name = S(cmd->name);
        r->officer_add.country = S(cmd->country);
        r->officer_add.organisation = S(cmd->organisation);
        r->officer_add.role = S(cmd->role);
        r->officer_add.contact = S(cmd->contact);
        r->officer_add.networks = (char **)cmd->list;
        r->officer_add.n_networks = cmd->nlist;
        req->op_case = ENLACE__ADMIN__OP_OFFICER_ADD;
        req->officer_add = &r->officer_add;
        break;
    case ADMIN_OFFICER_LIST:
        r->officer_list = officer_list;
        req->op_case = ENLACE__ADMIN__OP_OFFICER_LIST;
        req->officer_list = &r->officer_list;
        break;
    case ADMIN_OFFICER_REVOKE:
        r->officer_revoke = officer_revoke;
        if (cmd->fingerprint) {
            r->officer_revoke.key_case = ENLACE__OFFICER_REVOKE__KEY_FINGERPRINT;
            r->officer_revoke.fingerprint = S(cmd->fingerprint);
        } else {
            r->officer_revoke.key_case = ENLACE__OFFICER_REVOKE__KEY_PUBLIC_KEY;
            r->officer_revoke.public_key = key;
        }
        req->op_case = ENLACE__ADMIN__OP_OFFICER_REVOKE;
        req->officer_revoke = &r->officer_revoke;
        break;
    case ADMIN_OFFICER_KEY:
        r->officer_key_add = officer_key_add;
        r->officer_key_add.fingerprint = S(cmd->fingerprint);
        r->officer_key_add.public_key = key;
        r->officer_key_add.valid_from_ms = cmd->from_ms;
        r->officer_key_add.valid_until_ms = cmd->until_ms;
        req->op_case = ENLACE__ADMIN__OP_OFFICER_KEY_ADD;
        req->officer_key_add = &r->officer_key_add;
        break;
    case ADMIN_OFFICER_JOIN:
        r->officer_join = officer_join;
        r->officer_join.fingerprint = S(cmd->fingerprint);
        r->officer_join.network = S(cmd->network);
        r->officer_join.role = S(cmd->role);
        req->op_case = ENLACE__ADMIN__OP_OFFICER_JOIN;
        req->officer_join = &r->officer_join;
        break;
    case ADMIN_OFFICER_LEAVE:
        r->officer_leave = officer_leave;
        r->officer_leave.fingerprint = S(cmd->fingerprint);
        r->officer_leave.network = S(cmd->network);
        req->op_case = ENLACE__ADMIN__OP_OFFICER_LEAVE;
        req->officer_leave = &r->officer_leave;
        break;
    case ADMIN_INVITE_GRANT:
        r->invite_grant = invite_grant;
        r->invite_grant.grantee = S(cmd->grantee);
        r->invite_grant.network = S(cmd->network);
        r->invite_grant.access = S(cmd->access);
        r->invite_grant.topics = (char **)cmd->list;
        r->invite_grant.n_topics = cmd->nlist;
        if (cmd->duration_ms) {
            r->invite_grant.until_case = ENLACE__INVITE_GRANT__UNTIL_DURATION_MS;
            r->invite_grant.duration_ms = cmd->duration_ms;
        } else {
            r->invite_grant.until_case = ENLACE__INVITE_GRANT__UNTIL_EXPIRES_MS;
            r->invite_grant.expires_ms = cmd->expires_ms;
        }
        req->op_case = ENLACE__ADMIN__OP_INVITE_GRANT;
        req->invite_grant = &r->invite_grant;
        break;
    case ADMIN_INVITE_REVOKE:
        r->invite_revoke = invite_revoke;
        r->invite_revoke.id = cmd->invitation_id;
        req->op_case = ENLACE__ADMIN__OP_INVITE_REVOKE;
        req->invite_revoke = &r->invite_revoke;
        break;
    case ADMIN_INVITE_LIST:
        r->invite_list = invite_list;
        req->op_case = ENLACE__ADMIN__OP_INVITE_LIST;
        req->invite_list = &r->invite_list;
        break;
    case ADMIN_PPT_SET:
        r->ppt_set = ppt_set;
        r->ppt_set.country = S(cmd->country);
        r->ppt_set.year = (uint32_t)cmd->year;
        req->op_case = ENLACE__ADMIN__OP_PPT_SET;
        req->ppt_set = &r->ppt_set;
        break;
    case ADMIN_PPT_SHOW:
        r->ppt_show = ppt_show;
        req->op_case = ENLACE__ADMIN__OP_PPT_SHOW;
        req->ppt_show = &r->ppt_show;
        break;
    case ADMIN_AUDIT:
        r->audit = audit;
        req->op_case = ENLACE__ADMIN__OP_AUDIT;
        req->audit = &r->audit;
        break;
    case ADMIN_STATS:
        r->stats = stats;
        r->stats.from_ms = cmd->stats_from_ms;
        r->stats.to_ms = cmd->stats_to_ms;
        req->op_case = ENLACE__ADMIN__OP_STATS;
        req->stats = &r->stats;
        break;
    case ADMIN_STATUS:
        break; /* not offline: `enlace-hub status DATA` is status.c's */
    case ADMIN_HOLIDAY_ADD:
    case ADMIN_HOLIDAY_REMOVE:
    case ADMIN_HOLIDAY_LIST:
    case ADMIN_ZONE_SET:
    case ADMIN_ZONE_LIST:
    case ADMIN_ARCHIVE_KEY_SET:
    case ADMIN_ARCHIVE_KEY_SHOW:
        break; /* offline, they have words of their own: calendar.c, archive_key.c */
    }
#undef S
}

/* Runs a parsed command as the local operator and prints its result. */
static int
s_run(archive_t *archive, admin_cmd_t *cmd)
{
    if (cmd->key_file) {
        char kerr[KEYS_ERR_LEN];
        snprintf(kerr, sizeof kerr, "libsodium failed to initialise");
        if (keys_init() != 0 || keys_public_load(cmd->key_file, cmd->key, kerr) != 0) {
            fprintf(stderr, "enlace-hub: %s\n", kerr);
            return 1;
        }
        cmd->have_key = 1;
    }
    Enlace__Admin req;
    requests_t r;
    s_request(cmd, &req, &r);
    admin_ctx_t ctx = {.archive = archive};
    Enlace__AdminResult *result = NULL;
    char why[1024];
    if (admin_run(&ctx, &req, &result, why, sizeof why) != ENLACE__ERROR_CODE__ERR_NONE) {
        fprintf(stderr, "enlace-hub: %s\n", why);
        return 1;
    }
    arena_t arena = {0};
    admin_result_t view;
    int rc = 1;
    if (admin_view_result(&arena, result, &view) == 0)
        rc = admin_print(stdout, stderr, cmd, &view);
    else
        fprintf(stderr, "enlace-hub: out of memory\n");
    arena_free(&arena);
    admin_result_free(&result);
    return rc;
}

int
admin_offline(int argc, char **argv)
{
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
    /* A cluster node changes only through its cluster's log. */
    if (cluster_refuse_offline(path, argv[0], stderr) != 0)
        return 1;
    archive_t *archive = archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!archive) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    char **rest = calloc((size_t)argc, sizeof *rest);
    if (!rest) {
        archive_destroy(&archive);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < argc; i++)
        if (i != data_at)
            rest[n++] = argv[i];
    admin_cmd_t cmd;
    int rc = admin_args_parse(n, rest, &cmd, stderr);
    if (rc == 0)
        rc = s_run(archive, &cmd);
    free(rest);
    archive_destroy(&archive);
    return rc;
}

/* ------------------------------------------------------------ init */

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
    char prefix[4096], secret[4200], err[512], kerr[KEYS_ERR_LEN];
    snprintf(prefix, sizeof prefix, "%s/hub", data);
    snprintf(secret, sizeof secret, "%s.secret", prefix);
    char path[4200];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    /* A cluster node's archive is the cluster's: nothing to add to it, and
     * nothing may be (the audit entry below would bypass the log), nor may
     * it get a hub key of its own. Not an error when all is there: the
     * service runs init before every start. */
    char cluster[128];
    int member = cluster_archive_member(path, cluster, sizeof cluster);
    if (member < 0)
        return s_fail("%s cannot be read", path);
    if (member == 1) {
        if (access(secret, F_OK) != 0)
            return s_fail("%s is a node of cluster '%s' without its hub key: copy hub.secret "
                          "and hub.public from another node (every node shares them)",
                data, cluster);
        printf("%s is a node of cluster '%s': its archive changes only through the "
               "cluster's log; nothing to initialise\n",
            data, cluster);
        return 0;
    }
    int created_key = 0;
    if (access(secret, F_OK) != 0) {
        if (keys_init() != 0)
            return s_fail("libsodium failed to initialise");
        keys_identity_t *id = keys_identity_new();
        if (!id)
            return s_fail("out of memory");
        int rc = keys_identity_save(id, prefix, NULL, kerr);
        keys_identity_destroy(&id);
        if (rc != 0)
            return s_fail("%s", kerr);
        created_key = 1;
    }
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a)
        return s_fail("%s", err);
    if (archive_seed(a, enlace_crm_seed) != 0
        || archive_audit(a, 0, NULL, "hub.init", "ok",
               created_key ? "new hub key" : "existing hub key")
            != 0) {
        s_fail("%s", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    archive_destroy(&a);
    chmod(path, 0600);
    uint8_t pk[KEYS_PUBLIC_BYTES];
    char fp[KEYS_FINGERPRINT_LEN], pub[4200];
    snprintf(pub, sizeof pub, "%s.public", prefix);
    if (keys_public_load(pub, pk, kerr) != 0)
        return s_fail("%s", kerr);
    keys_fingerprint(pk, fp);
    printf("%s %s\n",
        created_key ? "initialised" : "already initialised (nothing overwritten):", data);
    printf("hub key: %s.public (fingerprint %s)\n", prefix, fp);
    printf("archive: %s\n", path);
    return 0;
}
