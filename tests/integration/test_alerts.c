/*
 * test_alerts: urgent case alerts against a real hub with test deadlines
 * (urgent=2s, flash=1s): acknowledgement per country, escalation to the
 * country's officers and then to the PPT and the ST, exactly once across a
 * SIGKILL; re-delivery to an offline focal point before routine traffic;
 * updates and cancellations with CAP 1.2 exports checked by xmllint; drills;
 * case threads. Escalation stays exactly once per level and country when
 * the hub is killed at random moments around escalations, and just after
 * one commits, many times over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static hub_t hub;
static officer_t mx, gt, gt2, hn, sto, sv;

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

static uint64_t
s_raise(enlace_client_t *c, const char *priority, const char *countries, const char *headline,
    const char *status, const char *msg_type, uint64_t ref, uint64_t case_id)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", countries);
    const char *cc[8];
    size_t n = 0;
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p && n < 8;
         p = strtok_r(NULL, ",", &save))
        cc[n++] = p;
    enlace_alert_t a = {.priority = priority,
        .category = "death",
        .countries = cc,
        .ncountries = n,
        .headline = headline,
        .status = status,
        .msg_type = msg_type,
        .references = ref ? &ref : NULL,
        .nreferences = ref ? 1 : 0,
        .area = "Tapachula, Chiapas",
        .urgency = "immediate",
        .severity = "severe",
        .certainty = "observed"};
    enlace_publish_opts_t o = {.alert = &a, .case_id = case_id};
    uint64_t seq = 0;
    int rc = enlace_publish(c, "consular/death/MX", "Connacional fallecido; se coordina.", 35, &o,
        &seq);
    if (rc != ENLACE_OK)
        fprintf(stderr, "  raise: %s\n", enlace_last_error(c));
    CHECK_RC(rc, ENLACE_OK);
    return seq;
}

/* Waits up to ms for a delivery matching (alert id or escalation of alert,
 * level); returns how many matched. */
static int
s_wait_for(enlace_client_t *c, uint64_t alert, int escalation_level, int ms, uint64_t *first_seq)
{
    int got = 0;
    int64_t end = harness_now_ms() + ms;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 50) != ENLACE_OK)
            continue;
        if (first_seq && !*first_seq)
            *first_seq = d->seq;
        if (escalation_level
                ? (d->escalation_alert == alert && (int)d->escalation_level == escalation_level)
                : (d->is_alert && d->seq == alert))
            got++;
        enlace_delivery_destroy(&d);
    }
    return got;
}

/* The state of a country's target in `enlace alerts` for alert id. */
static void
s_target_state(enlace_client_t *c, uint64_t id, const char *country, char *out, size_t cap)
{
    enlace_alert_list_t *list = NULL;
    out[0] = '\0';
    if (enlace_alerts(c, 0, id, &list) != ENLACE_OK)
        return;
    for (size_t i = 0; i < list->count; i++)
        for (size_t k = 0; k < list->items[i]->ntargets; k++)
            if (!out[0] && !strcmp(list->items[i]->targets[k]->country, country))
                snprintf(out, cap, "%s", list->items[i]->targets[k]->state);
    enlace_alert_list_destroy(&list);
}

/* Where text occurs in a case's thread (the message whose body holds it),
 * or -1. */
static int
s_thread_index(const enlace_case_t *c, const char *text)
{
    for (size_t i = 0; c && i < c->nmessages; i++) {
        const enlace_delivery_t *d = c->messages[i];
        char body[512];
        snprintf(body, sizeof body, "%.*s", (int)(d->body_len < 511 ? d->body_len : 511),
            d->body_len ? (const char *)d->body : "");
        if (strstr(body, text))
            return (int)i;
    }
    return -1;
}

/* Whether text occurs in a case: its title, a message's body, an alert's
 * headline. */
static int
s_case_mentions(const enlace_case_t *c, const char *text)
{
    if (!c)
        return 0;
    if (strstr(c->info->title, text) || s_thread_index(c, text) >= 0)
        return 1;
    for (size_t i = 0; i < c->nalerts; i++)
        if (strstr(c->alerts[i]->headline, text))
            return 1;
    return 0;
}

/* Whether a case's alerts have a country in that state. */
static int
s_case_target_state(const enlace_case_t *c, const char *state)
{
    for (size_t i = 0; c && i < c->nalerts; i++)
        for (size_t k = 0; k < c->alerts[i]->ntargets; k++)
            if (!strcmp(c->alerts[i]->targets[k]->state, state))
                return 1;
    return 0;
}

/* Whether a case has an event of that name. */
static int
s_case_event(const enlace_case_t *c, const char *event)
{
    for (size_t i = 0; c && i < c->nevents; i++)
        if (!strcmp(c->events[i]->event, event))
            return 1;
    return 0;
}

