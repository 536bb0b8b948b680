/*
 * connect.c: a client connected with the command's settings; a sealed key's
 * passphrase is asked on the terminal (or read from ENLACE_PASSPHRASE_FILE).
 */
#include "cli.h"

#include <stdio.h>

#include <sodium.h>

#include "passphrase.h"

int
cli_connect(const cli_settings_t *st, enlace_client_t **client)
{
    if (!st->hub[0] || !st->hub_key[0] || !st->key[0]) {
        fprintf(stderr,
            _("enlace: missing %s: give --profile FILE, or --hub, --hub-key and --key "
              "(or ENLACE_HUB, ENLACE_HUB_KEY, ENLACE_KEY)\n"),
            !st->hub[0]           ? _("the hub endpoint")
                : !st->hub_key[0] ? _("the hub key")
                                  : _("your key"));
        return -1;
    }
    char *pass = NULL;
    if (enlace_key_sealed(st->key) == 1) {
        char err[256];
        pass = sodium_malloc(256);
        if (!pass
            || passphrase_read(_("Passphrase for your key: "), 0, pass, 256, err, sizeof err)
                != 0) {
            fprintf(stderr, "enlace: %s\n", pass ? err : _("out of memory"));
            if (pass)
                sodium_free(pass);
            return -1;
        }
    }
    enlace_options_t opts = {.endpoint = st->hub,
        .hub_key_file = st->hub_key,
        .key_file = st->key,
        .passphrase = pass,
        .timeout_ms = st->timeout_ms,
        .client_name = "enlace-cli"};
    char why[512];
    int rc = enlace_connect(&opts, client, why, sizeof why);
    if (pass)
        sodium_free(pass);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: %s\n", why);
        return -1;
    }
    if (st->archive_key[0] && enlace_pin_archive_key(*client, st->archive_key) != ENLACE_OK) {
        fprintf(stderr, "enlace: %s\n", enlace_last_error(*client));
        enlace_close(client);
        return -1;
    }
    return 0;
}
