/*
 * report.c: what a node tells about the cluster. Every NODE_REPORT_MS it
 * puts nodes/NODE in etcd (its applied index, client address, state: the
 * leader trims the log by them); every NODE_HEALTH_MS it reads the others'
 * reports and asks each etcd member for its status. The "cluster" object of
 * DATA/status.json holds all of it, and `enlace-hub cluster status`,
 * `enlace-hub status` (text, --json, --prometheus) print it: the leader,
 * each node's applied index and lag behind the leader, etcd's members.
 * No secrets, no message contents: names, addresses and counts.
 */
#include "cluster_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "session.h"
#include "status.h"

static void
s_put_report(node_t *n)
{
    json_t *v = json_pack("{s:I,s:s,s:s,s:I,s:I}", "applied", (json_int_t)n->applied, "client",
        n->client, "state", n->state, "ms", (json_int_t)archive_now_ms(), "pid",
        (json_int_t)getpid());
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    etcd_reply_t r;
    if (text && etcd_put(n->etcd, n->node_key, text, strlen(text), 0, &r) != 0)
        log_debug("cluster: report: %s", r.error);
    etcd_reply_free(&r);
    free(text);
    json_decref(v);
}

/* The nodes' reports, as {name: {...}}. */
static json_t *
s_read_reports(node_t *n)
{
    char end[NODE_KEY_MAX];
    etcd_prefix_end(n->nodes_prefix, end, sizeof end);
    etcd_reply_t r;
    if (etcd_range(n->etcd, n->nodes_prefix, end, 0, &r) != 0) {
        etcd_reply_free(&r);
        return NULL;
    }
    json_t *out = json_object();
    size_t plen = strlen(n->nodes_prefix);
    for (size_t i = 0; out && i < r.nkvs; i++) {
        if (r.kvs[i].key_len <= plen)
            continue;
        json_t *v = json_loadb((const char *)r.kvs[i].value, r.kvs[i].value_len, 0, NULL);
        if (json_is_object(v))
            json_object_set(out, (const char *)r.kvs[i].key + plen, v);
        json_decref(v);
    }
    etcd_reply_free(&r);
    return out;
}

/* Each etcd member's status, or why it did not answer. */
static json_t *
s_read_health(node_t *n)
{
    json_t *out = json_array();
    etcd_set_timeout(n->etcd, 300);
    for (int i = 0; out && i < etcd_endpoint_count(n->etcd); i++) {
        etcd_reply_t r;
        int rc = etcd_status(n->etcd, i, &r);
        json_t *m = json_pack("{s:s,s:b}", "endpoint", etcd_endpoint(n->etcd, i), "healthy",
            rc == 0 && r.leader_id != 0);
        if (m && rc == 0) {
            char id[24], leader[24];
            snprintf(id, sizeof id, "%016" PRIx64, r.member_id);
            snprintf(leader, sizeof leader, "%016" PRIx64, r.leader_id);
            json_object_set_new(m, "member", json_string(id));
            json_object_set_new(m, "is_leader", json_boolean(r.member_id == r.leader_id));
            json_object_set_new(m, "version", json_string(r.version));
            json_object_set_new(m, "db_size", json_integer((json_int_t)r.db_size));
            json_object_set_new(m, "raft_index", json_integer((json_int_t)r.raft_index));
        } else if (m) {
            json_object_set_new(m, "error", json_string(r.error));
        }
        if (m)
            json_array_append_new(out, m);
        etcd_reply_free(&r);
    }
    etcd_set_timeout(n->etcd, 0);
    return out;
}

void
report_tick(node_t *n)
{
    int64_t now = node_mono_ms();
    if (now >= n->next_report) {
        s_put_report(n);
        n->next_report = now + NODE_REPORT_MS;
    }
    if (now >= n->next_health) {
        json_t *nodes = s_read_reports(n);
        if (nodes) {
            json_decref(n->nodes);
            n->nodes = nodes;
        }
        json_decref(n->health);
        n->health = s_read_health(n);
        n->next_health = node_mono_ms() + NODE_HEALTH_MS;
    }
}

