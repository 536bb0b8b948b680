/*
 * enlace-hub: command dispatch. Thin on purpose: parse, configure, run, tear
 * down. The only global mutable state is the signal flags (stop; reload the
 * directory on SIGHUP).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "archive.h"
#include "backup.h"
#include "cap.h"
#include "directory.h"
#include "keys.h"
#include "config.h"
#include "config_file.h"
#include "export.h"
#include "hub.h"
#include "ledger.h"
#include "log.h"
#include "status.h"

static volatile sig_atomic_t s_stop = 0;
static volatile sig_atomic_t s_reload = 0;

static void
s_on_signal(int sig)
{
    if (sig == SIGHUP)
        s_reload = 1;
    else
        s_stop = 1;
}

static void
s_usage(FILE *out)
{
    fprintf(out,
        "usage: enlace-hub COMMAND ...\n"
        "\n"
        "  export-cap DATA ALERT_ID [--restricted]  write an alert as OASIS CAP 1.2 XML\n"
        "                            (TLP:RED, AMBER+STRICT and H1-H3 only with --restricted)\n"
        "  init DATA                 create DATA/ with the hub key, the archive and the\n"
        "                            CRM directory (safe to run again: overwrites nothing)\n"
        "  run [DATA] [options]      serve (DATA may come from the configuration file)\n"
        "      --config FILE         configuration file (default " ENLACE_HUB_CONF ",\n"
        "                            if it exists); the options below override it\n"
        "      --bind ENDPOINT       where to listen (default tcp://127.0.0.1:7440)\n"
        "      --sync off|normal|full  what 'stored' means (default normal: see README)\n"
        "      --window N            deliveries in flight per session (default 256)\n"
        "      --max-body BYTES      largest message body (default 262144)\n"
        "      --max-subscriptions N subscriptions per session (default 64)\n"
        "      --request-rate N      requests a second per key, over all its connections,\n"
        "                            0 = no limit (default 2000)\n"
        "      --request-burst N     requests at once after a quiet spell (default 10000)\n"
        "      --connections-per-key N  sessions one key may hold open at once,\n"
        "                            0 = no limit (default 32)\n"
        "      --idle-timeout TIME   drop a silent session after TIME (default 60s)\n"
        "      --heartbeat TIME      ZMTP heartbeat interval (default 10s)\n"
        "      --deadline urgent=30m,flash=5m  acknowledgement deadlines of alerts\n"
        "      --log-level LEVEL     error, warning, notice, info (default) or debug\n"
        "      --verbose             debug logging (--log-level debug)\n"
        "  check-config [FILE]       print the effective configuration, or what is wrong\n"
        "                            with FILE (default " ENLACE_HUB_CONF ")\n"
        "  status DATA [--json|--prometheus]  a running hub's health: uptime, connected\n"
        "                            officers, queues, messages per network, open alerts,\n"
        "                            archive size (--prometheus: text format for scrapers)\n"
        "%s"
        "  verify DATA|FILE                            check the hash chain and every signature\n"
        "  export DATA [--from TIME] [--to TIME] [--topic PATTERN]\n"
        "      messages as JSON lines (TIME: 2026-11-21T10:00:00Z or Unix ms)\n"
        "  backup DATA FILE                            consistent online copy into a new FILE\n"
        "\n"
        "SIGHUP makes a running hub reload its directory. Roles: officer, focal, ppt,\n"
        "st, observer, admin. Networks: consular, trafficking, child, crm.\n",
        admin_usage);
}

/* Command-line options of `run` and the configuration keys they override. */
static const struct {
    const char *flag;
    const char *section;
    const char *key;
} s_flags[] = {
    {"--bind", "hub", "bind"},
    {"--heartbeat", "hub", "heartbeat"},
    {"--window", "limits", "window"},
    {"--max-body", "limits", "max_body"},
    {"--max-subscriptions", "limits", "max_subscriptions"},
    {"--request-rate", "limits", "request_rate"},
    {"--request-burst", "limits", "request_burst"},
    {"--connections-per-key", "limits", "connections_per_key"},
    {"--idle-timeout", "limits", "idle_timeout"},
    {"--sync", "archive", "sync"},
    {"--log-level", "log", "level"},
};

/* Loads defaults, then path, or the default file if path is NULL and that
 * file exists. *used is the file read, or NULL. 0, or -1 (reported). */
static int
s_load_config(hub_config_t *cfg, const char *path, const char **used)
{
    char err[600];
    hub_config_defaults(cfg);
    *used = NULL;
    if (!path) {
        if (access(ENLACE_HUB_CONF, F_OK) != 0)
            return 0;
        path = ENLACE_HUB_CONF;
    }
    if (config_load(path, cfg, err, sizeof err) != 0) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return -1;
    }
    *used = path;
    return 0;
}

