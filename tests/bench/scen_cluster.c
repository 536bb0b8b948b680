/*
 * scen_cluster.c: the `cluster` scenario: three hubs and three etcd members
 * on this machine (hub/cluster/) against the hub alone, rounds
 * interleaved (alone, cluster, alone, ...; the cluster leads on odd runs),
 * with the ratio of the medians printed after the table.
 *
 * A cluster round: three etcd members (their own data directories, on free
 * ports), one fixture and two clones of it (one hub key, one archive copied
 * before any hub ran), each hub with a [cluster] section; the publishers'
 * libenlace clients list the three hubs and follow the leader. The rate is
 * the ingest scenario's: messages / (last Stored - first publish), each
 * publisher keeping BENCH_WINDOW publishes outstanding. Everything, the
 * three etcd members and the three hubs included, shares the two cores
 * with the clients.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench.h"

#define NODES 3
#define ROW_ALONE1 "cluster: the hub alone, 1 publisher, 1 KiB"
#define ROW_CLUSTER1 "cluster: 3 hubs + 3 etcd, 1 publisher, 1 KiB"
#define ROW_ALONE4 "cluster: the hub alone, 4 publishers, 1 KiB"
#define ROW_CLUSTER4 "cluster: 3 hubs + 3 etcd, 4 publishers, 1 KiB"
#define ROW_ENTRIES "cluster: messages per log entry (4 publishers)"

typedef struct {
    enlace_client_t *c;
    long n;
    pthread_barrier_t *start;
    long failed;
    int64_t first_ns, end_ns;
} pub_t;

static void *
s_publish(void *arg)
{
    pub_t *p = arg;
    pthread_barrier_wait(p->start);
    p->failed = bench_publish_n(p->c, p->n, 1024, BENCH_WINDOW, &p->first_ns);
    p->end_ns = bench_now_ns();
    return NULL;
}

/* The leader's entries written so far (its status file), -1 if unknown. */
static long long
s_entries(const fixture_t *f)
{
    char path[400];
    snprintf(path, sizeof path, "%s/data/status.json", f->hub.dir);
    json_t *st = json_load_file(path, 0, NULL);
    json_t *n = json_object_get(json_object_get(st, "cluster"), "entries_written");
    long long v = json_is_integer(n) ? (long long)json_integer_value(n) : -1;
    json_decref(st);
    return v;
}

/* One cluster round: messages/s, NaN on failure; *per_entry (if not NULL)
 * the messages per log entry the leader wrote. */
