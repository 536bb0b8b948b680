/*
 * test_crash: nothing acknowledged is ever lost.
 *
 * Three publishers publish continuously with a window of unacknowledged
 * publishes while two subscribers listen; the hub is killed with SIGKILL at a
 * random moment and restarted, twice. Afterwards every message any publisher
 * saw acknowledged ("stored") is in the archive exactly once, and every
 * subscriber received every acknowledged message exactly once (by id).
 *
 * And `--sync full` does what the README says, every commit waits for the
 * log to reach the disk: with an LD_PRELOAD module that logs every fsync
 * and fdatasync (fsync_count.c), the hub's own thread syncs the archive's
 * write-ahead log at least once per commit under --sync full, and not once
 * per commit under the default --sync normal (which leaves the syncing to
 * the checkpoints, on their own thread).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define PUBLISHERS 3
#define SUBSCRIBERS 2
#define PER_PUBLISHER 30000 /* upper bound on ids per publisher */
#define WINDOW 32

static hub_t hub;
static officer_t pubs[PUBLISHERS], subs[SUBSCRIBERS];
static atomic_int stop_publishing;
static atomic_int in_flight[PUBLISHERS];

typedef struct {
    int index;
    uint8_t acked[PER_PUBLISHER]; /* 1 once "stored" was seen */
    int sent;
    int failures; /* refusals other than transient ones */
} pub_state_t;

typedef struct {
    int index;
    uint16_t received[PUBLISHERS][PER_PUBLISHER]; /* deliveries per id */
    atomic_int stop;
    int bad; /* deliveries not from this test */
} sub_state_t;

static pub_state_t pstate[PUBLISHERS];
static sub_state_t sstate[SUBSCRIBERS];

static void
s_make_id(uint8_t id[16], int pub, int n)
{
    memset(id, 0, 16);
    id[0] = 0xC5;
    id[1] = (uint8_t)pub;
    id[2] = (uint8_t)(n >> 8);
    id[3] = (uint8_t)n;
}

static void *
s_publisher(void *arg)
{
    pub_state_t *p = arg;
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &pubs[p->index], &rc, why, sizeof why);
    if (!c) {
        fprintf(stderr, "  publisher %d: %s\n", p->index, why);
        p->failures++;
        return NULL;
    }
    char body[64];
    while (!atomic_load(&stop_publishing) || enlace_publish_outstanding(c) > 0) {
        while (!atomic_load(&stop_publishing) && enlace_publish_outstanding(c) < WINDOW
            && p->sent < PER_PUBLISHER) {
            uint8_t id[16];
            s_make_id(id, p->index, p->sent);
            enlace_publish_opts_t opts = {.message_id = id, .created_ms = 1763700000000 + p->sent};
            snprintf(body, sizeof body, "pub%d-%d", p->index, p->sent);
            if (enlace_publish_async(c, "consular/crash/load", body, strlen(body), &opts, NULL)
                != ENLACE_OK)
                break;
            p->sent++;
        }
        atomic_store(&in_flight[p->index], (int)enlace_publish_outstanding(c));
        uint64_t ticket, seq;
        rc = enlace_publish_result(c, &ticket, &seq, 200);
        if (rc == ENLACE_ETIMEDOUT)
            continue;
        /* Tickets are request ids; map back through the body we sent: the
         * library sends publishes in ticket order starting after the Hello,
         * so keep our own map instead. */
        (void)ticket;
        if (rc != ENLACE_OK) {
            fprintf(stderr, "  publisher %d: refused: %s\n", p->index, enlace_last_error(c));
            p->failures++;
        }
    }
    enlace_close(&c);
    return NULL;
}

