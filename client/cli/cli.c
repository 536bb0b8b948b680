/*
 * enlace: the officers' command line, built only on the public libenlace API
 * (enlace.h) plus the key helpers for passphrases.
 *
 * Settings come from, in increasing precedence: the profile file
 * (--profile FILE, else $ENLACE_PROFILE, else ~/.config/enlace/profile if it
 * exists), the environment (ENLACE_HUB, ENLACE_HUB_KEY, ENLACE_KEY), flags.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ctype.h>
#include <libintl.h>
#include <locale.h>

#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "enlace.h"
#include "i18n.h"
#include "keys.h"
#include "passphrase.h"
#include "profile.h"

#define _(s) gettext(s)

#define MAX_BODY (64 * 1024 * 1024)
#define MAX_TO 64

static volatile sig_atomic_t s_stop = 0;

static void
s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

typedef struct {
    char hub[512];
    char hub_key[4096];
    char key[4096];
    int tlp;
    const char *to[MAX_TO];
    size_t nto;
    int json;
    int timeout_ms;
    uint64_t case_id;
    uint64_t forward_of;        /* publish --forward SEQ */
    const char *handling;       /* --handling H0..H3 */
    const char *handling_text;  /* --handling-text */
    const char *evaluation;     /* --evaluation B2 */
    int personal;               /* --personal */
    char *form_json;            /* --form-json FILE or --form NAME --field k=v; owned */
    char language[8];           /* profile 'language': es or en */
} settings_t;


static void
s_usage(FILE *out)
{
    fprintf(out,
        _("usage: enlace [OPTIONS] COMMAND ...\n"
        "\n"
        "Commands:\n"
        "  publish TOPIC [TEXT|-]     sign and publish; prints the stored sequence\n"
        "                             (TEXT '-' or absent: read the body from stdin)\n"
        "  listen PATTERN...          print deliveries as they arrive; resumes where\n"
        "                             this officer stopped last time\n"
        "      --from-start           a new subscription also gets the history\n"
        "      --count N              exit after N deliveries\n"
        "      --wait SECONDS         exit after SECONDS without a delivery\n"
        "  history PATTERN            archived messages you may see, oldest first\n"
        "      --after SEQ --limit N --from TIME --to TIME --author FP --country CC\n"
        "      --all                  follow every page (default: one page)\n"
        "  admin COMMAND...           directory administration (st, admin roles):\n"
        "                             officer add|list|revoke|join|leave, invite\n"
        "                             grant|revoke|list, ppt set|show, audit\n"
        "  alert TOPIC --priority urgent|flash|priority|routine --category CAT\n"
        "      --countries CC,CC --headline TEXT [--case ID] [--status exercise]\n"
        "      [--update ID | --cancel ID] [--urgency U] [--severity S] [--certainty C]\n"
        "      [--area TEXT] [--language es|en] [TEXT|-]   prints the alert id\n"
        "  ack ALERT_ID [--note TEXT]  acknowledge an alert for your country\n"
        "  alerts [--open] [--json]   alerts and, per country, who acknowledged\n"
        "  cap ALERT_ID               the alert as OASIS CAP 1.2 XML\n"
        "  case open --type TYPE --countries CC,CC [--network NET] TITLE\n"
        "  case show ID [--json] | case list [--type T] [--country CC] [--state S] [--json]\n"
        "  case close ID [--note TEXT] | case reopen ID [--note TEXT]\n"
        "  publish ... --case ID      attach a message to a case\n"
        "  search WORDS [--after SEQ] [--limit N]   full text, accents folded\n"
        "  relabel SEQ [--tlp LABEL] [--lift-handling]   widen your message's label\n"
        "  release-request SEQ REASON  ask a message's author for wider release\n"
        "  review [--days N]          your open cases and alerts older than N days\n"
        "  case approve ID [--note T] IOM's or the ST's approval of a special return\n"
        "\n"
        "Message options (publish, alert, case open):\n"
        "  --handling H0|H1|H2|H3 [--handling-text TEXT]   handling code\n"
        "  --evaluation B2            source reliability A-C/X and accuracy 1-4\n"
        "  --personal                 contains personal data (never to observers)\n"
        "  --form NAME --field k=v... or --form-json FILE   a case form: death, child,\n"
        "                             incident, trafficking, smuggling, return-assistance\n"
        "  alert: --translation-language en --translation-headline T --translation D\n"
        "  whoami                     who the hub says you are\n"
        "\n"
        "Options:\n"
        "  --profile FILE             settings file (hub, hub_key, key)\n"
        "  --hub ENDPOINT             e.g. tcp://127.0.0.1:7440      [ENLACE_HUB]\n"
        "  --hub-key FILE.public      the hub's public key           [ENLACE_HUB_KEY]\n"
        "  --key FILE.secret          your secret key                [ENLACE_KEY]\n"
        "  --tlp LABEL                CLEAR, GREEN, AMBER (default), AMBER+STRICT, RED\n"
        "  --to FINGERPRINT           a named recipient (repeat; required for RED)\n"
        "  --json                     machine-readable output\n"
        "  --timeout MS               connect/request timeout (default 10000)\n"
        "\n"
        "A sealed key asks for its passphrase on the terminal, or reads the file\n"
        "named by ENLACE_PASSPHRASE_FILE.\n"));
}

