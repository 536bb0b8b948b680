/*
 * test_ledger: the archive's hash chain (hub/archive/ledger.c and the files
 * that append to it) and its verifier (hub/cmd/ledger.c), on real archive files
 * in a temporary directory, with real keys and signatures. Tampering goes
 * through a second, raw SQLite connection, as an attacker with the file
 * would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "archive.h"
#include "check.h"
#include "enlace.pb-c.h"
#include "export.h"
#include "keys.h"
#include "ledger.h"

extern const char enlace_crm_seed[];

/* One archive with one officer (ana, MX, consular) and her key. */
typedef struct {
    char dir[64];
    char path[128];
    archive_t *a;
    keys_identity_t *ana;
    int64_t ana_id;
    uint64_t seq;
} fixture_t;

static void
s_hex(const char *hex, uint8_t *out, size_t len)
{
    CHECK(keys_hex_decode(hex, out, len) == 0);
}

static int
s_setup(fixture_t *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/enlace-ledger-XXXXXX");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        check_failures++;
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/archive.db", f->dir);
    char err[512];
    f->a = archive_open(f->path, 1, ARCHIVE_SYNC_OFF, err, sizeof err);
    if (!f->a) {
        fprintf(stderr, "%s\n", err);
        check_failures++;
        return -1;
    }
    CHECK(archive_seed(f->a, enlace_crm_seed) == 0);
    CHECK(archive_audit(f->a, 0, NULL, "hub.init", "ok", "test") == 0);
    f->ana = keys_identity_new();
    uint8_t curve[32];
    keys_identity_curve_public(f->ana, curve);
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(keys_identity_public(f->ana), fp);
    archive_officer_spec_t spec = {.name = "Ana",
        .country = "MX",
        .role = "focal",
        .networks = "consular",
        .pk = keys_identity_public(f->ana),
        .curve = curve,
        .fingerprint = fp};
    CHECK(archive_officer_add(f->a, &spec, &f->ana_id) == 0);
    return 0;
}

static void
s_teardown(fixture_t *f)
{
    archive_destroy(&f->a);
    keys_identity_destroy(&f->ana);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
}

/* Builds, signs and inserts one message as the hub does (inside the
 * caller's transaction, if any). Returns archive_message_insert's result. */
static int
s_publish(fixture_t *f, const char *topic, const char *body, const uint8_t *reuse_id)
{
    uint8_t id[16];
    if (reuse_id)
        memcpy(id, reuse_id, 16);
    else
        randombytes_buf(id, sizeof id);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    c.message_id.data = id;
    c.message_id.len = 16;
    c.topic.data = (uint8_t *)topic;
    c.topic.len = strlen(topic);
    c.created_ms = archive_now_ms();
    c.author_key.data = (uint8_t *)keys_identity_public(f->ana);
    c.author_key.len = 32;
    c.tlp = ENLACE__TLP__TLP_GREEN;
    c.content_type = "text/plain; charset=utf-8";
    c.body.data = (uint8_t *)body;
    c.body.len = strlen(body);
    size_t len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(len);
    enlace__content__pack(&c, buf);
    uint8_t sig[64], hash[32];
    CHECK(keys_sign_content(f->ana, buf, len, sig) == 0);
    crypto_generichash(hash, sizeof hash, buf, len, NULL, 0);
    archive_msg_t m = {.seq = archive_last_seq(f->a) + 1,
        .msg_id = id,
        .topic = topic,
        .network = "consular",
        .author_id = f->ana_id,
        .tlp = ENLACE__TLP__TLP_GREEN,
        .recipients = NULL,
        .created_ms = c.created_ms,
        .stored_ms = archive_now_ms(),
        .content = buf,
        .content_len = len,
        .signature = sig,
        .content_hash = hash};
    int rc = archive_message_insert(f->a, &m);
    free(buf);
    return rc;
}

static void
s_publish_batch(fixture_t *f, int n)
{
    CHECK(archive_begin(f->a) == 0);
    for (int i = 0; i < n; i++) {
        char body[64];
        snprintf(body, sizeof body, "mensaje %d", i + 1);
        CHECK(s_publish(f, "consular/test/MX", body, NULL) == 0);
    }
    CHECK(archive_commit(f->a) == 0);
}