void
report_status(node_t *n, void *object)
{
    json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I,s:{s:s,s:s},s:I,s:I,s:I}", "name",
        n->cl->name, "node", n->cl->node, "client", n->client, "state", n->state, "leading",
        n->leading, "applied", (json_int_t)n->applied, "first_index", (json_int_t)n->first_index,
        "leader", "node", n->leader_node, "client", n->leader_client, "term",
        (json_int_t)(n->leading ? n->term : n->leader_rev), "entries_written",
        (json_int_t)n->entries_written, "entries_applied", (json_int_t)n->entries_applied);
    if (!c)
        return;
    if (n->problem[0])
        json_object_set_new(c, "problem", json_string(n->problem));
    if (n->leading)
        json_object_set_new(c, "last_append_ms", json_integer((json_int_t)n->last_append_ms));
    /* Each node's applied index and lag behind the most advanced one. */
    json_t *nodes = json_array();
    uint64_t top = n->applied;
    const char *name;
    json_t *v;
    if (n->nodes)
        json_object_foreach((json_t *)n->nodes, name, v)
        {
            json_int_t a = json_integer_value(json_object_get(v, "applied"));
            if (a > 0 && (uint64_t)a > top)
                top = (uint64_t)a;
        }
    if (n->nodes)
        json_object_foreach((json_t *)n->nodes, name, v)
        {
            int self = !strcmp(name, n->cl->node);
            json_int_t a = self ? (json_int_t)n->applied
                                : json_integer_value(json_object_get(v, "applied"));
            json_int_t ms = json_integer_value(json_object_get(v, "ms"));
            json_t *state = json_object_get(v, "state");
            json_array_append_new(nodes,
                json_pack("{s:s,s:I,s:I,s:s,s:I,s:b}", "node", name, "applied", a, "lag",
                    (json_int_t)top - a, "state",
                    self                        ? n->state
                        : json_is_string(state) ? json_string_value(state)
                                                : "",
                    "report_age_ms", self ? (json_int_t)0 : (json_int_t)(archive_now_ms() - ms),
                    "leader", !strcmp(name, n->leader_node)));
        }
    json_object_set_new(c, "nodes", nodes);
    if (n->health)
        json_object_set(c, "etcd", n->health);
    else
        json_object_set_new(c, "etcd", json_array());
    json_object_set_new(object, "cluster", c);
}

static void
s_status_hook(void *arg, void *object)
{
    report_status(arg, object);
}

void
report_write_status(node_t *n)
{
    int64_t now = node_mono_ms();
    if (now < n->next_status)
        return;
    n->next_status = now + STATUS_INTERVAL_MS;
    sessions_t *none = sessions_new();
    if (!none)
        return;
    status_counters_t c = {n->cfg->data_dir, n->cfg->bind, n->started_ms, 0, 0, 0, s_status_hook,
        n};
    status_write(&c, none, NULL, archive_now_ms());
    sessions_destroy(&none);
}

/* ------------------------------------------------------------ printing */

void
cluster_print_status(FILE *out, void *cluster_json)
{
    json_t *c = cluster_json;
    if (!json_is_object(c))
        return;
    json_t *leader = json_object_get(c, "leader");
    const char *ln = json_string_value(json_object_get(leader, "node"));
    fprintf(out, "cluster %s: this node is %s (%s), applied index %lld\n",
        json_string_value(json_object_get(c, "name")),
        json_string_value(json_object_get(c, "node")),
        json_string_value(json_object_get(c, "state")),
        (long long)json_integer_value(json_object_get(c, "applied")));
    if (ln && *ln)
        fprintf(out, "leader: %s at %s (term %lld)\n", ln,
            json_string_value(json_object_get(leader, "client")),
            (long long)json_integer_value(json_object_get(c, "term")));
    else
        fprintf(out, "leader: none known\n");
    json_t *problem = json_object_get(c, "problem");
    if (json_is_string(problem))
        fprintf(out, "problem: %s\n", json_string_value(problem));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c, "nodes"), i, v)
    {
        fprintf(out, "  node %-12s %-9s applied %-10lld lag %-6lld%s\n",
            json_string_value(json_object_get(v, "node")),
            json_string_value(json_object_get(v, "state")),
            (long long)json_integer_value(json_object_get(v, "applied")),
            (long long)json_integer_value(json_object_get(v, "lag")),
            json_is_true(json_object_get(v, "leader")) ? "  (leader)" : "");
    }
    json_array_foreach(json_object_get(c, "etcd"), i, v)
    {
        json_t *err = json_object_get(v, "error");
        if (json_is_true(json_object_get(v, "healthy")))
            fprintf(out, "  etcd %s: healthy%s, %lld bytes\n",
                json_string_value(json_object_get(v, "endpoint")),
                json_is_true(json_object_get(v, "is_leader")) ? " (raft leader)" : "",
                (long long)json_integer_value(json_object_get(v, "db_size")));
        else
            fprintf(out, "  etcd %s: NOT healthy%s%s\n",
                json_string_value(json_object_get(v, "endpoint")), err ? ": " : "",
                err ? json_string_value(err) : "");
    }
}

/* A label value as the exposition format wants it. */
static void
s_label(FILE *out, const char *v)
{
    for (const char *c = v ? v : ""; *c; c++) {
        if (*c == '\\' || *c == '"')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else
            fputc(*c, out);
    }
}

