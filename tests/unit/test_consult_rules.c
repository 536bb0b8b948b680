/*
 * test_consult_rules.c: hub/policy/consult_rules.c (who may take which step
 * of a consultation, whom it addresses, the labels of its steps) and
 * disclose_consultation (who learns anything of one), over a directory from
 * a real archive: the Troika is last year's PPT (PA), this year's (HN) and
 * next year's (CR, which has no focal point in crm); Guatemala is outside
 * it; Mexico's officer is in consular only; IOM is an observer invited to
 * read and write all of crm.
 */
#include "check.h"

#include <time.h>

#include "acl.h"
#include "archive.h"
#include "consult_rules.h"
#include "directory.h"
#include "disclose.h"
#include "enlace.pb-c.h"
#include "keys.h"

static const char *s_seed =
    "INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES"
    "  ('MX', 'Mexico', 'México', 'member'), ('GT', 'Guatemala', 'Guatemala', 'member'),"
    "  ('HN', 'Honduras', 'Honduras', 'member'), ('CR', 'Costa Rica', 'Costa Rica', 'member'),"
    "  ('PA', 'Panama', 'Panamá', 'member'), ('CO', 'Colombia', 'Colombia', 'observer');"
    "INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES"
    "  ('ST', 'Technical Secretariat', 'Secretaría Técnica', 'secretariat', NULL),"
    "  ('IOM', 'IOM', 'OIM', 'observer', 1996);"
    "INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES"
    "  ('consular', 'Consular protection', 'Protección consular'),"
    "  ('crm', 'Plenary', 'Plenaria');";

enum { HN_FOCAL, HN_OFF, PA_FOCAL, CR_OFF, GT_FOCAL, GT_OFF, MX_CONS, OBS, ST, REVOKED, N };

static const struct {
    const char *name, *country, *org, *role, *networks;
} s_people[N] = {
    [HN_FOCAL] = {"HN focal (PPT)", "HN", NULL, "focal", "crm"},
    [HN_OFF] = {"HN officer", "HN", NULL, "officer", "crm"},
    [PA_FOCAL] = {"PA focal", "PA", NULL, "focal", "crm"},
    [CR_OFF] = {"CR officer", "CR", NULL, "officer", "crm,consular"},
    [GT_FOCAL] = {"GT focal", "GT", NULL, "focal", "crm,consular"},
    [GT_OFF] = {"GT officer", "GT", NULL, "officer", "crm"},
    [MX_CONS] = {"MX consular", "MX", NULL, "focal", "consular"},
    [OBS] = {"IOM", NULL, "IOM", "observer", NULL},
    [ST] = {"ST", NULL, "ST", "st", NULL},
    [REVOKED] = {"HN old key", "HN", NULL, "focal", "crm"},
};

static struct {
    char dir[128];
    archive_t *a;
    directory_t *dir_;
    int64_t now;
    char fp[N][KEYS_FINGERPRINT_LEN];
    const dir_entry_t *who[N];
} s;