static int
s_raw(const fixture_t *f, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(f->path, &db);
    char *msg = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "  raw SQL failed: %s\n", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

static int64_t
s_raw_count(const fixture_t *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open(f->path, &db) == SQLITE_OK
        && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static int
s_verify(fixture_t *f, ledger_report_t *r)
{
    int rc = ledger_verify(f->a, r, NULL, 0);
    if (rc != 0)
        fprintf(stderr, "  verify could not run: %s\n", archive_error(f->a));
    else if (r->problems)
        fprintf(stderr, "  verify: %lld problems, first: %s\n", (long long)r->problems,
            r->first_problem);
    return rc;
}

/* ------------------------------------------------------------------ tests */

static void
canonical_encoding_matches_independent_implementation(void)
{
    /* Expected values computed with Python's hashlib from the rules in
     * hub/cmd/ledger.c, not with this code. */
    archive_canon_t c;
    uint8_t got[32], want[32];
    archive_canon_init(&c, "x");
    archive_canon_int(&c, -1);
    archive_canon_null(&c);
    archive_canon_bytes(&c, "\x00\xff", 2);
    archive_canon_text(&c, "\xc3\xb1");
    archive_canon_final(&c, got);
    s_hex("0a30c878dcd772a6c30be28525e7d29454006114cfe8ac80fa85c2472a2e40df", want, 32);
    CHECK(memcmp(got, want, 32) == 0);

    uint8_t zero[32] = {0}, content[32];
    s_hex("c217b65e1f9c1967519a5fdfcb7c9eaf4ef3abae60e6942de0e806c70293f757", content, 32);
    archive_chain_hash(zero, "audit", 1, 1700000000000, content, got);
    s_hex("31e629160e0c6585e1bf51f37f3781b7dd3710c7627d6787ce92e2d80d9b8d3e", want, 32);
    CHECK(memcmp(got, want, 32) == 0);
}

static void
audit_row_hash_matches_documented_encoding(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    CHECK(s_raw(&f,
              "INSERT INTO audit (id, ts_ms, officer_id, fingerprint, action, outcome, detail)"
              " VALUES (1000, 1700000000000, 0, '', 'hub.init', 'ok', 'new hub key')")
        == 0);
    archive_audit_row_t row;
    uint8_t got[32], want[32];
    CHECK(archive_audit_get(f.a, 1000, &row, got) == 1);
    s_hex("be7a5de3c1fd5bb46c573af26af5d361efc819abbc6b9cb7dd01f44a7bd3d1a5", want, 32);
    CHECK(memcmp(got, want, 32) == 0);
    s_teardown(&f);
}

static void
chains_every_kind_of_record(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 3);
    CHECK(archive_audit(f.a, f.ana_id, "FP", "subscribe", "refused:denied", "test") == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0);
    CHECK(r.messages == 3);
    CHECK(r.signatures == 3);
    CHECK(r.audits == 3); /* hub.init, officer.add, subscribe */
    CHECK(r.officers == 1);
    CHECK(r.references == 1);
    CHECK(r.records == 8);
    int64_t id;
    uint8_t head[32];
    archive_ledger_head(f.a, &id, head);
    CHECK(id == 8 && r.head_id == 8 && memcmp(head, r.head, 32) == 0);
    /* Seeding again changes nothing, so records nothing. */
    CHECK(archive_seed(f.a, enlace_crm_seed) == 0);
    CHECK(s_raw_count(&f, "SELECT count(*) FROM ledger") == 8);
    s_teardown(&f);
}

static void
ledger_refuses_update_and_delete(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    fprintf(stderr, "  (two refusals expected below)\n");
    CHECK(s_raw(&f, "UPDATE ledger SET ts_ms = 0 WHERE id = 1") != 0);
    CHECK(s_raw(&f, "DELETE FROM ledger WHERE id = 1") != 0);
    s_teardown(&f);
}

static void
names_the_message_whose_byte_changed(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 4);
    CHECK(s_raw(&f,
              "UPDATE messages SET content = CAST(substr(content, 1, length(content) - 1)"
              " || 'X' AS BLOB) WHERE seq = 3")
        == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 1);
    CHECK(strncmp(r.first_problem, "message seq 3 ", 14) == 0);
    CHECK(strstr(r.first_problem, "signature does not verify") != NULL);
    CHECK(r.signatures == 3);
    s_teardown(&f);
}

