/*
 * harness.c: process and directory plumbing for the integration tests.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
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

/* ---------------------------------------------------------------- sanitizers */

/* Where the product processes this program starts write their sanitizer
 * reports (log_path=DIR/report: one file report.PID per process that has
 * something to say). Set up before main(), so every child inherits it. */
static char s_san_dir[64];

static void
s_san_teardown(void)
{
    if (!s_san_dir[0])
        return;
    /* Reports that came after harness_finish still print, and still fail. */
    int before = s_failures;
    harness_check_sanitizers();
    rmdir(s_san_dir);
    if (s_failures != before)
        _exit(1);
}

__attribute__((constructor)) static void
s_san_setup(void)
{
    snprintf(s_san_dir, sizeof s_san_dir, "/tmp/enlace-san-XXXXXX");
    if (!mkdtemp(s_san_dir)) {
        perror("harness: mkdtemp for sanitizer reports");
        exit(2);
    }
    static const char *vars[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *old = getenv(vars[i]);
        char value[1024];
        /* Later options win: ours comes last. */
        snprintf(value, sizeof value, "%s%slog_path=%s/report", old ? old : "",
            old && old[0] ? ":" : "", s_san_dir);
        setenv(vars[i], value, 1);
    }
    atexit(s_san_teardown);
}

int
harness_asan_build(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#else
    return 0;
#endif
#else
    return 0;
#endif
}

void
harness_check_sanitizers(void)
{
    DIR *d = opendir(s_san_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "report", 6) != 0)
            continue;
        char path[400];
        snprintf(path, sizeof path, "%s/%s", s_san_dir, e->d_name);
        fprintf(stderr, "  a product process wrote a sanitizer report (%s):\n", e->d_name);
        FILE *f = fopen(path, "r");
        if (f) {
            char line[1024];
            int n = 0;
            while (fgets(line, sizeof line, f) && n++ < 200)
                fprintf(stderr, "  | %s", line);
            fclose(f);
        }
        unlink(path);
        harness_fail(__FILE__, __LINE__, "no sanitizer report from any product process");
    }
    closedir(d);
}

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
    fprintf(stderr, "  FAIL %s:%d: %s returned %d (%s), expected %d (%s)\n", file, line, what, got,
        enlace_strerror(got), want, enlace_strerror(want));
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
    harness_check_sanitizers();
    s_tests++;
    if (s_current_failed)
        s_tests_failed++;
    fprintf(stderr, "%s %s (%lld ms)\n", s_current_failed ? "not ok" : "ok", name,
        (long long)(harness_now_ms() - t0));
}

