/*
 * test_sealed: sealed content (issue 16, PROTOCOL.md 6) against a real hub.
 *
 * Mexico's focal point publishes a TLP:RED urgent alert to one Guatemalan
 * officer, with a case form and a translation, and an AMBER message sealed
 * with --seal to the same officer; a marker word is planted in the body,
 * the headline, the area, the translation and a form field. After
 * delivering, replaying, searching, escalating, exporting (plain and
 * encrypted, CAP too), backing up (plain and encrypted) and checkpointing,
 * the marker is looked for in the archive file, its write-ahead log, the
 * hub's log, every status output and every export: absent. The named
 * recipient and the ST with the archive key read it; an unnamed officer of
 * the same network, a key added after the fact, the ST's own key and the
 * hub key cannot.
 *
 * Then: tampering (a flipped byte in the ciphertext or in a box refused by
 * the hub as a bad signature; a byte flipped in the archive after storing
 * reported by the recipient's library and by verify; a box the author
 * damaged before signing reported as a seal that does not open, never
 * shown), what the hub refuses of a seal it can check, the archive key's
 * rotation and verify's guard on it, and an encrypted backup restored into
 * an empty directory (verifies, serves history; a wrong key or a cut file
 * refused, nothing written).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "enlace.pb-c.h"
#include "harness.h"
#include "keys.h"
#include "rawclient.h"
#include "seal.h"

static hub_t hub;
static officer_t mx, gt, gt2, st, archive;
static char s_data[300], s_db[320];
static char s_marker[32];
static uint64_t s_red, s_amber; /* the sealed RED alert and the sealed AMBER message */

static void
s_new_marker(void)
{
    static const char letters[] = "bcdfghjklmnpqrstvwxz";
    char r[11];
    for (int i = 0; i < 10; i++)
        r[i] = letters[randombytes_uniform(sizeof letters - 1)];
    r[10] = '\0';
    snprintf(s_marker, sizeof s_marker, "zq%s", r);
}

static enlace_client_t *
s_client(const officer_t *o)
{
    int rc;
    char why[256];
    enlace_client_t *c = client_connect(&hub, o, &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  connect %s: %s\n", o->name, why);
    CHECK(c != NULL);
    return c;
}

/* 1 if word occurs in the n bytes at p. */
static int
s_has(const void *p, size_t n, const char *word)
{
    size_t len = strlen(word);
    const uint8_t *b = p;
    for (size_t i = 0; b && n >= len && i + len <= n; i++)
        if (b[i] == (uint8_t)word[0] && !memcmp(b + i, word, len))
            return 1;
    return 0;
}

/* 1 if the file holds word; -1 if it cannot be read. */
static int
s_file_has(const char *path, const char *word)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = buf ? fread(buf, 1, (size_t)(n > 0 ? n : 0), f) : 0;
    fclose(f);
    int has = s_has(buf, got, word);
    free(buf);
    return has;
}

static int
s_text_has(const char *text, const char *word)
{
    return text && strstr(text, word) != NULL;
}

static const char *
s_bin(const char *name)
{
    return getenv(name);
}

/* ------------------------------------------------------------- publishing */

static void
s_publish_secrets(enlace_client_t *a)
{
    char body[128], head[128], area[64], tr[128], name[64];
    snprintf(body, sizeof body, "Pasaporte G1234567 de %s", s_marker);
    snprintf(head, sizeof head, "Fallecimiento %s", s_marker);
    snprintf(area, sizeof area, "Tapachula %s", s_marker);
    snprintf(tr, sizeof tr, "Death %s", s_marker);
    snprintf(name, sizeof name, "J. P. %s", s_marker);
    enlace_form_t *form = NULL;
    char why[256];
    CHECK_RC(enlace_form_new("death", &form, why, sizeof why), ENLACE_OK);
    const char *fields[][2] = {{"deceased_name", name}, {"nationality", "GT"},
        {"date_of_death", "2026-11-20"}, {"place_of_death", "Tapachula"}};
    for (size_t i = 0; form && i < 4; i++)
        CHECK_RC(enlace_form_set(form, fields[i][0], fields[i][1], why, sizeof why), ENLACE_OK);
    const char *to[] = {gt.fingerprint};
    const char *cc[] = {"GT"};
    enlace_alert_t al = {.priority = "urgent",
        .category = "death",
        .countries = cc,
        .ncountries = 1,
        .headline = head,
        .area = area,
        .translation_language = "en",
        .translation_headline = tr,
        .translation_description = tr};
    enlace_publish_opts_t red = {.tlp = ENLACE_TLP_RED,
        .recipients = to,
        .nrecipients = 1,
        .alert = &al,
        .form = form,
        .handling = "H3",
        .handling_text = s_marker};
    CHECK_RC(enlace_publish(a, "consular/death/MX", body, strlen(body), &red, &s_red), ENLACE_OK);
    enlace_form_destroy(&form);
    enlace_publish_opts_t amber = {.tlp = ENLACE_TLP_AMBER,
        .recipients = to,
        .nrecipients = 1,
        .seal = 1};
    CHECK_RC(enlace_publish(a, "consular/death/MX", body, strlen(body), &amber, &s_amber),
        ENLACE_OK);
}