static void
s_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static int
s_load_profile(settings_t *st, const char *path, int required)
{
    if (!path)
        return 0;
    if (access(path, R_OK) != 0) {
        if (!required)
            return 0;
        fprintf(stderr, _("enlace: cannot read profile %s: %s\n"), path, strerror(errno));
        return -1;
    }
    profile_t p;
    profile_error_t e;
    if (profile_load(path, &p, &e) == 0) {
        s_copy(st->hub, sizeof st->hub, p.hub);
        s_copy(st->hub_key, sizeof st->hub_key, p.hub_key);
        s_copy(st->key, sizeof st->key, p.key);
        s_copy(st->language, sizeof st->language, p.language);
        return 0;
    }
    switch (e.status) {
    case PROFILE_UNREADABLE:
        fprintf(stderr, _("enlace: cannot read profile %s: %s\n"), path, strerror(e.sys_errno));
        break;
    case PROFILE_TOO_BIG:
        fprintf(stderr, _("enlace: %s: a profile is at most %d bytes\n"), path,
            PROFILE_FILE_MAX);
        break;
    case PROFILE_UNKNOWN:
        fprintf(stderr, _("enlace: %s: unknown setting '%s' (hub, hub_key, key, language)\n"),
            path, e.name);
        break;
    case PROFILE_LONG_LINE:
        fprintf(stderr, _("enlace: %s: line %d is longer than %d characters\n"), path, e.line,
            e.max_line);
        break;
    case PROFILE_LONG_VALUE:
        fprintf(stderr, _("enlace: %s: line %d: the value of '%s' is too long\n"), path, e.line,
            e.name);
        break;
    case PROFILE_BAD_LANGUAGE:
        fprintf(stderr, _("enlace: %s: line %d: language is a 2- or 3-letter code such as es "
                          "or en\n"),
            path, e.line);
        break;
    case PROFILE_NUL:
    case PROFILE_NOT_SETTING:
    case PROFILE_OK:
        fprintf(stderr, _("enlace: %s: line %d is not 'name = value'\n"), path, e.line);
        break;
    }
    return -1;
}

static void
s_print_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
s_connect(const settings_t *st, enlace_client_t **client)
{
    if (!st->hub[0] || !st->hub_key[0] || !st->key[0]) {
        fprintf(stderr, _("enlace: missing %s: give --profile FILE, or --hub, --hub-key and --key "
                          "(or ENLACE_HUB, ENLACE_HUB_KEY, ENLACE_KEY)\n"),
            !st->hub[0]       ? _("the hub endpoint")
            : !st->hub_key[0] ? _("the hub key")
                              : _("your key"));
        return -1;
    }
    char *pass = NULL;
    if (keys_secret_is_sealed(st->key) == 1) {
        char err[256];
        pass = sodium_malloc(256);
        if (!pass || passphrase_read(_("Passphrase for your key: "), 0, pass, 256, err,
                         sizeof err)
                != 0) {
            fprintf(stderr, "enlace: %s\n", pass ? err : _("out of memory"));
            if (pass)
                sodium_free(pass);
            return -1;
        }
    }
    enlace_options_t opts = {.endpoint = st->hub, .hub_key_file = st->hub_key,
        .key_file = st->key, .passphrase = pass, .timeout_ms = st->timeout_ms,
        .client_name = "enlace-cli"};
    char why[512];
    int rc = enlace_connect(&opts, client, why, sizeof why);
    if (pass)
        sodium_free(pass);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: %s\n", why);
        return -1;
    }
    return 0;
}

