/*
 * test_calendar: the consultation's calendar administered over the wire
 * (`enlace admin holiday|zone`), against a real hub that counts business
 * days by the calendar (no --business-day). The ST sets Mexico's zone and
 * a holiday on the first business day of a round, and the round's
 * deadline for Mexico falls a business day after Guatemala's (same zone,
 * no holiday), at local midnight; the lists over the wire print what the
 * offline commands print. An officer is refused and audited; a bad date,
 * zone or country is refused with the reason and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "harness.h"
#include "tz.h"

#define ZONE "America/Mexico_City" /* UTC-6 all year (no DST since 2022) */
#define DAY_MS 86400000LL

static hub_t hub;
static officer_t hn, pa, cr, gt, mx, st, mx2;
static char s_holiday[11]; /* the first business day after today in ZONE */

static enlace_client_t *
s_connect(const officer_t *o)
{
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, o, &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  connect %s: %s\n", o->name, why);
    CHECK(c != NULL);
    return c;
}

#define s_sql(...) harness_sql_int_at(__FILE__, __LINE__, s_db(), __VA_ARGS__)
static const char *
s_db(void)
{
    static char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", hub.dir);
    return db;
}

/* The audit, the calendar and the ledger, counted: what a refusal must not
 * change (but for its own audit record). */
static long long
s_calendar_rows(void)
{
    return s_sql("SELECT (SELECT count(*) FROM holidays) * 1000 + (SELECT count(*) FROM "
                 "country_zones)");
}

static const enlace_consult_target_t *
s_target(const enlace_consult_t *c, unsigned stage, const char *cc)
{
    for (size_t i = 0; c && i < c->ntargets; i++)
        if (c->targets[i]->stage == stage && !strcmp(c->targets[i]->country, cc))
            return c->targets[i];
    return NULL;
}

