/*
 * archive_int: what the archive's source files share: the connection, the
 * slots of its statement cache, and the few calls one concept makes into
 * another (transactions and errors in db.c, the ledger's chain in ledger.c,
 * the texts waiting for the commit in text.c). The one private header of
 * hub/archive/; no archive file has a header of its own, so there are no
 * include cycles between them. Not for use outside hub/archive/.
 */
#ifndef ENLACE_ARCHIVE_INT_H
#define ENLACE_ARCHIVE_INT_H

#include <sqlite3.h>

#include "archive.h"

/* Slots of the connection's prepared-statement cache. Each file keeps the
 * SQL of its own slots and prepares them through archive_int_stmt. */
enum {
    /* db.c */
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_READ_BEGIN,
    ST_READ_SNAPSHOT,
    ST_USER_VERSION,
    ST_LAST_SEQ,
    ST_DATA_VERSION,
    ST_INTEGRITY,
    ST_REQ_BEGIN,
    ST_REQ_RELEASE,
    ST_REQ_ROLLBACK,
    /* meta.c */
    ST_META_SET,
    ST_META_GET,
    /* officers.c */
    ST_COUNTRY_KNOWN,
    ST_COUNTRY_MEMBER,
    ST_COUNTRY_OBSERVER,
    ST_ORG_KNOWN,
    ST_ORG_OBSERVER,
    ST_NETWORK_KNOWN,
    ST_KEY_TAKEN,
    ST_OFFICER_KNOWN,
    ST_INVITATION_KNOWN,
    ST_OFFICER_INSERT,
    ST_KEY_INSERT,
    ST_KEY_REVOKE,
    ST_KEYS_EACH,
    ST_KEY_BY_CURVE,
    ST_KEY_OWNER,
    ST_MEMBERSHIP_ADD,
    ST_MEMBERSHIP_SET,
    ST_MEMBERSHIP_REMOVE,
    ST_NETWORKS,
    ST_PPT_SET,
    ST_PPT_GET,
    ST_PPT_EACH,
    ST_INVITATION_INSERT,
    ST_INVITATION_REVOKE,
    ST_INVITATIONS_EACH,
    /* messages.c */
    ST_MSG_INSERT,
    ST_MSG_FIND,
    ST_MSG_AFTER,
    ST_MSG_READ,
    ST_MSG_BY_CASE,
    ST_MSG_COUNT,
    ST_MSG_COUNTS,
    ST_MSG_GET,
    ST_MSG_GET_PRE8,
    ST_MSG_SEALED,
    ST_RELABEL,
    ST_HIST_SCAN,
    ST_HIST_TIME,
    ST_HIST_AUTHOR,
    ST_HIST_CASE,
    ST_PROBE_TIME,
    ST_PROBE_AUTHOR,
    ST_PROBE_CASE,
    ST_TIME_FIRST,
    ST_TIME_LAST,
    /* text.c */
    ST_TEXT_INSERT,
    ST_TEXT_SEARCH,
    /* subscriptions.c */
    ST_SUB_GET,
    ST_SUB_PUT,
    ST_SUB_DELETE,
    /* audit.c */
    ST_AUDIT,
    ST_AUDIT_EACH,
    ST_AUDIT_GET,
    /* ledger.c */
    ST_LEDGER_INSERT,
    ST_LEDGER_HEAD,
    ST_LEDGER_LATEST,
    ST_SP_BEGIN,
    ST_SP_RELEASE,
    ST_SP_ROLLBACK,
    ST_LEDGER_EACH,
    ST_CHAIN_REFERENCE,
    ST_CHAIN_EXISTING,
    ST_HASH_OFFICER_COUNT,
    ST_HASH_OFFICER,
    ST_HASH_KEYS,
    ST_HASH_MEMBERSHIPS,
    ST_HASH_PPT_COUNT,
    ST_HASH_PPT,
    ST_HASH_INVITATION_COUNT,
    ST_HASH_INVITATION,
    ST_HASH_COUNTRIES,
    ST_HASH_ORGANISATIONS,
    ST_HASH_NETWORKS,
    ST_HAS_CALENDAR,
    ST_HASH_ZONES,
    ST_HASH_HOLIDAYS,
    ST_UNLEDGERED,
    /* alerts.c */
    ST_ALERT_EVENT,
    ST_ALERT_INSERT,
    ST_ALERT_TARGET_INSERT,
    ST_ALERT_GET,
    ST_ALERTS_OPEN,
    ST_ALERTS_ALL,
    ST_ALERT_TARGETS,
    ST_ALERT_DUE,
    ST_ALERT_ACK,
    ST_ALERT_ESCALATE,
    ST_ALERT_CLOSE_TARGETS,
    ST_ALERT_SUPERSEDE,
    /* cases.c */
    ST_CASE_EVENT,
    ST_CASE_INSERT,
    ST_CASE_GET,
    ST_CASES_EACH,
    ST_CASE_STATE,
    ST_CASE_EVENTS,
    /* stats.c */
    ST_STATS_CASES_NETWORK,
    ST_STATS_CASES_TYPE,
    ST_STATS_CASES_COUNTRY,
    ST_STATS_CASES_CLOSED,
    ST_STATS_MESSAGES,
    ST_STATS_ALERTS,
    ST_STATS_DRILLS,
    ST_STATS_REFUSED,
    ST_STATS_ACK,
    /* calendar.c */
    ST_ZONE_GET,
    ST_ZONE_SET,
    ST_ZONES_EACH,
    ST_HOLIDAY_ADD,
    ST_HOLIDAY_REMOVE,
    ST_HOLIDAYS_EACH,
    ST_MEMBER_KNOWN,
    /* consult.c */
    ST_CONSULT_INSERT,
    ST_CONSULT_GET,
    ST_CONSULTS_ALL,
    ST_CONSULTS_OPEN,
    ST_CONSULT_STAGE,
    ST_CONSULT_CLOSE,
    ST_CONSULT_TOUCH,
    ST_CONSULT_VERSION_ADD,
    ST_CONSULT_VERSIONS,
    ST_CONSULT_TARGET_ADD,
    ST_CONSULT_TARGETS,
    ST_CONSULT_TARGET_SET,
    ST_CONSULT_TARGETS_CLOSE,
    ST_CONSULT_TARGETS_STOP,
    ST_CONSULT_DUE,
    ST_CONSULT_ANSWER_ADD,
    ST_CONSULT_ANSWERS,
    ST_CONSULT_EVENT,
    ST_CONSULT_EVENTS,
    ST_STATS_CONSULT_OPENED,
    ST_STATS_CONSULT_TARGETS,
    /* replica.c */
    ST_REPLICA_GET,
    ST_REPLICA_SET,
    ST_REPLICA_HEAD,
    ST_COUNT
};

