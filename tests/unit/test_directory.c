/*
 * test_directory.c: hub/directory.c, the immutable snapshot of officers,
 * keys, memberships, invitations and the PPT the hub checks every request
 * against, loaded from a real archive (tests/unit/dir_fixture.h). Moved from
 * test_acl.c with the rest of its assertions.
 */
#include "dir_fixture.h"

#include "acl.h"

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
    RUN(revoked_key_is_inactive_after_reload);
    RUN(key_is_active_only_inside_its_validity);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
