/*
 * enlace-hub: command dispatch. Thin on purpose: parse, configure, run, tear
 * down. The only global mutable state is the signal flag.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "archive.h"
#include "backup.h"
#include "cap.h"
#include "directory.h"
#include "keys.h"
#include "config.h"
#include "export.h"
#include "hub.h"
#include "ledger.h"
#include "log.h"

static volatile sig_atomic_t s_stop = 0;

static void
s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static void
s_usage(FILE *out)
{
    fprintf(out,
        "usage: enlace-hub COMMAND ...\n"
        "\n"
        "  export-cap DATA ALERT_ID  write an alert as OASIS CAP 1.2 XML\n"
        "  init DATA                 create DATA/ with the hub key, the archive and the\n"
        "                            CRM directory (safe to run again: overwrites nothing)\n"
        "  run DATA [options]        serve\n"
        "      --bind ENDPOINT       where to listen (default tcp://127.0.0.1:7440)\n"
        "      --sync off|normal|full  what 'stored' means (default normal: see README)\n"
        "      --window N            deliveries in flight per session (default 256)\n"
        "      --max-body BYTES      largest message body (default 262144)\n"
        "      --deadline urgent=30m,flash=5m  acknowledgement deadlines of alerts\n"
        "      --verbose             debug logging\n"
        "%s"
        "  verify DATA|FILE                            check the hash chain and every signature\n"
        "  export DATA [--from TIME] [--to TIME] [--topic PATTERN]\n"
        "      messages as JSON lines (TIME: 2026-11-21T10:00:00Z or Unix ms)\n"
        "  backup DATA FILE                            consistent online copy into a new FILE\n"
        "\n"
        "Roles: officer, focal, ppt, st, observer, admin. Networks: consular,\n"
        "trafficking, child, crm.\n",
        admin_usage);
}

static int
s_parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '-' || *end || v == 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* "90s", "15m", "1h", "250ms" -> ms; -1 if malformed. */
static int64_t
s_duration(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || v <= 0)
        return -1;
    if (!strcmp(end, "ms"))
        return v;
    if (!strcmp(end, "s"))
        return v * 1000;
    if (!strcmp(end, "m"))
        return v * 60000;
    if (!strcmp(end, "h"))
        return v * 3600000;
    return -1;
}

static int
s_parse_deadlines(const char *spec, hub_config_t *cfg)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return -1;
        *eq = '\0';
        int64_t ms = s_duration(eq + 1);
        if (ms < 0)
            return -1;
        if (!strcmp(item, "urgent"))
            cfg->deadline_urgent_ms = ms;
        else if (!strcmp(item, "flash"))
            cfg->deadline_flash_ms = ms;
        else
            return -1;
    }
    return 0;
}

static int
s_run(int argc, char **argv)
{
    hub_config_t cfg;
    hub_config_defaults(&cfg);
    if (argc < 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub run DATA [--bind ENDPOINT] ...\n");
        return 2;
    }
    cfg.data_dir = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t n;
        if (!strcmp(a, "--verbose")) {
            cfg.log_level = LOG_DEBUG;
            continue;
        }
        if (!v) {
            fprintf(stderr, "enlace-hub: %s needs a value (see --help)\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--bind"))
            cfg.bind = v;
        else if (!strcmp(a, "--sync")) {
            if (!strcmp(v, "off"))
                cfg.sync = ARCHIVE_SYNC_OFF;
            else if (!strcmp(v, "normal"))
                cfg.sync = ARCHIVE_SYNC_NORMAL;
            else if (!strcmp(v, "full"))
                cfg.sync = ARCHIVE_SYNC_FULL;
            else {
                fprintf(stderr, "enlace-hub: --sync is off, normal or full\n");
                return 2;
            }
        } else if (!strcmp(a, "--window")) {
            if (s_parse_size(v, &n) != 0 || n > 65536) {
                fprintf(stderr, "enlace-hub: --window is 1 to 65536\n");
                return 2;
            }
            cfg.window = (uint32_t)n;
        } else if (!strcmp(a, "--deadline")) {
            if (s_parse_deadlines(v, &cfg) != 0) {
                fprintf(stderr, "enlace-hub: --deadline takes urgent=DURATION,flash=DURATION "
                                "(e.g. urgent=30m,flash=5m or urgent=2s,flash=1s)\n");
                return 2;
            }
        } else if (!strcmp(a, "--max-body")) {
            if (s_parse_size(v, &n) != 0 || n > 64 * 1024 * 1024) {
                fprintf(stderr, "enlace-hub: --max-body is 1 to 67108864 bytes\n");
                return 2;
            }
            cfg.max_body = n;
            cfg.max_frame = n + 64 * 1024;
        } else {
            fprintf(stderr, "enlace-hub: unknown option %s (see --help)\n", a);
            return 2;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return hub_run(&cfg, &s_stop) == 0 ? 0 : 1;
}

static int
s_export_cap(int argc, char **argv)
{
    if (argc != 2 || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub export-cap DATA ALERT_ID\n");
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
    int rc = dir ? cap_export(a, dir, fp, seq, &xml, err, sizeof err) : -1;
    if (!dir)
        snprintf(err, sizeof err, "%s", archive_error(a));
    if (rc == 0)
        fputs(xml, stdout);
    else
        fprintf(stderr, "enlace-hub: %s\n", err);
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
