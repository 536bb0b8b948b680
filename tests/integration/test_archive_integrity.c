/*
 * test_archive_integrity: the ST's record end to end. Messages published
 * through a real hub verify (`enlace-hub verify`, and the by-hand recipe
 * of hub/ledger.c in Python); then the archive file is changed with the
 * sqlite3 CLI as an attacker would (one byte of one message, a topic, a
 * deleted row, an inserted row, an audit row edited after dropping its
 * trigger, a PPT, invitation or membership changed behind the hub's back)
 * and verify must exit non-zero naming the record; directory changes made
 * offline and by the ST over the wire verify. Export writes
 * valid JSON lines and filters by topic and time; backup under a
 * publishing load yields a copy that verifies and holds every message
 * acknowledged before the backup began. Finally the archive's size for
 * 5,000 1 KiB messages is measured and printed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static hub_t hub;
static officer_t ana, luis;
static uint64_t seqs[8]; /* seqs[i]: the i-th message published, 1-based */

static const char *
s_hub_bin(void)
{
    return getenv("ENLACE_HUB_BIN");
}

static enlace_client_t *
s_connect_ok(hub_t *h, const officer_t *o)
{
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(h, o, &rc, why, sizeof why);
    if (rc != ENLACE_OK)
        fprintf(stderr, "  connect %s: %s\n", o->name, why);
    CHECK(rc == ENLACE_OK && c != NULL);
    return c;
}

/* Copies the (stopped hub's) archive to DIR/name.db and runs sql on the
 * copy with the sqlite3 CLI. Writes the copy's path into path. */
static int
s_tampered_copy(const char *name, const char *sql, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s.db", hub.dir, name);
    return harness_sh("sqlite3 %s/data/archive.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null"
                      " && cp %s/data/archive.db %s && sqlite3 %s <<'EOF'\n%s\nEOF",
        hub.dir, hub.dir, path, path, sql);
}

static int
s_verify(const char *what, char *out, size_t cap)
{
    int rc = harness_capture(out, cap, "%s verify %s 2>&1", s_hub_bin(), what);
    fprintf(stderr, "  verify %s -> %d\n%s", what, rc, out);
    return rc;
}

/* ------------------------------------------------------------------ tests */

static void
verify_passes_after_publishing(void)
{
    enlace_client_t *c = s_connect_ok(&hub, &ana);
    if (!c)
        return;
    static const char *topics[] = {"consular/alert/MX", "consular/case/MX", "consular/case/GT",
        "consular/alert/GT", "consular/case/MX"};
    for (int i = 0; i < 5; i++) {
        char body[128];
        snprintf(body, sizeof body, "Mensaje %d: traslado de connacional, expediente %d.", i + 1,
            4100 + i);
        enlace_publish_opts_t red = {.tlp = ENLACE_TLP_RED,
            .recipients = (const char *const[]){luis.fingerprint},
            .nrecipients = 1};
        CHECK_RC(
            enlace_publish(c, topics[i], body, strlen(body), i == 4 ? &red : NULL, &seqs[i + 1]),
            ENLACE_OK);
    }
    /* A body that is not UTF-8: exported as body_base64. */
    const char binary[] = {'\xff', '\xfe', '\0', 'b', 'i', 'n'};
    CHECK_RC(enlace_publish(c, "consular/file/MX", binary, sizeof binary, NULL, &seqs[6]),
        ENLACE_OK);
    for (int i = 1; i <= 6; i++)
        CHECK(seqs[i] == (uint64_t)i); /* a fresh hub: seq 3 is the third message */
    enlace_close(&c);
    hub_stop(&hub);

    char out[8192], data[300];
    snprintf(data, sizeof data, "%s/data", hub.dir);
    CHECK(s_verify(data, out, sizeof out) == 0);
    CHECK(strstr(out, "6 of 6 messages verify") != NULL);
    CHECK(strstr(out, "verified:") != NULL);
    /* The by-hand recipe (Python, no enlace code) reaches the same head. */
    char by_hand[256];
    int rc = harness_capture(by_hand, sizeof by_hand,
        "/usr/bin/python3 %s/tests/integration/ledger_by_hand.py %s/archive.db 2>&1",
        getenv("ENLACE_SOURCE_ROOT"), data);
    fprintf(stderr, "  by hand -> %d: %s", rc, by_hand);
    CHECK(rc == 0);
    by_hand[strcspn(by_hand, "\n")] = '\0';
    CHECK(strlen(by_hand) == 64 && strstr(out, by_hand) != NULL);
}

