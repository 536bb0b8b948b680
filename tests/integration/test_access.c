/*
 * test_access: the CRM access rules against a real hub. A table of
 * role x network x action (publish, subscribe, history, admin), the TLP
 * delivery matrix, and the rules that depend on time and change: observer
 * invitations (before, during, after expiry, after revocation), removed
 * memberships, administration over the wire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static hub_t hub;
static officer_t mx, mx2, gt, sv, st, adm, unicef, co, hn;

typedef struct {
    const officer_t *who;
    enlace_client_t *c;
} actor_t;

static actor_t actors[16];
static int nactors;

static enlace_client_t *
s_client(const officer_t *o)
{
    for (int i = 0; i < nactors; i++)
        if (actors[i].who == o)
            return actors[i].c;
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, o, &rc, why, sizeof why);
    if (!c) {
        fprintf(stderr, "  connect %s: %s\n", o->name, why);
        harness_fail(__FILE__, __LINE__, "connect");
        return NULL;
    }
    actors[nactors].who = o;
    actors[nactors++].c = c;
    return c;
}

static void
s_close_all(void)
{
    for (int i = 0; i < nactors; i++)
        enlace_close(&actors[i].c);
    nactors = 0;
}

/* Directory administration over the wire as o: the officer list. 0 if
 * allowed, else minus the error. */
static int
s_admin_list(const officer_t *o)
{
    enlace_client_t *c = s_client(o);
    enlace_officer_list_t *list = NULL;
    int rc = enlace_admin_officer_list(c, &list);
    enlace_officer_list_destroy(&list);
    return rc != ENLACE_OK ? -rc : 0;
}

enum { PUB, SUB, HIST, ADMIN };
typedef struct {
    const officer_t *who;
    int action;
    const char *what; /* topic or pattern */
    int allowed;
} row_t;

static void
rules_table(void)
{
    const row_t rows[] = {
        /* member officers: their networks only */
        {&gt, PUB, "consular/case/GT", 1}, {&gt, PUB, "child/case/GT", 0},
        {&gt, PUB, "trafficking/route", 0}, {&gt, SUB, "consular/#", 1}, {&gt, SUB, "child/#", 0},
        {&gt, SUB, "#", 0}, {&gt, SUB, "+/announce", 0}, {&gt, HIST, "consular/#", 1},
        {&gt, HIST, "child/#", 0}, {&gt, ADMIN, "officer", 0},
        {&gt, PUB, "consular/members/closed-session", 1}, {&sv, PUB, "child/unaccompanied/SV", 1},
        {&sv, PUB, "consular/x", 0}, {&mx, PUB, "crm/consultation/1", 1},
        /* the ST: reads everything, posts nowhere without a membership */
        {&st, SUB, "#", 1}, {&st, SUB, "trafficking/#", 1}, {&st, HIST, "#", 1},
        {&st, PUB, "consular/x", 0}, {&st, PUB, "crm/x", 0}, {&st, ADMIN, "officer", 1},
        {&adm, ADMIN, "officer", 1}, {&adm, PUB, "consular/x", 0},
        /* observers: only through an invitation, never members-only topics */
        {&unicef, SUB, "child/#", 1}, {&unicef, SUB, "child/unaccompanied/+", 1},
        {&unicef, SUB, "child/members/#", 0}, {&unicef, SUB, "consular/#", 0},
        {&unicef, HIST, "child/#", 1},
        {&unicef, PUB, "child/statement", 0}, /* read-only invitation */
        {&unicef, ADMIN, "officer", 0}, {&co, SUB, "consular/observers/#", 1},
        {&co, SUB, "consular/#", 0}, /* wider than the invitation */
        {&co, PUB, "consular/observers/statement", 1}, {&co, PUB, "consular/case/1", 0},
        {&co, PUB, "consular/members/x", 0},
        /* the PPT (focal point of the country holding it): announcements */
        {&hn, PUB, "trafficking/announce", 1}, {&hn, PUB, "consular/announce/meeting", 1},
        {&hn, PUB, "trafficking/route", 0}, {&hn, PUB, "crm/announce", 1},
        {&gt, PUB, "trafficking/announce", 0}, /* not the PPT */
    };
    static const char *names[] = {"publish", "subscribe", "history", "admin"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row_t *r = &rows[i];
        enlace_client_t *c = s_client(r->who);
        if (!c)
            continue;
        int rc;
        if (r->action == PUB) {
            rc = enlace_publish(c, r->what, "table", 5, NULL, NULL);
        } else if (r->action == SUB) {
            rc = enlace_subscribe(c, r->what, 0);
            if (rc == ENLACE_OK)
                enlace_unsubscribe(c, r->what);
        } else if (r->action == HIST) {
            enlace_history_query_t q = {.pattern = r->what, .limit = 5};
            enlace_page_t *page = NULL;
            rc = enlace_history(c, &q, &page);
            enlace_page_destroy(&page);
        } else {
            rc = s_admin_list(r->who);
            rc = rc == 0 ? ENLACE_OK : ENLACE_EDENIED;
        }
        int allowed = rc == ENLACE_OK;
        if (allowed != r->allowed) {
            fprintf(stderr, "  row %zu: %s %s %s: %s, expected %s (%s: %s)\n", i, r->who->name,
                names[r->action], r->what, allowed ? "allowed" : "refused",
                r->allowed ? "allowed" : "refused", enlace_strerror(rc), enlace_last_error(c));
            harness_fail(__FILE__, __LINE__, "rules table row");
        } else if (!allowed && rc != ENLACE_EDENIED) {
            fprintf(stderr, "  row %zu: refused with %s, expected 'access denied'\n", i,
                enlace_strerror(rc));
            harness_fail(__FILE__, __LINE__, "refusal code");
        }
    }
    /* Every refusal above from an authenticated officer is audited. */
    char out[1 << 16];
    CMD(0, out, sizeof out, "%s audit %s/data", getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(strstr(out, unicef.fingerprint) && strstr(out, "refused:denied"));
    CHECK(strstr(out, co.fingerprint) != NULL);
}

/* Collects the bodies delivered to c within ms into a ';'-joined string. */
static void
s_collect(enlace_client_t *c, int ms, char *out, size_t cap)
{
    out[0] = '\0';
    int64_t end = harness_now_ms() + ms;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 50) != ENLACE_OK)
            continue;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%.*s;", (int)d->body_len, (const char *)d->body);
        enlace_delivery_destroy(&d);
    }
}