/* Reads a whole small file ("-": stdin) as text. */
static char *
s_read_file(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
    if (!f) {
        fprintf(stderr, "enlace: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + used, 1, cap - used, f)) > 0)
        used += n;
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[used] = '\0';
    return buf;
}

/* Options shared by publish, alert and case open: handling, evaluation,
 * personal data and case forms. Returns 1 if argv[*i] was one (advancing
 * *i over its value), 0 if not, -1 on error. */
static int
s_message_option(settings_t *st, int argc, char **argv, int *i, json_t **fields,
    const char **form_name)
{
    const char *o = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(o, "--personal")) {
        st->personal = 1;
        return 1;
    }
    int takes = !strcmp(o, "--handling") || !strcmp(o, "--handling-text")
        || !strcmp(o, "--evaluation") || !strcmp(o, "--form-json") || !strcmp(o, "--form")
        || !strcmp(o, "--field");
    if (!takes)
        return 0;
    if (!v) {
        fprintf(stderr, "enlace: %s needs a value\n", o);
        return -1;
    }
    (*i)++;
    if (!strcmp(o, "--handling"))
        st->handling = v;
    else if (!strcmp(o, "--handling-text"))
        st->handling_text = v;
    else if (!strcmp(o, "--evaluation"))
        st->evaluation = v;
    else if (!strcmp(o, "--form-json")) {
        free(st->form_json);
        st->form_json = s_read_file(v);
        if (!st->form_json)
            return -1;
    } else if (!strcmp(o, "--form"))
        *form_name = v;
    else {
        /* --field name=value: numbers become numbers, true/false booleans;
         * a field given twice becomes a list. */
        const char *eq = strchr(v, '=');
        if (!eq || eq == v) {
            fprintf(stderr, "enlace: --field takes name=value\n");
            return -1;
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
        const char *val = eq + 1;
        char *end;
        json_t *jv;
        double d = strtod(val, &end);
        if (*val && !*end && strspn(val, "0123456789") == strlen(val))
            jv = json_integer((json_int_t)strtoll(val, NULL, 10));
        else if (*val && !*end && strchr(val, '.'))
            jv = json_real(d);
        else if (!strcmp(val, "true") || !strcmp(val, "false"))
            jv = json_boolean(!strcmp(val, "true"));
        else
            jv = json_string(val);
        if (!*fields)
            *fields = json_object();
        json_t *old = json_object_get(*fields, name);
        if (old && json_is_array(old))
            json_array_append_new(old, jv);
        else if (old)
            json_object_set_new(*fields, name, json_pack("[O, o]", old, jv));
        else if (!strcmp(name, "border_posts") || !strcmp(name, "countries")
            || !strcmp(name, "countries_of_origin"))
            json_object_set_new(*fields, name, json_pack("[o]", jv));
        else
            json_object_set_new(*fields, name, jv);
    }
    return 1;
}

/* Turns --form NAME + --field values into st->form_json. */
static int
s_finish_form(settings_t *st, json_t *fields, const char *form_name)
{
    if (!form_name && !fields)
        return 0;
    if (!form_name || !fields) {
        fprintf(stderr, "enlace: --form NAME and at least one --field go together\n");
        json_decref(fields);
        return -1;
    }
    char key[40];
    snprintf(key, sizeof key, "%s", form_name);
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    json_t *doc = json_pack("{s:o}", key, fields);
    free(st->form_json);
    st->form_json = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return st->form_json ? 0 : -1;
}

/* Reads all of stdin (bounded). */
static char *
s_read_stdin(size_t *len)
{
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (used == cap) {
            if (cap >= MAX_BODY) {
                free(buf);
                fprintf(stderr, _("enlace: the message is too large\n"));
                return NULL;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
            cap *= 2;
        }
        size_t n = fread(buf + used, 1, cap - used, stdin);
        used += n;
        if (n == 0)
            break;
    }
    *len = used;
    return buf;
}

static int
s_publish(settings_t *st, int argc, char **argv)
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
        body = s_read_stdin(&len);
    }
    if (!body)
        return 1;
    if (st->tlp == ENLACE_TLP_RED && st->nto == 0) {
        fprintf(stderr, _("enlace: TLP:RED needs at least one --to FINGERPRINT\n"));
        free(body);
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0) {
        free(body);
        return 1;
    }
    enlace_publish_opts_t opts = {.tlp = (enlace_tlp_t)st->tlp, .recipients = st->to,
        .nrecipients = st->nto, .case_id = st->case_id, .handling = st->handling,
        .handling_text = st->handling_text, .evaluation = st->evaluation,
        .personal_data = st->personal, .form_json = st->form_json,
        .forward_of = st->forward_of};
    uint64_t seq = 0;
    int rc = enlace_publish(client, topic, body, len, &opts, &seq);
    free(body);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: publish refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json)
        printf("{\"stored\": true, \"seq\": %llu}\n", (unsigned long long)seq);
    else
        printf(_("stored %llu\n"), (unsigned long long)seq);
    enlace_close(&client);
    return 0;
}

static int
s_utf8_ok(const uint8_t *s, size_t n)
{
    json_t *j = json_stringn(n ? (const char *)s : "", n); /* empty: s may be NULL */
    int ok = j != NULL;
    json_decref(j);
    return ok;
}

static void s_print_delivery(const settings_t *st, const enlace_delivery_t *d);