/* The opened view of the RED alert: every part shows the marker. */
static void
s_check_opened(const enlace_delivery_t *d, const char *by)
{
    CHECK(d->sealed && d->seal_status == ENLACE_OK);
    CHECK(!strcmp(d->opened_by, by));
    CHECK(s_has(d->body, d->body_len, s_marker));
    if (d->seq == s_red) {
        CHECK(s_text_has(d->alert_headline, s_marker));
        CHECK(s_text_has(d->translation_headline, s_marker));
        CHECK(s_text_has(d->handling_text, s_marker));
        int in_form = 0;
        for (size_t i = 0; d->form && i < enlace_form_count(d->form); i++)
            in_form |= s_text_has(enlace_form_field(d->form, i)->values[0], s_marker);
        CHECK(in_form);
    }
}

/* Never any of the sealed part. */
static void
s_check_closed(const enlace_delivery_t *d, int why)
{
    CHECK(d->sealed && d->seal_status == why);
    CHECK(d->body == NULL && d->body_len == 0 && d->form == NULL);
    CHECK(!d->opened_by[0]);
    CHECK(!d->alert_headline || !s_text_has(d->alert_headline, s_marker));
    CHECK(!d->translation_headline);
}

/* A page item by seq, or NULL. */
static const enlace_delivery_t *
s_item(const enlace_page_t *page, uint64_t seq)
{
    for (size_t i = 0; i < enlace_page_count(page); i++)
        if (enlace_page_item(page, i)->seq == seq)
            return enlace_page_item(page, i);
    return NULL;
}

static enlace_page_t *
s_history(enlace_client_t *c, const char *pattern)
{
    enlace_history_query_t q = {.pattern = pattern};
    enlace_page_t *page = NULL;
    CHECK_RC(enlace_history(c, &q, &page), ENLACE_OK);
    return page;
}

/* Opens a stored message's signed bytes with a key file: its seal status. */
static int
s_open_with(const enlace_delivery_t *d, const char *key_file, char *opened_by, size_t cap)
{
    enlace_key_t *key = NULL;
    char why[256];
    if (enlace_key_load(key_file, NULL, &key, why, sizeof why) != ENLACE_OK) {
        fprintf(stderr, "  key %s: %s\n", key_file, why);
        return -1;
    }
    enlace_delivery_t *o = NULL;
    int rc = enlace_message_open(d->content, d->content_len, d->signature, 64, d->batch_size,
        d->batch_index, d->batch_path, d->batch_path_len, key, &o, why, sizeof why);
    int status = -1;
    if (rc == ENLACE_OK) {
        status = o->seal_status;
        if (opened_by)
            snprintf(opened_by, cap, "%s", o->opened_by);
        if (status == ENLACE_OK && !s_has(o->body, o->body_len, s_marker))
            status = -2;
    } else {
        fprintf(stderr, "  open: %s\n", why);
    }
    enlace_delivery_destroy(&o);
    enlace_key_destroy(&key);
    return status;
}

/* ------------------------------------------------------------- the marker test */

