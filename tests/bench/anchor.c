/*
 * anchor.c: Mosquitto as the benchmark's anchor (see anchor.h): the broker
 * as a child process, and the QoS 1 and QoS 0 fan-out rounds with
 * libmosquitto clients.
 *
 * Every client runs libmosquitto's own network thread (mosquitto_loop_start);
 * its callbacks count into one round_t under the round's mutex, and the main
 * thread, which publishes, waits on the round's condition variable whenever
 * BENCH_WINDOW messages are outstanding. Nothing here is shared between
 * rounds: each has its broker, its directory, its clients.
 */
#include "anchor.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef ENLACE_BENCH_MOSQUITTO

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <mosquitto.h>

#define ANCHOR_BODY 1024 /* payload bytes, as the enlace rows' */
#define ANCHOR_MAX_SUBS 64
#define ANCHOR_STALL_NS (10 * 1000000000LL) /* no progress for this long: failed */
#define ANCHOR_START_NS (5 * 1000000000LL)  /* the broker listens within this */

/* ---------------------------------------------------------------- broker */

typedef struct {
    char dir[64]; /* temporary: mosquitto.conf, mosquitto.log, mosquitto.db */
    char log[96]; /* the broker's stdout and stderr */
    int port;     /* 127.0.0.1 only */
    pid_t pid;    /* our child, 0 when not running */
} broker_t;

/* The broker binary: the first `mosquitto` in PATH, else /usr/sbin (not in
 * a normal user's PATH on Debian). Returns 0 or -1. */
static int
s_find_broker(char *out, size_t cap)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", path ? path : "");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, cap, "%s/mosquitto", d[0] ? d : ".");
        if (access(out, X_OK) == 0)
            return 0;
    }
    snprintf(out, cap, "/usr/sbin/mosquitto");
    return access(out, X_OK) == 0 ? 0 : -1;
}

/* A loopback port nobody listens on now. */
static int
s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0
        && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int
s_port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Writes the round's mosquitto.conf. Returns 0 or -1. */
static int
s_write_conf(const broker_t *b, const char *conf)
{
    FILE *fp = fopen(conf, "w");
    if (!fp) {
        bench_log("anchor: %s: %s", conf, strerror(errno));
        return -1;
    }
    fprintf(fp,
        "# enlace-bench's anchor (tests/bench/anchor.c): one round, then removed\n"
        "listener %d 127.0.0.1\n"
        "allow_anonymous true\n"
        "persistence true\n"
        "persistence_location %s/\n"
        "# By default a subscriber's queue holds 1000 QoS 1 messages and the rest\n"
        "# are dropped; enlace drops none, so neither does the anchor.\n"
        "max_queued_messages 0\n",
        b->port, b->dir);
    /* Started as root, mosquitto switches to the user `mosquitto`, which
     * could not write the persistence file here; as anyone else it ignores
     * the option. Either way the broker stays the benchmark's own user. */
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name)
        fprintf(fp, "user %s\n", pw->pw_name);
    return fclose(fp) == 0 ? 0 : -1;
}

/* Stops the broker (SIGTERM to its PID only, then waits for it) and removes
 * its directory unless keep. Safe on a broker that never started. */
static void
s_broker_stop(broker_t *b, int keep)
{
    if (b->pid > 0) {
        kill(b->pid, SIGTERM);
        int st = 0;
        pid_t r;
        while ((r = waitpid(b->pid, &st, 0)) < 0 && errno == EINTR)
            ;
        if (r == b->pid && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
            bench_log("anchor: mosquitto (pid %d) did not exit 0 on SIGTERM; its log:",
                (int)b->pid);
            harness_sh("tail -n 20 '%s' >&2", b->log);
        }
        b->pid = 0;
        char db[96];
        struct stat sb;
        snprintf(db, sizeof db, "%s/mosquitto.db", b->dir);
        if (stat(db, &sb) != 0)
            bench_log("anchor: mosquitto wrote no persistence file (%s)", db);
    }
    if (!b->dir[0])
        return;
    if (keep)
        bench_log("kept %s", b->dir);
    else
        harness_sh("rm -rf '%s'", b->dir);
    b->dir[0] = '\0';
}

/* A fresh broker in a fresh directory on a free port. Returns 0, or -1 with
 * a log line (and nothing left running). */