static int
s_year(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static int
s_open(void)
{
    if (check_tempdir(s.dir, sizeof s.dir, "consult-rules") != 0)
        return -1;
    s.now = archive_now_ms();
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/archive.db", s.dir);
    s.a = archive_open(path, 1, ARCHIVE_SYNC_OFF, err, sizeof err);
    if (!s.a || archive_seed(s.a, s_seed) != 0) {
        fprintf(stderr, "archive: %s\n", s.a ? archive_error(s.a) : err);
        return -1;
    }
    uint8_t pk[N][32];
    for (int i = 0; i < N; i++) {
        keys_identity_t *key = keys_identity_new();
        uint8_t curve[32];
        if (!key)
            return -1;
        memcpy(pk[i], keys_identity_public(key), 32);
        keys_identity_curve_public(key, curve);
        keys_fingerprint(pk[i], s.fp[i]);
        keys_identity_destroy(&key);
        archive_officer_spec_t spec = {.name = s_people[i].name,
            .country = s_people[i].country,
            .org = s_people[i].org,
            .role = s_people[i].role,
            .networks = s_people[i].networks,
            .pk = pk[i],
            .curve = curve,
            .fingerprint = s.fp[i]};
        int64_t id;
        if (archive_officer_add(s.a, &spec, &id) != 0) {
            fprintf(stderr, "officer %s: %s\n", s_people[i].name, archive_error(s.a));
            return -1;
        }
    }
    int y = s_year(s.now);
    archive_invitation_t inv = {.grantee = "IOM",
        .network = "crm",
        .patterns = "crm/#",
        .access = "readwrite",
        .expires_ms = s.now + 3600000};
    int64_t inv_id;
    if (archive_ppt_set(s.a, y - 1, "PA", NULL, 0) != 0
        || archive_ppt_set(s.a, y, "HN", NULL, 0) != 0
        || archive_ppt_set(s.a, y + 1, "CR", NULL, 0) != 0
        || archive_invitation_grant(s.a, &inv, NULL, 0, &inv_id) != 0
        || archive_key_revoke(s.a, pk[REVOKED], s.now - 1000) != 1) {
        fprintf(stderr, "fixture: %s\n", archive_error(s.a));
        return -1;
    }
    s.dir_ = directory_load(s.a);
    if (!s.dir_)
        return -1;
    for (int i = 0; i < N; i++)
        if (!(s.who[i] = directory_find(s.dir_, s.fp[i])))
            return -1;
    return 0;
}

static void
s_close(void)
{
    directory_destroy(&s.dir_);
    archive_destroy(&s.a);
    check_tempdir_remove(s.dir);
}

static void
the_troika_is_last_this_and_next_years_ppt(void)
{
    char troika[64];
    consult_rules_troika(s.dir_, s.now, troika, sizeof troika);
    CHECK_STREQ(troika, "PA,HN,CR");
    CHECK(consult_rules_listed(troika, "HN"));
    CHECK(!consult_rules_listed(troika, "GT"));
    CHECK(!consult_rules_listed(troika, "H"));
    CHECK(!consult_rules_listed(troika, ""));
    /* Ten years on nobody is recorded: no Troika, nothing to open. */
    int64_t later = s.now + 10LL * 366 * 86400 * 1000;
    consult_rules_troika(s.dir_, later, troika, sizeof troika);
    CHECK_STREQ(troika, "");
}

static void
only_the_ppt_in_crm_opens_a_consultation(void)
{
    CHECK(consult_rules_may_open(s.dir_, s.who[HN_FOCAL], s.now) == NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[HN_OFF], s.now) != NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[GT_FOCAL], s.now) != NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[PA_FOCAL], s.now) != NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[OBS], s.now) != NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[ST], s.now) != NULL);
    CHECK(consult_rules_may_open(s.dir_, s.who[MX_CONS], s.now) != NULL);
    /* No Troika recorded: the PPT of that year (none) cannot either. */
    int64_t later = s.now + 10LL * 366 * 86400 * 1000;
    CHECK(consult_rules_may_open(s.dir_, s.who[HN_FOCAL], later) != NULL);
}

static void
the_opener_or_the_ppt_leads_it(void)
{
    consult_facts_t c = {.open = 1,
        .stage = 0,
        .troika = "PA,HN,CR",
        .opened_by = s.who[HN_FOCAL]->officer_id};
    CHECK(consult_rules_may_lead(s.dir_, s.who[HN_FOCAL], &c, s.now) == NULL);
    CHECK(consult_rules_may_lead(s.dir_, s.who[GT_FOCAL], &c, s.now) != NULL);
    CHECK(consult_rules_may_lead(s.dir_, s.who[PA_FOCAL], &c, s.now) != NULL);
    CHECK(consult_rules_may_lead(s.dir_, s.who[ST], &c, s.now) != NULL);
    CHECK(consult_rules_may_lead(s.dir_, s.who[OBS], &c, s.now) != NULL);
    /* Opened by someone else (last year's PPT): this year's PPT leads too. */
    c.opened_by = s.who[PA_FOCAL]->officer_id;
    CHECK(consult_rules_may_lead(s.dir_, s.who[PA_FOCAL], &c, s.now) == NULL);
    CHECK(consult_rules_may_lead(s.dir_, s.who[HN_FOCAL], &c, s.now) == NULL);
}

static void
focal_points_are_addressed_first_then_every_crm_officer(void)
{
    CHECK(consult_rules_addressee(s.dir_, s.who[HN_FOCAL], "HN", 0, s.now));
    CHECK(!consult_rules_addressee(s.dir_, s.who[HN_OFF], "HN", 0, s.now));
    CHECK(consult_rules_addressee(s.dir_, s.who[HN_OFF], "HN", 1, s.now));
    /* Costa Rica has no focal point in crm: its crm officers. */
    CHECK(consult_rules_addressee(s.dir_, s.who[CR_OFF], "CR", 0, s.now));
    CHECK(!consult_rules_addressee(s.dir_, s.who[HN_FOCAL], "GT", 1, s.now));
    CHECK(!consult_rules_addressee(s.dir_, s.who[MX_CONS], "MX", 1, s.now)); /* not in crm */
    CHECK(!consult_rules_addressee(s.dir_, s.who[OBS], "", 1, s.now));
    CHECK(!consult_rules_addressee(s.dir_, s.who[REVOKED], "HN", 1, s.now));
}