static void
a_sealed_red_alert_leaves_no_plaintext_anywhere(void)
{
    s_new_marker();
    enlace_client_t *g = s_client(&gt), *g2 = s_client(&gt2), *s = s_client(&st);
    enlace_client_t *a = s_client(&mx);
    if (!g || !g2 || !s || !a)
        goto out;
    CHECK_RC(enlace_subscribe(g, "consular/#", 0), ENLACE_OK);
    CHECK_RC(enlace_subscribe(g2, "consular/#", 0), ENLACE_OK);
    s_publish_secrets(a);

    /* Delivered: the named recipient reads everything, the unnamed officer
     * gets the AMBER one sealed and never the RED one. */
    int got_red = 0, got_amber = 0, g2_amber = 0, g2_red = 0;
    for (int i = 0; i < 60 && !(got_red && got_amber && g2_amber); i++) {
        enlace_delivery_t *d = NULL;
        if (enlace_recv(g, &d, 100) == ENLACE_OK) {
            if (d->seq == s_red || d->seq == s_amber) {
                s_check_opened(d, gt.fingerprint);
                got_red |= d->seq == s_red;
                got_amber |= d->seq == s_amber;
            }
            enlace_delivery_destroy(&d);
        }
        if (enlace_recv(g2, &d, 10) == ENLACE_OK) {
            g2_red |= d->seq == s_red;
            if (d->seq == s_amber) {
                s_check_closed(d, ENLACE_ESEALED);
                g2_amber = 1;
            }
            enlace_delivery_destroy(&d);
        }
    }
    CHECK(got_red && got_amber && g2_amber && !g2_red);

    /* Replayed: a new subscription from the start, in a new session. */
    enlace_client_t *g3 = s_client(&gt);
    CHECK(g3 && enlace_subscribe(g3, "consular/death/#", 1) == ENLACE_OK);
    int replayed = 0;
    for (int i = 0; g3 && i < 50 && replayed < 2; i++) {
        enlace_delivery_t *d = NULL;
        if (enlace_recv(g3, &d, 100) != ENLACE_OK)
            continue;
        if (d->seq == s_red || d->seq == s_amber) {
            s_check_opened(d, gt.fingerprint);
            replayed++;
        }
        enlace_delivery_destroy(&d);
    }
    CHECK(replayed == 2);
    enlace_close(&g3);

    /* History: the recipient reads, the ST's own key does not. */
    enlace_page_t *page = s_history(g, "consular/#");
    const enlace_delivery_t *d = s_item(page, s_red);
    CHECK(d != NULL);
    if (d)
        s_check_opened(d, gt.fingerprint);
    enlace_page_destroy(&page);
    enlace_page_t *st_page = s_history(s, "consular/#");
    const enlace_delivery_t *sd = s_item(st_page, s_red);
    CHECK(sd != NULL);
    if (sd)
        s_check_closed(sd, ENLACE_ESEALED);

    /* Search: nothing found, and said so. */
    enlace_page_t *found = NULL;
    CHECK_RC(enlace_search(g, s_marker, 0, 100, &found), ENLACE_OK);
    CHECK(enlace_page_count(found) == 0 && enlace_page_sealed_not_searched(found) >= 2);
    enlace_page_destroy(&found);
    CHECK_RC(enlace_search(g2, s_marker, 0, 100, &found), ENLACE_OK);
    /* gt2 may see the AMBER one only: counted, not the RED one. */
    CHECK(enlace_page_count(found) == 0 && enlace_page_sealed_not_searched(found) == 1);
    enlace_page_destroy(&found);
    char out[1 << 16];
    CMD(0, out, sizeof out, "%s --hub %s --hub-key %s --key %s search %s 2>&1",
        s_bin("ENLACE_CLI_BIN"), hub.endpoint, hub.hub_public, gt.secret, s_marker);
    CHECK(strstr(out, "sealed messages not searched") && !strstr(out, s_marker + 2));

    /* The alert board and CAP: the envelope only. */
    enlace_alert_list_t *alerts = NULL;
    CHECK_RC(enlace_alerts(g, 0, s_red, &alerts), ENLACE_OK);
    CHECK(alerts && alerts->count == 1 && alerts->items[0]->sealed && !*alerts->items[0]->headline);
    enlace_alert_list_destroy(&alerts);
    char *xml = NULL;
    CHECK_RC(enlace_cap(g, s_red, &xml), ENLACE_OK);
    CHECK(
        xml && !strstr(xml, s_marker) && strstr(xml, "enlaceSealed") && !strstr(xml, "<headline>"));
    free(xml);

    /* Escalation: wait for both levels (urgent deadline 2 s). */
    long long level = 0;
    for (int i = 0; i < 80 && level < 2; i++) {
        usleep(100 * 1000);
        level = SQL_INT(s_db, "SELECT level FROM alert_targets WHERE alert_seq = %llu",
            (unsigned long long)s_red);
    }
    CHECK(level == 2);

    /* Readers: the ST with the archive key, over the wire and by hand. */
    char by[32] = "";
    CHECK(sd && s_open_with(sd, archive.secret, by, sizeof by) == ENLACE_OK);
    CHECK(!strcmp(by, archive.fingerprint));
    CMD(0, out, sizeof out, "%s --hub %s --hub-key %s --key %s unseal --key %s %llu",
        s_bin("ENLACE_CLI_BIN"), hub.endpoint, hub.hub_public, st.secret, archive.secret,
        (unsigned long long)s_red);
    CHECK(strstr(out, s_marker) && strstr(out, archive.fingerprint));
    /* Those who cannot: the unnamed officer, the ST's own key, the hub key,
     * and a key added to the recipient after the fact. */
    char hub_secret[400];
    snprintf(hub_secret, sizeof hub_secret, "%s/hub.secret", s_data);
    CHECK(sd && s_open_with(sd, gt2.secret, NULL, 0) == ENLACE_ESEALED);
    CHECK(sd && s_open_with(sd, st.secret, NULL, 0) == ENLACE_ESEALED);
    CHECK(sd && s_open_with(sd, hub_secret, NULL, 0) == ENLACE_ESEALED);
    officer_t later;
    officer_keys_only(&hub, &later, "gt-later");
    CMD(0, NULL, 0, "%s officer key %s --fingerprint %s --key %s", s_bin("ENLACE_HUB_BIN"), s_data,
        gt.fingerprint, later.public_);
    CHECK(sd && s_open_with(sd, later.secret, NULL, 0) == ENLACE_ESEALED);
    usleep(1200 * 1000); /* the hub takes the new key at its next directory reload */
    enlace_client_t *l = s_client(&later);
    enlace_page_t *lp = l ? s_history(l, "consular/#") : NULL;
    const enlace_delivery_t *ld = s_item(lp, s_amber);
    CHECK(ld != NULL && s_item(lp, s_red) == NULL); /* RED named the other key */
    if (ld)
        s_check_closed(ld, ENLACE_ESEALED);
    enlace_page_destroy(&lp);
    enlace_close(&l);

    /* Status, over the wire and on the server. */
    enlace_status_t *status = NULL;
    CHECK_RC(enlace_admin_status(s, &status), ENLACE_OK);
    enlace_status_destroy(&status);
    char paths[16][400];
    int npaths = 0;
    const char *outputs[] = {"status.txt", "status.json", "status.prom", "export.jsonl",
        "export.enc", "cap.xml", "backup.db", "backup.enc"};
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++)
        snprintf(paths[npaths++], sizeof paths[0], "%s/out-%s", hub.dir, outputs[i]);
    const char *hb = s_bin("ENLACE_HUB_BIN");
    CMD(0, NULL, 0, "%s status %s > %s", hb, s_data, paths[0]);
    CMD(0, NULL, 0, "%s status %s --json > %s", hb, s_data, paths[1]);
    CMD(0, NULL, 0, "%s status %s --prometheus > %s", hb, s_data, paths[2]);
    /* Exports and backups, restricted messages included. */
    CMD(0, NULL, 0, "%s export %s --restricted > %s", hb, s_data, paths[3]);
    CMD(0, NULL, 0, "%s export %s --restricted --encrypt-to %s > %s", hb, s_data, archive.public_,
        paths[4]);
    CMD(0, NULL, 0, "%s export-cap %s %llu --restricted > %s", hb, s_data,
        (unsigned long long)s_red, paths[5]);
    CMD(0, NULL, 0, "%s backup %s %s", hb, s_data, paths[6]);
    CMD(0, NULL, 0, "%s backup --encrypt-to %s %s %s", hb, archive.public_, s_data, paths[7]);
    /* The export opens for the archive key (and its lines verify). */
    CMD(0, out, sizeof out, "%s unseal --key %s --export %s", s_bin("ENLACE_CLI_BIN"),
        archive.secret, paths[4]);
    CHECK(strstr(out, s_marker) != NULL);
    /* Checkpointed: the write-ahead log's content moves into the file. */
    CMD(0, NULL, 0, "sqlite3 %s/archive.db 'PRAGMA wal_checkpoint(PASSIVE)' >/dev/null", s_data);
    snprintf(paths[npaths++], sizeof paths[0], "%s/archive.db", s_data);
    snprintf(paths[npaths++], sizeof paths[0], "%s/archive.db-wal", s_data);
    snprintf(paths[npaths++], sizeof paths[0], "%s", hub.log);
    for (int i = 0; i < npaths; i++) {
        int has = s_file_has(paths[i], s_marker);
        if (has != 0)
            fprintf(stderr, "  %s: %s\n", paths[i], has < 0 ? "missing" : "holds the marker");
        CHECK(has == 0);
    }
    enlace_page_destroy(&st_page);
