/*
 * test_timeouts: the README's "handshakes time out, dead peers are found by
 * ZMTP heartbeats" and the idle timeout, against real hubs. Times are
 * measured and printed; what is checked is that each thing happens (within
 * a bound far above the configured time, below what would show another
 * mechanism did it) and that the peers it must not touch are untouched.
 *
 *   - A listener frozen with SIGSTOP (its process, libzmq's threads and
 *     all, answers nothing, while its kernel keeps the TCP connection up)
 *     is disconnected by the hub's heartbeats (--heartbeat 200ms: timeout
 *     600 ms), well before the idle timeout (60 s); an unfrozen listener is
 *     not. With one session allowed per key, the frozen listener's key may
 *     connect again at once: the hub finds its session's peer gone. Thawed,
 *     the listener reconnects by itself and ends cleanly on SIGTERM.
 *   - TCP connections that never complete a handshake (silent, half a ZMTP
 *     greeting, a whole CURVE greeting and no HELLO) are closed by the hub
 *     (5 s), before libzmq's default handshake timeout (30 s) would.
 *   - A session that sends nothing (--idle-timeout 1s) is closed (the hub
 *     checks every 5 s): its next request gets error(no-session); one that
 *     pings keeps its session.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zmq.h>

#include "enlace.pb-c.h"
#include "harness.h"
#include "rawclient.h"

#define TCP_ESTABLISHED 0x01
#define TCP_CLOSE_WAIT 0x08

static int
s_port(const hub_t *h)
{
    return atoi(strrchr(h->endpoint, ':') + 1);
}

/* The state (as in /proc/net/tcp: 1 established, 8 close-wait, ...) of
 * pid's TCP connection to port on 127.0.0.1, or 0 if it has none. */
static int
s_tcp_state(pid_t pid, int port)
{
    unsigned long inodes[64];
    int n = 0;
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char fd[400];
        snprintf(fd, sizeof fd, "%s/%s", path, e->d_name);
        ssize_t len = readlink(fd, link, sizeof link - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
            n++;
    }
    closedir(d);
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f)
        return 0;
    char line[512];
    int state = 0;
    while (!state && fgets(line, sizeof line, f)) {
        unsigned rport, st;
        unsigned long inode;
        if (sscanf(line, " %*d: %*x:%*x %*x:%x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", &rport, &st,
                &inode)
            != 3)
            continue;
        for (int i = 0; i < n; i++)
            if (inodes[i] == inode && (int)rport == port)
                state = (int)st;
    }
    fclose(f);
    return state;
}

/* Waits up to ms for file to contain text; 1 if it does. */
static int
s_wait_for_text(const char *file, const char *text, int ms)
{
    int64_t end = harness_now_ms() + ms;
    do {
        if (harness_sh("grep -qF -- '%s' '%s' 2>/dev/null", text, file) == 0)
            return 1;
        usleep(50 * 1000);
    } while (harness_now_ms() < end);
    return 0;
}

static pid_t
s_listen(hub_t *h, const officer_t *o, const char *log)
{
    char profile[400];
    snprintf(profile, sizeof profile, "%s/%s.profile", h->dir, o->name);
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s", h->endpoint,
        h->hub_public, o->secret, profile);
    const char *argv[] = {getenv("ENLACE_CLI_BIN"), "--profile", profile, "listen", "consular/#",
        NULL};
    pid_t pid = harness_spawn(log, argv);
    if (!s_wait_for_text(log, "listening as", 10000)) {
        harness_fail(__FILE__, __LINE__, "the listener started");
        harness_sh("cat '%s' >&2", log);
    }
    return pid;
}

