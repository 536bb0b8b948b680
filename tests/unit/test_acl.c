/*
 * test_acl.c: hub/acl.c over hub/directory.c: who may publish, subscribe
 * and administer. What a reader may see of a message is test_disclose.c's.
 *
 * The directory is tests/unit/dir_fixture.h's. A few entries are built by
 * hand where a case needs a shape the archive refuses to produce (an
 * "observer" membership, say).
 */
#include "dir_fixture.h"

#include "acl.h"

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
    RUN(only_st_and_admin_administer);
    RUN(revoked_key_is_inactive_after_reload);
    RUN(key_is_active_only_inside_its_validity);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
