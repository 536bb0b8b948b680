/*
 * leader.c: the leader key (see cluster.h). Campaign: a transaction that
 * creates the key, under a fresh lease, only if it does not exist; the
 * key's create_revision is then this leader's term, compared by every write
 * it makes. Keep-alive: every quarter of the lease; the lease surely holds
 * until the time the last successful keep-alive was *sent* plus its TTL,
 * so a leader stopped (SIGSTOP, a long pause) past it knows, when it runs
 * again, that it may have lost the key before it looks at anything else.
 */
#include "cluster_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "log.h"

int64_t
node_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
leader_value(const node_t *n, char *out, size_t cap)
{
    json_t *v = json_pack("{s:s,s:s}", "node", n->cl->node, "client", n->client);
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    snprintf(out, cap, "%s", text ? text : "{}");
    free(text);
    json_decref(v);
}

void
leader_parse(node_t *n, const etcd_kv_t *kv)
{
    n->leader_rev = kv ? kv->create_revision : 0;
    n->leader_node[0] = n->leader_client[0] = '\0';
    if (!kv)
        return;
    json_t *v = json_loadb((const char *)kv->value, kv->value_len, 0, NULL);
    json_t *node = json_object_get(v, "node"), *client = json_object_get(v, "client");
    if (json_is_string(node))
        snprintf(n->leader_node, sizeof n->leader_node, "%s", json_string_value(node));
    /* Only an address of the kind the hubs listen on is passed to clients. */
    if (json_is_string(client) && !strncmp(json_string_value(client), "tcp://", 6)
        && !strpbrk(json_string_value(client), " ,\n"))
        snprintf(n->leader_client, sizeof n->leader_client, "%s", json_string_value(client));
    json_decref(v);
}

/* The lease's TTL in whole seconds (etcd counts seconds). */
static int
s_ttl_s(const node_t *n)
{
    return (n->cl->lease_ms + 999) / 1000;
}

int
leader_campaign(node_t *n)
{
    etcd_reply_t r;
    int64_t sent = node_mono_ms();
    int rc = etcd_lease_grant(n->etcd, s_ttl_s(n), &r);
    if (rc != 0) {
        log_warn("cluster: cannot get a lease: %s", r.error);
        etcd_reply_free(&r);
        return -1;
    }
    int64_t lease = r.lease_id, ttl = r.ttl;
    etcd_reply_free(&r);
    char value[512];
    leader_value(n, value, sizeof value);
    etcd_txn_t *txn = etcd_txn_new();
    if (!txn)
        return -1;
    etcd_txn_created(txn, n->leader_key, 0);
    etcd_txn_put(txn, 1, n->leader_key, value, strlen(value), lease);
    etcd_txn_range(txn, 0, n->leader_key, NULL, 0);
    rc = etcd_txn_run(n->etcd, txn, &r);
    etcd_txn_free(&txn);
    if (rc != 0 || !r.succeeded) {
        if (rc == 0 && r.nkvs)
            leader_parse(n, &r.kvs[0]);
        etcd_reply_free(&r);
        etcd_lease_revoke(n->etcd, lease, &r); /* best effort: it would lapse anyway */
        etcd_reply_free(&r);
        return rc == 0 ? 0 : -1;
    }
    /* The key was created by this transaction: its revision is ours. */
    n->term = r.revision;
    etcd_reply_free(&r);
    n->lease_id = lease;
    n->lease_until = sent + ttl * 1000;
    n->next_keepalive = sent + n->cl->lease_ms / 4;
    n->lost = 0;
    n->leader_rev = n->term;
    snprintf(n->leader_node, sizeof n->leader_node, "%s", n->cl->node);
    snprintf(n->leader_client, sizeof n->leader_client, "%s", n->client);
    log_notice("cluster: %s leads cluster %s (term %lld, lease %llds)", n->cl->node, n->cl->name,
        (long long)n->term, (long long)ttl);
    return 1;
}

int
leader_keepalive(node_t *n)
{
    int64_t now = node_mono_ms();
    if (n->lost)
        return -1;
    if (now >= n->lease_until) {
        log_warn("cluster: the lease may have lapsed (no keep-alive answered for %lld ms): "
                 "stepping down",
            (long long)(now - n->lease_until + n->cl->lease_ms));
        n->lost = 1;
        return -1;
    }
    if (now < n->next_keepalive)
        return 0;
    /* No longer than the lease has left: past it the answer is worthless. */
    int left = (int)(n->lease_until - now);
    etcd_set_timeout(n->etcd, left < n->cl->etcd_timeout_ms ? left : 0);
    etcd_reply_t r;
    int rc = etcd_lease_keepalive(n->etcd, n->lease_id, &r);
    etcd_set_timeout(n->etcd, 0);
    if (rc == 0 && r.ttl > 0) {
        n->lease_until = now + r.ttl * 1000;
        n->next_keepalive = now + n->cl->lease_ms / 4;
    } else if (rc == 0 || rc == ETCD_REFUSED) {
        log_warn("cluster: the lease is gone (%s): stepping down", rc == 0 ? "expired" : r.error);
        n->lost = 1;
    } else {
        /* No answer: try again soon, until the lease runs out. */
        log_warn("cluster: keep-alive: %s", r.error);
        n->next_keepalive = now + 100;
    }
    etcd_reply_free(&r);
    return n->lost ? -1 : 0;
}

int
leader_clear_stale(node_t *n)
{
    if (n->leading || !n->leader_rev || strcmp(n->leader_node, n->cl->node) != 0)
        return 0;
    etcd_txn_t *txn = etcd_txn_new();
    if (!txn)
        return 0;
    /* Only that term's key: a newer one (another node's, or a later term of
     * a node wrongly sharing this name) is left alone. */
    etcd_txn_created(txn, n->leader_key, n->leader_rev);
    etcd_txn_delete(txn, 1, n->leader_key, NULL);
    etcd_reply_t r;
    int rc = etcd_txn_run(n->etcd, txn, &r);
    int done = rc == 0 && r.succeeded;
    etcd_reply_free(&r);
    etcd_txn_free(&txn);
    if (done) {
        log_notice("cluster: the leader key still named this node (term %lld), which no "
                   "longer leads: removed",
            (long long)n->leader_rev);
        leader_parse(n, NULL);
    }
    return done;
}

void
leader_resign(node_t *n)
{
    if (!n->term)
        return;
    etcd_reply_t r;
    etcd_txn_t *txn = etcd_txn_new();
    if (txn) {
        etcd_txn_created(txn, n->leader_key, n->term);
        etcd_txn_delete(txn, 1, n->leader_key, NULL);
        etcd_txn_run(n->etcd, txn, &r);
        etcd_reply_free(&r);
        etcd_txn_free(&txn);
    }
    if (n->lease_id) {
        etcd_lease_revoke(n->etcd, n->lease_id, &r);
        etcd_reply_free(&r);
    }
    n->term = 0;
    n->lease_id = 0;
}
