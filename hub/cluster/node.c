/*
 * node.c: a cluster node's life (see cluster.h).
 *
 *   start     the hub key, etcd, the archive (joined to the cluster by name)
 *   follow    answer clients ERR_NOT_LEADER; read and apply the log; report;
 *             when no leader key exists and the archive holds the whole
 *             log, campaign
 *   lead      apply whatever the log still holds, then serve as the hub
 *             does alone (hub_serve) with the replicator at its commit
 *             point, until the lease may have lapsed, a write is refused or
 *             unanswered, or the node is stopped
 *   step down tell the sessions, give the lease up, follow again
 *   stop      as leader: the last batch, then resign so another takes over
 *             at once; as follower: just stop
 *
 * A follower's archive connection is closed while the node leads (the hub
 * opens its own) and opened again when it follows: the hub's connection
 * keeps state in memory (last seq, ledger head, full-text index caches)
 * that entries applied behind its back would make stale.
 */
#include "cluster_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "status.h"

/* ------------------------------------------------------------ the leader's hooks */

/* At the hub's commit point: the batch's changes become the next entry;
 * nothing commits unless etcd holds it. */
static int
s_replicate(void *arg, archive_t *a, const void *changes, size_t len,
    const archive_text_view_t *texts, size_t ntexts)
{
    node_t *n = arg;
    if (n->lost)
        return -1;
    if (len == 0 && ntexts == 0)
        return 0;
    entry_t e = {.index = n->applied + 1,
        .term = n->term,
        .schema = n->schema,
        .written_ms = archive_now_ms(),
        .before_id = n->head_id,
        .changes = changes,
        .changes_len = len};
    memcpy(e.before, n->head, 32);
    if (archive_replica_head(a, &e.after_id, e.after) != 0) {
        log_error("cluster: %s", archive_error(a));
        return -1;
    }
    uint8_t *bytes;
    size_t blen;
    if (entry_encode(&e, texts, ntexts, n->key, &bytes, &blen) != 0) {
        /* Not a reason to step down: the next batch will be smaller. */
        log_error("cluster: a batch of %zu bytes of changes and %zu texts does not fit one "
                  "log entry (at most %d bytes); its requests are refused",
            len, ntexts, ENTRY_MAX);
        return -1;
    }
    int rc = replog_append(n, e.index, bytes, blen);
    free(bytes);
    if (rc != 0)
        return -1;
    if (archive_replica_set_applied(a, e.index) != 0) {
        /* etcd has it, this file will not: follow, and apply it from there. */
        log_error("cluster: %s", archive_error(a));
        n->lost = 1;
        return -1;
    }
    n->pending = e.index;
    n->pending_head_id = e.after_id;
    memcpy(n->pending_head, e.after, 32);
    return 0;
}

static void
s_committed(void *arg, int ok)
{
    node_t *n = arg;
    if (!n->pending)
        return;
    if (ok) {
        n->applied = n->pending;
        n->head_id = n->pending_head_id;
        memcpy(n->head, n->pending_head, 32);
    } else {
        log_error("cluster: entry %" PRIu64 " is in the log but its commit here failed: "
                  "stepping down to apply it from the log",
            n->pending);
        n->lost = 1;
    }
    n->pending = 0;
}

static int
s_tick(void *arg)
{
    node_t *n = arg;
    if (*n->stop)
        return 0; /* the loop ends by itself, through a last commit */
    if (leader_keepalive(n) != 0)
        return 1;
    report_tick(n);
    int64_t now = node_mono_ms();
    if (now >= n->next_trim) {
        replog_trim(n);
        n->next_trim = node_mono_ms() + NODE_TRIM_MS;
    }
    return n->lost;
}

static void
s_status(void *arg, void *object)
{
    report_status(arg, object);
}

/* ------------------------------------------------------------ following */

static int
s_open_archive(node_t *n)
{
    char err[512];
    n->archive = archive_open(n->archive_path, 0, n->cfg->sync, err, sizeof err);
    if (!n->archive) {
        log_error("%s", err);
        return -1;
    }
    if (apply_load_state(n) != 0) {
        log_error("cluster: %s", archive_error(n->archive));
        archive_destroy(&n->archive);
        return -1;
    }
    return 0;
}

