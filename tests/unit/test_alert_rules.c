/*
 * test_alert_rules.c: hub/policy/alert_rules.c: names, which alerts need an
 * acknowledgement and by when, an alert's own fields, and who is told at
 * each level, over the directory of tests/unit/dir_fixture.h (GT's focal
 * point and a second GT officer, "Old key", are members of consular).
 */
#include "dir_fixture.h"

#include "alert_rules.h"
#include "enlace.pb-c.h"

static void
names_round_trip(void)
{
    for (int i = 0; i < 8; i++)
        CHECK(alert_rules_category_parse(alert_rules_category_name(i)) == i);
    CHECK(alert_rules_category_parse("Death") == -1);
    CHECK(alert_rules_category_parse("") == -1);
    CHECK_STREQ(alert_rules_category_name(99), "other");
    CHECK_STREQ(alert_rules_priority_name(ENLACE__PRIORITY__PRIORITY_FLASH), "flash");
    CHECK_STREQ(alert_rules_priority_name(-1), "routine");
}

static void
urgent_and_flash_actual_or_drill_need_acknowledgement(void)
{
    Enlace__Alert a = ENLACE__ALERT__INIT;
    a.priority = ENLACE__PRIORITY__PRIORITY_PRIORITY;
    CHECK(!alert_rules_needs_ack(&a));
    a.priority = ENLACE__PRIORITY__PRIORITY_URGENT;
    CHECK(alert_rules_needs_ack(&a));
    a.status = ENLACE__CAP_STATUS__CAP_EXERCISE;
    CHECK(alert_rules_needs_ack(&a));
    a.status = ENLACE__CAP_STATUS__CAP_TEST;
    CHECK(!alert_rules_needs_ack(&a));
    a.status = ENLACE__CAP_STATUS__CAP_ACTUAL;
    a.msg_type = ENLACE__CAP_MSG_TYPE__CAP_CANCEL;
    CHECK(!alert_rules_needs_ack(&a));
    CHECK(alert_rules_period(ENLACE__PRIORITY__PRIORITY_FLASH, 30, 5) == 5);
    CHECK(alert_rules_period(ENLACE__PRIORITY__PRIORITY_URGENT, 30, 5) == 30);
}

static void
an_alert_checks_its_own_fields(void)
{
    char *two[] = {"MX", "GT"}, *twice[] = {"MX", "MX"};
    Enlace__Alert a = ENLACE__ALERT__INIT;
    a.headline = "Fallecimiento en Tapachula";
    a.countries = two;
    a.n_countries = 2;
    const uint8_t body[] = "descripcion";
    CHECK(alert_rules_check(&a, body, sizeof body - 1, 0) == NULL);
    CHECK(alert_rules_check(&a, NULL, 0, 0) == NULL); /* an empty description */
    a.priority = (Enlace__Priority)9;
    CHECK(alert_rules_check(&a, body, 11, 0) != NULL);
    a.priority = ENLACE__PRIORITY__PRIORITY_URGENT;
    a.headline = "";
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "headline") != NULL);
    a.headline = "ok";
    const uint8_t bad_utf8[] = {0xff, 0xfe};
    CHECK(strstr(alert_rules_check(&a, bad_utf8, 2, 0), "UTF-8") != NULL);
    a.n_countries = 0;
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "1 to 16") != NULL);
    a.countries = twice;
    a.n_countries = 2;
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "twice") != NULL);
    a.countries = two;
    a.language = "fr";
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "es or en") != NULL);
    a.language = "en";
    a.msg_type = ENLACE__CAP_MSG_TYPE__CAP_UPDATE;
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "refers to") != NULL);
    uint64_t refs[17] = {0};
    a.references = refs;
    a.n_references = 17;
    CHECK(strstr(alert_rules_check(&a, body, 11, 0), "16 references") != NULL);
    a.n_references = 1;
    CHECK(alert_rules_check(&a, body, 11, 0) == NULL);
}

static disclose_msg_t
s_alert_msg(int tlp, const char *recipients)
{
    return (disclose_msg_t){.seq = 1,
        .topic = "consular/alerts/x",
        .network = "consular",
        .tlp = tlp,
        .recipients = recipients,
        .author_id = s_fx.id[MX],
        .author_home = "MX"};
}

static void
the_focal_point_first_then_every_officer_who_may_read_it(void)
{
    disclose_msg_t m = s_alert_msg(ENLACE__TLP__TLP_AMBER, "");
    const directory_t *d = s_fx.directory;
    CHECK(alert_rules_is_target(d, s_fx.who[GT], &m, "GT", 0, s_fx.now));
    CHECK(!alert_rules_is_target(d, s_fx.who[REVOKED], &m, "GT", 0, s_fx.now));
    CHECK(alert_rules_is_target(d, s_fx.who[REVOKED], &m, "GT", 1, s_fx.now));
    CHECK(!alert_rules_is_target(d, s_fx.who[GT], &m, "MX", 0, s_fx.now)); /* not its country */
    CHECK(!alert_rules_is_target(d, s_fx.who[ST], &m, "GT", 1, s_fx.now)); /* not a member */
    /* Mexico has no focal point in consular: every MX officer at once. */
    CHECK(alert_rules_is_target(d, s_fx.who[MX], &m, "MX", 0, s_fx.now));
    CHECK(alert_rules_is_target(d, s_fx.who[READER], &m, "MX", 0, s_fx.now));
}

static void
nobody_is_told_what_they_may_not_read(void)
{
    /* RED to the second GT officer: GT's focal point may not read it, so
     * the named officer is told at level 0 instead. */
    disclose_msg_t red = s_alert_msg(ENLACE__TLP__TLP_RED, s_fx.fp[REVOKED]);
    const directory_t *d = s_fx.directory;
    CHECK(!alert_rules_is_target(d, s_fx.who[GT], &red, "GT", 0, s_fx.now));
    CHECK(!alert_rules_is_target(d, s_fx.who[GT], &red, "GT", 1, s_fx.now));
    CHECK(alert_rules_is_target(d, s_fx.who[REVOKED], &red, "GT", 0, s_fx.now));
    /* AMBER+STRICT with nobody named: Mexico's members only. */
    disclose_msg_t strict = s_alert_msg(ENLACE__TLP__TLP_AMBER_STRICT, "");
    CHECK(!alert_rules_is_target(d, s_fx.who[GT], &strict, "GT", 1, s_fx.now));
    CHECK(alert_rules_is_target(d, s_fx.who[READER], &strict, "MX", 0, s_fx.now));
}

int
main(void)
{
    if (keys_init() != 0 || s_fixture_open(&s_fx) != 0) {
        fprintf(stderr, "cannot build the fixture directory\n");
        s_fixture_close(&s_fx);
        return EXIT_FAILURE;
    }
    RUN(names_round_trip);
    RUN(urgent_and_flash_actual_or_drill_need_acknowledgement);
    RUN(an_alert_checks_its_own_fields);
    RUN(the_focal_point_first_then_every_officer_who_may_read_it);
    RUN(nobody_is_told_what_they_may_not_read);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