out:
    enlace_close(&a);
    enlace_close(&g);
    enlace_close(&g2);
    enlace_close(&s);
}

/* ------------------------------------------------------------- tampering */

/* A sealed RED content to gt, by mx, sealed here (as libenlace would):
 * packed into *out (caller frees). damage_box: the author damages gt's box
 * before packing. */
static uint8_t *
s_sealed_content(const keys_identity_t *author, int damage_box, int with_archive, size_t *len)
{
    uint8_t keys[3][32];
    char err[KEYS_ERR_LEN];
    if (keys_public_load(gt.public_, keys[0], err) != 0
        || keys_public_load(archive.public_, keys[2], err) != 0)
        return NULL;
    memcpy(keys[1], keys_identity_public(author), 32);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    c.message_id.data = id;
    c.message_id.len = 16;
    c.topic.data = (uint8_t *)"consular/tamper/MX";
    c.topic.len = strlen("consular/tamper/MX");
    c.created_ms = harness_now_ms();
    c.author_key.data = (uint8_t *)keys_identity_public(author);
    c.author_key.len = 32;
    c.tlp = ENLACE__TLP__TLP_RED;
    char *to[] = {gt.fingerprint};
    c.recipients = to;
    c.n_recipients = 1;
    c.content_type = "text/plain; charset=utf-8";
    char body[64];
    snprintf(body, sizeof body, "manipulado %s", s_marker);
    c.body.data = (uint8_t *)body;
    c.body.len = strlen(body);
    Enlace__Sealed sealed = ENLACE__SEALED__INIT;
    Enlace__SealedPart part;
    sealed.form = "";
    seal_move(&c, &part);
    c.sealed = &sealed;
    if (!with_archive) {
        memcpy(keys[2], keys[1], 32);
    }
    if (seal_encrypt(&c, &part, (const uint8_t(*)[32])keys, with_archive ? 3 : 2) != SEAL_OK)
        return NULL;
    if (damage_box)
        sealed.keys[0]->box.data[40] ^= 0x04;
    *len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(*len);
    if (buf)
        enlace__content__pack(&c, buf);
    seal_sealed_fini(&sealed);
    return buf;
}