static void
verify_names_the_message_with_one_changed_byte(void)
{
    char path[400], out[8192], before[8192], after[8192];
    CMD(0, before, sizeof before,
        "sqlite3 -bail %s/data/archive.db"
        " 'SELECT hex(content) FROM messages WHERE seq = 3'",
        hub.dir);
    CHECK(s_tampered_copy("byte",
              "UPDATE messages SET content = CAST(substr(content, 1, length(content) - 1)"
              " || '!' AS BLOB) WHERE seq = 3;",
              path, sizeof path)
        == 0);
    CMD(0, after, sizeof after,
        "sqlite3 -bail %s 'SELECT hex(content) FROM messages"
        " WHERE seq = 3'",
        path);
    /* exactly one byte (two hex digits at most) differs */
    size_t n = strlen(before), diff = 0;
    CHECK(n > 20 && n == strlen(after));
    for (size_t i = 0; i < n && n == strlen(after); i++)
        diff += before[i] != after[i];
    CHECK(diff >= 1 && diff <= 2);
    CHECK(s_verify(path, out, sizeof out) == 1);
    CHECK(strstr(out, "FAIL message seq 3 ") != NULL);
    CHECK(strstr(out, "the first:\n  message seq 3 ") != NULL);

    CHECK(s_tampered_copy("topic", "UPDATE messages SET topic = 'consular/tampered' WHERE seq = 3;",
              path, sizeof path)
        == 0);
    CHECK(s_verify(path, out, sizeof out) == 1);
    CHECK(strstr(out, "FAIL message seq 3 ") != NULL);
    CHECK(strstr(out, "topic differs from the signed topic") != NULL);
}

static void
verify_detects_deleted_and_inserted_messages(void)
{
    char path[400], out[8192];
    CHECK(
        s_tampered_copy("deleted", "DELETE FROM messages WHERE seq = 2;", path, sizeof path) == 0);
    CHECK(s_verify(path, out, sizeof out) == 1);
    CHECK(strstr(out, "message seq 2 ") != NULL && strstr(out, "missing (deleted)") != NULL);

    CHECK(s_tampered_copy("inserted",
              "INSERT INTO messages SELECT 100, randomblob(16), topic, network, author_id, tlp,"
              " recipients, created_ms, stored_ms, content, signature, content_hash, case_id,"
              " personal, handling, batch_size, batch_index, batch_path, sealed"
              " FROM messages WHERE seq = 1;",
              path, sizeof path)
        == 0);
    CHECK(s_verify(path, out, sizeof out) == 1);
    CHECK(strstr(out, "message seq 100: not in the ledger") != NULL);
}

static void
verify_detects_an_edited_audit_row(void)
{
    char path[400], out[8192];
    /* The trigger refuses the edit; an attacker drops it first. */
    CHECK(s_tampered_copy("audit",
              "DROP TRIGGER audit_no_update;"
              " UPDATE audit SET detail = 'nothing happened' WHERE id = 2;",
              path, sizeof path)
        == 0);
    CHECK(s_verify(path, out, sizeof out) == 1);
    CHECK(strstr(out, "FAIL audit id 2 ") != NULL);
    /* And without dropping it, the archive itself refuses. */
    CHECK(harness_sh("sqlite3 %s/data/archive.db \"UPDATE audit SET detail = 'x' WHERE id = 2\""
                     " 2>/dev/null",
              hub.dir)
        != 0);
}

