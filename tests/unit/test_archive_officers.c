/*
 * test_archive_officers.c: hub/archive/officers.c, the directory in the
 * hub's SQLite file: officers, keys, memberships, the PPT and invitations,
 * every change audited.
 *
 * Each test opens its own archive file in one private directory under /tmp
 * (archive_fixture.h); where a test must see what was written, it opens a
 * second connection with the sqlite3 API directly.
 */
#include "archive_fixture.h"
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

/* -------------------------------------------------------------- directory */

/* A fresh key and the spec fields derived from it. */
typedef struct {
    uint8_t pk[32], curve[32];
    char fp[KEYS_FINGERPRINT_LEN];
} fixture_key_t;

static void
s_key(fixture_key_t *k)
{
    keys_identity_t *id = keys_identity_new();
    memcpy(k->pk, keys_identity_public(id), 32);
    keys_identity_curve_public(id, k->curve);
    keys_fingerprint(k->pk, k->fp);
    keys_identity_destroy(&id);
}

static archive_officer_spec_t
s_spec(const fixture_key_t *k, const char *country, const char *org, const char *role,
    const char *networks)
{
    return (archive_officer_spec_t){
        .name = "Ana Pérez",
        .country = country,
        .org = org,
        .role = role,
        .networks = networks,
        .contact = NULL,
        .pk = k->pk,
        .curve = k->curve,
        .fingerprint = k->fp,
    };
}

static int
s_count_keys(const archive_key_row_t *row, void *arg)
{
    (void)row;
    (*(int *)arg)++;
    return 0;
}

static int
s_keys(archive_t *a)
{
    int n = 0;
    CHECK(archive_keys_each(a, s_count_keys, &n) == 0);
    return n;
}

static void
adds_officer_with_memberships(void)
{
    char path[256];
    archive_t *a = s_open("officer.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    CHECK(archive_seed(a, s_seed) == 0); /* the seed is idempotent */
    char nets[128];
    CHECK(archive_networks(a, nets, sizeof nets) == 0);
    CHECK_STREQ(nets, "child,consular,crm,trafficking");

    fixture_key_t k;
    s_key(&k);
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "focal", "consular,child");
    int64_t id = 0;
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    CHECK(id > 0);
    CHECK(s_keys(a) == 1);
    char fp[32] = "";
    int64_t officer = 0;
    CHECK(archive_key_by_curve(a, k.curve, archive_now_ms(), fp, sizeof fp, &officer) == 1);
    CHECK_STREQ(fp, k.fp);
    CHECK(officer == id);

    fixture_key_t st;
    s_key(&st);
    archive_officer_spec_t org = s_spec(&st, NULL, "ST", "st", NULL);
    int64_t st_id = 0;
    CHECK(archive_officer_add(a, &org, &st_id) == 0);
    CHECK(st_id > id);
    archive_destroy(&a);
}