static void
detects_deleted_inserted_and_edited_rows(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 4);
    CHECK(s_raw(&f, "DELETE FROM messages WHERE seq = 2") == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 1 && strstr(r.first_problem, "message seq 2 ") == r.first_problem);
    CHECK(strstr(r.first_problem, "missing") != NULL);

    CHECK(s_raw(&f, "INSERT INTO audit (ts_ms, action, outcome) VALUES (1, 'x', 'ok')") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 2);

    CHECK(
        s_raw(&f, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing' WHERE id = 1")
        == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 3);
    CHECK(strncmp(r.first_problem, "audit id 1 ", 11) == 0); /* first in chain order */

    CHECK(s_raw(&f, "UPDATE officer_keys SET revoked_ms = NULL, valid_until_ms = 99") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 4);
    s_teardown(&f);
}

static void
detects_edited_and_removed_ledger_rows(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 3);
    ledger_report_t r;
    CHECK(s_raw(&f,
              "DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;"
              " UPDATE ledger SET ts_ms = ts_ms + 1 WHERE kind = 'message' AND ref = 2")
        == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 1 && strstr(r.first_problem, "message seq 2 ") == r.first_problem);
    CHECK(strstr(r.first_problem, "ledger row was altered") != NULL);
    CHECK(s_raw(&f, "DELETE FROM ledger WHERE kind = 'message' AND ref = 1") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 2); /* seq 2's record (gap, link), seq 1 unrecorded */
    CHECK(strstr(r.first_problem, "ids jump from #4 to #6") != NULL);
    s_teardown(&f);
}

static void
rollback_restores_the_head(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 2);
    int64_t id0, id1;
    uint8_t h0[32], h1[32];
    archive_ledger_head(f.a, &id0, h0);
    CHECK(archive_begin(f.a) == 0);
    CHECK(s_publish(&f, "consular/test/MX", "rolled back", NULL) == 0);
    archive_rollback(f.a);
    archive_ledger_head(f.a, &id1, h1);
    CHECK(id1 == id0 && memcmp(h0, h1, 32) == 0);
    s_publish_batch(&f, 1);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.messages == 3);
    s_teardown(&f);
}

static void
failed_record_in_a_batch_leaves_no_ledger_entry(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    CHECK(archive_begin(f.a) == 0);
    CHECK(s_publish(&f, "consular/test/MX", "first", id) == 0);
    CHECK(s_publish(&f, "consular/test/MX", "same id", id) != 0); /* UNIQUE msg_id */
    CHECK(s_publish(&f, "consular/test/MX", "third", NULL) == 0);
    CHECK(archive_commit(f.a) == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.messages == 2);
    s_teardown(&f);
}

static void
two_connections_extend_one_chain(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    char err[512];
    archive_t *other = archive_open(f.path, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(other != NULL);
    if (other) {
        for (int i = 0; i < 5; i++) {
            CHECK(archive_audit(f.a, 0, NULL, "a", "ok", "") == 0);
            CHECK(archive_audit(other, 0, NULL, "b", "ok", "") == 0);
        }
        /* A stale cached head cannot fork: the other connection's head is
         * re-read because data_version moved. */
        s_publish_batch(&f, 2);
        CHECK(archive_audit(other, 0, NULL, "b", "ok", "") == 0);
        archive_destroy(&other);
    }
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.audits == 13);
    s_teardown(&f);
}

static void
ledger_append_helper_chains_new_kinds(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    archive_canon_t c;
    uint8_t h[32];
    archive_canon_init(&c, "ack");
    archive_canon_int(&c, 42);
    archive_canon_final(&c, h);
    CHECK(archive_begin(f.a) == 0);
    CHECK(archive_ledger_append(f.a, "ack", 42, h) == 0);
    CHECK(archive_commit(f.a) == 0);
    CHECK(archive_ledger_append(f.a, "ack", 43, h) == 0); /* outside a transaction */
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.others == 2);
    s_teardown(&f);
}