static void
frozen_listener_is_disconnected_by_heartbeats(void)
{
    hub_t h;
    officer_t frozen, awake;
    hub_init(&h);
    officer_new(&h, &frozen, "frozen", "--country GT --network consular --role officer");
    officer_new(&h, &awake, "awake", "--country SV --network consular --role officer");
    h.extra[0] = "--heartbeat";
    h.extra[1] = "200ms";
    h.extra[2] = "--connections-per-key";
    h.extra[3] = "1";
    hub_start(&h);
    char flog[400], alog[400];
    snprintf(flog, sizeof flog, "%s/frozen.log", h.dir);
    snprintf(alog, sizeof alog, "%s/awake.log", h.dir);
    pid_t fp = s_listen(&h, &frozen, flog);
    pid_t ap = s_listen(&h, &awake, alog);
    int port = s_port(&h);
    CHECK(s_tcp_state(fp, port) == TCP_ESTABLISHED);
    CHECK(s_tcp_state(ap, port) == TCP_ESTABLISHED);
    /* While it runs, its key holds the one session allowed. */
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&h, &frozen, &rc, why, sizeof why);
    CHECK(c == NULL);
    CHECK_RC(rc, ENLACE_ELIMIT);
    enlace_close(&c);

    CHECK(kill(fp, SIGSTOP) == 0);
    int64_t t0 = harness_now_ms();
    int state = TCP_ESTABLISHED;
    while (state == TCP_ESTABLISHED && harness_now_ms() - t0 < 20000) {
        usleep(20 * 1000);
        state = s_tcp_state(fp, port);
    }
    int64_t found_ms = harness_now_ms() - t0;
    /* The hub closed its end: the frozen process's kernel holds the other
     * in CLOSE_WAIT (or has none left). */
    printf("frozen listener (SIGSTOP): the hub closed its connection after %lld ms"
           " (heartbeat 200 ms, timeout 600 ms; idle timeout 60 s); state now %d\n",
        (long long)found_ms, state);
    CHECK(state != TCP_ESTABLISHED);
    CHECK(found_ms < 20000); /* far below the idle timeout, which is not what found it */
    CHECK(s_tcp_state(ap, port) == TCP_ESTABLISHED); /* the awake one is untouched */

    /* Its key's one place is free: the hub finds the session's peer gone. */
    int64_t c0 = harness_now_ms();
    c = client_connect(&h, &frozen, &rc, why, sizeof why);
    printf("the frozen listener's key connects again: %s in %lld ms\n", enlace_strerror(rc),
        (long long)(harness_now_ms() - c0));
    CHECK_RC(rc, ENLACE_OK);
    if (c)
        CHECK_RC(enlace_ping(c), ENLACE_OK);
    enlace_close(&c);

    /* Thawed, it reconnects by itself (its place is free again after the
     * Bye above), and both listeners end cleanly. */
    CHECK(kill(fp, SIGCONT) == 0);
    int64_t r0 = harness_now_ms();
    while (s_tcp_state(fp, port) != TCP_ESTABLISHED && harness_now_ms() - r0 < 20000)
        usleep(50 * 1000);
    printf("thawed, the listener reconnected in %lld ms\n", (long long)(harness_now_ms() - r0));
    CHECK(s_tcp_state(fp, port) == TCP_ESTABLISHED);
    usleep(300 * 1000); /* its Hello and subscription */
    int fst = harness_reap(fp, SIGTERM), ast = harness_reap(ap, SIGTERM);
    if (fst != 0 || ast != 0) {
        fprintf(stderr, "  listeners exited %d (frozen) and %d (awake); their output:\n", fst, ast);
        harness_sh("cat '%s' '%s' >&2", flog, alog);
    }
    CHECK(fst == 0);
    CHECK(ast == 0);
    hub_cleanup(&h);
}

/* Waits up to ms for the hub to close fd; returns the time it took, or -1. */
static int64_t
s_wait_closed(int fd, int64_t t0, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (harness_now_ms() - t0 < ms) {
        if (poll(&p, 1, 100) <= 0)
            continue;
        char buf[512];
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            return harness_now_ms() - t0;
    }
    return -1;
}

static void
handshakes_that_never_complete_time_out(void)
{
    hub_t h;
    officer_t ok;
    hub_init(&h);
    officer_new(&h, &ok, "ok", "--country MX --network consular --role officer");
    hub_start(&h);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s_port(&h))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* ZMTP 3.0 greeting: signature, version 3.0, mechanism "CURVE", as-server
     * 0, filler: what a client sends before its CURVE HELLO. */
    uint8_t greeting[64] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0, 'C', 'U', 'R', 'V', 'E'};
    static const char *what[] = {"silent", "half a ZMTP greeting",
        "a whole CURVE greeting, no HELLO"};
    int fds[3];
    int64_t t0 = harness_now_ms();
    for (int i = 0; i < 3; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(fds[i] >= 0 && connect(fds[i], (struct sockaddr *)&a, sizeof a) == 0);
        if (i == 1)
            CHECK(send(fds[i], greeting, 10, MSG_NOSIGNAL) == 10);
        if (i == 2)
            CHECK(send(fds[i], greeting, sizeof greeting, MSG_NOSIGNAL) == sizeof greeting);
    }
    /* Meanwhile an officer connects and is served. */
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&h, &ok, &rc, why, sizeof why);
    CHECK_RC(rc, ENLACE_OK);
    for (int i = 0; i < 3; i++) {
        int64_t ms = s_wait_closed(fds[i], t0, 20000);
        if (ms >= 0)
            printf("handshake that never completes (%s): closed by the hub after %lld ms"
                   " (its handshake timeout is 5 s; libzmq's default 30 s)\n",
                what[i], (long long)ms);
        else
            printf("handshake that never completes (%s): still open after 20 s\n", what[i]);
        CHECK(ms >= 0); /* within 20 s: not by libzmq's default */
        close(fds[i]);
    }
    if (c)
        CHECK_RC(enlace_ping(c), ENLACE_OK);
    enlace_close(&c);
    hub_cleanup(&h);
}

