/*
 * test_acl.c: hub/acl.c over hub/directory.c.
 *
 * The directory comes from a real archive (seeded, officers added through
 * archive_officer_add with fresh keys, a PPT and observer invitations), so
 * the rules are checked against the entries the hub itself would see. A few
 * entries are built by hand where a case needs a shape the archive refuses
 * to produce (an "observer" membership, say).
 */
#include "check.h"

#include <time.h>

#include "acl.h"
#include "directory.h"
#include "enlace.pb-c.h"
#include "keys.h"

#define CLEAR ENLACE__TLP__TLP_CLEAR
#define GREEN ENLACE__TLP__TLP_GREEN
#define AMBER ENLACE__TLP__TLP_AMBER
#define STRICT ENLACE__TLP__TLP_AMBER_STRICT
#define RED ENLACE__TLP__TLP_RED

static const char *s_seed
    = "INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES"
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

static int
s_this_year(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static int
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
            fprintf(stderr, "officer_add %s: %s\n", s_people[i].name,
                archive_error(fx->archive));
            return -1;
        }
    }
    return 0;
}

static int
s_fixture_open(fixture_t *fx)
{
    if (check_tempdir(fx->dir, sizeof fx->dir, "acl") != 0)
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

static void
s_fixture_close(fixture_t *fx)
{
    directory_destroy(&fx->directory);
    archive_destroy(&fx->archive);
    check_tempdir_remove(fx->dir);
}

/* Shorthands over the fixture, at the fixture's "now". */
static const char *
s_pub(int who, const char *topic)
{
    return acl_publish(s_fx.directory, s_fx.who[who], topic, s_fx.now);
}

static const char *
s_sub(int who, const char *pattern)
{
    return acl_subscribe(s_fx.directory, s_fx.who[who], pattern, s_fx.now);
}

/* The network of a fixture topic, as a string that outlives the call. */
static const char *
s_network_of(const char *topic)
{
    static const char *networks[] = {"consular", "child", "crm", "trafficking"};
    for (size_t i = 0; i < sizeof networks / sizeof networks[0]; i++) {
        size_t n = strlen(networks[i]);
        if (!strncmp(topic, networks[i], n) && (topic[n] == '/' || topic[n] == '\0'))
            return networks[i];
    }
    return "";
}

/* A stored message in `topic` by `author` (an index into the fixture). */
static acl_msg_t
s_msg(const char *topic, int tlp, const char *recipients, int author)
{
    return (acl_msg_t){
        .topic = topic,
        .network = s_network_of(topic),
        .tlp = tlp,
        .recipients = recipients,
        .author_id = s_fx.id[author],
        .author_home = s_people[author].country ? s_people[author].country
                                                : s_people[author].org,
    };
}

static int
s_live(int who, const acl_msg_t *m)
{
    return acl_receive(s_fx.directory, s_fx.who[who], m, s_fx.now);
}

static int
s_history(int who, const acl_msg_t *m)
{
    return acl_history(s_fx.directory, s_fx.who[who], m, s_fx.now);
}

/* ------------------------------------------------------------- directory */

static void
finds_entries_by_fingerprint(void)
{
    CHECK(directory_count(s_fx.directory) == OFFICERS);
    const dir_entry_t *mx = directory_find(s_fx.directory, s_fx.fp[MX]);
    CHECK(mx != NULL);
    if (!mx)
        return;
    CHECK(mx->officer_id == s_fx.id[MX]);
    CHECK_STREQ(mx->name, s_people[MX].name);
    CHECK_STREQ(mx->country, "MX");
    CHECK_STREQ(mx->org, "");
    CHECK_STREQ(mx->role, "officer");
    CHECK_STREQ(mx->fingerprint, s_fx.fp[MX]);
    CHECK(memcmp(mx->pk, s_fx.pk[MX], 32) == 0);
    CHECK(mx->nmemberships == 2);
    CHECK_STREQ(directory_membership(mx, "consular"), "officer");
    CHECK_STREQ(directory_membership(mx, "trafficking"), "officer");
    CHECK(directory_membership(mx, "child") == NULL);

    const dir_entry_t *st = directory_find(s_fx.directory, s_fx.fp[ST]);
    CHECK(st && !strcmp(st->org, "ST") && !strcmp(st->country, "") && st->nmemberships == 0);
    CHECK(st && !strcmp(acl_home(st), "ST"));
    CHECK(!strcmp(acl_home(mx), "MX"));

    CHECK(directory_find(s_fx.directory, "AAAA-AAAA-AAAA-AAAA") == NULL);
    CHECK(directory_find(s_fx.directory, "") == NULL);
    /* A prefix of a fingerprint is not that fingerprint. */
    char prefix[KEYS_FINGERPRINT_LEN];
    snprintf(prefix, sizeof prefix, "%.14s", s_fx.fp[GT]);
    CHECK(directory_find(s_fx.directory, prefix) == NULL);

    const dir_entry_t *gt = directory_find_officer(s_fx.directory, s_fx.id[GT]);
    CHECK(gt && !strcmp(gt->fingerprint, s_fx.fp[GT]));
    CHECK(directory_find_officer(s_fx.directory, 999999) == NULL);
}

static void
knows_only_the_seeded_networks(void)
{
    CHECK(directory_network_known(s_fx.directory, "consular"));
    CHECK(directory_network_known(s_fx.directory, "child"));
    CHECK(directory_network_known(s_fx.directory, "crm"));
    CHECK(directory_network_known(s_fx.directory, "trafficking"));
    CHECK(!directory_network_known(s_fx.directory, "smuggling"));
    CHECK(!directory_network_known(s_fx.directory, "consul")); /* a substring */
    CHECK(!directory_network_known(s_fx.directory, "onsular"));
    CHECK(!directory_network_known(s_fx.directory, "consular,child"));
    CHECK(!directory_network_known(s_fx.directory, ""));
    CHECK(!directory_network_known(s_fx.directory, "Consular"));
}

static void
loads_ppt_and_invitations(void)
{
    CHECK_STREQ(directory_ppt(s_fx.directory, s_this_year(s_fx.now)), "GT");
    CHECK(directory_ppt(s_fx.directory, 1999) == NULL);
    int n = directory_invitations(s_fx.directory);
    CHECK(n == (int)(sizeof s_invitations / sizeof s_invitations[0]));
    int active = 0;
    for (int i = 0; i < n; i++) {
        const dir_invitation_t *inv = directory_invitation(s_fx.directory, i);
        CHECK(inv != NULL);
        if (inv)
            active += directory_invitation_active(inv, s_fx.now);
    }
    CHECK(active == n - 1); /* one has expired */
    CHECK(directory_invitation(s_fx.directory, n) == NULL);
    CHECK(directory_invitation(s_fx.directory, -1) == NULL);
}

/* ---------------------------------------------------------------- publish */

static void
member_publishes_in_own_network(void)
{
    CHECK(s_pub(MX, "consular/alerts") == NULL);
    CHECK(s_pub(MX, "trafficking/cases/2024") == NULL);
    CHECK(s_pub(GT, "child/cases") == NULL);
    CHECK(s_pub(MX, "consular") == NULL);
    CHECK(s_pub(MX, "consular/members/minutes") == NULL);
}

static void
refuses_publish_in_other_network(void)
{
    CHECK(s_pub(MX, "child/cases") != NULL);
    CHECK(s_pub(READER, "trafficking/alerts") != NULL);
    CHECK(s_pub(GT, "trafficking/alerts") != NULL);
}

static void
refuses_publish_in_unknown_network(void)
{
    CHECK(s_pub(MX, "smuggling/x") != NULL);
    CHECK(s_pub(MX, "consul/x") != NULL);
    CHECK(s_pub(MX, "consular,child/x") != NULL);
    CHECK(s_pub(MX, "a-network-name-far-too-long-for-any-directory/x") != NULL);
    CHECK(s_pub(ST, "smuggling/x") != NULL);
}

static void
observer_membership_does_not_let_officer_publish(void)
{
    /* The archive refuses to create such a membership; the rules must not
     * rely on that. */
    dir_entry_t e = *s_fx.who[READER];
    snprintf(e.memberships[0].role, sizeof e.memberships[0].role, "observer");
    CHECK_STREQ(e.memberships[0].network, "consular");
    CHECK(!acl_is_member(&e, "consular"));
    CHECK(acl_publish(s_fx.directory, &e, "consular/alerts", s_fx.now) != NULL);
    snprintf(e.memberships[0].role, sizeof e.memberships[0].role, "st");
    CHECK(acl_publish(s_fx.directory, &e, "consular/alerts", s_fx.now) != NULL);
    snprintf(e.memberships[0].role, sizeof e.memberships[0].role, "admin");
    CHECK(acl_publish(s_fx.directory, &e, "consular/alerts", s_fx.now) == NULL);
}

static void
observer_publishes_only_under_readwrite_invitation(void)
{
    CHECK(s_pub(OBSERVER, "consular/observers/report") == NULL);
    CHECK(s_pub(OBSERVER, "consular/alerts") != NULL);    /* not covered */
    CHECK(s_pub(OBSERVER, "child/public/report") != NULL); /* read only */
    CHECK(s_pub(OBSERVER, "trafficking/cases") != NULL);   /* expired */
    CHECK(s_pub(OBSERVER, "crm/statement") == NULL);
    CHECK(s_pub(OBSERVER, "crm/members/x") != NULL); /* members only, whatever it says */
}

static void
st_posts_only_where_it_holds_a_membership(void)
{
    CHECK(s_pub(ST, "consular/alerts") != NULL);
    CHECK(s_pub(ST, "crm/statement") != NULL);
    dir_entry_t e = *s_fx.who[ST];
    e.nmemberships = 1;
    snprintf(e.memberships[0].network, sizeof e.memberships[0].network, "consular");
    snprintf(e.memberships[0].role, sizeof e.memberships[0].role, "officer");
    CHECK(acl_publish(s_fx.directory, &e, "consular/alerts", s_fx.now) == NULL);
    CHECK(acl_publish(s_fx.directory, &e, "child/alerts", s_fx.now) != NULL);
}

static void
ppt_posts_announcements_outside_its_networks(void)
{
    CHECK(acl_is_ppt(s_fx.directory, s_fx.who[GT], s_fx.now)); /* focal of the PPT country */
    CHECK(!acl_is_ppt(s_fx.directory, s_fx.who[REVOKED], s_fx.now)); /* GT, but not focal */
    CHECK(!acl_is_ppt(s_fx.directory, s_fx.who[MX], s_fx.now));
    /* Next year someone else may hold it. */
    CHECK(!acl_is_ppt(s_fx.directory, s_fx.who[GT], s_fx.now + 400LL * 86400000));
    CHECK(s_pub(GT, "crm/plenary") == NULL);
    CHECK(s_pub(GT, "trafficking/announce") == NULL);
    CHECK(s_pub(GT, "trafficking/announce/2025") == NULL);
    CHECK(s_pub(GT, "trafficking/alerts") != NULL);
    CHECK(s_pub(GT, "trafficking/members/x") != NULL);
    CHECK(s_pub(MX, "crm/plenary") != NULL);
    CHECK(s_pub(MX, "child/announce") != NULL);
}

/* -------------------------------------------------------------- subscribe */

static void
member_subscribes_under_own_network(void)
{
    CHECK(s_sub(MX, "consular/#") == NULL);
    CHECK(s_sub(MX, "consular/+/alerts") == NULL);
    CHECK(s_sub(MX, "consular") == NULL);
    CHECK(s_sub(MX, "child/#") != NULL);
    CHECK(s_sub(MX, "smuggling/#") != NULL);
    CHECK(s_sub(MX, "consular,child/#") != NULL);
}

static void
refuses_officer_pattern_starting_with_wildcard(void)
{
    CHECK(s_sub(MX, "#") != NULL);
    CHECK(s_sub(MX, "+/alerts") != NULL);
    CHECK(s_sub(MX, "+") != NULL);
    CHECK(s_sub(GT, "+/#") != NULL);
}

static void
st_subscribes_anywhere(void)
{
    CHECK(s_fx.who[ST]->nmemberships == 0);
    CHECK(s_sub(ST, "#") == NULL);
    CHECK(s_sub(ST, "+/alerts") == NULL);
    CHECK(s_sub(ST, "consular/#") == NULL);
    CHECK(s_sub(ST, "child/+") == NULL);
    CHECK(s_sub(ST, "smuggling/#") != NULL);
}

static void
observer_subscribes_within_its_invitations(void)
{
    CHECK(s_sub(OBSERVER, "consular/observers/#") == NULL);
    CHECK(s_sub(OBSERVER, "consular/observers/+/x") == NULL);
    CHECK(s_sub(OBSERVER, "child/public/#") == NULL); /* read access is enough */
    CHECK(s_sub(OBSERVER, "child/news") == NULL);
    CHECK(s_sub(OBSERVER, "consular/#") != NULL);     /* wider than invited */
    CHECK(s_sub(OBSERVER, "consular/+") != NULL);
    CHECK(s_sub(OBSERVER, "child/news/#") != NULL);
    CHECK(s_sub(OBSERVER, "trafficking/#") != NULL);  /* expired */
    CHECK(s_sub(OBSERVER, "#") != NULL);
}

static void
ppt_subscribes_to_crm(void)
{
    CHECK(s_sub(GT, "crm/#") == NULL);
    CHECK(s_sub(MX, "crm/#") != NULL);
}

/* ---------------------------------------------------------------- receive */

static void
members_and_st_receive_their_network(void)
{
    acl_msg_t m = s_msg("consular/alerts", AMBER, "", READER);
    CHECK(s_live(MX, &m) == 1);
    CHECK(s_live(GT, &m) == 1);
    CHECK(s_live(ST, &m) == 1);
    CHECK(s_live(OBSERVER, &m) == 0);
    acl_msg_t c = s_msg("child/cases", CLEAR, NULL, GT);
    CHECK(s_live(GT, &c) == 1);
    CHECK(s_live(MX, &c) == 0);
    CHECK(s_live(ST, &c) == 1);
    acl_msg_t t = s_msg("trafficking/cases", GREEN, "", MX);
    CHECK(s_live(READER, &t) == 0);
    CHECK(s_history(READER, &t) == 0);
}

static void
red_goes_only_to_author_and_named_recipients(void)
{
    char to_reader[64], to_reader_last[64], to_gt[64];
    snprintf(to_reader, sizeof to_reader, "%s", s_fx.fp[READER]);
    snprintf(to_reader_last, sizeof to_reader_last, "%s,%s", s_fx.fp[GT], s_fx.fp[READER]);
    snprintf(to_gt, sizeof to_gt, "%s", s_fx.fp[GT]);
    acl_msg_t m = s_msg("consular/cases", RED, to_reader, MX);
    CHECK(s_live(READER, &m) == 1);
    CHECK(s_live(MX, &m) == 1); /* the author */
    CHECK(s_live(GT, &m) == 0); /* a member, not named */
    m.recipients = to_reader_last;
    CHECK(s_live(READER, &m) == 1);
    CHECK(s_live(GT, &m) == 1);
    m.recipients = to_gt;
    CHECK(s_live(READER, &m) == 0);
    m.recipients = "";
    CHECK(s_live(READER, &m) == 0);
    m.recipients = NULL;
    CHECK(s_live(READER, &m) == 0);
    CHECK(s_live(MX, &m) == 1);
}

static void
st_reads_red_from_the_archive_only(void)
{
    acl_msg_t m = s_msg("consular/cases", RED, s_fx.fp[READER], MX);
    CHECK(s_live(ST, &m) == 0);
    CHECK(s_history(ST, &m) == 1);
    /* History is no wider than that for anyone else. */
    CHECK(s_history(GT, &m) == 0);
    CHECK(s_history(READER, &m) == 1);
}

static void
red_recipient_must_match_whole_fingerprint(void)
{
    const char *fp = s_fx.fp[READER];
    char list[96];
    acl_msg_t m = s_msg("consular/cases", RED, list, MX);
    snprintf(list, sizeof list, "%.18s", fp); /* one character short */
    CHECK(s_live(READER, &m) == 0);
    snprintf(list, sizeof list, "%sX", fp); /* one character long */
    CHECK(s_live(READER, &m) == 0);
    snprintf(list, sizeof list, "%s%s", fp, fp); /* no separator */
    CHECK(s_live(READER, &m) == 0);
    snprintf(list, sizeof list, ",%s,", fp); /* empty items around it */
    CHECK(s_live(READER, &m) == 1);
}

static void
amber_strict_goes_to_the_recipients_countries(void)
{
    /* None named: the author's country. */
    acl_msg_t m = s_msg("consular/cases", STRICT, "", MX);
    CHECK(s_live(READER, &m) == 1);
    CHECK(s_live(GT, &m) == 0);
    CHECK(s_live(ST, &m) == 0);
    CHECK(s_history(ST, &m) == 1);
    /* Named: the named officers' countries. */
    m.recipients = s_fx.fp[GT];
    CHECK(s_live(GT, &m) == 1);
    CHECK(s_live(REVOKED, &m) == 1); /* same country as the named GT officer */
    CHECK(s_live(READER, &m) == 0);
    CHECK(s_live(MX, &m) == 1); /* the author */
}

static void
observer_receives_green_and_clear_under_invitation(void)
{
    acl_msg_t m = s_msg("consular/observers/report", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &m) == 1);
    m.tlp = CLEAR;
    CHECK(s_live(OBSERVER, &m) == 1);
    m.tlp = AMBER;
    CHECK(s_live(OBSERVER, &m) == 0);
    m.tlp = STRICT;
    CHECK(s_live(OBSERVER, &m) == 0);
    acl_msg_t other = s_msg("consular/alerts", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &other) == 0);
    acl_msg_t expired = s_msg("trafficking/cases", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &expired) == 0);
    acl_msg_t members = s_msg("crm/members/minutes", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &members) == 0);
    acl_msg_t plenary = s_msg("crm/minutes", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &plenary) == 1);
}