/* PPT and invitation rows for the directory tests: PPT 2026 MX, and one
 * invitation to UNICEF. Returns the invitation id (0 on failure). */
static int64_t
s_directory_changes(fixture_t *f)
{
    CHECK(archive_ppt_set(f->a, 2026, "MX", NULL, 0) == 0);
    archive_invitation_t inv = {.grantee = "UNICEF",
        .network = "child",
        .patterns = "child/alert/#",
        .access = "read",
        .expires_ms = archive_now_ms() + 86400000};
    int64_t id = 0;
    CHECK(archive_invitation_grant(f->a, &inv, NULL, 0, &id) == 0);
    return id;
}

static void
migration_chains_an_existing_archive(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 3);
    int64_t inv = s_directory_changes(&f);
    CHECK(inv > 0);
    archive_destroy(&f.a);
    /* Back to schema 2, as an archive written before the ledger (with the
     * PPT and invitations of migration 2, without migration 4's alerts). */
    CHECK(s_raw(&f,
              "DROP TABLE country_zones; DROP TABLE holidays; DROP TABLE consultations;"
              " DROP TABLE consult_versions; DROP TABLE consult_targets;"
              " DROP TABLE consult_answers; DROP TABLE consult_events;"
              " DROP INDEX messages_sealed; ALTER TABLE messages DROP COLUMN sealed;"
              " ALTER TABLE messages DROP COLUMN batch_size;"
              " ALTER TABLE messages DROP COLUMN batch_index;"
              " ALTER TABLE messages DROP COLUMN batch_path;"
              " DROP INDEX messages_stored; DROP TABLE message_labels; DROP TABLE message_text;"
              " CREATE INDEX messages_topic ON messages (topic, seq);"
              " ALTER TABLE messages DROP COLUMN personal;"
              " ALTER TABLE messages DROP COLUMN handling;"
              " DROP TABLE alerts; DROP TABLE alert_targets; DROP TABLE alert_events;"
              " DROP TABLE cases; DROP TABLE case_events; DROP INDEX messages_case;"
              " ALTER TABLE messages DROP COLUMN case_id;"
              " DROP TABLE ledger; PRAGMA user_version = 2")
        == 0);
    char err[512];
    archive_t *ro = archive_open_readonly(f.path, err, sizeof err);
    CHECK(ro == NULL && strstr(err, "older") != NULL);
    f.a = archive_open(f.path, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(f.a != NULL);
    if (!f.a) {
        fprintf(stderr, "  %s\n", err);
        s_teardown(&f);
        return;
    }
    CHECK(s_raw_count(&f, "PRAGMA user_version") == 12);
    CHECK(s_raw_count(&f, "SELECT count(*) FROM audit WHERE action = 'archive.migrate'") == 1);
    CHECK(s_raw_count(&f, "SELECT count(*) FROM ledger WHERE kind = 'ppt' AND ref = 2026") == 1);
    CHECK(s_raw_count(&f, "SELECT count(*) FROM ledger WHERE kind = 'invitation'") == 1);
    s_publish_batch(&f, 1);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    /* Reference data twice: chained by migration 3, and again by migration 11
     * with the zones it filled in. */
    CHECK(r.problems == 0 && r.messages == 4 && r.signatures == 4 && r.references == 2);
    CHECK(r.ppt == 1 && r.invitations == 1 && r.officers == 1);
    s_teardown(&f);
}