static uint8_t *
s_find(uint8_t *hay, size_t n, const uint8_t *needle, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (!memcmp(hay + i, needle, len))
            return hay + i;
    return NULL;
}

/* Publishes content signed by the raw client's key; the reply (caller frees). */
static Enlace__Frame *
s_raw_publish(rawclient_t *raw, const uint8_t *content, size_t len, const uint8_t *sig)
{
    return rawclient_await(raw, rawclient_publish(raw, content, len, sig, KEYS_SIGNATURE_BYTES),
        5000);
}

static int
s_error_code(const Enlace__Frame *f)
{
    return f && f->body_case == ENLACE__FRAME__BODY_ERROR ? (int)f->error->code : 0;
}

static void
tampering_is_refused_or_reported_never_shown(void)
{
    rawclient_opts_t o = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = mx.secret};
    char why[256];
    rawclient_t *raw = rawclient_new(&o, why, sizeof why);
    CHECK(raw && rawclient_hello(raw, 5000, NULL) == 0);
    if (!raw)
        return;
    const keys_identity_t *me = rawclient_identity(raw);
    /* 1. A byte flipped in the ciphertext, or in one box, after signing:
     * the hub refuses a bad signature. */
    for (int where = 0; where < 2; where++) {
        size_t len = 0;
        uint8_t *c = s_sealed_content(me, 0, 1, &len), sig[KEYS_SIGNATURE_BYTES];
        CHECK(c && keys_sign_content(me, c, len, sig) == 0);
        Enlace__Content *u = c ? enlace__content__unpack(NULL, len, c) : NULL;
        CHECK(u && u->sealed);
        if (u && u->sealed) {
            ProtobufCBinaryData part = where == 0 ? u->sealed->ciphertext : u->sealed->keys[0]->box;
            uint8_t *at = s_find(c, len, part.data, part.len);
            CHECK(at != NULL);
            if (at)
                at[part.len / 2] ^= 0x01;
            Enlace__Frame *f = s_raw_publish(raw, c, len, sig);
            CHECK(s_error_code(f) == ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE);
            enlace__frame__free_unpacked(f, NULL);
        }
        enlace__content__free_unpacked(u, NULL);
        free(c);
    }
    /* 2. A box the author damaged before signing: stored (the hub cannot
     * tell), reported by the recipient's library as a seal that does not
     * open, never shown; the archive key's box still opens. */
    size_t len = 0;
    uint8_t *c = s_sealed_content(me, 1, 1, &len), sig[KEYS_SIGNATURE_BYTES];
    CHECK(c && keys_sign_content(me, c, len, sig) == 0);
    Enlace__Frame *f = c ? s_raw_publish(raw, c, len, sig) : NULL;
    CHECK(f && f->body_case == ENLACE__FRAME__BODY_STORED);
    uint64_t damaged = f && f->body_case == ENLACE__FRAME__BODY_STORED ? f->stored->seq : 0;
    enlace__frame__free_unpacked(f, NULL);
    free(c);
    enlace_client_t *g = s_client(&gt);
    enlace_page_t *page = g ? s_history(g, "consular/tamper/#") : NULL;
    const enlace_delivery_t *d = s_item(page, damaged);
    CHECK(d != NULL);
    if (d) {
        s_check_closed(d, ENLACE_EBADSEAL);
        CHECK(s_open_with(d, archive.secret, NULL, 0) == ENLACE_OK);
    }
    enlace_page_destroy(&page);

    /* 3. Stored, then a byte of its ciphertext flipped in the archive: the
     * recipient's library drops it (bad signature) and verify names it. */
    uint64_t seq = 0;
    enlace_client_t *a = s_client(&mx);
    const char *to[] = {gt.fingerprint};
    enlace_publish_opts_t red = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    char body[64];
    snprintf(body, sizeof body, "se altera despues %s", s_marker);
    CHECK(
        a && enlace_publish(a, "consular/tamper/MX", body, strlen(body), &red, &seq) == ENLACE_OK);
    enlace_close(&a);
    char hex[1 << 14];
    CMD(0, hex, sizeof hex,
        "sqlite3 %s/archive.db \"SELECT hex(content) FROM messages WHERE"
        " seq = %llu\"",
        s_data, (unsigned long long)seq);
    hex[strcspn(hex, "\n")] = '\0';
    size_t hl = strlen(hex);
    CHECK(hl > 200);
    char orig = hex[hl - 40]; /* inside the last box */
    hex[hl - 40] = orig == '0' ? '1' : '0';
    CMD(0, NULL, 0,
        "sqlite3 %s/archive.db \"UPDATE messages SET content = X'%s' WHERE seq = %llu\"", s_data,
        hex, (unsigned long long)seq);
    uint64_t bad_before = g ? enlace_bad_signatures(g) : 0;
    page = g ? s_history(g, "consular/tamper/#") : NULL;
    CHECK(page && s_item(page, seq) == NULL);
    CHECK(g && enlace_bad_signatures(g) > bad_before);
    for (size_t i = 0; i < enlace_page_count(page); i++)
        CHECK(!s_has(enlace_page_item(page, i)->body, enlace_page_item(page, i)->body_len,
            "se altera"));
    enlace_page_destroy(&page);
    char out[8192];
    CMD(1, out, sizeof out, "%s verify %s", s_bin("ENLACE_HUB_BIN"), s_data);
    char name[64];
    snprintf(name, sizeof name, "message seq %llu ", (unsigned long long)seq);
    CHECK(strstr(out, name) != NULL);
    /* Put the byte back: the other tests verify this archive. */
    hex[hl - 40] = orig;
    CMD(0, NULL, 0,
        "sqlite3 %s/archive.db \"UPDATE messages SET content = X'%s' WHERE seq = %llu\"", s_data,
        hex, (unsigned long long)seq);
    CMD(0, NULL, 0, "%s verify %s >/dev/null", s_bin("ENLACE_HUB_BIN"), s_data);
    enlace_close(&g);
    rawclient_destroy(&raw);
}