/* A message's text for the full-text index, held until the commit (see
 * archive_text_index). */
typedef struct {
    uint64_t seq;
    char *headline; /* owned */
    char *body;     /* owned; body_len bytes */
    size_t body_len;
} archive_text_t;

struct archive {
    sqlite3 *db;                /* the one connection; owned */
    sqlite3_stmt *st[ST_COUNT]; /* prepared once, lazily; owned */
    char error[512];            /* last failure, with sqlite3_errmsg */
    uint64_t last_seq;          /* highest seq stored (committed or in this txn) */
    uint64_t txn_first_seq;     /* last_seq when the open transaction began */
    int in_txn;                 /* 1 while a transaction is open */
    int in_read;                /* 1 while archive_read_begin's snapshot is open */
    int readonly;               /* opened with archive_open_readonly */
    char actor_fp[24];          /* who directory changes are made by ("" local) */
    int64_t actor_id;
    /* The ledger head as this connection last wrote or read it. head_dv is
     * the data_version it was read at: a different value means another
     * connection may have appended, so the head is read again. */
    uint8_t head[ARCHIVE_HASH_BYTES];
    int64_t head_id;                      /* 0: empty ledger */
    int64_t head_dv;                      /* -1: unknown, read before the next append */
    uint8_t txn_head[ARCHIVE_HASH_BYTES]; /* head when the open transaction began */
    int64_t txn_head_id;
    int64_t txn_head_dv;
    /* A request's savepoint (archive_savepoint) is open: archive_commit
     * leaves the writes to it, archive_rollback undoes it alone. */
    int in_request;
    archive_savepoint_t request; /* the state when it was opened */
    archive_text_t *texts;       /* this transaction's texts to index; owned */
    size_t ntexts, texts_cap;
    /* A cluster leader's connection (replica.c): every write transaction is
     * recorded from its BEGIN and replicated before its COMMIT. */
    int replicating;
    archive_replicator_t replicator;
    struct sqlite3_session *session; /* the open transaction's recording; owned */
    int replica_commit_ok;           /* the commit hook lets this COMMIT through */
};

/* ---------------------------------------------------------- db.c */

/* Records "what: sqlite3_errmsg" as the error; returns -1. */
int archive_int_fail(archive_t *self, const char *what);
/* Runs SQL text once, unprepared (see db.c for what may): 0, or -1 with
 * SQLite's message as the error. */
