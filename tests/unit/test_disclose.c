/*
 * test_disclose.c: hub/disclose.c, the one decision on what a reader may
 * learn of a stored message, over the directory of tests/unit/dir_fixture.h.
 * The receive tests came from test_acl.c with the rules they check; the
 * rest cover the paths (live, notice, archive, the operator's export),
 * revoked readers, forwards, alert labels against concerned countries,
 * cases and aggregates. tests/integration/test_disclosure.c checks the same
 * rules end to end on every output path of a real hub.
 */
#include "dir_fixture.h"

#include "disclose.h"
#include "enlace.pb-c.h"

#define CLEAR ENLACE__TLP__TLP_CLEAR
#define GREEN ENLACE__TLP__TLP_GREEN
#define AMBER ENLACE__TLP__TLP_AMBER
#define STRICT ENLACE__TLP__TLP_AMBER_STRICT
#define RED ENLACE__TLP__TLP_RED

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
static disclose_msg_t
s_msg(const char *topic, int tlp, const char *recipients, int author)
{
    return (disclose_msg_t){
        .topic = topic,
        .network = s_network_of(topic),
        .tlp = tlp,
        .recipients = recipients,
        .author_id = s_fx.id[author],
        .author_home = s_people[author].country ? s_people[author].country : s_people[author].org,
    };
}

static disclose_t
s_level(const dir_entry_t *who, const disclose_msg_t *m, disclose_path_t path)
{
    disclose_reader_t r = {.dir = s_fx.directory, .who = who, .now_ms = s_fx.now};
    return disclose_message(&r, m, path);
}

/* 1 if the fixture's officer `who` may see all of m live / in the archive. */
static int
s_live(int who, const disclose_msg_t *m)
{
    return s_level(s_fx.who[who], m, DISCLOSE_LIVE) == DISCLOSE_ALL;
}

static int
s_history(int who, const disclose_msg_t *m)
{
    return s_level(s_fx.who[who], m, DISCLOSE_ARCHIVE) == DISCLOSE_ALL;
}

/* ------------------------------------------------- receive (moved from test_acl.c) */

static void
members_and_st_receive_their_network(void)
{
    disclose_msg_t m = s_msg("consular/alerts", AMBER, "", READER);
    CHECK(s_live(MX, &m) == 1);
    CHECK(s_live(GT, &m) == 1);
    CHECK(s_live(ST, &m) == 1);
    CHECK(s_live(OBSERVER, &m) == 0);
    disclose_msg_t c = s_msg("child/cases", CLEAR, NULL, GT);
    CHECK(s_live(GT, &c) == 1);
    CHECK(s_live(MX, &c) == 0);
    CHECK(s_live(ST, &c) == 1);
    disclose_msg_t t = s_msg("trafficking/cases", GREEN, "", MX);
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
    disclose_msg_t m = s_msg("consular/cases", RED, to_reader, MX);
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
    disclose_msg_t m = s_msg("consular/cases", RED, s_fx.fp[READER], MX);
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
    disclose_msg_t m = s_msg("consular/cases", RED, list, MX);
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
    disclose_msg_t m = s_msg("consular/cases", STRICT, "", MX);
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
    disclose_msg_t m = s_msg("consular/observers/report", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &m) == 1);
    m.tlp = CLEAR;
    CHECK(s_live(OBSERVER, &m) == 1);
    m.tlp = AMBER;
    CHECK(s_live(OBSERVER, &m) == 0);
    m.tlp = STRICT;
    CHECK(s_live(OBSERVER, &m) == 0);
    disclose_msg_t other = s_msg("consular/alerts", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &other) == 0);
    disclose_msg_t expired = s_msg("trafficking/cases", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &expired) == 0);
    disclose_msg_t members = s_msg("crm/members/minutes", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &members) == 0);
    disclose_msg_t plenary = s_msg("crm/minutes", GREEN, "", MX);
    CHECK(s_live(OBSERVER, &plenary) == 1);
}

static void
observer_receives_red_only_when_named_within_its_invitation(void)
{
    /* disclose.h: a RED recipient must have access to the topic; naming an
     * invited observer is the author's explicit release to it. */
    disclose_msg_t m = s_msg("consular/observers/report", RED, s_fx.fp[OBSERVER], MX);
    CHECK(s_live(OBSERVER, &m) == 1);
    disclose_msg_t unnamed = s_msg("consular/observers/report", RED, "", MX);
    CHECK(s_live(OBSERVER, &unnamed) == 0);
    disclose_msg_t uninvited = s_msg("consular/alerts", RED, s_fx.fp[OBSERVER], MX);
    CHECK(s_live(OBSERVER, &uninvited) == 0);
}