static void
tlp_matrix(void)
{
    const officer_t *listeners[] = {&gt, &mx2, &st, &co};
    enlace_client_t *pub = s_client(&mx);
    /* A fresh pattern: the rules table left durable cursors (and messages)
     * on consular/observers/#. */
    for (int i = 0; i < 4; i++)
        CHECK_RC(enlace_subscribe(s_client(listeners[i]), "consular/observers/tlp/#", 0),
            ENLACE_OK);
    const char *to_gt[] = {gt.fingerprint};
    struct {
        const char *body;
        enlace_tlp_t tlp;
        int to_gt;
    } sends[] = {
        {"clear", ENLACE_TLP_CLEAR, 0},
        {"green", ENLACE_TLP_GREEN, 0},
        {"amber", ENLACE_TLP_AMBER, 0},
        {"strict-gt", ENLACE_TLP_AMBER_STRICT, 1},
        {"strict-own", ENLACE_TLP_AMBER_STRICT, 0},
        {"red-gt", ENLACE_TLP_RED, 1},
    };
    for (size_t i = 0; i < sizeof sends / sizeof sends[0]; i++) {
        enlace_publish_opts_t o = {.tlp = sends[i].tlp,
            .recipients = sends[i].to_gt ? to_gt : NULL,
            .nrecipients = sends[i].to_gt ? 1 : 0};
        CHECK_RC(enlace_publish(pub, "consular/observers/tlp/1", sends[i].body,
                     strlen(sends[i].body), &o, NULL),
            ENLACE_OK);
    }
    const char *want[] = {
        "clear;green;amber;strict-gt;red-gt;", /* gt: member, GT named */
        "clear;green;amber;strict-own;",       /* mx2: member, MX = author's home */
        "clear;green;amber;",                  /* st: live, no RED or STRICT */
        "clear;green;",                        /* co: invited observer */
    };
    for (int i = 0; i < 4; i++) {
        char got[1024];
        s_collect(s_client(listeners[i]), 800, got, sizeof got);
        if (strcmp(got, want[i]) != 0) {
            fprintf(stderr, "  %s received '%s', expected '%s'\n", listeners[i]->name, got,
                want[i]);
            harness_fail(__FILE__, __LINE__, "TLP delivery");
        }
    }
    /* The ST reads RED and AMBER+STRICT from the archive (RED sealed: its
     * own key does not open it, the archive key does); observers still
     * only GREEN and CLEAR. */
    struct {
        const officer_t *who;
        const char *want;
    } hist[] = {
        {&st, "clear;green;amber;strict-gt;strict-own;[sealed];"},
        {&co, "clear;green;"},
    };
    for (int i = 0; i < 2; i++) {
        enlace_history_query_t q = {.pattern = "consular/observers/tlp/#"};
        enlace_page_t *page = NULL;
        CHECK_RC(enlace_history(s_client(hist[i].who), &q, &page), ENLACE_OK);
        char got[1024] = "";
        for (size_t k = 0; k < enlace_page_count(page); k++) {
            const enlace_delivery_t *d = enlace_page_item(page, k);
            size_t n = strlen(got);
            if (d->sealed && d->seal_status != ENLACE_OK)
                snprintf(got + n, sizeof got - n, "[sealed];");
            else
                snprintf(got + n, sizeof got - n, "%.*s;", (int)d->body_len, (const char *)d->body);
        }
        enlace_page_destroy(&page);
        if (strcmp(got, hist[i].want) != 0) {
            fprintf(stderr, "  history of %s: '%s', expected '%s'\n", hist[i].who->name, got,
                hist[i].want);
            harness_fail(__FILE__, __LINE__, "TLP history");
        }
    }
    s_close_all();
}

