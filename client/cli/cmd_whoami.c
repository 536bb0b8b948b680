/*
 * cmd_whoami.c: enlace whoami: who the hub says this key is.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmd_whoami(cli_settings_t *st, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    printf(_("%s (%s), key %s\n"), enlace_self_name(client), enlace_self_country(client),
        enlace_self_fingerprint(client));
    enlace_close(&client);
    return 0;
}
