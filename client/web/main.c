/*
 * main.c: enlace-web, the program behind `enlace web` (client/cli/
 * cmd_web.c runs it): the officer's console in a local browser. Reads the
 * settings exactly as enlace does (the CLI's own settings, profile and
 * connect code), connects, starts the console (console.h) on 127.0.0.1,
 * prints a link holding a one-time token (Enter prints a new one),
 * optionally opens it, and runs until Ctrl-C or SIGTERM.
 *
 * A program of its own so that the HTTP server's libraries (libmicrohttpd
 * and, through it, GnuTLS) load only when the console runs, never for
 * enlace publish, listen and the rest.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "console.h"
#include "i18n.h"

extern char **environ;

volatile sig_atomic_t cli_stop = 0;

static void
s_on_signal(int sig)
{
    (void)sig;
    cli_stop = 1;
}

#define WEB_MAX_SUBSCRIBE 16

static void
s_print_link(web_console_t *console)
{
    char token[65];
    if (web_console_token(console, token) != 0)
        return;
    printf("  http://127.0.0.1:%u/login#%s\n", web_console_port(console), token);
    fflush(stdout);
    sodium_memzero(token, sizeof token);
}

/* --open: the link goes through a file only this user can read (the
 * token never appears on a command line other users could see), which
 * the browser opens and which sends it on to the console. */
static int
s_open_browser(web_console_t *console, char *file, size_t cap, pid_t *pid)
{
    const char *dir = getenv("XDG_RUNTIME_DIR");
    snprintf(file, cap, "%s/enlace-web-%u.html", dir && *dir ? dir : "/tmp",
        web_console_port(console));
    unlink(file); /* a leftover of an earlier console on this port */
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd < 0) {
        fprintf(stderr, _("enlace web: cannot write %s: %s\n"), file, strerror(errno));
        file[0] = '\0';
        return -1;
    }
    char token[65], html[512];
    web_console_token(console, token);
    int n = snprintf(html, sizeof html,
        "<!DOCTYPE html><meta charset=\"utf-8\"><title>enlace</title>"
        "<meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.1:%u/login#%s\">"
        "<a href=\"http://127.0.0.1:%u/login#%s\">enlace</a>\n",
        web_console_port(console), token, web_console_port(console), token);
    sodium_memzero(token, sizeof token);
    int ok = n > 0 && write(fd, html, (size_t)n) == n;
    sodium_memzero(html, sizeof html);
    close(fd);
    if (!ok)
        return -1;
    char *argv[] = {"xdg-open", file, NULL};
    if (posix_spawnp(pid, "xdg-open", NULL, NULL, argv, environ) != 0) {
        fprintf(stderr, _("enlace web: cannot run xdg-open; open the link by hand\n"));
        *pid = 0;
        return -1;
    }
    return 0;
}

static int
s_web(cli_settings_t *st, int argc, char **argv)
{
    web_config_t cfg = {.port = 0};
    const char *subscribe[WEB_MAX_SUBSCRIBE];
    int open_browser = 0;
    for (int i = 0; i < argc; i++) {
        uint64_t n;
        if (!strcmp(argv[i], "--open")) {
            open_browser = 1;
        } else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            if (cli_number("--port", argv[++i], 0, 65535, &n) != 0)
                return 2;
            cfg.port = (unsigned)n;
        } else if (!strcmp(argv[i], "--keep") && i + 1 < argc) {
            if (cli_number("--keep", argv[++i], 100, 1000000, &n) != 0)
                return 2;
            cfg.keep = (size_t)n;
        } else if (!strcmp(argv[i], "--subscribe") && i + 1 < argc) {
            if (cfg.npatterns == WEB_MAX_SUBSCRIBE) {
                fprintf(stderr, _("enlace: at most %d --subscribe patterns\n"), WEB_MAX_SUBSCRIBE);
                return 2;
            }
            subscribe[cfg.npatterns++] = argv[++i];
        } else {
            fprintf(stderr,
                _("usage: enlace web [--port N] [--open] [--subscribe PATTERN]... "
                  "[--keep N]\n"));
            return 2;
        }
    }
    cfg.patterns = subscribe;
    const char *dir = getenv("ENLACE_WEB_DIR");
    cfg.web_dir = dir && *dir ? dir : ENLACE_WEB_DIR_DEFAULT;
    const char *charts = getenv("ENLACE_CHARTJS_DIR");
    cfg.chartjs_dir = charts ? charts : ENLACE_CHARTJS_DIR_DEFAULT;
    cfg.endpoint = st->hub;
    cfg.language = st->language;

    /* A browser that goes away mid-answer must not end the console. */
    signal(SIGPIPE, SIG_IGN);
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    char name[256];
    snprintf(name, sizeof name, "%s (%s, %s)", enlace_self_name(client),
        enlace_self_country(client), enlace_self_fingerprint(client));
    char why[512];
    web_console_t *console = web_console_start(&cfg, client, why, sizeof why);
    if (!console) {
        fprintf(stderr, "enlace web: %s\n", why);
        return 1;
    }
    int tty = isatty(STDIN_FILENO);
    printf(_("enlace web: the console of %s on http://127.0.0.1:%u/\n"), name,
        web_console_port(console));
    printf(_("Open this link in a browser on this computer; it works once:\n"));
    s_print_link(console);
    if (tty)
        printf(_("Press Enter for a new link; Ctrl-C stops the console.\n"));
    fflush(stdout);
    char file[4096] = "";
    pid_t opener = 0;
    if (open_browser)
        s_open_browser(console, file, sizeof file, &opener);

    int read_stdin = tty;
    while (!cli_stop) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        int n = poll(&p, read_stdin ? 1 : 0, 250);
        if (opener && waitpid(opener, NULL, WNOHANG) == opener)
            opener = 0;
        if (n > 0 && (p.revents & (POLLIN | POLLHUP))) {
            char line[256];
            if (!fgets(line, sizeof line, stdin)) {
                read_stdin = 0; /* end of input: links only at start from now on */
                continue;
            }
            printf(_("A new link (the one before no longer works):\n"));
            s_print_link(console);
        }
    }
    web_console_stop(&console);
    if (file[0])
        unlink(file);
    if (opener)
        waitpid(opener, NULL, WNOHANG); /* xdg-open may stay as long as the browser */
    fprintf(stderr, _("enlace web: stopped\n"));
    return 0;
}

int
main(int argc, char **argv)
{
    i18n_init();
    cli_settings_t st;
    int i;
    int rc = cli_settings_init(&st, argc, argv, &i);
    if (rc < 0 && strcmp(argv[i], "web") != 0) {
        fprintf(stderr,
            _("usage: enlace web [--port N] [--open] [--subscribe PATTERN]... "
              "[--keep N]\n"));
        rc = 2;
    }
    if (rc < 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = s_on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        rc = s_web(&st, argc - i - 1, argv + i + 1);
    }
    cli_settings_fini(&st);
    return rc;
}
