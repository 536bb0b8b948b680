/*
 * test_consult: the PPT's written consultation against a real hub whose
 * business day lasts 2 s (--business-day 2s; a round of 5 days: the first
 * reminder 6 s after it opens, the last day's at 8 s, the deadline at 10 s,
 * the ST told at 12 s). The Troika is last year's PPT (PA), this year's
 * (HN, which opens) and next year's (CR); every member country has a focal
 * point in crm.
 *
 * The whole procedure: the Troika objects, then agrees; round 1 with
 * Guatemala silent, reminded twice, recorded as no answer and escalated to
 * its officers and the ST; round 2 with a revised text (and its diff);
 * closed with consensus, the report to every member. An observer invited to
 * all of crm and a Mexican officer who is not the PPT are refused at every
 * step, as the hub sees the signed steps, and every refusal is audited.
 * A hub frozen before a reminder was due and SIGKILLed after sends it once,
 * and one killed just after sending does not send it again. Silence counted
 * as no objection, on a hub configured so.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "enlace.pb-c.h"
#include "harness.h"
#include "keys.h"
#include "rawclient.h"

#define DAY_MS 2000

static hub_t hub;

enum { BZ, CA, CR, SV, US, GT, HN, MX, NI, PA, DO, MEMBERS };
static const char *s_cc[MEMBERS] = {"BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA",
    "DO"};
static officer_t s_focal[MEMBERS], gt2, mx2, obs, st;

static int64_t
s_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_sleep_until(int64_t wall_ms)
{
    int64_t d = wall_ms - s_wall_ms();
    if (d > 0)
        usleep((useconds_t)(d * 1000));
}

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

/* The state and step of a country's target in the current stage. */
static const enlace_consult_target_t *
s_target(const enlace_consult_t *c, unsigned stage, const char *cc)
{
    for (size_t i = 0; c && i < c->ntargets; i++)
        if (c->targets[i]->stage == stage && !strcmp(c->targets[i]->country, cc))
            return c->targets[i];
    return NULL;
}

/* Waits up to ms for a consultation notice of kind about country: 1 if it
 * came (how often is the archive's to count), 0 if not. */
static int
s_wait_notice(enlace_client_t *c, uint64_t id, const char *kind, const char *cc, int ms)
{
    int got = 0;
    int64_t end = harness_now_ms() + ms;
    while (!got && harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 50) != ENLACE_OK)
            continue;
        got += d->consult_notice && d->consult_id == id && !strcmp(d->consult_notice, kind)
            && !strcmp(d->consult_country, cc);
        enlace_delivery_destroy(&d);
    }
    return got;
}

/* ------------------------------------------------------------ the hub's view of raw steps */

/* A consultation step signed by the raw client's key, as libenlace would
 * never send it for that key; returns the hub's reply (caller frees). */
static Enlace__Frame *
s_raw_step(rawclient_t *rc, Enlace__ConsultStep step, uint64_t id, unsigned stage,
    Enlace__ConsultAnswer answer, const char *to)
{
    const keys_identity_t *key = rawclient_identity(rc);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    uint8_t msg_id[16];
    randombytes_buf(msg_id, sizeof msg_id);
    k.step = step;
    k.consultation = id;
    k.stage = stage;
    k.answer = answer;
    k.title = step == ENLACE__CONSULT_STEP__CONSULT_OPEN ? "Titulo ajeno" : "";
    k.outcome = step == ENLACE__CONSULT_STEP__CONSULT_CLOSE
        ? ENLACE__CONSULT_OUTCOME__OUTCOME_NO_CONSENSUS
        : ENLACE__CONSULT_OUTCOME__OUTCOME_UNSET;
    k.reason = step == ENLACE__CONSULT_STEP__CONSULT_CLOSE ? "no" : "";
    c.message_id.data = msg_id;
    c.message_id.len = sizeof msg_id;
    c.topic.data = (uint8_t *)"crm/members/consult";
    c.topic.len = strlen("crm/members/consult");
    c.created_ms = s_wall_ms();
    c.author_key.data = (uint8_t *)keys_identity_public(key);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    char *rcpt[1] = {(char *)to};
    if (to) {
        c.tlp = ENLACE__TLP__TLP_AMBER_STRICT;
        c.recipients = rcpt;
        c.n_recipients = 1;
    }
    c.body.data = (uint8_t *)"texto";
    c.body.len = 5;
    c.consult = &k;
    size_t len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(len), sig[KEYS_SIGNATURE_BYTES];
    if (!buf
        || keys_sign_content(key, buf ? (enlace__content__pack(&c, buf), buf) : NULL, len, sig)
            != 0) {
        free(buf);
        return NULL;
    }
    uint64_t rid = rawclient_publish(rc, buf, len, sig, sizeof sig);
    free(buf);
    return rid ? rawclient_await(rc, rid, 5000) : NULL;
}