/* ------------------------------------------------------------- what the hub refuses */

static void
the_hub_refuses_red_in_the_clear_and_seals_it_cannot_check(void)
{
    rawclient_opts_t o = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = mx.secret};
    char why[256];
    rawclient_t *raw = rawclient_new(&o, why, sizeof why);
    CHECK(raw && rawclient_hello(raw, 5000, NULL) == 0);
    if (!raw)
        return;
    const keys_identity_t *me = rawclient_identity(raw);
    /* RED in the clear, as an old client would send it. */
    rawclient_content_t spec = {.topic = "consular/clear/MX",
        .tlp = ENLACE__TLP__TLP_RED,
        .recipient = gt.fingerprint,
        .recipient_len = strlen(gt.fingerprint)};
    rawbuf_t b = rawclient_content(&spec, me);
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    CHECK(keys_sign_content(me, b.data, b.len, sig) == 0);
    Enlace__Frame *f = s_raw_publish(raw, b.data, b.len, sig);
    CHECK(s_error_code(f) == ENLACE__ERROR_CODE__ERR_MALFORMED
        && strstr(f->error->message, "sealed"));
    enlace__frame__free_unpacked(f, NULL);
    free(b.data);
    /* Sealed, but not to the archive key the hub has. */
    size_t len = 0;
    uint8_t *c = s_sealed_content(me, 0, 0, &len);
    CHECK(c && keys_sign_content(me, c, len, sig) == 0);
    f = c ? s_raw_publish(raw, c, len, sig) : NULL;
    CHECK(s_error_code(f) == ENLACE__ERROR_CODE__ERR_MALFORMED
        && strstr(f->error->message, "archive key"));
    enlace__frame__free_unpacked(f, NULL);
    free(c);
    CHECK(SQL_INT(s_db, "SELECT count(*) FROM messages WHERE topic = 'consular/clear/MX'") == 0);
    rawclient_destroy(&raw);
}

/* ------------------------------------------------------------- the archive key */

static void
the_archive_key_rotates_and_verify_guards_it(void)
{
    officer_t next;
    officer_keys_only(&hub, &next, "archive-2027");
    const char *hb = s_bin("ENLACE_HUB_BIN");
    char out[8192];
    CMD(0, out, sizeof out, "%s archive-key set %s %s", hb, s_data, next.public_);
    CHECK(strstr(out, next.fingerprint) && strstr(out, archive.fingerprint));
    CMD(0, out, sizeof out, "%s audit %s", hb, s_data);
    CHECK(strstr(out, "archive-key.set") != NULL);
    usleep(1200 * 1000); /* the running hub reloads the directory */
    enlace_client_t *a = s_client(&mx), *s = s_client(&st);
    const char *to[] = {gt.fingerprint};
    enlace_publish_opts_t red = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    char body[64];
    snprintf(body, sizeof body, "tras la rotacion %s", s_marker);
    uint64_t seq = 0;
    CHECK(a
        && enlace_publish(a, "consular/rotation/MX", body, strlen(body), &red, &seq) == ENLACE_OK);
    /* A pinned archive key other than the hub's: not sealed at all. */
    CHECK(a && enlace_pin_archive_key(a, archive.fingerprint) == ENLACE_OK);
    CHECK(a
        && enlace_publish(a, "consular/rotation/MX", body, strlen(body), &red, NULL)
            == ENLACE_EKEY);
    enlace_page_t *page = s ? s_history(s, "consular/#") : NULL;
    const enlace_delivery_t *d = s_item(page, seq), *old = s_item(page, s_red);
    CHECK(d && old);
    CHECK(d && s_open_with(d, next.secret, NULL, 0) == ENLACE_OK);
    CHECK(d && s_open_with(d, archive.secret, NULL, 0) == ENLACE_ESEALED);
    CHECK(old && s_open_with(old, archive.secret, NULL, 0) == ENLACE_OK); /* stays */
    enlace_page_destroy(&page);
    enlace_close(&a);
    enlace_close(&s);
    /* Swapped behind the hub's back (in a copy): verify says so. */
    char copy[400];
    snprintf(copy, sizeof copy, "%s/swapped.db", hub.dir);
    CMD(0, NULL, 0, "%s backup %s %s >/dev/null", hb, s_data, copy);
    CMD(0, NULL, 0, "sqlite3 %s \"UPDATE meta SET value = '%064d' WHERE key = 'archive_key'\"",
        copy, 7);
    CMD(1, out, sizeof out, "%s verify %s", hb, copy);
    CHECK(strstr(out, "archive key") != NULL);
    /* Back to the first key for the tests that follow. */
    CMD(0, NULL, 0, "%s archive-key set %s %s >/dev/null", hb, s_data, archive.public_);
    usleep(1200 * 1000);
}