static void
s_print_delivery(const settings_t *st, const enlace_delivery_t *d)
{
    char created[32], stored[32], id[33];
    s_print_time(d->created_ms, created, sizeof created);
    s_print_time(d->stored_ms, stored, sizeof stored);
    enlace_id_hex(d->message_id, id);
    if (st->json) {
        char sig[129];
        sodium_bin2hex(sig, sizeof sig, d->signature, 64);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s, s:b}", "seq",
            (json_int_t)d->seq, "id", id, "topic", d->topic, "tlp", enlace_tlp_name(d->tlp),
            "author", "fingerprint", d->author_fingerprint, "name", d->author_name, "country",
            d->author_country, "created", created, "stored", stored, "signature", sig,
            "verified", 1);
        if (!o)
            return;
        if (d->case_id)
            json_object_set_new(o, "case", json_integer((json_int_t)d->case_id));
        if (d->out_of_band)
            json_object_set_new(o, "out_of_band", json_true());
        if (d->handling && *d->handling)
            json_object_set_new(o, "handling", json_string(d->handling));
        if (d->evaluation[0])
            json_object_set_new(o, "evaluation", json_string(d->evaluation));
        if (d->personal_data)
            json_object_set_new(o, "personal_data", json_true());
        if (d->form_json)
            json_object_set_new(o, "form", json_loads(d->form_json, 0, NULL));
        if (d->is_alert) {
            json_t *cc = json_array();
            for (size_t i = 0; i < d->alert_ncountries; i++)
                json_array_append_new(cc, json_string(d->alert_countries[i]));
            json_object_set_new(o, "alert",
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "priority", d->alert_priority,
                    "category", d->alert_category, "headline", d->alert_headline, "status",
                    d->alert_status, "msg_type", d->alert_msg_type, "countries", cc));
        }
        if (d->escalation_alert)
            json_object_set_new(o, "escalation",
                json_pack("{s:I, s:s, s:i}", "alert", (json_int_t)d->escalation_alert, "country",
                    d->escalation_country, "level", (int)d->escalation_level));
        if (s_utf8_ok(d->body, d->body_len)) {
            json_object_set_new(o, "body",
                json_stringn(d->body_len ? (const char *)d->body : "", d->body_len));
        } else {
            size_t cap = sodium_base64_ENCODED_LEN(d->body_len, sodium_base64_VARIANT_ORIGINAL);
            char *b64 = malloc(cap);
            if (b64) {
                sodium_bin2base64(b64, cap, d->body, d->body_len, sodium_base64_VARIANT_ORIGINAL);
                json_object_set_new(o, "body_base64", json_string(b64));
                free(b64);
            }
        }
        char *line = json_dumps(o, JSON_COMPACT);
        if (line) {
            printf("%s\n", line);
            free(line);
        }
        json_decref(o);
    } else if (d->escalation_alert) {
        printf(_("!! ESCALATION of alert %llu (%s, level %u) #%llu %s: "),
            (unsigned long long)d->escalation_alert, d->escalation_country, d->escalation_level,
            (unsigned long long)d->seq, stored);
        for (size_t i = 0; i < d->body_len; i++) {
            unsigned char c = d->body[i];
            putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
        putchar('\n');
    } else {
        if (d->is_alert) {
            /* Priority first, so an alert never reads like routine traffic. */
            char countries[128] = "";
            for (size_t i = 0; i < d->alert_ncountries; i++) {
                strncat(countries, i ? "," : "", sizeof countries - strlen(countries) - 1);
                strncat(countries, d->alert_countries[i], sizeof countries - strlen(countries) - 1);
            }
            int drill = !strcmp(d->alert_status, "exercise");
            const char *headline = d->alert_headline;
            if (d->translation_language && st->language[0]
                && !strcmp(d->translation_language, st->language) && *d->translation_headline)
                headline = d->translation_headline;
            printf(_("!! %s%s ALERT %llu [%s] %s%s%s -- %s\n   "), drill ? _("DRILL ") : "",
                d->alert_priority, (unsigned long long)d->seq, d->alert_category, countries,
                strcmp(d->alert_msg_type, "alert") ? " " : "",
                strcmp(d->alert_msg_type, "alert") ? d->alert_msg_type : "", headline);
        }
        printf("#%llu %s %s [TLP:%s]", (unsigned long long)d->seq, stored, d->topic,
            enlace_tlp_name(d->tlp));
        /* Handling and evaluation come before the content, as in SIENA. */
        if (d->handling && *d->handling)
            printf(" [%s%s%s]", d->handling, *d->handling_text ? ": " : "", d->handling_text);
        if (d->evaluation[0])
            printf(" [%s]", d->evaluation);
        if (d->personal_data)
            printf(" [PERSONAL DATA]");
        printf(" %s (%s, %s): ", d->author_name, d->author_country, d->author_fingerprint);
        if (d->form_json)
            printf("form %s ", d->form_json);
        if (d->translation_language && st->language[0]
            && !strcmp(d->translation_language, st->language)) {
            /* The officer's language: show that translation. */
            printf("%s\n", d->translation_description);
            fflush(stdout);
            return;
        }
        /* Never let a body drive the terminal: show control bytes as '?'. */
        for (size_t i = 0; i < d->body_len; i++) {
            unsigned char c = d->body[i];
            putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
        putchar('\n');
        if (d->is_alert && (!strcmp(d->alert_priority, "urgent") || !strcmp(d->alert_priority, "flash"))
            && strcmp(d->alert_msg_type, "cancel"))
            printf(_("   acknowledge with: enlace ack %llu\n"), (unsigned long long)d->seq);
    }
    fflush(stdout);
}

static int
s_listen(settings_t *st, int argc, char **argv)
{
    int from_start = 0;
    long count = -1, wait_s = -1;
    const char *patterns[64];
    int npatterns = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--from-start"))
            from_start = 1;
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
            wait_s = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, _("enlace: unknown listen option %s\n"), argv[i]);
            return 2;
        } else if (npatterns < 64)
            patterns[npatterns++] = argv[i];
    }
    if (npatterns == 0) {
        fprintf(stderr,
            _("usage: enlace listen [--from-start] [--count N] [--wait S] PATTERN...\n"));
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    for (int i = 0; i < npatterns; i++) {
        int rc = enlace_subscribe(client, patterns[i], from_start);
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: cannot subscribe to '%s' (%s): %s\n"), patterns[i],
                _(enlace_strerror(rc)), enlace_last_error(client));
            enlace_close(&client);
            return 1;
        }
    }
    if (!st->json)
        fprintf(stderr, _("listening as %s (%s, %s) to %d pattern(s); Ctrl-C to stop\n"),
            enlace_self_name(client), enlace_self_country(client),
            enlace_self_fingerprint(client), npatterns);
    long got = 0;
    int status = 0;
    time_t last = time(NULL);
    while (!s_stop && (count < 0 || got < count)) {
        enlace_delivery_t *d;
        int rc = enlace_recv(client, &d, 500);
        if (rc == ENLACE_ETIMEDOUT) {
            if (wait_s >= 0 && time(NULL) - last >= wait_s)
                break;
            continue;
        }
        if (rc != ENLACE_OK) {
            fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
            status = 1;
            break;
        }
        s_print_delivery(st, d);
        enlace_delivery_destroy(&d);
        got++;
        last = time(NULL);
    }
    if (enlace_bad_signatures(client))
        fprintf(stderr, _("enlace: dropped %llu deliveries whose signature did not verify\n"),
            (unsigned long long)enlace_bad_signatures(client));
    enlace_close(&client);
    return status;
}

