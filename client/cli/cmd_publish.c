/*
 * cmd_publish.c: enlace publish and enlace alert: sign and publish a message
 * (an alert is a message with an alert part); print its sequence number.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ctype.h>

static int
s_publish(cli_settings_t *st, int argc, char **argv)
{
    if (argc < 1 || argc > 2) {
        fprintf(stderr, _("usage: enlace publish TOPIC [TEXT|-]\n"));
        return 2;
    }
    const char *topic = argv[0];
    char *body = NULL;
    size_t len;
    if (argc == 2 && strcmp(argv[1], "-") != 0) {
        body = strdup(argv[1]);
        len = body ? strlen(body) : 0;
    } else {
        body = cli_read_stdin(&len);
    }
    if (!body)
        return 1;
    if (st->tlp == ENLACE_TLP_RED && st->nto == 0) {
        fprintf(stderr, _("enlace: TLP:RED needs at least one --to FINGERPRINT\n"));
        free(body);
        return 2;
    }
    if (st->seal && st->nto == 0) {
        fprintf(stderr,
            _("enlace: --seal needs at least one --to FINGERPRINT: only they (and "
              "you) can open it\n"));
        free(body);
        return 2;
    }
    char why[256];
    int rc = cli_build_form(st, why, sizeof why);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: publish refused (%s): %s\n"), _(enlace_strerror(rc)), why);
        free(body);
        return 1;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0) {
        free(body);
        return 1;
    }
    enlace_publish_opts_t opts = {.tlp = (enlace_tlp_t)st->tlp,
        .recipients = st->to,
        .nrecipients = st->nto,
        .case_id = st->case_id,
        .handling = st->handling,
        .handling_text = st->handling_text,
        .evaluation = st->evaluation,
        .personal_data = st->personal,
        .form = st->form,
        .forward_of = st->forward_of,
        .seal = st->seal};
    uint64_t seq = 0;
    rc = enlace_publish(client, topic, body, len, &opts, &seq);
    free(body);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: publish refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json)
        cli_print_line(json_pack("{s:b, s:I}", "stored", 1, "seq", (json_int_t)seq));
    else
        printf(_("stored %llu\n"), (unsigned long long)seq);
    enlace_close(&client);
    return 0;
}

static int
s_alert(cli_settings_t *st, int argc, char **argv)
{
    enlace_alert_t a = {0};
    const char *topic = NULL, *text = NULL, *countries = NULL, *expires = NULL;
    uint64_t refs[16], case_id = 0;
    size_t nrefs = 0;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int mo = cli_message_option(st, argc, argv, &i);
        if (mo < 0)
            return 2;
        if (mo)
            continue;
        const char **slot = !strcmp(o, "--priority") ? &a.priority
            : !strcmp(o, "--category")               ? &a.category
            : !strcmp(o, "--headline")               ? &a.headline
            : !strcmp(o, "--status")                 ? &a.status
            : !strcmp(o, "--urgency")                ? &a.urgency
            : !strcmp(o, "--severity")               ? &a.severity
            : !strcmp(o, "--certainty")              ? &a.certainty
            : !strcmp(o, "--area")                   ? &a.area
            : !strcmp(o, "--language")               ? &a.language
            : !strcmp(o, "--countries")              ? &countries
            : !strcmp(o, "--expires")                ? &expires
            : !strcmp(o, "--translation-language")   ? &a.translation_language
            : !strcmp(o, "--translation-headline")   ? &a.translation_headline
            : !strcmp(o, "--translation")            ? &a.translation_description
                                                     : NULL;
        if (slot || !strcmp(o, "--case") || !strcmp(o, "--update") || !strcmp(o, "--cancel")) {
            if (!v) {
                fprintf(stderr, _("enlace: %s needs a value\n"), o);
                return 2;
            }
            i++;
            if (slot)
                *slot = v;
            else if (!strcmp(o, "--case")) {
                if (cli_number(o, v, 0, UINT64_MAX, &case_id) != 0)
                    return 2;
            } else if (nrefs < 16) {
                a.msg_type = !strcmp(o, "--update") ? "update" : "cancel";
                if (cli_number(o, v, 0, UINT64_MAX, &refs[nrefs++]) != 0)
                    return 2;
            }
        } else if (!strcmp(o, "--json")) {
            st->json = 1;
        } else if (o[0] == '-' && o[1] == '-') {
            fprintf(stderr, _("enlace: unknown alert option %s (see --help)\n"), o);
            return 2;
        } else if (!topic) {
            topic = o;
        } else if (!text) {
            text = o;
        } else {
            fprintf(stderr, _("enlace: alert takes TOPIC and one TEXT (quote it)\n"));
            return 2;
        }
    }
    if (cli_finish_form(st) != 0)
        return 2;
    if (!topic || !a.headline || !countries) {
        fprintf(stderr,
            _("usage: enlace alert TOPIC --priority P --category C --countries CC,CC "
              "--headline TEXT [TEXT|-]\n"));
        return 2;
    }
    char cbuf[256];
    const char *cc[16];
    snprintf(cbuf, sizeof cbuf, "%s", countries);
    a.ncountries = cli_split(cbuf, cc, 16);
    a.countries = cc;
    a.references = refs;
    a.nreferences = nrefs;
    if (expires) {
        a.expires_ms = cli_parse_time(expires);
        if (a.expires_ms < 0) {
            fprintf(stderr, _("enlace: --expires takes 2026-11-21T10:00:00Z or milliseconds\n"));
            return 2;
        }
    }
    char *body = NULL;
    size_t len = 0;
    if (text && strcmp(text, "-") != 0) {
        body = strdup(text);
        len = body ? strlen(body) : 0;
    } else if (!text || !strcmp(text, "-")) {
        if (text || !isatty(STDIN_FILENO))
            body = cli_read_stdin(&len);
        else
            body = strdup("");
    }
    if (!body)
        return 1;
    char why[256];
    int rc = cli_build_form(st, why, sizeof why);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: alert refused (%s): %s\n"), _(enlace_strerror(rc)), why);
        free(body);
        return 1;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0) {
        free(body);
        return 1;
    }
    enlace_publish_opts_t opts = {.tlp = (enlace_tlp_t)st->tlp,
        .recipients = st->to,
        .nrecipients = st->nto,
        .alert = &a,
        .case_id = case_id,
        .handling = st->handling,
        .handling_text = st->handling_text,
        .evaluation = st->evaluation,
        .personal_data = st->personal,
        .form = st->form,
        .seal = st->seal};
    uint64_t seq = 0;
    rc = enlace_publish(client, topic, body, len, &opts, &seq);
    free(body);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: alert refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json)
        cli_print_line(json_pack("{s:I}", "alert", (json_int_t)seq));
    else
        printf("%llu\n", (unsigned long long)seq);
    enlace_close(&client);
    return 0;
}

int
cmd_publish(cli_settings_t *st, int argc, char **argv)
{
    /* Options may also follow the command (enlace publish --tlp RED ...). */
    char *rest[8];
    int nrest = 0, mo;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
            st->tlp = enlace_tlp_parse(argv[++i]);
            if (st->tlp < 0) {
                fprintf(stderr, _("enlace: unknown TLP label '%s'\n"), argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--to") && i + 1 < argc && st->nto < CLI_MAX_TO)
            st->to[st->nto++] = argv[++i];
        else if (!strcmp(argv[i], "--case") && i + 1 < argc) {
            if (cli_number("--case", argv[++i], 0, UINT64_MAX, &st->case_id) != 0)
                return 2;
        } else if (!strcmp(argv[i], "--forward") && i + 1 < argc) {
            if (cli_number("--forward", argv[++i], 0, UINT64_MAX, &st->forward_of) != 0)
                return 2;
        } else if ((mo = cli_message_option(st, argc, argv, &i)) != 0) {
            if (mo < 0)
                return 2;
        } else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else if (nrest < 8)
            rest[nrest++] = argv[i];
    }
    if (cli_finish_form(st) != 0)
        return 2;
    return s_publish(st, nrest, rest);
}

int
cmd_alert(cli_settings_t *st, int argc, char **argv)
{
    /* --tlp/--to may follow the command here too */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = 0; rest && i < argc; i++) {
        if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
            st->tlp = enlace_tlp_parse(argv[++i]);
            if (st->tlp < 0) {
                fprintf(stderr, _("enlace: unknown TLP label '%s'\n"), argv[i]);
                free(rest);
                return 2;
            }
        } else if (!strcmp(argv[i], "--to") && i + 1 < argc && st->nto < CLI_MAX_TO)
            st->to[st->nto++] = argv[++i];
        else
            rest[nrest++] = argv[i];
    }
    int rc = rest ? s_alert(st, nrest, rest) : 1;
    free(rest);
    return rc;
}
