/*
 * fixture.c: a fresh hub with generated officers, the bulk archive fill, the
 * /proc readings and the pipelined publish loop the scenarios share.
 *
 * Officers are inserted with the archive's own schema (officers,
 * officer_keys, memberships; see hub/archive.c) while the hub is stopped, so
 * the hub loads them exactly as it loads officers added by `officer add`.
 */
#include "bench.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sodium.h>

#include "archive.h"
#include "enlace.pb-c.h"
#include "keys.h"

int64_t
bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
s_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- officers */

/* Generates one identity; writes key files if with_file. */
static int
s_officer_make(fixture_t *f, bench_officer_t *o, int index, int with_file)
{
    keys_identity_t *id = keys_identity_new();
    if (!id)
        return -1;
    snprintf(o->name, sizeof o->name, "bench-%05d", index);
    memcpy(o->pk, keys_identity_public(id), 32);
    keys_identity_curve_public(id, o->curve_pk);
    keys_identity_curve_secret(id, o->curve_sk);
    keys_fingerprint(o->pk, o->fingerprint);
    int rc = 0;
    if (with_file) {
        char prefix[300], err[KEYS_ERR_LEN];
        snprintf(prefix, sizeof prefix, "%s/%s", f->hub.dir, o->name);
        snprintf(o->secret, sizeof o->secret, "%s.secret", prefix);
        rc = keys_identity_save(id, prefix, NULL, err);
        if (rc != 0)
            bench_log("fixture: saving a key: %s", err);
    }
    keys_identity_destroy(&id);
    return rc;
}

/* Registers every officer as `enlace-hub officer add` does: through the
 * archive, so each gets its audit entry and ledger record and a bench
 * archive passes `enlace-hub verify` like any other. */
static int
s_insert_officers(fixture_t *f)
{
    char path[400], why[512];
    snprintf(path, sizeof path, "%s/data/archive.db", f->hub.dir);
    archive_t *ar = archive_open(path, 0, ARCHIVE_SYNC_OFF, why, sizeof why);
    if (!ar) {
        bench_log("fixture: %s", why);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < f->nofficers && rc == 0; i++) {
        bench_officer_t *o = &f->officers[i];
        archive_officer_spec_t spec = {.name = o->name,
            .country = "MX",
            .role = "officer",
            .networks = "consular",
            .contact = "enlace-bench",
            .pk = o->pk,
            .curve = o->curve_pk,
            .fingerprint = o->fingerprint};
        rc = archive_officer_add(ar, &spec, &o->officer_id);
        if (rc != 0)
            bench_log("fixture: officer %s: %s", o->name, archive_error(ar));
    }
    archive_destroy(&ar);
    return rc;
}

int
fixture_new(fixture_t *f, int nofficers, int nfiles)
{
    memset(f, 0, sizeof *f);
    hub_init(&f->hub);
    f->officers = calloc((size_t)nofficers, sizeof *f->officers);
    if (!f->officers)
        return -1;
    f->nofficers = nofficers;
    for (int i = 0; i < nofficers; i++)
        if (s_officer_make(f, &f->officers[i], i, i < nfiles) != 0)
            return -1;
    uint8_t hub_pk[32];
    char err[KEYS_ERR_LEN];
    if (keys_public_load(f->hub.hub_public, hub_pk, err) != 0
        || keys_curve_from_public(hub_pk, f->hub_curve) != 0) {
        bench_log("fixture: hub key: %s", err);
        return -1;
    }
    return s_insert_officers(f);
}

int
fixture_clone(fixture_t *f, const fixture_t *src)
{
    memset(f, 0, sizeof *f);
    hub_init(&f->hub);
    f->officers = calloc((size_t)src->nofficers, sizeof *f->officers);
    if (!f->officers)
        return -1;
    f->nofficers = src->nofficers;
    memcpy(f->hub_curve, src->hub_curve, sizeof f->hub_curve);
    /* Replace the fresh data dir (new hub key, empty archive) by the copy. */
    if (harness_sh("rm -rf '%s/data' && cp -a '%s/data' '%s/' && cp -a '%s'/bench-*.secret "
                   "'%s'/bench-*.public '%s/' 2>/dev/null; test -f '%s/data/archive.db'",
            f->hub.dir, src->hub.dir, f->hub.dir, src->hub.dir, src->hub.dir, f->hub.dir,
            f->hub.dir)
        != 0) {
        bench_log("fixture: cannot copy %s", src->hub.dir);
        return -1;
    }
    for (int i = 0; i < f->nofficers; i++) {
        f->officers[i] = src->officers[i];
        if (src->officers[i].secret[0])
            snprintf(f->officers[i].secret, sizeof f->officers[i].secret, "%s/%s.secret",
                f->hub.dir, f->officers[i].name);
    }
    return 0;
}