static void *
s_subscriber(void *arg)
{
    sub_state_t *st = arg;
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &subs[st->index], &rc, why, sizeof why);
    if (!c) {
        fprintf(stderr, "  subscriber %d: %s\n", st->index, why);
        st->bad++;
        return NULL;
    }
    if (enlace_subscribe(c, "consular/crash/#", 0) != ENLACE_OK) {
        fprintf(stderr, "  subscriber %d: %s\n", st->index, enlace_last_error(c));
        st->bad++;
    }
    while (!atomic_load(&st->stop)) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 100) != ENLACE_OK)
            continue;
        const uint8_t *id = d->message_id;
        int pub = id[1], n = (id[2] << 8) | id[3];
        if (id[0] == 0xC5 && pub < PUBLISHERS && n < PER_PUBLISHER)
            st->received[pub][n]++;
        else
            st->bad++;
        enlace_delivery_destroy(&d);
    }
    enlace_close(&c);
    return NULL;
}

static void
acknowledged_messages_survive_sigkill(void)
{
    pthread_t pt[PUBLISHERS], sthr[SUBSCRIBERS];
    for (int i = 0; i < SUBSCRIBERS; i++) {
        sstate[i].index = i;
        pthread_create(&sthr[i], NULL, s_subscriber, &sstate[i]);
    }
    usleep(300000); /* subscriptions in place before the first publish */
    for (int i = 0; i < PUBLISHERS; i++) {
        pstate[i].index = i;
        pthread_create(&pt[i], NULL, s_publisher, &pstate[i]);
    }
    srand((unsigned)time(NULL));
    for (int kill_no = 1; kill_no <= 2; kill_no++) {
        usleep(500000 + (useconds_t)(rand() % 1000) * 1000);
        int flight = 0;
        for (int i = 0; i < PUBLISHERS; i++)
            flight += atomic_load(&in_flight[i]);
        hub_kill(&hub);
        printf("kill %d: %d publishes in flight (sent so far: %d, %d, %d)\n", kill_no, flight,
            pstate[0].sent, pstate[1].sent, pstate[2].sent);
        fprintf(stderr, "  kill %d: %d publishes in flight\n", kill_no, flight);
        usleep(200000);
        hub_start(&hub);
    }
    usleep(1000000);
    atomic_store(&stop_publishing, 1);
    for (int i = 0; i < PUBLISHERS; i++)
        pthread_join(pt[i], NULL);
    /* Let the subscribers catch up on everything stored (bounded). */
    int total = 0;
    for (int i = 0; i < PUBLISHERS; i++)
        total += pstate[i].sent;
    for (int waited = 0; waited < 300; waited++) {
        int behind = 0;
        for (int s = 0; s < SUBSCRIBERS; s++)
            for (int p = 0; p < PUBLISHERS; p++)
                for (int n = 0; n < pstate[p].sent; n++)
                    behind += sstate[s].received[p][n] == 0;
        if (!behind)
            break;
        if (waited % 20 == 0)
            fprintf(stderr, "  waiting for subscribers: %d deliveries behind\n", behind);
        usleep(100000);
    }
    (void)total;
    for (int i = 0; i < SUBSCRIBERS; i++) {
        atomic_store(&sstate[i].stop, 1);
        pthread_join(sthr[i], NULL);
    }
    hub_stop(&hub);

    /* Every publish either got "stored" or was still outstanding when the
     * publisher stopped: the publisher drains its window, so all sent ids
     * must be acknowledged. Check the archive holds each exactly once. */
    char db[300];
    int total_sent = 0;
    for (int i = 0; i < PUBLISHERS; i++) {
        CHECK(pstate[i].failures == 0);
        total_sent += pstate[i].sent;
    }
    snprintf(db, sizeof db, "%s/data/archive.db", hub.dir);
    long long rows = SQL_INT(db,
        "SELECT count(*) FROM messages WHERE topic = 'consular/crash/load'");
    long long distinct = SQL_INT(db,
        "SELECT count(DISTINCT msg_id) FROM messages WHERE topic = 'consular/crash/load'");
    printf("sent %d, archived %lld rows (%lld distinct ids)\n", total_sent, rows, distinct);
    CHECK(total_sent > 100);
    CHECK(rows == distinct);
    CHECK(rows == total_sent);
    for (int s = 0; s < SUBSCRIBERS; s++) {
        int missing = 0, dup = 0;
        for (int p = 0; p < PUBLISHERS; p++)
            for (int n = 0; n < pstate[p].sent; n++) {
                if (sstate[s].received[p][n] == 0)
                    missing++;
                else if (sstate[s].received[p][n] > 1)
                    dup++;
            }
        printf("subscriber %d: %d missing, %d duplicated, %d foreign\n", s, missing, dup,
            sstate[s].bad);
        CHECK(missing == 0);
        CHECK(dup == 0);
        CHECK(sstate[s].bad == 0);
    }
}

