/*
 * apply.c: one log entry into a follower's archive, with every check (see
 * entry.h): signed with the cluster's hub key, the next index, made under
 * this archive's schema, starting from this archive's ledger head; then
 * its changeset and the index in one transaction, which commits only if
 * the ledger head is the one the entry ended with. A failed check stops
 * the follower (n->problem says why); nothing is skipped or fixed up.
 */
#include "cluster_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

int
apply_load_state(node_t *n)
{
    char name[128];
    if (archive_replica_state(n->archive, name, sizeof name, &n->applied) != 1
        || archive_replica_head(n->archive, &n->head_id, n->head) != 0)
        return -1;
    n->schema = archive_schema_version(n->archive);
    return n->schema < 0 ? -1 : 0;
}

static int
s_stop(node_t *n, const char *state, uint64_t index, const char *what)
{
    snprintf(n->problem, sizeof n->problem, "entry %" PRIu64 ": %s", index, what);
    n->state = state;
    log_error("cluster: %s", n->problem);
    return -1;
}

/* The entry's texts into the full-text index (held by the archive until
 * the transaction commits). */
static int
s_index_texts(archive_t *a, const entry_t *e)
{
    size_t pos = 0;
    entry_text_t t;
    char headline[1024];
    while (entry_text_next(e, &pos, &t)) {
        /* Headlines are at most 200 bytes (the hub checks); one longer is cut,
         * the index being only for searching. */
        size_t h = t.headline_len < sizeof headline ? t.headline_len : sizeof headline - 1;
        memcpy(headline, t.headline, h);
        headline[h] = '\0';
        if (archive_text_index(a, t.seq, headline, t.body, t.body_len) != 0)
            return -1;
    }
    return 0;
}

int
apply_entry(node_t *n, uint64_t index, const uint8_t *bytes, size_t len)
{
    entry_t e;
    char why[200];
    if (entry_decode(bytes, len, &e, why, sizeof why) != 0)
        return s_stop(n, "diverged", index, why);
    if (entry_verify(bytes, len, n->pk) != 0)
        return s_stop(n, "diverged", index,
            "not signed by this node's hub key: every node of a cluster shares one hub key "
            "(hub.secret, hub.public)");
    if (e.index != index || index != n->applied + 1)
        return s_stop(n, "diverged", index, "out of order");
    if (e.schema != n->schema) {
        snprintf(why, sizeof why,
            "made by a hub whose archive schema is %d, this one's is %d: run the same "
            "enlace-hub version on every node",
            (int)e.schema, n->schema);
        return s_stop(n, "diverged", index, why);
    }
    if (e.before_id != n->head_id || memcmp(e.before, n->head, 32) != 0)
        return s_stop(n, "diverged", index,
            "this archive's ledger is not the one the entry follows: restore this node from a "
            "peer's backup (README: Run three hubs)");
    archive_t *a = n->archive;
    int64_t after_id;
    uint8_t after[32];
    if (archive_begin(a) != 0)
        return s_stop(n, "follower", index, archive_error(a));
    if (archive_replica_apply(a, e.changes, e.changes_len) != 0 || s_index_texts(a, &e) != 0
        || archive_replica_set_applied(a, index) != 0
        || archive_replica_head(a, &after_id, after) != 0) {
        snprintf(why, sizeof why, "%s", archive_error(a));
        archive_rollback(a);
        return s_stop(n, "diverged", index, why);
    }
    if (after_id != e.after_id || memcmp(after, e.after, 32) != 0) {
        archive_rollback(a);
        return s_stop(n, "diverged", index,
            "applied, the ledger does not end where the leader's did");
    }
    if (archive_commit(a) != 0)
        return s_stop(n, "follower", index, archive_error(a));
    n->applied = index;
    n->head_id = after_id;
    memcpy(n->head, after, 32);
    n->entries_applied++;
    return 0;
}
