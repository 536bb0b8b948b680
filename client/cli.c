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

#include <ini.h>
#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "enlace.h"
#include "keys.h"
#include "passphrase.h"

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
    const char *profile;
    int tlp;
    const char *to[MAX_TO];
    size_t nto;
    int json;
    int timeout_ms;
} settings_t;

static void
s_usage(FILE *out)
{
    fprintf(out,
        "usage: enlace [OPTIONS] COMMAND ...\n"
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
        "named by ENLACE_PASSPHRASE_FILE.\n");
}

static void
s_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* Resolves a path from the profile relative to the profile's directory. */
static void
s_profile_path(char *dst, size_t cap, const char *profile, const char *value)
{
    if (value[0] == '/' || !strchr(profile, '/')) {
        s_copy(dst, cap, value);
        return;
    }
    int dirlen = (int)(strrchr(profile, '/') - profile);
    snprintf(dst, cap, "%.*s/%s", dirlen, profile, value);
}

static int
s_profile_entry(void *user, const char *section, const char *name, const char *value)
{
    settings_t *st = user;
    (void)section;
    if (!strcmp(name, "hub"))
        s_copy(st->hub, sizeof st->hub, value);
    else if (!strcmp(name, "hub_key"))
        s_profile_path(st->hub_key, sizeof st->hub_key, st->profile, value);
    else if (!strcmp(name, "key"))
        s_profile_path(st->key, sizeof st->key, st->profile, value);
    else {
        fprintf(stderr, "enlace: %s: unknown setting '%s' (hub, hub_key, key)\n", st->profile,
            name);
        return 0;
    }
    return 1;
}

static int
s_load_profile(settings_t *st, const char *path, int required)
{
    if (!path)
        return 0;
    if (access(path, R_OK) != 0) {
        if (!required)
            return 0;
        fprintf(stderr, "enlace: cannot read profile %s: %s\n", path, strerror(errno));
        return -1;
    }
    st->profile = path;
    int rc = ini_parse(path, s_profile_entry, st);
    if (rc != 0) {
        if (rc > 0)
            fprintf(stderr, "enlace: %s: line %d is not 'name = value'\n", path, rc);
        else
            fprintf(stderr, "enlace: cannot read profile %s\n", path);
        return -1;
    }
    return 0;
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
        fprintf(stderr, "enlace: missing %s: give --profile FILE, or --hub, --hub-key and --key "
                        "(or ENLACE_HUB, ENLACE_HUB_KEY, ENLACE_KEY)\n",
            !st->hub[0] ? "the hub endpoint" : !st->hub_key[0] ? "the hub key" : "your key");
        return -1;
    }
    char *pass = NULL;
    if (keys_secret_is_sealed(st->key) == 1) {
        char err[256];
        pass = sodium_malloc(256);
        if (!pass || keys_passphrase_read("Passphrase for your key: ", 0, pass, 256, err,
                         sizeof err)
                != 0) {
            fprintf(stderr, "enlace: %s\n", pass ? err : "out of memory");
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
                fprintf(stderr, "enlace: the message is too large\n");
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
        fprintf(stderr, "usage: enlace publish TOPIC [TEXT|-]\n");
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
        fprintf(stderr, "enlace: TLP:RED needs at least one --to FINGERPRINT\n");
        free(body);
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0) {
        free(body);
        return 1;
    }
    enlace_publish_opts_t opts = {.tlp = (enlace_tlp_t)st->tlp, .recipients = st->to,
        .nrecipients = st->nto};
    uint64_t seq = 0;
    int rc = enlace_publish(client, topic, body, len, &opts, &seq);
    free(body);
    if (rc != ENLACE_OK) {
        fprintf(stderr, "enlace: publish refused (%s): %s\n", enlace_strerror(rc),
            enlace_last_error(client));
        enlace_close(&client);
        return 1;
    }
    if (st->json)
        printf("{\"stored\": true, \"seq\": %llu}\n", (unsigned long long)seq);
    else
        printf("stored %llu\n", (unsigned long long)seq);
    enlace_close(&client);
    return 0;
}

