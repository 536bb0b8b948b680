/*
 * cmd_alerts.c: enlace ack, enlace alerts and enlace cap: acknowledging
 * alerts, who has, and an alert as OASIS CAP 1.2 XML.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmd_ack(cli_settings_t *st, int argc, char **argv)
{
    const char *note = NULL;
    uint64_t id = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--note") && i + 1 < argc)
            note = argv[++i];
        else if (!id && argv[i][0] != '-') {
            if (cli_number("ALERT_ID", argv[i], 0, UINT64_MAX, &id) != 0)
                return 2;
        } else {
            fprintf(stderr, _("usage: enlace ack ALERT_ID [--note TEXT]\n"));
            return 2;
        }
    }
    if (!id) {
        fprintf(stderr, _("usage: enlace ack ALERT_ID [--note TEXT]\n"));
        return 2;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    int rc = enlace_ack(client, id, note);
    if (rc != ENLACE_OK)
        fprintf(stderr, _("enlace: acknowledgement refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
    else
        printf(_("acknowledged alert %llu for %s\n"), (unsigned long long)id,
            enlace_self_country(client));
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

int
cmd_alerts(cli_settings_t *st, int argc, char **argv)
{
    int open_only = 0;
    uint64_t id = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--open"))
            open_only = 1;
        else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else if (argv[i][0] != '-') {
            if (cli_number("ALERT_ID", argv[i], 0, UINT64_MAX, &id) != 0)
                return 2;
        } else {
            fprintf(stderr, _("usage: enlace alerts [--open] [--json] [ALERT_ID]\n"));
            return 2;
        }
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    enlace_alert_list_t *list = NULL;
    int rc = enlace_alerts(client, open_only, id, &list);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json) {
        cli_print_json(cli_alerts_json(list->items, list->count));
    } else {
        if (list->count == 0)
            fputs(open_only ? _("no open alerts\n") : _("no alerts\n"), stdout);
        for (size_t i = 0; i < list->count; i++)
            cli_print_alert(list->items[i]);
    }
    enlace_alert_list_destroy(&list);
    enlace_close(&client);
    return 0;
}

int
cmd_cap(cli_settings_t *st, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, _("usage: enlace cap ALERT_ID\n"));
        return 2;
    }
    uint64_t id;
    if (cli_number("ALERT_ID", argv[0], 0, UINT64_MAX, &id) != 0)
        return 2;
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    char *xml = NULL;
    int rc = enlace_cap(client, id, &xml);
    if (rc != ENLACE_OK)
        fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
    else
        fputs(xml, stdout);
    free(xml);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}
