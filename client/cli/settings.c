/*
 * settings.c: where the command's settings come from, in increasing
 * precedence: the profile file (--profile FILE, else $ENLACE_PROFILE, else
 * ~/.config/enlace/profile if it exists), the environment (ENLACE_HUB,
 * ENLACE_HUB_KEY, ENLACE_KEY), the options before the command.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "profile.h"

void
cli_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static int
s_load_profile(cli_settings_t *st, const char *path, int required)
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
        cli_copy(st->hub, sizeof st->hub, p.hub);
        cli_copy(st->hub_key, sizeof st->hub_key, p.hub_key);
        cli_copy(st->key, sizeof st->key, p.key);
        cli_copy(st->language, sizeof st->language, p.language);
        cli_copy(st->archive_key, sizeof st->archive_key, p.archive_key);
        return 0;
    }
    switch (e.status) {
    case PROFILE_UNREADABLE:
        fprintf(stderr, _("enlace: cannot read profile %s: %s\n"), path, strerror(e.sys_errno));
        break;
    case PROFILE_TOO_BIG:
        fprintf(stderr, _("enlace: %s: a profile is at most %d bytes\n"), path, PROFILE_FILE_MAX);
        break;
    case PROFILE_UNKNOWN:
        fprintf(stderr,
            _("enlace: %s: unknown setting '%s' (hub, hub_key, key, language, "
              "archive_key)\n"),
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
        fprintf(stderr,
            _("enlace: %s: line %d: language is a 2- or 3-letter code such as es "
              "or en\n"),
            path, e.line);
        break;
    case PROFILE_BAD_FINGERPRINT:
        fprintf(stderr,
            _("enlace: %s: line %d: archive_key is a fingerprint such as "
              "MXZ4-L7TW-MGLI-E33J\n"),
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

int
cli_settings_init(cli_settings_t *st, int argc, char **argv, int *cmd_at)
{
    memset(st, 0, sizeof *st);
    st->timeout_ms = 10000;
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
        cli_copy(st->hub, sizeof st->hub, getenv("ENLACE_HUB"));
    if (getenv("ENLACE_HUB_KEY"))
        cli_copy(st->hub_key, sizeof st->hub_key, getenv("ENLACE_HUB_KEY"));
    if (getenv("ENLACE_KEY"))
        cli_copy(st->key, sizeof st->key, getenv("ENLACE_KEY"));
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            cli_usage(stdout);
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
            cli_copy(st->hub, sizeof st->hub, v);
        else if (!strcmp(a, "--hub-key"))
            cli_copy(st->hub_key, sizeof st->hub_key, v);
        else if (!strcmp(a, "--key"))
            cli_copy(st->key, sizeof st->key, v);
        else if (!strcmp(a, "--timeout")) {
            uint64_t ms;
            if (cli_number(a, v, 0, INT32_MAX, &ms) != 0)
                return 2;
            st->timeout_ms = ms > 0 ? (int)ms : 10000; /* 0: the default, as in libenlace */
        } else if (!strcmp(a, "--tlp")) {
            st->tlp = enlace_tlp_parse(v);
            if (st->tlp < 0) {
                fprintf(stderr,
                    _("enlace: unknown TLP label '%s' (CLEAR, GREEN, AMBER, "
                      "AMBER+STRICT, RED)\n"),
                    v);
                return 2;
            }
        } else if (!strcmp(a, "--to")) {
            if (st->nto == CLI_MAX_TO) {
                fprintf(stderr, _("enlace: at most %d recipients\n"), CLI_MAX_TO);
                return 2;
            }
            st->to[st->nto++] = v;
        } else {
            fprintf(stderr, _("enlace: unknown option %s (see --help)\n"), a);
            return 2;
        }
    }
    if (i >= argc) {
        cli_usage(stderr);
        return 2;
    }
    *cmd_at = i;
    return -1;
}

void
cli_settings_fini(cli_settings_t *st)
{
    free(st->form_file);
    st->form_file = NULL;
    enlace_form_destroy(&st->form);
}