/* The message of a case's thread with sequence seq, or NULL. */
static const enlace_delivery_t *
s_thread_seq(const enlace_case_t *c, uint64_t seq)
{
    for (size_t i = 0; c && i < c->nmessages; i++)
        if (c->messages[i]->seq == seq)
            return c->messages[i];
    return NULL;
}

/* A count from the archive; a query that fails fails the test (-1). */
#define s_sql_int(sql) s_sql_int_at(__FILE__, __LINE__, sql)
static long long
s_sql_int_at(const char *file, int line, const char *sql)
{
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", hub.dir);
    return harness_sql_int_at(file, line, db, "%s", sql);
}

static void
urgent_alert_escalates_to_the_country_then_the_ppt_and_st(void)
{
    enlace_client_t *a = s_connect(&mx), *g = s_connect(&gt), *g2 = s_connect(&gt2);
    enlace_client_t *p = s_connect(&hn), *s = s_connect(&sto);
    if (!a || !g || !g2 || !p || !s)
        goto out;
    uint64_t id = s_raise(a, "urgent", "MX,GT", "Fallecimiento en Tapachula", NULL, NULL, 0, 0);
    /* GT's focal point is told at once, out of band; GT's other officer not yet. */
    CHECK(s_wait_for(g, id, 0, 800, NULL) == 1);
    CHECK(s_wait_for(g2, id, 0, 200, NULL) == 0);
    CHECK_RC(enlace_ack(a, id, "recibido, MX coordina"), ENLACE_OK);
    char state[32];
    s_target_state(a, id, "MX", state, sizeof state);
    CHECK(strcmp(state, "acknowledged") == 0);
    s_target_state(a, id, "GT", state, sizeof state);
    CHECK(strcmp(state, "pending") == 0);
    /* Deadline 2 s: every GT officer is asked, then the PPT and the ST. */
    CHECK(s_wait_for(g2, id, 1, 3000, NULL) == 1);
    CHECK(s_wait_for(g, id, 1, 300, NULL) == 1);
    CHECK(s_wait_for(p, id, 2, 3500, NULL) == 1);
    CHECK(s_wait_for(s, id, 2, 500, NULL) == 1);
    s_target_state(s, id, "GT", state, sizeof state);
    CHECK(strcmp(state, "overdue") == 0);
    s_target_state(s, id, "MX", state, sizeof state);
    CHECK(strcmp(state, "acknowledged") == 0);
    /* The CLI shows the same, per country. */
    char out[4096];
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/mx.profile", hub.endpoint,
        hub.hub_public, mx.secret, hub.dir);
    CMD(0, out, sizeof out, "%s --profile %s/mx.profile alerts 2>&1", getenv("ENLACE_CLI_BIN"),
        hub.dir);
    CHECK(strstr(out, "GT  overdue") != NULL);
    CHECK(strstr(out, "MX  acknowledged  by mx") != NULL);
    /* Every step is recorded. */
    char sql[256];
    snprintf(sql, sizeof sql,
        "SELECT count(*) FROM alert_events WHERE alert_seq = %llu AND event IN "
        "('raised','acknowledged','escalated')",
        (unsigned long long)id);
    CHECK(s_sql_int(sql) == 4); /* raised, MX acknowledged, GT level 1, GT level 2 */
    /* GT acknowledges late: no more escalation. */
    CHECK_RC(enlace_ack(g2, id, "tarde"), ENLACE_OK);
    s_target_state(s, id, "GT", state, sizeof state);
    CHECK(strcmp(state, "acknowledged") == 0);
    /* A country not concerned, or the ST, cannot acknowledge for anyone. */
    CHECK_RC(enlace_ack(s, id, NULL), ENLACE_EDENIED);
    /* The ST reads the hub's escalation notices in history, verified.
     * Regression: they carried no author fingerprint and were rejected. */
    enlace_history_query_t hq = {.pattern = "consular/alerts/#"};
    enlace_page_t *page = NULL;
    CHECK_RC(enlace_history(s, &hq, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 2);
    if (enlace_page_count(page) >= 1)
        CHECK(enlace_page_item(page, 0)->escalation_alert == id);
    enlace_page_destroy(&page);
    CHECK(enlace_bad_signatures(s) == 0);
out:
    enlace_close(&a);
    enlace_close(&g);
    enlace_close(&g2);
    enlace_close(&p);
    enlace_close(&s);
}

static void
escalation_survives_a_restart_exactly_once(void)
{
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    uint64_t id = s_raise(a, "flash", "GT", "Desastre: deslave en la ruta", NULL, NULL, 0, 0);
    enlace_close(&a);
    hub_kill(&hub); /* SIGKILL between the alert and its 1 s deadline */
    usleep(300000);
    hub_start(&hub);
    usleep(4500000); /* level 1 at ~1 s after raising, level 2 a second later */
    char sql[256];
    snprintf(sql, sizeof sql,
        "SELECT count(*) FROM alert_events WHERE alert_seq = %llu AND event = 'escalated'",
        (unsigned long long)id);
    CHECK(s_sql_int(sql) == 2);
    snprintf(sql, sizeof sql,
        "SELECT count(*) FROM messages WHERE topic = 'consular/alerts/escalation' AND "
        "instr(content, 'alert #%llu ') > 0",
        (unsigned long long)id);
    CHECK(s_sql_int(sql) == 2); /* one notice per level, none repeated */
}