static void
refuses_officer_with_unknown_names(void)
{
    char path[256];
    archive_t *a = s_open("refuse.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, "XX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    CHECK(strstr(archive_error(a), "XX") != NULL);
    spec = s_spec(&k, NULL, "NOPE", "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    spec = s_spec(&k, "MX", NULL, "officer", "consular,smuggling");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    CHECK(strstr(archive_error(a), "smuggling") != NULL);
    spec = s_spec(&k, "MX", NULL, "king", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    CHECK(strstr(archive_error(a), "king") != NULL);
    spec = s_spec(&k, "MX", "IOM", "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    spec = s_spec(&k, NULL, NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    spec = s_spec(&k, "", "", "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    /* Nothing half-added stays behind: the same key is still free. */
    CHECK(s_keys(a) == 0);
    spec = s_spec(&k, "MX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    CHECK(s_keys(a) == 1);
    archive_destroy(&a);
}

static void
refuses_key_registered_twice(void)
{
    char path[256];
    archive_t *a = s_open("twice.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0, again = 0;
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    archive_officer_spec_t other = s_spec(&k, "GT", NULL, "focal", "child");
    other.name = "Someone Else";
    CHECK(archive_officer_add(a, &other, &again) != 0);
    CHECK(strstr(archive_error(a), k.fp) != NULL);
    CHECK(s_keys(a) == 1);
    archive_destroy(&a);
}

static void
revoked_key_is_no_longer_found(void)
{
    char path[256];
    archive_t *a = s_open("revoke.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k, other;
    s_key(&k);
    s_key(&other);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    char fp[32];
    int64_t officer;
    int64_t now = archive_now_ms();
    CHECK(archive_key_by_curve(a, k.curve, now, fp, sizeof fp, &officer) == 1);
    CHECK(archive_key_revoke(a, k.pk, now) == 1);
    CHECK(archive_key_by_curve(a, k.curve, now, fp, sizeof fp, &officer) == 0);
    CHECK(archive_key_revoke(a, k.pk, now + 1) == 1); /* already revoked counts */
    CHECK(archive_key_revoke(a, other.pk, now) == 0); /* never registered */
    CHECK(archive_key_by_curve(a, other.curve, now, fp, sizeof fp, &officer) == 0);
    archive_destroy(&a);
}

static void
refuses_officer_without_a_proper_name(void)
{
    char path[256];
    archive_t *a = s_open("names.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "consular");
    spec.name = "";
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    spec.name = NULL;
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    char longname[202];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    spec.name = longname;
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    longname[200] = '\0'; /* 200 bytes is the limit, and allowed */
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    archive_destroy(&a);
}

typedef struct {
    int added, revoked;
} directory_audit_t;

static int
s_directory_audit(const archive_audit_row_t *row, void *arg)
{
    directory_audit_t *seen = arg;
    seen->added += !strcmp(row->action, "officer.add") && !strcmp(row->outcome, "ok");
    seen->revoked += !strcmp(row->action, "key.revoke") && !strcmp(row->outcome, "ok");
    return 0;
}

static void
audits_directory_changes(void)
{
    char path[256];
    archive_t *a = s_open("diraudit.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k, other;
    s_key(&k);
    s_key(&other);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    spec = s_spec(&k, "XX", NULL, "officer", "consular"); /* refused: not audited as ok */
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    CHECK(archive_key_revoke(a, k.pk, archive_now_ms()) == 1);
    CHECK(archive_key_revoke(a, other.pk, archive_now_ms()) == 0);
    directory_audit_t seen = {0};
    CHECK(archive_audit_each(a, s_directory_audit, &seen) == 0);
    CHECK(seen.added == 1);
    CHECK(seen.revoked == 1);
    archive_destroy(&a);
}

static void
refuses_networks_for_observer_and_st_roles(void)
{
    char path[256];
    archive_t *a = s_open("roles.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, NULL, "IOM", "observer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    spec = s_spec(&k, NULL, "ST", "st", "consular");
    CHECK(archive_officer_add(a, &spec, &id) != 0);
    CHECK(s_keys(a) == 0);
    spec = s_spec(&k, NULL, "IOM", "observer", "");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    archive_destroy(&a);
}

/* The "net:role,..." list of the first key, into out. */
static int
s_first_networks(const archive_key_row_t *row, void *arg)
{
    snprintf(arg, 128, "%s", row->networks);
    return 1;
}

static void
sets_changes_and_removes_memberships(void)
{
    char path[256], nets[128] = "";
    archive_t *a = s_open("members.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0;
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    CHECK(archive_membership_set(a, id, "consular", "officer") == 0);
    CHECK(archive_membership_set(a, id, "child", "focal") == 0);
    CHECK(archive_membership_set(a, id, "consular", "ppt") == 0); /* changes the role */
    CHECK(archive_keys_each(a, s_first_networks, nets) == 0);
    CHECK(strstr(nets, "consular:ppt") != NULL);
    CHECK(strstr(nets, "child:focal") != NULL);
    CHECK(strstr(nets, "consular:officer") == NULL);
    /* Roles that are not membership roles, and unknown networks. */
    CHECK(archive_membership_set(a, id, "crm", "observer") != 0);
    CHECK(archive_membership_set(a, id, "crm", "st") != 0);
    CHECK(archive_membership_set(a, id, "crm", "king") != 0);
    CHECK(archive_membership_set(a, id, "smuggling", "officer") != 0);
    CHECK(archive_membership_remove(a, id, "child") == 1);
    CHECK(archive_membership_remove(a, id, "child") == 0);
    CHECK(archive_keys_each(a, s_first_networks, nets) == 0);
    CHECK_STREQ(nets, "consular:ppt");
    archive_destroy(&a);
}

static void
refuses_membership_for_unknown_officer(void)
{
    char path[256];
    archive_t *a = s_open("nobody.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    /* No officer 4242: nothing can be added, and saying "ok" would put a
     * change that never happened into the audit log. */
    CHECK(archive_membership_set(a, 4242, "consular", "officer") != 0);
    int joins = -1;
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    joins = s_count_rows(db, "SELECT count(*) FROM audit WHERE action = 'membership.set'");
    sqlite3_close(db);
    CHECK(joins == 0);
    archive_destroy(&a);
}

static void
keeps_the_ppt_by_year(void)
{
    char path[256], country[8] = "";
    archive_t *a = s_open("ppt.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    CHECK(archive_ppt_get(a, 2025, country, sizeof country) == 0);
    CHECK(archive_ppt_set(a, 2025, "MX", NULL, 0) == 0);
    CHECK(archive_ppt_get(a, 2025, country, sizeof country) == 1);
    CHECK_STREQ(country, "MX");
    CHECK(archive_ppt_set(a, 2025, "GT", NULL, 0) == 0); /* corrected */
    CHECK(archive_ppt_get(a, 2025, country, sizeof country) == 1);
    CHECK_STREQ(country, "GT");
    CHECK(archive_ppt_set(a, 2026, "CO", NULL, 0) != 0); /* an observer country */
    CHECK(archive_ppt_set(a, 2026, "XX", NULL, 0) != 0);
    CHECK(archive_ppt_set(a, 1900, "MX", NULL, 0) != 0);
    CHECK(archive_ppt_get(a, 2026, country, sizeof country) == 0);
    archive_destroy(&a);
}

typedef struct {
    int n;
    int64_t revoked_ms;
    char patterns[64];
    char created_by[32];
} invitations_seen_t;

static int
s_invitation_row(const archive_invitation_t *inv, void *arg)
{
    invitations_seen_t *seen = arg;
    seen->n++;
    seen->revoked_ms = inv->revoked_ms;
    snprintf(seen->patterns, sizeof seen->patterns, "%s", inv->patterns);
    snprintf(seen->created_by, sizeof seen->created_by, "%s", inv->created_by);
    return 0;
}

static int
s_first_invitation(const archive_invitation_t *inv, void *arg)
{
    s_invitation_row(inv, arg);
    return 1;
}

static void
grants_and_revokes_invitations(void)
{
    char path[256];
    archive_t *a = s_open("invite.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    int64_t expires = archive_now_ms() + 3600000, id = 0, unused = 0;
    archive_invitation_t inv = {.grantee = "IOM",
        .network = "consular",
        .patterns = "consular/observers/#",
        .access = "read",
        .expires_ms = expires};
    CHECK(archive_invitation_grant(a, &inv, "ZMXV-CYH4-D57A-LJK6", 3, &id) == 0);
    CHECK(id > 0);
    invitations_seen_t seen = {0};
    CHECK(archive_invitations_each(a, s_invitation_row, &seen) == 0);
    CHECK(seen.n == 1 && seen.revoked_ms == 0);
    CHECK_STREQ(seen.patterns, "consular/observers/#");
    CHECK_STREQ(seen.created_by, "ZMXV-CYH4-D57A-LJK6");

    archive_invitation_t bad = inv;
    bad.grantee = "MX"; /* members need no invitation */
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) != 0);
    bad.grantee = "ST";
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) != 0);
    bad.grantee = "XX";
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) != 0);
    bad = inv;
    bad.network = "smuggling";
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) != 0);
    bad = inv;
    bad.access = "write";
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) != 0);
    bad = inv;
    bad.grantee = "CO"; /* an observer country may be invited */
    CHECK(archive_invitation_grant(a, &bad, NULL, 0, &unused) == 0);

    CHECK(archive_invitation_revoke(a, id, NULL, 0) == 0);
    CHECK(archive_invitation_revoke(a, 999, NULL, 0) != 0);
    seen = (invitations_seen_t){0};
    CHECK(archive_invitations_each(a, s_invitation_row, &seen) == 0);
    CHECK(seen.n == 2);
    invitations_seen_t first = {0};
    CHECK(archive_invitations_each(a, s_first_invitation, &first) == 0);
    CHECK(first.revoked_ms != 0);
    archive_destroy(&a);
}

typedef struct {
    int by_actor;
} actor_seen_t;

static int
s_actor_row(const archive_audit_row_t *row, void *arg)
{
    actor_seen_t *seen = arg;
    seen->by_actor += !strcmp(row->action, "officer.add") && row->officer_id == 9
        && !strcmp(row->fingerprint, "RHVQ-22UK-NEO2-4LGR");
    return 0;
}

static void
audits_directory_changes_under_the_actor(void)
{
    char path[256];
    archive_t *a = s_open("actor.db", path);
    if (!a)
        return;
    CHECK(archive_seed(a, s_seed) == 0);
    fixture_key_t k;
    s_key(&k);
    int64_t id = 0;
    archive_set_actor(a, "RHVQ-22UK-NEO2-4LGR", 9);
    archive_officer_spec_t spec = s_spec(&k, "MX", NULL, "officer", "consular");
    CHECK(archive_officer_add(a, &spec, &id) == 0);
    actor_seen_t seen = {0};
    CHECK(archive_audit_each(a, s_actor_row, &seen) == 0);
    CHECK(seen.by_actor == 1);
    archive_destroy(&a);
}

int
main(void)
{
    if (keys_init() != 0 || check_tempdir(s_dir, sizeof s_dir, "archive-officers") != 0)
        return EXIT_FAILURE;
    RUN(adds_officer_with_memberships);
    RUN(refuses_officer_with_unknown_names);
    RUN(refuses_key_registered_twice);
    RUN(refuses_officer_without_a_proper_name);
    RUN(audits_directory_changes);
    RUN(refuses_networks_for_observer_and_st_roles);
    RUN(sets_changes_and_removes_memberships);
    RUN(refuses_membership_for_unknown_officer);
    RUN(keeps_the_ppt_by_year);
    RUN(grants_and_revokes_invitations);
    RUN(audits_directory_changes_under_the_actor);
    RUN(revoked_key_is_no_longer_found);
    check_tempdir_remove(s_dir);
    return CHECK_DONE();
}