static void
observer_receives_red_only_when_named_within_its_invitation(void)
{
    /* acl.h: a RED recipient must have access to the topic; naming an
     * invited observer is the author's explicit release to it. */
    acl_msg_t m = s_msg("consular/observers/report", RED, s_fx.fp[OBSERVER], MX);
    CHECK(s_live(OBSERVER, &m) == 1);
    acl_msg_t unnamed = s_msg("consular/observers/report", RED, "", MX);
    CHECK(s_live(OBSERVER, &unnamed) == 0);
    acl_msg_t uninvited = s_msg("consular/alerts", RED, s_fx.fp[OBSERVER], MX);
    CHECK(s_live(OBSERVER, &uninvited) == 0);
}

static void
ppt_sees_public_announcements_outside_its_networks(void)
{
    acl_msg_t m = s_msg("trafficking/announce/2025", GREEN, "", MX);
    CHECK(s_live(GT, &m) == 1);
    CHECK(s_live(READER, &m) == 0);
    m.tlp = AMBER;
    CHECK(s_live(GT, &m) == 0);
    acl_msg_t alerts = s_msg("trafficking/alerts", GREEN, "", MX);
    CHECK(s_live(GT, &alerts) == 0);
}

static void
only_st_and_admin_administer(void)
{
    CHECK(acl_admin(s_fx.who[ST]) == NULL);
    CHECK(acl_admin(s_fx.who[MX]) != NULL);
    CHECK(acl_admin(s_fx.who[GT]) != NULL);
    CHECK(acl_admin(s_fx.who[OBSERVER]) != NULL);
    dir_entry_t admin = *s_fx.who[MX];
    snprintf(admin.role, sizeof admin.role, "admin");
    CHECK(acl_admin(&admin) == NULL);
}