long long
fixture_archive_bytes(const fixture_t *f)
{
    long long total = 0;
    static const char *names[] = {"archive.db", "archive.db-wal"};
    for (int i = 0; i < 2; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/data/%s", f->hub.dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0)
            total += (long long)st.st_size;
    }
    return total;
}

int
bench_timeout_scale(void)
{
    const char *w = getenv("ENLACE_HUB_WRAPPER");
    return w && w[0] ? BENCH_WRAPPED_SLOWDOWN : 1;
}

static int
s_port_open(const char *endpoint)
{
    const char *colon = strrchr(endpoint, ':');
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (!colon || fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* hub_start with a command prefix (ENLACE_HUB_WRAPPER, e.g. "valgrind
 * --tool=callgrind"): the shell execs the wrapper, which must run the hub in
 * the same process (valgrind does), so that hub.pid is the hub's and
 * hub_stop's SIGTERM reaches it. The wait for the port scales with the
 * wrapper's slowdown. Exits the program, as hub_start does, if the hub
 * cannot start. */
static void
s_start_wrapped(fixture_t *f, const char *wrapper)
{
    char data[300], script[1200];
    snprintf(data, sizeof data, "%s/data", f->hub.dir);
    snprintf(script, sizeof script, "exec %s \"$@\"", wrapper);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("enlace-bench: fork");
        exit(2);
    }
    if (pid == 0) {
        int fd = open(f->hub.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        const char *argv[24] = {"/bin/sh", "-c", script, "sh", getenv("ENLACE_HUB_BIN"), "run",
            data, "--bind", f->hub.endpoint};
        int n = 9;
        for (int i = 0; i < 8 && f->hub.extra[i]; i++)
            argv[n++] = f->hub.extra[i];
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    f->hub.pid = pid;
    int64_t deadline = bench_now_ns() + 5000000000LL * bench_timeout_scale();
    while (bench_now_ns() < deadline) {
        if (s_port_open(f->hub.endpoint))
            return;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            f->hub.pid = 0;
            fprintf(stderr, "enlace-bench: the hub (under %s) exited at start; its log:\n",
                wrapper);
            harness_sh("cat '%s' >&2", f->hub.log);
            exit(2);
        }
        usleep(25000);
    }
    fprintf(stderr, "enlace-bench: the hub (under %s) did not listen within %d s\n", wrapper,
        5 * bench_timeout_scale());
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    exit(2);
}

void
fixture_start(fixture_t *f)
{
    /* The benchmark drives single connections far past the default request
     * rate (2,000 a second per key): measure the hub, not the limit. */
    f->hub.extra[0] = "--request-rate";
    f->hub.extra[1] = "0";
    const char *wrapper = getenv("ENLACE_HUB_WRAPPER");
    if (wrapper && wrapper[0])
        s_start_wrapped(f, wrapper);
    else
        hub_start(&f->hub);
}

void
fixture_mark(const fixture_t *f, const char *label)
{
    const char *cmd = getenv("ENLACE_BENCH_MARK");
    if (!cmd || !cmd[0] || !f->hub.pid)
        return;
    int rc = harness_sh("%s %s %d >&2", cmd, label, (int)f->hub.pid);
    if (rc != 0)
        bench_log("mark %s: '%s %s %d' exited with %d", label, cmd, label, (int)f->hub.pid, rc);
}

void
fixture_destroy(fixture_t *f, int keep)
{
    if (keep) {
        hub_stop(&f->hub);
        bench_log("kept %s", f->hub.dir);
    } else {
        hub_cleanup(&f->hub);
    }
    if (f->officers)
        sodium_memzero(f->officers, (size_t)f->nofficers * sizeof *f->officers);
    free(f->officers);
    f->officers = NULL;
}

enlace_client_t *
fixture_connect(fixture_t *f, int i)
{
    enlace_options_t opts = {.endpoint = f->hub.endpoint,
        .hub_key_file = f->hub.hub_public,
        .key_file = f->officers[i].secret,
        .timeout_ms = 10000 * bench_timeout_scale(),
        .client_name = "enlace-bench"};
    enlace_client_t *c = NULL;
    char why[512];
    int rc = enlace_connect(&opts, &c, why, sizeof why);
    if (rc != ENLACE_OK)
        bench_log("connect %s: %s: %s", f->officers[i].name, enlace_strerror(rc), why);
    return c;
}

/* ---------------------------------------------------------------- fill */

#define FILL_SPAN_MS (365LL * 24 * 3600 * 1000) /* stored times spread over a year */
#define FILL_RARE_EVERY 1000                    /* officer 1 authors one in this many */

static void s_text_body(uint8_t *body, size_t len, long i);

/* Stores the rows through the hub's own archive module (hub/archive.c), as
 * s_publish does: archive_message_insert (the row and its ledger record in
 * the hash chain) and archive_text_index (the full-text index, body only:
 * no alert headline, no translations), many per transaction as the hub's
 * group commit does. Contents are what libenlace's enlace_publish signs with
 * no options: text/plain, TLP unspecified (stored as AMBER). */
int
fixture_fill(fixture_t *f, long n, size_t body_len)
{
    keys_identity_t *ids[2] = {NULL, NULL};
    int nauthors = f->nofficers > 1 && f->officers[1].secret[0] ? 2 : 1;
    char err[KEYS_ERR_LEN];
    for (int a = 0; a < nauthors; a++)
        if (!f->officers[a].secret[0]
            || keys_identity_load(f->officers[a].secret, NULL, &ids[a], err) != 0) {
            bench_log("fill: officer %d has no usable key file", a);
            keys_identity_destroy(&ids[0]);
            return -1;
        }
    char path[400], why[512];
    snprintf(path, sizeof path, "%s/data/archive.db", f->hub.dir);
    archive_t *ar = archive_open(path, 0, ARCHIVE_SYNC_OFF, why, sizeof why);
    uint8_t *body = malloc(body_len ? body_len : 1);
    uint8_t *cbuf = malloc(body_len + 512);
    int rc = -1;
    if (!ar || !body || !cbuf) {
        bench_log("fill: %s", ar ? "out of memory" : why);
        goto out;
    }
    if (archive_begin(ar) != 0)
        goto fail;
    uint64_t seq0 = archive_last_seq(ar);
    int64_t t0 = bench_now_ns(), start_ms = s_wall_ms() - FILL_SPAN_MS;
    for (long i = 0; i < n; i++) {
        int a = nauthors > 1 && i % FILL_RARE_EVERY == FILL_RARE_EVERY - 1 ? 1 : 0;
        bench_officer_t *o = &f->officers[a];
        uint8_t msg_id[16], sig[KEYS_SIGNATURE_BYTES], hash[32];
        randombytes_buf(msg_id, sizeof msg_id);
        s_text_body(body, body_len, i);
        Enlace__Content c = ENLACE__CONTENT__INIT;
        int64_t when = start_ms + (int64_t)((double)i * (double)FILL_SPAN_MS / (double)n);
        c.message_id.data = msg_id;
        c.message_id.len = sizeof msg_id;
        c.topic.data = (uint8_t *)BENCH_TOPIC;
        c.topic.len = strlen(BENCH_TOPIC);
        c.created_ms = when;
        c.author_key.data = o->pk;
        c.author_key.len = 32;
        c.content_type = "text/plain; charset=utf-8";
        c.body.data = body;
        c.body.len = body_len;
        size_t clen = enlace__content__pack(&c, cbuf);
        if (keys_sign_content(ids[a], cbuf, clen, sig) != 0) {
            bench_log("fill: signing failed");
            goto rollback;
        }
        crypto_generichash(hash, sizeof hash, cbuf, clen, NULL, 0);
        archive_msg_t m = {.seq = seq0 + (uint64_t)i + 1,
            .msg_id = msg_id,
            .topic = BENCH_TOPIC,
            .network = "consular",
            .author_id = o->officer_id,
            .tlp = ENLACE__TLP__TLP_AMBER,
            .recipients = "",
            .created_ms = when,
            .stored_ms = when,
            .content = cbuf,
            .content_len = clen,
            .signature = sig,
            .content_hash = hash};
        if (archive_message_insert(ar, &m) != 0
            || archive_text_index(ar, m.seq, "", (const char *)body, body_len) != 0)
            goto fail;
        if ((i + 1) % 10000 == 0 && (archive_commit(ar) != 0 || archive_begin(ar) != 0))
            goto fail;
        if ((i + 1) % 100000 == 0)
            bench_log("fill: %ld of %ld (%.0f/s)", i + 1, n,
                (double)(i + 1) / ((double)(bench_now_ns() - t0) / 1e9));
    }
    if (archive_commit(ar) != 0)
        goto fail;
    rc = 0;
    bench_log("fill: %ld signed messages stored and indexed in %.1f s", n,
        (double)(bench_now_ns() - t0) / 1e9);
    goto out;
fail:
    bench_log("fill: %s", archive_error(ar));
rollback:
    archive_rollback(ar);
out:
    archive_destroy(&ar); /* the last connection: checkpoints the WAL */
    free(body);
    free(cbuf);
    keys_identity_destroy(&ids[0]);
    keys_identity_destroy(&ids[1]);
    return rc;
}

/* ---------------------------------------------------------------- /proc */

static long
s_status_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    long v = -1;
    size_t flen = strlen(field);
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, field, flen) && line[flen] == ':') {
            v = strtol(line + flen + 1, NULL, 10);
            break;
        }
    fclose(fp);
    return v;
}