/* ------------------------------------------------- filtered history */

typedef struct {
    uint64_t seq;
    int64_t stored_ms;
    char author[24], country[8], topic[64];
} hist_item_t;

/* Every page of q (limit items each), into items (at most cap); the count,
 * or -1 if a request failed. */
static int
s_history_all(enlace_client_t *c, enlace_history_query_t q, hist_item_t *items, int cap)
{
    int n = 0;
    for (int pages = 0; pages < 1000; pages++) {
        enlace_page_t *page = NULL;
        if (enlace_history(c, &q, &page) != ENLACE_OK)
            return -1;
        for (size_t k = 0; k < enlace_page_count(page) && n < cap; k++) {
            const enlace_delivery_t *d = enlace_page_item(page, k);
            hist_item_t *it = &items[n++];
            it->seq = d->seq;
            it->stored_ms = d->stored_ms;
            snprintf(it->author, sizeof it->author, "%s", d->author_fingerprint);
            snprintf(it->country, sizeof it->country, "%s", d->author_country);
            snprintf(it->topic, sizeof it->topic, "%s", d->topic);
        }
        int more = enlace_page_more(page);
        q.after_seq = enlace_page_next(page);
        enlace_page_destroy(&page);
        if (!more)
            return n;
    }
    return -1;
}

/* History with a time window, an author, a country or a narrower pattern
 * (which the archive answers from its indexes) returns exactly the
 * unfiltered history of the same reader with the filter applied: the same
 * rows, TLP-restricted ones included or left out as for that reader, in
 * the same order, page by page. */
