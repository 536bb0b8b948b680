/*
 * cmd_consult.c: enlace consult open|list|show|answer|advance|revise|close,
 * the PPT's written consultation (see enlace.h, "consultations").
 *
 * A step's text comes from --text FILE ('-': standard input), or from the
 * last argument, or, for open, revise and close when neither is given, from
 * standard input.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_usage[] =
    "usage: enlace consult open --title TITLE [--text FILE | TEXT]\n"
    "       enlace consult list [--open] [--json]\n"
    "       enlace consult show ID [--diff] [--json]\n"
    "       enlace consult answer ID agree|object|no-objection|comments|objection\n"
    "           [--stage troika|1|2] [--text FILE | TEXT]\n"
    "       enlace consult advance ID [--text FILE | TEXT]\n"
    "       enlace consult revise ID (--text FILE | TEXT)\n"
    "       enlace consult close ID --outcome consensus|no-consensus [--reason TEXT]\n"
    "           [--report FILE | TEXT]\n";

typedef struct {
    const char *sub;
    uint64_t id;
    const char *title, *text_file, *report_file, *outcome, *reason, *answer, *text;
    int stage; /* --stage; -1: the current one */
    int open_only, diff;
} args_t;

/* Parses the words after `consult SUB`. 0, or 2 (usage, said why). */
static int
s_args(cli_settings_t *st, int argc, char **argv, args_t *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(o, "--json"))
            st->json = 1;
        else if (!strcmp(o, "--open"))
            a->open_only = 1;
        else if (!strcmp(o, "--diff"))
            a->diff = 1;
        else if (!strcmp(o, "--title") && has)
            a->title = argv[++i];
        else if (!strcmp(o, "--text") && has)
            a->text_file = argv[++i];
        else if (!strcmp(o, "--report") && has)
            a->report_file = argv[++i];
        else if (!strcmp(o, "--outcome") && has)
            a->outcome = argv[++i];
        else if (!strcmp(o, "--reason") && has)
            a->reason = argv[++i];
        else if (!strcmp(o, "--stage") && has) {
            const char *v = argv[++i];
            a->stage = !strcmp(v, "troika") || !strcmp(v, "0") ? 0
                : !strcmp(v, "1")                              ? 1
                : !strcmp(v, "2")                              ? 2
                                                               : -2;
            if (a->stage == -2) {
                fprintf(stderr, _("enlace: --stage is troika, 1 or 2\n"));
                return 2;
            }
        } else if (o[0] == '-' && o[1] == '-') {
            fprintf(stderr, _("enlace: unknown or incomplete consult option %s\n"), o);
            fputs(s_usage, stderr);
            return 2;
        } else if (!a->id && strcmp(a->sub, "open") && strcmp(a->sub, "list")) {
            if (cli_number("ID", o, 1, UINT64_MAX, &a->id) != 0)
                return 2;
        } else if (!strcmp(a->sub, "answer") && !a->answer) {
            a->answer = o;
        } else if (!a->text && strcmp(a->sub, "list") && strcmp(a->sub, "show")) {
            a->text = o;
        } else {
            fprintf(stderr, _("enlace: one text only (quote it, or use --text FILE)\n"));
            return 2;
        }
    }
    return 0;
}

/* The step's text: from a file, the argument, standard input (stdin_ok),
 * or none. *owned is what to free. */
static const char *
s_text(const char *file, const char *arg, int stdin_ok, char **owned)
{
    *owned = NULL;
    if (file) {
        *owned = cli_read_file(file);
        return *owned;
    }
    if (arg)
        return arg;
    if (!stdin_ok)
        return NULL;
    size_t len;
    *owned = cli_read_stdin(&len);
    return *owned;
}