/* ------------------------------------------------ escalation across kills */

#define KILL_ROUNDS 12
#define KILL_COUNTRIES 2

static const char *s_kill_countries[KILL_COUNTRIES] = {"GT", "SV"};

static uint64_t
s_kill_rng(void)
{
    static uint64_t x;
    if (!x) {
        const char *seed = getenv("ENLACE_TEST_SEED");
        x = seed ? strtoull(seed, NULL, 10) : (uint64_t)time(NULL) * 2654435761u;
        if (!x)
            x = 1;
        printf("escalation kill loop: seed %llu (ENLACE_TEST_SEED to repeat)\n",
            (unsigned long long)x);
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

/* Raises a flash or urgent alert for GT and SV on h as o; returns its id. */
static uint64_t
s_kill_raise(hub_t *h, const officer_t *o, const char *priority, int round)
{
    int rc;
    char why[512], headline[64];
    enlace_client_t *c = client_connect(h, o, &rc, why, sizeof why);
    if (!c) {
        fprintf(stderr, "  connect: %s\n", why);
        CHECK(c != NULL);
        return 0;
    }
    snprintf(headline, sizeof headline, "Naufragio, ronda %d", round);
    enlace_alert_t a = {.priority = priority,
        .category = "disaster",
        .countries = s_kill_countries,
        .ncountries = KILL_COUNTRIES,
        .headline = headline};
    enlace_publish_opts_t opts = {.alert = &a};
    uint64_t id = 0;
    rc = enlace_publish(c, "consular/disaster/MX", "Se coordina.", 12, &opts, &id);
    if (rc != ENLACE_OK)
        fprintf(stderr, "  raise: %s\n", enlace_last_error(c));
    CHECK_RC(rc, ENLACE_OK);
    enlace_close(&c);
    return id;
}

/* Escalations recorded for alert id (0: for every alert). */
static long long
s_kill_escalations(const char *db, uint64_t id)
{
    if (id)
        return SQL_INT(db,
            "SELECT count(*) FROM alert_events WHERE event = 'escalated'"
            " AND alert_seq = %llu",
            (unsigned long long)id);
    return SQL_INT(db, "SELECT count(*) FROM alert_events WHERE event = 'escalated'");
}

/* How many of the alerts ids[0..n) have lo to hi escalations committed. */
static long long
s_kill_alerts_with(const char *db, const uint64_t *ids, int n, int lo, int hi)
{
    char list[KILL_ROUNDS * 24] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%llu", i ? "," : "",
            (unsigned long long)ids[i]);
    if (lo == 0)
        return n
            - SQL_INT(db,
                "SELECT count(DISTINCT alert_seq) FROM alert_events WHERE event ="
                " 'escalated' AND alert_seq IN (%s)",
                list)
            + (hi >= 1 ? s_kill_alerts_with(db, ids, n, 1, hi) : 0);
    return SQL_INT(db,
        "SELECT count(*) FROM (SELECT alert_seq FROM alert_events WHERE event ="
        " 'escalated' AND alert_seq IN (%s) GROUP BY alert_seq HAVING count(*)"
        " BETWEEN %d AND %d)",
        list, lo, hi);
}

/* The hub is killed with SIGKILL KILL_ROUNDS times while alerts escalate.
 * Each round raises an alert for two countries (flash, deadline 1 s, and
 * urgent, 2 s, in turn) and kills the hub, in turn: at a random moment
 * within 300 ms of the alert's level 1 (its deadline), as soon as it sees
 * any escalation committed (polling the archive), or within 300 ms of its
 * level 2; then restarts it at once. Alerts of earlier rounds keep
 * escalating across later kills, and those overdue during a kill escalate
 * just after the restart. At the end every alert has exactly one
 * escalation, and exactly one stored notice, per level and per country. */
static void
escalation_is_exactly_once_across_sigkills_at_random_moments(void)
{
    hub_t h;
    officer_t raiser, gtf, svf, st2, ppt;
    hub_init(&h);
    officer_new(&h, &raiser, "mx", "--country MX --network consular --role focal");
    officer_new(&h, &gtf, "gt", "--country GT --network consular --role focal");
    officer_new(&h, &svf, "sv", "--country SV --network consular --role focal");
    officer_new(&h, &st2, "st", "--org ST --role st");
    officer_new(&h, &ppt, "hn", "--country HN --network crm --role focal");
    CMD(0, NULL, 0, "%s ppt set %s/data --country HN 2>&1", getenv("ENLACE_HUB_BIN"), h.dir);
    h.extra[0] = "--deadline";
    h.extra[1] = "urgent=2s,flash=1s";
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", h.dir);
    hub_start(&h);
    uint64_t ids[KILL_ROUNDS] = {0};
    /* Over all kills, the alerts raised so far by their state at the kill. */
    long long before_l1 = 0, between = 0, after_l2 = 0;
    int kills_between = 0;
    for (int round = 0; round < KILL_ROUNDS; round++) {
        int flash = round % 2 == 0;
        int64_t deadline = flash ? 1000 : 2000;
        ids[round] = s_kill_raise(&h, &raiser, flash ? "flash" : "urgent", round);
        int mode = round % 3;
        int64_t t0 = harness_now_ms();
        if (mode == 1) {
            long long seen = s_kill_escalations(db, 0);
            while (harness_now_ms() - t0 < 5000 && s_kill_escalations(db, 0) == seen)
                usleep(5000);
        } else {
            int64_t at = (mode == 0 ? deadline : 2 * deadline) - 300
                + (int64_t)(s_kill_rng() % 600);
            usleep((useconds_t)at * 1000);
        }
        int64_t waited = harness_now_ms() - t0;
        hub_kill(&h);
        long long b = s_kill_alerts_with(db, ids, round + 1, 0, 0);
        long long m = s_kill_alerts_with(db, ids, round + 1, 1, 3);
        long long a = s_kill_alerts_with(db, ids, round + 1, 4, 4);
        before_l1 += b;
        between += m;
        after_l2 += a;
        kills_between += m > 0;
        printf("round %2d: %s alert %llu; killed %s after %lld ms, its escalations committed:"
               " %lld of 4; alerts so far before level 1 / between / after level 2: %lld / %lld"
               " / %lld\n",
            round, flash ? "flash" : "urgent", (unsigned long long)ids[round],
            mode == 1       ? "just after an escalation committed"
                : mode == 0 ? "around level 1"
                            : "around level 2",
            (long long)waited, s_kill_escalations(db, ids[round]), b, m, a);
        hub_start(&h);
    }
    /* Every target of every alert reaches level 2 (the last urgent alert's
     * about 4 s after it was raised). */
    long long pending = -1;
    for (int i = 0; i < 200 && pending != 0; i++) {
        pending = SQL_INT(db,
            "SELECT count(*) FROM alert_targets WHERE level < 2 AND alert_seq"
            " >= %llu",
            (unsigned long long)ids[0]);
        if (pending != 0)
            usleep(100 * 1000);
    }
    CHECK(pending == 0);
    hub_stop(&h);
    printf("%d kills; alerts found before level 1: %lld, between level 1 and 2: %lld, after"
           " level 2: %lld; kills that fell between some alert's levels: %d\n",
        KILL_ROUNDS, before_l1, between, after_l2, kills_between);
    int wrong = 0;
    for (int round = 0; round < KILL_ROUNDS; round++) {
        unsigned long long id = ids[round];
        for (int k = 0; k < KILL_COUNTRIES; k++) {
            const char *cc = s_kill_countries[k];
            for (int level = 1; level <= 2; level++) {
                long long events = SQL_INT(db,
                    "SELECT count(*) FROM alert_events WHERE event ="
                    " 'escalated' AND alert_seq = %llu AND country ="
                    " '%s' AND detail = 'level %d'",
                    id, cc, level);
                /* The notice's text names the alert, the country and the level. */
                long long notices;
                if (level == 1)
                    notices = SQL_INT(db,
                        "SELECT count(*) FROM messages WHERE topic ="
                        " 'consular/alerts/escalation' AND instr(content, 'alert #%llu ') > 0"
                        " AND instr(content, 'was not acknowledged by %s within') > 0",
                        id, cc);
                else
                    notices = SQL_INT(db,
                        "SELECT count(*) FROM messages WHERE topic ="
                        " 'consular/alerts/escalation' AND instr(content, 'alert #%llu ') > 0"
                        " AND instr(content, 'still not acknowledged by %s:') > 0",
                        id, cc);
                if (events != 1 || notices != 1) {
                    wrong++;
                    fprintf(stderr,
                        "  alert %llu, %s, level %d: %lld escalation event(s),"
                        " %lld notice(s)\n",
                        id, cc, level, events, notices);
                }
            }
        }
        /* Nothing else about it: no third level, no stray notice. */
        CHECK(SQL_INT(db,
                  "SELECT count(*) FROM alert_events WHERE event = 'escalated' AND"
                  " alert_seq = %llu",
                  id)
            == 2 * KILL_COUNTRIES);
        CHECK(SQL_INT(db,
                  "SELECT count(*) FROM messages WHERE topic ="
                  " 'consular/alerts/escalation' AND instr(content, 'alert #%llu ') > 0",
                  id)
            == 2 * KILL_COUNTRIES);
    }
    printf("%d alerts x %d countries x 2 levels: %d not exactly once\n", KILL_ROUNDS,
        KILL_COUNTRIES, wrong);
    CHECK(wrong == 0);
    CMD(0, NULL, 0, "%s verify %s/data 2>&1", getenv("ENLACE_HUB_BIN"), h.dir);
    hub_cleanup(&h);
}

static void
offline_focal_point_gets_the_alert_before_routine_traffic(void)
{
    /* GT's focal point holds a durable subscription, then goes offline. */
    enlace_client_t *g = s_connect(&gt);
    if (g) {
        CHECK_RC(enlace_subscribe(g, "consular/routine/#", 0), ENLACE_OK);
        enlace_close(&g);
    }
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    for (int i = 0; i < 5; i++)
        CHECK_RC(enlace_publish(a, "consular/routine/x", "rutina", 6, NULL, NULL), ENLACE_OK);
    uint64_t id = s_raise(a, "urgent", "GT", "Niño no acompañado en Tecún Umán", NULL, NULL, 0, 0);
    for (int i = 0; i < 5; i++)
        CHECK_RC(enlace_publish(a, "consular/routine/x", "rutina", 6, NULL, NULL), ENLACE_OK);
    enlace_close(&a);
    g = s_connect(&gt);
    if (!g)
        return;
    CHECK_RC(enlace_subscribe(g, "consular/routine/#", 0), ENLACE_OK);
    /* Open alerts come out of band at Hello (older ones for GT included),
     * all of them before the first routine message. */
    int alert_at = -1, first_routine_at = -1, n = 0;
    int64_t end = harness_now_ms() + 1500;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(g, &d, 50) != ENLACE_OK)
            continue;
        if (d->is_alert && d->seq == id && alert_at < 0)
            alert_at = n;
        if (!d->is_alert && first_routine_at < 0)
            first_routine_at = n;
        CHECK(!d->is_alert || d->out_of_band || d->seq != id || alert_at == n);
        n++;
        enlace_delivery_destroy(&d);
    }
    CHECK(alert_at >= 0);
    CHECK(first_routine_at > alert_at);
    CHECK(n >= 11);
    CHECK_RC(enlace_ack(g, id, NULL), ENLACE_OK);
    enlace_close(&g);
}

