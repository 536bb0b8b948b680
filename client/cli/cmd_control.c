/*
 * cmd_control.c: enlace relabel and enlace release-request: the author's
 * control over a stored message.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_control(cli_settings_t *st, const char *cmd, int argc, char **argv)
{
    uint64_t seq = 0;
    int tlp = 0, lift = 0;
    const char *reason = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
            tlp = enlace_tlp_parse(argv[++i]);
            if (tlp < 0) {
                fprintf(stderr, "enlace: unknown TLP label '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--lift-handling"))
            lift = 1;
        else if (!seq && argv[i][0] != '-') {
            if (cli_number("SEQ", argv[i], 0, UINT64_MAX, &seq) != 0)
                return 2;
        } else if (!reason && argv[i][0] != '-')
            reason = argv[i];
        else {
            seq = 0;
            break;
        }
    }
    int relabel = !strcmp(cmd, "relabel");
    if (!seq || (relabel && !tlp && !lift) || (!relabel && !reason)) {
        fprintf(stderr,
            relabel ? "usage: enlace relabel SEQ [--tlp LABEL] [--lift-handling]\n"
                    : "usage: enlace release-request SEQ REASON\n");
        return 2;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    int rc = relabel ? enlace_relabel(client, seq, (enlace_tlp_t)tlp, lift)
                     : enlace_release_request(client, seq, reason);
    if (rc != ENLACE_OK)
        fprintf(stderr, "enlace: %s refused (%s): %s\n", cmd, enlace_strerror(rc),
            enlace_last_error(client));
    else
        printf(relabel ? "message %llu relabelled\n" : "request sent to the author of %llu\n",
            (unsigned long long)seq);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

int
cmd_relabel(cli_settings_t *st, int argc, char **argv)
{
    return s_control(st, "relabel", argc, argv);
}

int
cmd_release_request(cli_settings_t *st, int argc, char **argv)
{
    return s_control(st, "release-request", argc, argv);
}