/* Messages signed in batches (one signature per batch, a Merkle audit path
 * per message) verify one by one, in `enlace-hub verify` and by hand; a
 * changed path, index or size is named. A hub of its own. */
static void
verify_checks_each_batched_message_alone(void)
{
    hub_t h;
    officer_t mx;
    hub_init(&h);
    officer_new(&h, &mx, "mx", "--country MX --network consular --role officer");
    hub_start(&h);
    enlace_client_t *c = s_connect_ok(&h, &mx);
    int stored = 0;
    if (c) {
        /* 40 queued before the first result is read: after the first,
         * which goes at once, they leave in batches. */
        for (int i = 0; i < 40; i++) {
            char body[64];
            snprintf(body, sizeof body, "lote %d", i);
            CHECK_RC(enlace_publish_async(c, "consular/batch/MX", body, strlen(body), NULL, NULL),
                ENLACE_OK);
        }
        uint64_t ticket, seq;
        while (stored < 40 && enlace_publish_result(c, &ticket, &seq, 5000) == ENLACE_OK)
            stored++;
        enlace_close(&c);
    }
    CHECK(stored == 40);
    hub_stop(&h);
    char out[8192], data[300], path[400], by_hand[256];
    snprintf(data, sizeof data, "%s/data", h.dir);
    CHECK(s_verify(data, out, sizeof out) == 0);
    CHECK(strstr(out, "40 of 40 messages verify") != NULL);
    int batched = 0;
    CHECK(harness_capture(out, sizeof out,
              "sqlite3 %s/archive.db 'SELECT count(*) FROM messages WHERE batch_size > 1'", data)
        == 0);
    batched = atoi(out);
    fprintf(stderr, "  %d of 40 messages were signed in batches of more than one\n", batched);
    CHECK(batched >= 30);
    CHECK(harness_capture(by_hand, sizeof by_hand,
              "/usr/bin/python3 %s/tests/integration/ledger_by_hand.py %s/archive.db 2>&1",
              getenv("ENLACE_SOURCE_ROOT"), data)
        == 0);
    fprintf(stderr, "  by hand: %s", by_hand);
    CHECK(strstr(by_hand, "0 alone, 40 in batches") != NULL);

    /* Each change to a batched row's proof is named (and the ledger's
     * record no longer matches), also by hand. */
    static const struct {
        const char *name, *sql;
    } changes[] = {
        {"path",
            "UPDATE messages SET batch_path = CAST(zeroblob(32) || substr(batch_path, 33)"
            " AS BLOB) WHERE seq = 10;"},
        {"index",
            "UPDATE messages SET batch_index = (batch_index + 1) % batch_size"
            " WHERE seq = 10;"},
        {"size", "UPDATE messages SET batch_size = batch_size + 1 WHERE seq = 10;"},
        {"alone", "UPDATE messages SET batch_size = 0 WHERE seq = 10;"},
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        snprintf(path, sizeof path, "%s/%s.db", h.dir, changes[i].name);
        CHECK(harness_sh("sqlite3 %s/archive.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null"
                         " && cp %s/archive.db %s && sqlite3 %s <<'EOF'\n%s\nEOF",
                  data, data, path, path, changes[i].sql)
            == 0);
        CHECK(s_verify(path, out, sizeof out) == 1);
        CHECK(strstr(out, "FAIL message seq 10 ") != NULL);
        CHECK(strstr(out, "signature does not verify") != NULL);
        CHECK(harness_capture(by_hand, sizeof by_hand,
                  "/usr/bin/python3 %s/tests/integration/ledger_by_hand.py %s 2>&1",
                  getenv("ENLACE_SOURCE_ROOT"), path)
            != 0);
    }
    hub_cleanup(&h);
}

/* Directory administration, offline and over the wire by the ST, is in the
 * ledger too: memberships (as the officer's entry), the PPT and invitations.
 * A hub of its own, so the other tests' sequence numbers stay put. */