long
bench_rss_kib(pid_t pid)
{
    return s_status_kib(pid, "VmRSS");
}

long
bench_hwm_kib(pid_t pid)
{
    return s_status_kib(pid, "VmHWM");
}

/* utime+stime in seconds from a stat file; comm may hold spaces, so fields
 * are counted after the last ')'. */
static double
s_stat_cpu(const char *path)
{
    char buf[1024];
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    unsigned long long utime = 0, stime = 0;
    /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime)
        != 2)
        return 0;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

double
bench_cpu_seconds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    return s_stat_cpu(path);
}

void
bench_cpu_split(pid_t pid, bench_cpu_split_t *out)
{
    memset(out, 0, sizeof *out);
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char stat[300], comm[300], name[64] = "";
        snprintf(stat, sizeof stat, "%s/%s/stat", path, e->d_name);
        snprintf(comm, sizeof comm, "%s/%s/comm", path, e->d_name);
        FILE *fp = fopen(comm, "r");
        if (fp) {
            if (!fgets(name, sizeof name, fp))
                name[0] = '\0';
            fclose(fp);
        }
        double cpu = s_stat_cpu(stat);
        if (atoi(e->d_name) == (int)pid)
            out->main += cpu;
        else if (!strncmp(name, "ZMQbg/IO", 8))
            out->zmq_io += cpu;
        else
            out->other += cpu;
    }
    closedir(d);
}