static int
s_xpath(const char *file, const char *expr, char *out, size_t cap)
{
    int rc = harness_capture(out, cap, "xmllint --xpath \"%s\" %s 2>/dev/null", expr, file);
    out[strcspn(out, "\n")] = '\0';
    return rc;
}

static void
update_and_cancel_reference_the_original_in_cap(void)
{
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    uint64_t orig = s_raise(a, "urgent", "MX,SV", "Fallecimiento: identidad por confirmar", NULL,
        NULL, 0, 0);
    uint64_t upd = s_raise(a, "urgent", "MX,SV", "Fallecimiento: identidad confirmada", NULL,
        "update", orig, 0);
    uint64_t can = s_raise(a, "urgent", "MX,SV", "Cancelado: error de registro", NULL, "cancel",
        upd, 0);
    /* Only the author (or its country's focal point) may update: GT may not. */
    enlace_client_t *g = s_connect(&gt);
    if (g) {
        uint64_t ref = orig;
        const char *cc[] = {"MX"};
        enlace_alert_t al = {.priority = "urgent",
            .category = "death",
            .countries = cc,
            .ncountries = 1,
            .headline = "x",
            .msg_type = "cancel",
            .references = &ref,
            .nreferences = 1};
        enlace_publish_opts_t o = {.alert = &al};
        CHECK(enlace_publish(g, "consular/death/MX", "x", 1, &o, NULL) != ENLACE_OK);
        enlace_close(&g);
    }
    char state[32];
    s_target_state(a, orig, "SV", state, sizeof state);
    CHECK(strcmp(state, "superseded") == 0);
    s_target_state(a, upd, "SV", state, sizeof state);
    CHECK(strcmp(state, "cancelled") == 0);
    const char *bin = getenv("ENLACE_HUB_BIN");
    uint64_t ids[] = {orig, upd, can};
    const char *types[] = {"Alert", "Update", "Cancel"};
    char orig_ident[128] = "";
    for (int i = 0; i < 3; i++) {
        char file[300], out[4096];
        snprintf(file, sizeof file, "%s/cap-%d.xml", hub.dir, i);
        CHECK(harness_sh("%s export-cap %s/data %llu > %s", bin, hub.dir,
                  (unsigned long long)ids[i], file)
            == 0);
        CHECK(harness_sh("xmllint --noout %s", file) == 0);
        /* the CAP 1.2 namespace and every mandatory element */
        const char *mandatory[] = {"identifier", "sender", "sent", "status", "msgType", "scope"};
        for (int k = 0; k < 6; k++) {
            char expr[200];
            snprintf(expr, sizeof expr,
                "count(/*[local-name()='alert' and "
                "namespace-uri()='urn:oasis:names:tc:emergency:cap:1.2']/*[local-name()='%s'])",
                mandatory[k]);
            s_xpath(file, expr, out, sizeof out);
            CHECK(atoi(out) == 1);
        }
        const char *info[] = {"category", "event", "urgency", "severity", "certainty"};
        for (int k = 0; k < 5; k++) {
            char expr[200];
            snprintf(expr, sizeof expr, "count(//*[local-name()='info']/*[local-name()='%s'])",
                info[k]);
            s_xpath(file, expr, out, sizeof out);
            CHECK(atoi(out) >= 1);
        }
        s_xpath(file, "count(//*[local-name()='area']/*[local-name()='areaDesc'])", out,
            sizeof out);
        CHECK(atoi(out) == 1);
        s_xpath(file, "string(//*[local-name()='msgType'])", out, sizeof out);
        CHECK(strcmp(out, types[i]) == 0);
        /* The author's signature travels with the document and checks
         * without enlace (a batch of one: the alert was published alone). */
        CHECK(harness_capture(out, sizeof out,
                  "/usr/bin/python3 %s/tests/integration/check_signature.py cap %s 2>&1",
                  getenv("ENLACE_SOURCE_ROOT"), file)
            == 0);
        fprintf(stderr, "  CAP %d signature: %s", i, out);
        CHECK(strstr(out, "1 verified") != NULL);
        s_xpath(file, "string(/*[local-name()='alert']/*[local-name()='identifier'])", out,
            sizeof out);
        if (i == 0)
            snprintf(orig_ident, sizeof orig_ident, "%s", out);
        if (i > 0) {
            /* references: "sender,identifier,sent" of the alert updated/cancelled */
            char refs[1024];
            s_xpath(file, "string(//*[local-name()='references'])", refs, sizeof refs);
            CHECK(strstr(refs, i == 1 ? orig_ident : "enlace-") != NULL);
            CHECK(strchr(refs, ',') != NULL);
        }
    }
    /* The same export over the wire (the ST). */
    enlace_client_t *s = s_connect(&sto);
    if (s) {
        char *xml = NULL;
        CHECK_RC(enlace_cap(s, orig, &xml), ENLACE_OK);
        CHECK(xml && strstr(xml, orig_ident));
        free(xml);
        enlace_close(&s);
    }
    enlace_close(&a);
}