/* ISO-8601 UTC or milliseconds since the epoch; -1 if malformed. */
static int64_t
s_parse_time(const char *s)
{
    char *end;
    long long ms = strtoll(s, &end, 10);
    if (*end == '\0' && end != s)
        return ms;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
            &tm.tm_min, &tm.tm_sec)
        < 3)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

static int
s_history(settings_t *st, int argc, char **argv)
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
        } else if (!strcmp(a, "--after"))
            q.after_seq = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--limit"))
            q.limit = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
            int64_t t = s_parse_time(argv[++i]);
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
        else if (!strcmp(a, "--case"))
            q.case_id = strtoull(argv[++i], NULL, 10);
        else if (a[0] == '-' && a[1] == '-') {
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
        fprintf(stderr, _("usage: enlace history PATTERN [--after SEQ] [--limit N] [--from TIME] "
                          "[--to TIME] [--author FP] [--country CC] [--all]\n"));
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
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
            s_print_delivery(st, enlace_page_item(page, i));
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

/* relabel SEQ [--tlp LABEL] [--lift-handling]; release-request SEQ REASON */
static int
s_control(settings_t *st, const char *cmd, int argc, char **argv)
{
    uint64_t seq = 0;
    int tlp = 0, lift = 0;
    const char *reason = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
            tlp = enlace_tlp_parse(argv[++i]);
            if (tlp < 0) {
                fprintf(stderr, "enlace: unknown TLP label '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--lift-handling"))
            lift = 1;
        else if (!seq && argv[i][0] != '-')
            seq = strtoull(argv[i], NULL, 10);
        else if (!reason && argv[i][0] != '-')
            reason = argv[i];
        else {
            seq = 0;
            break;
        }
    }
    int relabel = !strcmp(cmd, "relabel");
    if (!seq || (relabel && !tlp && !lift) || (!relabel && !reason)) {
        fprintf(stderr, relabel ? "usage: enlace relabel SEQ [--tlp LABEL] [--lift-handling]\n"
                                : "usage: enlace release-request SEQ REASON\n");
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    int rc = relabel ? enlace_relabel(client, seq, (enlace_tlp_t)tlp, lift)
                     : enlace_release_request(client, seq, reason);
    if (rc != ENLACE_OK)
        fprintf(stderr, "enlace: %s refused (%s): %s\n", cmd, enlace_strerror(rc),
            enlace_last_error(client));
    else
        printf(relabel ? "message %llu relabelled\n" : "request sent to the author of %llu\n",
            (unsigned long long)seq);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

static int
s_review(settings_t *st, int argc, char **argv)
{
    unsigned days = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--days") && i + 1 < argc)
            days = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else {
            fprintf(stderr, "usage: enlace review [--days N] [--json]\n");
            return 2;
        }
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    char *json = NULL;
    int rc = enlace_review(client, days, &json);
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

static int
s_search(settings_t *st, int argc, char **argv)
{
    const char *query = NULL;
    uint64_t after = 0;
    unsigned limit = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--after") && i + 1 < argc)
            after = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--json"))
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
    if (s_connect(st, &client) != 0)
        return 1;
    enlace_page_t *page = NULL;
    int rc = enlace_search(client, query, after, limit, &page);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: search refused (%s): %s\n", enlace_strerror(rc),
            enlace_last_error(client));
    } else {
        for (size_t i = 0; i < enlace_page_count(page); i++)
            s_print_delivery(st, enlace_page_item(page, i));
        if (enlace_page_more(page) && !st->json)
            fprintf(stderr, "(more: --after %llu)\n", (unsigned long long)enlace_page_next(page));
    }
    enlace_page_destroy(&page);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

static int
s_admin(settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, _("usage: enlace admin officer|invite|ppt|audit ...\n"));
        return 2;
    }
    /* Key files are read here and sent as --public-key HEX. */
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    char (*hex)[2 * KEYS_PUBLIC_BYTES + 1] = calloc((size_t)argc, sizeof *hex);
    if (!args || !hex) {
        free(args);
        free(hex);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            uint8_t pk[KEYS_PUBLIC_BYTES];
            char err[KEYS_ERR_LEN];
            if (keys_public_load(argv[i + 1], pk, err) != 0) {
                fprintf(stderr, "enlace: %s\n", err);
                free(args);
                free(hex);
                return 1;
            }
            keys_hex_encode(pk, sizeof pk, hex[i]);
            args[n++] = "--public-key";
            args[n++] = hex[i];
            i++;
        } else {
            args[n++] = argv[i];
        }
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0) {
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

/* Splits "MX,GT" into out[] (pointers into buf). */
static size_t
s_split(char *buf, const char **out, size_t cap)
{
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p && n < cap; p = strtok_r(NULL, ",", &save))
        out[n++] = p;
    return n;
}

