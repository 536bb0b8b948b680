/*
 * cli.h: what the enlace command's files share: the settings, connecting,
 * argument helpers, printing, and one entry per command family.
 *
 * The CLI is built only on libenlace's public header (enlace.h), its own
 * profile reader and common/ (i18n, passphrase prompt, strict numbers).
 * Exit status: 0 success, 1 an error (one line on stderr says which and
 * what to do), 2 a usage error.
 */
#ifndef ENLACE_CLI_H
#define ENLACE_CLI_H

#include <libintl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "enlace.h"

#define _(s) gettext(s)
#define N_(s) s /* marked for translation, translated where printed */

#define CLI_MAX_BODY (64 * 1024 * 1024)
#define CLI_MAX_TO 64
#define CLI_MAX_FIELDS 64

/* What the command line, the environment and the profile set. */
typedef struct {
    char hub[512];
    char hub_key[4096];
    char key[4096];
    int tlp;
    const char *to[CLI_MAX_TO];
    size_t nto;
    int json;
    int timeout_ms;
    uint64_t case_id;
    uint64_t forward_of;                /* publish --forward SEQ */
    const char *handling;               /* --handling H0..H3 */
    const char *handling_text;          /* --handling-text */
    const char *evaluation;             /* --evaluation B2 */
    int personal;                       /* --personal */
    const char *form_name;              /* --form NAME */
    const char *fields[CLI_MAX_FIELDS]; /* --field name=value */
    size_t nfields;
    char *form_file;      /* the text of --form-json FILE; owned */
    enlace_form_t *form;  /* built from the above by cli_build_form; owned */
    char language[8];     /* profile 'language': es or en */
    int seal;             /* --seal: seal the content (always for TLP:RED) */
    char archive_key[24]; /* profile 'archive_key': the archive key's fingerprint,
                           * pinned (enlace_pin_archive_key) */
} cli_settings_t;

/* Set by SIGINT and SIGTERM: the one piece of global state. */
extern volatile sig_atomic_t cli_stop;

/* settings.c: the profile, the environment, then the options before the
 * command, each overriding the one before. Returns -1 to go on with the
 * command at argv[*cmd_at], or an exit status (--help, --version, errors). */
int cli_settings_init(cli_settings_t *st, int argc, char **argv, int *cmd_at);
void cli_settings_fini(cli_settings_t *st);
void cli_copy(char *dst, size_t cap, const char *src);

/* connect.c: connects with the settings (asking for a sealed key's
 * passphrase); 0, or -1 after printing why. */
int cli_connect(const cli_settings_t *st, enlace_client_t **client);

/* args.c */
char *cli_read_file(const char *path);
char *cli_read_stdin(size_t *len);
/* Splits "MX,GT" into out[] (pointers into buf). */
size_t cli_split(char *buf, const char **out, size_t cap);
/* ISO-8601 UTC or milliseconds since the epoch; -1 if malformed. */
int64_t cli_parse_time(const char *s);
/* Parses s strictly (digits only, in [min, max]) as the value of `what`, an
 * option such as "--case" or a placeholder such as "ALERT_ID". 0, or -1
 * after printing e.g. "enlace: --case: '12x' is not a number" (the caller
 * then exits 2, a usage error). */
int cli_number(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* message.c: options shared by publish, alert and case open: handling,
 * evaluation, personal data, sealing and case forms. cli_message_option: 1 if
 * argv[*i] was one (advancing *i over its value), 0 if not, -1 on a usage
 * error. cli_finish_form: -1 (usage) if --form and --field do not go
 * together. cli_build_form: st->form from --form/--field or --form-json
 * (NULL if none); ENLACE_OK, or an error with a reason naming the field in
 * why. */
int cli_message_option(cli_settings_t *st, int argc, char **argv, int *i);
int cli_finish_form(const cli_settings_t *st);
int cli_build_form(cli_settings_t *st, char *why, size_t cap);

/* print.c: text for people, JSON (jansson) for programs: messages. */
void cli_time(int64_t ms, char *out, size_t cap);
void cli_print_delivery(const cli_settings_t *st, const enlace_delivery_t *d);
/* A case form as JSON: {"death": {"deceased_name": "J. P.", ...}}. */
json_t *cli_form_json(const enlace_form_t *form);
/* Prints j indented and frees it; -1 (and a line on stderr) if j is NULL,
 * which jansson gives for text that is not UTF-8. */
int cli_print_json(json_t *j);
/* Prints j on one line as `{"key": value, ...}` and frees it. */
void cli_print_line(json_t *j);
/* That the subscriptions to patterns are in place: a line for people on
 * stderr, or with --json one JSON object on stdout:
 * {"event":"subscribed","patterns":[...],"officer":{"fingerprint","name","country"}}. */
void cli_print_listening(const cli_settings_t *st, enlace_client_t *client,
    const char *const *patterns, int npatterns);

/* print_cases.c: alerts, cases, the review list. A JSON builder gives NULL
 * if the hub's text is not UTF-8; a list leaves such an item out. */
json_t *cli_alert_json(const enlace_alert_status_t *a);
json_t *cli_alerts_json(const enlace_alert_status_t *const *alerts, size_t n);
void cli_print_alert(const enlace_alert_status_t *a);
json_t *cli_case_info_json(const enlace_case_info_t *c);
json_t *cli_case_list_json(const enlace_case_info_t *const *cases, size_t n);
void cli_print_case_info(const enlace_case_info_t *c);
json_t *cli_case_json(const enlace_case_t *c);
void cli_print_case(const enlace_case_t *c);
json_t *cli_review_json(const enlace_review_t *r);
void cli_print_review(const enlace_review_t *r);

/* print_consult.c: consultations, their board and texts; --diff compares
 * the last two texts line by line. */
json_t *cli_consult_info_json(const enlace_consult_info_t *c);
json_t *cli_consult_list_json(const enlace_consult_info_t *const *items, size_t n);
json_t *cli_consult_json(const enlace_consult_t *c);
void cli_print_consult_info(const enlace_consult_info_t *c);
void cli_print_consult(const enlace_consult_t *c, int diff);
void cli_print_diff(const char *a, size_t alen, const char *b, size_t blen);

/* usage.c */
void cli_usage(FILE *out);

/* The commands, each given the arguments after its name. */
int cmd_publish(cli_settings_t *st, int argc, char **argv);
int cmd_alert(cli_settings_t *st, int argc, char **argv);
int cmd_listen(cli_settings_t *st, int argc, char **argv);
int cmd_history(cli_settings_t *st, int argc, char **argv);
int cmd_search(cli_settings_t *st, int argc, char **argv);
int cmd_ack(cli_settings_t *st, int argc, char **argv);
int cmd_alerts(cli_settings_t *st, int argc, char **argv);
int cmd_cap(cli_settings_t *st, int argc, char **argv);
int cmd_case(cli_settings_t *st, int argc, char **argv);
int cmd_consult(cli_settings_t *st, int argc, char **argv);
int cmd_review(cli_settings_t *st, int argc, char **argv);
int cmd_relabel(cli_settings_t *st, int argc, char **argv);
int cmd_release_request(cli_settings_t *st, int argc, char **argv);
int cmd_admin(cli_settings_t *st, int argc, char **argv);
int cmd_whoami(cli_settings_t *st, int argc, char **argv);
int cmd_unseal(cli_settings_t *st, int argc, char **argv);
/* cmd_web.c: enlace web runs enlace-web with the whole command line
 * (argv[0] replaced); returns 1 only if that could not be done. */
int cli_web_exec(int argc, char **argv);

#endif