static void
the_troika_answers_first_then_every_member(void)
{
    consult_facts_t c = {.open = 1,
        .stage = 0,
        .troika = "PA,HN,CR",
        .opened_by = s.who[HN_FOCAL]->officer_id};
    CHECK(consult_rules_may_answer(s.dir_, s.who[HN_FOCAL], &c, 0, s.now) == NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[PA_FOCAL], &c, 0, s.now) == NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[CR_OFF], &c, 0, s.now) == NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[HN_OFF], &c, 0, s.now) != NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[GT_FOCAL], &c, 0, s.now) != NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[ST], &c, 0, s.now) != NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[OBS], &c, 0, s.now) != NULL);
    c.stage = 1;
    CHECK(consult_rules_may_answer(s.dir_, s.who[GT_FOCAL], &c, 0, s.now) == NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[GT_OFF], &c, 0, s.now) != NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[GT_OFF], &c, 1, s.now) == NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[MX_CONS], &c, 1, s.now) != NULL);
    CHECK(consult_rules_may_answer(s.dir_, s.who[OBS], &c, 1, s.now) != NULL);
}

static void
answers_fit_their_stage(void)
{
    CHECK(consult_rules_answer_fits(0, ENLACE__CONSULT_ANSWER__ANSWER_AGREE, 0) == NULL);
    CHECK(consult_rules_answer_fits(0, ENLACE__CONSULT_ANSWER__ANSWER_OBJECT, 0) != NULL);
    CHECK(consult_rules_answer_fits(0, ENLACE__CONSULT_ANSWER__ANSWER_OBJECT, 9) == NULL);
    CHECK(consult_rules_answer_fits(0, ENLACE__CONSULT_ANSWER__ANSWER_NO_OBJECTION, 0) != NULL);
    CHECK(consult_rules_answer_fits(1, ENLACE__CONSULT_ANSWER__ANSWER_AGREE, 0) != NULL);
    CHECK(consult_rules_answer_fits(1, ENLACE__CONSULT_ANSWER__ANSWER_NO_OBJECTION, 0) == NULL);
    CHECK(consult_rules_answer_fits(2, ENLACE__CONSULT_ANSWER__ANSWER_COMMENTS, 0) != NULL);
    CHECK(consult_rules_answer_fits(2, ENLACE__CONSULT_ANSWER__ANSWER_COMMENTS, 5) == NULL);
    CHECK(consult_rules_answer_fits(1, ENLACE__CONSULT_ANSWER__ANSWER_OBJECTION, 5) == NULL);
    CHECK(consult_rules_answer_fits(1, ENLACE__CONSULT_ANSWER__ANSWER_UNSET, 5) != NULL);
    CHECK(consult_rules_answer_fits(1, 77, 5) != NULL);
    for (int i = 1; i <= 5; i++)
        CHECK(consult_rules_answer_parse(consult_rules_answer_name(i)) == i);
    CHECK(consult_rules_answer_parse("Agree") == -1);
    CHECK(consult_rules_answer_parse(NULL) == -1);
    CHECK_STREQ(consult_rules_stage_name(0), "troika");
    CHECK_STREQ(consult_rules_stage_name(2), "round 2");
}

static void
steps_carry_the_label_of_their_stage(void)
{
    char why[256], rcpt[128];
    const char *troika = "PA,HN,CR";
    snprintf(rcpt, sizeof rcpt, "%s,%s,%s", s.fp[PA_FOCAL], s.fp[HN_FOCAL], s.fp[CR_OFF]);
    CHECK(
        consult_rules_label(s.dir_, 0, troika, ENLACE__TLP__TLP_AMBER_STRICT, rcpt, why, sizeof why)
        == NULL);
    /* Costa Rica not named: it could not read it. */
    snprintf(rcpt, sizeof rcpt, "%s,%s", s.fp[PA_FOCAL], s.fp[HN_FOCAL]);
    const char *bad = consult_rules_label(s.dir_, 0, troika, ENLACE__TLP__TLP_AMBER_STRICT, rcpt,
        why, sizeof why);
    CHECK(bad && strstr(bad, "CR"));
    /* Guatemala named: it would read the Troika's text. */
    snprintf(rcpt, sizeof rcpt, "%s,%s,%s,%s", s.fp[PA_FOCAL], s.fp[HN_FOCAL], s.fp[CR_OFF],
        s.fp[GT_FOCAL]);
    CHECK(
        consult_rules_label(s.dir_, 0, troika, ENLACE__TLP__TLP_AMBER_STRICT, rcpt, why, sizeof why)
        != NULL);
    CHECK(consult_rules_label(s.dir_, 0, troika, ENLACE__TLP__TLP_AMBER, "", why, sizeof why)
        != NULL);
    CHECK(consult_rules_label(s.dir_, 0, troika, ENLACE__TLP__TLP_RED, rcpt, why, sizeof why)
        != NULL);
    CHECK(consult_rules_label(s.dir_, 1, troika, ENLACE__TLP__TLP_UNSPECIFIED, "", why, sizeof why)
        == NULL);
    CHECK(consult_rules_label(s.dir_, 2, troika, ENLACE__TLP__TLP_AMBER, NULL, why, sizeof why)
        == NULL);
    CHECK(consult_rules_label(s.dir_, 1, troika, ENLACE__TLP__TLP_GREEN, "", why, sizeof why)
        != NULL);
    CHECK(consult_rules_label(s.dir_, 1, troika, ENLACE__TLP__TLP_AMBER, s.fp[GT_FOCAL], why,
              sizeof why)
        != NULL);
}

