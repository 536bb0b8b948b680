/*
 * test_cluster: three enlace-hub nodes and three etcd members on loopback
 * (hub/cluster/), driven through libenlace with every hub in the client's
 * endpoint list.
 *
 *   - the leading hub is SIGKILLed three times at random moments under load
 *     from two publishers and a subscriber, and restarted: no acknowledged
 *     message is lost, none is delivered twice, no two different messages
 *     share a seq on any node, every ledger ends equal and verifies; the
 *     failover time (kill to the next "stored") is printed, with the log
 *     trimmed behind the nodes;
 *   - the leader is SIGSTOPped past its lease, another takes over, and on
 *     SIGCONT the old one answers no "stored" and steps down;
 *   - one etcd member down: the cluster still stores; two down: nothing is
 *     "stored"; both back: the waiting publish is stored;
 *   - a follower wiped and restored from a peer's backup catches up and
 *     verifies;
 *   - a flash alert whose leader is killed before its deadline escalates
 *     exactly once per level, on every node.
 *
 * Needs etcd (Debian's etcd-server); skipped (exit 77) without it. Every
 * process it starts is a child it reaps by pid.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "harness.h"

#define NODES 3
#define MEMBERS 3
#define PUBLISHERS 2
#define PER_PUBLISHER 30000
#define WINDOW 32
#define KILLS 3

/* ------------------------------------------------------------ processes */

static etcd_cluster_t etcd;
static hub_t node[NODES];
static char conf[NODES][320];
static char endpoints[256]; /* the hubs, comma-separated: every client's list */
static officer_t pubs[PUBLISHERS], sub, mx, gt, gt2, hn, st;
static char tmp[256]; /* the nodes' configurations */

/* The node that holds the leader key (-1: none within ms). */
static int
s_leader(int ms)
{
    int64_t end = harness_now_ms() + ms;
    do {
        char out[512] = "";
        harness_capture(out, sizeof out,
            "ETCDCTL_API=3 etcdctl --endpoints=%s --command-timeout=1s get /enlace/test/leader "
            "--print-value-only 2>/dev/null",
            etcd.endpoints);
        json_t *v = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
        const char *name = json_string_value(json_object_get(v, "node"));
        int found = -1;
        for (int i = 0; name && i < NODES; i++) {
            char want[8];
            snprintf(want, sizeof want, "n%d", i + 1);
            if (!strcmp(name, want))
                found = i;
        }
        json_decref(v);
        if (found >= 0)
            return found;
        usleep(100000);
    } while (harness_now_ms() < end);
    return -1;
}

static char *
s_db(int i, char *out, size_t cap)
{
    snprintf(out, cap, "%s/data/archive.db", node[i].dir);
    return out;
}

/* A node's applied index, read from its archive (-1: unreadable). */
static long long
s_applied(int i)
{
    char db[320], out[64] = "";
    if (harness_capture(out, sizeof out,
            "sqlite3 -bail -cmd '.timeout 5000' '%s' \"SELECT value FROM cluster_state WHERE "
            "key = 'applied'\" 2>/dev/null",
            s_db(i, db, sizeof db))
        != 0)
        return -1;
    return atoll(out);
}

/* The last ledger record's id and hash, as text. */
static void
s_head(int i, char *out, size_t cap)
{
    char db[320];
    out[0] = '\0';
    harness_capture(out, cap,
        "sqlite3 -bail -cmd '.timeout 5000' '%s' \"SELECT id || ':' || hex(hash) FROM ledger "
        "ORDER BY id DESC LIMIT 1\"",
        s_db(i, db, sizeof db));
}

/* Every running node holds the same index (and it stays so for a moment). */
static int
s_converged(int ms)
{
    int64_t end = harness_now_ms() + ms;
    while (harness_now_ms() < end) {
        long long a = s_applied(0);
        int same = a > 0;
        for (int i = 1; same && i < NODES; i++)
            same = s_applied(i) == a;
        if (same) {
            usleep(300000);
            int still = 1;
            for (int i = 0; still && i < NODES; i++)
                still = s_applied(i) == a;
            if (still)
                return 1;
        }
        usleep(200000);
    }
    for (int i = 0; i < NODES; i++)
        fprintf(stderr, "  node n%d applied %lld\n", i + 1, s_applied(i));
    return 0;
}

