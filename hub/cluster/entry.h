/*
 * entry: one log entry of a cluster, the bytes a leader writes to etcd
 * under log/INDEX and every node applies in index order.
 *
 * It carries one batch: the SQLite changeset of the leader's group
 * transaction (every message with the seq and time the leader gave it,
 * acknowledgements, cursors, alert events, directory and admin changes,
 * audit records, the ledger rows that chain them, the full-text index's
 * rows), the ledger head before and after it, and the schema it was made
 * under, signed with the hub key every node of the cluster shares. A
 * follower applies an entry only if the signature verifies, the index is
 * the next one, the schema is its own and its ledger head is the entry's
 * "before"; after applying, its head must be the entry's "after".
 *
 * It also carries the texts the batch adds to the full-text index, which
 * is not in the changeset (each replica indexes them itself: see
 * hub/archive/replica.c).
 *
 * Layout, integers big-endian (ENTRY_HEADER bytes, the changes, the texts,
 * then the signature):
 *   "enlace-entry-v1\0" (16) | index (8) | term (8) | schema (4) |
 *   written_ms (8) | before_id (8) | before (32) | after_id (8) |
 *   after (32) | changes_len (4) | texts_len (4) | 4 zero bytes |
 *   changes | texts | Ed25519 signature (64) over everything before it
 * texts: for each, seq (8) | headline_len (4) | headline (UTF-8, no NUL) |
 *   body_len (4) | body
 * term is the create_revision of the leader key its writer held.
 */
#ifndef ENLACE_CLUSTER_ENTRY_H
#define ENLACE_CLUSTER_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "keys.h"

#define ENTRY_MAGIC "enlace-entry-v1"
#define ENTRY_HEADER 136
#define ENTRY_SIGNATURE 64
/* etcd refuses requests over 1.5 MiB (--max-request-bytes); an entry, with
 * its key and the transaction around it, stays well under. */
#define ENTRY_MAX (1400 * 1024)

typedef struct {
    uint64_t index;
    int64_t term;
    int32_t schema;
    int64_t written_ms;
    int64_t before_id;
    uint8_t before[32];
    int64_t after_id;
    uint8_t after[32];
    const uint8_t *changes; /* decode: points into the decoded buffer */
    size_t changes_len;
    const uint8_t *texts; /* decode: the texts section, checked; see entry_text_next */
    size_t texts_len;
} entry_t;

/* One text of an entry, pointing into it (headline: headline_len bytes,
 * no NUL among them; body: body_len bytes). */
typedef struct {
    uint64_t seq;
    const char *headline;
    size_t headline_len;
    const char *body;
    size_t body_len;
} entry_text_t;

/* Encodes and signs e (its changes) with the texts into *out (malloc'd,
 * the caller frees). 0, or -1 (out of memory, over ENTRY_MAX, or signing
 * failed). */
int entry_encode(const entry_t *e, const archive_text_view_t *texts, size_t ntexts,
    const keys_identity_t *key, uint8_t **out, size_t *len);

/* Walks a decoded entry's texts: *pos starts at 0; 1 with the next text in
 * *t, 0 at the end. */
int entry_text_next(const entry_t *e, size_t *pos, entry_text_t *t);

/* Decodes buf (outside bytes: from etcd) without checking the signature:
 * 0, or -1 with the reason in err. e->changes points into buf. */
int entry_decode(const uint8_t *buf, size_t len, entry_t *e, char *err, size_t errlen);

/* 0 if buf (a whole entry) is signed by pk. */
int entry_verify(const uint8_t *buf, size_t len, const uint8_t pk[KEYS_PUBLIC_BYTES]);

#endif