static void
the_st_sets_the_calendar_and_the_round_follows_it(void)
{
    enlace_client_t *s = s_connect(&st);
    if (!s)
        return;
    CHECK_RC(enlace_admin_zone_set(s, "MX", ZONE), ENLACE_OK);
    CHECK_RC(enlace_admin_zone_set(s, "GT", ZONE), ENLACE_OK);
    int added = -1;
    CHECK_RC(enlace_admin_holiday_add(s, "MX", s_holiday, "Dia de prueba", &added), ENLACE_OK);
    CHECK(added == 1);
    CHECK_RC(enlace_admin_holiday_add(s, "MX", s_holiday, NULL, &added), ENLACE_OK);
    CHECK(added == 0); /* already one: unchanged */
    enlace_holiday_list_t *h = NULL;
    CHECK_RC(enlace_admin_holiday_list(s, "MX", &h), ENLACE_OK);
    CHECK(h && h->count == 1 && !strcmp(h->items[0]->date, s_holiday)
        && !strcmp(h->items[0]->name, "Dia de prueba"));
    enlace_holiday_list_destroy(&h);
    enlace_zone_list_t *z = NULL;
    CHECK_RC(enlace_admin_zone_list(s, &z), ENLACE_OK);
    int mx_zone = 0;
    for (size_t i = 0; z && i < z->count; i++)
        mx_zone += !strcmp(z->items[i]->country, "MX") && !strcmp(z->items[i]->zone, ZONE)
            && !strcmp(z->items[i]->offset_now, "UTC-06:00");
    CHECK(mx_zone == 1);
    enlace_zone_list_destroy(&z);
    /* Audited with the ST's key, and the ledger still verifies. */
    CHECK(s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND action = 'holiday.add'",
              st.fingerprint)
        == 1);
    CHECK(s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND action = 'zone.set'",
              st.fingerprint)
        == 2);
    CMD(0, NULL, 0, "%s verify %s/data >/dev/null 2>&1", getenv("ENLACE_HUB_BIN"), hub.dir);
    /* The CLI over the wire prints what the offline command prints. */
    char wire[4096], offline[4096];
    CMD(0, wire, sizeof wire, "%s --profile %s/st.profile admin holiday list --json",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CMD(0, offline, sizeof offline, "%s holiday list %s/data --json", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    CHECK(strstr(wire, s_holiday) && !strcmp(wire, offline));
    CMD(0, wire, sizeof wire, "%s --profile %s/st.profile admin zone list",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CMD(0, offline, sizeof offline, "%s zone list %s/data", getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(strstr(wire, ZONE) && !strcmp(wire, offline));
    /* A round opened now: Mexico loses its first business day. */
    enlace_client_t *f_hn = s_connect(&hn), *f_pa = s_connect(&pa), *f_cr = s_connect(&cr);
    uint64_t id = 0;
    if (f_hn && f_pa && f_cr) {
        CHECK_RC(enlace_consult_open(f_hn, "Calendario", "Texto zqcalendario\n", &id), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(f_pa, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(f_cr, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(f_hn, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_advance(f_hn, id, NULL), ENLACE_OK);
    }
    enlace_consult_t *c = NULL;
    if (id)
        CHECK_RC(enlace_consult_show(f_hn, id, &c), ENLACE_OK);
    const enlace_consult_target_t *tmx = s_target(c, 1, "MX"), *tgt = s_target(c, 1, "GT");
    CHECK(tmx && tgt);
    if (tmx && tgt) {
        /* Both end at midnight in Mexico City (06:00 UTC); Mexico's one or
         * more days later (a weekend may lie between). */
        CHECK(tmx->deadline_ms % DAY_MS == 6 * 3600000LL);
        CHECK(tgt->deadline_ms % DAY_MS == 6 * 3600000LL);
        CHECK(tmx->deadline_ms - tgt->deadline_ms >= DAY_MS);
        CHECK(tmx->deadline_ms - tgt->deadline_ms <= 3 * DAY_MS);
    }
    enlace_consult_destroy(&c);
    enlace_close(&f_hn);
    enlace_close(&f_pa);
    enlace_close(&f_cr);
    /* Removed over the wire, then gone; removing it again: not found. */
    CHECK_RC(enlace_admin_holiday_remove(s, "MX", s_holiday), ENLACE_OK);
    CHECK_RC(enlace_admin_holiday_remove(s, "MX", s_holiday), ENLACE_ENOTFOUND);
    CHECK(strstr(enlace_last_error(s), "has no holiday") != NULL);
    CHECK(s_sql("SELECT count(*) FROM holidays") == 0);
    enlace_close(&s);
}

static void
an_officer_may_not_change_the_calendar(void)
{
    enlace_client_t *m = s_connect(&mx2);
    if (!m)
        return;
    long long rows = s_calendar_rows();
    long long refused = s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND outcome "
                              "LIKE 'refused%%'",
        mx2.fingerprint);
    CHECK_RC(enlace_admin_holiday_add(m, "MX", "2031-01-02", NULL, NULL), ENLACE_EDENIED);
    CHECK_RC(enlace_admin_zone_set(m, "MX", "America/Cancun"), ENLACE_EDENIED);
    enlace_holiday_list_t *h = NULL;
    CHECK_RC(enlace_admin_holiday_list(m, NULL, &h), ENLACE_EDENIED);
    CHECK(h == NULL);
    CHECK_RC(
        enlace_admin_archive_key_set(m, (const uint8_t *)"0123456789abcdef0123456789abcdef", NULL),
        ENLACE_EDENIED);
    CHECK(s_calendar_rows() == rows);
    CHECK(s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND outcome LIKE "
                "'refused%%'",
              mx2.fingerprint)
        == refused + 4);
    enlace_close(&m);
    /* The CLI says so too. */
    char out[2048];
    CMD(1, out, sizeof out,
        "%s --profile %s/mx2.profile admin holiday add --country MX --date 2031-01-02 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(s_calendar_rows() == rows);
}

static void
bad_values_are_refused_with_the_reason_and_change_nothing(void)
{
    enlace_client_t *s = s_connect(&st);
    if (!s)
        return;
    long long rows = s_calendar_rows();
    long long audit = s_sql("SELECT count(*) FROM audit");
    long long ledger = s_sql("SELECT count(*) FROM ledger");
    CHECK_RC(enlace_admin_holiday_add(s, "MX", "2027-02-30", NULL, NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "not a real date") != NULL);
    CHECK_RC(enlace_admin_holiday_add(s, "MX", "27-01-01", NULL, NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "YYYY-MM-DD") != NULL);
    CHECK_RC(enlace_admin_holiday_add(s, "XX", "2027-01-01", NULL, NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "member country") != NULL);
    CHECK_RC(enlace_admin_holiday_add(s, "ES", "2027-01-01", NULL, NULL), ENLACE_EINVAL);
    CHECK_RC(enlace_admin_zone_set(s, "MX", "Mars/Olympus_Mons"), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "Mars/Olympus_Mons") != NULL);
    CHECK_RC(enlace_admin_zone_set(s, "MX", "../../etc/passwd"), ENLACE_EINVAL);
    CHECK_RC(enlace_admin_zone_set(s, "XX", ZONE), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "member country") != NULL);
    static const uint8_t small_order[32] = {0}; /* not a key any secret makes */
    CHECK_RC(enlace_admin_archive_key_set(s, small_order, NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(s), "Ed25519") != NULL);
    CHECK(s_calendar_rows() == rows);
    CHECK(s_sql("SELECT count(*) FROM audit") == audit);
    CHECK(s_sql("SELECT count(*) FROM ledger") == ledger);
    /* The CLI prints the hub's reason, as enlace-hub does. */
    char out[2048];
    CMD(1, out, sizeof out,
        "%s --profile %s/st.profile admin holiday add --country MX --date 2027-13-01 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, "enlace-hub: the date is not a real date") != NULL);
    CMD(0, out, sizeof out,
        "%s --profile %s/st.profile admin holiday add --country MX --date 2031-01-02 "
        "--name 'Prueba CLI' 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, "added the holiday of MX on 2031-01-02") != NULL);
    CMD(0, out, sizeof out,
        "%s --profile %s/st.profile admin holiday remove --country MX --date 2031-01-02 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, "removed the holiday of MX on 2031-01-02") != NULL);
    enlace_close(&s);
}

/* The first weekday after today in ZONE, as YYYY-MM-DD. */
static void
s_first_business_day(char out[11])
{
    int64_t local = (int64_t)time(NULL) - 6 * 3600;
    int64_t day = local / 86400 + 1;
    while (tz_weekday(day) == 0 || tz_weekday(day) == 6)
        day++;
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static void
s_profile(const officer_t *o, const char *name)
{
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/%s.profile", hub.endpoint,
        hub.hub_public, o->secret, hub.dir, name);
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    hub_init(&hub);
    const char *bin = getenv("ENLACE_HUB_BIN");
    officer_new(&hub, &hn, "hn-focal", "--country HN --network crm --role focal");
    officer_new(&hub, &pa, "pa-focal", "--country PA --network crm --role focal");
    officer_new(&hub, &cr, "cr-focal", "--country CR --network crm --role focal");
    officer_new(&hub, &gt, "gt-focal", "--country GT --network crm --role focal");
    officer_new(&hub, &mx, "mx-focal", "--country MX --network crm --role focal");
    officer_new(&hub, &mx2, "mx-officer", "--country MX --network crm --role officer");
    officer_new(&hub, &st, "st", "--org ST --role st");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int y = tm.tm_year + 1900;
    harness_sh("%s ppt set %s/data --country PA --year %d >/dev/null", bin, hub.dir, y - 1);
    harness_sh("%s ppt set %s/data --country HN --year %d >/dev/null", bin, hub.dir, y);
    harness_sh("%s ppt set %s/data --country CR --year %d >/dev/null", bin, hub.dir, y + 1);
    s_first_business_day(s_holiday);
    hub_start(&hub);
    s_profile(&st, "st");
    s_profile(&mx2, "mx2");
    harness_run("the_st_sets_the_calendar_and_the_round_follows_it",
        the_st_sets_the_calendar_and_the_round_follows_it);
    harness_run("an_officer_may_not_change_the_calendar", an_officer_may_not_change_the_calendar);
    harness_run("bad_values_are_refused_with_the_reason_and_change_nothing",
        bad_values_are_refused_with_the_reason_and_change_nothing);
    hub_cleanup(&hub);
    return harness_finish();
}
