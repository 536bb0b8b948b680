/*
 * archive: the hub's SQLite file (WAL): directory, messages, durable
 * subscription cursors, the audit log, and the hash-chained ledger over the
 * messages, the audit log and the directory. All SQL of the hub lives in
 * hub/archive/, one file per concept (db.c, meta.c, officers.c, messages.c,
 * text.c, subscriptions.c, audit.c, ledger.c, alerts.c, cases.c, stats.c,
 * backup.c, calendar.c, consult.c, replica.c), which share the private
 * archive_int.h.
 *
 * One archive_t is one connection and must be used by one thread. Functions
 * return 0 on success and -1 on failure; the reason (with sqlite3_errmsg) is
 * in archive_error(). "Find" functions return 1 found, 0 not found, -1 error.
 *
 * Each statement is prepared once per connection and reused: a callback
 * (archive_*_fn) may call other archive functions, but not the one it is
 * called from, whose statement it is in the middle of reading.
 */
#ifndef ENLACE_ARCHIVE_H
#define ENLACE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

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
/* Opens an existing archive read-only (verify, export, backup source). Never
 * migrates: an archive at an older schema version is refused with a reason
 * (any read-write command, e.g. `enlace-hub audit DATA`, upgrades it). */
archive_t *archive_open_readonly(const char *path, char *err, size_t errlen);
void archive_destroy(archive_t **self_p);
const char *archive_error(const archive_t *self);

/* Runs the directory seed (idempotent INSERT OR IGNORE statements). */
int archive_seed(archive_t *self, const char *sql);

int archive_begin(archive_t *self);
int archive_commit(archive_t *self);
void archive_rollback(archive_t *self);
int archive_in_transaction(const archive_t *self);

/* One request's part of a group transaction: archive_savepoint opens the
 * transaction if none is open, then a savepoint; release keeps what was
 * written since (the transaction's COMMIT makes it durable), rollback
 * undoes it alone, with the connection's own state (last seq, ledger head,
 * texts waiting to be indexed), leaving the rest of the transaction as it
 * was. Savepoints of requests do not nest. While one is open, functions
 * that make their own transaction (archive_begin ... archive_commit, as the
 * directory's do) stay inside it: archive_commit keeps their writes for the
 * release, archive_rollback undoes the request's. 0, or -1 with
 * archive_error(). */
typedef struct {
    uint64_t last_seq;
    uint8_t head[32];
    int64_t head_id, head_dv;
    size_t ntexts;
} archive_savepoint_t;
int archive_savepoint(archive_t *self, archive_savepoint_t *sp);
int archive_savepoint_release(archive_t *self, const archive_savepoint_t *sp);
int archive_savepoint_rollback(archive_t *self, const archive_savepoint_t *sp);

/* Changes whenever another connection commits (PRAGMA data_version). */
int archive_data_version(archive_t *self, int64_t *version);

/* A read transaction: everything read until archive_read_end sees one
 * snapshot of the file while other connections keep writing (WAL). */
int archive_read_begin(archive_t *self);
void archive_read_end(archive_t *self);

/* ---------------------------------------------------------- directory */