/* Publishes n messages one after the other (each its own commit) on a hub
 * of its own run with --sync MODE and the fsync logger, and returns how
 * many times the hub's main thread synced archive.db-wal meanwhile (-1 if
 * something failed). */
static long long
s_wal_syncs_per_publishes(const char *mode, int n)
{
    const char *shim = getenv("ENLACE_FSYNC_COUNT");
    if (!shim) {
        harness_fail(__FILE__, __LINE__, "ENLACE_FSYNC_COUNT is set (run through meson test)");
        return -1;
    }
    hub_t h;
    officer_t o;
    hub_init(&h);
    officer_new(&h, &o, "syncer", "--country MX --network consular --role officer");
    char preload[400], log_env[400], log[300];
    snprintf(log, sizeof log, "%s/fsync.log", h.dir);
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", shim);
    snprintf(log_env, sizeof log_env, "ENLACE_FSYNC_LOG=%s", log);
    h.env[0] = preload;
    h.env[1] = log_env;
    h.extra[0] = "--sync";
    h.extra[1] = mode;
    hub_start(&h);
    long long syncs = -1;
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&h, &o, &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  connect: %s\n", why);
    CHECK(c != NULL);
    if (c) {
        /* The hub's main thread has the process's id; "TID PATH" lines. */
        char count[600];
        snprintf(count, sizeof count, "{ grep -c '^%d .*/archive.db-wal$' '%s' || true; }",
            (int)h.pid, log);
        char out[64];
        CMD(0, out, sizeof out, "%s", count);
        long long before = atoll(out);
        int stored = 0;
        for (int i = 0; i < n; i++) {
            char body[32];
            snprintf(body, sizeof body, "sync %d", i);
            stored += enlace_publish(c, "consular/sync/MX", body, strlen(body), NULL, NULL)
                == ENLACE_OK;
        }
        CMD(0, out, sizeof out, "%s", count);
        CHECK(stored == n);
        syncs = atoll(out) - before;
        long long all = 0;
        CMD(0, out, sizeof out, "wc -l < '%s'", log);
        all = atoll(out);
        printf("--sync %s: %d publishes, each its own commit: %lld syncs of the log by the hub's"
               " thread (%lld syncs in all, checkpoints included, since the start)\n",
            mode, n, syncs, all);
        enlace_close(&c);
    }
    hub_cleanup(&h);
    return syncs;
}

static void
sync_full_syncs_the_log_at_every_commit(void)
{
    enum { N = 40 };
    long long normal = s_wal_syncs_per_publishes("normal", N);
    long long full = s_wal_syncs_per_publishes("full", N);
    CHECK(full >= N);
    CHECK(normal >= 0 && normal < N / 2);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    hub_init(&hub);
    for (int i = 0; i < PUBLISHERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "pub%d", i);
        officer_new(&hub, &pubs[i], name, "--country MX --network consular --role officer");
    }
    for (int i = 0; i < SUBSCRIBERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "sub%d", i);
        officer_new(&hub, &subs[i], name, "--country GT --network consular --role officer");
    }
    hub_start(&hub);
    harness_run("acknowledged_messages_survive_sigkill", acknowledged_messages_survive_sigkill);
    hub_cleanup(&hub);
    harness_run("sync_full_syncs_the_log_at_every_commit", sync_full_syncs_the_log_at_every_commit);
    return harness_finish();
}
