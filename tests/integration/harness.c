/*
 * harness.c: process and directory plumbing for the integration tests.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int s_failures = 0;
static int s_current_failed = 0;
static int s_tests = 0;
static int s_tests_failed = 0;

void
harness_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what);
    s_failures++;
    s_current_failed = 1;
}

void
harness_fail_rc(const char *file, int line, const char *what, int got, int want)
{
    fprintf(stderr, "  FAIL %s:%d: %s returned %d (%s), expected %d (%s)\n", file, line, what,
        got, enlace_strerror(got), want, enlace_strerror(want));
    s_failures++;
    s_current_failed = 1;
}

void
harness_run(const char *name, void (*fn)(void))
{
    s_current_failed = 0;
    int64_t t0 = harness_now_ms();
    fprintf(stderr, "-- %s\n", name);
    fn();
    s_tests++;
    if (s_current_failed)
        s_tests_failed++;
    fprintf(stderr, "%s %s (%lld ms)\n", s_current_failed ? "not ok" : "ok", name,
        (long long)(harness_now_ms() - t0));
}

int
harness_finish(void)
{
    fprintf(stderr, "%d tests, %d failed, %d failed checks\n", s_tests, s_tests_failed,
        s_failures);
    return s_failures ? 1 : 0;
}

int64_t
harness_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
s_bin(const char *var)
{
    const char *v = getenv(var);
    if (!v) {
        fprintf(stderr, "harness: %s is not set (run through meson test)\n", var);
        exit(2);
    }
    return v;
}

int
harness_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fflush(stderr);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int
harness_capture(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int
s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0
        || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("harness: free port");
        exit(2);
    }
    close(fd);
    return ntohs(a.sin_port);
}

void
hub_init(hub_t *hub)
{
    memset(hub, 0, sizeof *hub);
    snprintf(hub->dir, sizeof hub->dir, "/tmp/enlace-test-XXXXXX");
    if (!mkdtemp(hub->dir)) {
        perror("harness: mkdtemp");
        exit(2);
    }
    snprintf(hub->hub_public, sizeof hub->hub_public, "%s/data/hub.public", hub->dir);
    snprintf(hub->log, sizeof hub->log, "%s/hub.log", hub->dir);
    if (harness_sh("%s init %s/data >/dev/null", s_bin("ENLACE_HUB_BIN"), hub->dir) != 0) {
        fprintf(stderr, "harness: enlace-hub init failed\n");
        exit(2);
    }
    snprintf(hub->endpoint, sizeof hub->endpoint, "tcp://127.0.0.1:%d", s_free_port());
}

static int
s_port_open(const char *endpoint)
{
    int port = atoi(strrchr(endpoint, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

void
hub_start(hub_t *hub)
{
    char data[300];
    snprintf(data, sizeof data, "%s/data", hub->dir);
    pid_t pid = fork();
    if (pid < 0) {
        perror("harness: fork");
        exit(2);
    }
    if (pid == 0) {
        int fd = open(hub->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        const char *argv[20] = {s_bin("ENLACE_HUB_BIN"), "run", data, "--bind", hub->endpoint};
        int n = 5;
        for (int i = 0; i < 8 && hub->extra[i]; i++)
            argv[n++] = hub->extra[i];
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    hub->pid = pid;
    for (int i = 0; i < 200; i++) {
        if (s_port_open(hub->endpoint))
            return;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            hub->pid = 0;
            fprintf(stderr, "harness: the hub exited at start; its log:\n");
            harness_sh("cat %s >&2", hub->log);
            exit(2);
        }
        usleep(25000);
    }
    fprintf(stderr, "harness: the hub did not start listening within 5 s\n");
    exit(2);
}

static void
s_signal_wait(hub_t *hub, int sig)
{
    if (!hub->pid)
        return;
    kill(hub->pid, sig);
    int st;
    waitpid(hub->pid, &st, 0);
    if (sig == SIGTERM && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
        fprintf(stderr, "  the hub did not shut down cleanly on SIGTERM (status %d)\n", st);
        harness_fail(__FILE__, __LINE__, "clean shutdown on SIGTERM");
    }
    hub->pid = 0;
}

void
hub_stop(hub_t *hub)
{
    s_signal_wait(hub, SIGTERM);
}

void
hub_kill(hub_t *hub)
{
    s_signal_wait(hub, SIGKILL);
}

void
hub_cleanup(hub_t *hub)
{
    hub_stop(hub);
    if (getenv("ENLACE_KEEP_TEST_DIRS"))
        fprintf(stderr, "  kept %s\n", hub->dir);
    else
        harness_sh("rm -rf '%s'", hub->dir);
}

void
officer_keys_only(hub_t *hub, officer_t *o, const char *name)
{
    memset(o, 0, sizeof *o);
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(o->secret, sizeof o->secret, "%s/%s.secret", hub->dir, name);
    snprintf(o->public_, sizeof o->public_, "%s/%s.public", hub->dir, name);
    if (harness_sh("%s %s/%s >/dev/null", s_bin("ENLACE_KEYGEN_BIN"), hub->dir, name) != 0) {
        fprintf(stderr, "harness: keygen failed\n");
        exit(2);
    }
    char out[64];
    harness_capture(out, sizeof out, "%s --fingerprint %s", s_bin("ENLACE_KEYGEN_BIN"), o->public_);
    out[strcspn(out, "\n")] = '\0';
    snprintf(o->fingerprint, sizeof o->fingerprint, "%s", out);
}

void
officer_new(hub_t *hub, officer_t *o, const char *name, const char *role_args)
{
    officer_keys_only(hub, o, name);
    if (harness_sh("%s officer add %s/data --key %s --name '%s' %s >/dev/null",
            s_bin("ENLACE_HUB_BIN"), hub->dir, o->public_, name, role_args)
        != 0) {
        fprintf(stderr, "harness: officer add %s failed\n", name);
        exit(2);
    }
}

void
officer_revoke(hub_t *hub, const officer_t *o)
{
    if (harness_sh("%s officer revoke %s/data --key %s >/dev/null", s_bin("ENLACE_HUB_BIN"),
            hub->dir, o->public_)
        != 0)
        harness_fail(__FILE__, __LINE__, "officer revoke");
}

enlace_client_t *
client_connect(hub_t *hub, const officer_t *o, int *rc, char *why, size_t cap)
{
    enlace_options_t opts = {.endpoint = hub->endpoint, .hub_key_file = hub->hub_public,
        .key_file = o->secret, .timeout_ms = 5000, .client_name = "test"};
    enlace_client_t *c = NULL;
    char local[512];
    *rc = enlace_connect(&opts, &c, why ? why : local, why ? cap : sizeof local);
    return c;
}