static void
filtered_history_is_the_unfiltered_history_filtered(void)
{
    enlace_client_t *mxc = s_client(&mx), *gtc = s_client(&gt);
    const char *to_gt[] = {gt.fingerprint};
    static const enlace_tlp_t tlps[] = {ENLACE_TLP_CLEAR, ENLACE_TLP_AMBER, ENLACE_TLP_AMBER_STRICT,
        ENLACE_TLP_RED, ENLACE_TLP_GREEN, ENLACE_TLP_AMBER_STRICT};
    for (int i = 0; i < 36; i++) {
        enlace_tlp_t tlp = tlps[i % 6];
        int named = tlp == ENLACE_TLP_RED || (tlp == ENLACE_TLP_AMBER_STRICT && i % 4 == 2);
        enlace_publish_opts_t o = {.tlp = tlp,
            .recipients = named ? to_gt : NULL,
            .nrecipients = named ? 1 : 0};
        char body[32];
        snprintf(body, sizeof body, "filt-%d", i);
        CHECK_RC(enlace_publish(i % 3 == 1 ? gtc : mxc,
                     i % 2 ? "consular/observers/filt/2" : "consular/observers/filt/1", body,
                     strlen(body), &o, NULL),
            ENLACE_OK);
        if (i % 5 == 4) {
            struct timespec ts = {0, 3 * 1000000L}; /* stored times that differ */
            nanosleep(&ts, NULL);
        }
    }
    const officer_t *readers[] = {&gt, &mx2, &st, &co};
    enum { CAP = 64 };
    static hist_item_t full[CAP], got[CAP], want[CAP];
    for (int r = 0; r < 4; r++) {
        enlace_client_t *c = s_client(readers[r]);
        enlace_history_query_t all = {.pattern = "consular/observers/filt/#", .limit = 4};
        int n = s_history_all(c, all, full, CAP);
        CHECK(n > 0 && n <= 36);
        if (n <= 0)
            continue;
        int64_t t1 = full[n / 4].stored_ms, t2 = full[(3 * n) / 4].stored_ms;
        struct {
            int64_t from, to;
            const char *author, *country, *pattern;
        } qs[] = {
            {t1, t2, NULL, NULL, NULL},
            {t1, 0, NULL, NULL, NULL},
            {0, t2, NULL, NULL, NULL},
            {0, 0, mx.fingerprint, NULL, NULL},
            {0, 0, gt.fingerprint, NULL, NULL},
            {t1, t2, gt.fingerprint, NULL, NULL},
            {0, 0, "AAAA-AAAA-AAAA-AAAA", NULL, NULL},
            {0, 0, NULL, "GT", NULL},
            {t1, 0, mx.fingerprint, NULL, "consular/observers/filt/2"},
            {0, 0, NULL, NULL, "consular/observers/filt/1"},
        };
        for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
            const char *pattern = qs[k].pattern ? qs[k].pattern : all.pattern;
            enlace_history_query_t q = {.pattern = pattern,
                .limit = 3,
                .from_ms = qs[k].from,
                .to_ms = qs[k].to,
                .author = qs[k].author,
                .country = qs[k].country};
            int m = s_history_all(c, q, got, CAP), w = 0;
            for (int i = 0; i < n; i++) {
                const hist_item_t *it = &full[i];
                if ((qs[k].from && it->stored_ms < qs[k].from)
                    || (qs[k].to && it->stored_ms >= qs[k].to)
                    || (qs[k].author && strcmp(it->author, qs[k].author) != 0)
                    || (qs[k].country && strcmp(it->country, qs[k].country) != 0)
                    || (qs[k].pattern && strcmp(it->topic, qs[k].pattern) != 0))
                    continue;
                want[w++] = *it;
            }
            int same = m == w;
            for (int i = 0; same && i < m; i++)
                same = got[i].seq == want[i].seq;
            if (!same) {
                fprintf(stderr, "  %s, query %zu: %d items, expected %d\n", readers[r]->name, k, m,
                    w);
                harness_fail(__FILE__, __LINE__, "filtered history");
            }
        }
    }
    s_close_all();
}

static void
red_reaches_only_the_named_recipient_of_three(void)
{
    officer_t a, b, c;
    officer_new(&hub, &a, "red-a", "--country PA --network trafficking --role officer");
    officer_new(&hub, &b, "red-b", "--country PA --network trafficking --role officer");
    officer_new(&hub, &c, "red-c", "--country NI --network trafficking --role officer");
    const officer_t *l[] = {&a, &b, &c};
    for (int i = 0; i < 3; i++)
        CHECK_RC(enlace_subscribe(s_client(l[i]), "trafficking/#", 0), ENLACE_OK);
    const char *to[] = {b.fingerprint};
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    CHECK_RC(enlace_publish(s_client(&c), "trafficking/victim/1", "only-b", 6, &o, NULL),
        ENLACE_OK);
    char got[3][256];
    for (int i = 0; i < 3; i++)
        s_collect(s_client(l[i]), 600, got[i], sizeof got[i]);
    CHECK(strcmp(got[0], "") == 0);
    CHECK(strcmp(got[1], "only-b;") == 0);
    CHECK(strcmp(got[2], "only-b;") == 0); /* the author sees its own message */
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", hub.dir);
    CHECK(SQL_INT(db,
              "SELECT count(*) FROM messages WHERE topic = 'trafficking/victim/1'"
              " AND tlp = 5")
        == 1); /* and the archive */
    s_close_all();
}

