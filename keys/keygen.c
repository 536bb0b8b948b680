/*
 * enlace-keygen: create an identity (NAME.secret 0600, NAME.public), or show
 * the fingerprint of an existing key file. Never prints secret material.
 */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "i18n.h"
#include "keys.h"
#include "passphrase.h"

#define _(s) gettext(s)

static void
s_usage(FILE *out)
{
    fprintf(out,
        _("usage: enlace-keygen [--passphrase] PATH/NAME\n"
          "       enlace-keygen --fingerprint FILE.public|FILE.secret\n"
          "\n"
          "Creates NAME.secret (mode 0600) and NAME.public: one Ed25519 identity that\n"
          "signs your messages and, converted to Curve25519, authenticates you to the hub.\n"
          "Give NAME.public (never NAME.secret) to the Technical Secretariat.\n"
          "\n"
          "  --passphrase    seal the secret key with a passphrase (Argon2id); asked on\n"
          "                  the terminal, or read from ENLACE_PASSPHRASE_FILE\n"
          "  --fingerprint   print the fingerprint of an existing key file\n"
          "  --version       print the version\n"));
}

int
main(int argc, char **argv)
{
    i18n_init();
    int sealed = 0;
    const char *show = NULL, *prefix = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            s_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("enlace-keygen %s\n", ENLACE_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--passphrase")) {
            sealed = 1;
        } else if (!strcmp(argv[i], "--fingerprint") && i + 1 < argc) {
            show = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, _("enlace-keygen: unknown option %s (see --help)\n"), argv[i]);
            return 2;
        } else if (!prefix) {
            prefix = argv[i];
        } else {
            fprintf(stderr, _("enlace-keygen: one key name at a time (see --help)\n"));
            return 2;
        }
    }
    if (keys_init() != 0) {
        fprintf(stderr, _("enlace-keygen: libsodium failed to initialise\n"));
        return 1;
    }
    char err[KEYS_ERR_LEN];
    if (show) {
        uint8_t pk[KEYS_PUBLIC_BYTES];
        char fp[KEYS_FINGERPRINT_LEN];
        if (keys_public_load(show, pk, err) != 0) {
            fprintf(stderr, "enlace-keygen: %s\n", err);
            return 1;
        }
        keys_fingerprint(pk, fp);
        printf("%s\n", fp);
        return 0;
    }
    if (!prefix) {
        s_usage(stderr);
        return 2;
    }
    size_t plen = strlen(prefix);
    if (plen > 7
        && (!strcmp(prefix + plen - 7, ".secret") || !strcmp(prefix + plen - 7, ".public"))) {
        fprintf(stderr, _("enlace-keygen: give the name without .secret/.public\n"));
        return 2;
    }
    char *pass = NULL;
    if (sealed) {
        pass = sodium_malloc(256);
        if (!pass || passphrase_read(_("Passphrase: "), 1, pass, 256, err, sizeof err) != 0) {
            fprintf(stderr, "enlace-keygen: %s\n", pass ? err : _("out of memory"));
            if (pass)
                sodium_free(pass);
            return 1;
        }
    }
    keys_identity_t *id = keys_identity_new();
    if (!id) {
        fprintf(stderr, _("enlace-keygen: out of memory\n"));
        return 1;
    }
    int rc = keys_identity_save(id, prefix, pass, err);
    if (pass)
        sodium_free(pass);
    if (rc != 0) {
        fprintf(stderr, "enlace-keygen: %s\n", err);
        keys_identity_destroy(&id);
        return 1;
    }
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(keys_identity_public(id), fp);
    keys_identity_destroy(&id);
    printf(_("wrote %s.secret (mode 0600%s) and %s.public\n"), prefix, sealed ? _(", sealed") : "",
        prefix);
    printf(_("fingerprint: %s\n"), fp);
    return 0;
}
