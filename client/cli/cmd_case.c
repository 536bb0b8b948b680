/*
 * cmd_case.c: enlace case open|show|list|close|reopen|approve and enlace
 * review (one's own cases and alerts still open after N days).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmd_case(cli_settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, _("usage: enlace case open|show|list|close|reopen ...\n"));
        return 2;
    }
    const char *sub = argv[0];
    const char *type = NULL, *countries = NULL, *network = NULL, *country = NULL, *state = NULL,
               *note = NULL, *title = NULL;
    uint64_t id = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        int mo = cli_message_option(st, argc, argv, &i);
        if (mo < 0)
            return 2;
        if (mo)
            continue;
        if (!strcmp(o, "--json"))
            st->json = 1;
        else if (!strcmp(o, "--type") && has)
            type = argv[++i];
        else if (!strcmp(o, "--countries") && has)
            countries = argv[++i];
        else if (!strcmp(o, "--network") && has)
            network = argv[++i];
        else if (!strcmp(o, "--country") && has)
            country = argv[++i];
        else if (!strcmp(o, "--state") && has)
            state = argv[++i];
        else if (!strcmp(o, "--note") && has)
            note = argv[++i];
        else if (o[0] == '-' && o[1] == '-') {
            fprintf(stderr, _("enlace: unknown or incomplete case option %s\n"), o);
            return 2;
        } else if (!strcmp(sub, "open") && !title)
            title = o;
        else if (!id) {
            if (cli_number("ID", o, 0, UINT64_MAX, &id) != 0)
                return 2;
        }
    }
    enlace_client_t *client;
    int rc;
    if (!strcmp(sub, "open")) {
        if (!type || !countries || !title) {
            fprintf(stderr, _("usage: enlace case open --type TYPE --countries CC,CC TITLE\n"));
            return 2;
        }
        char cbuf[256];
        const char *cc[16];
        snprintf(cbuf, sizeof cbuf, "%s", countries);
        size_t n = cli_split(cbuf, cc, 16);
        if (cli_finish_form(st) != 0)
            return 2;
        char why[256];
        rc = cli_build_form(st, why, sizeof why);
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: case %s refused (%s): %s\n"), sub, _(enlace_strerror(rc)),
                why);
            return 1;
        }
        if (cli_connect(st, &client) != 0)
            return 1;
        uint64_t case_id = 0;
        rc = st->form
            ? enlace_case_open_form(client, type, cc, n, title, network, st->form, &case_id)
            : enlace_case_open(client, type, cc, n, title, network, &case_id);
        if (rc == ENLACE_OK)
            printf("%llu\n", (unsigned long long)case_id);
    } else if (!strcmp(sub, "show")) {
        if (!id) {
            fprintf(stderr, _("usage: enlace case show ID [--json]\n"));
            return 2;
        }
        if (cli_connect(st, &client) != 0)
            return 1;
        enlace_case_t *c = NULL;
        rc = enlace_case_show(client, id, &c);
        if (rc == ENLACE_OK && st->json) {
            if (cli_print_json(cli_case_json(c)) != 0)
                rc = ENLACE_EPROTO;
        } else if (rc == ENLACE_OK) {
            cli_print_case(c);
        }
        enlace_case_destroy(&c);
        if (rc == ENLACE_EPROTO) {
            enlace_close(&client);
            return 1; /* said why */
        }
    } else if (!strcmp(sub, "list")) {
        if (cli_connect(st, &client) != 0)
            return 1;
        enlace_case_list_t *list = NULL;
        rc = enlace_case_list(client, type, country, state, &list);
        if (rc == ENLACE_OK && st->json) {
            cli_print_json(cli_case_list_json(list->items, list->count));
        } else if (rc == ENLACE_OK) {
            for (size_t i = 0; i < list->count; i++)
                cli_print_case_info(list->items[i]);
        }
        enlace_case_list_destroy(&list);
    } else if (!strcmp(sub, "approve")) {
        if (!id) {
            fprintf(stderr, "usage: enlace case approve ID [--note TEXT]\n");
            return 2;
        }
        if (cli_connect(st, &client) != 0)
            return 1;
        rc = enlace_case_approve(client, id, note);
        if (rc == ENLACE_OK)
            printf("approval of case %llu recorded\n", (unsigned long long)id);
    } else if (!strcmp(sub, "close") || !strcmp(sub, "reopen")) {
        if (!id) {
            fprintf(stderr, _("usage: enlace case %s ID [--note TEXT]\n"), sub);
            return 2;
        }
        if (cli_connect(st, &client) != 0)
            return 1;
        rc = enlace_case_set_state(client, id, !strcmp(sub, "reopen"), note);
        if (rc == ENLACE_OK)
            printf(_("case %llu %s\n"), (unsigned long long)id,
                !strcmp(sub, "reopen") ? _("reopened") : _("closed"));
    } else {
        fprintf(stderr, _("enlace: unknown case command '%s' (open, show, list, close, reopen)\n"),
            sub);
        return 2;
    }
    if (rc != ENLACE_OK)
        fprintf(stderr, _("enlace: case %s refused (%s): %s\n"), sub, _(enlace_strerror(rc)),
            enlace_last_error(client));
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

int
cmd_review(cli_settings_t *st, int argc, char **argv)
{
    uint64_t days = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--days") && i + 1 < argc) {
            if (cli_number("--days", argv[++i], 0, UINT32_MAX, &days) != 0)
                return 2;
        } else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else {
            fprintf(stderr, "usage: enlace review [--days N] [--json]\n");
            return 2;
        }
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    enlace_review_t *r = NULL;
    int rc = enlace_review(client, (unsigned)days, &r);
    if (rc != ENLACE_OK)
        fprintf(stderr, "enlace: review: %s: %s\n", enlace_strerror(rc), enlace_last_error(client));
    else if (st->json)
        cli_print_json(cli_review_json(r));
    else
        cli_print_review(r);
    enlace_review_destroy(&r);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}