static void
ppt_sees_public_announcements_outside_its_networks(void)
{
    disclose_msg_t m = s_msg("trafficking/announce/2025", GREEN, "", MX);
    CHECK(s_live(GT, &m) == 1);
    CHECK(s_live(READER, &m) == 0);
    m.tlp = AMBER;
    CHECK(s_live(GT, &m) == 0);
    disclose_msg_t alerts = s_msg("trafficking/alerts", GREEN, "", MX);
    CHECK(s_live(GT, &alerts) == 0);
}

/* ---------------------------------------------------------------- paths */

static void
notices_give_the_st_and_the_ppt_the_envelope_only(void)
{
    disclose_msg_t m = s_msg("consular/cases", RED, s_fx.fp[READER], MX);
    CHECK(s_level(s_fx.who[READER], &m, DISCLOSE_NOTICE) == DISCLOSE_ALL);
    CHECK(s_level(s_fx.who[MX], &m, DISCLOSE_NOTICE) == DISCLOSE_ALL); /* the author */
    CHECK(s_level(s_fx.who[ST], &m, DISCLOSE_NOTICE) == DISCLOSE_ENVELOPE);
    CHECK(s_level(s_fx.who[GT], &m, DISCLOSE_NOTICE) == DISCLOSE_ENVELOPE); /* the PPT */
    CHECK(s_level(s_fx.who[OBSERVER], &m, DISCLOSE_NOTICE) == DISCLOSE_NOTHING);
    /* What they may read live, they are told in full. */
    disclose_msg_t amber = s_msg("consular/cases", AMBER, "", MX);
    CHECK(s_level(s_fx.who[ST], &amber, DISCLOSE_NOTICE) == DISCLOSE_ALL);
    CHECK(s_level(s_fx.who[GT], &amber, DISCLOSE_NOTICE) == DISCLOSE_ALL);
    /* The PPT outside the network: the envelope of the network's AMBER. */
    disclose_msg_t child = s_msg("child/cases", AMBER, "", GT);
    CHECK(s_level(s_fx.who[MX], &child, DISCLOSE_NOTICE) == DISCLOSE_NOTHING);
    disclose_msg_t traffic = s_msg("trafficking/cases", AMBER, "", MX);
    CHECK(s_level(s_fx.who[GT], &traffic, DISCLOSE_NOTICE) == DISCLOSE_ENVELOPE);
    CHECK(s_level(s_fx.who[GT], &traffic, DISCLOSE_LIVE) == DISCLOSE_NOTHING);
}

static void
a_revoked_reader_sees_nothing_not_even_its_own(void)
{
    dir_entry_t gone = *s_fx.who[MX];
    gone.revoked_ms = s_fx.now - 1;
    disclose_msg_t own = s_msg("consular/cases", CLEAR, "", MX);
    for (int path = 0; path < DISCLOSE_PATHS; path++)
        CHECK(s_level(&gone, &own, (disclose_path_t)path) == DISCLOSE_NOTHING);
    disclose_reader_t r = {.dir = s_fx.directory, .who = &gone, .now_ms = s_fx.now};
    CHECK(disclose_case(&r, "consular") == DISCLOSE_NOTHING);
    dir_entry_t st = *s_fx.who[ST];
    st.revoked_ms = s_fx.now - 1;
    r.who = &st;
    CHECK(disclose_aggregate(&r) == DISCLOSE_NOTHING);
    /* A key before its validity is no better. */
    dir_entry_t early = *s_fx.who[READER];
    early.valid_from_ms = s_fx.now + 60000;
    CHECK(s_level(&early, &own, DISCLOSE_ARCHIVE) == DISCLOSE_NOTHING);
}

static void
the_operator_export_withholds_restricted_labels_and_codes(void)
{
    disclose_reader_t op = {.dir = s_fx.directory, .who = NULL, .now_ms = s_fx.now};
    disclose_msg_t m = s_msg("consular/cases", AMBER, "", MX);
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_ALL);
    m.handling = ENLACE__HANDLING__HANDLING_H0;
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_ALL);
    for (int h = ENLACE__HANDLING__HANDLING_H1; h <= ENLACE__HANDLING__HANDLING_H3; h++) {
        m.handling = h;
        CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_NOTHING);
    }
    m.handling = 0;
    m.tlp = RED;
    m.recipients = s_fx.fp[READER];
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_NOTHING);
    m.tlp = STRICT;
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_NOTHING);
    op.restricted = 1;
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_ALL);
    m.tlp = RED;
    CHECK(disclose_message(&op, &m, DISCLOSE_EXPORT) == DISCLOSE_ALL);
}

static void
personal_data_never_reaches_an_unnamed_observer(void)
{
    disclose_msg_t m = s_msg("consular/observers/report", GREEN, "", MX);
    CHECK(s_history(OBSERVER, &m) == 1);
    m.personal = 1;
    CHECK(s_live(OBSERVER, &m) == 0);
    CHECK(s_history(OBSERVER, &m) == 0);
    CHECK(s_live(GT, &m) == 1); /* members see personal data */
    m.recipients = s_fx.fp[OBSERVER];
    CHECK(s_live(OBSERVER, &m) == 1);
}