typedef struct {
    const char *name;
    const char *country;  /* member/observer country code, or NULL */
    const char *org;      /* organisation code, or NULL */
    const char *role;     /* officer|focal|ppt|st|observer|admin */
    const char *networks; /* comma-separated, may be NULL or "" */
    const char *contact;  /* may be NULL */
    const uint8_t *pk;    /* Ed25519 public key, 32 bytes */
    const uint8_t *curve; /* derived Curve25519 key, 32 bytes */
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

/* Adds or changes (role) one membership; removes one. Audited, and chained
 * in the ledger as a new state of the officer's directory entry. */
int archive_membership_set(archive_t *self, int64_t officer_id, const char *network,
    const char *role);
/* 1 removed, 0 there was none, -1 error. */
int archive_membership_remove(archive_t *self, int64_t officer_id, const char *network);

/* Adds another key to an officer, optionally valid only from/until a time
 * (0: no bound), e.g. to roll keys over. Audited and chained. */
int archive_key_add(archive_t *self, int64_t officer_id, const uint8_t pk[32],
    const uint8_t curve[32], const char *fingerprint, int64_t valid_from_ms,
    int64_t valid_until_ms);

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

/* The meta table: small named values (e.g. "hub_ed25519", the hub key's hex,
 * so that verify can check the hub's own signed notices, even in a backup).
 * get: 1 found, 0 absent, -1 error. */
int archive_meta_set(archive_t *self, const char *key, const char *value);
int archive_meta_get(archive_t *self, const char *key, char *value, size_t cap);
/* Sets key and audits the change (action, detail) with the acting key
 * (archive_set_actor; none: the local operator), both or neither: inside
 * the caller's transaction, or a transaction of its own. 0 or -1. */
int archive_meta_set_audited(archive_t *self, const char *key, const char *value,
    const char *action, const char *detail);

/* "member", "observer" or NULL (unknown) for a country code; the result is
 * static. */
const char *archive_country_status(archive_t *self, const char *code);

/* Fills names[] (comma-separated) of known networks. */
int archive_networks(archive_t *self, char *out, size_t cap);

/* The PPT of a year: 1 found, 0 none, -1 error. Setting it is audited and
 * chained in the ledger (kind "ppt"). */
int archive_ppt_set(archive_t *self, int year, const char *country, const char *actor_fp,
    int64_t actor_id);
int archive_ppt_get(archive_t *self, int year, char *country, size_t cap);
typedef int (*archive_ppt_fn)(int year, const char *country, void *arg);
int archive_ppt_each(archive_t *self, archive_ppt_fn fn, void *arg);

/* An observer invitation. */
typedef struct {
    int64_t id;
    const char *grantee; /* observer organisation or observer country code */
    const char *network;
    const char *patterns; /* comma-separated topic patterns */
    const char *access;   /* "read" or "readwrite" */
    int64_t expires_ms;
    int64_t created_ms;
    const char *created_by;
    int64_t revoked_ms; /* 0: in force */
} archive_invitation_t;

/* Grants and revokes (audited, actor_fp NULL for the local operator; each
 * chained in the ledger as the invitation's new state, kind "invitation"). */
int archive_invitation_grant(archive_t *self, const archive_invitation_t *inv, const char *actor_fp,
    int64_t actor_id, int64_t *id_out);
int archive_invitation_revoke(archive_t *self, int64_t id, const char *actor_fp, int64_t actor_id);
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
    const uint8_t *signature;    /* 64 bytes */
    const uint8_t *content_hash; /* 32 bytes, BLAKE2b-256 of content */
    uint64_t case_id;            /* 0: none */
    int personal;                /* the content contains personal data */
    int handling;                /* Enlace__Handling */
    /* Signed alone (batch_size 0: the signature covers the content), or one
     * of a batch signed once (common/merkle.h): the signature is the batch
     * root's, kept with each of its messages so that every row proves its
     * author alone; batch_path holds batch_path_len bytes of sibling
     * hashes. */
    uint32_t batch_size;
    uint32_t batch_index;
    const uint8_t *batch_path;
    size_t batch_path_len;
    int sealed; /* the author sealed the content (PROTOCOL.md 6) */
} archive_msg_t;

uint64_t archive_last_seq(archive_t *self);
int archive_message_insert(archive_t *self, const archive_msg_t *msg);
/* Finds a message by id: its seq, content hash and (if stored_ms is not
 * NULL) the time it was stored. 1 found, 0 not, -1 error. */
int archive_message_find(archive_t *self, const uint8_t msg_id[16], uint64_t *seq, uint8_t hash[32],
    int64_t *stored_ms);
int64_t archive_message_count(archive_t *self);
/* Calls fn once per network with the number of messages stored in it, in
 * network order (a full scan: for `status`, not for the hub loop). */
typedef int (*archive_count_fn)(const char *network, int64_t count, void *arg);
int archive_message_counts(archive_t *self, archive_count_fn fn, void *arg);

typedef int (*archive_msg_fn)(const archive_msg_t *msg, void *arg);
/* Calls fn for messages with seq > after, in order, at most limit of them. */
int archive_messages_after(archive_t *self, uint64_t after, int limit, archive_msg_fn fn,
    void *arg);

/* A history query, answered in seq order from whichever index bounds it
 * best (stored time, author, case; else the seq order itself), so that rows
 * outside the filters are not read. Filters are ANDed; 0 / NULL: none. */