static void
observer_invitation_lifecycle(void)
{
    officer_t iom;
    officer_new(&hub, &iom, "iom", "--org IOM --role observer");
    enlace_client_t *o = s_client(&iom);
    enlace_client_t *pub = s_client(&sv);
    enlace_publish_opts_t green = {.tlp = ENLACE_TLP_GREEN};
    /* before: nothing */
    CHECK_RC(enlace_subscribe(o, "child/#", 0), ENLACE_EDENIED);
    /* during */
    char out[256];
    int status = harness_capture(out, sizeof out,
        "%s invite grant %s/data --to IOM --network child --topics 'child/#' --access read "
        "--for 3s 2>/dev/null",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(status == 0);
    int inv = atoi(out);
    CHECK(inv > 0);
    usleep(400000); /* the hub reloads its directory within 250 ms */
    CHECK_RC(enlace_subscribe(o, "child/#", 0), ENLACE_OK);
    CHECK_RC(enlace_publish(o, "child/statement", "x", 1, NULL, NULL), ENLACE_EDENIED);
    CHECK_RC(enlace_publish(pub, "child/report", "during", 6, &green, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(pub, "child/members/closed", "members", 7, &green, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(pub, "child/report", "amber", 5, NULL, NULL), ENLACE_OK);
    char got[256];
    s_collect(o, 600, got, sizeof got);
    CHECK(strcmp(got, "during;") == 0);
    /* after expiry: still subscribed, but nothing is delivered */
    usleep(3000000);
    CHECK_RC(enlace_publish(pub, "child/report", "after-expiry", 12, &green, NULL), ENLACE_OK);
    s_collect(o, 600, got, sizeof got);
    CHECK(strcmp(got, "") == 0);
    CHECK_RC(enlace_subscribe(o, "child/other/#", 0), ENLACE_EDENIED);
    /* a new invitation, then revoked */
    status = harness_capture(out, sizeof out,
        "%s invite grant %s/data --to IOM --network child --topics 'child/#' --access read "
        "--for 1h 2>/dev/null",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(status == 0);
    inv = atoi(out);
    CHECK(inv > 0);
    usleep(400000);
    CHECK_RC(enlace_publish(pub, "child/report", "renewed", 7, &green, NULL), ENLACE_OK);
    s_collect(o, 600, got, sizeof got);
    CHECK(strcmp(got, "renewed;") == 0);
    CHECK(
        harness_sh("%s invite revoke %s/data %d >/dev/null", getenv("ENLACE_HUB_BIN"), hub.dir, inv)
        == 0);
    usleep(400000);
    CHECK_RC(enlace_publish(pub, "child/report", "after-revoke", 12, &green, NULL), ENLACE_OK);
    s_collect(o, 600, got, sizeof got);
    CHECK(strcmp(got, "") == 0);
    s_close_all();
}

static void
removed_membership_stops_deliveries_at_once(void)
{
    officer_t leaver;
    officer_new(&hub, &leaver, "leaver", "--country BZ --network consular --role officer");
    enlace_client_t *l = s_client(&leaver);
    enlace_client_t *pub = s_client(&mx);
    CHECK_RC(enlace_subscribe(l, "consular/leave/#", 0), ENLACE_OK);
    CHECK_RC(enlace_publish(pub, "consular/leave/1", "before", 6, NULL, NULL), ENLACE_OK);
    char got[256];
    s_collect(l, 500, got, sizeof got);
    CHECK(strcmp(got, "before;") == 0);
    /* over the wire, by the ST: takes effect at once */
    char out[1024];
    char fpopt[64];
    snprintf(fpopt, sizeof fpopt, "%s", leaver.fingerprint);
    enlace_client_t *stc = s_client(&st);
    CHECK_RC(enlace_admin_officer_leave(stc, fpopt, "consular", NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(pub, "consular/leave/2", "after", 5, NULL, NULL), ENLACE_OK);
    s_collect(l, 600, got, sizeof got);
    CHECK(strcmp(got, "") == 0);
    CMD(0, out, sizeof out, "%s audit %s/data | grep membership.remove", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    CHECK(strstr(out, "membership.remove") != NULL);
    CHECK(strstr(out, st.fingerprint) != NULL); /* the actor is recorded */
    s_close_all();
}

static void
st_administers_over_the_wire(void)
{
    officer_t newbie;
    officer_keys_only(&hub, &newbie, "newbie");
    char out[4096];
    /* the CLI reads the key file and sends the key */
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/st.profile", hub.endpoint,
        hub.hub_public, st.secret, hub.dir);
    int rc = harness_capture(out, sizeof out,
        "%s --profile %s/st.profile admin officer add --key %s --country PA --network child "
        "--role focal --name 'Nueva Punto Focal' 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir, newbie.public_);
    CHECK(rc == 0);
    CHECK(strstr(out, newbie.fingerprint) != NULL);
    /* usable at once */
    int crc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &newbie, &crc, why, sizeof why);
    CHECK(c != NULL);
    if (c)
        CHECK_RC(enlace_subscribe(c, "child/#", 0), ENLACE_OK);
    /* revoked over the wire: the live session is cut */
    rc = harness_capture(out, sizeof out,
        "%s --profile %s/st.profile admin officer revoke --fingerprint %s 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir, newbie.fingerprint);
    CHECK(rc == 0);
    if (c) {
        /* Told without sending anything: the hub closes it by itself.
         * test_messaging measures how long that takes; 10 s only bounds
         * the wait. */
        enlace_delivery_t *d = NULL;
        int64_t t0 = harness_now_ms();
        CHECK_RC(enlace_recv(c, &d, 10000), ENLACE_EREVOKED);
        fprintf(stderr, "  the revoked session was closed %lld ms after the revocation\n",
            (long long)(harness_now_ms() - t0));
        enlace_delivery_destroy(&d);
        enlace_close(&c);
    }
    /* the PPT and invitations over the wire; the audit readable by the ST */
    rc = harness_capture(out, sizeof out, "%s --profile %s/st.profile admin ppt show 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(rc == 0 && strstr(out, "current") && strstr(out, "HN"));
    rc = harness_capture(out, sizeof out,
        "%s --profile %s/st.profile admin audit 2>&1 | grep key.revoke", getenv("ENLACE_CLI_BIN"),
        hub.dir);
    CHECK(rc == 0 && strstr(out, "key.revoke") && strstr(out, st.fingerprint));
    /* the hub's status, over the wire (issue 7) */
    rc = harness_capture(out, sizeof out,
        "%s --profile %s/st.profile admin status --json 2>&1 | python3 -c 'import json,sys;"
        " r=json.load(sys.stdin); h=r[\"hub\"];"
        " print(r[\"running\"], h[\"sessions\"] >= 1,"
        " h[\"connected\"][\"by_organisation\"].get(\"ST\", 0) >= 1)'",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    /* the asking ST counts itself: the snapshot is fresh, not 2 s old */
    CHECK(rc == 0 && strncmp(out, "True True True", 14) == 0);
    /* a non-ST officer is refused, and that is audited */
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/gt.profile", hub.endpoint,
        hub.hub_public, gt.secret, hub.dir);
    CMD(1, out, sizeof out, "%s --profile %s/gt.profile admin officer list 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, "Technical Secretariat"));
    CMD(1, out, sizeof out, "%s --profile %s/gt.profile admin status 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    CHECK(strstr(out, "Technical Secretariat"));
}

static void
officer_holds_several_keys_with_validity(void)
{
    const char *bin = getenv("ENLACE_HUB_BIN");
    officer_t now_key, later_key, short_key;
    officer_keys_only(&hub, &now_key, "gt-second");
    officer_keys_only(&hub, &later_key, "gt-later");
    officer_keys_only(&hub, &short_key, "gt-short");
    time_t t = time(NULL);
    char later[32], soon[32];
    struct tm tm;
    time_t tl = t + 86400, ts = t + 3;
    gmtime_r(&tl, &tm);
    strftime(later, sizeof later, "%Y-%m-%dT%H:%M:%SZ", &tm);
    gmtime_r(&ts, &tm);
    strftime(soon, sizeof soon, "%Y-%m-%dT%H:%M:%SZ", &tm);
    CHECK(harness_sh("%s officer key %s/data --fingerprint %s --key %s >/dev/null", bin, hub.dir,
              gt.fingerprint, now_key.public_)
        == 0);
    CHECK(harness_sh("%s officer key %s/data --fingerprint %s --key %s --from %s >/dev/null", bin,
              hub.dir, gt.fingerprint, later_key.public_, later)
        == 0);
    CHECK(harness_sh("%s officer key %s/data --fingerprint %s --key %s --until %s >/dev/null", bin,
              hub.dir, gt.fingerprint, short_key.public_, soon)
        == 0);
    /* the same key cannot belong to two officers */
    CMD(1, NULL, 0, "%s officer key %s/data --fingerprint %s --key %s 2>&1", bin, hub.dir,
        mx.fingerprint, now_key.public_);
    usleep(400000);
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &now_key, &rc, why, sizeof why);
    CHECK(c != NULL);
    if (c) {
        CHECK(strcmp(enlace_self_name(c), "gt") == 0); /* the same officer */
        CHECK_RC(enlace_subscribe(c, "consular/#", 0), ENLACE_OK);
        enlace_close(&c);
    }
    c = client_connect(&hub, &later_key, &rc, why, sizeof why);
    CHECK(c == NULL);
    CHECK_RC(rc, ENLACE_EAUTH);
    c = client_connect(&hub, &short_key, &rc, why, sizeof why);
    CHECK(c != NULL);
    if (c) {
        usleep(3500000); /* past its validity: refused on the next frame */
        CHECK_RC(enlace_ping(c), ENLACE_EREVOKED);
        enlace_close(&c);
    }
}

int
main(void)
{
    hub_init(&hub);
    const char *bin = getenv("ENLACE_HUB_BIN");
    officer_new(&hub, &mx, "mx", "--country MX --network consular,crm --role focal");
    officer_new(&hub, &mx2, "mx2", "--country MX --network consular --role officer");
    officer_new(&hub, &gt, "gt", "--country GT --network consular --role officer");
    officer_new(&hub, &sv, "sv", "--country SV --network child --role officer");
    officer_new(&hub, &st, "st", "--org ST --role st");
    officer_new(&hub, &adm, "adm", "--org ST --role admin");
    officer_new(&hub, &unicef, "unicef", "--org UNICEF --role observer");
    officer_new(&hub, &co, "co", "--country CO --role observer");
    officer_new(&hub, &hn, "hn", "--country HN --network child --role focal");
    CMD(0, NULL, 0, "%s ppt set %s/data --country HN 2>&1", bin, hub.dir);
    CMD(0, NULL, 0,
        "%s invite grant %s/data --to UNICEF --network child --topics 'child/#' "
        "--access read --for 1h 2>&1",
        bin, hub.dir);
    CMD(0, NULL, 0,
        "%s invite grant %s/data --to CO --network consular --topics "
        "'consular/observers/#' --access readwrite --for 1h 2>&1",
        bin, hub.dir);
    /* refused grants: members need none; unknown network; pattern outside it */
    CMD(1, NULL, 0,
        "%s invite grant %s/data --to MX --network child --topics 'child/#' "
        "--access read --for 1h 2>&1",
        bin, hub.dir);
    CMD(1, NULL, 0,
        "%s invite grant %s/data --to UNICEF --network child --topics 'consular/#' "
        "--access read --for 1h 2>&1",
        bin, hub.dir);
    hub_start(&hub);
    harness_run("rules_table", rules_table);
    s_close_all();
    harness_run("tlp_matrix", tlp_matrix);
    harness_run("filtered_history_is_the_unfiltered_history_filtered",
        filtered_history_is_the_unfiltered_history_filtered);
    harness_run("red_reaches_only_the_named_recipient_of_three",
        red_reaches_only_the_named_recipient_of_three);
    harness_run("observer_invitation_lifecycle", observer_invitation_lifecycle);
    harness_run("removed_membership_stops_deliveries_at_once",
        removed_membership_stops_deliveries_at_once);
    harness_run("st_administers_over_the_wire", st_administers_over_the_wire);
    s_close_all();
    harness_run("officer_holds_several_keys_with_validity",
        officer_holds_several_keys_with_validity);
    s_close_all();
    hub_cleanup(&hub);
    return harness_finish();
}