static int
s_broker_start(broker_t *b, int keep)
{
    memset(b, 0, sizeof *b);
    char bin[512], conf[96];
    if (s_find_broker(bin, sizeof bin) != 0) {
        bench_log("anchor: no mosquitto in PATH nor /usr/sbin");
        return -1;
    }
    snprintf(b->dir, sizeof b->dir, "/tmp/enlace-anchor-XXXXXX");
    if (!mkdtemp(b->dir)) {
        bench_log("anchor: mkdtemp: %s", strerror(errno));
        b->dir[0] = '\0';
        return -1;
    }
    snprintf(conf, sizeof conf, "%s/mosquitto.conf", b->dir);
    snprintf(b->log, sizeof b->log, "%s/mosquitto.log", b->dir);
    if ((b->port = s_free_port()) <= 0 || s_write_conf(b, conf) != 0) {
        s_broker_stop(b, keep);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        bench_log("anchor: fork: %s", strerror(errno));
        s_broker_stop(b, keep);
        return -1;
    }
    if (pid == 0) {
        int fd = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        execl(bin, bin, "-c", conf, (char *)NULL);
        _exit(127);
    }
    b->pid = pid;
    int64_t deadline = bench_now_ns() + ANCHOR_START_NS;
    while (bench_now_ns() < deadline) {
        if (s_port_open(b->port))
            return 0;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            b->pid = 0;
            bench_log("anchor: mosquitto exited at start; its log:");
            harness_sh("cat '%s' >&2", b->log);
            s_broker_stop(b, keep);
            return -1;
        }
        usleep(10000);
    }
    bench_log("anchor: mosquitto did not listen on 127.0.0.1:%d within 5 s", b->port);
    s_broker_stop(b, keep);
    return -1;
}

/* ---------------------------------------------------------------- round */

/* What the callbacks of one round's clients count. Every field but the
 * first three is guarded by lock. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* progress of any kind */
    int qos;             /* 1: the window counts PUBACKs; 0: the slowest subscriber */
    int nsubs;
    int connected;             /* CONNACKs accepted */
    int refused;               /* CONNACKs refused, SUBACKs refused */
    int subscribed;            /* SUBACKs granted */
    long acked;                /* PUBACKs */
    long got[ANCHOR_MAX_SUBS]; /* deliveries per subscriber */
    long bad;                  /* deliveries that are not 1 KiB: not from this round */
    long need;                 /* the publisher waits until progress reaches this */
    int waiting;               /* ...and is waiting now */
    int64_t last_ns;           /* time of the last delivery */
} round_t;

/* One libmosquitto client and where its callbacks count. */
typedef struct {
    round_t *round;      /* not owned */
    int index;           /* subscriber index, -1 for the publisher */
    struct mosquitto *m; /* owned */
    int looping;         /* its network thread runs */
} client_t;

/* The publisher's progress: PUBACKs with QoS 1, else what the slowest
 * subscriber has received. Called with the lock held. */
static long
s_progress(const round_t *r)
{
    if (r->qos == 1)
        return r->acked;
    long least = r->got[0];
    for (int i = 1; i < r->nsubs; i++)
        if (r->got[i] < least)
            least = r->got[i];
    return least;
}

/* Wakes the publisher once its window has room again, not on every
 * delivery. Called with the lock held. */
static void
s_poke(round_t *r)
{
    if (r->waiting && s_progress(r) >= r->need)
        pthread_cond_signal(&r->cond);
}

static void
s_on_connect(struct mosquitto *m, void *obj, int rc)
{
    (void)m;
    client_t *c = obj;
    pthread_mutex_lock(&c->round->lock);
    if (rc == 0)
        c->round->connected++;
    else
        c->round->refused++;
    pthread_cond_broadcast(&c->round->cond);
    pthread_mutex_unlock(&c->round->lock);
    if (rc != 0)
        bench_log("anchor: CONNACK: %s", mosquitto_connack_string(rc));
}

static void
s_on_subscribe(struct mosquitto *m, void *obj, int mid, int count, const int *granted)
{
    (void)m;
    (void)mid;
    client_t *c = obj;
    int ok = count == 1 && granted[0] == c->round->qos;
    pthread_mutex_lock(&c->round->lock);
    if (ok)
        c->round->subscribed++;
    else
        c->round->refused++;
    pthread_cond_broadcast(&c->round->cond);
    pthread_mutex_unlock(&c->round->lock);
}

/* With QoS 1, called on PUBACK (with QoS 0 as soon as written: ignored). */
static void
s_on_publish(struct mosquitto *m, void *obj, int mid)
{
    (void)m;
    (void)mid;
    client_t *c = obj;
    if (c->round->qos != 1)
        return;
    pthread_mutex_lock(&c->round->lock);
    c->round->acked++;
    s_poke(c->round);
    pthread_mutex_unlock(&c->round->lock);
}

static void
s_on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
    (void)m;
    client_t *c = obj;
    int64_t now = bench_now_ns();
    pthread_mutex_lock(&c->round->lock);
    if (msg->payloadlen != ANCHOR_BODY || c->index < 0) {
        c->round->bad++;
    } else {
        c->round->got[c->index]++;
        c->round->last_ns = now;
        s_poke(c->round);
    }
    pthread_mutex_unlock(&c->round->lock);
}