typedef struct {
    uint64_t after_seq;  /* seq > after_seq ... */
    uint64_t upto_seq;   /* ... and seq <= upto_seq (the last committed seq) */
    int64_t from_ms;     /* stored_ms >= from_ms */
    int64_t to_ms;       /* stored_ms < to_ms */
    const char *pattern; /* topic_match(pattern, topic) */
    int64_t author_id;   /* author_id = author_id */
    uint64_t case_id;    /* case_id = case_id */
    int limit;           /* at most this many rows to fn */
    int64_t max_read;    /* rows read at most (about), matching or not; 0: no bound */
} archive_query_t;

/* Calls fn (as archive_messages_after does) for the rows matching q, in seq
 * order; fn returning non-zero stops. *examined is the seq up to which
 * (after_seq, *examined] has been looked at: the last row given to fn if fn
 * stopped or q->limit rows were given, else where the read ended (upto_seq
 * unless max_read cut it). *read counts the rows read. 0, or -1 on error
 * (a damaged row is an error, as in archive_messages_after). */
int archive_messages_query(archive_t *self, const archive_query_t *q, archive_msg_fn fn, void *arg,
    uint64_t *examined, int64_t *read);

/* One message row exactly as found in the file, for verification: nothing
 * is trusted, so the lengths are the stored ones (a damaged row may have a
 * msg_id that is not 16 bytes or a signature that is not 64). */
typedef struct {
    archive_msg_t msg;
    size_t msg_id_len;
    size_t signature_len;
    size_t content_hash_len;
    uint8_t record_hash[32]; /* canonical ledger hash recomputed from the row */
} archive_msg_row_t;
/* Reads message seq: 1 found, 0 no such row, -1 error. The row's pointers
 * stay valid until the next archive_message_get or archive_destroy. */
int archive_message_get(archive_t *self, uint64_t seq, archive_msg_row_t *out);

/* Looks up which officer a signing key is registered to: 1 found, 0 the key
 * is not in the directory, -1 error. Revoked keys count (a revocation does
 * not unsign what was signed before it). */
int archive_key_owner(archive_t *self, const uint8_t pk[32], int64_t *officer_id);

/* Records a widened label / lifted handling code for message seq (in the
 * caller's transaction; chained as a "relabel" record). Reads of messages for
 * delivery and history return the latest label. */
int archive_relabel(archive_t *self, uint64_t seq, int tlp, int handling, int64_t officer_id);

/* SQLite's automatic checkpoint threshold for this connection, in pages of
 * write-ahead log (0: never). The hub raises it and checkpoints from its
 * own thread (checkpoint.h). */
void archive_wal_autocheckpoint(archive_t *self, int pages);

/* Full-text index (FTS5, accents folded): adds a message's searchable text.
 * Inside a transaction it is held and indexed by archive_commit, just before
 * the COMMIT (so searches do not see the transaction's messages until then,
 * and a rollback drops it); outside one, at once. */
int archive_text_index(archive_t *self, uint64_t seq, const char *headline, const char *body,
    size_t body_len);
/* Seqs of messages whose headline or body contain every word of query,
 * ascending, in (after_seq, upto_seq], at most limit, into seqs (*n of
 * them). */
int archive_text_search(archive_t *self, const char *query, uint64_t after_seq, uint64_t upto_seq,
    int limit, uint64_t *seqs, int *n);

/* Narrows (*after, *upto] to the messages stored in [from_ms, to_ms) (0: no
 * bound). Stored times never decrease along the sequence (the hub assigns
 * both), so a time window is one range of sequence numbers: found with the
 * stored-time index, whatever the messages' topics or labels. */
int archive_time_range(archive_t *self, int64_t from_ms, int64_t to_ms, uint64_t *after,
    uint64_t *upto);

/* One message by seq: 1 found (fn called), 0 none, -1 error. */
int archive_message_read(archive_t *self, uint64_t seq, archive_msg_fn fn, void *arg);
/* The sealed messages with after_seq < seq <= upto_seq, in order (a partial
 * index: as many rows read as there are sealed messages in the range). fn
 * returning non-zero stops. */
int archive_messages_sealed(archive_t *self, uint64_t after_seq, uint64_t upto_seq,
    archive_msg_fn fn, void *arg);
/* Messages attached to a case, in order. */
int archive_messages_by_case(archive_t *self, uint64_t case_id, archive_msg_fn fn, void *arg);

/* ---------------------------------------------------------- alerts (alerts.c) */

