/*
 * replog.c: the replicated log in etcd (see cluster.h): log/INDEX keys,
 * 20-digit zero-padded so that etcd's byte order is the index order; the
 * leader's fenced append; the followers' reads; trimming.
 *
 * An append whose outcome is unknown (etcd did not answer in time, or
 * answered from another endpoint after a first try) is resolved by reading
 * the entry's key back: if it holds exactly these bytes, the entry is in
 * the log, whoever asked for it, and is as committed as any other.
 */
#include "cluster_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"

void
replog_key(const node_t *n, uint64_t index, char *out, size_t cap)
{
    snprintf(out, cap, "%s%020" PRIu64, n->log_prefix, index);
}

uint64_t
replog_index(const node_t *n, const uint8_t *key, size_t len)
{
    size_t plen = strlen(n->log_prefix);
    if (len != plen + 20 || memcmp(key, n->log_prefix, plen) != 0)
        return 0;
    uint64_t v = 0;
    for (size_t i = plen; i < len; i++) {
        if (key[i] < '0' || key[i] > '9')
            return 0;
        uint64_t next = v * 10 + (uint64_t)(key[i] - '0');
        if (next / 10 != v)
            return 0;
        v = next;
    }
    return v;
}

/* Is log/index in etcd exactly bytes? 1 yes, 0 no (absent or other), -1
 * unknown. */
static int
s_holds(node_t *n, const char *key, const uint8_t *bytes, size_t len)
{
    etcd_reply_t r;
    int rc = etcd_range(n->etcd, key, NULL, 0, &r);
    int same = rc != 0
        ? -1
        : r.nkvs == 1 && r.kvs[0].value_len == len && memcmp(r.kvs[0].value, bytes, len) == 0;
    etcd_reply_free(&r);
    return same;
}

int
replog_append(node_t *n, uint64_t index, const uint8_t *bytes, size_t len)
{
    char key[NODE_KEY_MAX + 24];
    replog_key(n, index, key, sizeof key);
    etcd_txn_t *txn = etcd_txn_new();
    if (!txn) {
        n->lost = 1;
        return -1;
    }
    etcd_txn_created(txn, n->leader_key, n->term); /* still ours */
    etcd_txn_created(txn, key, 0);                 /* the index is free */
    etcd_txn_put(txn, 1, key, bytes, len, 0);
    etcd_txn_range(txn, 0, key, NULL, 0);
    etcd_txn_range(txn, 0, n->leader_key, NULL, 0);
    int64_t t0 = node_mono_ms();
    etcd_reply_t r;
    int rc = etcd_txn_run(n->etcd, txn, &r);
    etcd_txn_free(&txn);
    n->last_append_ms = node_mono_ms() - t0;
    int held = 0;
    if (rc == 0 && r.succeeded) {
        held = 1;
    } else if (rc == 0) {
        /* The compares failed: an earlier try of ours may have gone in. */
        for (size_t i = 0; i < r.nkvs; i++)
            if (r.kvs[i].op == 0 && r.kvs[i].value_len == len
                && memcmp(r.kvs[i].value, bytes, len) == 0)
                held = 1;
        if (!held) {
            const etcd_kv_t *lk = NULL;
            for (size_t i = 0; i < r.nkvs; i++)
                if (r.kvs[i].op == 1)
                    lk = &r.kvs[i];
            leader_parse(n, lk);
            log_warn("cluster: entry %" PRIu64 " refused: %s", index,
                !lk || lk->create_revision != n->term ? "this node no longer leads"
                                                      : "the index is taken");
        }
    } else if (rc == ETCD_UNAVAILABLE) {
        log_warn("cluster: entry %" PRIu64 ": %s", index, r.error);
        held = s_holds(n, key, bytes, len) == 1;
    } else {
        log_error("cluster: entry %" PRIu64 " (%zu bytes) refused: %s", index, len, r.error);
    }
    etcd_reply_free(&r);
    if (held) {
        n->entries_written++;
        n->bytes_written += len;
        return 0;
    }
    n->lost = 1;
    return -1;
}