static void
handling_codes_do_not_hide_a_message_from_its_readers(void)
{
    disclose_msg_t m = s_msg("consular/cases", AMBER, "", MX);
    for (int h = 0; h <= ENLACE__HANDLING__HANDLING_H3; h++) {
        m.handling = h;
        CHECK(s_live(GT, &m) == 1);
        CHECK(s_history(READER, &m) == 1);
        CHECK(s_live(OBSERVER, &m) == 0);
    }
}

static void
a_forward_may_not_reach_anyone_the_original_does_not(void)
{
    /* AMBER+STRICT, nobody named: Mexico's members only. */
    disclose_msg_t original = s_msg("consular/cases", STRICT, "", MX);
    disclose_msg_t to_gt = s_msg("consular/cases", STRICT, s_fx.fp[GT], READER);
    const dir_entry_t *wider = disclose_forward_widens(s_fx.directory, s_fx.now, &to_gt, &original);
    CHECK(wider != NULL);
    CHECK(wider && !strcmp(wider->country, "GT"));
    disclose_msg_t to_mx = s_msg("consular/cases", STRICT, s_fx.fp[READER], READER);
    CHECK(disclose_forward_widens(s_fx.directory, s_fx.now, &to_mx, &original) == NULL);
    /* GREEN where observers are not invited, forwarded where they are. */
    disclose_msg_t green = s_msg("consular/cases", GREEN, "", MX);
    disclose_msg_t to_observers = s_msg("consular/observers/x", GREEN, "", READER);
    wider = disclose_forward_widens(s_fx.directory, s_fx.now, &to_observers, &green);
    CHECK(wider && !strcmp(wider->fingerprint, s_fx.fp[OBSERVER]));
    to_observers.tlp = AMBER;
    CHECK(disclose_forward_widens(s_fx.directory, s_fx.now, &to_observers, &green) == NULL);
    /* RED to one reader, passed on to the same reader. */
    disclose_msg_t red = s_msg("consular/cases", RED, s_fx.fp[READER], MX);
    disclose_msg_t red_fwd = s_msg("consular/cases", RED, s_fx.fp[READER], MX);
    CHECK(disclose_forward_widens(s_fx.directory, s_fx.now, &red_fwd, &red) == NULL);
    red_fwd.recipients = s_fx.fp[GT];
    wider = disclose_forward_widens(s_fx.directory, s_fx.now, &red_fwd, &red);
    CHECK(wider && !strcmp(wider->fingerprint, s_fx.fp[GT]));
}

static void
an_alert_label_must_let_every_concerned_country_read_it(void)
{
    char why[320];
    const char *mx[] = {"MX"}, *mx_gt[] = {"MX", "GT"}, *gt[] = {"GT"};
    disclose_msg_t red = s_msg("consular/alerts", RED, s_fx.fp[READER], MX);
    CHECK(disclose_alert_countries(s_fx.directory, &red, mx, 1, why, sizeof why) == NULL);
    const char *bad = disclose_alert_countries(s_fx.directory, &red, mx_gt, 2, why, sizeof why);
    CHECK(bad != NULL);
    CHECK(bad && strstr(bad, "GT") && strstr(bad, "TLP:RED"));
    char both[64];
    snprintf(both, sizeof both, "%s,%s", s_fx.fp[READER], s_fx.fp[GT]);
    red.recipients = both;
    CHECK(disclose_alert_countries(s_fx.directory, &red, mx_gt, 2, why, sizeof why) == NULL);
    disclose_msg_t strict = s_msg("consular/alerts", STRICT, "", MX);
    CHECK(disclose_alert_countries(s_fx.directory, &strict, mx, 1, why, sizeof why) == NULL);
    bad = disclose_alert_countries(s_fx.directory, &strict, gt, 1, why, sizeof why);
    CHECK(bad && strstr(bad, "AMBER+STRICT") && strstr(bad, "GT"));
    strict.recipients = s_fx.fp[GT];
    CHECK(disclose_alert_countries(s_fx.directory, &strict, gt, 1, why, sizeof why) == NULL);
    CHECK(disclose_alert_countries(s_fx.directory, &strict, mx, 1, why, sizeof why) != NULL);
    disclose_msg_t amber = s_msg("consular/alerts", AMBER, "", MX);
    CHECK(disclose_alert_countries(s_fx.directory, &amber, mx_gt, 2, why, sizeof why) == NULL);
}