typedef struct {
    uint64_t seq;
    const char *topic;
    const char *network;
    int64_t author_id;
    int priority, category, status, msg_type;
    const char *countries; /* comma-separated */
    const char *headline;
    const char *refs; /* comma-separated seqs */
    uint64_t case_id;
    int needs_ack;
    int64_t expires_ms;
    int64_t stored_ms;
    uint64_t superseded_by;
} archive_alert_t;

typedef struct {
    uint64_t alert_seq;
    const char *country;
    const char *state; /* pending, acknowledged, cancelled, superseded, none */
    int level;
    int64_t deadline_ms;
    int64_t period_ms;
    int64_t acked_by;
    int64_t acked_ms;
    const char *note;
} archive_target_t;

/* Inside the caller's transaction (the message's): the alert row and one
 * target per country (pending with a deadline if it needs acknowledgement). */
int archive_alert_insert(archive_t *self, const archive_alert_t *a, int64_t period_ms);
typedef int (*archive_alert_fn)(const archive_alert_t *a, void *arg);
typedef int (*archive_target_fn)(const archive_target_t *t, void *arg);
int archive_alert_get(archive_t *self, uint64_t seq, archive_alert_fn fn, void *arg);
/* Newest first; open_only: a target is still pending. */
int archive_alerts_each(archive_t *self, int open_only, int limit, archive_alert_fn fn, void *arg);
int archive_alert_targets(archive_t *self, uint64_t seq, archive_target_fn fn, void *arg);
/* Pending targets whose deadline has passed. */
int archive_alert_due(archive_t *self, int64_t now_ms, archive_target_fn fn, void *arg);
/* 1 acknowledged now, 0 it was not pending (already acknowledged, closed, or
 * not concerned), -1 error. */
int archive_alert_ack(archive_t *self, uint64_t seq, const char *country, int64_t officer_id,
    const char *note, int64_t now_ms);
int archive_alert_escalated(archive_t *self, uint64_t seq, const char *country, int level,
    int64_t next_deadline_ms);
/* Closes every pending target of seq as `state` (cancelled / superseded). */
int archive_alert_close(archive_t *self, uint64_t seq, const char *state, uint64_t by_seq);
int archive_alert_event(archive_t *self, uint64_t seq, const char *country, const char *event,
    int64_t officer_id, const char *detail);

/* ---------------------------------------------------------- cases (cases.c) */

typedef struct {
    uint64_t id;
    const char *type;
    const char *network;
    const char *countries;
    const char *title;
    const char *state;
    int64_t opened_by;
    int64_t opened_ms;
    int64_t updated_ms;
    uint64_t form_seq; /* 0: no form */
} archive_case_t;

typedef int (*archive_case_fn)(const archive_case_t *c, void *arg);
int archive_case_open(archive_t *self, const archive_case_t *c, uint64_t *id_out);
int archive_case_get(archive_t *self, uint64_t id, archive_case_fn fn, void *arg);
int archive_cases_each(archive_t *self, const char *type, const char *country, const char *state,
    archive_case_fn fn, void *arg);
/* 1 changed, 0 already in that state, -1 error. Recorded as a case event. */
int archive_case_set_state(archive_t *self, uint64_t id, int open, int64_t officer_id,
    const char *note);
/* Records an event of a case (in the caller's transaction; chained). */
int archive_case_event(archive_t *self, uint64_t case_id, int64_t officer_id, const char *event,
    const char *note);
typedef int (*archive_case_event_fn)(int64_t ts_ms, int64_t officer_id, const char *event,
    const char *note, void *arg);
int archive_case_events(archive_t *self, uint64_t id, archive_case_event_fn fn, void *arg);

/* ---------------------------------------------------------- calendar (calendar.c)
 *
 * The consultation's calendar: the IANA zone of each member country and its
 * holidays. Changes are audited with the acting key (NULL/0: the local
 * operator, or the connection's actor) and recorded in the ledger with the
 * reference data. */

/* A member country's zone: 1 found, 0 none, -1 error. */
int archive_zone_get(archive_t *self, const char *country, char *zone, size_t cap);
/* Sets it. The country must be a member; the zone is stored as given (the
 * caller checks that the zone database has it). */
int archive_zone_set(archive_t *self, const char *country, const char *zone, const char *actor_fp,
    int64_t actor_id);
/* Every member country, in code order, with its zone ("" if none). */
typedef int (*archive_zone_fn)(const char *country, const char *zone, void *arg);
int archive_zones_each(archive_t *self, archive_zone_fn fn, void *arg);
/* A holiday of a member country on date (YYYY-MM-DD, checked by the
 * caller): 1 added, 0 that day already is one (unchanged), -1 error. */