static int
s_alert(settings_t *st, int argc, char **argv)
{
    enlace_alert_t a = {0};
    const char *topic = NULL, *text = NULL, *countries = NULL, *expires = NULL;
    uint64_t refs[16], case_id = 0;
    size_t nrefs = 0;
    json_t *fields = NULL;
    const char *form_name = NULL;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int mo = s_message_option(st, argc, argv, &i, &fields, &form_name);
        if (mo < 0)
            return 2;
        if (mo)
            continue;
        const char **slot = !strcmp(o, "--priority")  ? &a.priority
            : !strcmp(o, "--category")                ? &a.category
            : !strcmp(o, "--headline")                ? &a.headline
            : !strcmp(o, "--status")                  ? &a.status
            : !strcmp(o, "--urgency")                 ? &a.urgency
            : !strcmp(o, "--severity")                ? &a.severity
            : !strcmp(o, "--certainty")               ? &a.certainty
            : !strcmp(o, "--area")                    ? &a.area
            : !strcmp(o, "--language")                ? &a.language
            : !strcmp(o, "--countries")               ? &countries
            : !strcmp(o, "--expires")                 ? &expires
            : !strcmp(o, "--translation-language")    ? &a.translation_language
            : !strcmp(o, "--translation-headline")    ? &a.translation_headline
            : !strcmp(o, "--translation")             ? &a.translation_description
                                                      : NULL;
        if (slot || !strcmp(o, "--case") || !strcmp(o, "--update") || !strcmp(o, "--cancel")) {
            if (!v) {
                fprintf(stderr, _("enlace: %s needs a value\n"), o);
                return 2;
            }
            i++;
            if (slot)
                *slot = v;
            else if (!strcmp(o, "--case"))
                case_id = strtoull(v, NULL, 10);
            else if (nrefs < 16) {
                a.msg_type = !strcmp(o, "--update") ? "update" : "cancel";
                refs[nrefs++] = strtoull(v, NULL, 10);
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
    if (s_finish_form(st, fields, form_name) != 0)
        return 2;
    if (!topic || !a.headline || !countries) {
        fprintf(stderr, _("usage: enlace alert TOPIC --priority P --category C --countries CC,CC "
                          "--headline TEXT [TEXT|-]\n"));
        return 2;
    }
    char cbuf[256];
    const char *cc[16];
    snprintf(cbuf, sizeof cbuf, "%s", countries);
    a.ncountries = s_split(cbuf, cc, 16);
    a.countries = cc;
    a.references = refs;
    a.nreferences = nrefs;
    if (expires) {
        a.expires_ms = s_parse_time(expires);
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
            body = s_read_stdin(&len);
        else
            body = strdup("");
    }
    if (!body)
        return 1;
    enlace_client_t *client;
    if (s_connect(st, &client) != 0) {
        free(body);
        return 1;
    }
    enlace_publish_opts_t opts = {.tlp = (enlace_tlp_t)st->tlp, .recipients = st->to,
        .nrecipients = st->nto, .alert = &a, .case_id = case_id, .handling = st->handling,
        .handling_text = st->handling_text, .evaluation = st->evaluation,
        .personal_data = st->personal, .form_json = st->form_json};
    uint64_t seq = 0;
    int rc = enlace_publish(client, topic, body, len, &opts, &seq);
    free(body);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: alert refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json)
        printf("{\"alert\": %llu}\n", (unsigned long long)seq);
    else
        printf("%llu\n", (unsigned long long)seq);
    enlace_close(&client);
    return 0;
}

static int
s_ack(settings_t *st, int argc, char **argv)
{
    const char *note = NULL;
    uint64_t id = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--note") && i + 1 < argc)
            note = argv[++i];
        else if (!id && argv[i][0] != '-')
            id = strtoull(argv[i], NULL, 10);
        else {
            fprintf(stderr, _("usage: enlace ack ALERT_ID [--note TEXT]\n"));
            return 2;
        }
    }
    if (!id) {
        fprintf(stderr, _("usage: enlace ack ALERT_ID [--note TEXT]\n"));
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
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

static void
s_print_alert_text(json_t *a)
{
    char when[32];
    s_print_time(json_integer_value(json_object_get(a, "stored_ms")), when, sizeof when);
    const char *status = json_string_value(json_object_get(a, "status"));
    printf(_("%s%s alert %lld [%s] %s -- %s\n"), strcmp(status, "exercise") ? "" : _("DRILL "),
        json_string_value(json_object_get(a, "priority")),
        (long long)json_integer_value(json_object_get(a, "id")),
        json_string_value(json_object_get(a, "category")), when,
        json_string_value(json_object_get(a, "headline")));
    printf(_("  by %s (%s) on %s"), json_string_value(json_object_get(a, "author")),
        json_string_value(json_object_get(a, "author_country")),
        json_string_value(json_object_get(a, "topic")));
    const char *type = json_string_value(json_object_get(a, "msg_type"));
    if (strcmp(type, "alert") != 0) {
        printf(_(", %s of"), type);
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(a, "references"), i, r)
            printf(" %lld", (long long)json_integer_value(r));
    }
    if (json_integer_value(json_object_get(a, "superseded_by")))
        printf(_(", superseded by %lld"),
            (long long)json_integer_value(json_object_get(a, "superseded_by")));
    putchar('\n');
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "targets"), i, t) {
        const char *state = json_string_value(json_object_get(t, "state"));
        printf("    %s  %-13s", json_string_value(json_object_get(t, "country")), state);
        if (!strcmp(state, "acknowledged")) {
            char at[32];
            s_print_time(json_integer_value(json_object_get(t, "acked_ms")), at, sizeof at);
            printf(_(" by %s at %s"), json_string_value(json_object_get(t, "acked_by")), at);
            const char *note = json_string_value(json_object_get(t, "note"));
            if (note && *note)
                printf(" (\"%s\")", note);
        } else if (!strcmp(state, "overdue")) {
            printf(_(" escalation level %lld"),
                (long long)json_integer_value(json_object_get(t, "level")));
        }
        putchar('\n');
    }
}