static disclose_t
s_sees(int reader, const disclose_consult_t *c)
{
    disclose_reader_t r = {.dir = s.dir_,
        .who = reader < 0 ? NULL : s.who[reader],
        .now_ms = s.now};
    return disclose_consultation(&r, c);
}

static void
observers_never_learn_that_a_consultation_exists(void)
{
    disclose_consult_t c = {.troika = "PA,HN,CR",
        .reached = 0,
        .opened_by = s.who[HN_FOCAL]->officer_id};
    /* With the Troika: its countries' crm members, the ST, the opener. */
    CHECK(s_sees(HN_FOCAL, &c) == DISCLOSE_ALL);
    CHECK(s_sees(HN_OFF, &c) == DISCLOSE_ALL);
    CHECK(s_sees(PA_FOCAL, &c) == DISCLOSE_ALL);
    CHECK(s_sees(CR_OFF, &c) == DISCLOSE_ALL);
    CHECK(s_sees(ST, &c) == DISCLOSE_ALL);
    CHECK(s_sees(GT_FOCAL, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(GT_OFF, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(MX_CONS, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(OBS, &c) == DISCLOSE_NOTHING); /* invited to all of crm, all the same */
    CHECK(s_sees(REVOKED, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(-1, &c) == DISCLOSE_ALL); /* the operator, offline */
    /* From round 1: every crm member; still no observer, nobody outside crm. */
    c.reached = 1;
    CHECK(s_sees(GT_FOCAL, &c) == DISCLOSE_ALL);
    CHECK(s_sees(GT_OFF, &c) == DISCLOSE_ALL);
    CHECK(s_sees(MX_CONS, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(OBS, &c) == DISCLOSE_NOTHING);
    CHECK(s_sees(REVOKED, &c) == DISCLOSE_NOTHING);
    /* The messages themselves: a Troika step (AMBER+STRICT to the Troika)
     * agrees with the consultation's rule on every path. */
    char rcpt[128];
    snprintf(rcpt, sizeof rcpt, "%s,%s,%s", s.fp[PA_FOCAL], s.fp[HN_FOCAL], s.fp[CR_OFF]);
    disclose_msg_t m = {.seq = 9,
        .topic = CONSULT_TOPIC,
        .network = "crm",
        .tlp = ENLACE__TLP__TLP_AMBER_STRICT,
        .recipients = rcpt,
        .author_id = s.who[HN_FOCAL]->officer_id,
        .author_home = "HN"};
    c.reached = 0;
    for (int i = 0; i < N; i++) {
        disclose_reader_t r = {.dir = s.dir_, .who = s.who[i], .now_ms = s.now};
        int msg = disclose_message(&r, &m, DISCLOSE_ARCHIVE) == DISCLOSE_ALL;
        CHECK(msg == (s_sees(i, &c) == DISCLOSE_ALL));
    }
    m.tlp = ENLACE__TLP__TLP_AMBER;
    m.recipients = "";
    c.reached = 1;
    for (int i = 0; i < N; i++) {
        disclose_reader_t r = {.dir = s.dir_, .who = s.who[i], .now_ms = s.now};
        int msg = disclose_message(&r, &m, DISCLOSE_ARCHIVE) == DISCLOSE_ALL;
        CHECK(msg == (s_sees(i, &c) == DISCLOSE_ALL));
    }
}

int
main(void)
{
    if (keys_init() != 0 || s_open() != 0) {
        fprintf(stderr, "fixture failed\n");
        s_close();
        return EXIT_FAILURE;
    }
    RUN(the_troika_is_last_this_and_next_years_ppt);
    RUN(only_the_ppt_in_crm_opens_a_consultation);
    RUN(the_opener_or_the_ppt_leads_it);
    RUN(focal_points_are_addressed_first_then_every_crm_officer);
    RUN(the_troika_answers_first_then_every_member);
    RUN(answers_fit_their_stage);
    RUN(steps_carry_the_label_of_their_stage);
    RUN(observers_never_learn_that_a_consultation_exists);
    s_close();
    return CHECK_DONE();
}
