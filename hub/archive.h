/*
 * archive: the hub's SQLite file (WAL): directory, messages, durable
 * subscription cursors and the audit log. All SQL of the hub lives here.
 *
 * One archive_t is one connection and must be used by one thread. Functions
 * return 0 on success and -1 on failure; the reason (with sqlite3_errmsg) is
 * in archive_error(). "Find" functions return 1 found, 0 not found, -1 error.
 */
#ifndef ENLACE_ARCHIVE_H
#define ENLACE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#define ARCHIVE_FILE "archive.db"

typedef struct archive archive_t;

typedef enum {
    ARCHIVE_SYNC_OFF = 0,
    ARCHIVE_SYNC_NORMAL = 1, /* WAL: durable against process crashes, not power loss */
    ARCHIVE_SYNC_FULL = 2,   /* WAL fsync at every commit: survives power loss */
} archive_sync_t;

/* Opens (create=1: creates if missing) and migrates the archive at path.
 * Returns NULL with a reason in err. */
archive_t *archive_open(const char *path, int create, archive_sync_t sync, char *err,
    size_t errlen);
void archive_destroy(archive_t **self_p);
const char *archive_error(const archive_t *self);

/* Runs the directory seed (idempotent INSERT OR IGNORE statements). */
int archive_seed(archive_t *self, const char *sql);

int archive_begin(archive_t *self);
int archive_commit(archive_t *self);
void archive_rollback(archive_t *self);
int archive_in_transaction(const archive_t *self);

/* Changes whenever another connection commits (PRAGMA data_version). */
int archive_data_version(archive_t *self, int64_t *version);

/* ---------------------------------------------------------- directory */

typedef struct {
    const char *name;
    const char *country;   /* member/observer country code, or NULL */
    const char *org;       /* organisation code, or NULL */
    const char *role;      /* officer|focal|ppt|st|observer|admin */
    const char *networks;  /* comma-separated, may be NULL or "" */
    const char *contact;   /* may be NULL */
    const uint8_t *pk;     /* Ed25519 public key, 32 bytes */
    const uint8_t *curve;  /* derived Curve25519 key, 32 bytes */
    const char *fingerprint;
} archive_officer_spec_t;

/* Who the following directory changes on this connection are made by, for
 * the audit log (NULL/0: the local operator). */
void archive_set_actor(archive_t *self, const char *fingerprint, int64_t officer_id);

/* Adds an officer with one key and its memberships, all checked against the
 * directory (known country/org, network, role). Returns the officer id. */
int archive_officer_add(archive_t *self, const archive_officer_spec_t *spec, int64_t *id_out);

/* Revokes a key: 1 revoked now, 0 unknown key, -1 error. Already revoked
 * counts as 1. */
int archive_key_revoke(archive_t *self, const uint8_t pk[32], int64_t now_ms);

/* Adds or changes (role) one membership; removes one. Audited. */
int archive_membership_set(archive_t *self, int64_t officer_id, const char *network,
    const char *role);
/* 1 removed, 0 there was none, -1 error. */
int archive_membership_remove(archive_t *self, int64_t officer_id, const char *network);

/* One row per key, with the officer it belongs to. */
typedef struct {
    int64_t officer_id;
    const char *name;
    const char *country; /* "" if none */
    const char *org;     /* "" if none */
    const char *role;
    const char *networks; /* "net:role,net:role" */
    const uint8_t *pk;    /* 32 bytes */
    const uint8_t *curve; /* 32 bytes */
    const char *fingerprint;
    int64_t valid_from_ms;  /* 0: no bound */
    int64_t valid_until_ms; /* 0: no bound */
    int64_t revoked_ms;     /* 0: not revoked */
} archive_key_row_t;

typedef int (*archive_key_fn)(const archive_key_row_t *row, void *arg);
/* Calls fn for every key; stops early if fn returns non-zero. */
int archive_keys_each(archive_t *self, archive_key_fn fn, void *arg);

/* Looks up the fingerprint of an active key by its Curve25519 key (used by
 * ZAP): 1 found and active, 0 unknown/revoked/expired, -1 error. */