int archive_int_exec(archive_t *self, const char *sql);
/* Transaction control by slot: ST_BEGIN (BEGIN IMMEDIATE), ST_COMMIT,
 * ST_ROLLBACK, ST_READ_BEGIN, ST_READ_SNAPSHOT. 0, or -1 with SQLite's
 * message as the error, as archive_int_exec gives it. */
int archive_int_txn(archive_t *self, int which);
/* The cached statement of slot which (prepared from sql the first time),
 * reset and with its bindings cleared; NULL on error. The one place that
 * prepares SQL (a test fails the build's suite otherwise). A statement
 * stays in use until reset: every function resets the statements it
 * stepped before it returns, except where its header says the rows stay
 * valid until the next call. */
sqlite3_stmt *archive_int_stmt(archive_t *self, int which, const char *sql);
/* Ends st, stepped until rc: resets it; 0 if rc is SQLITE_DONE, else -1
 * with "what: sqlite3_errmsg" as the error (read before the reset). */
int archive_int_end(archive_t *self, sqlite3_stmt *st, int rc, const char *what);
/* Steps st to its end (through any rows it returns) and ends it as above. */
int archive_int_run(archive_t *self, sqlite3_stmt *st, const char *what);

/* ---------------------------------------------------------- text.c */

/* Indexes the transaction's texts, all at once, just before its commit. */
int archive_int_texts_flush(archive_t *self);
/* Drops the texts waiting for the commit past the first keep (0: all). */
void archive_int_texts_drop(archive_t *self, size_t keep);

/* ---------------------------------------------------------- ledger.c */

/* A record and its ledger entry commit together or not at all, also inside
 * the hub's group transaction, where a failed record must not take the
 * others with it: a savepoint around the pair. */
typedef struct {
    uint8_t head[ARCHIVE_HASH_BYTES];
    int64_t head_id;
    int64_t head_dv;
    int outer; /* the savepoint opened the transaction */
} archive_int_mark_t;

int archive_int_record_begin(archive_t *self, archive_int_mark_t *mark);
/* ok: keep what was written since the mark (RELEASE, which commits if the
 * savepoint opened the transaction). Not ok, or the release failed: undo it
 * and restore the head. Returns 0 if kept; the first error message stays. */
int archive_int_record_end(archive_t *self, const archive_int_mark_t *mark, int ok);

/* Re-reads the head if another connection may have appended since. */
int archive_int_head_fresh(archive_t *self);
/* Appends one chained record (inside the caller's transaction). */
int archive_int_ledger_insert(archive_t *self, const char *kind, int64_t ref, int64_t ts_ms,
    const uint8_t content_hash[ARCHIVE_HASH_BYTES]);
/* Appends the state of a directory entry as it is now: kind
 * ARCHIVE_KIND_OFFICER (ref officer id), _PPT (ref year) or _INVITATION (ref
 * invitation id). Every change to those rows calls it in its transaction. */
int archive_int_ledger_row(archive_t *self, const char *kind, int64_t ref);
/* Appends the reference tables' hash if it differs from the last one
 * recorded (the seed is idempotent and runs again on every init). */
int archive_int_ledger_reference(archive_t *self);

/* The canonical record hashes of a message row and an audit row. */
void archive_int_hash_message(const archive_msg_t *m, size_t id_len, size_t sig_len,
    uint8_t out[ARCHIVE_HASH_BYTES]);
void archive_int_hash_audit(const archive_audit_row_t *r, uint8_t out[ARCHIVE_HASH_BYTES]);

/* archive_message_get on a schema older than 8 (during migration 3, which
 * chains the messages already there: none was signed in a batch). */
int archive_int_message_get(archive_t *self, uint64_t seq, archive_msg_row_t *out, int pre8);
/* Resets the statements whose rows archive_message_get/archive_audit_get
 * hand out (before the read transaction ends). */
void archive_int_release_gets(archive_t *self);

/* ---------------------------------------------------------- replica.c */

/* Around a transaction of a replicating connection: begin starts recording
 * (after BEGIN), commit hands the changes to the replicator (before COMMIT:
 * 0 go on, -1 roll back), committed tells it the outcome, end stops
 * recording (after COMMIT or ROLLBACK). No-ops on other connections. */
void archive_int_replica_begin(archive_t *self);
int archive_int_replica_commit(archive_t *self);
void archive_int_replica_committed(archive_t *self, int ok);
void archive_int_replica_end(archive_t *self);

/* The C step of migration 3: chains every row the archive already holds. */
int archive_int_chain_existing(archive_t *self);
/* The C step of migration 11: records the reference data anew, now with
 * the calendar (country zones and holidays). */
int archive_int_chain_calendar(archive_t *self);

#endif
