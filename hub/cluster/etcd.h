/*
 * etcd: a small client of etcd's v3 JSON gateway (etcd 3.4): HTTP POSTs of
 * JSON to /v3/kv/range, /v3/kv/txn, /v3/kv/deleterange, /v3/kv/compaction,
 * /v3/lease/grant, /v3/lease/keepalive, /v3/lease/revoke and
 * /v3/maintenance/status, over libcurl, with keys and values in base64 and
 * numbers as strings (the gateway's protobuf JSON mapping), built and read
 * with jansson.
 *
 * One etcd_t is used by one thread. It talks to one endpoint at a time and
 * moves to the next when one cannot be reached. A request that gets no
 * answer in time has an unknown outcome: callers that write make their
 * writes safe to be unknown (transactions with compares).
 *
 * Return values: 0 etcd answered (a transaction whose compares failed is an
 * answer: reply.succeeded is 0); ETCD_UNAVAILABLE no endpoint answered in
 * time (the reply's error says why); ETCD_REFUSED etcd answered with an
 * error (reply.error holds it).
 */
#ifndef ENLACE_CLUSTER_ETCD_H
#define ENLACE_CLUSTER_ETCD_H

#include <stddef.h>
#include <stdint.h>

#define ETCD_UNAVAILABLE (-1)
#define ETCD_REFUSED (-2)
#define ETCD_MAX_ENDPOINTS 9

typedef struct etcd etcd_t;

typedef struct {
    uint8_t *key; /* decoded; owned by the reply; NUL-terminated too */
    size_t key_len;
    uint8_t *value; /* decoded; owned by the reply; NUL-terminated too */
    size_t value_len;
    int64_t create_revision;
    int64_t mod_revision;
    int64_t version;
    int64_t lease;
    int op; /* txn: which response (0-based) it came from */
} etcd_kv_t;

/* What one answer holds, by kind of request; etcd_reply_free releases it. */
typedef struct {
    int64_t revision;   /* header.revision */
    uint64_t member_id; /* header.member_id: who answered */
    int succeeded;      /* txn: the compares held */
    etcd_kv_t *kvs;     /* range's kvs; a txn's range responses', in order */
    size_t nkvs;
    int more;           /* range: more keys past the limit (a txn: any range) */
    uint32_t more_ops;  /* txn: bit i set if range response i had more keys */
    int64_t count;      /* range: keys in the range */
    int64_t deleted;    /* deleterange */
    int64_t lease_id;   /* lease grant, keepalive */
    int64_t ttl;        /* lease grant; keepalive: 0 if the lease is gone */
    uint64_t leader_id; /* status: the raft leader's member id */
    int64_t db_size;    /* status */
    int64_t raft_index; /* status */
    char version[32];   /* status */
    char error[256];    /* etcd's error, or why no answer came */
} etcd_reply_t;

typedef enum {
    ETCD_RANGE,
    ETCD_TXN,
    ETCD_DELETE,
    ETCD_LEASE_GRANT,
    ETCD_KEEPALIVE,
    ETCD_STATUS,
    ETCD_PLAIN, /* put, revoke, compaction: the header only */
} etcd_kind_t;

/* Decodes an answer of kind from the gateway's JSON text (outside bytes:
 * anything may come). 0, or ETCD_REFUSED with the reason in out->error
 * (etcd's error object, or what does not decode). out is always left
 * freeable with etcd_reply_free. */
int etcd_parse(etcd_kind_t kind, const char *text, size_t len, etcd_reply_t *out);
void etcd_reply_free(etcd_reply_t *r);

/* endpoints: comma-separated http://HOST:PORT (at most ETCD_MAX_ENDPOINTS);
 * timeout_ms: how long a request may take in all. NULL with the reason in
 * err. */
etcd_t *etcd_new(const char *endpoints, int timeout_ms, char *err, size_t errlen);
void etcd_destroy(etcd_t **self_p);
int etcd_endpoint_count(const etcd_t *self);
const char *etcd_endpoint(const etcd_t *self, int i);
/* A shorter timeout for the next requests (0: back to the one given). */
void etcd_set_timeout(etcd_t *self, int timeout_ms);

/* ------------------------------------------------------------ transactions */

typedef struct etcd_txn etcd_txn_t;

etcd_txn_t *etcd_txn_new(void);
void etcd_txn_free(etcd_txn_t **txn_p);
/* Compare: the key's create_revision equals rev (0: the key does not exist). */
void etcd_txn_created(etcd_txn_t *txn, const char *key, int64_t rev);
/* Operations, on success (then = 1) or failure (then = 0) of the compares.
 * range_end NULL: the key alone; "" : every key from key on; else up to
 * range_end (excluded). limit 0: no limit. lease 0: none. */
void etcd_txn_put(etcd_txn_t *txn, int then, const char *key, const void *value, size_t len,
    int64_t lease);
void etcd_txn_range(etcd_txn_t *txn, int then, const char *key, const char *range_end,
    int64_t limit);
void etcd_txn_delete(etcd_txn_t *txn, int then, const char *key, const char *range_end);
/* Runs the transaction (which stays the caller's to free). */
int etcd_txn_run(etcd_t *self, etcd_txn_t *txn, etcd_reply_t *out);

/* ------------------------------------------------------------ one-offs */

int etcd_range(etcd_t *self, const char *key, const char *range_end, int64_t limit,
    etcd_reply_t *out);
int etcd_put(etcd_t *self, const char *key, const void *value, size_t len, int64_t lease,
    etcd_reply_t *out);
int etcd_lease_grant(etcd_t *self, int ttl_s, etcd_reply_t *out);
/* out->ttl is 0 when the lease no longer exists. */
int etcd_lease_keepalive(etcd_t *self, int64_t id, etcd_reply_t *out);
int etcd_lease_revoke(etcd_t *self, int64_t id, etcd_reply_t *out);
int etcd_compact(etcd_t *self, int64_t revision, etcd_reply_t *out);
/* The status of endpoint i (not the current one): member, leader, version,
 * database size. */
int etcd_status(etcd_t *self, int i, etcd_reply_t *out);

/* The end of the range of every key that starts with prefix (prefix with
 * its last byte incremented), into out (at least strlen(prefix) + 1). */
void etcd_prefix_end(const char *prefix, char *out, size_t cap);

#endif