/* Creates client c and connects it (the CONNACK comes to s_on_connect).
 * Returns 0 or -1. */
static int
s_client_open(client_t *c, round_t *r, int index, int port)
{
    char id[48];
    if (index < 0)
        snprintf(id, sizeof id, "enlace-bench-pub-%d", (int)getpid());
    else
        snprintf(id, sizeof id, "enlace-bench-sub-%d-%d", (int)getpid(), index);
    *c = (client_t){.round = r, .index = index};
    if (!(c->m = mosquitto_new(id, true, c))) {
        bench_log("anchor: mosquitto_new failed");
        return -1;
    }
    mosquitto_connect_callback_set(c->m, s_on_connect);
    mosquitto_subscribe_callback_set(c->m, s_on_subscribe);
    mosquitto_publish_callback_set(c->m, s_on_publish);
    mosquitto_message_callback_set(c->m, s_on_message);
    /* libmosquitto keeps at most 20 QoS 1 publishes in flight by default and
     * holds the rest back: allow the same window as enlace's publisher. */
    int rc = mosquitto_int_option(c->m, MOSQ_OPT_SEND_MAXIMUM, BENCH_WINDOW);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_connect(c->m, "127.0.0.1", port, 60);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_loop_start(c->m);
    if (rc != MOSQ_ERR_SUCCESS) {
        bench_log("anchor: client %s: %s", id, mosquitto_strerror(rc));
        return -1;
    }
    c->looping = 1;
    return 0;
}

static void
s_client_close(client_t *c)
{
    if (!c->m)
        return;
    if (c->looping) {
        mosquitto_disconnect(c->m);
        mosquitto_loop_stop(c->m, false);
    }
    mosquitto_destroy(c->m);
    c->m = NULL;
}

/* Waits, with the lock held, until *count reaches want, or fails after
 * ANCHOR_STALL_NS or on a refusal. Returns 0 or -1. */
static int
s_wait_count(round_t *r, const int *count, int want)
{
    int64_t deadline = bench_now_ns() + ANCHOR_STALL_NS;
    while (*count < want && !r->refused) {
        int64_t left = deadline - bench_now_ns();
        if (left <= 0)
            return -1;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&r->cond, &r->lock, &ts);
    }
    return *count >= want ? 0 : -1;
}

/* Total deliveries so far. Called with the lock held. */
static long
s_delivered(const round_t *r)
{
    long total = 0;
    for (int i = 0; i < r->nsubs; i++)
        total += r->got[i];
    return total;
}

/* Publishes msgs payloads keeping the window, then waits for every delivery
 * (and with QoS 1 every PUBACK). Returns 0 or -1; *first_ns is set just
 * before the first publish. */
static int
s_publish_all(round_t *r, client_t *pub, long msgs, int64_t *first_ns)
{
    uint8_t body[ANCHOR_BODY];
    memset(body, 'm', sizeof body);
    long seen = -1;
    int64_t since = bench_now_ns();
    *first_ns = since;
    for (long i = 0; i <= msgs; i++) {
        pthread_mutex_lock(&r->lock);
        /* before publish i, at least i - WINDOW + 1 must be done; at the
         * end, all of them and every delivery */
        r->need = i < msgs ? i - BENCH_WINDOW + 1 : msgs;
        while (s_progress(r) < r->need || (i == msgs && s_delivered(r) < msgs * r->nsubs)) {
            long now_seen = s_progress(r) + s_delivered(r);
            if (now_seen != seen) {
                seen = now_seen;
                since = bench_now_ns();
            } else if (bench_now_ns() - since > ANCHOR_STALL_NS) {
                bench_log("anchor: stalled: %ld of %ld acknowledged, %ld of %ld delivered",
                    r->acked, r->qos == 1 ? msgs : 0, s_delivered(r), msgs * r->nsubs);
                pthread_mutex_unlock(&r->lock);
                return -1;
            }
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += 100000000; /* 100 ms: the end waits for deliveries unpoked */
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            r->waiting = 1;
            pthread_cond_timedwait(&r->cond, &r->lock, &ts);
            r->waiting = 0;
        }
        pthread_mutex_unlock(&r->lock);
        if (i == msgs)
            break;
        int rc = mosquitto_publish(pub->m, NULL, BENCH_TOPIC, ANCHOR_BODY, body, r->qos, false);
        if (rc != MOSQ_ERR_SUCCESS) {
            bench_log("anchor: publish: %s", mosquitto_strerror(rc));
            return -1;
        }
    }
    return 0;
}

/* One round: broker, nsubs subscribers at qos, one publisher, msgs
 * payloads. Returns deliveries/s, NaN on failure. */