/* Reads who leads, alone (a node that cannot apply the log still sends
 * clients there). */
static void
s_read_leader(node_t *n)
{
    etcd_reply_t r;
    if (etcd_range(n->etcd, n->leader_key, NULL, 0, &r) == 0)
        leader_parse(n, r.nkvs ? &r.kvs[0] : NULL);
    etcd_reply_free(&r);
}

/* Follows until this node wins a campaign (1) or is stopped (0); -1 if it
 * cannot (its archive or socket). */
static int
s_follow(node_t *n)
{
    if (!n->archive && s_open_archive(n) != 0)
        return -1;
    redirect_t *server = redirect_start(n);
    if (!server)
        return -1;
    if (!n->stuck)
        n->state = "follower";
    n->leading = 0;
    int64_t next_read = 0, next_campaign = 0;
    int rc = 0;
    while (!*n->stop) {
        int64_t now = node_mono_ms();
        int wait = next_read > now ? (int)(next_read - now) : 0;
        redirect_turn(server, n, wait);
        now = node_mono_ms();
        if (now >= next_read) {
            int got;
            if (n->stuck) {
                /* It cannot apply the log (n->problem): it keeps answering
                 * clients with the leader's address and reporting. */
                s_read_leader(n);
                got = -2;
                next_read = now + 1000;
            } else {
                got = replog_follow(n);
                if (got == -2) {
                    n->stuck = 1;
                    log_error("cluster: this node stops applying the log: %s", n->problem);
                }
                next_read = got == 1 && !n->caught_up ? now
                    : got == -1                       ? now + 4 * NODE_POLL_MS
                                                      : now + NODE_POLL_MS;
            }
            if (got >= 0)
                leader_clear_stale(n);
            if (got >= 0 && !n->leader_rev && n->caught_up && now >= next_campaign) {
                n->state = "candidate";
                int won = leader_campaign(n);
                n->state = "follower";
                if (won == 1) {
                    rc = 1;
                    break;
                }
                /* Lost the race, or no etcd: let the leader settle. */
                next_campaign = node_mono_ms() + (won == 0 ? 200 : 500);
            }
        }
        report_tick(n);
        report_write_status(n);
    }
    redirect_stop(&server);
    return rc;
}

/* Applies what the log still holds after winning: the previous leader's
 * last entries. 0 caught up, -1 not (resign). */
static int
s_catch_up(node_t *n)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        int got = replog_follow(n);
        if (got < 0)
            return -1;
        if (n->caught_up)
            return 0;
    }
    return -1;
}

/* Leads until stopped (0) or until it must step down (1). */
static int
s_lead(node_t *n)
{
    if (s_catch_up(n) != 0) {
        log_error("cluster: won the election but cannot apply the whole log (%s): resigning",
            n->problem[0] ? n->problem : "etcd unavailable");
        leader_resign(n);
        return 1;
    }
    archive_destroy(&n->archive);
    n->leading = 1;
    n->state = "leader";
    n->problem[0] = '\0';
    n->next_trim = node_mono_ms() + NODE_TRIM_MS;
    n->next_report = 0;
    hub_leader_t hooks = {
        .replicator = {.replicate = s_replicate, .committed = s_committed, .arg = n},
        .tick = s_tick,
        .status = s_status,
        .arg = n,
    };
    int rc = hub_serve(n->cfg, n->stop, &hooks);
    n->leading = 0;
    n->state = "follower";
    if (rc == 0 && !n->lost) {
        log_notice("cluster: stopping: giving up the leadership");
        leader_resign(n);
        return 0;
    }
    /* Let another node take over now rather than when the lease runs out
     * (if etcd still hears us; fencing makes it safe either way). */
    if (!n->lost || rc == -1)
        log_warn("cluster: stepping down");
    etcd_reply_t r;
    etcd_set_timeout(n->etcd, 300);
    if (n->lease_id && etcd_lease_revoke(n->etcd, n->lease_id, &r) == 0)
        log_info("cluster: lease given up");
    etcd_reply_free(&r);
    etcd_set_timeout(n->etcd, 0);
    n->lease_id = 0;
    n->term = 0;
    n->lost = 0;
    n->leader_rev = 0;
    n->leader_node[0] = n->leader_client[0] = '\0';
    return 1;
}