/* ---------------------------------------------------------------- publish */

/* A body of len bytes of ASCII words (whole UTF-8 even when cut), as a report (the hub
 * indexes it for full-text search): "loteK" first, K = i % BENCH_LOTS, then
 * the same sentence repeated. */
static void
s_text_body(uint8_t *body, size_t len, long i)
{
    static const char phrase[] = " menor no acompanado localizado en el cruce fronterizo,"
                                 " consulado notificado, traslado a albergue";
    char head[32];
    int h = snprintf(head, sizeof head, "lote%ld", i % BENCH_LOTS);
    for (size_t o = 0; o < len; o++)
        body[o] = (uint8_t)(o < (size_t)h ? head[o]
                                          : phrase[(o - (size_t)h) % (sizeof phrase - 1)]);
}

long
bench_publish_n(enlace_client_t *c, long n, size_t len, int window, int64_t *first_ns)
{
    uint8_t *body = malloc(len ? len : 1);
    if (!body)
        return n;
    long sent = 0, done = 0, failed = 0;
    int logged = 0;
    if (first_ns)
        *first_ns = bench_now_ns();
    while (done < n) {
        while (sent < n && (long)enlace_publish_outstanding(c) < window) {
            s_text_body(body, len, sent);
            int rc = enlace_publish_async(c, BENCH_TOPIC, body, len, NULL, NULL);
            if (rc != ENLACE_OK) {
                if (!logged++)
                    bench_log("publish: %s: %s", enlace_strerror(rc), enlace_last_error(c));
                failed += n - sent;
                done += n - sent;
                sent = n;
                break;
            }
            sent++;
        }
        if (enlace_publish_outstanding(c) == 0)
            break;
        uint64_t ticket, seq;
        int rc = enlace_publish_result(c, &ticket, &seq, 10000 * bench_timeout_scale());
        if (rc == ENLACE_ETIMEDOUT) {
            bench_log("publish: no result within %d s (%zu outstanding)",
                10 * bench_timeout_scale(), enlace_publish_outstanding(c));
            failed += n - done;
            break;
        }
        done++;
        if (rc != ENLACE_OK) {
            failed++;
            if (!logged++)
                bench_log("publish refused: %s: %s", enlace_strerror(rc), enlace_last_error(c));
        }
    }
    free(body);
    return failed;
}
