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
    CHECK(s_pub(OBSERVER, "consular/alerts") != NULL);     /* not covered */
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
    CHECK(acl_is_ppt(s_fx.directory, s_fx.who[GT], s_fx.now));       /* focal of the PPT country */
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
    CHECK(s_sub(OBSERVER, "consular/#") != NULL); /* wider than invited */
    CHECK(s_sub(OBSERVER, "consular/+") != NULL);
    CHECK(s_sub(OBSERVER, "child/news/#") != NULL);
    CHECK(s_sub(OBSERVER, "trafficking/#") != NULL); /* expired */
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

static void
only_opener_st_and_concerned_members_change_a_case(void)
{
    /* A consular case opened by the MX officer, concerning GT. */
    CHECK(acl_case_state(s_fx.who[MX], "consular", "GT", s_fx.id[MX]) == NULL); /* opener */
    CHECK(acl_case_state(s_fx.who[ST], "consular", "GT", s_fx.id[MX]) == NULL);
    CHECK(acl_case_state(s_fx.who[GT], "consular", "GT", s_fx.id[MX]) == NULL);
    CHECK(acl_case_state(s_fx.who[GT], "consular", "MX,GT", s_fx.id[MX]) == NULL);
    CHECK(acl_case_state(s_fx.who[READER], "consular", "GT", s_fx.id[MX]) != NULL); /* MX */
    CHECK(acl_case_state(s_fx.who[READER], "consular", "MX,GT", s_fx.id[MX]) == NULL);
    CHECK(acl_case_state(s_fx.who[OBSERVER], "consular", "GT", s_fx.id[MX]) != NULL);
    /* A member of the country, but not of the case's network. */
    CHECK(acl_case_state(s_fx.who[GT], "trafficking", "GT", s_fx.id[MX]) != NULL);
    /* A country code is matched whole. */
    CHECK(acl_case_state(s_fx.who[GT], "consular", "GTM", s_fx.id[MX]) != NULL);
}

int
main(void)
{
    if (keys_init() != 0 || s_fixture_open(&s_fx) != 0) {
        fprintf(stderr, "cannot build the fixture directory\n");
        s_fixture_close(&s_fx);
        return EXIT_FAILURE;
    }
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
    RUN(only_opener_st_and_concerned_members_change_a_case);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