static void
a_case_is_seen_by_whoever_may_read_its_network(void)
{
    disclose_reader_t r = {.dir = s_fx.directory, .now_ms = s_fx.now};
    const struct {
        int who;
        const char *network;
        disclose_t want;
    } rows[] = {
        {MX, "consular", DISCLOSE_ENVELOPE}, {GT, "consular", DISCLOSE_ENVELOPE},
        {ST, "consular", DISCLOSE_ENVELOPE}, {ST, "trafficking", DISCLOSE_ENVELOPE},
        {MX, "child", DISCLOSE_NOTHING},
        {OBSERVER, "consular", DISCLOSE_NOTHING},    /* invited to consular/observers/# only */
        {OBSERVER, "child", DISCLOSE_NOTHING},       /* child/public/# and child/news only */
        {OBSERVER, "crm", DISCLOSE_ENVELOPE},        /* crm/# */
        {OBSERVER, "trafficking", DISCLOSE_NOTHING}, /* expired */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        r.who = s_fx.who[rows[i].who];
        CHECK(disclose_case(&r, rows[i].network) == rows[i].want);
    }
    r.who = NULL;
    CHECK(disclose_case(&r, "consular") == DISCLOSE_ENVELOPE);
}

static void
counts_are_for_the_st_and_admin_only(void)
{
    disclose_reader_t r = {.dir = s_fx.directory, .now_ms = s_fx.now};
    r.who = s_fx.who[ST];
    CHECK(disclose_aggregate(&r) == DISCLOSE_EXISTENCE);
    r.who = s_fx.who[MX];
    CHECK(disclose_aggregate(&r) == DISCLOSE_NOTHING);
    r.who = s_fx.who[OBSERVER];
    CHECK(disclose_aggregate(&r) == DISCLOSE_NOTHING);
    dir_entry_t admin = *s_fx.who[MX];
    snprintf(admin.role, sizeof admin.role, "admin");
    r.who = &admin;
    CHECK(disclose_aggregate(&r) == DISCLOSE_EXISTENCE);
    r.who = NULL;
    CHECK(disclose_aggregate(&r) == DISCLOSE_EXISTENCE);
}

static void
a_row_is_read_with_its_authors_home(void)
{
    archive_msg_t am = {.seq = 7,
        .topic = "consular/x",
        .network = "consular",
        .author_id = s_fx.id[ST],
        .tlp = STRICT,
        .recipients = "",
        .personal = 1,
        .handling = ENLACE__HANDLING__HANDLING_H2};
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(s_fx.directory, &am, &m, home);
    CHECK(m.seq == 7 && m.tlp == STRICT && m.personal == 1);
    CHECK(m.handling == ENLACE__HANDLING__HANDLING_H2);
    CHECK_STREQ(m.author_home, "ST");
    am.author_id = 0; /* the hub's own notice */
    disclose_msg_of_row(s_fx.directory, &am, &m, home);
    CHECK_STREQ(m.author_home, "");
    am.author_id = 999999; /* an author no longer in the directory */
    disclose_msg_of_row(s_fx.directory, &am, &m, home);
    CHECK_STREQ(m.author_home, "");
    CHECK_STREQ(disclose_name(DISCLOSE_ENVELOPE), "envelope");
    CHECK_STREQ(disclose_tlp_label(0), "TLP:AMBER");
    CHECK_STREQ(disclose_tlp_label(RED), "TLP:RED");
}

int
main(void)
{
    if (keys_init() != 0 || s_fixture_open(&s_fx) != 0) {
        fprintf(stderr, "cannot build the fixture directory\n");
        s_fixture_close(&s_fx);
        return EXIT_FAILURE;
    }
    RUN(members_and_st_receive_their_network);
    RUN(red_goes_only_to_author_and_named_recipients);
    RUN(st_reads_red_from_the_archive_only);
    RUN(red_recipient_must_match_whole_fingerprint);
    RUN(amber_strict_goes_to_the_recipients_countries);
    RUN(observer_receives_green_and_clear_under_invitation);
    RUN(observer_receives_red_only_when_named_within_its_invitation);
    RUN(ppt_sees_public_announcements_outside_its_networks);
    RUN(notices_give_the_st_and_the_ppt_the_envelope_only);
    RUN(a_revoked_reader_sees_nothing_not_even_its_own);
    RUN(the_operator_export_withholds_restricted_labels_and_codes);
    RUN(personal_data_never_reaches_an_unnamed_observer);
    RUN(handling_codes_do_not_hide_a_message_from_its_readers);
    RUN(a_forward_may_not_reach_anyone_the_original_does_not);
    RUN(an_alert_label_must_let_every_concerned_country_read_it);
    RUN(a_case_is_seen_by_whoever_may_read_its_network);
    RUN(counts_are_for_the_st_and_admin_only);
    RUN(a_row_is_read_with_its_authors_home);
    s_fixture_close(&s_fx);
    return CHECK_DONE();
}