int archive_holiday_add(archive_t *self, const char *country, const char *date, const char *name,
    const char *actor_fp, int64_t actor_id);
/* 1 removed, 0 there was none, -1 error. */
int archive_holiday_remove(archive_t *self, const char *country, const char *date,
    const char *actor_fp, int64_t actor_id);
/* A country's holidays (NULL: every country's), by country and date. */
typedef int (
    *archive_holiday_fn)(const char *country, const char *date, const char *name, void *arg);
int archive_holidays_each(archive_t *self, const char *country, archive_holiday_fn fn, void *arg);

/* ---------------------------------------------------------- consultations (consult.c)
 *
 * The PPT's written consultation. Every write is in the caller's
 * transaction (the publish's or the timer's request) and writes an event,
 * chained in the ledger (kind "consult_event"). Stages: 0 the Troika, 1
 * round 1, 2 round 2. */

typedef struct {
    uint64_t id; /* the seq of the opening message */
    const char *title;
    int64_t opened_by;
    int64_t opened_ms;
    const char *ppt;    /* the PPT country that opened it */
    const char *troika; /* its Troika's countries, comma-separated */
    const char *state;  /* open, closed */
    int stage;
    int version;         /* the latest text's number */
    const char *outcome; /* "", consensus, no-consensus */
    const char *reason;
    int64_t closed_ms;
    int64_t updated_ms;
} archive_consult_t;

/* One country in one stage: its deadline and the reminders' progress. */
typedef struct {
    uint64_t consultation;
    int stage;
    const char *country;
    const char *zone;
    int64_t opened_ms;
    int64_t deadline_ms; /* 0: none (the Troika) */
    const char *state;   /* pending, answered, no-answer, no-objection, closed */
    int step;            /* notices sent: 1 reminder, 2 last day, 3 deadline, 4 the ST */
    int64_t due_ms;      /* when the next step is due (0: none) */
    int64_t reminder_ms, last_day_ms, escalate_ms; /* the schedule (bizday.h) */
} archive_consult_target_t;

typedef struct {
    int64_t id;
    uint64_t consultation;
    int stage;
    const char *country;
    const char *answer; /* agree, object, no-objection, comments, objection */
    uint64_t seq;       /* the signed answer */
    int64_t officer_id;
    int version; /* the text it answers */
    int64_t ts_ms;
    int late; /* after the country's deadline */
} archive_consult_answer_t;

typedef struct {
    int64_t ts_ms;
    const char *event;
    int stage;
    const char *country;
    int64_t officer_id; /* 0: the hub */
    uint64_t seq;       /* the message of the step, or the hub's notice (0: none) */
    const char *detail;
} archive_consult_event_t;

typedef int (*archive_consult_fn)(const archive_consult_t *c, void *arg);
typedef int (*archive_consult_target_fn)(const archive_consult_target_t *t, void *arg);
typedef int (*archive_consult_answer_fn)(const archive_consult_answer_t *a, void *arg);
typedef int (*archive_consult_event_fn)(const archive_consult_event_t *e, void *arg);
typedef int (
    *archive_consult_version_fn)(int version, int stage, uint64_t seq, int64_t ts_ms, void *arg);

/* Opens consultation c (c->id: the opening message's seq, its text version
 * 1, stage 0) with one target per Troika country. */
int archive_consult_open(archive_t *self, const archive_consult_t *c, uint64_t seq,
    const archive_consult_target_t *targets, size_t ntargets);
/* Moves an open consultation to stage (1: advanced, 2: revised) with text
 * `version` (message seq) and its targets; the earlier stage's reminders
 * stop. */
int archive_consult_stage(archive_t *self, uint64_t id, int stage, int version, uint64_t seq,
    int64_t officer_id, int64_t now_ms, const archive_consult_target_t *targets, size_t ntargets);
/* Closes an open consultation (the report: message seq). */
int archive_consult_close(archive_t *self, uint64_t id, int stage, const char *outcome,
    const char *reason, uint64_t seq, int64_t officer_id, int64_t now_ms);
/* 1 found (fn called), 0 none, -1 error. */
int archive_consult_get(archive_t *self, uint64_t id, archive_consult_fn fn, void *arg);
/* Newest first; open_only: not closed. */
int archive_consults_each(archive_t *self, int open_only, int limit, archive_consult_fn fn,
    void *arg);
