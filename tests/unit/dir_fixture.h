/*
 * dir_fixture.h: the directory the access and disclosure unit tests share
 * (test_acl.c, test_disclose.c).
 *
 * The directory comes from a real archive (seeded, officers added through
 * archive_officer_add with fresh keys, a PPT and observer invitations), so
 * the rules are checked against the entries the hub itself would see.
 */
#ifndef ENLACE_TEST_DIR_FIXTURE_H
#define ENLACE_TEST_DIR_FIXTURE_H

#include "check.h"

#include <time.h>

#include "archive.h"
#include "directory.h"
#include "keys.h"

static const char *s_seed =
    "INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES"
    "  ('MX', 'Mexico', 'México', 'member'), ('GT', 'Guatemala', 'Guatemala', 'member'),"
    "  ('CO', 'Colombia', 'Colombia', 'observer');"
    "INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES"
    "  ('ST', 'Technical Secretariat', 'Secretaría Técnica', 'secretariat', NULL),"
    "  ('IOM', 'IOM', 'OIM', 'observer', 1996);"
    "INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES"
    "  ('consular', 'Consular protection', 'Protección consular'),"
    "  ('child', 'Children', 'Niñez'), ('crm', 'Plenary', 'Plenaria'),"
    "  ('trafficking', 'Trafficking', 'Trata');";

/* The officers of the fixture directory. GT's country holds the PPT this
 * year; IOM holds the invitations below. */
enum { MX, GT, OBSERVER, ST, READER, REVOKED, OFFICERS };

static const struct {
    const char *name, *country, *org, *role, *networks;
} s_people[OFFICERS] = {
    [MX] = {"Ana (MX consular)", "MX", NULL, "officer", "consular,trafficking"},
    [GT] = {"Luis (GT focal)", "GT", NULL, "focal", "child,consular"},
    [OBSERVER] = {"Iris (IOM)", NULL, "IOM", "observer", NULL},
    [ST] = {"Sofía (ST)", NULL, "ST", "st", NULL},
    [READER] = {"Raúl (MX consular)", "MX", NULL, "officer", "consular"},
    [REVOKED] = {"Old key", "GT", NULL, "officer", "consular"},
};

static const struct {
    const char *network, *patterns, *access;
    int64_t expires_in_ms; /* from now; negative: already expired */
} s_invitations[] = {
    {"consular", "consular/observers/#", "readwrite", 3600000},
    {"child", "child/public/#,child/news", "read", 3600000},
    {"trafficking", "trafficking/#", "readwrite", -1000},
    {"crm", "crm/#", "readwrite", 3600000},
};

typedef struct {
    char dir[128];
    archive_t *archive;
    directory_t *directory;
    int64_t now;
    uint8_t pk[OFFICERS][32];
    char fp[OFFICERS][KEYS_FINGERPRINT_LEN];
    int64_t id[OFFICERS];
    const dir_entry_t *who[OFFICERS];
} fixture_t;

static fixture_t s_fx;

static inline int
s_this_year(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static inline int
s_add_officers(fixture_t *fx)
{
    for (int i = 0; i < OFFICERS; i++) {
        keys_identity_t *key = keys_identity_new();
        if (!key)
            return -1;
        uint8_t curve[32];
        memcpy(fx->pk[i], keys_identity_public(key), 32);
        keys_identity_curve_public(key, curve);
        keys_fingerprint(fx->pk[i], fx->fp[i]);
        keys_identity_destroy(&key);
        archive_officer_spec_t spec = {
            .name = s_people[i].name,
            .country = s_people[i].country,
            .org = s_people[i].org,
            .role = s_people[i].role,
            .networks = s_people[i].networks,
            .pk = fx->pk[i],
            .curve = curve,
            .fingerprint = fx->fp[i],
        };
        if (archive_officer_add(fx->archive, &spec, &fx->id[i]) != 0) {
            fprintf(stderr, "officer_add %s: %s\n", s_people[i].name, archive_error(fx->archive));
            return -1;
        }
    }
    return 0;
}

static inline int
s_fixture_open(fixture_t *fx)
{
    if (check_tempdir(fx->dir, sizeof fx->dir, "dirfx") != 0)
        return -1;
    fx->now = archive_now_ms();
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    fx->archive = archive_open(path, 1, ARCHIVE_SYNC_OFF, err, sizeof err);
    if (!fx->archive) {
        fprintf(stderr, "archive_open: %s\n", err);
        return -1;
    }
    if (archive_seed(fx->archive, s_seed) != 0 || s_add_officers(fx) != 0
        || archive_ppt_set(fx->archive, s_this_year(fx->now), "GT", NULL, 0) != 0) {
        fprintf(stderr, "fixture: %s\n", archive_error(fx->archive));
        return -1;
    }
    for (size_t i = 0; i < sizeof s_invitations / sizeof s_invitations[0]; i++) {
        archive_invitation_t inv = {
            .grantee = "IOM",
            .network = s_invitations[i].network,
            .patterns = s_invitations[i].patterns,
            .access = s_invitations[i].access,
            .expires_ms = fx->now + s_invitations[i].expires_in_ms,
        };
        int64_t id;
        if (archive_invitation_grant(fx->archive, &inv, NULL, 0, &id) != 0) {
            fprintf(stderr, "invitation: %s\n", archive_error(fx->archive));
            return -1;
        }
    }
    fx->directory = directory_load(fx->archive);
    if (!fx->directory) {
        fprintf(stderr, "directory_load: %s\n", archive_error(fx->archive));
        return -1;
    }
    for (int i = 0; i < OFFICERS; i++) {
        fx->who[i] = directory_find(fx->directory, fx->fp[i]);
        if (!fx->who[i]) {
            fprintf(stderr, "officer %s not in the directory\n", s_people[i].name);
            return -1;
        }
    }
    return 0;
}

static inline void
s_fixture_close(fixture_t *fx)
{
    directory_destroy(&fx->directory);
    archive_destroy(&fx->archive);
    check_tempdir_remove(fx->dir);
}

#endif