static double
s_round(const bench_opts_t *o, int qos, int nsubs, long msgs)
{
    if (nsubs < 1 || nsubs > ANCHOR_MAX_SUBS || msgs < 1)
        return NAN;
    broker_t b;
    if (s_broker_start(&b, o->keep) != 0)
        return NAN;
    round_t r = {.qos = qos, .nsubs = nsubs};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r.cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&r.lock, NULL);
    client_t pub = {0}, subs[ANCHOR_MAX_SUBS] = {{0}};
    double rate = NAN;
    int opened = 0, ok = s_client_open(&pub, &r, -1, b.port) == 0;
    for (; ok && opened < nsubs; opened++)
        ok = s_client_open(&subs[opened], &r, opened, b.port) == 0;
    pthread_mutex_lock(&r.lock);
    ok = ok && s_wait_count(&r, &r.connected, nsubs + 1) == 0;
    pthread_mutex_unlock(&r.lock);
    for (int i = 0; ok && i < nsubs; i++) {
        int rc = mosquitto_subscribe(subs[i].m, NULL, BENCH_TOPIC, qos);
        if (rc != MOSQ_ERR_SUCCESS) {
            bench_log("anchor: subscribe: %s", mosquitto_strerror(rc));
            ok = 0;
        }
    }
    pthread_mutex_lock(&r.lock);
    ok = ok && s_wait_count(&r, &r.subscribed, nsubs) == 0;
    pthread_mutex_unlock(&r.lock);
    if (!ok) {
        bench_log("anchor: %d of %d clients connected, %d of %d subscribed", r.connected, nsubs + 1,
            r.subscribed, nsubs);
        goto out;
    }
    int64_t first = 0;
    if (s_publish_all(&r, &pub, msgs, &first) != 0)
        goto out;
    pthread_mutex_lock(&r.lock);
    long total = s_delivered(&r), bad = r.bad;
    int64_t last = r.last_ns;
    pthread_mutex_unlock(&r.lock);
    if (bad || total != msgs * nsubs) {
        bench_log("anchor: %ld of %ld deliveries, %ld not from this round", total, msgs * nsubs,
            bad);
        goto out;
    }
    rate = (double)total / ((double)(last - first) / 1e9);
out:
    s_client_close(&pub);
    for (int i = 0; i < opened; i++)
        s_client_close(&subs[i]);
    pthread_cond_destroy(&r.cond);
    pthread_mutex_destroy(&r.lock);
    s_broker_stop(&b, o->keep);
    return rate;
}

/* ---------------------------------------------------------------- API */

int
anchor_open(char *why, size_t cap)
{
    char bin[512];
    if (s_find_broker(bin, sizeof bin) != 0) {
        snprintf(why, cap, "no mosquitto: deps.sh --bench");
        return -1;
    }
    if (mosquitto_lib_init() != MOSQ_ERR_SUCCESS) {
        snprintf(why, cap, "libmosquitto failed to initialise");
        return -1;
    }
    return 0;
}

void
anchor_close(void)
{
    mosquitto_lib_cleanup();
}

void
anchor_describe(char *out, size_t cap)
{
    char bin[512], version[128] = "";
    int maj = 0, min = 0, rev = 0;
    mosquitto_lib_version(&maj, &min, &rev);
    if (s_find_broker(bin, sizeof bin) == 0) {
        /* `mosquitto -h` prints "mosquitto version X.Y.Z" first (and exits 3) */
        harness_capture(version, sizeof version, "'%s' -h 2>&1 | head -n 1", bin);
        version[strcspn(version, "\n")] = '\0';
    }
    snprintf(out, cap, "%s (%s), libmosquitto %d.%d.%d", version[0] ? version : "mosquitto", bin,
        maj, min, rev);
}

double
anchor_round_qos1(const bench_opts_t *o, long msgs)
{
    return s_round(o, 1, 1, msgs);
}

double
anchor_round_fanout(const bench_opts_t *o, int nsubs, long msgs)
{
    return s_round(o, 0, nsubs, msgs);
}

#else /* no libmosquitto at build time: the anchor says so */

int
anchor_open(char *why, size_t cap)
{
    snprintf(why, cap, "no libmosquitto: deps.sh --bench");
    return -1;
}

void
anchor_close(void)
{
}

void
anchor_describe(char *out, size_t cap)
{
    snprintf(out, cap, "none (built without libmosquitto)");
}

double
anchor_round_qos1(const bench_opts_t *o, long msgs)
{
    (void)o;
    (void)msgs;
    return NAN;
}

double
anchor_round_fanout(const bench_opts_t *o, int nsubs, long msgs)
{
    (void)o;
    (void)nsubs;
    (void)msgs;
    return NAN;
}

#endif
