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
    json_t *fields = NULL;
    const char *form_name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        int mo = cli_message_option(st, argc, argv, &i, &fields, &form_name);
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
    char *json = NULL;
    if (!strcmp(sub, "open")) {
        if (!type || !countries || !title) {
            fprintf(stderr, _("usage: enlace case open --type TYPE --countries CC,CC TITLE\n"));
            return 2;
        }
        char cbuf[256];
        const char *cc[16];
        snprintf(cbuf, sizeof cbuf, "%s", countries);
        size_t n = cli_split(cbuf, cc, 16);
        if (cli_finish_form(st, fields, form_name) != 0)
            return 2;
        if (cli_connect(st, &client) != 0)
            return 1;
        uint64_t case_id = 0;
        rc = st->form_json ? enlace_case_open_form(client, type, cc, n, title, network,
                                 st->form_json, &case_id)
                           : enlace_case_open(client, type, cc, n, title, network, &case_id);
        if (rc == ENLACE_OK)
            printf("%llu\n", (unsigned long long)case_id);
    } else if (!strcmp(sub, "show") || !strcmp(sub, "list")) {
        int show = !strcmp(sub, "show");
        if (show && !id) {
            fprintf(stderr, _("usage: enlace case show ID [--json]\n"));
            return 2;
        }
        if (cli_connect(st, &client) != 0)
            return 1;
        rc = show ? enlace_case_show(client, id, &json)
                  : enlace_case_list(client, type, country, state, &json);
        if (rc == ENLACE_OK && st->json) {
            printf("%s\n", json);
        } else if (rc == ENLACE_OK) {
            json_t *j = json_loads(json, 0, NULL);
            json_t *list = show ? json_pack("[O]", j) : json_incref(j);
            size_t i;
            json_t *c;
            json_array_foreach(list, i, c) {
                char opened[32];
                cli_time(json_integer_value(json_object_get(c, "opened_ms")), opened,
                    sizeof opened);
                json_t *ccs = json_object_get(c, "countries");
                char cl[96] = "";
                size_t k;
                json_t *x;
                json_array_foreach(ccs, k, x) {
                    strncat(cl, k ? "," : "", sizeof cl - strlen(cl) - 1);
                    strncat(cl, json_string_value(x), sizeof cl - strlen(cl) - 1);
                }
                printf(_("case %lld [%s, %s] %s %s -- %s (opened %s by %s)\n"),
                    (long long)json_integer_value(json_object_get(c, "id")),
                    json_string_value(json_object_get(c, "type")),
                    json_string_value(json_object_get(c, "network")), cl,
                    json_string_value(json_object_get(c, "state")),
                    json_string_value(json_object_get(c, "title")), opened,
                    json_string_value(json_object_get(c, "opened_by")));
            }
            if (show) {
                size_t k;
                json_t *m;
                json_array_foreach(json_object_get(j, "messages"), k, m) {
                    char at[32];
                    cli_time(json_integer_value(json_object_get(m, "stored_ms")), at,
                        sizeof at);
                    printf("  #%lld %s %s%s (%s): %s\n",
                        (long long)json_integer_value(json_object_get(m, "seq")), at,
                        json_is_true(json_object_get(m, "is_alert")) ? _("ALERT ") : "",
                        json_string_value(json_object_get(m, "author")),
                        json_string_value(json_object_get(m, "author_country")),
                        json_string_value(json_object_get(m, "body")));
                    /* The case form, field by field. */
                    json_t *form = json_object_get(m, "form");
                    const char *fname;
                    json_t *ffields;
                    json_object_foreach(form, fname, ffields) {
                        printf("    form %s:\n", fname);
                        const char *fk;
                        json_t *fv;
                        json_object_foreach(ffields, fk, fv) {
                            char *txt = json_is_string(fv) ? NULL : json_dumps(fv, JSON_ENCODE_ANY);
                            printf("      %-24s %s\n", fk, txt ? txt : json_string_value(fv));
                            free(txt);
                        }
                    }
                }
                json_t *a;
                json_array_foreach(json_object_get(j, "alerts"), k, a)
                    cli_print_alert_json(a);
                json_t *e;
                json_array_foreach(json_object_get(j, "events"), k, e) {
                    char at[32];
                    cli_time(json_integer_value(json_object_get(e, "ts_ms")), at, sizeof at);
                    printf(_("  %s %s by %s %s\n"), at,
                        json_string_value(json_object_get(e, "event")),
                        json_string_value(json_object_get(e, "officer")),
                        json_string_value(json_object_get(e, "note")));
                }
            }
            json_decref(list);
            json_decref(j);
        }
        free(json);
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
    char *json = NULL;
    int rc = enlace_review(client, (unsigned)days, &json);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: review: %s: %s\n", enlace_strerror(rc), enlace_last_error(client));
    } else if (st->json) {
        printf("%s\n", json);
    } else {
        json_t *j = json_loads(json, 0, NULL);
        size_t i, nc = json_array_size(json_object_get(j, "cases"));
        size_t na = json_array_size(json_object_get(j, "alerts"));
        json_t *x;
        if (!nc && !na)
            printf("nothing to review\n");
        json_array_foreach(json_object_get(j, "cases"), i, x)
            printf("still active? case %lld [%s] %s -- close it with: enlace case close %lld\n",
                (long long)json_integer_value(json_object_get(x, "id")),
                json_string_value(json_object_get(x, "type")),
                json_string_value(json_object_get(x, "title")),
                (long long)json_integer_value(json_object_get(x, "id")));
        json_array_foreach(json_object_get(j, "alerts"), i, x)
            printf("still active? alert %lld -- %s (cancel it with: enlace alert ... --cancel %lld)\n",
                (long long)json_integer_value(json_object_get(x, "id")),
                json_string_value(json_object_get(x, "headline")),
                (long long)json_integer_value(json_object_get(x, "id")));
        json_decref(j);
    }
    free(json);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}