static int
s_utf8_ok(const uint8_t *s, size_t n)
{
    json_t *j = json_stringn((const char *)s, n);
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
        if (s_utf8_ok(d->body, d->body_len)) {
            json_object_set_new(o, "body", json_stringn((const char *)d->body, d->body_len));
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
    } else {
        printf("#%llu %s %s [TLP:%s] %s (%s, %s): ", (unsigned long long)d->seq, stored, d->topic,
            enlace_tlp_name(d->tlp), d->author_name, d->author_country, d->author_fingerprint);
        /* Never let a body drive the terminal: show control bytes as '?'. */
        for (size_t i = 0; i < d->body_len; i++) {
            unsigned char c = d->body[i];
            putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
        }
        putchar('\n');
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
            fprintf(stderr, "enlace: unknown listen option %s\n", argv[i]);
            return 2;
        } else if (npatterns < 64)
            patterns[npatterns++] = argv[i];
    }
    if (npatterns == 0) {
        fprintf(stderr, "usage: enlace listen [--from-start] [--count N] [--wait S] PATTERN...\n");
        return 2;
    }
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    for (int i = 0; i < npatterns; i++) {
        int rc = enlace_subscribe(client, patterns[i], from_start);
        if (rc != ENLACE_OK) {
            fprintf(stderr, "enlace: cannot subscribe to '%s' (%s): %s\n", patterns[i],
                enlace_strerror(rc), enlace_last_error(client));
            enlace_close(&client);
            return 1;
        }
    }
    if (!st->json)
        fprintf(stderr, "listening as %s (%s, %s) to %d pattern(s); Ctrl-C to stop\n",
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
            fprintf(stderr, "enlace: %s: %s\n", enlace_strerror(rc), enlace_last_error(client));
            status = 1;
            break;
        }
        s_print_delivery(st, d);
        enlace_delivery_destroy(&d);
        got++;
        last = time(NULL);
    }
    if (enlace_bad_signatures(client))
        fprintf(stderr, "enlace: dropped %llu deliveries whose signature did not verify\n",
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
            fprintf(stderr, "enlace: %s needs a value\n", a);
            return 2;
        } else if (!strcmp(a, "--after"))
            q.after_seq = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--limit"))
            q.limit = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
            int64_t t = s_parse_time(argv[++i]);
            if (t < 0) {
                fprintf(stderr, "enlace: %s takes 2026-11-21T10:00:00Z or milliseconds\n", a);
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
        else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "enlace: unknown history option %s\n", a);
            return 2;
        } else if (!q.pattern)
            q.pattern = a;
        else {
            fprintf(stderr, "enlace: one pattern per history query\n");
            return 2;
        }
    }
    if (!q.pattern) {
        fprintf(stderr, "usage: enlace history PATTERN [--after SEQ] [--limit N] [--from TIME] "
                        "[--to TIME] [--author FP] [--country CC] [--all]\n");
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
            fprintf(stderr, "enlace: history refused (%s): %s\n", enlace_strerror(rc),
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
                fprintf(stderr, "(more: --after %llu)\n", (unsigned long long)q.after_seq);
            break;
        }
    }
    enlace_close(&client);
    return status;
}