static int
s_error_code(const Enlace__Frame *f)
{
    return f && f->body_case == ENLACE__FRAME__BODY_ERROR ? (int)f->error->code : 0;
}

static rawclient_t *
s_raw(const officer_t *o)
{
    rawclient_opts_t opts = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = o->secret};
    char why[256];
    rawclient_t *rc = rawclient_new(&opts, why, sizeof why);
    if (rc && rawclient_hello(rc, 3000, NULL) != 0)
        rawclient_destroy(&rc);
    CHECK(rc != NULL);
    return rc;
}

/* Every step, sent by the observer and by the Mexican officer who is not
 * the PPT, at the consultation's current stage: each refused, never
 * stored; `seen` says whether MX sees the consultation yet (from round 1). */
static void
s_refused_at_every_step(uint64_t id, unsigned stage, int mx_sees)
{
    static const Enlace__ConsultStep steps[] = {ENLACE__CONSULT_STEP__CONSULT_OPEN,
        ENLACE__CONSULT_STEP__CONSULT_ANSWER, ENLACE__CONSULT_STEP__CONSULT_ADVANCE,
        ENLACE__CONSULT_STEP__CONSULT_REVISE, ENLACE__CONSULT_STEP__CONSULT_CLOSE};
    rawclient_t *o = s_raw(&obs), *m = s_raw(&mx2);
    if (!o || !m)
        goto out;
    long long stored_before = s_sql("SELECT count(*) FROM messages");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int open = steps[i] == ENLACE__CONSULT_STEP__CONSULT_OPEN;
        Enlace__ConsultAnswer a = stage ? ENLACE__CONSULT_ANSWER__ANSWER_NO_OBJECTION
                                        : ENLACE__CONSULT_ANSWER__ANSWER_AGREE;
        Enlace__Frame *f = s_raw_step(o, steps[i], open ? 0 : id, open ? 0 : stage, a,
            stage == 0 ? s_focal[HN].fingerprint : NULL);
        CHECK(s_error_code(f) == ENLACE__ERROR_CODE__ERR_DENIED); /* members only */
        enlace__frame__free_unpacked(f, NULL);
        f = s_raw_step(m, steps[i], open ? 0 : id, open ? 0 : stage, a,
            stage == 0 ? s_focal[HN].fingerprint : NULL);
        int code = s_error_code(f);
        /* Not the PPT: denied; while MX may not see it, as if it did not exist. */
        CHECK(open ? code == ENLACE__ERROR_CODE__ERR_DENIED
                   : code
                    == (mx_sees ? ENLACE__ERROR_CODE__ERR_DENIED
                                : ENLACE__ERROR_CODE__ERR_NOT_FOUND));
        if (!code)
            fprintf(stderr, "  step %d by mx2 at stage %u: %s\n", (int)steps[i], stage,
                rawclient_describe(f));
        enlace__frame__free_unpacked(f, NULL);
    }
    CHECK(s_sql("SELECT count(*) FROM messages") == stored_before);
    /* The board: the observer learns nothing, not even that one exists. */
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ConsultShow show = ENLACE__CONSULT_SHOW__INIT;
    show.consultation = id;
    req.version = 1;
    req.request_id = rawclient_next_id(o);
    req.body_case = ENLACE__FRAME__BODY_CONSULT_SHOW;
    req.consult_show = &show;
    rawclient_send_frame(o, &req);
    Enlace__Frame *f = rawclient_await(o, req.request_id, 5000);
    CHECK(s_error_code(f) == ENLACE__ERROR_CODE__ERR_NOT_FOUND);
    enlace__frame__free_unpacked(f, NULL);
    Enlace__ConsultQuery q = ENLACE__CONSULT_QUERY__INIT;
    req.request_id = rawclient_next_id(o);
    req.body_case = ENLACE__FRAME__BODY_CONSULT_QUERY;
    req.consult_query = &q;
    rawclient_send_frame(o, &req);
    f = rawclient_await(o, req.request_id, 5000);
    CHECK(f && f->body_case == ENLACE__FRAME__BODY_CONSULT_LIST
        && f->consult_list->n_consultations == 0);
    enlace__frame__free_unpacked(f, NULL);