int
harness_finish(void)
{
    harness_check_sanitizers();
    fprintf(stderr, "%d tests, %d failed, %d failed checks\n", s_tests, s_tests_failed, s_failures);
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

/* An exit status as bash reports it: the code, or 128 + the signal. */
static int
s_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

static int
s_waitpid(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return 255;
    return s_status(st);
}

/* Runs cmd with bash -o pipefail and returns its exit status. When out is
 * not NULL (cap > 0), its stdout is read into out, NUL-terminated, and what
 * does not fit is read and dropped. */
static int
s_shell(const char *cmd, char *out, size_t cap)
{
    int fds[2] = {-1, -1};
    if (out && pipe(fds) != 0) {
        perror("harness: pipe");
        exit(2);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("harness: fork");
        exit(2);
    }
    if (pid == 0) {
        if (out) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
        }
        execl("/bin/bash", "bash", "-o", "pipefail", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (out) {
        close(fds[1]);
        size_t n = 0;
        char sink[4096];
        for (;;) {
            char *dst = n + 1 < cap ? out + n : sink;
            size_t room = n + 1 < cap ? cap - 1 - n : sizeof sink;
            ssize_t r = read(fds[0], dst, room);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            if (dst != sink)
                n += (size_t)r;
        }
        out[n] = '\0';
        close(fds[0]);
    }
    return s_waitpid(pid);
}

int
harness_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return s_shell(cmd, NULL, 0);
}

int
harness_capture(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return s_shell(cmd, out, cap);
}

int
harness_cmd_at(const char *file, int line, int want, char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096], local[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (!out) {
        out = local;
        cap = sizeof local;
    }
    int rc = s_shell(cmd, out, cap);
    if (rc != want) {
        char what[4400];
        snprintf(what, sizeof what, "exit status %d, expected %d: %s", rc, want, cmd);
        fprintf(stderr, "  the command printed:\n%s%s", out,
            out[0] && out[strlen(out) - 1] != '\n' ? "\n" : "");
        harness_fail(file, line, what);
    }
    return rc;
}

long long
harness_sql_int_at(const char *file, int line, const char *db, const char *fmt, ...)
{
    char sql[2048], cmd[3000], out[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    /* -bail: stop at the first error, with a non-zero status; a running hub
     * may hold the write lock for a moment (checkpoints): wait for it. */
    snprintf(cmd, sizeof cmd, "sqlite3 -bail -batch -cmd '.timeout 5000' '%s' \"%s\" 2>&1", db,
        sql);
    int rc = s_shell(cmd, out, sizeof out);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(out, &end, 10);
    int ok = rc == 0 && end != out && errno == 0 && (*end == '\0' || !strcmp(end, "\n"));
    if (!ok) {
        char what[3400];
        out[strcspn(out, "\n")] = '\0';
        snprintf(what, sizeof what, "query failed (exit status %d, printed '%s'): %s", rc, out,
            sql);
        harness_fail(file, line, what);
        return -1;
    }
    return v;
}

pid_t
harness_spawn(const char *log, const char *const argv[])
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("harness: fork");
        exit(2);
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

int
harness_reap(pid_t pid, int sig)
{
    if (sig)
        kill(pid, sig);
    return s_waitpid(pid);
}

long
harness_rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

int
harness_free_port(void)
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
    snprintf(hub->endpoint, sizeof hub->endpoint, "tcp://127.0.0.1:%d", harness_free_port());
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
        for (int i = 0; i < 4 && hub->env[i]; i++)
            putenv((char *)hub->env[i]);
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
    while (waitpid(hub->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (sig == SIGTERM && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
        fprintf(stderr,
            "  the hub did not shut down cleanly on SIGTERM (exit status %d); the"
            " end of its log:\n",
            s_status(st));
        harness_sh("tail -n 20 '%s' >&2", hub->log);
        harness_fail(__FILE__, __LINE__, "clean shutdown on SIGTERM");
    }
    if (sig == SIGKILL && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
        fprintf(stderr,
            "  the hub had ended before SIGKILL (exit status %d); the end of its"
            " log:\n",
            s_status(st));
        harness_sh("tail -n 20 '%s' >&2", hub->log);
        harness_fail(__FILE__, __LINE__, "the hub was running until SIGKILL");
    }
    hub->pid = 0;
    if (sig == SIGTERM)
        harness_check_sanitizers();
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
    if (harness_capture(out, sizeof out, "%s --fingerprint %s", s_bin("ENLACE_KEYGEN_BIN"),
            o->public_)
        != 0) {
        fprintf(stderr, "harness: enlace-keygen --fingerprint failed\n");
        exit(2);
    }
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
    enlace_options_t opts = {.endpoint = hub->endpoint,
        .hub_key_file = hub->hub_public,
        .key_file = o->secret,
        .timeout_ms = 5000,
        .client_name = "test"};
    enlace_client_t *c = NULL;
    char local[512];
    *rc = enlace_connect(&opts, &c, why ? why : local, why ? cap : sizeof local);
    return c;
}

/* ---------------------------------------------------------------- etcd */

int
etcd_available(void)
{
    return access("/usr/bin/etcd", X_OK) == 0
        && harness_sh("command -v etcdctl >/dev/null 2>&1") == 0;
}

void
etcd_cluster_init(etcd_cluster_t *c, int n)
{
    memset(c, 0, sizeof *c);
    c->n = n < HARNESS_ETCD_MAX ? n : HARNESS_ETCD_MAX;
    snprintf(c->dir, sizeof c->dir, "/tmp/enlace-etcd-XXXXXX");
    if (!mkdtemp(c->dir)) {
        perror("harness: mkdtemp");
        exit(2);
    }
    size_t used = 0, iused = 0;
    for (int i = 0; i < c->n; i++) {
        etcd_member_t *m = &c->m[i];
        snprintf(m->name, sizeof m->name, "e%d", i + 1);
        snprintf(m->dir, sizeof m->dir, "%s/%s", c->dir, m->name);
        snprintf(m->log, sizeof m->log, "%s/%s.log", c->dir, m->name);
        m->client_port = harness_free_port();
        m->peer_port = harness_free_port();
        used += (size_t)snprintf(c->endpoints + used, sizeof c->endpoints - used,
            "%shttp://127.0.0.1:%d", i ? "," : "", m->client_port);
        iused += (size_t)snprintf(c->initial + iused, sizeof c->initial - iused,
            "%s%s=http://127.0.0.1:%d", i ? "," : "", m->name, m->peer_port);
    }
}

void
etcd_member_start(etcd_cluster_t *c, int i)
{
    etcd_member_t *m = &c->m[i];
    char client[64], peer[64], token[96];
    snprintf(client, sizeof client, "http://127.0.0.1:%d", m->client_port);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", m->peer_port);
    snprintf(token, sizeof token, "enlace-test-%s", strrchr(c->dir, '-') + 1);
    const char *argv[] = {"/usr/bin/etcd", "--name", m->name, "--data-dir", m->dir,
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls",
        peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", c->initial,
        "--initial-cluster-state", "new", "--initial-cluster-token", token, "--log-level", "warn",
        NULL};
    m->pid = harness_spawn(m->log, argv);
}

void
etcd_member_kill(etcd_cluster_t *c, int i)
{
    if (c->m[i].pid)
        harness_reap(c->m[i].pid, SIGKILL);
    c->m[i].pid = 0;
}

int
etcd_cluster_healthy(const etcd_cluster_t *c, int ms)
{
    int64_t end = harness_now_ms() + ms;
    while (harness_now_ms() < end) {
        if (harness_sh("ETCDCTL_API=3 etcdctl --endpoints=%s --command-timeout=1s endpoint "
                       "health >/dev/null 2>&1",
                c->endpoints)
            == 0)
            return 1;
        usleep(200000);
    }
    return 0;
}

void
etcd_cluster_cleanup(etcd_cluster_t *c)
{
    for (int i = 0; i < c->n; i++)
        etcd_member_kill(c, i);
    if (!c->dir[0])
        return;
    if (getenv("ENLACE_KEEP_TEST_DIRS"))
        fprintf(stderr, "  kept %s\n", c->dir);
    else
        harness_sh("rm -rf '%s'", c->dir);
    c->dir[0] = '\0';
}
