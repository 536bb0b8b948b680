/*
 * cmd_admin.c: enlace admin: directory administration over the wire (st and
 * admin roles).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

int
cmd_admin(cli_settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, _("usage: enlace admin officer|invite|ppt|audit ...\n"));
        return 2;
    }
    /* Key files are read here and sent as --public-key HEX. */
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    char (*hex)[2 * ENLACE_PUBLIC_KEY_BYTES + 1] = calloc((size_t)argc, sizeof *hex);
    if (!args || !hex) {
        free(args);
        free(hex);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            uint8_t pk[ENLACE_PUBLIC_KEY_BYTES];
            char err[256];
            if (enlace_public_key_load(argv[i + 1], pk, err, sizeof err) != ENLACE_OK) {
                fprintf(stderr, "enlace: %s\n", err);
                free(args);
                free(hex);
                return 1;
            }
            sodium_bin2hex(hex[i], sizeof hex[i], pk, sizeof pk);
            args[n++] = "--public-key";
            args[n++] = hex[i];
            i++;
        } else {
            args[n++] = argv[i];
        }
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0) {
        free(args);
        free(hex);
        return 1;
    }
    int status = 1;
    char *output = NULL;
    int rc = enlace_admin(client, n, args, &status, &output);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: admin refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        status = 1;
    } else {
        fputs(output, status == 0 ? stdout : stderr);
    }
    free(output);
    free(args);
    free(hex);
    enlace_close(&client);
    return status;
}