int archive_consult_versions(archive_t *self, uint64_t id, archive_consult_version_fn fn,
    void *arg);
/* By stage, then country. */
int archive_consult_targets(archive_t *self, uint64_t id, archive_consult_target_fn fn, void *arg);
/* Targets with a step due at or before now_ms, soonest first (at most 256). */
int archive_consult_due(archive_t *self, int64_t now_ms, archive_consult_target_fn fn, void *arg);
/* A target's step taken: its new state, step and next due time, and the
 * event (reminded, deadline, escalated) with the hub's notice seq (0: none
 * sent). */
int archive_consult_target_step(archive_t *self, uint64_t id, int stage, const char *country,
    const char *state, int step, int64_t due_ms, const char *event, uint64_t seq,
    const char *detail);
/* Records an answer; its target becomes answered with this step and due
 * time (0: nothing more due). */
int archive_consult_answer(archive_t *self, const archive_consult_answer_t *a, int step,
    int64_t due_ms);
/* Every answer, in the order given. */
int archive_consult_answers(archive_t *self, uint64_t id, archive_consult_answer_fn fn, void *arg);
int archive_consult_event(archive_t *self, uint64_t id, const char *event, int stage,
    const char *country, int64_t officer_id, uint64_t seq, const char *detail);
int archive_consult_events(archive_t *self, uint64_t id, archive_consult_event_fn fn, void *arg);

/* ---------------------------------------------------------- statistics */

/* The ST's figures over [from_ms, to_ms): fn(section, key, value) for each,
 * sections in a fixed order (stats.c). */
typedef void (*archive_stat_fn)(const char *section, const char *key, int64_t value, void *arg);
int archive_stats(archive_t *self, int64_t from_ms, int64_t to_ms, archive_stat_fn fn, void *arg);
/* The consultations' part of them (consult.c): opened and closed by
 * outcome; per country and stage ("GT round 1"), the countries addressed,
 * the share that answered, the share that answered by the deadline, and the
 * median time to the first answer. */
int archive_consult_stats(archive_t *self, int64_t from_ms, int64_t to_ms, archive_stat_fn fn,
    void *arg);

/* ---------------------------------------------------------- subscriptions */

int archive_sub_get(archive_t *self, int64_t officer_id, const char *pattern, uint64_t *cursor);
int archive_sub_put(archive_t *self, int64_t officer_id, const char *pattern, uint64_t cursor);
int archive_sub_delete(archive_t *self, int64_t officer_id, const char *pattern);

/* ---------------------------------------------------------- audit */

/* Appends an audit record. officer_id 0 and fingerprint NULL for the local
 * operator (offline commands). */
int archive_audit(archive_t *self, int64_t officer_id, const char *fingerprint, const char *action,
    const char *outcome, const char *detail);

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
/* Reads audit row id into out and its recomputed canonical hash: 1 found,
 * 0 no such row, -1 error. Pointers valid until the next call. */
int archive_audit_get(archive_t *self, int64_t id, archive_audit_row_t *out,
    uint8_t record_hash[32]);

/* ---------------------------------------------------------- ledger
 *
 * Every record is chained in the `ledger` table in the transaction that
 * writes it (see the comment at the top of hub/cmd/ledger.c for exactly what
 * is hashed and how to check it by hand):
 *
 *   content_hash = BLAKE2b-256(canonical encoding of the record)
 *   hash         = BLAKE2b-256(B(prev_hash) B(kind) I(ref) I(ts_ms) B(content_hash))
 *
 * Kinds written here: "message" (ref = seq), "audit" (ref = audit id),
 * "officer" (ref = officer id; the officer row, its keys and memberships
 * after every change to any of them: add, key revocation, membership set
 * and removal), "ppt" (ref = year; the year's PPT row after every ppt set),
 * "invitation" (ref = invitation id; its row after the grant and after the
 * revocation) and "reference" (ref 0; the countries, organisations,
 * networks, country zones and holidays tables, whenever the seed or a
 * calendar command changes them). alerts.c and consult.c chain their event
 * logs ("alert_event", "consult_event").
 */
