/*
 * enlace-hub: command dispatch. Thin on purpose: the usage, and each
 * command to its file (cmd/: run, check-config, verify, export, export-cap,
 * backup, restore, archive-key, holiday, zone; the directory's administration
 * and init are admin.c's, shared with the administration over the wire;
 * status is status.c's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cluster.h"
#include "cmd.h"
#include "config.h"
#include "status.h"

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
        "      --consult-days N      business days of a consultation round (default 5)\n"
        "      --consult-silence no-answer|no-objection  what a country's silence at its\n"
        "                            deadline is recorded as (default no-answer: the PPT\n"
        "                            decides)\n"
        "      --business-day TIME   tests only: a business day lasts TIME, every day one\n"
        "      --log-level LEVEL     error, warning, notice, info (default) or debug\n"
        "      --verbose             debug logging (--log-level debug)\n"
        "  check-config [FILE]       print the effective configuration, or what is wrong\n"
        "                            with FILE (default " ENLACE_HUB_CONF ")\n"
        "  status DATA [--json|--prometheus]  a running hub's health: uptime, connected\n"
        "                            officers, queues, messages per network, open alerts,\n"
        "                            archive size (--prometheus: text format for scrapers)\n"
        "  cluster status DATA [--json]  a cluster node's view: the leader, each node's\n"
        "                            applied log index and lag, etcd's members\n"
        "                            (a [cluster] section in the configuration makes\n"
        "                            'run' one node of a cluster: README, Run three hubs)\n"
        "%s"
        "  verify DATA|FILE                            check the hash chain and every signature\n"
        "  export DATA [--from TIME] [--to TIME] [--topic PATTERN] [--encrypt-to ARCHIVE.public]\n"
        "      messages as JSON lines (TIME: 2026-11-21T10:00:00Z or Unix ms), encrypted to\n"
        "      the ST's archive key with --encrypt-to\n"
        "  backup [--encrypt-to ARCHIVE.public] DATA FILE  consistent online copy into a new\n"
        "      FILE, encrypted to the ST's archive key with --encrypt-to\n"
        "  restore --key ARCHIVE.secret FILE DATA      an encrypted backup into a new DATA\n"
        "      (nothing is written unless all of it decrypts and checks)\n"
        "  archive-key set DATA FILE.public            the ST's archive key: every sealed\n"
        "      message is sealed to it too (audited; setting another rotates it)\n"
        "  archive-key show DATA                       its fingerprint\n"
        "  holiday add DATA --country CC --date YYYY-MM-DD [--name NAME]\n"
        "  holiday add DATA --file FILE                one 'CC YYYY-MM-DD [NAME]' a line\n"
        "  holiday remove DATA --country CC --date YYYY-MM-DD\n"
        "  holiday list DATA [--country CC] [--json]   the consultation's calendar: a\n"
        "                            country's holidays are not business days\n"
        "  zone set DATA --country CC --zone ZONE      the IANA zone (America/Toronto)\n"
        "  zone list DATA [--json]                     each member country's zone: its\n"
        "                            business days are counted there\n"
        "\n"
        "SIGHUP makes a running hub reload its directory. Roles: officer, focal, ppt,\n"
        "st, observer, admin. Networks: consular, trafficking, child, crm.\n",
        admin_usage);
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
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check-config"))
        return cmd_check_config(argc - 2, argv + 2);
    if (!strcmp(cmd, "status"))
        return status_show(argc - 2, argv + 2);
    if (!strcmp(cmd, "cluster"))
        return cluster_cmd(argc - 2, argv + 2);
    if (!strcmp(cmd, "export-cap"))
        return cmd_export_cap(argc - 2, argv + 2);
    if (!strcmp(cmd, "officer") || !strcmp(cmd, "invite") || !strcmp(cmd, "ppt")
        || !strcmp(cmd, "audit") || !strcmp(cmd, "stats"))
        return admin_offline(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify"))
        return cmd_verify(argc - 2, argv + 2);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc - 2, argv + 2);
    if (!strcmp(cmd, "backup"))
        return cmd_backup(argc - 2, argv + 2);
    if (!strcmp(cmd, "holiday"))
        return cmd_holiday(argc - 2, argv + 2);
    if (!strcmp(cmd, "zone"))
        return cmd_zone(argc - 2, argv + 2);
    if (!strcmp(cmd, "restore"))
        return cmd_restore(argc - 2, argv + 2);
    if (!strcmp(cmd, "archive-key"))
        return cmd_archive_key(argc - 2, argv + 2);
    fprintf(stderr, "enlace-hub: unknown command '%s' (see --help)\n", cmd);
    return 2;
}