static int
s_alerts(settings_t *st, int argc, char **argv)
{
    int open_only = 0;
    uint64_t id = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--open"))
            open_only = 1;
        else if (!strcmp(argv[i], "--json"))
            st->json = 1;
        else if (argv[i][0] != '-')
            id = strtoull(argv[i], NULL, 10);
        else {
            fprintf(stderr, _("usage: enlace alerts [--open] [--json] [ALERT_ID]\n"));
            return 2;
        }
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    char *json = NULL;
    int rc = enlace_alerts(client, open_only, id, &json);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json) {
        printf("%s\n", json);
    } else {
        json_t *arr = json_loads(json, 0, NULL);
        size_t i;
        json_t *a;
        if (json_array_size(arr) == 0)
            fputs(open_only ? _("no open alerts\n") : _("no alerts\n"), stdout);
        json_array_foreach(arr, i, a)
            s_print_alert_text(a);
        json_decref(arr);
    }
    free(json);
    enlace_close(&client);
    return 0;
}

static int
s_cap(settings_t *st, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, _("usage: enlace cap ALERT_ID\n"));
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    char *xml = NULL;
    int rc = enlace_cap(client, strtoull(argv[0], NULL, 10), &xml);
    if (rc != ENLACE_OK)
        fprintf(stderr, "enlace: %s: %s\n", _(enlace_strerror(rc)), enlace_last_error(client));
    else
        fputs(xml, stdout);
    free(xml);
    enlace_close(&client);
    return rc == ENLACE_OK ? 0 : 1;
}

