/*
 * run.c: `enlace-hub run` and `enlace-hub check-config`: the configuration
 * (defaults, then the file, then the command line), and the loop until a
 * signal stops it: the hub alone, or a node of a cluster when the
 * configuration has a [cluster] section (hub/cluster/). The only global mutable state is the signal
 * flags (stop; reload the directory on SIGHUP).
 */
#include "cmd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "config.h"
#include "config_file.h"
#include "hub.h"
#include "log.h"

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
    {"--consult-days", "consult", "round_days"},
    {"--consult-silence", "consult", "silence"},
    {"--business-day", "consult", "business_day"},
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

int
cmd_check_config(int argc, char **argv)
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
            snprintf(err, errlen,
                "takes urgent=DURATION,flash=DURATION (e.g. urgent=30m,flash=5m)");
            return -1;
        }
        const char *key = !strcmp(item, "urgent") ? "urgent_deadline" : "flash_deadline";
        if (config_set(cfg, "alerts", key, eq + 1, err, errlen) != 0)
            return -1;
    }
    return 0;
}

int
cmd_run(int argc, char **argv)
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
        fprintf(stderr,
            "usage: enlace-hub run DATA [--config FILE] [--bind ENDPOINT] ...\n"
            "(or set data_dir in the [hub] section of the configuration file)\n");
        return 2;
    }
    if (config_check(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "enlace-hub: %s\n", err);
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
    if (cfg.cluster.enabled)
        return cluster_run(&cfg, &s_stop) == 0 ? 0 : 1;
    return hub_run(&cfg, &s_stop) == 0 ? 0 : 1;
}