/* How many messages node i's full-text index finds for the load's word:
 * the index is not replicated, each node builds it from the texts the log
 * entries carry. -1 if the query fails. */
static long long
s_text_count(int i)
{
    char db[320], out[64] = "";
    if (harness_capture(out, sizeof out,
            "sqlite3 -bail -cmd '.timeout 5000' '%s' \"SELECT count(*) FROM message_text "
            "WHERE message_text MATCH 'load'\" 2>/dev/null",
            s_db(i, db, sizeof db))
        != 0)
        return -1;
    return atoll(out);
}

/* Every node's ledger ends on the same record and verifies, and every
 * node's full-text index finds the same messages. */
static void
s_check_ledgers(void)
{
    char first[200], other[200];
    s_head(0, first, sizeof first);
    CHECK(first[0] != '\0');
    for (int i = 1; i < NODES; i++) {
        s_head(i, other, sizeof other);
        if (strcmp(first, other))
            fprintf(stderr, "  ledger heads differ: n1 %s n%d %s", first, i + 1, other);
        CHECK(strcmp(first, other) == 0);
    }
    long long texts = s_text_count(0);
    CHECK(texts > 0);
    for (int i = 1; i < NODES; i++) {
        long long t = s_text_count(i);
        if (t != texts)
            fprintf(stderr, "  full-text index differs: n1 finds %lld, n%d %lld\n", texts, i + 1,
                t);
        CHECK(t == texts);
    }
    for (int i = 0; i < NODES; i++)
        CMD(0, NULL, 0, "%s verify %s/data 2>&1", getenv("ENLACE_HUB_BIN"), node[i].dir);
}

static enlace_client_t *
s_connect_to(const officer_t *o, const char *where)
{
    enlace_options_t opts = {.endpoint = where,
        .hub_key_file = node[0].hub_public,
        .key_file = o->secret,
        .timeout_ms = 15000,
        .client_name = "test_cluster"};
    enlace_client_t *c = NULL;
    char why[512];
    if (enlace_connect(&opts, &c, why, sizeof why) != ENLACE_OK)
        fprintf(stderr, "  connect %s to %s: %s\n", o->name, where, why);
    return c;
}

static int
s_node_of(const char *endpoint)
{
    for (int i = 0; i < NODES; i++)
        if (!strcmp(node[i].endpoint, endpoint))
            return i;
    return -1;
}

/* ------------------------------------------------------------ load */

typedef struct {
    int index;
    int sent;
    uint64_t ticket_of[PER_PUBLISHER]; /* the ticket each message was sent under */
    uint64_t seq[PER_PUBLISHER];       /* the seq "stored" said, 0: not acknowledged */
    int failed;                        /* answered with an error */
} pub_state_t;

static pub_state_t pstate[PUBLISHERS];
static atomic_int stop_publishing;
static atomic_int stop_receiving;
static atomic_llong last_stored_ms; /* when a publisher last got "stored" */
static atomic_int last_stored_node; /* from which hub */
static atomic_llong stored_total;

typedef struct {
    uint16_t count[PUBLISHERS][PER_PUBLISHER];
    uint64_t seq[PUBLISHERS][PER_PUBLISHER];
    int foreign; /* deliveries not from this test's publishers */
    int reseq;   /* a message delivered again under another seq */
} sub_state_t;

static sub_state_t sstate;

static void
s_make_id(uint8_t id[16], int pub, int n)
{
    memset(id, 0, 16);
    id[0] = 0xC7;
    id[1] = (uint8_t)pub;
    id[2] = (uint8_t)(n >> 16);
    id[3] = (uint8_t)(n >> 8);
    id[4] = (uint8_t)n;
}