static void
migration_from_schema_1_adds_ppt_invitations_and_ledger(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 2);
    archive_destroy(&f.a);
    CHECK(s_raw(&f,
              "DROP TABLE country_zones; DROP TABLE holidays; DROP TABLE consultations;"
              " DROP TABLE consult_versions; DROP TABLE consult_targets;"
              " DROP TABLE consult_answers; DROP TABLE consult_events;"
              " DROP INDEX messages_sealed; ALTER TABLE messages DROP COLUMN sealed;"
              " ALTER TABLE messages DROP COLUMN batch_size;"
              " ALTER TABLE messages DROP COLUMN batch_index;"
              " ALTER TABLE messages DROP COLUMN batch_path;"
              " DROP INDEX messages_stored; DROP TABLE message_labels; DROP TABLE message_text;"
              " CREATE INDEX messages_topic ON messages (topic, seq);"
              " ALTER TABLE messages DROP COLUMN personal;"
              " ALTER TABLE messages DROP COLUMN handling;"
              " DROP TABLE alerts; DROP TABLE alert_targets; DROP TABLE alert_events;"
              " DROP TABLE cases; DROP TABLE case_events; DROP INDEX messages_case;"
              " ALTER TABLE messages DROP COLUMN case_id;"
              " DROP TABLE ledger; DROP TABLE ppt; DROP TABLE invitations;"
              " PRAGMA user_version = 1")
        == 0);
    char err[512];
    f.a = archive_open(f.path, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(f.a != NULL);
    if (!f.a) {
        fprintf(stderr, "  %s\n", err);
        s_teardown(&f);
        return;
    }
    CHECK(s_raw_count(&f, "PRAGMA user_version") == 12);
    CHECK(s_directory_changes(&f) > 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.messages == 2 && r.ppt == 1 && r.invitations == 1);
    s_teardown(&f);
}

static void
chains_memberships_ppt_and_invitations(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    CHECK(archive_membership_set(f.a, f.ana_id, "child", "officer") == 0);
    CHECK(archive_membership_remove(f.a, f.ana_id, "consular") == 1);
    CHECK(archive_membership_remove(f.a, f.ana_id, "consular") == 0); /* none: no record */
    int64_t inv = s_directory_changes(&f);
    CHECK(archive_ppt_set(f.a, 2026, "GT", NULL, 0) == 0);
    CHECK(archive_invitation_revoke(f.a, inv, NULL, 0) == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0);
    CHECK(r.officers == 3);    /* add, join child, leave consular */
    CHECK(r.ppt == 2);         /* MX, then GT */
    CHECK(r.invitations == 2); /* grant, revoke */
    CHECK(r.audits == 8);      /* hub.init, officer.add and one per change */
    CHECK(s_raw_count(&f,
              "SELECT count(*) FROM ledger WHERE kind = 'officer'"
              " AND ref = (SELECT max(id) FROM officers)")
        == 3);
    s_teardown(&f);
}

static void
detects_edited_and_unrecorded_directory_rows(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    int64_t inv = s_directory_changes(&f);
    CHECK(archive_invitation_revoke(f.a, inv, NULL, 0) == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0 && r.problems == 0);

    /* The PPT handed to another country behind the hub's back. */
    CHECK(s_raw(&f, "UPDATE ppt SET country = 'GT' WHERE year = 2026") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 1 && strncmp(r.first_problem, "PPT 2026 ", 9) == 0);
    CHECK(strstr(r.first_problem, "differs from its last recorded state") != NULL);

    /* A revoked invitation brought back into force. */
    CHECK(s_raw(&f, "UPDATE invitations SET revoked_ms = NULL") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 2);

    /* A membership and an invitation nobody granted. */
    CHECK(s_raw(&f,
              "INSERT INTO memberships (officer_id, network, role)"
              " SELECT id, 'trafficking', 'officer' FROM officers")
        == 0);
    CHECK(s_raw(&f,
              "INSERT INTO invitations (grantee, network, patterns, access, expires_ms,"
              " created_ms) VALUES ('OIM', 'crm', '#', 'readwrite', 9e15, 0)")
        == 0);
    CHECK(s_raw(&f, "INSERT INTO ppt (year, country) VALUES (2027, 'HN')") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 5);

    /* A recorded invitation deleted. */
    CHECK(s_raw(&f, "DELETE FROM invitations WHERE id = 1") == 0);
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 5); /* the edit became a deletion */
    s_teardown(&f);
}