static void
verify_covers_directory_administration(void)
{
    hub_t h;
    officer_t st, pa;
    hub_init(&h);
    officer_new(&h, &st, "st", "--org ST --role st");
    officer_new(&h, &pa, "pa", "--country PA --network trafficking --role officer");
    const char *bin = s_hub_bin();
    CHECK(harness_sh("%s ppt set %s/data --country HN --year 2026 >/dev/null", bin, h.dir) == 0);
    CHECK(harness_sh("%s invite grant %s/data --to UNICEF --network child --topics 'child/#'"
                     " --access read --for 7d >/dev/null",
              bin, h.dir)
        == 0);
    hub_start(&h);
    enlace_client_t *c = s_connect_ok(&h, &st);
    if (c) {
        /* pa joins child; invitation 1 revoked; PPT 2027 */
        int rcs[3];
        rcs[0] = enlace_admin_officer_join(c, pa.fingerprint, "child", "officer", NULL);
        rcs[1] = enlace_admin_invite_revoke(c, 1);
        rcs[2] = enlace_admin_ppt_set(c, "GT", 2027, NULL);
        static const char *const names[] = {"officer join", "invite revoke", "ppt set"};
        for (size_t i = 0; i < sizeof rcs / sizeof rcs[0]; i++) {
            if (rcs[i] != ENLACE_OK)
                fprintf(stderr, "  admin %s -> %s: %s\n", names[i], enlace_strerror(rcs[i]),
                    enlace_last_error(c));
            CHECK(rcs[i] == ENLACE_OK);
        }
        enlace_close(&c);
    }
    hub_stop(&h);

    char out[8192], data[300];
    snprintf(data, sizeof data, "%s/data", h.dir);
    CHECK(s_verify(data, out, sizeof out) == 0);
    /* st add, pa add, pa joins child; PPT 2026, 2027; grant, revoke */
    CHECK(strstr(out, "(3 officer, 2 PPT, 2 invitation)") != NULL);
    char by_hand[256];
    CHECK(harness_capture(by_hand, sizeof by_hand,
              "/usr/bin/python3 %s/tests/integration/ledger_by_hand.py %s/archive.db 2>&1",
              getenv("ENLACE_SOURCE_ROOT"), data)
        == 0);

    static const struct {
        const char *name, *sql, *expect;
    } tampering[] = {
        {"ppt", "UPDATE ppt SET country = 'MX' WHERE year = 2026;", "FAIL PPT 2026 "},
        {"invitation", "UPDATE invitations SET revoked_ms = NULL;", "FAIL invitation 1 "},
        {"membership", "DELETE FROM memberships WHERE network = 'child';", "FAIL officer 2 "},
        {"invited",
            "INSERT INTO invitations (grantee, network, patterns, access, expires_ms,"
            " created_ms) VALUES ('UNICEF', 'crm', '#', 'readwrite', 9000000000000, 0);",
            "FAIL invitation 2: not in the ledger"},
    };
    for (size_t i = 0; i < sizeof tampering / sizeof tampering[0]; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/%s.db", h.dir, tampering[i].name);
        CHECK(harness_sh("cp %s/archive.db %s && sqlite3 %s \"%s\"", data, path, path,
                  tampering[i].sql)
            == 0);
        CHECK(s_verify(path, out, sizeof out) == 1);
        CHECK(strstr(out, tampering[i].expect) != NULL);
    }
    hub_cleanup(&h);
}

/* Runs an export and checks it with Python's json module; returns the
 * number of lines, -1 if any is not JSON. */
static int
s_export_lines(const char *args, const char *check)
{
    char out[256];
    int rc = harness_capture(out, sizeof out,
        "%s export %s/data %s 2>/dev/null | python3 -c 'import json,sys;"
        " ls=[json.loads(l) for l in sys.stdin]; %s; print(len(ls))'",
        s_hub_bin(), hub.dir, args, check ? check : "pass");
    fprintf(stderr, "  export %s -> %d: %s", args, rc, out);
    return rc == 0 ? atoi(out) : -1;
}