int
replog_follow(node_t *n)
{
    char from[NODE_KEY_MAX + 24], end[NODE_KEY_MAX];
    replog_key(n, n->applied + 1, from, sizeof from);
    etcd_prefix_end(n->log_prefix, end, sizeof end);
    etcd_txn_t *txn = etcd_txn_new();
    if (!txn)
        return -1;
    /* No compares: the success branch always runs, as one linearizable read. */
    etcd_txn_range(txn, 1, n->leader_key, NULL, 0);
    etcd_txn_range(txn, 1, from, end, NODE_READ_BATCH);
    etcd_txn_range(txn, 1, n->log_prefix, end, 1);
    etcd_reply_t r;
    int rc = etcd_txn_run(n->etcd, txn, &r);
    etcd_txn_free(&txn);
    if (rc != 0) {
        etcd_reply_free(&r);
        return -1;
    }
    const etcd_kv_t *lk = NULL;
    n->first_index = 0;
    for (size_t i = 0; i < r.nkvs; i++) {
        if (r.kvs[i].op == 0)
            lk = &r.kvs[i];
        if (r.kvs[i].op == 2)
            n->first_index = replog_index(n, r.kvs[i].key, r.kvs[i].key_len);
    }
    leader_parse(n, lk);
    if (n->first_index > n->applied + 1) {
        snprintf(n->problem, sizeof n->problem,
            "this archive holds the log up to entry %" PRIu64 " but the cluster's log starts at "
            "%" PRIu64 ": restore it from a peer's backup (README: Run three hubs)",
            n->applied, n->first_index);
        n->state = "behind";
        n->caught_up = 0;
        etcd_reply_free(&r);
        return -2;
    }
    int applied = 0;
    for (size_t i = 0; i < r.nkvs; i++) {
        if (r.kvs[i].op != 1)
            continue;
        uint64_t index = replog_index(n, r.kvs[i].key, r.kvs[i].key_len);
        if (index != n->applied + 1) {
            snprintf(n->problem, sizeof n->problem,
                "the cluster's log has no entry %" PRIu64 " (next found: %" PRIu64 ")",
                n->applied + 1, index);
            n->state = "behind";
            etcd_reply_free(&r);
            return -2;
        }
        if (apply_entry(n, index, r.kvs[i].value, r.kvs[i].value_len) != 0) {
            etcd_reply_free(&r);
            return -2;
        }
        applied++;
    }
    /* Nothing past what was applied, as of this read. */
    n->caught_up = !(r.more_ops & 2u);
    etcd_reply_free(&r);
    if (applied)
        n->problem[0] = '\0';
    return applied ? 1 : 0;
}

/* The lowest applied index the nodes report; UINT64_MAX if none did. */
static uint64_t
s_min_applied(node_t *n)
{
    char end[NODE_KEY_MAX];
    etcd_prefix_end(n->nodes_prefix, end, sizeof end);
    etcd_reply_t r;
    uint64_t min = UINT64_MAX;
    if (etcd_range(n->etcd, n->nodes_prefix, end, 0, &r) == 0)
        for (size_t i = 0; i < r.nkvs; i++) {
            json_t *v = json_loadb((const char *)r.kvs[i].value, r.kvs[i].value_len, 0, NULL);
            json_t *a = json_object_get(v, "applied");
            if (json_is_integer(a) && json_integer_value(a) >= 0
                && (uint64_t)json_integer_value(a) < min)
                min = (uint64_t)json_integer_value(a);
            json_decref(v);
        }
    else
        min = 0; /* unknown: delete nothing */
    etcd_reply_free(&r);
    return min;
}

void
replog_trim(node_t *n)
{
    if (n->applied <= NODE_RETAIN_MIN)
        return;
    uint64_t upto = s_min_applied(n); /* every node has up to it */
    if (upto > n->applied - NODE_RETAIN_MIN)
        upto = n->applied - NODE_RETAIN_MIN;
    if (n->applied > NODE_RETAIN_MAX && upto < n->applied - NODE_RETAIN_MAX) {
        log_warn("cluster: a node is more than %d entries behind: trimming the log it still "
                 "needs (it must be restored from a backup)",
            NODE_RETAIN_MAX);
        upto = n->applied - NODE_RETAIN_MAX;
    }
    /* Entries up to upto are not needed by anyone. */
    if (upto == 0 || (n->first_index && upto < n->first_index))
        return;
    char to[NODE_KEY_MAX + 24];
    replog_key(n, upto + 1, to, sizeof to);
    etcd_txn_t *txn = etcd_txn_new();
    if (!txn)
        return;
    etcd_txn_created(txn, n->leader_key, n->term);
    etcd_txn_delete(txn, 1, n->log_prefix, to);
    etcd_reply_t r;
    int rc = etcd_txn_run(n->etcd, txn, &r);
    etcd_txn_free(&txn);
    if (rc == 0 && r.succeeded) {
        int64_t rev = r.revision;
        if (r.deleted)
            log_info("cluster: trimmed %lld entries of the log (up to %" PRIu64 ")",
                (long long)r.deleted, upto);
        n->first_index = upto + 1;
        etcd_reply_free(&r);
        /* Old revisions are history nobody reads: let etcd reclaim them. */
        if (etcd_compact(n->etcd, rev, &r) != 0 && !strstr(r.error, "compacted"))
            log_warn("cluster: compaction: %s", r.error);
    }
    etcd_reply_free(&r);
}