static rawclient_t *
s_raw_session(const hub_t *h, const officer_t *o)
{
    rawclient_opts_t opts = {.endpoint = h->endpoint,
        .hub_public = h->hub_public,
        .key_file = o->secret};
    char why[512];
    rawclient_t *raw = rawclient_new(&opts, why, sizeof why);
    if (!raw) {
        fprintf(stderr, "  %s: %s\n", o->name, why);
        return NULL;
    }
    int code;
    if (rawclient_hello(raw, 5000, &code) != 0) {
        fprintf(stderr, "  %s: Hello refused (%d)\n", o->name, code);
        rawclient_destroy(&raw);
    }
    return raw;
}

/* Pings and returns the reply's body type (or -1 for no reply); an error's
 * code goes to *code. */
static int
s_ping(rawclient_t *raw, int *code)
{
    uint64_t rid = rawclient_ping(raw);
    Enlace__Frame *f = rawclient_await(raw, rid, 5000);
    int body = f ? (int)f->body_case : -1;
    if (f && f->body_case == ENLACE__FRAME__BODY_ERROR)
        *code = (int)f->error->code;
    enlace__frame__free_unpacked(f, NULL);
    return body;
}

static void
silent_session_is_closed_after_the_idle_timeout(void)
{
    hub_t h;
    officer_t silent, chatty;
    hub_init(&h);
    officer_new(&h, &silent, "silent", "--country GT --network consular --role officer");
    officer_new(&h, &chatty, "chatty", "--country SV --network consular --role officer");
    h.extra[0] = "--idle-timeout";
    h.extra[1] = "1s";
    hub_start(&h);
    rawclient_t *s = s_raw_session(&h, &silent), *p = s_raw_session(&h, &chatty);
    CHECK(s && p);
    if (!s || !p)
        goto out;
    char closed[128];
    snprintf(closed, sizeof closed, "session of %s closed: idle", silent.fingerprint);
    int64_t t0 = harness_now_ms();
    int found = 0, code = 0, pongs = 0, pings = 0;
    /* The chatty one pings every 300 ms until the silent one is closed. */
    while (!found && harness_now_ms() - t0 < 20000) {
        usleep(300 * 1000);
        pings++;
        pongs += s_ping(p, &code) == ENLACE__FRAME__BODY_PONG;
        found = harness_sh("grep -qF -- '%s' '%s'", closed, h.log) == 0;
    }
    int64_t ms = harness_now_ms() - t0;
    printf("silent session closed as idle after %lld ms (idle timeout 1 s, checked every"
           " quarter of it); the pinging one got %d pongs of %d\n",
        (long long)ms, pongs, pings);
    CHECK(found);
    CHECK(ms >= 1000); /* never before its idle timeout */
    CHECK(pongs == pings);
    code = 0;
    CHECK(s_ping(s, &code) == ENLACE__FRAME__BODY_ERROR);
    CHECK(code == ENLACE__ERROR_CODE__ERR_NO_SESSION);
    CHECK(s_ping(p, &code) == ENLACE__FRAME__BODY_PONG);
    char chatty_closed[128];
    snprintf(chatty_closed, sizeof chatty_closed, "session of %s closed", chatty.fingerprint);
    CHECK(harness_sh("grep -qF -- '%s' '%s'", chatty_closed, h.log) == 1);
out:
    rawclient_destroy(&s);
    rawclient_destroy(&p);
    hub_cleanup(&h);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    harness_run("frozen_listener_is_disconnected_by_heartbeats",
        frozen_listener_is_disconnected_by_heartbeats);
    harness_run("handshakes_that_never_complete_time_out", handshakes_that_never_complete_time_out);
    harness_run("silent_session_is_closed_after_the_idle_timeout",
        silent_session_is_closed_after_the_idle_timeout);
    return harness_finish();
}