static void
export_writes_json_lines_filtered_by_topic_and_time(void)
{
    /* --restricted: the RED message (seq 5) is withheld without it. */
    CHECK(s_export_lines("", "assert 5 not in [o[\"seq\"] for o in ls]") == 5);
    CHECK(
        s_export_lines("--restricted",
            "assert [o[\"seq\"] for o in ls] == [1,2,3,4,5,6];"
            " assert all(len(o[\"id\"]) == 32 and len(o[\"signature\"]) == 128 for o in ls);"
            " assert ls[0][\"author\"][\"name\"] == \"ana\" and ls[0][\"network\"] == \"consular\";"
            " assert ls[0][\"body\"].startswith(\"Mensaje 1\") and ls[0][\"tlp\"] == \"TLP:AMBER\";"
            " assert ls[4][\"tlp\"] == \"TLP:RED\" and len(ls[4][\"recipients\"]) == 1;"
            " assert \"body\" not in ls[5] and ls[5][\"body_base64\"] == \"//4AYmlu\";"
            " assert ls[0][\"stored\"].endswith(\"Z\") and ls[0][\"created\"][10] == \"T\"")
        == 6);
    char red[160];
    snprintf(red, sizeof red, "assert ls[4][\"recipients\"] == [\"%s\"]", luis.fingerprint);
    CHECK(s_export_lines("--restricted", red) == 6);
    CHECK(s_export_lines("--restricted --topic 'consular/case/#'",
              "assert all(o[\"topic\"].startswith(\"consular/case/\") for o in ls)")
        == 3);
    CHECK(s_export_lines("--restricted --topic '+/alert/+'", NULL) == 2);
    /* Each line's signature checks without enlace. */
    char out[256];
    CHECK(harness_capture(out, sizeof out,
              "%s export %s/data --restricted 2>/dev/null"
              " | /usr/bin/python3 %s/tests/integration/check_signature.py export 2>&1",
              s_hub_bin(), hub.dir, getenv("ENLACE_SOURCE_ROOT"))
        == 0);
    fprintf(stderr, "  export signatures: %s", out);
    CHECK(strstr(out, "6 verified") != NULL);
    CHECK(s_export_lines("--restricted --from 2000-01-01T00:00:00Z --to 4102444800000", NULL) == 6);
    CHECK(s_export_lines("--from 2100-01-01T00:00:00Z", NULL) == 0);
    CHECK(harness_sh("%s export %s/data --from yesterday 2>/dev/null", s_hub_bin(), hub.dir) == 2);
    CHECK(
        harness_sh("%s export %s/data --topic 'a/#/b' >/dev/null 2>&1", s_hub_bin(), hub.dir) == 1);
}

/* A publisher thread for the load test. */
typedef struct {
    hub_t *hub;
    const officer_t *officer;
    atomic_int stop;
    atomic_int stored;     /* publishes acknowledged "stored" */
    atomic_ullong max_seq; /* the highest sequence acknowledged */
    int failed;
} load_t;

static void *
s_publisher(void *arg)
{
    load_t *l = arg;
    int rc;
    enlace_client_t *c = client_connect(l->hub, l->officer, &rc, NULL, 0);
    if (!c) {
        l->failed++;
        return NULL;
    }
    char body[512];
    memset(body, 'x', sizeof body);
    int i = 0;
    while (!l->stop || enlace_publish_outstanding(c) > 0) {
        uint64_t ticket, seq;
        if (!l->stop && enlace_publish_outstanding(c) < 64) {
            snprintf(body, 32, "carga %d", i++);
            if (enlace_publish_async(c, "consular/load/MX", body, sizeof body, NULL, &ticket)
                != ENLACE_OK)
                l->failed++;
            continue;
        }
        rc = enlace_publish_result(c, &ticket, &seq, 5000);
        if (rc == ENLACE_OK) {
            /* The highest first: whoever reads stored then max_seq sees
             * a max_seq at least as recent as that count. */
            if (seq > atomic_load(&l->max_seq))
                atomic_store(&l->max_seq, seq);
            atomic_fetch_add(&l->stored, 1);
        } else {
            l->failed++;
            if (rc == ENLACE_ETIMEDOUT)
                break;
        }
    }
    enlace_close(&c);
    return NULL;
}