static int
s_case(settings_t *st, int argc, char **argv)
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
        int mo = s_message_option(st, argc, argv, &i, &fields, &form_name);
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
        else if (!id)
            id = strtoull(o, NULL, 10);
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
        size_t n = s_split(cbuf, cc, 16);
        if (s_finish_form(st, fields, form_name) != 0)
            return 2;
        if (s_connect(st, &client) != 0)
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
        if (s_connect(st, &client) != 0)
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
                s_print_time(json_integer_value(json_object_get(c, "opened_ms")), opened,
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
                    s_print_time(json_integer_value(json_object_get(m, "stored_ms")), at,
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
                    s_print_alert_text(a);
                json_t *e;
                json_array_foreach(json_object_get(j, "events"), k, e) {
                    char at[32];
                    s_print_time(json_integer_value(json_object_get(e, "ts_ms")), at, sizeof at);
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
        if (s_connect(st, &client) != 0)
            return 1;
        rc = enlace_case_approve(client, id, note);
        if (rc == ENLACE_OK)
            printf("approval of case %llu recorded\n", (unsigned long long)id);
    } else if (!strcmp(sub, "close") || !strcmp(sub, "reopen")) {
        if (!id) {
            fprintf(stderr, _("usage: enlace case %s ID [--note TEXT]\n"), sub);
            return 2;
        }
        if (s_connect(st, &client) != 0)
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

static int
s_whoami(settings_t *st)
{
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    printf(_("%s (%s), key %s\n"), enlace_self_name(client), enlace_self_country(client),
        enlace_self_fingerprint(client));
    enlace_close(&client);
    return 0;
}

static int s_main(settings_t *st, int argc, char **argv);

int
main(int argc, char **argv)
{
    i18n_init();
    settings_t st;
    memset(&st, 0, sizeof st);
    st.timeout_ms = 10000;
    int rc = s_main(&st, argc, argv);
    /* What the settings own is freed here, whichever way the command ended. */
    free(st.form_json);
    return rc;
}

static int
s_main(settings_t *st, int argc, char **argv)
{
    const char *profile = NULL;
    int i = 1;
    /* Options before the command; the profile first so flags override it. */
    for (int j = 1; j + 1 < argc; j++)
        if (!strcmp(argv[j], "--profile"))
            profile = argv[j + 1];
    if (profile) {
        if (s_load_profile(st, profile, 1) != 0)
            return 1;
    } else if (getenv("ENLACE_PROFILE")) {
        if (s_load_profile(st, getenv("ENLACE_PROFILE"), 1) != 0)
            return 1;
    } else if (getenv("HOME")) {
        static char def[4096];
        snprintf(def, sizeof def, "%s/.config/enlace/profile", getenv("HOME"));
        if (s_load_profile(st, def, 0) != 0)
            return 1;
    }
    if (getenv("ENLACE_HUB"))
        s_copy(st->hub, sizeof st->hub, getenv("ENLACE_HUB"));
    if (getenv("ENLACE_HUB_KEY"))
        s_copy(st->hub_key, sizeof st->hub_key, getenv("ENLACE_HUB_KEY"));
    if (getenv("ENLACE_KEY"))
        s_copy(st->key, sizeof st->key, getenv("ENLACE_KEY"));
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            s_usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--version")) {
            printf("enlace %s\n", ENLACE_VERSION);
            return 0;
        }
        if (!strcmp(a, "--json")) {
            st->json = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, _("enlace: %s needs a value (see --help)\n"), a);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--profile"))
            continue; /* loaded above */
        else if (!strcmp(a, "--hub"))
            s_copy(st->hub, sizeof st->hub, v);
        else if (!strcmp(a, "--hub-key"))
            s_copy(st->hub_key, sizeof st->hub_key, v);
        else if (!strcmp(a, "--key"))
            s_copy(st->key, sizeof st->key, v);
        else if (!strcmp(a, "--timeout"))
            st->timeout_ms = atoi(v) > 0 ? atoi(v) : 10000;
        else if (!strcmp(a, "--tlp")) {
            st->tlp = enlace_tlp_parse(v);
            if (st->tlp < 0) {
                fprintf(stderr, _("enlace: unknown TLP label '%s' (CLEAR, GREEN, AMBER, "
                                  "AMBER+STRICT, RED)\n"), v);
                return 2;
            }
        } else if (!strcmp(a, "--to")) {
            if (st->nto == MAX_TO) {
                fprintf(stderr, _("enlace: at most %d recipients\n"), MAX_TO);
                return 2;
            }
            st->to[st->nto++] = v;
        } else {
            fprintf(stderr, _("enlace: unknown option %s (see --help)\n"), a);
            return 2;
        }
    }
    if (i >= argc) {
        s_usage(stderr);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const char *cmd = argv[i++];
    for (int j = i; j < argc; j++)
        if (!strcmp(argv[j], "--help")) {
            s_usage(stdout);
            return 0;
        }
    /* Options may also follow the command (enlace publish --tlp RED ...). */
    if (!strcmp(cmd, "publish")) {
        char *rest[8];
        int nrest = 0, mo;
        json_t *fields = NULL;
        const char *form_name = NULL;
        for (; i < argc; i++) {
            if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
                st->tlp = enlace_tlp_parse(argv[++i]);
                if (st->tlp < 0) {
                    fprintf(stderr, _("enlace: unknown TLP label '%s'\n"), argv[i]);
                    return 2;
                }
            } else if (!strcmp(argv[i], "--to") && i + 1 < argc && st->nto < MAX_TO)
                st->to[st->nto++] = argv[++i];
            else if (!strcmp(argv[i], "--case") && i + 1 < argc)
                st->case_id = strtoull(argv[++i], NULL, 10);
            else if (!strcmp(argv[i], "--forward") && i + 1 < argc)
                st->forward_of = strtoull(argv[++i], NULL, 10);
            else if ((mo = s_message_option(st, argc, argv, &i, &fields, &form_name)) != 0) {
                if (mo < 0)
                    return 2;
            }
            else if (!strcmp(argv[i], "--json"))
                st->json = 1;
            else if (nrest < 8)
                rest[nrest++] = argv[i];
        }
        if (s_finish_form(st, fields, form_name) != 0)
            return 2;
        return s_publish(st, nrest, rest);
    }
    if (!strcmp(cmd, "alert")) {
        /* --tlp/--to may follow the command here too */
        char **rest = calloc((size_t)argc, sizeof *rest);
        int nrest = 0;
        for (; rest && i < argc; i++) {
            if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
                st->tlp = enlace_tlp_parse(argv[++i]);
                if (st->tlp < 0) {
                    fprintf(stderr, _("enlace: unknown TLP label '%s'\n"), argv[i]);
                    free(rest);
                    return 2;
                }
            } else if (!strcmp(argv[i], "--to") && i + 1 < argc && st->nto < MAX_TO)
                st->to[st->nto++] = argv[++i];
            else
                rest[nrest++] = argv[i];
        }
        int rc = rest ? s_alert(st, nrest, rest) : 1;
        free(rest);
        return rc;
    }
    if (!strcmp(cmd, "listen")) {
        char *rest[128];
        int nrest = 0;
        for (; i < argc && nrest < 128; i++) {
            if (!strcmp(argv[i], "--json"))
                st->json = 1;
            else
                rest[nrest++] = argv[i];
        }
        return s_listen(st, nrest, rest);
    }
    if (!strcmp(cmd, "whoami"))
        return s_whoami(st);
    if (!strcmp(cmd, "history"))
        return s_history(st, argc - i, argv + i);
    if (!strcmp(cmd, "search"))
        return s_search(st, argc - i, argv + i);
    if (!strcmp(cmd, "review"))
        return s_review(st, argc - i, argv + i);
    if (!strcmp(cmd, "relabel") || !strcmp(cmd, "release-request"))
        return s_control(st, cmd, argc - i, argv + i);
    if (!strcmp(cmd, "ack"))
        return s_ack(st, argc - i, argv + i);
    if (!strcmp(cmd, "alerts"))
        return s_alerts(st, argc - i, argv + i);
    if (!strcmp(cmd, "cap"))
        return s_cap(st, argc - i, argv + i);
    if (!strcmp(cmd, "case"))
        return s_case(st, argc - i, argv + i);
    if (!strcmp(cmd, "admin"))
        return s_admin(st, argc - i, argv + i);
    fprintf(stderr, _("enlace: unknown command '%s' (see --help)\n"), cmd);
    return 2;
}