static int
s_check_config(int argc, char **argv)
{
    if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
        fprintf(stderr, "usage: enlace-hub check-config [FILE]\n");
        return 2;
    }
    hub_config_t cfg;
    const char *used;
    if (s_load_config(&cfg, argc == 1 ? argv[0] : NULL, &used) != 0)
        return 1;
    if (used)
        printf("# effective configuration: %s on top of the built-in defaults\n", used);
    else
        printf("# effective configuration: built-in defaults (%s does not exist)\n",
            ENLACE_HUB_CONF);
    config_print(stdout, &cfg);
    return 0;
}

/* --deadline urgent=DURATION,flash=DURATION: either or both, each set
 * through the configuration keys [alerts] urgent_deadline, flash_deadline. */
static int
s_parse_deadlines(const char *spec, hub_config_t *cfg, char *err, size_t errlen)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        if (!eq || (strcmp(item, "urgent") && strcmp(item, "flash"))) {
            snprintf(err, errlen, "takes urgent=DURATION,flash=DURATION (e.g. urgent=30m,flash=5m)");
            return -1;
        }
        const char *key = !strcmp(item, "urgent") ? "urgent_deadline" : "flash_deadline";
        if (config_set(cfg, "alerts", key, eq + 1, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int
s_run(int argc, char **argv)
{
    hub_config_t cfg;
    const char *data = NULL, *conf = NULL, *used;
    int i = 0;
    char err[600];
    if (argc > 0 && argv[0][0] != '-')
        data = argv[i++];
    /* The file first, whatever the order on the line: flags override it. */
    for (int j = i; j < argc; j++)
        if (!strcmp(argv[j], "--config")) {
            if (j + 1 >= argc) {
                fprintf(stderr, "enlace-hub: --config needs a value (see --help)\n");
                return 2;
            }
            conf = argv[j + 1];
        }
    if (s_load_config(&cfg, conf, &used) != 0)
        return 1;
    if (data)
        cfg.data_dir = data;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose")) {
            cfg.log_level = LOG_DEBUG;
            continue;
        }
        size_t f = 0;
        while (f < sizeof s_flags / sizeof s_flags[0] && strcmp(a, s_flags[f].flag))
            f++;
        if (strcmp(a, "--config") && strcmp(a, "--deadline")
            && f == sizeof s_flags / sizeof s_flags[0]) {
            fprintf(stderr, "enlace-hub: unknown option %s (see --help)\n", a);
            return 2;
        }
        if (!v) {
            fprintf(stderr, "enlace-hub: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--config"))
            continue;
        if (!strcmp(a, "--deadline")) {
            if (s_parse_deadlines(v, &cfg, err, sizeof err) != 0) {
                fprintf(stderr, "enlace-hub: --deadline: %s\n", err);
                return 2;
            }
            continue;
        }
        if (config_set(&cfg, s_flags[f].section, s_flags[f].key, v, err, sizeof err) != 0) {
            fprintf(stderr, "enlace-hub: %s: %s\n", a, err);
            return 2;
        }
    }
    if (!cfg.data_dir || !*cfg.data_dir) {
        fprintf(stderr, "usage: enlace-hub run DATA [--config FILE] [--bind ENDPOINT] ...\n"
                        "(or set data_dir in the [hub] section of the configuration file)\n");
        return 2;
    }
    cfg.reload = &s_reload;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return hub_run(&cfg, &s_stop) == 0 ? 0 : 1;
}

static int
s_export_cap(int argc, char **argv)
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
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    directory_t *dir = directory_load(a);
    char *xml = NULL;
    /* The operator reads the file: the labels decide (disclose.h, EXPORT). */
    disclose_reader_t reader = {.dir = dir, .who = NULL, .now_ms = archive_now_ms(),
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

int
main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        s_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("enlace-hub %s\n", ENLACE_VERSION);
        return 0;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help")) {
            s_usage(stdout);
            return 0;
        }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "init"))
        return admin_init(argc - 2, argv + 2);
    if (!strcmp(cmd, "run"))
        return s_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check-config"))
        return s_check_config(argc - 2, argv + 2);
    if (!strcmp(cmd, "status"))
        return status_show(argc - 2, argv + 2);
    if (!strcmp(cmd, "export-cap"))
        return s_export_cap(argc - 2, argv + 2);
    if (!strcmp(cmd, "officer") || !strcmp(cmd, "invite") || !strcmp(cmd, "ppt")
        || !strcmp(cmd, "audit") || !strcmp(cmd, "stats"))
        return admin_offline(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify"))
        return ledger_cmd_verify(argc - 2, argv + 2);
    if (!strcmp(cmd, "export"))
        return export_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "backup"))
        return backup_cmd(argc - 2, argv + 2);
    fprintf(stderr, "enlace-hub: unknown command '%s' (see --help)\n", cmd);
    return 2;
}