/* Regression: an alert whose body is empty (data == NULL in protobuf-c) is
 * indexed, exported as valid CAP and readable over the wire. */
static void
alert_with_empty_body_exports_as_cap(void)
{
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    const char *cc[] = {"SV"};
    enlace_alert_t al = {.priority = "urgent",
        .category = "death",
        .countries = cc,
        .ncountries = 1,
        .headline = "Fallecimiento sin detalles",
        .area = "La Hachadura",
        .urgency = "immediate",
        .severity = "severe",
        .certainty = "observed"};
    enlace_publish_opts_t o = {.alert = &al};
    uint64_t id = 0;
    CHECK_RC(enlace_publish(a, "consular/death/MX", NULL, 0, &o, &id), ENLACE_OK);
    CHECK(id > 0);
    enlace_close(&a);
    char file[300], out[1024];
    snprintf(file, sizeof file, "%s/cap-empty.xml", hub.dir);
    CHECK(harness_sh("%s export-cap %s/data %llu > %s", getenv("ENLACE_HUB_BIN"), hub.dir,
              (unsigned long long)id, file)
        == 0);
    CHECK(harness_sh("xmllint --noout %s", file) == 0);
    s_xpath(file, "string(//*[local-name()='info']/*[local-name()='headline'])", out, sizeof out);
    CHECK(strcmp(out, "Fallecimiento sin detalles") == 0);
    enlace_client_t *s = s_connect(&sto);
    if (s) {
        char *xml = NULL;
        CHECK_RC(enlace_cap(s, id, &xml), ENLACE_OK);
        CHECK(xml && strstr(xml, "Fallecimiento sin detalles"));
        free(xml);
        enlace_close(&s);
    }
}