out:
    rawclient_destroy(&o);
    rawclient_destroy(&m);
}

/* ------------------------------------------------------------ the procedure */

static void
troika_then_two_rounds_then_consensus(void)
{
    enlace_client_t *f[MEMBERS] = {NULL}, *g2 = NULL, *s = NULL, *o = NULL;
    for (int i = 0; i < MEMBERS; i++)
        if (!(f[i] = s_connect(&s_focal[i])))
            goto out;
    if (!(g2 = s_connect(&gt2)) || !(s = s_connect(&st)) || !(o = s_connect(&obs)))
        goto out;
    CHECK_RC(enlace_subscribe(o, "crm/#", 1), ENLACE_OK); /* invited: allowed */
    CHECK_RC(enlace_subscribe(g2, "crm/#", 0), ENLACE_OK);
    /* Only the PPT opens; the hub names the Troika's focal points to address. */
    uint64_t id = 0;
    CHECK_RC(enlace_consult_open(f[GT], "No", "texto", &id), ENLACE_EDENIED);
    CHECK_RC(enlace_consult_open(f[HN], "Protocolo regional de retorno asistido",
                 "Propuesta zqpropuesta1\nArticulo 1: coordinacion\nArticulo 2: plazos\n", &id),
        ENLACE_OK);
    CHECK(id > 0);
    if (!id)
        goto out;
    s_refused_at_every_step(id, 0, 0);
    /* Guatemala, outside the Troika, does not see stage 1 at all. */
    enlace_consult_t *c = NULL;
    CHECK_RC(enlace_consult_show(f[GT], id, &c), ENLACE_ENOTFOUND);
    CHECK_RC(enlace_consult_answer(f[GT], id, -1, "agree", NULL), ENLACE_ENOTFOUND);
    /* Panama objects; the PPT cannot advance; then Panama agrees. */
    CHECK_RC(enlace_consult_answer(f[PA], id, -1, "object", "Falta el articulo de costos"),
        ENLACE_OK);
    CHECK_RC(enlace_consult_answer(f[PA], id, -1, "object", NULL), ENLACE_EPROTO);
    CHECK_RC(enlace_consult_answer(f[CR], id, -1, "agree", NULL), ENLACE_OK);
    CHECK_RC(enlace_consult_answer(f[HN], id, -1, "agree", NULL), ENLACE_OK);
    CHECK_RC(enlace_consult_advance(f[HN], id, NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(f[HN]), "PA") != NULL);
    CHECK_RC(enlace_consult_answer(f[PA], id, -1, "agree", NULL), ENLACE_OK);
    CHECK_RC(enlace_consult_show(f[PA], id, &c), ENLACE_OK);
    const enlace_consult_target_t *t = s_target(c, 0, "PA");
    CHECK(t && !strcmp(t->answer, "agree") && t->answers == 2);
    enlace_consult_destroy(&c);
    CHECK_RC(enlace_consult_advance(f[GT], id, NULL), ENLACE_ENOTFOUND);
    CHECK_RC(enlace_consult_advance(f[HN], id, NULL), ENLACE_OK);
    int64_t round1 = s_wall_ms();
    s_refused_at_every_step(id, 1, 1);
    /* Round 1: every member but Guatemala answers. Mexico's officer may not
     * answer for Mexico (its focal point does). */
    enlace_client_t *m2 = s_connect(&mx2);
    if (m2)
        CHECK_RC(enlace_consult_answer(m2, id, -1, "no-objection", NULL), ENLACE_EDENIED);
    enlace_close(&m2);
    CHECK_RC(enlace_consult_answer(f[CA], id, -1, "comments", "Articulo 2: zqcomentario"),
        ENLACE_OK);
    for (int i = 0; i < MEMBERS; i++)
        if (i != GT && i != CA)
            CHECK_RC(enlace_consult_answer(f[i], id, -1, "no-objection", NULL), ENLACE_OK);
    CHECK_RC(enlace_consult_answer(f[MX], id, -1, "agree", NULL), ENLACE_EPROTO);
    /* The round runs: no revision before Guatemala's deadline. */
    CHECK_RC(enlace_consult_revise(f[HN], id, "v2"), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(f[HN]), "GT") != NULL);
    /* Guatemala is silent: reminded (its focal point) twice, then at the
     * deadline every GT officer in crm, then the ST. */
    CHECK(
        s_wait_notice(f[GT], id, "reminder", "GT", (int)(round1 + 3 * DAY_MS + 1500 - s_wall_ms()))
        == 1);
    CHECK(s_wait_notice(f[GT], id, "last-day", "GT", DAY_MS + 1000) == 1);
    CHECK(s_wait_notice(g2, id, "deadline", "GT", 2 * DAY_MS + 1500) == 1);
    CHECK(s_wait_notice(s, id, "escalated", "GT", 2 * DAY_MS + 1500) == 1);
    CHECK(s_wait_notice(f[MX], id, "reminder", "GT", 100) == 0); /* only GT's */
    CHECK(s_sql("SELECT count(*) FROM consult_events WHERE consultation = %llu AND country = 'GT'"
                " AND event IN ('reminded', 'deadline', 'escalated')",
              (unsigned long long)id)
        == 4);
    CHECK_RC(enlace_consult_show(f[HN], id, &c), ENLACE_OK);
    t = s_target(c, 1, "GT");
    CHECK(t && !strcmp(t->state, "no-answer") && t->step == 4);
    t = s_target(c, 1, "CA");
    CHECK(t && !strcmp(t->state, "answered") && !strcmp(t->answer, "comments"));
    enlace_consult_destroy(&c);
    /* Round 2, with the revised text; the diff shows what changed. */
    CHECK_RC(enlace_consult_revise(f[HN], id,
                 "Propuesta zqpropuesta1\nArticulo 1: coordinacion\nArticulo 2: plazos de "
                 "zqrevisado dias\n"),
        ENLACE_OK);
    /* An answer meant for round 1 that arrives in round 2 is refused. */
    CHECK_RC(enlace_consult_answer(f[GT], id, 1, "no-objection", NULL), ENLACE_EINVAL);
    CHECK(strstr(enlace_last_error(f[GT]), "round 2") != NULL);
    char out[8192];
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/gt.profile", hub.endpoint,
        hub.hub_public, s_focal[GT].secret, hub.dir);
    CMD(0, out, sizeof out, "%s --profile %s/gt.profile consult show %llu --diff",
        getenv("ENLACE_CLI_BIN"), hub.dir, (unsigned long long)id);
    CHECK(strstr(out, "- Articulo 2: plazos\n") != NULL);
    CHECK(strstr(out, "+ Articulo 2: plazos de zqrevisado dias") != NULL);
    CHECK(strstr(out, "  Articulo 1: coordinacion") != NULL);
    /* Guatemala never saw the Troika's stage: not its answers either. */
    CHECK(strstr(out, "troika:") == NULL && strstr(out, "Falta el articulo") == NULL);
    CMD(0, out, sizeof out, "%s --profile %s/gt.profile consult show %llu --json",
        getenv("ENLACE_CLI_BIN"), hub.dir, (unsigned long long)id);
    CHECK(strstr(out, "\"stage\": 2") != NULL);
    /* Round 2: everyone answers; then the PPT closes with consensus. */
    CHECK_RC(enlace_consult_close(f[HN], id, 1, NULL, "Aprobado"), ENLACE_EINVAL);
    for (int i = 0; i < MEMBERS; i++)
        CHECK_RC(enlace_consult_answer(f[i], id, -1, "no-objection", NULL), ENLACE_OK);
    s_refused_at_every_step(id, 2, 1);
    CHECK_RC(enlace_consult_close(f[HN], id, 1, NULL, "Informe zqinforme: aprobado por consenso"),
        ENLACE_OK);
    CHECK_RC(enlace_consult_answer(f[GT], id, -1, "objection", "tarde"), ENLACE_EINVAL);
    /* Every member receives the report. */
    int reports = 0;
    int64_t end = harness_now_ms() + 1500;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(g2, &d, 50) != ENLACE_OK)
            continue;
        reports += d->consult_step && !strcmp(d->consult_step, "close") && d->consult_id == id;
        enlace_delivery_destroy(&d);
    }
    CHECK(reports >= 1);
    enlace_consult_list_t *list = NULL;
    CHECK_RC(enlace_consult_list(f[GT], 0, &list), ENLACE_OK);
    CHECK(list && list->count == 1 && !strcmp(list->items[0]->outcome, "consensus"));
    enlace_consult_list_destroy(&list);
    /* The observer, subscribed to all of crm, received nothing of it. */
    int observed = 0;
    end = harness_now_ms() + 500;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(o, &d, 50) != ENLACE_OK)
            continue;
        observed += d->consult_step != NULL || d->consult_notice != NULL
            || strstr(d->topic, "consult") != NULL;
        enlace_delivery_destroy(&d);
    }
    CHECK(observed == 0);
    /* Every refusal is in the audit log: five steps each, three times, for
     * both; and the observer's look at the board. */
    CHECK(s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND action LIKE 'consult.%%'"
                " AND outcome LIKE 'refused:%%'",
              obs.fingerprint)
        == 18);
    CHECK(s_sql("SELECT count(*) FROM audit WHERE fingerprint = '%s' AND action LIKE 'consult.%%'"
                " AND outcome LIKE 'refused:%%'",
              mx2.fingerprint)
        == 16);
    /* The ST's statistics: Guatemala did not answer round 1. */
    CMD(0, out, sizeof out, "%s stats %s/data | grep -A14 'answered, %%'", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    CHECK(strstr(out, "GT round 1               0") != NULL);
    CHECK(strstr(out, "GT round 2               100") != NULL);
    CHECK(enlace_bad_signatures(f[HN]) == 0);
out:
    for (int i = 0; i < MEMBERS; i++)
        enlace_close(&f[i]);
    enlace_close(&g2);
    enlace_close(&s);
    enlace_close(&o);
}

