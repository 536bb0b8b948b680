/*
 * main.c: the enlace command: settings, then one command.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

volatile sig_atomic_t cli_stop = 0;

static void
s_on_signal(int sig)
{
    (void)sig;
    cli_stop = 1;
}

static const struct {
    const char *name;
    int (*run)(cli_settings_t *st, int argc, char **argv);
} s_commands[] = {
    {"publish", cmd_publish},
    {"alert", cmd_alert},
    {"listen", cmd_listen},
    {"whoami", cmd_whoami},
    {"history", cmd_history},
    {"search", cmd_search},
    {"review", cmd_review},
    {"relabel", cmd_relabel},
    {"release-request", cmd_release_request},
    {"ack", cmd_ack},
    {"alerts", cmd_alerts},
    {"cap", cmd_cap},
    {"case", cmd_case},
    {"consult", cmd_consult},
    {"admin", cmd_admin},
    {"unseal", cmd_unseal},
};

static int
s_run(cli_settings_t *st, int argc, char **argv)
{
    int i;
    int rc = cli_settings_init(st, argc, argv, &i);
    if (rc >= 0)
        return rc;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const char *cmd = argv[i++];
    for (int j = i; j < argc; j++)
        if (!strcmp(argv[j], "--help")) {
            cli_usage(stdout);
            return 0;
        }
    if (!strcmp(cmd, "web"))
        return cli_web_exec(argc, argv); /* returns only if it could not run it */
    for (size_t k = 0; k < sizeof s_commands / sizeof s_commands[0]; k++)
        if (!strcmp(cmd, s_commands[k].name))
            return s_commands[k].run(st, argc - i, argv + i);
    fprintf(stderr, _("enlace: unknown command '%s' (see --help)\n"), cmd);
    return 2;
}

int
main(int argc, char **argv)
{
    i18n_init();
    cli_settings_t st;
    int rc = s_run(&st, argc, argv);
    /* What the settings own is freed here, whichever way the command ended. */
    cli_settings_fini(&st);
    return rc;
}