static void
backup_under_load_verifies(void)
{
    /* The publisher sends as fast as the hub stores (over 10,000 messages
     * a second here): past the default request rate (2,000 a second, bursts
     * of 10,000), which this test is not about. */
    hub.extra[0] = "--request-rate";
    hub.extra[1] = "0";
    hub_start(&hub);
    load_t load = {.hub = &hub, .officer = &ana};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, s_publisher, &load) == 0);
    usleep(500 * 1000);
    char file[400], out[8192];
    snprintf(file, sizeof file, "%s/backup.db", hub.dir);
    /* Everything acknowledged by now is committed: the copy, a snapshot
     * taken after this point, must hold it. */
    int stored_before = atomic_load(&load.stored);
    unsigned long long max_before = atomic_load(&load.max_seq);
    int rc = harness_capture(out, sizeof out, "%s backup %s/data %s 2>&1", s_hub_bin(), hub.dir,
        file);
    fprintf(stderr, "  backup -> %d\n%s", rc, out);
    CHECK(rc == 0);
    CHECK(strstr(out, "integrity  ok") != NULL);
    /* verify also runs against the live archive while the hub writes */
    char live[300];
    snprintf(live, sizeof live, "%s/data", hub.dir);
    CHECK(s_verify(live, out, sizeof out) == 0);
    int stored_during = atomic_load(&load.stored);
    usleep(200 * 1000);
    atomic_store(&load.stop, 1);
    pthread_join(t, NULL);
    int stored_total = atomic_load(&load.stored);
    fprintf(stderr,
        "  publisher: %d stored (%d before the backup began, up to seq %llu; %d when"
        " verify ended), %d failed\n",
        stored_total, stored_before, max_before, stored_during, load.failed);
    CHECK(load.failed == 0);
    CHECK(stored_total > stored_during && stored_during > stored_before && stored_before > 0);
    /* The copy is not merely consistent: it holds every message
     * acknowledged before the backup began (the load's count, and every
     * sequence number up to the last acknowledged, none missing) -- an
     * empty, or stale but consistent, snapshot would not. */
    long long copy_load = SQL_INT(file,
        "SELECT count(*) FROM messages WHERE topic ="
        " 'consular/load/MX'");
    long long copy_max = SQL_INT(file, "SELECT max(seq) FROM messages");
    long long copy_upto = SQL_INT(file, "SELECT count(*) FROM messages WHERE seq <= %llu",
        max_before);
    fprintf(stderr,
        "  the copy: %lld load messages (%d acknowledged before), last seq %lld"
        " (%llu before), %lld messages up to it\n",
        copy_load, stored_before, copy_max, max_before, copy_upto);
    CHECK(copy_load >= stored_before);
    CHECK(copy_max >= (long long)max_before);
    CHECK(copy_upto == (long long)max_before); /* sequences start at 1 and have no gap */

    struct stat st;
    CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);
    char tmp[420];
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    CHECK(access(tmp, F_OK) != 0);
    /* never overwrites */
    CMD(1, NULL, 0, "%s backup %s/data %s 2>&1", s_hub_bin(), hub.dir, file);
    hub_stop(&hub);
    hub.extra[0] = hub.extra[1] = NULL;
    /* Its ledger verifies, over all those messages. */
    CHECK(s_verify(file, out, sizeof out) == 0);
    long long verified = -1, of = -1;
    const char *sig = strstr(out, "signatures ");
    CHECK(sig && sscanf(sig, "signatures %lld of %lld", &verified, &of) == 2);
    CHECK(verified == of && of == copy_upto + (copy_max - (long long)max_before));
    CHECK(s_verify(live, out, sizeof out) == 0);
}