/* ----------------------------------------------------------------- active */

static void
revoked_key_is_inactive_after_reload(void)
{
    const dir_entry_t *before = directory_find(s_fx.directory, s_fx.fp[REVOKED]);
    CHECK(before && directory_entry_active(before, s_fx.now));
    CHECK(archive_key_revoke(s_fx.archive, s_fx.pk[REVOKED], s_fx.now) == 1);
    /* The old snapshot does not change under the hub's feet... */
    CHECK(directory_entry_active(before, s_fx.now));
    /* ...the next one says the key is revoked. */
    directory_t *fresh = directory_load(s_fx.archive);
    CHECK(fresh != NULL);
    if (!fresh)
        return;
    const dir_entry_t *after = directory_find(fresh, s_fx.fp[REVOKED]);
    CHECK(after != NULL);
    CHECK(after && after->revoked_ms != 0);
    CHECK(after && !directory_entry_active(after, s_fx.now));
    CHECK(after && !directory_entry_active(after, s_fx.now + 86400000));
    const dir_entry_t *mx = directory_find(fresh, s_fx.fp[MX]);
    CHECK(mx && directory_entry_active(mx, s_fx.now));
    directory_destroy(&fresh);
    CHECK(fresh == NULL);
    directory_destroy(&fresh); /* NULL is accepted */
}