#define ARCHIVE_HASH_BYTES 32
#define ARCHIVE_KIND_MESSAGE "message"
#define ARCHIVE_KIND_AUDIT "audit"
#define ARCHIVE_KIND_OFFICER "officer"
#define ARCHIVE_KIND_PPT "ppt"
#define ARCHIVE_KIND_INVITATION "invitation"
#define ARCHIVE_KIND_REFERENCE "reference"

/* Canonical encoding of a record: a sequence of fields, each one of
 *   I(v)  'i' then v as 8 bytes, big-endian two's complement
 *   B(b)  'b' then len(b) as 4 bytes big-endian, then b
 *   N     'n' (an SQL NULL)
 * beginning with B(kind). Text is B of its UTF-8 bytes, without NUL. */
typedef struct {
    crypto_generichash_state state; /* BLAKE2b-256 over the fields so far */
} archive_canon_t;

void archive_canon_init(archive_canon_t *c, const char *kind);
void archive_canon_int(archive_canon_t *c, int64_t v);
void archive_canon_bytes(archive_canon_t *c, const void *p, size_t len);
void archive_canon_text(archive_canon_t *c, const char *s); /* NULL: N */
void archive_canon_null(archive_canon_t *c);
void archive_canon_final(archive_canon_t *c, uint8_t out[ARCHIVE_HASH_BYTES]);

/* The chain link: BLAKE2b-256(B(prev) B(kind) I(ref) I(ts_ms) B(content_hash)). */
void archive_chain_hash(const uint8_t prev[ARCHIVE_HASH_BYTES], const char *kind, int64_t ref,
    int64_t ts_ms, const uint8_t content_hash[ARCHIVE_HASH_BYTES], uint8_t out[ARCHIVE_HASH_BYTES]);

/* Appends a record to the ledger, chained to the current head.
 *
 * For records of a new kind (acknowledgements, ...): call it in the same
 * transaction as the INSERT of the record itself (archive_begin ...
 * archive_commit, or inside your own archive_* function), with ref the row id
 * or sequence of that record in its table and content_hash its canonical
 * encoding (archive_canon_*: B(kind) first, then every column in table
 * order). If called outside a transaction it wraps itself in one, which
 * makes the record and its ledger entry separately atomic: do not do that.
 * Then teach `enlace-hub verify` (hub/cmd/ledger.c) to recompute the hash
 * from the row; until then verify checks such records' chain links only and
 * says so. Rolling the transaction back restores the in-memory head.
 * Returns 0, or -1 with archive_error(). */
int archive_ledger_append(archive_t *self, const char *kind, int64_t ref,
    const uint8_t content_hash[ARCHIVE_HASH_BYTES]);

/* The head of the chain as this connection last saw it: id 0 and 32 zero
 * bytes for an empty ledger. */
void archive_ledger_head(const archive_t *self, int64_t *id, uint8_t hash[ARCHIVE_HASH_BYTES]);

typedef struct {
    int64_t id;
    const char *kind;
    int64_t ref;
    int64_t ts_ms;
    const uint8_t *content_hash; /* *_len bytes as stored (32 unless damaged) */
    size_t content_hash_len;
    const uint8_t *prev_hash;
    size_t prev_hash_len;
    const uint8_t *hash;
    size_t hash_len;
} archive_ledger_row_t;
typedef int (*archive_ledger_fn)(const archive_ledger_row_t *row, void *arg);
/* Calls fn for every ledger record in id order; stops if fn returns non-zero.
 * fn may call the archive_*_get functions meanwhile. */
int archive_ledger_each(archive_t *self, archive_ledger_fn fn, void *arg);

/* Recomputes an officer's directory entry hash from the rows as they are now
 * (officer row, keys ordered by ed25519, memberships ordered by network):
 * 1 found, 0 no such officer, -1 error. */
int archive_officer_hash(archive_t *self, int64_t officer_id, uint8_t out[ARCHIVE_HASH_BYTES]);
/* The same for the PPT of a year and for an invitation (its row as it is
 * now, revoked or not): 1 found, 0 no such row, -1 error. */
int archive_ppt_hash(archive_t *self, int64_t year, uint8_t out[ARCHIVE_HASH_BYTES]);
int archive_invitation_hash(archive_t *self, int64_t id, uint8_t out[ARCHIVE_HASH_BYTES]);
/* Any directory entry by its ledger kind (officer, ppt, invitation). */
int archive_directory_hash(archive_t *self, const char *kind, int64_t ref,
    uint8_t out[ARCHIVE_HASH_BYTES]);