static void
archive_size_per_thousand_1kib_messages(void)
{
    enum { N = 5000 };
    hub_t h;
    officer_t o;
    hub_init(&h);
    officer_new(&h, &o, "sizer", "--country MX --network consular --role focal");
    hub_start(&h);
    enlace_client_t *c = s_connect_ok(&h, &o);
    if (!c) {
        hub_cleanup(&h);
        return;
    }
    char body[1024];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = "abcdefghijklmnopqrstuvwxyz0123456789 "[i % 37];
    int sent = 0, stored = 0, failed = 0;
    int64_t t0 = harness_now_ms();
    while (stored + failed < N) {
        uint64_t ticket, seq;
        if (sent < N && enlace_publish_outstanding(c) < 256) {
            body[0] = 'm'; /* a distinct, valid UTF-8 text each time */
            snprintf(body + 1, 12, "%010d", sent);
            body[11] = ' ';
            if (enlace_publish_async(c, "consular/size/MX", body, sizeof body, NULL, &ticket)
                == ENLACE_OK)
                sent++;
            else
                failed++;
            continue;
        }
        int rc = enlace_publish_result(c, &ticket, &seq, 10000);
        if (rc == ENLACE_OK)
            stored++;
        else {
            failed++;
            if (rc == ENLACE_ETIMEDOUT)
                break;
        }
    }
    int64_t ms = harness_now_ms() - t0;
    enlace_close(&c);
    CHECK(stored == N && failed == 0);
    char out[4096];
    CMD(0, NULL, 0, "sqlite3 -bail %s/data/archive.db 'PRAGMA wal_checkpoint(TRUNCATE)'", h.dir);
    CMD(0, out, sizeof out, "cd %s/data && ls -l archive.db*", h.dir);
    fprintf(stderr,
        "  %d messages of 1 KiB stored in %lld ms; after a checkpoint, hub running:\n%s", stored,
        (long long)ms, out);
    hub_stop(&h);
    struct stat st;
    char db[400];
    snprintf(db, sizeof db, "%s/data/archive.db", h.dir);
    CHECK(stat(db, &st) == 0);
    CMD(0, out, sizeof out,
        "sqlite3 -bail %s \"SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC\"",
        db);
    fprintf(stderr,
        "  archive.db after the hub stopped: %lld bytes = %.0f bytes per 1,000"
        " messages (%.2f GB per million); by table and index:\n%s",
        (long long)st.st_size, st.st_size * 1000.0 / N, st.st_size * 1000000.0 / N / 1e9, out);
    char data[300];
    snprintf(data, sizeof data, "%s/data", h.dir);
    int64_t v0 = harness_now_ms();
    CHECK(harness_capture(out, sizeof out, "%s verify %s", s_hub_bin(), data) == 0);
    fprintf(stderr, "  verify of %d messages: %lld ms\n%s", N, (long long)(harness_now_ms() - v0),
        out);
    hub_cleanup(&h);
}

int
main(void)
{
    hub_init(&hub);
    officer_new(&hub, &ana, "ana", "--country MX --network consular --role focal");
    officer_new(&hub, &luis, "luis", "--country GT --network consular --role officer");
    hub_start(&hub);
    harness_run("verify_passes_after_publishing", verify_passes_after_publishing);
    harness_run("verify_names_the_message_with_one_changed_byte",
        verify_names_the_message_with_one_changed_byte);
    harness_run("verify_detects_deleted_and_inserted_messages",
        verify_detects_deleted_and_inserted_messages);
    harness_run("verify_detects_an_edited_audit_row", verify_detects_an_edited_audit_row);
    harness_run("verify_covers_directory_administration", verify_covers_directory_administration);
    harness_run("verify_checks_each_batched_message_alone",
        verify_checks_each_batched_message_alone);
    harness_run("export_writes_json_lines_filtered_by_topic_and_time",
        export_writes_json_lines_filtered_by_topic_and_time);
    harness_run("backup_under_load_verifies", backup_under_load_verifies);
    harness_run("archive_size_per_thousand_1kib_messages", archive_size_per_thousand_1kib_messages);
    hub_cleanup(&hub);
    return harness_finish();
}