static void
key_is_active_only_inside_its_validity(void)
{
    dir_entry_t e = {.officer_id = 1, .valid_from_ms = 1000, .valid_until_ms = 2000};
    CHECK(!directory_entry_active(&e, 999));
    CHECK(directory_entry_active(&e, 1000));
    CHECK(directory_entry_active(&e, 1999));
    CHECK(!directory_entry_active(&e, 2000));
    e.valid_from_ms = 0; /* no lower bound */
    CHECK(directory_entry_active(&e, 1));
    e.valid_until_ms = 0; /* no bound at all */
    CHECK(directory_entry_active(&e, INT64_MAX));
    e.revoked_ms = 1500;
    CHECK(!directory_entry_active(&e, 1));
}

int
main(void)
{
    if (keys_init() != 0 || s_fixture_open(&s_fx) != 0) {
        fprintf(stderr, "cannot build the fixture directory\n");
        s_fixture_close(&s_fx);
        return EXIT_FAILURE;
    }
    RUN(finds_entries_by_fingerprint);
    RUN(knows_only_the_seeded_networks);
    RUN(loads_ppt_and_invitations);
    RUN(member_publishes_in_own_network);
    RUN(refuses_publish_in_other_network);
    RUN(refuses_publish_in_unknown_network);
    RUN(observer_membership_does_not_let_officer_publish);
    RUN(observer_publishes_only_under_readwrite_invitation);
    RUN(st_posts_only_where_it_holds_a_membership);
    RUN(ppt_posts_announcements_outside_its_networks);
    RUN(member_subscribes_under_own_network);
    RUN(refuses_officer_pattern_starting_with_wildcard);
    RUN(st_subscribes_anywhere);
    RUN(observer_subscribes_within_its_invitations);
    RUN(ppt_subscribes_to_crm);
    RUN(members_and_st_receive_their_network);
    RUN(red_goes_only_to_author_and_named_recipients);
    RUN(st_reads_red_from_the_archive_only);
    RUN(red_recipient_must_match_whole_fingerprint);
    RUN(amber_strict_goes_to_the_recipients_countries);
    RUN(observer_receives_green_and_clear_under_invitation);
    RUN(observer_receives_red_only_when_named_within_its_invitation);
    RUN(ppt_sees_public_announcements_outside_its_networks);
    RUN(only_st_and_admin_administer);
    RUN(revoked_key_is_inactive_after_reload);
    RUN(key_is_active_only_inside_its_validity);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