/* ------------------------------------------------------------ start and stop */

static int
s_start(node_t *n, const hub_config_t *cfg, volatile sig_atomic_t *stop)
{
    char err[512], kerr[KEYS_ERR_LEN];
    memset(n, 0, sizeof *n);
    n->cfg = cfg;
    n->cl = &cfg->cluster;
    n->stop = stop;
    n->state = "starting";
    n->started_ms = archive_now_ms();
    n->client = n->cl->client[0] ? n->cl->client : cfg->bind;
    log_set_level(cfg->log_level);
    if (keys_init() != 0) {
        log_error("libsodium failed to initialise");
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/hub.secret", cfg->data_dir);
    if (keys_identity_load(path, getenv("ENLACE_HUB_PASSPHRASE"), &n->key, kerr) != 0) {
        log_error("%s (run 'enlace-hub init %s' first?)", kerr, cfg->data_dir);
        return -1;
    }
    memcpy(n->pk, keys_identity_public(n->key), KEYS_PUBLIC_BYTES);
    snprintf(n->prefix, sizeof n->prefix, "/enlace/%s/", n->cl->name);
    snprintf(n->leader_key, sizeof n->leader_key, "%sleader", n->prefix);
    snprintf(n->log_prefix, sizeof n->log_prefix, "%slog/", n->prefix);
    snprintf(n->nodes_prefix, sizeof n->nodes_prefix, "%snodes/", n->prefix);
    snprintf(n->node_key, sizeof n->node_key, "%s%s", n->nodes_prefix, n->cl->node);
    n->etcd = etcd_new(n->cl->etcd, n->cl->etcd_timeout_ms, err, sizeof err);
    if (!n->etcd) {
        log_error("cluster: etcd: %s", err);
        return -1;
    }
    snprintf(n->archive_path, sizeof n->archive_path, "%s/" ARCHIVE_FILE, cfg->data_dir);
    char why[512];
    n->archive = archive_open(n->archive_path, 0, cfg->sync, why, sizeof why);
    if (!n->archive) {
        log_error("%s (run 'enlace-hub init %s', or restore a peer's backup, first)", why,
            cfg->data_dir);
        return -1;
    }
    if (archive_replica_join(n->archive, n->cl->name) != 0 || apply_load_state(n) != 0) {
        log_error("cluster: %s", archive_error(n->archive));
        return -1;
    }
    log_notice("enlace-hub node %s of cluster %s: clients at %s, archive at entry %" PRIu64
               ", etcd %s, lease %d ms",
        n->cl->node, n->cl->name, n->client, n->applied, n->cl->etcd, n->cl->lease_ms);
    return 0;
}

static void
s_finish(node_t *n)
{
    archive_destroy(&n->archive);
    etcd_destroy(&n->etcd);
    keys_identity_destroy(&n->key);
    json_decref(n->health);
    json_decref(n->nodes);
}

int
cluster_run(const hub_config_t *cfg, volatile sig_atomic_t *stop)
{
    node_t node;
    node_t *n = &node;
    int rc = s_start(n, cfg, stop);
    while (rc == 0 && !*stop) {
        int won = s_follow(n);
        if (won < 0) {
            rc = -1;
            break;
        }
        if (won == 0)
            break;
        if (s_lead(n) == 0)
            break;
        if (!n->archive && s_open_archive(n) != 0) {
            rc = -1;
            break;
        }
    }
    /* A stopped node's report says so, so the leader does not wait on it. */
    if (n->etcd) {
        n->state = "stopped";
        n->next_report = 0;
        etcd_set_timeout(n->etcd, 500);
        report_tick(n);
    }
    status_remove(cfg->data_dir);
    s_finish(n);
    return rc == 0 ? 0 : 1;
}