/* The same rotation over the wire (`enlace admin archive-key set`): the
 * ST's key sets it, audited with that key; an officer's is refused. */
static void
the_archive_key_is_set_over_the_wire(void)
{
    officer_t next;
    officer_keys_only(&hub, &next, "archive-2028");
    uint8_t next_key[ENLACE_PUBLIC_KEY_BYTES];
    char why[256];
    CHECK_RC(enlace_public_key_load(next.public_, next_key, why, sizeof why), ENLACE_OK);
    enlace_client_t *s = s_client(&st), *g = s_client(&gt);
    enlace_archive_key_t k;
    CHECK(g && enlace_admin_archive_key_set(g, next_key, &k) == ENLACE_EDENIED);
    CHECK(s && enlace_admin_archive_key_set(s, next_key, &k) == ENLACE_OK);
    CHECK(k.present && k.changed && !strcmp(k.fingerprint, next.fingerprint)
        && !strcmp(k.previous, archive.fingerprint));
    CHECK(s && enlace_admin_archive_key_show(s, &k) == ENLACE_OK);
    CHECK(k.present && !memcmp(k.key, next_key, sizeof next_key));
    CHECK(SQL_INT(s_db,
              "SELECT count(*) FROM audit WHERE action = 'archive-key.set' AND fingerprint = "
              "'%s' AND detail LIKE '%%%s%%'",
              st.fingerprint, next.fingerprint)
        == 1);
    CHECK(SQL_INT(s_db,
              "SELECT count(*) FROM audit WHERE fingerprint = '%s' AND outcome LIKE "
              "'refused%%' AND action = 'admin'",
              gt.fingerprint)
        >= 1);
    char out[4096];
    CMD(0, out, sizeof out, "%s archive-key show %s", s_bin("ENLACE_HUB_BIN"), s_data);
    CHECK(strstr(out, next.fingerprint) != NULL);
    usleep(1200 * 1000); /* the hub reloads the directory once the batch commits */
    /* A sealed publish is sealed to the new key, not the old one. */
    enlace_client_t *a = s_client(&mx);
    const char *to[] = {gt.fingerprint};
    enlace_publish_opts_t red = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    char body[64];
    snprintf(body, sizeof body, "por la red %s", s_marker);
    uint64_t seq = 0;
    CHECK(a && enlace_publish(a, "consular/wire/MX", body, strlen(body), &red, &seq) == ENLACE_OK);
    enlace_page_t *page = s ? s_history(s, "consular/#") : NULL;
    const enlace_delivery_t *d = s_item(page, seq);
    CHECK(d != NULL);
    CHECK(d && s_open_with(d, next.secret, NULL, 0) == ENLACE_OK);
    CHECK(d && s_open_with(d, archive.secret, NULL, 0) == ENLACE_ESEALED);
    enlace_page_destroy(&page);
    /* Back to the first key, over the wire too, through the CLI. */
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/st.profile", hub.endpoint,
        hub.hub_public, st.secret, hub.dir);
    CMD(0, out, sizeof out, "%s --profile %s/st.profile admin archive-key set %s 2>&1",
        s_bin("ENLACE_CLI_BIN"), hub.dir, archive.public_);
    CHECK(strstr(out, archive.fingerprint) && strstr(out, next.fingerprint));
    CMD(0, out, sizeof out, "%s --profile %s/st.profile admin archive-key show 2>&1",
        s_bin("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, archive.fingerprint) != NULL);
    CMD(0, NULL, 0, "%s verify %s >/dev/null 2>&1", s_bin("ENLACE_HUB_BIN"), s_data);
    enlace_close(&a);
    enlace_close(&s);
    enlace_close(&g);
    usleep(1200 * 1000);
}

/* ------------------------------------------------------------- restore */

static void
an_encrypted_backup_restores_into_an_empty_directory(void)
{
    const char *hb = s_bin("ENLACE_HUB_BIN");
    char file[400], cut[400], out[8192];
    snprintf(file, sizeof file, "%s/restore.enc", hub.dir);
    snprintf(cut, sizeof cut, "%s/restore-cut.enc", hub.dir);
    CMD(0, out, sizeof out, "%s backup --encrypt-to %s %s %s", hb, archive.public_, s_data, file);
    CHECK(strstr(out, archive.fingerprint) != NULL);
    CHECK(s_file_has(file, "SQLite format") == 0 && s_file_has(file, s_marker) == 0);
    struct stat sb;
    CHECK(stat(file, &sb) == 0 && (sb.st_mode & 077) == 0);
    hub_t r;
    hub_init(&r); /* a fresh port and directory; its data is replaced below */
    char rdata[300];
    snprintf(rdata, sizeof rdata, "%s/data", r.dir);
    CMD(0, NULL, 0, "rm -rf %s", rdata);
    /* A wrong key, a cut file: refused, nothing written. */
    CMD(1, out, sizeof out, "%s restore --key %s %s %s 2>&1", hb, gt.secret, file, rdata);
    CHECK(strstr(out, archive.fingerprint) && strstr(out, "nothing was written"));
    CHECK(stat(rdata, &sb) != 0);
    CHECK(stat(file, &sb) == 0);
    CMD(0, NULL, 0, "head -c %lld %s > %s", (long long)sb.st_size / 2, file, cut);
    CMD(1, out, sizeof out, "%s restore --key %s %s %s 2>&1", hb, archive.secret, cut, rdata);
    CHECK(strstr(out, "truncated") && strstr(out, "nothing was written"));
    CHECK(stat(rdata, &sb) != 0);
    /* The right key: an archive that verifies and serves history. */
    CMD(0, out, sizeof out, "%s restore --key %s %s %s", hb, archive.secret, file, rdata);
    CMD(0, NULL, 0, "cp %s/hub.secret %s/hub.public %s/", s_data, s_data, rdata);
    CMD(0, out, sizeof out, "%s verify %s", hb, rdata);
    CHECK(strstr(out, "verified:") != NULL);
    CMD(1, out, sizeof out, "%s restore --key %s %s %s 2>&1", hb, archive.secret, file, rdata);
    CHECK(strstr(out, "already holds an archive") != NULL);
    snprintf(r.hub_public, sizeof r.hub_public, "%s/hub.public", rdata);
    hub_start(&r);
    int rc;
    enlace_client_t *g = client_connect(&r, &gt, &rc, out, sizeof out);
    CHECK(g != NULL);
    enlace_page_t *page = g ? s_history(g, "consular/#") : NULL;
    const enlace_delivery_t *d = s_item(page, s_red);
    CHECK(d != NULL);
    if (d)
        s_check_opened(d, gt.fingerprint);
    enlace_page_destroy(&page);
    enlace_close(&g);
    hub_cleanup(&r);
}

int
main(void)
{
    hub_init(&hub);
    snprintf(s_data, sizeof s_data, "%s/data", hub.dir);
    snprintf(s_db, sizeof s_db, "%s/archive.db", s_data);
    officer_new(&hub, &mx, "mx-focal", "--country MX --network consular,crm --role focal");
    officer_new(&hub, &gt, "gt", "--country GT --network consular --role officer");
    officer_new(&hub, &gt2, "gt-unnamed", "--country GT --network consular --role officer");
    officer_new(&hub, &st, "st", "--org ST --role st");
    officer_keys_only(&hub, &archive, "archive");
    if (harness_sh("%s archive-key set %s %s >/dev/null", s_bin("ENLACE_HUB_BIN"), s_data,
            archive.public_)
        != 0) {
        fprintf(stderr, "archive-key set failed\n");
        return 2;
    }
    hub.extra[0] = "--deadline";
    hub.extra[1] = "urgent=2s,flash=1s";
    hub_start(&hub);
    harness_run("a_sealed_red_alert_leaves_no_plaintext_anywhere",
        a_sealed_red_alert_leaves_no_plaintext_anywhere);
    harness_run("the_hub_refuses_red_in_the_clear_and_seals_it_cannot_check",
        the_hub_refuses_red_in_the_clear_and_seals_it_cannot_check);
    harness_run("tampering_is_refused_or_reported_never_shown",
        tampering_is_refused_or_reported_never_shown);
    harness_run("the_archive_key_rotates_and_verify_guards_it",
        the_archive_key_rotates_and_verify_guards_it);
    harness_run("the_archive_key_is_set_over_the_wire", the_archive_key_is_set_over_the_wire);
    harness_run("an_encrypted_backup_restores_into_an_empty_directory",
        an_encrypted_backup_restores_into_an_empty_directory);
    hub_cleanup(&hub);
    return harness_finish();
}
