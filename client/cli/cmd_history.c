/*
 * cmd_history.c: enlace history and enlace search: the archive, what this
 * officer may see of it, a page at a time.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cmd_history(cli_settings_t *st, int argc, char **argv)
{
    enlace_history_query_t q = {0};
    int all = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--all"))
            all = 1;
        else if (!strcmp(a, "--json"))
            st->json = 1;
        else if (a[0] == '-' && a[1] == '-' && !v) {
            fprintf(stderr, _("enlace: %s needs a value\n"), a);
            return 2;
        } else if (!strcmp(a, "--after")) {
            if (cli_number(a, argv[++i], 0, UINT64_MAX, &q.after_seq) != 0)
                return 2;
        } else if (!strcmp(a, "--limit")) {
            uint64_t n;
            if (cli_number(a, argv[++i], 0, UINT32_MAX, &n) != 0)
                return 2;
            q.limit = (unsigned)n;
        } else if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
            int64_t t = cli_parse_time(argv[++i]);
            if (t < 0) {
                fprintf(stderr, _("enlace: %s takes 2026-11-21T10:00:00Z or milliseconds\n"), a);
                return 2;
            }
            if (!strcmp(a, "--from"))
                q.from_ms = t;
            else
                q.to_ms = t;
        } else if (!strcmp(a, "--author"))
            q.author = argv[++i];
        else if (!strcmp(a, "--country"))
            q.country = argv[++i];
        else if (!strcmp(a, "--case")) {
            if (cli_number(a, argv[++i], 0, UINT64_MAX, &q.case_id) != 0)
                return 2;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, _("enlace: unknown history option %s\n"), a);
            return 2;
        } else if (!q.pattern)
            q.pattern = a;
        else {
            fprintf(stderr, _("enlace: one pattern per history query\n"));
            return 2;
        }
    }
    if (!q.pattern) {
        fprintf(stderr,
            _("usage: enlace history PATTERN [--after SEQ] [--limit N] [--from TIME] "
              "[--to TIME] [--author FP] [--country CC] [--all]\n"));
        return 2;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    int status = 0;
    for (;;) {
        enlace_page_t *page;
        int rc = enlace_history(client, &q, &page);
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: history refused (%s): %s\n"), _(enlace_strerror(rc)),
                enlace_last_error(client));
            status = 1;
            break;
        }
        for (size_t i = 0; i < enlace_page_count(page); i++)
            cli_print_delivery(st, enlace_page_item(page, i));
        int more = enlace_page_more(page);
        q.after_seq = enlace_page_next(page);
        enlace_page_destroy(&page);
        if (!more)
            break;
        if (!all) {
            if (!st->json)
                fprintf(stderr, _("(more: --after %llu)\n"), (unsigned long long)q.after_seq);
            break;
        }
    }
    enlace_close(&client);
    return status;
}

int
cmd_search(cli_settings_t *st, int argc, char **argv)
{
    const char *query = NULL;
    uint64_t after = 0, limit = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--after") && i + 1 < argc) {
            if (cli_number("--after", argv[++i], 0, UINT64_MAX, &after) != 0)
                return 2;
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            if (cli_number("--limit", argv[++i], 0, UINT32_MAX, &limit) != 0)
                return 2;
        } else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else if (!query && argv[i][0] != '-')
            query = argv[i];
        else {
            fprintf(stderr, "usage: enlace search \"WORDS\" [--after SEQ] [--limit N]\n");
            return 2;
        }
    }
    if (!query) {
        fprintf(stderr, "usage: enlace search \"WORDS\" [--after SEQ] [--limit N]\n");
        return 2;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    enlace_page_t *page = NULL;
    int rc = enlace_search(client, query, after, (unsigned)limit, &page);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: search refused (%s): %s\n", enlace_strerror(rc),
            enlace_last_error(client));
    } else {
        for (size_t i = 0; i < enlace_page_count(page); i++)
            cli_print_delivery(st, enlace_page_item(page, i));
        uint64_t sealed = enlace_page_sealed_not_searched(page);
        if (sealed)
            fprintf(stderr, _("(%llu sealed messages not searched: the hub cannot read them)\n"),
                (unsigned long long)sealed);
        if (enlace_page_more(page) && !st->json)
            fprintf(stderr, "(more: --after %llu)\n", (unsigned long long)enlace_page_next(page));
    }
    enlace_page_destroy(&page);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}
