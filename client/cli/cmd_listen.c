/*
 * cmd_listen.c: enlace listen: subscribe (durably) and print deliveries as
 * they arrive, until Ctrl-C, --count or --wait.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
s_listen(cli_settings_t *st, int argc, char **argv)
{
    int from_start = 0;
    int64_t count = -1, wait_s = -1;
    const char *patterns[64];
    int npatterns = 0;
    for (int i = 0; i < argc; i++) {
        uint64_t n;
        if (!strcmp(argv[i], "--from-start"))
            from_start = 1;
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            if (cli_number("--count", argv[++i], 0, INT64_MAX, &n) != 0)
                return 2;
            count = (int64_t)n;
        } else if (!strcmp(argv[i], "--wait") && i + 1 < argc) {
            if (cli_number("--wait", argv[++i], 0, INT32_MAX, &n) != 0)
                return 2;
            wait_s = (int64_t)n;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, _("enlace: unknown listen option %s\n"), argv[i]);
            return 2;
        } else if (npatterns < 64)
            patterns[npatterns++] = argv[i];
    }
    if (npatterns == 0) {
        fprintf(stderr,
            _("usage: enlace listen [--from-start] [--count N] [--wait S] PATTERN...\n"));
        return 2;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    for (int i = 0; i < npatterns; i++) {
        int rc = enlace_subscribe(client, patterns[i], from_start);
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: cannot subscribe to '%s' (%s): %s\n"), patterns[i],
                _(enlace_strerror(rc)), enlace_last_error(client));
            enlace_close(&client);
            return 1;
        }
    }
    /* The subscriptions are in place: say so, so that a script knows when
     * to start publishing. */
    cli_print_listening(st, client, patterns, npatterns);
    int64_t got = 0;
    int status = 0;
    time_t last = time(NULL);
    while (!cli_stop && (count < 0 || got < count)) {
        enlace_delivery_t *d;
        int rc = enlace_recv(client, &d, 500);
        if (rc == ENLACE_ETIMEDOUT) {
            if (wait_s >= 0 && time(NULL) - last >= wait_s)
                break;
            continue;
        }
        if (rc != ENLACE_OK) {
            fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
            status = 1;
            break;
        }
        cli_print_delivery(st, d);
        enlace_delivery_destroy(&d);
        got++;
        last = time(NULL);
    }
    if (enlace_bad_signatures(client))
        fprintf(stderr, _("enlace: dropped %llu deliveries whose signature did not verify\n"),
            (unsigned long long)enlace_bad_signatures(client));
    enlace_close(&client);
    return status;
}

int
cmd_listen(cli_settings_t *st, int argc, char **argv)
{
    char *rest[128];
    int nrest = 0;
    for (int i = 0; i < argc && nrest < 128; i++) {
        if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else
            rest[nrest++] = argv[i];
    }
    return s_listen(st, nrest, rest);
}