static void
failed_directory_change_leaves_no_ledger_entry(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    int64_t id0, id1;
    uint8_t h0[32], h1[32];
    archive_ledger_head(f.a, &id0, h0);
    /* The year is out of the table's CHECK range: the INSERT fails. */
    CHECK(archive_ppt_set(f.a, 1900, "MX", NULL, 0) != 0);
    archive_ledger_head(f.a, &id1, h1);
    CHECK(id1 == id0 && memcmp(h0, h1, 32) == 0);
    /* Also inside the hub's group transaction: the batch goes on. */
    CHECK(archive_begin(f.a) == 0);
    CHECK(s_publish(&f, "consular/test/MX", "before", NULL) == 0);
    CHECK(archive_ppt_set(f.a, 1900, "MX", NULL, 0) != 0);
    CHECK(archive_membership_set(f.a, f.ana_id, "child", "focal") == 0);
    CHECK(s_publish(&f, "consular/test/MX", "after", NULL) == 0);
    CHECK(archive_commit(f.a) == 0);
    CHECK(s_raw_count(&f, "SELECT count(*) FROM ppt") == 0);
    ledger_report_t r;
    CHECK(s_verify(&f, &r) == 0);
    CHECK(r.problems == 0 && r.messages == 2 && r.officers == 2 && r.ppt == 0);
    s_teardown(&f);
}

static void
backup_copy_verifies(void)
{
    fixture_t f;
    if (s_setup(&f) != 0)
        return;
    s_publish_batch(&f, 5);
    char copy[160], err[512], integrity[256];
    snprintf(copy, sizeof copy, "%s/copy.db", f.dir);
    CHECK(archive_backup(f.a, copy, 2, 0) == 0);
    archive_t *b = archive_open_readonly(copy, err, sizeof err);
    CHECK(b != NULL);
    if (b) {
        CHECK(archive_integrity_check(b, integrity, sizeof integrity) == 1);
        CHECK(archive_message_count(b) == 5);
        ledger_report_t r;
        CHECK(ledger_verify(b, &r, NULL, 0) == 0 && r.problems == 0 && r.signatures == 5);
        archive_destroy(&b);
    }
    s_teardown(&f);
}

static void
parses_export_times(void)
{
    int64_t ms = -1;
    CHECK(export_parse_time("2026-11-21T10:00:00Z", &ms) == 0 && ms == 1795255200000);
    CHECK(export_parse_time("2026-11-21T10:00:00.250Z", &ms) == 0 && ms == 1795255200250);
    CHECK(export_parse_time("2026-11-21T10:00Z", &ms) == 0 && ms == 1795255200000);
    CHECK(export_parse_time("2026-11-21", &ms) == 0 && ms == 1795219200000);
    CHECK(export_parse_time("1795255200000", &ms) == 0 && ms == 1795255200000);
    CHECK(export_parse_time("2026-11-21T10:00:00", &ms) != 0); /* no zone */
    CHECK(export_parse_time("2026-02-31", &ms) != 0);
    CHECK(export_parse_time("yesterday", &ms) != 0);
    CHECK(export_parse_time("", &ms) != 0);
}

int
main(void)
{
    if (keys_init() != 0)
        return EXIT_FAILURE;
    RUN(canonical_encoding_matches_independent_implementation);
    RUN(audit_row_hash_matches_documented_encoding);
    RUN(chains_every_kind_of_record);
    RUN(ledger_refuses_update_and_delete);
    RUN(names_the_message_whose_byte_changed);
    RUN(detects_deleted_inserted_and_edited_rows);
    RUN(detects_edited_and_removed_ledger_rows);
    RUN(rollback_restores_the_head);
    RUN(failed_record_in_a_batch_leaves_no_ledger_entry);
    RUN(two_connections_extend_one_chain);
    RUN(ledger_append_helper_chains_new_kinds);
    RUN(migration_chains_an_existing_archive);
    RUN(migration_from_schema_1_adds_ppt_invitations_and_ledger);
    RUN(chains_memberships_ppt_and_invitations);
    RUN(detects_edited_and_unrecorded_directory_rows);
    RUN(failed_directory_change_leaves_no_ledger_entry);
    RUN(backup_copy_verifies);
    RUN(parses_export_times);
    return CHECK_DONE();
}