/* Recomputes the hash of the reference tables as they are now. */
int archive_reference_hash(archive_t *self, uint8_t out[ARCHIVE_HASH_BYTES]);

/* Calls fn(kind, ref) for every message, audit row, officer, PPT year and
 * invitation that has no ledger record (written behind the hub's back),
 * ordered by kind and ref. */
typedef int (*archive_unledgered_fn)(const char *kind, int64_t ref, void *arg);
int archive_unledgered_each(archive_t *self, archive_unledgered_fn fn, void *arg);

/* ---------------------------------------------------------- backup */

/* Copies the whole archive into the SQLite file at dest_path (which must be
 * empty or not exist) with the online backup API, `pages` pages per step and
 * sleep_ms between steps so writers keep going; the copy is one consistent
 * snapshot (a read transaction is held on this connection throughout) and
 * is left in rollback-journal mode, a single self-contained file. */
int archive_backup(archive_t *self, const char *dest_path, int pages, int sleep_ms);

/* ---------------------------------------------------------- replication (replica.c)
 *
 * A cluster node's archive is one replica (hub/cluster/). The leader's
 * connection records every write transaction as an SQLite changeset and
 * commits only what the replicator says the cluster's log holds; followers
 * apply the log's changesets in order. Each node keeps, in cluster_state
 * (neither replicated nor chained), its cluster's name and the index of the
 * last log entry its file holds, written in that entry's transaction.
 */
/* A message's text for the full-text index, as the transaction holds it
 * until its commit (archive_text_index). */
typedef struct {
    uint64_t seq;
    const char *headline;
    const char *body; /* body_len bytes */
    size_t body_len;
} archive_text_view_t;

typedef struct {
    /* Called by archive_commit before COMMIT with the transaction's
     * changeset (len 0: it changed no row) and the texts it indexes: the
     * full-text index is not in the changeset (it is derived, and FTS5's
     * merges rewrite old segments: a batch's share of it has no bound),
     * each replica indexes the texts itself. 0: commit (the applied index
     * may be written with archive_replica_set_applied first); non-zero:
     * roll back, and archive_commit fails. */
    int (*replicate)(void *arg, archive_t *a, const void *changes, size_t len,
        const archive_text_view_t *texts, size_t ntexts);
    /* After the COMMIT that followed a replicate returning 0: ok 1, or 0 if
     * that COMMIT failed (the log holds what the file does not). May be
     * NULL. */
    void (*committed)(void *arg, int ok);
    void *arg;
} archive_replicator_t;

/* From now on this connection replicates (outside a transaction): every
 * write transaction is recorded and goes through r at its commit, and any
 * other commit (an autocommit write, a savepoint opening its own
 * transaction) is refused by the connection. 0, or -1. */
int archive_replicate(archive_t *self, const archive_replicator_t *r);
/* About how many bytes the open transaction's changeset and texts hold (0
 * when not replicating), to commit before a log entry grows too large. */
int64_t archive_replica_pending(archive_t *self);
/* Applies a changeset in the caller's transaction (archive_begin): all of
 * it, or -1 with the first conflict named (the file has diverged from the
 * log; the transaction must be rolled back). The entry's texts go to
 * archive_text_index, in the same transaction. */
int archive_replica_apply(archive_t *self, const void *changes, size_t len);
/* The node's bookkeeping: 1 (a cluster member: its name in cluster, the
 * last applied index in *applied), 0 (a hub that runs alone), -1 error. */
int archive_replica_state(archive_t *self, char *cluster, size_t cap, uint64_t *applied);
/* Records that this archive belongs to cluster (its own transaction; at
 * applied index 0 if it had none). -1 if it belongs to another. */
int archive_replica_join(archive_t *self, const char *cluster);
/* Writes the applied index, in the caller's transaction. */
int archive_replica_set_applied(archive_t *self, uint64_t index);
/* The ledger head as the file holds it (id 0 and zeros: empty). */
int archive_replica_head(archive_t *self, int64_t *id, uint8_t hash[ARCHIVE_HASH_BYTES]);
/* PRAGMA user_version (the schema's migration number), or -1. */
int archive_schema_version(archive_t *self);

/* PRAGMA integrity_check: writes "ok" or the first problems into out;
 * returns 1 ok, 0 damaged, -1 could not run. */
int archive_integrity_check(archive_t *self, char *out, size_t cap);

int64_t archive_now_ms(void);

#endif