int archive_key_by_curve(archive_t *self, const uint8_t curve[32], int64_t now_ms,
    char *fingerprint, size_t cap, int64_t *officer_id);

/* Fills names[] (comma-separated) of known networks. */
int archive_networks(archive_t *self, char *out, size_t cap);

/* The PPT of a year: 1 found, 0 none, -1 error. Setting it is audited. */
int archive_ppt_set(archive_t *self, int year, const char *country, const char *actor_fp,
    int64_t actor_id);
int archive_ppt_get(archive_t *self, int year, char *country, size_t cap);
typedef int (*archive_ppt_fn)(int year, const char *country, void *arg);
int archive_ppt_each(archive_t *self, archive_ppt_fn fn, void *arg);

/* An observer invitation. */
typedef struct {
    int64_t id;
    const char *grantee;  /* observer organisation or observer country code */
    const char *network;
    const char *patterns; /* comma-separated topic patterns */
    const char *access;   /* "read" or "readwrite" */
    int64_t expires_ms;
    int64_t created_ms;
    const char *created_by;
    int64_t revoked_ms;   /* 0: in force */
} archive_invitation_t;

/* Grants (audited; actor_fp NULL for the local operator). */
int archive_invitation_grant(archive_t *self, const archive_invitation_t *inv,
    const char *actor_fp, int64_t actor_id, int64_t *id_out);
int archive_invitation_revoke(archive_t *self, int64_t id, const char *actor_fp,
    int64_t actor_id);
typedef int (*archive_invitation_fn)(const archive_invitation_t *inv, void *arg);
int archive_invitations_each(archive_t *self, archive_invitation_fn fn, void *arg);

/* ---------------------------------------------------------- messages */

typedef struct {
    uint64_t seq;
    const uint8_t *msg_id; /* 16 bytes */
    const char *topic;
    const char *network;
    int64_t author_id;
    int tlp;
    const char *recipients; /* comma-separated fingerprints or "" */
    int64_t created_ms;
    int64_t stored_ms;
    const uint8_t *content;
    size_t content_len;
    const uint8_t *signature; /* 64 bytes */
    const uint8_t *content_hash; /* 32 bytes, BLAKE2b-256 of content */
} archive_msg_t;

uint64_t archive_last_seq(archive_t *self);
int archive_message_insert(archive_t *self, const archive_msg_t *msg);
/* Finds a message by id: its seq and content hash. */
int archive_message_find(archive_t *self, const uint8_t msg_id[16], uint64_t *seq,
    uint8_t hash[32]);
int64_t archive_message_count(archive_t *self);
/* Calls fn once per network with the number of messages stored in it, in
 * network order (a full scan: for `status`, not for the hub loop). */
typedef int (*archive_count_fn)(const char *network, int64_t count, void *arg);
int archive_message_counts(archive_t *self, archive_count_fn fn, void *arg);

typedef int (*archive_msg_fn)(const archive_msg_t *msg, void *arg);
/* Calls fn for messages with seq > after, in order, at most limit of them. */
int archive_messages_after(archive_t *self, uint64_t after, int limit, archive_msg_fn fn,
    void *arg);

/* ---------------------------------------------------------- subscriptions */

int archive_sub_get(archive_t *self, int64_t officer_id, const char *pattern, uint64_t *cursor);
int archive_sub_put(archive_t *self, int64_t officer_id, const char *pattern, uint64_t cursor);
int archive_sub_delete(archive_t *self, int64_t officer_id, const char *pattern);

/* ---------------------------------------------------------- audit */

/* Appends an audit record. officer_id 0 and fingerprint NULL for the local
 * operator (offline commands). */
int archive_audit(archive_t *self, int64_t officer_id, const char *fingerprint,
    const char *action, const char *outcome, const char *detail);

typedef struct {
    int64_t id;
    int64_t ts_ms;
    int64_t officer_id;
    const char *fingerprint;
    const char *action;
    const char *outcome;
    const char *detail;
} archive_audit_row_t;
typedef int (*archive_audit_fn)(const archive_audit_row_t *row, void *arg);
int archive_audit_each(archive_t *self, archive_audit_fn fn, void *arg);

int64_t archive_now_ms(void);

#endif