static int
s_find_ticket(pub_state_t *p, uint64_t ticket)
{
    /* Tickets grow with each send: a binary search over what was sent. */
    int lo = 0, hi = p->sent - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (p->ticket_of[mid] == ticket)
            return mid;
        if (p->ticket_of[mid] < ticket)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static void *
s_publisher(void *arg)
{
    pub_state_t *p = arg;
    enlace_client_t *c = s_connect_to(&pubs[p->index], endpoints);
    if (!c) {
        p->failed++;
        return NULL;
    }
    char body[64];
    while (!atomic_load(&stop_publishing) || enlace_publish_outstanding(c) > 0) {
        while (!atomic_load(&stop_publishing) && enlace_publish_outstanding(c) < WINDOW
            && p->sent < PER_PUBLISHER) {
            uint8_t id[16];
            s_make_id(id, p->index, p->sent);
            enlace_publish_opts_t opts = {.message_id = id, .created_ms = 1763700000000 + p->sent};
            snprintf(body, sizeof body, "cluster load %d-%d", p->index, p->sent);
            uint64_t ticket;
            if (enlace_publish_async(c, "consular/cluster/load", body, strlen(body), &opts, &ticket)
                != ENLACE_OK)
                break;
            p->ticket_of[p->sent++] = ticket;
        }
        uint64_t ticket, seq;
        int rc = enlace_publish_result(c, &ticket, &seq, 100);
        if (rc == ENLACE_ETIMEDOUT)
            continue;
        int k = s_find_ticket(p, ticket);
        if (rc == ENLACE_OK && k >= 0) {
            p->seq[k] = seq;
            atomic_store(&last_stored_ms, harness_now_ms());
            atomic_store(&last_stored_node, s_node_of(enlace_hub_endpoint(c)));
            atomic_fetch_add(&stored_total, 1);
        } else if (rc != ENLACE_OK) {
            if (p->failed++ < 5)
                fprintf(stderr, "  publisher %d: refused: %s\n", p->index, enlace_last_error(c));
        }
    }
    enlace_close(&c);
    return NULL;
}

static void *
s_subscriber(void *arg)
{
    enlace_client_t *c = arg;
    while (!atomic_load(&stop_receiving)) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 100) != ENLACE_OK)
            continue;
        const uint8_t *id = d->message_id;
        int pub = id[1], n = id[2] << 16 | id[3] << 8 | id[4];
        if (id[0] == 0xC7 && pub < PUBLISHERS && n < PER_PUBLISHER) {
            if (sstate.count[pub][n] && sstate.seq[pub][n] != d->seq)
                sstate.reseq++;
            sstate.count[pub][n]++;
            sstate.seq[pub][n] = d->seq;
        } else {
            sstate.foreign++;
        }
        enlace_delivery_destroy(&d);
    }
    return NULL;
}

static int
s_cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* The first index the log in etcd still holds (0: empty or unknown). */
static long long
s_first_log_index(void)
{
    char out[256] = "";
    harness_capture(out, sizeof out,
        "ETCDCTL_API=3 etcdctl --endpoints=%s get /enlace/test/log/ --prefix --keys-only "
        "--limit 1 2>/dev/null",
        etcd.endpoints);
    const char *slash = strrchr(out, '/');
    return slash ? atoll(slash + 1) : 0;
}