/* Opens a consultation the Troika agrees with and advances it; returns its
 * id (0 on failure). */
static uint64_t
s_round1(const char *title)
{
    enlace_client_t *hn = s_connect(&s_focal[HN]), *pa = s_connect(&s_focal[PA]);
    enlace_client_t *cr = s_connect(&s_focal[CR]);
    uint64_t id = 0;
    if (hn && pa && cr && enlace_consult_open(hn, title, "Texto", &id) == ENLACE_OK) {
        CHECK_RC(enlace_consult_answer(pa, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(cr, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(hn, id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_advance(hn, id, NULL), ENLACE_OK);
    }
    CHECK(id != 0);
    enlace_close(&hn);
    enlace_close(&pa);
    enlace_close(&cr);
    return id;
}

/* GT's round-1 deadline in consultation id, from the board. */
static int64_t
s_gt_deadline(uint64_t id)
{
    enlace_client_t *hn = s_connect(&s_focal[HN]);
    enlace_consult_t *c = NULL;
    int64_t deadline = 0;
    if (hn && enlace_consult_show(hn, id, &c) == ENLACE_OK) {
        const enlace_consult_target_t *t = s_target(c, 1, "GT");
        deadline = t ? t->deadline_ms : 0;
    }
    enlace_consult_destroy(&c);
    enlace_close(&hn);
    CHECK(deadline > 0);
    return deadline;
}

static long long
s_gt_events(uint64_t id, const char *detail)
{
    return s_sql("SELECT count(*) FROM consult_events WHERE consultation = %llu AND country = 'GT'"
                 " AND event = 'reminded' AND detail = '%s'",
        (unsigned long long)id, detail);
}

static long long
s_gt_notices(uint64_t id, const char *kind)
{
    /* The hub's notices about GT in this consultation, as stored. */
    return s_sql("SELECT count(*) FROM messages WHERE topic = 'crm/members/consult/notice'"
                 " AND instr(content, 'consultation %llu ') > 0 AND instr(content, '%s') > 0",
        (unsigned long long)id, kind);
}

static void
a_reminder_due_while_the_hub_was_down_is_sent_exactly_once(void)
{
    uint64_t id = s_round1("Reunion extraordinaria");
    if (!id)
        return;
    int64_t deadline = s_gt_deadline(id);
    if (!deadline)
        return;
    int64_t reminder = deadline - 2 * DAY_MS, last_day = deadline - DAY_MS;
    /* Frozen just before the reminder is due, killed after: it was due, and
     * never sent. */
    s_sleep_until(reminder - 600);
    CHECK(s_gt_events(id, "reminder") == 0);
    kill(hub.pid, SIGSTOP);
    s_sleep_until(reminder + 500);
    hub_kill(&hub);
    CHECK(s_gt_events(id, "reminder") == 0);
    hub_start(&hub);
    usleep(900 * 1000);
    CHECK(s_gt_events(id, "reminder") == 1);
    CHECK(s_gt_notices(id, "Reminder: GT") == 1);
    /* Killed just after the last day's reminder committed: not sent again. */
    s_sleep_until(last_day + 700);
    hub_kill(&hub);
    CHECK(s_gt_events(id, "last-day") == 1);
    hub_start(&hub);
    usleep(900 * 1000);
    CHECK(s_gt_events(id, "reminder") == 1);
    CHECK(s_gt_events(id, "last-day") == 1);
    CHECK(s_gt_notices(id, "Reminder, its last day: GT") == 1);
    CHECK(s_gt_notices(id, "Reminder: GT") == 1);
    /* Close it, so the next test's rounds are alone. */
    enlace_client_t *hn = s_connect(&s_focal[HN]);
    if (hn)
        CHECK_RC(enlace_consult_close(hn, id, 0, "sin quorum", "Se cierra"), ENLACE_OK);
    enlace_close(&hn);
}

static void
silence_can_be_counted_as_no_objection(void)
{
    hub_stop(&hub);
    hub.extra[2] = "--consult-silence";
    hub.extra[3] = "no-objection";
    hub_start(&hub);
    uint64_t id = s_round1("Consulta tacita");
    if (!id)
        return;
    int64_t deadline = s_gt_deadline(id);
    s_sleep_until(deadline + 700);
    enlace_client_t *gt = s_connect(&s_focal[GT]);
    enlace_consult_t *c = NULL;
    if (gt && enlace_consult_show(gt, id, &c) == ENLACE_OK) {
        const enlace_consult_target_t *t = s_target(c, 1, "GT");
        CHECK(t && !strcmp(t->state, "no-objection"));
    }
    enlace_consult_destroy(&c);
    if (gt)
        CHECK_RC(enlace_consult_answer(gt, id, -1, "objection", "tarde"), ENLACE_EINVAL);
    enlace_close(&gt);
    /* The round is over for everyone: consensus (no one objected). */
    enlace_client_t *hn = s_connect(&s_focal[HN]);
    if (hn)
        CHECK_RC(enlace_consult_close(hn, id, 1, NULL, "Aprobada por silencio"), ENLACE_OK);
    enlace_close(&hn);
    CHECK(harness_sh("%s verify %s/data >/dev/null", getenv("ENLACE_HUB_BIN"), hub.dir) == 0);
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    hub_init(&hub);
    const char *bin = getenv("ENLACE_HUB_BIN");
    for (int i = 0; i < MEMBERS; i++) {
        char name[16], args[128];
        snprintf(name, sizeof name, "%c%c-focal", s_cc[i][0] + 32, s_cc[i][1] + 32);
        snprintf(args, sizeof args, "--country %s --network crm --role focal", s_cc[i]);
        officer_new(&hub, &s_focal[i], name, args);
    }
    officer_new(&hub, &gt2, "gt-officer", "--country GT --network crm --role officer");
    officer_new(&hub, &mx2, "mx-officer", "--country MX --network crm,consular --role officer");
    officer_new(&hub, &obs, "iom", "--org IOM --role observer");
    officer_new(&hub, &st, "st", "--org ST --role st");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int y = tm.tm_year + 1900;
    harness_sh("%s ppt set %s/data --country PA --year %d >/dev/null", bin, hub.dir, y - 1);
    harness_sh("%s ppt set %s/data --country HN --year %d >/dev/null", bin, hub.dir, y);
    harness_sh("%s ppt set %s/data --country CR --year %d >/dev/null", bin, hub.dir, y + 1);
    harness_sh("%s invite grant %s/data --to IOM --network crm --topics 'crm/#' "
               "--access readwrite --for 1d >/dev/null",
        bin, hub.dir);
    hub.extra[0] = "--business-day";
    hub.extra[1] = "2s";
    hub_start(&hub);
    harness_run("troika_then_two_rounds_then_consensus", troika_then_two_rounds_then_consensus);
    harness_run("a_reminder_due_while_the_hub_was_down_is_sent_exactly_once",
        a_reminder_due_while_the_hub_was_down_is_sent_exactly_once);
    harness_run("silence_can_be_counted_as_no_objection", silence_can_be_counted_as_no_objection);
    hub_cleanup(&hub);
    return harness_finish();
}