static double
s_cluster_round(const bench_opts_t *o, int npub, long total, double *per_entry)
{
    double rate = NAN;
    etcd_cluster_t etcd;
    fixture_t f[NODES];
    char conf[NODES][400], endpoints[256] = "";
    int made = 0;
    enlace_client_t *clients[8] = {0};
    etcd_cluster_init(&etcd, 3);
    for (int i = 0; i < 3; i++)
        etcd_member_start(&etcd, i);
    memset(f, 0, sizeof f);
    if (fixture_new(&f[0], npub, npub) != 0)
        goto out;
    made = 1;
    for (int i = 1; i < NODES; i++, made++)
        if (fixture_clone(&f[i], &f[0]) != 0)
            goto out;
    size_t used = 0;
    for (int i = 0; i < NODES; i++) {
        snprintf(conf[i], sizeof conf[i], "%s/node.conf", f[i].hub.dir);
        FILE *c = fopen(conf[i], "w");
        if (!c)
            goto out;
        fprintf(c, "[cluster]\nname = bench\nnode = n%d\netcd = %s\n", i + 1, etcd.endpoints);
        fclose(c);
        f[i].hub.extra[2] = "--config";
        f[i].hub.extra[3] = conf[i];
        used += (size_t)snprintf(endpoints + used, sizeof endpoints - used, "%s%s", i ? "," : "",
            f[i].hub.endpoint);
    }
    if (!etcd_cluster_healthy(&etcd, 30000)) {
        bench_log("cluster: etcd did not come up");
        goto out;
    }
    for (int i = 0; i < NODES; i++)
        fixture_start(&f[i]);
    for (int i = 0; i < npub; i++) {
        enlace_options_t opts = {.endpoint = endpoints,
            .hub_key_file = f[0].hub.hub_public,
            .key_file = f[0].officers[i].secret,
            .timeout_ms = 20000,
            .client_name = "bench"};
        char why[512];
        if (enlace_connect(&opts, &clients[i], why, sizeof why) != ENLACE_OK) {
            bench_log("cluster: connect: %s", why);
            goto out;
        }
    }
    int leader = -1;
    for (int i = 0; i < NODES; i++)
        if (!strcmp(enlace_hub_endpoint(clients[0]), f[i].hub.endpoint))
            leader = i;
    long long entries0 = leader >= 0 ? s_entries(&f[leader]) : -1;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)npub + 1);
    pub_t pubs[8];
    pthread_t threads[8];
    for (int i = 0; i < npub; i++) {
        pubs[i] = (pub_t){.c = clients[i], .n = total / npub + (i < total % npub), .start = &start};
        if (pthread_create(&threads[i], NULL, s_publish, &pubs[i]) != 0)
            abort();
    }
    pthread_barrier_wait(&start);
    long failed = 0;
    int64_t first = INT64_MAX, last = 0;
    for (int i = 0; i < npub; i++) {
        pthread_join(threads[i], NULL);
        failed += pubs[i].failed;
        first = pubs[i].first_ns < first ? pubs[i].first_ns : first;
        last = pubs[i].end_ns > last ? pubs[i].end_ns : last;
    }
    pthread_barrier_destroy(&start);
    if (failed) {
        bench_log("cluster: %ld of %ld publishes failed", failed, total);
        goto out;
    }
    rate = (double)total / ((double)(last - first) / 1e9);
    if (per_entry && leader >= 0) {
        usleep(2500000); /* the status file is written every 2 s */
        long long entries1 = s_entries(&f[leader]);
        *per_entry = entries0 >= 0 && entries1 > entries0
            ? (double)total / (double)(entries1 - entries0)
            : NAN;
    }
out:
    for (int i = 0; i < 8; i++)
        enlace_close(&clients[i]);
    for (int i = made - 1; i >= 0; i--)
        fixture_destroy(&f[i], o->keep);
    etcd_cluster_cleanup(&etcd);
    return rate;
}

void
scenario_cluster(const bench_opts_t *o)
{
    if (!etcd_available()) {
        bench_text(ROW_CLUSTER1, "etcd is not installed (bash contrib/deps.sh)");
        return;
    }
    long n = ingest_messages(o);
    for (int run = 0; run < o->runs; run++) {
        double per_entry = NAN;
        if (run % 2) {
            bench_record(ROW_CLUSTER1, "msg/s", s_cluster_round(o, 1, n, NULL));
            bench_record(ROW_ALONE1, "msg/s", ingest_round(o, 1, n, 1024, 0));
            bench_record(ROW_CLUSTER4, "msg/s", s_cluster_round(o, 4, n, &per_entry));
            bench_record(ROW_ALONE4, "msg/s", ingest_round(o, 4, n, 1024, 0));
        } else {
            bench_record(ROW_ALONE1, "msg/s", ingest_round(o, 1, n, 1024, 0));
            bench_record(ROW_CLUSTER1, "msg/s", s_cluster_round(o, 1, n, NULL));
            bench_record(ROW_ALONE4, "msg/s", ingest_round(o, 4, n, 1024, 0));
            bench_record(ROW_CLUSTER4, "msg/s", s_cluster_round(o, 4, n, &per_entry));
        }
        bench_record(ROW_ENTRIES, "msg/entry", per_entry);
    }
    bench_note("cluster: %ld messages per run; a cluster round starts three etcd members and "
               "three hubs (one hub key, copies of one archive) on this machine, the clients "
               "list the three hubs and follow the leader; every batch is one etcd "
               "transaction (fenced on the leader key, the index checked free) committed by "
               "a majority of the members before the leader commits and answers Stored; "
               "rounds interleaved with the hub alone (ingest's own rounds)",
        n);
    bench_pair("1 publisher: cluster / alone", ROW_CLUSTER1, ROW_ALONE1);
    bench_pair("4 publishers: cluster / alone", ROW_CLUSTER4, ROW_ALONE4);
}