static void
sigkill_the_leader_three_times_under_load(void)
{
    enlace_client_t *subc = s_connect_to(&sub, endpoints);
    CHECK(subc != NULL);
    if (!subc)
        return;
    CHECK_RC(enlace_subscribe(subc, "consular/cluster/#", 0), ENLACE_OK);
    pthread_t sthr, pthr[PUBLISHERS];
    pthread_create(&sthr, NULL, s_subscriber, subc);
    for (int i = 0; i < PUBLISHERS; i++) {
        pstate[i].index = i;
        pthread_create(&pthr[i], NULL, s_publisher, &pstate[i]);
    }
    unsigned seed = (unsigned)time(NULL);
    if (getenv("ENLACE_TEST_SEED"))
        seed = (unsigned)atol(getenv("ENLACE_TEST_SEED"));
    printf("cluster kill loop: seed %u (ENLACE_TEST_SEED to repeat)\n", seed);
    long long failover[KILLS];
    printf("| round | killed (leader) | after (ms) | stored before | next leader | kill to next "
           "\"stored\" (ms) |\n|---|---|---|---|---|---|\n");
    for (int r = 0; r < KILLS; r++) {
        int wait = 1500 + (int)(rand_r(&seed) % 2500);
        usleep((useconds_t)wait * 1000);
        int l = s_leader(5000);
        CHECK(l >= 0);
        if (l < 0)
            break;
        long long before = atomic_load(&stored_total);
        int64_t killed_at = harness_now_ms();
        hub_kill(&node[l]);
        /* The next "stored" from another hub ends the failover. */
        long long took = -1;
        while (harness_now_ms() - killed_at < 20000) {
            if (atomic_load(&last_stored_ms) > killed_at && atomic_load(&last_stored_node) != l) {
                took = atomic_load(&last_stored_ms) - killed_at;
                break;
            }
            usleep(5000);
        }
        CHECK(took >= 0);
        failover[r] = took;
        int next = s_leader(3000);
        printf("| %d | n%d | %d | %lld | n%d | %lld |\n", r + 1, l + 1, wait, before, next + 1,
            took);
        hub_start(&node[l]); /* it comes back as a follower and catches up */
    }
    usleep(1500000);
    atomic_store(&stop_publishing, 1);
    for (int i = 0; i < PUBLISHERS; i++)
        pthread_join(pthr[i], NULL);
    CHECK(s_converged(30000));
    /* The subscriber gets everything acknowledged, once. */
    int64_t t0 = harness_now_ms();
    long long acked = 0, missing = 0, twice = 0;
    for (;;) {
        acked = missing = twice = 0;
        for (int p = 0; p < PUBLISHERS; p++)
            for (int k = 0; k < pstate[p].sent; k++) {
                if (!pstate[p].seq[k])
                    continue;
                acked++;
                missing += sstate.count[p][k] == 0;
                twice += sstate.count[p][k] > 1;
            }
        if (!missing || harness_now_ms() - t0 > 20000)
            break;
        usleep(200000);
    }
    atomic_store(&stop_receiving, 1);
    pthread_join(sthr, NULL);
    enlace_close(&subc);
    printf("acknowledged %lld messages; the subscriber missed %lld, got %lld twice, %d under "
           "another seq\n",
        acked, missing, twice, sstate.reseq);
    CHECK(acked > 1000);
    CHECK(missing == 0);
    CHECK(twice == 0);
    CHECK(sstate.reseq == 0);
    CHECK(sstate.foreign == 0);
    for (int p = 0; p < PUBLISHERS; p++)
        CHECK(pstate[p].failed == 0);

    /* Every node holds every acknowledged message under its seq, and the
     * same (seq, message) pairs as every other node. */
    for (int i = 0; i < NODES; i++) {
        char db[320];
        sqlite3 *h = NULL;
        sqlite3_stmt *q = NULL;
        CHECK(sqlite3_open_v2(s_db(i, db, sizeof db), &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
        sqlite3_busy_timeout(h, 5000);
        CHECK(sqlite3_prepare_v2(h, "SELECT seq FROM messages WHERE msg_id = ?", -1, &q, NULL)
            == SQLITE_OK);
        long long lost = 0, moved = 0;
        for (int p = 0; q && p < PUBLISHERS; p++)
            for (int k = 0; k < pstate[p].sent; k++) {
                if (!pstate[p].seq[k])
                    continue;
                uint8_t id[16];
                s_make_id(id, p, k);
                sqlite3_reset(q);
                sqlite3_bind_blob(q, 1, id, 16, SQLITE_STATIC);
                if (sqlite3_step(q) != SQLITE_ROW)
                    lost++;
                else if ((uint64_t)sqlite3_column_int64(q, 0) != pstate[p].seq[k])
                    moved++;
            }
        sqlite3_finalize(q);
        sqlite3_close(h);
        if (lost || moved)
            fprintf(stderr, "  n%d: %lld acknowledged messages missing, %lld under another seq\n",
                i + 1, lost, moved);
        CHECK(lost == 0 && moved == 0);
    }
    for (int i = 1; i < NODES; i++) {
        char a[320], b[320];
        CHECK(SQL_INT(s_db(0, a, sizeof a),
                  "ATTACH '%s' AS o; SELECT count(*) FROM (SELECT seq, msg_id FROM main.messages "
                  "EXCEPT SELECT seq, msg_id FROM o.messages)",
                  s_db(i, b, sizeof b))
            == 0);
        CHECK(SQL_INT(s_db(i, b, sizeof b),
                  "ATTACH '%s' AS o; SELECT count(*) FROM (SELECT seq, msg_id FROM main.messages "
                  "EXCEPT SELECT seq, msg_id FROM o.messages)",
                  s_db(0, a, sizeof a))
            == 0);
    }
    s_check_ledgers();
    qsort(failover, KILLS, sizeof failover[0], s_cmp_ll);
    printf("failover (kill to the next \"stored\"): p50 %lld ms, max %lld ms over %d kills\n",
        failover[KILLS / 2], failover[KILLS - 1], KILLS);
    /* The log in etcd is trimmed behind the nodes. */
    long long first = 0;
    for (int64_t end = harness_now_ms() + 15000; harness_now_ms() < end && first <= 1;
         usleep(500000))
        first = s_first_log_index();
    printf("the log in etcd starts at entry %lld of %lld\n", first, s_applied(0));
    CHECK(first > 1);
}

/* ------------------------------------------------------------ SIGSTOP */

static void
a_leader_stopped_past_its_lease_answers_nothing_and_steps_down(void)
{
    int l = s_leader(5000);
    CHECK(l >= 0);
    if (l < 0)
        return;
    /* One client sits on the leader alone; another knows every hub. */
    enlace_client_t *alone = s_connect_to(&mx, node[l].endpoint);
    enlace_client_t *any = s_connect_to(&hn, endpoints);
    CHECK(alone && any);
    if (!alone || !any)
        goto out;
    kill(node[l].pid, SIGSTOP);
    int64_t stopped = harness_now_ms();
    uint64_t seq = 0;
    CHECK_RC(enlace_publish(any, "crm/announce", "while the leader sleeps", 23, NULL, &seq),
        ENLACE_OK);
    int now_leader = s_node_of(enlace_hub_endpoint(any));
    printf("stopped n%d; n%d stored seq %llu after %lld ms\n", l + 1, now_leader + 1,
        (unsigned long long)seq, (long long)(harness_now_ms() - stopped));
    CHECK(now_leader >= 0 && now_leader != l);
    /* Sent to the stopped leader: it waits in its socket. */
    uint64_t ticket;
    CHECK_RC(enlace_publish_async(alone, "consular/stop/MX", "sent to a stopped leader", 24, NULL,
                 &ticket),
        ENLACE_OK);
    usleep(300000);
    kill(node[l].pid, SIGCONT);
    /* It must not answer "stored": the publish is stored, but by the leader
     * the old one sends the client to. */
    uint64_t got_ticket = 0, got_seq = 0;
    int rc = enlace_publish_result(alone, &got_ticket, &got_seq, 15000);
    CHECK_RC(rc, ENLACE_OK);
    const char *by = enlace_hub_endpoint(alone);
    printf("the publish sent to the stopped n%d was stored as %llu by %s\n", l + 1,
        (unsigned long long)got_seq, by);
    CHECK(s_node_of(by) != l);
    CHECK(s_leader(3000) != l);
    CMD(0, NULL, 0, "grep -q 'stepping down' %s", node[l].log);
out:
    enlace_close(&alone);
    enlace_close(&any);
    CHECK(s_converged(15000));
    s_check_ledgers();
}

/* ------------------------------------------------------------ etcd down */

static void
one_etcd_member_down_still_stores_two_down_stores_nothing(void)
{
    enlace_client_t *c = s_connect_to(&mx, endpoints);
    CHECK(c != NULL);
    if (!c)
        return;
    uint64_t seq = 0;
    etcd_member_kill(&etcd, 0);
    CHECK_RC(enlace_publish(c, "consular/etcd/MX", "one member down", 15, NULL, &seq), ENLACE_OK);
    printf("one etcd member down: stored %llu\n", (unsigned long long)seq);
    etcd_member_kill(&etcd, 1);
    int64_t t0 = harness_now_ms();
    uint64_t ticket;
    CHECK_RC(enlace_publish_async(c, "consular/etcd/MX", "two members down", 16, NULL, &ticket),
        ENLACE_OK);
    uint64_t got, got_seq = 0;
    int rc = ENLACE_ETIMEDOUT;
    while (harness_now_ms() - t0 < 6000 && rc == ENLACE_ETIMEDOUT)
        rc = enlace_publish_result(c, &got, &got_seq, 200);
    printf("two etcd members down: %s after %lld ms\n",
        rc == ENLACE_ETIMEDOUT ? "nothing stored" : enlace_strerror(rc),
        (long long)(harness_now_ms() - t0));
    CHECK(rc != ENLACE_OK); /* no majority, no "stored" */
    etcd_member_start(&etcd, 0);
    etcd_member_start(&etcd, 1);
    CHECK(etcd_cluster_healthy(&etcd, 20000));
    t0 = harness_now_ms();
    if (rc == ENLACE_ETIMEDOUT) /* still outstanding: stored once etcd is back */
        rc = enlace_publish_result(c, &got, &got_seq, 20000);
    else
        rc = enlace_publish(c, "consular/etcd/MX", "two members down", 16, NULL, &got_seq);
    CHECK_RC(rc, ENLACE_OK);
    printf("etcd back: stored %llu after %lld ms\n", (unsigned long long)got_seq,
        (long long)(harness_now_ms() - t0));
    enlace_close(&c);
    CHECK(s_converged(15000));
    s_check_ledgers();
}

/* ------------------------------------------------------------ a new node */

static void
a_wiped_node_restored_from_a_peer_catches_up_and_verifies(void)
{
    int l = s_leader(5000);
    CHECK(l >= 0);
    if (l < 0)
        return;
    int f = (l + 1) % NODES;
    hub_stop(&node[f]);
    CMD(0, NULL, 0, "rm -f %s/data/archive.db %s/data/archive.db-wal %s/data/archive.db-shm",
        node[f].dir, node[f].dir, node[f].dir);
    /* The operator's way: an online backup of a running peer. */
    CMD(0, NULL, 0, "%s backup %s/data %s/data/archive.db >/dev/null 2>&1",
        getenv("ENLACE_HUB_BIN"), node[l].dir, node[f].dir);
    enlace_client_t *c = s_connect_to(&mx, endpoints);
    CHECK(c != NULL);
    for (int i = 0; c && i < 20; i++)
        CHECK_RC(enlace_publish(c, "consular/rejoin/MX", "while n was away", 16, NULL, NULL),
            ENLACE_OK);
    hub_start(&node[f]);
    for (int i = 0; c && i < 20; i++)
        CHECK_RC(enlace_publish(c, "consular/rejoin/MX", "after it came back", 18, NULL, NULL),
            ENLACE_OK);
    enlace_close(&c);
    CHECK(s_converged(15000));
    s_check_ledgers();
    /* Offline administration of a node is refused: it would bypass the log. */
    char out[1024];
    CMD(1, out, sizeof out, "%s officer list %s/data 2>&1", getenv("ENLACE_HUB_BIN"), node[f].dir);
    CHECK(strstr(out, "enlace admin") != NULL);
    /* So are the calendar and the archive key, pointed to their requests
     * on the wire; reading them is not. */
    CMD(1, out, sizeof out, "%s holiday add %s/data --country MX --date 2027-01-01 2>&1",
        getenv("ENLACE_HUB_BIN"), node[f].dir);
    CHECK(strstr(out, "'enlace admin holiday ...'") != NULL);
    CMD(1, out, sizeof out, "%s zone set %s/data --country MX --zone America/Mexico_City 2>&1",
        getenv("ENLACE_HUB_BIN"), node[f].dir);
    CHECK(strstr(out, "'enlace admin zone ...'") != NULL);
    CMD(1, out, sizeof out, "%s archive-key set %s/data %s 2>&1", getenv("ENLACE_HUB_BIN"),
        node[f].dir, node[f].hub_public);
    CHECK(strstr(out, "'enlace admin archive-key ...'") != NULL);
    CMD(0, out, sizeof out, "%s holiday list %s/data 2>&1", getenv("ENLACE_HUB_BIN"), node[f].dir);
    /* init, which the packaged service runs before every start, leaves a
     * node's archive alone and succeeds. */
    CMD(0, out, sizeof out, "%s init %s/data 2>&1", getenv("ENLACE_HUB_BIN"), node[f].dir);
    CHECK(strstr(out, "nothing to initialise") != NULL);
}

/* ------------------------------------------------------------ the calendar */

/* `enlace admin holiday add` through the leader: replicated like any
 * write, so every node's archive holds it and the ledgers stay equal. */
static void
a_holiday_added_over_the_wire_reaches_every_node(void)
{
    int l = s_leader(15000);
    CHECK(l >= 0);
    if (l < 0)
        return;
    char out[2048];
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/st.profile",
        node[l].endpoint, node[0].hub_public, st.secret, tmp);
    CMD(0, out, sizeof out,
        "%s --profile %s/st.profile admin holiday add --country MX --date 2031-09-16 "
        "--name 'Independencia' 2>&1",
        getenv("ENLACE_CLI_BIN"), tmp);
    CHECK(strstr(out, "added the holiday of MX on 2031-09-16") != NULL);
    CMD(0, out, sizeof out,
        "%s --profile %s/st.profile admin zone set --country MX --zone America/Mexico_City 2>&1",
        getenv("ENLACE_CLI_BIN"), tmp);
    CHECK(s_converged(15000));
    for (int i = 0; i < NODES; i++) {
        CMD(0, out, sizeof out, "%s holiday list %s/data --country MX 2>&1",
            getenv("ENLACE_HUB_BIN"), node[i].dir);
        if (!strstr(out, "2031-09-16  Independencia"))
            fprintf(stderr, "  n%d's holidays: %s", i + 1, out);
        CHECK(strstr(out, "2031-09-16  Independencia") != NULL);
        CMD(0, out, sizeof out, "%s zone list %s/data 2>&1", getenv("ENLACE_HUB_BIN"), node[i].dir);
        CHECK(strstr(out, "America/Mexico_City") != NULL);
    }
    s_check_ledgers();
}

/* ------------------------------------------------------------ escalation */

static void
an_alert_escalates_once_per_level_across_a_failover(void)
{
    enlace_client_t *a = s_connect_to(&mx, endpoints);
    CHECK(a != NULL);
    if (!a)
        return;
    const char *cc[] = {"GT"};
    enlace_alert_t al = {.priority = "flash",
        .category = "disaster",
        .countries = cc,
        .ncountries = 1,
        .headline = "Deslave en la ruta"};
    enlace_publish_opts_t o = {.alert = &al};
    uint64_t id = 0;
    CHECK_RC(enlace_publish(a, "consular/disaster/MX", "Se coordina.", 12, &o, &id), ENLACE_OK);
    enlace_close(&a);
    int l = s_leader(2000);
    CHECK(l >= 0);
    if (l >= 0) {
        hub_kill(&node[l]); /* between the alert and its 4 s deadline */
        usleep(500000);
        hub_start(&node[l]);
    }
    /* Level 1 at about 4 s, level 2 at about 8 s after the alert. */
    int64_t end = harness_now_ms() + 15000;
    char db[320];
    long long n = 0;
    while (harness_now_ms() < end && n < 2) {
        n = SQL_INT(s_db((l + 1) % NODES, db, sizeof db),
            "SELECT count(*) FROM alert_events WHERE alert_seq = %llu AND event = 'escalated'",
            (unsigned long long)id);
        usleep(250000);
    }
    usleep(1500000); /* long enough for a repeat to show */
    CHECK(s_converged(10000));
    for (int i = 0; i < NODES; i++) {
        CHECK(SQL_INT(s_db(i, db, sizeof db),
                  "SELECT count(*) FROM alert_events WHERE alert_seq = %llu AND event = "
                  "'escalated'",
                  (unsigned long long)id)
            == 2);
        CHECK(SQL_INT(s_db(i, db, sizeof db),
                  "SELECT count(*) FROM messages WHERE topic = 'consular/alerts/escalation' AND "
                  "instr(content, 'alert #%llu ') > 0",
                  (unsigned long long)id)
            == 2);
    }
    s_check_ledgers();
}

/* ------------------------------------------------------------ set-up */

static void
s_setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/enlace-cluster-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        exit(2);
    }
    etcd_cluster_init(&etcd, MEMBERS);
    for (int i = 0; i < MEMBERS; i++)
        etcd_member_start(&etcd, i);
    /* The first node's archive, with its officers, is every node's start. */
    hub_init(&node[0]);
    for (int p = 0; p < PUBLISHERS; p++) {
        char name[16];
        snprintf(name, sizeof name, "pub%d", p);
        officer_new(&node[0], &pubs[p], name, "--country MX --network consular --role officer");
    }
    officer_new(&node[0], &sub, "sub", "--country GT --network consular --role officer");
    officer_new(&node[0], &mx, "mx", "--country MX --network consular --role focal");
    officer_new(&node[0], &gt, "gt", "--country GT --network consular --role focal");
    officer_new(&node[0], &gt2, "gt2", "--country GT --network consular --role officer");
    officer_new(&node[0], &hn, "hn", "--country HN --network crm --role focal");
    officer_new(&node[0], &st, "st", "--org ST --role st");
    CMD(0, NULL, 0, "%s ppt set %s/data --country HN 2>&1", getenv("ENLACE_HUB_BIN"), node[0].dir);
    for (int i = 1; i < NODES; i++) {
        hub_t *h = &node[i];
        memset(h, 0, sizeof *h);
        snprintf(h->dir, sizeof h->dir, "/tmp/enlace-test-XXXXXX");
        if (!mkdtemp(h->dir)) {
            perror("mkdtemp");
            exit(2);
        }
        snprintf(h->hub_public, sizeof h->hub_public, "%s/data/hub.public", h->dir);
        snprintf(h->log, sizeof h->log, "%s/hub.log", h->dir);
        snprintf(h->endpoint, sizeof h->endpoint, "tcp://127.0.0.1:%d", harness_free_port());
        /* One hub identity for the cluster; the archive as a consistent copy. */
        CMD(0, NULL, 0,
            "mkdir -m 700 %s/data && cp -p %s/data/hub.secret %s/data/hub.public %s/data/ && "
            "%s backup %s/data %s/data/archive.db >/dev/null",
            h->dir, node[0].dir, node[0].dir, h->dir, getenv("ENLACE_HUB_BIN"), node[0].dir,
            h->dir);
    }
    size_t used = 0;
    for (int i = 0; i < NODES; i++) {
        snprintf(conf[i], sizeof conf[i], "%s/n%d.conf", tmp, i + 1);
        FILE *f = fopen(conf[i], "w");
        if (!f) {
            perror(conf[i]);
            exit(2);
        }
        fprintf(f, "[cluster]\nname = test\nnode = n%d\netcd = %s\nlease = 2s\n", i + 1,
            etcd.endpoints);
        fclose(f);
        node[i].extra[0] = "--config";
        node[i].extra[1] = conf[i];
        node[i].extra[2] = "--deadline";
        node[i].extra[3] = "urgent=30s,flash=4s";
        used += (size_t)snprintf(endpoints + used, sizeof endpoints - used, "%s%s", i ? "," : "",
            node[i].endpoint);
    }
    if (!etcd_cluster_healthy(&etcd, 30000)) {
        fprintf(stderr, "test_cluster: etcd did not come up; its log:\n");
        harness_sh("tail -n 20 %s >&2", etcd.m[0].log);
        exit(2);
    }
    for (int i = 0; i < NODES; i++)
        hub_start(&node[i]);
    if (s_leader(15000) < 0) {
        fprintf(stderr, "test_cluster: no node took the lead\n");
        exit(2);
    }
}