static void
a_drill_never_escalates_to_the_ppt(void)
{
    enlace_client_t *a = s_connect(&mx), *p = s_connect(&hn), *s = s_connect(&sto);
    if (!a || !p || !s)
        goto out;
    uint64_t id = s_raise(a, "flash", "SV", "SIMULACRO: naufragio", "exercise", NULL, 0, 0);
    CHECK(s_wait_for(s, id, 2, 4000, NULL) == 1); /* the ST hears of it */
    CHECK(s_wait_for(p, id, 2, 300, NULL) == 0);  /* the PPT does not */
out:
    enlace_close(&a);
    enlace_close(&p);
    enlace_close(&s);
}

static void
case_thread_holds_messages_alerts_and_states(void)
{
    enlace_client_t *a = s_connect(&mx), *g = s_connect(&gt), *v = s_connect(&sv);
    if (!a || !g || !v)
        goto out;
    const char *cc[] = {"MX", "GT"};
    uint64_t case_id = 0;
    CHECK_RC(
        enlace_case_open(a, "death", cc, 2, "Fallecimiento de J. P. en Tapachula", NULL, &case_id),
        ENLACE_OK);
    CHECK(case_id > 0);
    enlace_publish_opts_t o = {.case_id = case_id};
    CHECK_RC(enlace_publish(a, "consular/case/1", "Familia notificada", 18, &o, NULL), ENLACE_OK);
    /* A message with no body is in the thread too (it used to be left out:
     * the client's JSON refused the NULL that protobuf-c gives it as). */
    uint64_t empty_seq = 0;
    CHECK_RC(enlace_publish(a, "consular/case/1", NULL, 0, &o, &empty_seq), ENLACE_OK);
    uint64_t id = s_raise(a, "urgent", "GT", "Repatriación de restos", NULL, NULL, 0, case_id);
    CHECK_RC(enlace_ack(g, id, "GT confirma"), ENLACE_OK);
    enlace_case_t *detail = NULL;
    CHECK_RC(enlace_case_show(g, case_id, &detail), ENLACE_OK);
    CHECK(detail && s_case_mentions(detail, "Familia notificada")
        && s_case_mentions(detail, "Repatriación de restos"));
    CHECK(detail && s_case_target_state(detail, "acknowledged"));
    CHECK(detail && s_case_event(detail, "opened"));
    const enlace_delivery_t *empty = s_thread_seq(detail, empty_seq);
    CHECK(detail && empty && empty->body_len == 0);
    /* in order: the message before the alert */
    CHECK(detail && s_thread_index(detail, "Familia notificada") >= 0
        && s_thread_index(detail, "Familia notificada")
            < s_thread_index(detail, "Connacional fallecido"));
    enlace_case_destroy(&detail);
    /* a member of another network does not see it */
    CHECK_RC(enlace_case_show(v, case_id, &detail), ENLACE_ENOTFOUND);
    enlace_case_destroy(&detail);
    /* closed: recorded, and nothing more can be attached */
    CHECK_RC(enlace_case_set_state(a, case_id, 0, "restos repatriados"), ENLACE_OK);
    CHECK(enlace_publish(a, "consular/case/1", "tarde", 5, &o, NULL) != ENLACE_OK);
    enlace_case_list_t *list = NULL;
    CHECK_RC(enlace_case_list(g, "death", "GT", "closed", &list), ENLACE_OK);
    int listed = 0;
    for (size_t i = 0; list && i < list->count; i++)
        listed |= strstr(list->items[i]->title, "Fallecimiento de J. P.") != NULL;
    CHECK(list && listed);
    enlace_case_list_destroy(&list);
    CHECK_RC(enlace_case_set_state(g, case_id, 1, "nueva información"), ENLACE_OK);
    CHECK_RC(enlace_case_show(a, case_id, &detail), ENLACE_OK);
    CHECK(detail && s_case_event(detail, "closed") && s_case_event(detail, "reopened"));
    enlace_case_destroy(&detail);
    /* The CLI forms of the issue. */
    char out[2048];
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/mx.profile", hub.endpoint,
        hub.hub_public, mx.secret, hub.dir);
    int rc = harness_capture(out, sizeof out,
        "%s --profile %s/mx.profile case open --type disaster --countries MX,HN 'Huracán' 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(rc == 0 && atoi(out) > 0);
    rc = harness_capture(out, sizeof out,
        "%s --profile %s/mx.profile alert consular/disaster/MX --priority urgent --category "
        "disaster --countries MX,HN --headline 'Huracán: connacionales afectados' --case %d "
        "'Se coordina' 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir, atoi(out));
    CHECK(rc == 0 && atoi(out) > 0);
out:
    enlace_close(&a);
    enlace_close(&g);
    enlace_close(&v);
}

static int
s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* A figure, not a check: raise-to-delivery time of flash alerts on loopback
 * (stored and committed, then pushed out of band to the focal point). */
static void
measure_flash_alert_latency(void)
{
    enlace_client_t *a = s_connect(&mx), *v = s_connect(&sv);
    officer_t hnf;
    officer_new(&hub, &hnf, "hn-consular", "--country HN --network consular --role focal");
    enlace_client_t *h = s_connect(&hnf);
    if (!a || !h || !v)
        goto out;
    int64_t us[21];
    int n = 0;
    for (int i = 0; i < 21; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        uint64_t id = s_raise(a, "flash", "HN", "medición", NULL, NULL, 0, 0);
        enlace_delivery_t *d = NULL;
        while (enlace_recv(h, &d, 2000) == ENLACE_OK && !(d->is_alert && d->seq == id))
            enlace_delivery_destroy(&d);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (d) {
            us[n++] = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
            enlace_delivery_destroy(&d);
        }
        CHECK_RC(enlace_ack(h, id, NULL), ENLACE_OK);
    }
    qsort(us, (size_t)n, sizeof us[0], s_cmp_i64);
    if (n)
        printf("flash alert raise-to-delivery on loopback: median %.2f ms, min %.2f, max %.2f "
               "(%d alerts)\n",
            us[n / 2] / 1000.0, us[0] / 1000.0, us[n - 1] / 1000.0, n);
    CHECK(n == 21);
out:
    enlace_close(&a);
    enlace_close(&h);
    enlace_close(&v);
}

/* Regression: the hub's own escalation notices are signed with the hub key,
 * which verify must accept (it is recorded in the archive). */
static void
archive_with_alerts_and_hub_notices_verifies(void)
{
    hub_stop(&hub);
    char out[8192];
    int rc = harness_capture(out, sizeof out, "%s verify %s/data 2>&1", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    if (rc != 0)
        fprintf(stderr, "%s", out);
    CHECK(rc == 0);
    CHECK(strstr(out, "chain      intact") != NULL);
}

/* The ST's statistics over what the tests above did (deterministic): GT had
 * 4 alerts to acknowledge and did 2 in time (one late, one flash never);
 * MX 2, one acknowledged in time and the CLI-raised disaster alert never;
 * HN 22, 21 in time; the drill is counted apart; the ST's refused
 * acknowledgement is a refused access. */
static void
statistics_for_the_st(void)
{
    char out[16384];
    int rc = harness_capture(out, sizeof out,
        "%s stats %s/data --json | python3 -c 'import json,sys; d=json.load(sys.stdin);"
        " a=d[\"acknowledged within the deadline, %% by country\"];"
        " n=d[\"urgent/flash alerts to acknowledge, by country\"];"
        " print(a[\"MX\"], a[\"HN\"], a[\"GT\"], n[\"GT\"],"
        " d[\"drills by priority (counted apart)\"][\"flash\"],"
        " d[\"alerts by priority\"][\"urgent\"] >= 4,"
        " d[\"refused accesses\"][\"refused:denied\"] >= 1,"
        " d[\"cases opened by type\"][\"death\"] >= 1)'",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(rc == 0);
    int mx_pct = -1, hn_pct = -1, gt_pct = -1, gt_n = -1, drills = -1;
    char t1[8] = "", t2[8] = "", t3[8] = "";
    sscanf(out, "%d %d %d %d %d %7s %7s %7s", &mx_pct, &hn_pct, &gt_pct, &gt_n, &drills, t1, t2,
        t3);
    CHECK(mx_pct == 50 && hn_pct == 95 && gt_pct == 50 && gt_n == 4);
    CHECK(drills == 1);
    CHECK(!strcmp(t1, "True") && !strcmp(t2, "True") && !strcmp(t3, "True"));
    rc = harness_capture(out, sizeof out, "%s stats %s/data --csv", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    CHECK(rc == 0 && strncmp(out, "section,key,value\n", 18) == 0);
    CHECK(strstr(out, "\"median time to acknowledge, seconds, by country\",\"MX\",") != NULL);
}

int
main(void)
{
    hub_init(&hub);
    officer_new(&hub, &mx, "mx", "--country MX --network consular --role focal");
    officer_new(&hub, &gt, "gt", "--country GT --network consular --role focal");
    officer_new(&hub, &gt2, "gt2", "--country GT --network consular --role officer");
    officer_new(&hub, &hn, "hn", "--country HN --network crm --role focal");
    officer_new(&hub, &sto, "st", "--org ST --role st");
    officer_new(&hub, &sv, "sv", "--country SV --network child --role officer");
    CMD(0, NULL, 0, "%s ppt set %s/data --country HN 2>&1", getenv("ENLACE_HUB_BIN"), hub.dir);
    hub.extra[0] = "--deadline";
    hub.extra[1] = "urgent=2s,flash=1s";
    hub_start(&hub);
    harness_run("urgent_alert_escalates_to_the_country_then_the_ppt_and_st",
        urgent_alert_escalates_to_the_country_then_the_ppt_and_st);
    harness_run("escalation_survives_a_restart_exactly_once",
        escalation_survives_a_restart_exactly_once);
    harness_run("offline_focal_point_gets_the_alert_before_routine_traffic",
        offline_focal_point_gets_the_alert_before_routine_traffic);
    harness_run("update_and_cancel_reference_the_original_in_cap",
        update_and_cancel_reference_the_original_in_cap);
    harness_run("alert_with_empty_body_exports_as_cap", alert_with_empty_body_exports_as_cap);
    harness_run("a_drill_never_escalates_to_the_ppt", a_drill_never_escalates_to_the_ppt);
    harness_run("case_thread_holds_messages_alerts_and_states",
        case_thread_holds_messages_alerts_and_states);
    harness_run("measure_flash_alert_latency", measure_flash_alert_latency);
    harness_run("archive_with_alerts_and_hub_notices_verifies",
        archive_with_alerts_and_hub_notices_verifies);
    harness_run("statistics_for_the_st", statistics_for_the_st);
    hub_cleanup(&hub);
    harness_run("escalation_is_exactly_once_across_sigkills_at_random_moments",
        escalation_is_exactly_once_across_sigkills_at_random_moments);
    return harness_finish();
}