int
cmd_consult(cli_settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fputs(s_usage, stderr);
        return 2;
    }
    args_t a = {.sub = argv[0], .stage = -1};
    if (s_args(st, argc, argv, &a) != 0)
        return 2;
    const char *sub = a.sub;
    int needs_id = strcmp(sub, "open") && strcmp(sub, "list");
    if (needs_id && !a.id) {
        fputs(s_usage, stderr);
        return 2;
    }
    /* Everything that can be wrong with the words, before connecting. */
    int consensus = 0;
    if (!strcmp(sub, "open") && !a.title) {
        fprintf(stderr, _("enlace: consult open needs --title\n"));
        return 2;
    }
    if (!strcmp(sub, "answer") && !a.answer) {
        fprintf(stderr,
            _("enlace: consult answer ID agree|object|no-objection|comments|objection\n"));
        return 2;
    }
    if (!strcmp(sub, "close")) {
        if (!a.outcome || (strcmp(a.outcome, "consensus") && strcmp(a.outcome, "no-consensus"))) {
            fprintf(stderr, _("enlace: consult close needs --outcome consensus|no-consensus\n"));
            return 2;
        }
        consensus = !strcmp(a.outcome, "consensus");
        if (!consensus && !a.reason) {
            fprintf(stderr, _("enlace: closing without consensus says why: --reason TEXT\n"));
            return 2;
        }
    }
    int known = !strcmp(sub, "open") || !strcmp(sub, "list") || !strcmp(sub, "show")
        || !strcmp(sub, "answer") || !strcmp(sub, "advance") || !strcmp(sub, "revise")
        || !strcmp(sub, "close");
    if (!known) {
        fprintf(stderr,
            _("enlace: unknown consult command '%s' (open, list, show, answer, advance, revise, "
              "close)\n"),
            sub);
        return 2;
    }
    char *owned = NULL;
    const char *text = NULL;
    if (!strcmp(sub, "open") || !strcmp(sub, "revise"))
        text = s_text(a.text_file, a.text, 1, &owned);
    else if (!strcmp(sub, "close"))
        text = s_text(a.report_file ? a.report_file : a.text_file, a.text, 1, &owned);
    else if (!strcmp(sub, "answer") || !strcmp(sub, "advance"))
        text = s_text(a.text_file, a.text, 0, &owned);
    if ((a.text_file || a.report_file) && !owned)
        return 1; /* cli_read_file said why */
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0) {
        free(owned);
        return 1;
    }
    int rc = ENLACE_OK;
    if (!strcmp(sub, "open")) {
        uint64_t id = 0;
        rc = enlace_consult_open(client, a.title, text, &id);
        if (rc == ENLACE_OK)
            printf("%llu\n", (unsigned long long)id);
    } else if (!strcmp(sub, "list")) {
        enlace_consult_list_t *list = NULL;
        rc = enlace_consult_list(client, a.open_only, &list);
        if (rc == ENLACE_OK && st->json) {
            cli_print_json(cli_consult_list_json(list->items, list->count));
        } else if (rc == ENLACE_OK) {
            if (list->count == 0)
                fputs(a.open_only ? _("no open consultations\n") : _("no consultations\n"), stdout);
            for (size_t i = 0; i < list->count; i++)
                cli_print_consult_info(list->items[i]);
        }
        enlace_consult_list_destroy(&list);
    } else if (!strcmp(sub, "show")) {
        enlace_consult_t *c = NULL;
        rc = enlace_consult_show(client, a.id, &c);
        if (rc == ENLACE_OK && st->json) {
            if (cli_print_json(cli_consult_json(c)) != 0) {
                enlace_consult_destroy(&c);
                enlace_close(&client);
                free(owned);
                return 1; /* said why */
            }
        } else if (rc == ENLACE_OK) {
            cli_print_consult(c, a.diff);
        }
        enlace_consult_destroy(&c);
    } else if (!strcmp(sub, "answer")) {
        rc = enlace_consult_answer(client, a.id, a.stage, a.answer, text);
        if (rc == ENLACE_OK)
            printf(_("answered consultation %llu for %s: %s\n"), (unsigned long long)a.id,
                enlace_self_country(client), a.answer);
    } else if (!strcmp(sub, "advance")) {
        rc = enlace_consult_advance(client, a.id, text);
        if (rc == ENLACE_OK)
            printf(_("consultation %llu is in round 1: every member country has been sent it\n"),
                (unsigned long long)a.id);
    } else if (!strcmp(sub, "revise")) {
        rc = enlace_consult_revise(client, a.id, text);
        if (rc == ENLACE_OK)
            printf(_("consultation %llu is in round 2, with the revised text\n"),
                (unsigned long long)a.id);
    } else {
        rc = enlace_consult_close(client, a.id, consensus, a.reason, text);
        if (rc == ENLACE_OK)
            printf(_("consultation %llu closed: %s\n"), (unsigned long long)a.id, a.outcome);
    }
    if (rc != ENLACE_OK)
        fprintf(stderr, _("enlace: consult %s refused (%s): %s\n"), sub, _(enlace_strerror(rc)),
            enlace_last_error(client));
    enlace_close(&client);
    free(owned);
    return rc == ENLACE_OK ? 0 : 1;
}