static void
s_teardown(void)
{
    for (int i = 0; i < NODES; i++)
        hub_cleanup(&node[i]);
    etcd_cluster_cleanup(&etcd);
    if (getenv("ENLACE_KEEP_TEST_DIRS"))
        fprintf(stderr, "  kept %s\n", tmp);
    else
        harness_sh("rm -rf '%s'", tmp);
}

int
main(void)
{
    if (!etcd_available()) {
        printf("test_cluster: skipped: etcd is not installed (bash contrib/deps.sh)\n");
        return 77;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    s_setup();
    harness_run("sigkill_the_leader_three_times_under_load",
        sigkill_the_leader_three_times_under_load);
    harness_run("a_leader_stopped_past_its_lease_answers_nothing_and_steps_down",
        a_leader_stopped_past_its_lease_answers_nothing_and_steps_down);
    harness_run("one_etcd_member_down_still_stores_two_down_stores_nothing",
        one_etcd_member_down_still_stores_two_down_stores_nothing);
    harness_run("a_wiped_node_restored_from_a_peer_catches_up_and_verifies",
        a_wiped_node_restored_from_a_peer_catches_up_and_verifies);
    harness_run("a_holiday_added_over_the_wire_reaches_every_node",
        a_holiday_added_over_the_wire_reaches_every_node);
    harness_run("an_alert_escalates_once_per_level_across_a_failover",
        an_alert_escalates_once_per_level_across_a_failover);
    s_teardown();
    return harness_finish();
}