void
cluster_print_prometheus(FILE *out, void *cluster_json)
{
    json_t *c = cluster_json;
    if (!json_is_object(c))
        return;
    fprintf(out,
        "# HELP enlace_cluster_leader 1 if this node leads its cluster.\n"
        "# TYPE enlace_cluster_leader gauge\n");
    fprintf(out, "enlace_cluster_leader %d\n", json_is_true(json_object_get(c, "leading")));
    fprintf(out,
        "# HELP enlace_cluster_applied_index The last log entry this node's archive "
        "holds.\n# TYPE enlace_cluster_applied_index gauge\n");
    fprintf(out, "enlace_cluster_applied_index %lld\n",
        (long long)json_integer_value(json_object_get(c, "applied")));
    size_t i;
    json_t *v;
    fprintf(out,
        "# HELP enlace_cluster_node_lag Entries a node is behind the most advanced "
        "one, as the nodes last reported.\n# TYPE enlace_cluster_node_lag gauge\n");
    json_array_foreach(json_object_get(c, "nodes"), i, v)
    {
        fprintf(out, "enlace_cluster_node_lag{node=\"");
        s_label(out, json_string_value(json_object_get(v, "node")));
        fprintf(out, "\"} %lld\n", (long long)json_integer_value(json_object_get(v, "lag")));
    }
    fprintf(out,
        "# HELP enlace_cluster_node_applied_index A node's last applied entry, as it "
        "last reported.\n# TYPE enlace_cluster_node_applied_index gauge\n");
    json_array_foreach(json_object_get(c, "nodes"), i, v)
    {
        fprintf(out, "enlace_cluster_node_applied_index{node=\"");
        s_label(out, json_string_value(json_object_get(v, "node")));
        fprintf(out, "\"} %lld\n", (long long)json_integer_value(json_object_get(v, "applied")));
    }
    fprintf(out,
        "# HELP enlace_cluster_etcd_healthy 1 if an etcd member answered with a "
        "leader.\n# TYPE enlace_cluster_etcd_healthy gauge\n");
    json_array_foreach(json_object_get(c, "etcd"), i, v)
    {
        fprintf(out, "enlace_cluster_etcd_healthy{endpoint=\"");
        s_label(out, json_string_value(json_object_get(v, "endpoint")));
        fprintf(out, "\"} %d\n", json_is_true(json_object_get(v, "healthy")));
    }
}

/* ------------------------------------------------------------ commands */

int
cluster_cmd(int argc, char **argv)
{
    const char *data = NULL;
    int json = 0;
    int usage = argc < 1 || strcmp(argv[0], "status") != 0;
    for (int i = 1; !usage && i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (argv[i][0] != '-' && !data)
            data = argv[i];
        else
            usage = 1;
    }
    if (usage || !data) {
        fprintf(stderr, "usage: enlace-hub cluster status DATA [--json]\n");
        return 2;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/" STATUS_FILE, data);
    json_error_t jerr;
    json_t *st = json_load_file(path, 0, &jerr);
    json_t *c = json_object_get(st, "cluster");
    int64_t age = archive_now_ms() - (int64_t)json_integer_value(json_object_get(st, "updated_ms"));
    int rc = 0;
    if (!st) {
        fprintf(stderr, "enlace-hub: no status from a running node in %s (%s)\n", data, jerr.text);
        rc = 3;
    } else if (!json_is_object(c)) {
        fprintf(stderr, "enlace-hub: the hub in %s does not run in a cluster\n", data);
        rc = 1;
    } else {
        if (age > STATUS_STALE_MS) {
            fprintf(stderr,
                "enlace-hub: %s was last written %lld s ago: the node is stopped "
                "or stuck; what follows is old\n",
                path, (long long)(age / 1000));
            rc = 3;
        }
        if (json) {
            char *text = json_dumps(c, JSON_INDENT(2) | JSON_SORT_KEYS);
            if (text)
                printf("%s\n", text);
            free(text);
        } else {
            cluster_print_status(stdout, c);
        }
    }
    json_decref(st);
    return rc;
}

int
cluster_archive_member(const char *archive_path, char *name, size_t cap)
{
    char err[512];
    uint64_t applied;
    if (access(archive_path, F_OK) != 0)
        return 0;
    archive_t *a = archive_open_readonly(archive_path, err, sizeof err);
    if (!a) /* an older schema (no cluster_state yet) was never a cluster's */
        return strstr(err, "older than") ? 0 : -1;
    int member = archive_replica_state(a, name, cap, &applied);
    archive_destroy(&a);
    return member;
}

int
cluster_refuse_offline(const char *archive_path, const char *what, FILE *errs)
{
    char name[128];
    int member = cluster_archive_member(archive_path, name, sizeof name);
    if (member < 0)
        fprintf(errs, "enlace-hub: %s cannot be read\n", archive_path);
    if (member != 1)
        return member;
    int export = !strcmp(what, "export") || !strcmp(what, "export-cap");
    fprintf(errs,
        "enlace-hub: %s is a node of cluster '%s': %s here would change this node alone, "
        "behind the cluster's log. Use the same command over the wire, 'enlace admin %s%s...', "
        "with a key of role st or admin (the leader applies it on every node)%s.\n",
        archive_path, name, what, export ? "" : what, export ? "" : " ",
        export ? "; or export from a backup: 'enlace-hub backup DATA FILE' then "
                 "'enlace-hub export FILE'"
               : "");
    return 1;
}