static int
s_admin(settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: enlace admin officer|invite|ppt|audit ...\n");
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
        fprintf(stderr, "enlace: admin refused (%s): %s\n", enlace_strerror(rc),
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

static int
s_whoami(settings_t *st)
{
    enlace_client_t *client;
    if (s_connect(st, &client) != 0)
        return 1;
    printf("%s (%s), key %s\n", enlace_self_name(client), enlace_self_country(client),
        enlace_self_fingerprint(client));
    enlace_close(&client);
    return 0;
}

int
main(int argc, char **argv)
{
    settings_t st;
    memset(&st, 0, sizeof st);
    st.timeout_ms = 10000;
    const char *profile = NULL;
    int i = 1;
    /* Options before the command; the profile first so flags override it. */
    for (int j = 1; j + 1 < argc; j++)
        if (!strcmp(argv[j], "--profile"))
            profile = argv[j + 1];
    if (profile) {
        if (s_load_profile(&st, profile, 1) != 0)
            return 1;
    } else if (getenv("ENLACE_PROFILE")) {
        if (s_load_profile(&st, getenv("ENLACE_PROFILE"), 1) != 0)
            return 1;
    } else if (getenv("HOME")) {
        static char def[4096];
        snprintf(def, sizeof def, "%s/.config/enlace/profile", getenv("HOME"));
        if (s_load_profile(&st, def, 0) != 0)
            return 1;
    }
    if (getenv("ENLACE_HUB"))
        s_copy(st.hub, sizeof st.hub, getenv("ENLACE_HUB"));
    if (getenv("ENLACE_HUB_KEY"))
        s_copy(st.hub_key, sizeof st.hub_key, getenv("ENLACE_HUB_KEY"));
    if (getenv("ENLACE_KEY"))
        s_copy(st.key, sizeof st.key, getenv("ENLACE_KEY"));
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
            st.json = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "enlace: %s needs a value (see --help)\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--profile"))
            continue; /* loaded above */
        else if (!strcmp(a, "--hub"))
            s_copy(st.hub, sizeof st.hub, v);
        else if (!strcmp(a, "--hub-key"))
            s_copy(st.hub_key, sizeof st.hub_key, v);
        else if (!strcmp(a, "--key"))
            s_copy(st.key, sizeof st.key, v);
        else if (!strcmp(a, "--timeout"))
            st.timeout_ms = atoi(v) > 0 ? atoi(v) : 10000;
        else if (!strcmp(a, "--tlp")) {
            st.tlp = enlace_tlp_parse(v);
            if (st.tlp < 0) {
                fprintf(stderr, "enlace: unknown TLP label '%s' (CLEAR, GREEN, AMBER, "
                                "AMBER+STRICT, RED)\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--to")) {
            if (st.nto == MAX_TO) {
                fprintf(stderr, "enlace: at most %d recipients\n", MAX_TO);
                return 2;
            }
            st.to[st.nto++] = v;
        } else {
            fprintf(stderr, "enlace: unknown option %s (see --help)\n", a);
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
        int nrest = 0;
        for (; i < argc; i++) {
            if (!strcmp(argv[i], "--tlp") && i + 1 < argc) {
                st.tlp = enlace_tlp_parse(argv[++i]);
                if (st.tlp < 0) {
                    fprintf(stderr, "enlace: unknown TLP label '%s'\n", argv[i]);
                    return 2;
                }
            } else if (!strcmp(argv[i], "--to") && i + 1 < argc && st.nto < MAX_TO)
                st.to[st.nto++] = argv[++i];
            else if (!strcmp(argv[i], "--json"))
                st.json = 1;
            else if (nrest < 8)
                rest[nrest++] = argv[i];
        }
        return s_publish(&st, nrest, rest);
    }
    if (!strcmp(cmd, "listen")) {
        char *rest[128];
        int nrest = 0;
        for (; i < argc && nrest < 128; i++) {
            if (!strcmp(argv[i], "--json"))
                st.json = 1;
            else
                rest[nrest++] = argv[i];
        }
        return s_listen(&st, nrest, rest);
    }
    if (!strcmp(cmd, "whoami"))
        return s_whoami(&st);
    if (!strcmp(cmd, "history"))
        return s_history(&st, argc - i, argv + i);
    if (!strcmp(cmd, "admin"))
        return s_admin(&st, argc - i, argv + i);
    fprintf(stderr, "enlace: unknown command '%s' (see --help)\n", cmd);
    return 2;
}
