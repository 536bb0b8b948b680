/*
 * test_disclosure: the disclosure matrix, generated from the README's table
 * ("What each reader sees"), checked on every output path of a real hub.
 *
 * Mexico's focal point publishes, in the consular network, one message per
 * column of the table (an urgent alert where the label allows one; four for
 * the handling codes), all attached to one case whose form is RED to a
 * Guatemalan officer, and relabels one. Each message carries unique words in
 * its body, headline, translation and form. Eleven readers, one per row,
 * hold raw connections whose every received byte is kept. For each reader
 * and message the test derives what the cell allows on each path (live
 * delivery, alert pushes at publish and at Hello, escalation notices,
 * history, search with its cursor, case show/list/approve/close, the alert
 * board, CAP, relabel, release request, forward, statistics) and checks it;
 * then it looks for every word the reader may not see in every byte the
 * reader received. The PPT opens two consultations, one left with the
 * Troika (last year's PPT, Mexico, and this year's, Honduras) and one taken
 * to round 1 and left silent (business days of 1 s), with unique words in
 * their titles and texts; their paths (list, show with its texts and
 * board, live delivery and pushes, history, search, reminders) are the
 * table's last two columns.
 *
 * Sealed content (PROTOCOL.md 6: every RED column, and "AMBER, sealed to a
 * GT officer", sent with --seal): the hub carries the envelope and the
 * ciphertext, so no reader's bytes ever hold a sealed message's words, its
 * CAP has no headline and search finds it for nobody; whether a reader's
 * own key opens what the hub gave it ("all") or not ("sealed", "archive")
 * is checked by opening each sealed message from its history with the
 * reader's key, and the ST's archive key opens every one.
 *
 * Regression tests for the leaks of issue "Close every side door" follow,
 * one per leak, named for the behaviour.
 */
#include <stdarg.h>
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
#include "seal.h"

/* ------------------------------------------------------------- the table */

enum {
    R_AUTHOR,
    R_MX,
    R_GT_FOCAL,
    R_GT,
    R_CR,
    R_PPT,
    R_ST,
    R_OBS_READ,
    R_OBS_RW,
    R_OBS_NONE,
    R_REVOKED,
    NREADERS
};

static const char *s_reader_names[NREADERS] = {
    [R_AUTHOR] = "author (MX focal point)",
    [R_MX] = "MX officer",
    [R_GT_FOCAL] = "GT focal point",
    [R_GT] = "GT officer",
    [R_CR] = "CR officer",
    [R_PPT] = "PPT (HN focal point, outside the network)",
    [R_ST] = "ST",
    [R_OBS_READ] = "observer, invited to read",
    [R_OBS_RW] = "observer, invited to read and write",
    [R_OBS_NONE] = "observer, not invited",
    [R_REVOKED] = "revoked key",
};

enum {
    C_CLEAR,
    C_GREEN,
    C_PERSONAL,
    C_AMBER,
    C_HANDLING,
    C_STRICT,
    C_STRICT_GT,
    C_RED_GT,
    C_RED_OBS,
    C_RELABEL,
    C_SEALED_GT,
    C_CONSULT_TROIKA,
    C_CONSULT_ROUND,
    NCOLS
};

static const char *s_col_names[NCOLS] = {
    [C_CLEAR] = "CLEAR",
    [C_GREEN] = "GREEN",
    [C_PERSONAL] = "GREEN, personal data",
    [C_AMBER] = "AMBER",
    [C_HANDLING] = "AMBER, H0 to H3",
    [C_STRICT] = "AMBER+STRICT",
    [C_STRICT_GT] = "AMBER+STRICT to a GT officer",
    [C_RED_GT] = "RED to a GT officer",
    [C_RED_OBS] = "RED to an invited observer",
    [C_RELABEL] = "AMBER+STRICT, relabelled AMBER",
    [C_SEALED_GT] = "AMBER, sealed to a GT officer",
    [C_CONSULT_TROIKA] = "consultation with the Troika",
    [C_CONSULT_ROUND] = "consultation in round 1",
};

/* The columns whose messages are sealed: RED always is. */
static int
s_sealed_col(int col)
{
    return col == C_RED_GT || col == C_RED_OBS || col == C_SEALED_GT;
}

typedef enum { V_NONE, V_ENVELOPE, V_ARCHIVE, V_SEALED, V_ALL } vis_t;

static vis_t s_table[NREADERS][NCOLS];

/* Splits a Markdown table row "| a | b |" into trimmed cells. */
static int
s_cells(char *line, char **cells, int cap)
{
    int n = 0;
    char *p = strchr(line, '|');
    while (p && n < cap) {
        char *start = p + 1, *end = strchr(start, '|');
        if (!end)
            break;
        *end = '\0';
        while (*start == ' ')
            start++;
        char *e = start + strlen(start);
        while (e > start && e[-1] == ' ')
            *--e = '\0';
        cells[n++] = start;
        p = end;
    }
    return n;
}

static int
s_vis(const char *cell, vis_t *v)
{
    if (!strcmp(cell, "all"))
        *v = V_ALL;
    else if (!strcmp(cell, "archive"))
        *v = V_ARCHIVE;
    else if (!strcmp(cell, "sealed"))
        *v = V_SEALED;
    else if (!strcmp(cell, "envelope"))
        *v = V_ENVELOPE;
    else if (!strcmp(cell, "—") || !strcmp(cell, "-"))
        *v = V_NONE;
    else
        return -1;
    return 0;
}

/* Reads the table under <!-- disclosure-table --> in README.md. */
static int
s_read_table(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/README.md", getenv("ENLACE_SOURCE_ROOT"));
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "  cannot read %s\n", path);
        return -1;
    }
    char line[2048];
    int state = 0, rows = 0, seen[NREADERS] = {0};
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (state == 0) {
            state = strstr(line, "<!-- disclosure-table -->") ? 1 : 0;
            continue;
        }
        if (line[0] != '|')
            break;
        char *cells[NCOLS + 2];
        int n = s_cells(line, cells, NCOLS + 2);
        if (state == 1) { /* the header */
            for (int c = 0; c < NCOLS; c++)
                if (n != NCOLS + 1 || strcmp(cells[c + 1], s_col_names[c]) != 0) {
                    fprintf(stderr, "  README table: column %d is not \"%s\"\n", c + 1,
                        s_col_names[c]);
                    fclose(f);
                    return -1;
                }
            state = 2;
            continue;
        }
        if (state == 2) { /* |---|---| */
            state = 3;
            continue;
        }
        int r = -1;
        for (int i = 0; i < NREADERS; i++)
            if (n > 0 && !strcmp(cells[0], s_reader_names[i]))
                r = i;
        if (r < 0 || n != NCOLS + 1) {
            fprintf(stderr, "  README table: unknown row \"%s\"\n", n ? cells[0] : line);
            fclose(f);
            return -1;
        }
        for (int c = 0; c < NCOLS; c++)
            if (s_vis(cells[c + 1], &s_table[r][c]) != 0) {
                fprintf(stderr, "  README table: \"%s\" in row %s\n", cells[c + 1],
                    s_reader_names[r]);
                fclose(f);
                return -1;
            }
        seen[r] = 1;
        rows++;
    }
    fclose(f);
    for (int r = 0; r < NREADERS; r++)
        if (!seen[r]) {
            fprintf(stderr, "  README table: no row for \"%s\"\n", s_reader_names[r]);
            return -1;
        }
    return rows == NREADERS ? 0 : -1;
}

/* 1 if word occurs in the n bytes at p (memmem is a GNU extension). */
static int
s_contains(const uint8_t *p, size_t n, const char *word, size_t len)
{
    if (!p || len == 0 || n < len)
        return 0;
    for (size_t i = 0; i + len <= n; i++)
        if (p[i] == (uint8_t)word[0] && !memcmp(p + i, word, len))
            return 1;
    return 0;
}

/* ------------------------------------------------------------- the hub */

static hub_t hub;
static officer_t s_off[NREADERS];
static officer_t s_archive; /* the ST's archive key: every sealed message opens with it */

/* ------------------------------------------------------------- messages */

enum { PART_BODY, PART_HEAD, PART_TRANS, PART_FORM, NPARTS };

typedef struct {
    int col;
    uint64_t seq;
    int is_alert;
    int concerns_gt, concerns_mx;
    char mark[NPARTS][24]; /* "" where the message has no such part */
} msg_t;

#define MAX_MSGS 24
static msg_t s_msgs[MAX_MSGS];
static int s_nmsgs;
static uint64_t s_case_id;
static char s_case_title_mark[24];
static int s_form_msg = -1; /* index of the case's form message */

static void
s_new_mark(char *out, char part, int idx)
{
    static const char letters[] = "bcdfghjklmnpqrstvwxz";
    char r[7];
    for (int i = 0; i < 6; i++)
        r[i] = letters[randombytes_uniform(sizeof letters - 1)];
    r[6] = '\0';
    snprintf(out, 24, "zq%s%c%d", r, part, idx);
}

static const msg_t *
s_msg_of_seq(uint64_t seq)
{
    for (int i = 0; i < s_nmsgs; i++)
        if (s_msgs[i].seq == seq)
            return &s_msgs[i];
    return NULL;
}

/* What reader r may see of message m, by the table; the relabelled column
 * was AMBER+STRICT until the relabel (phase 1 deliveries came before it). */
static vis_t
s_cell(int r, const msg_t *m)
{
    return s_table[r][m->col];
}

static vis_t
s_cell_before_relabel(int r, const msg_t *m)
{
    return s_table[r][m->col == C_RELABEL ? C_STRICT : m->col];
}

/* What the hub gives the reader: the message (sealed or not) on every
 * path that reads the archive. */
static int
s_archive_visible(int r, const msg_t *m)
{
    vis_t v = s_cell(r, m);
    return v == V_ALL || v == V_SEALED || v == V_ARCHIVE;
}

/* Delivered live: "sealed" is delivered like "all", its key just does not
 * open it. */
static int
s_live(vis_t v)
{
    return v == V_ALL || v == V_SEALED;
}

/* ------------------------------------------------------------- readers */

typedef struct {
    uint64_t seq;
    int oob;
    int phase;
} del_t;

typedef struct {
    uint64_t seq; /* the notice's own sequence number */
    uint64_t alert_seq;
    int level;
    char body[700];
} note_t;

typedef struct {
    uint64_t seq; /* the notice's own sequence number */
    uint64_t consultation;
    char kind[16];
} cnote_t;

typedef struct {
    int id;          /* R_* */
    rawclient_t *rc; /* the current connection, or NULL */
    uint8_t *bytes;  /* every byte received on every connection; owned */
    size_t nbytes, cap;
    del_t del[1024];
    int ndel;
    note_t notes[128];
    int nnotes;
    cnote_t cnotes[128]; /* the hub's consultation notices received */
    int ncnotes;
    int phase;
} reader_t;

static reader_t s_readers[NREADERS];

static void
s_tap(const uint8_t *data, size_t len, void *arg)
{
    reader_t *r = arg;
    if (r->nbytes + len + 1 > r->cap) {
        size_t cap = (r->nbytes + len + 1) * 2;
        uint8_t *grown = realloc(r->bytes, cap);
        if (!grown)
            return;
        r->bytes = grown;
        r->cap = cap;
    }
    memcpy(r->bytes + r->nbytes, data, len);
    r->nbytes += len;
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, data);
    if (f && f->body_case == ENLACE__FRAME__BODY_DELIVERY) {
        Enlace__Content *c = enlace__content__unpack(NULL, f->delivery->content.len,
            f->delivery->content.data);
        int again = 0; /* a notice comes out of band and, if subscribed, in band too */
        for (int k = 0; c && c->escalation && k < r->nnotes; k++)
            again |= r->notes[k].seq == f->delivery->seq;
        for (int k = 0; c && c->consult_notice && k < r->ncnotes; k++)
            again |= r->cnotes[k].seq == f->delivery->seq;
        if (c && c->consult_notice) {
            if (!again && r->ncnotes < 128) {
                cnote_t *n = &r->cnotes[r->ncnotes++];
                n->seq = f->delivery->seq;
                n->consultation = c->consult_notice->consultation;
                snprintf(n->kind, sizeof n->kind, "%s", c->consult_notice->kind);
            }
        } else if (c && c->escalation && !again && r->nnotes < 128) {
            note_t *n = &r->notes[r->nnotes++];
            n->seq = f->delivery->seq;
            n->alert_seq = c->escalation->alert_seq;
            n->level = (int)c->escalation->level;
            snprintf(n->body, sizeof n->body, "%.*s", (int)c->body.len,
                c->body.len ? (const char *)c->body.data : "");
        } else if (c && !c->escalation && r->ndel < 1024) {
            r->del[r->ndel++] = (del_t){.seq = f->delivery->seq,
                .oob = f->delivery->out_of_band,
                .phase = r->phase};
        }
        enlace__content__free_unpacked(c, NULL);
    }
    enlace__frame__free_unpacked(f, NULL);
}

static int
s_connect_reader(reader_t *r)
{
    rawclient_opts_t o = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = s_off[r->id].secret};
    char why[256];
    r->rc = rawclient_new(&o, why, sizeof why);
    if (!r->rc) {
        fprintf(stderr, "  %s: %s\n", s_reader_names[r->id], why);
        return -1;
    }
    rawclient_set_tap(r->rc, s_tap, r);
    int code = 0;
    if (rawclient_hello(r->rc, 3000, &code) != 0) {
        rawclient_destroy(&r->rc);
        return -1;
    }
    return 0;
}

/* Sends req with a fresh id; returns the reply (caller frees) or NULL. */
static Enlace__Frame *
s_ask(reader_t *r, Enlace__Frame *req)
{
    if (!r->rc)
        return NULL;
    req->version = 1;
    req->request_id = rawclient_next_id(r->rc);
    if (rawclient_send_frame(r->rc, req) != 0)
        return NULL;
    return rawclient_await(r->rc, req->request_id, 5000);
}

/* Keeps receiving for ms on every connected reader. */
static void
s_pump(int ms)
{
    int64_t end = harness_now_ms() + ms;
    do {
        for (int i = 0; i < NREADERS; i++) {
            Enlace__Frame *f;
            while (s_readers[i].rc && (f = rawclient_recv(s_readers[i].rc, 0)) != NULL)
                enlace__frame__free_unpacked(f, NULL);
        }
        usleep(10000);
    } while (harness_now_ms() < end);
}

static int
s_is_error(const Enlace__Frame *f)
{
    return f && f->body_case == ENLACE__FRAME__BODY_ERROR;
}

/* 1 if both replies are the same error (code and text). */
static int
s_same_error(const Enlace__Frame *a, const Enlace__Frame *b)
{
    return s_is_error(a) && s_is_error(b) && a->error->code == b->error->code
        && !strcmp(a->error->message, b->error->message);
}

static int
s_subscribe(reader_t *r, const char *pattern, int from_start)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
    sub.pattern.data = (uint8_t *)pattern;
    sub.pattern.len = strlen(pattern);
    sub.from_start = from_start;
    req.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
    req.subscribe = &sub;
    Enlace__Frame *f = s_ask(r, &req);
    int ok = f && f->body_case == ENLACE__FRAME__BODY_SUBSCRIBED;
    enlace__frame__free_unpacked(f, NULL);
    return ok;
}

/* ------------------------------------------------------------- publishing */

static const char *
s_fp(int r)
{
    return s_off[r].fingerprint;
}

static void
s_publish(enlace_client_t *a, int col, int as_alert, int tlp, const char *to, int personal,
    const char *handling, const char *countries)
{
    msg_t *m = &s_msgs[s_nmsgs];
    int idx = s_nmsgs;
    memset(m, 0, sizeof *m);
    m->col = col;
    s_new_mark(m->mark[PART_BODY], 'b', idx);
    char body[128], topic[64];
    snprintf(body, sizeof body, "Texto %s fin", m->mark[PART_BODY]);
    snprintf(topic, sizeof topic, "consular/dm/%d", idx);
    const char *rcpt[1] = {to};
    enlace_publish_opts_t o = {.tlp = (enlace_tlp_t)tlp,
        .recipients = to ? rcpt : NULL,
        .nrecipients = to ? 1 : 0,
        .personal_data = personal,
        .handling = handling,
        .handling_text = handling && !strcmp(handling, "H3") ? "solo para el consulado" : NULL,
        .case_id = as_alert ? s_case_id : 0,
        .seal = s_sealed_col(col)};
    enlace_alert_t al;
    char head[64], trh[64];
    const char *cc[2];
    if (as_alert) {
        m->is_alert = 1;
        s_new_mark(m->mark[PART_HEAD], 'h', idx);
        s_new_mark(m->mark[PART_TRANS], 't', idx);
        snprintf(head, sizeof head, "Alerta %s", m->mark[PART_HEAD]);
        snprintf(trh, sizeof trh, "Alert %s", m->mark[PART_TRANS]);
        size_t n = 0;
        if (strstr(countries, "MX")) {
            cc[n++] = "MX";
            m->concerns_mx = 1;
        }
        if (strstr(countries, "GT")) {
            cc[n++] = "GT";
            m->concerns_gt = 1;
        }
        al = (enlace_alert_t){.priority = "urgent",
            .category = "death",
            .countries = cc,
            .ncountries = n,
            .headline = head,
            .translation_language = "en",
            .translation_headline = trh,
            .translation_description = trh};
        o.alert = &al;
    }
    int rc = enlace_publish(a, topic, body, strlen(body), &o, &m->seq);
    if (rc != ENLACE_OK)
        fprintf(stderr, "  publish %s: %s\n", s_col_names[col], enlace_last_error(a));
    CHECK_RC(rc, ENLACE_OK);
    s_nmsgs++;
}

/* A case form of type with fields given as name, value, ..., NULL. */
static enlace_form_t *
s_form(const char *type, ...)
{
    enlace_form_t *form = NULL;
    char why[256];
    if (enlace_form_new(type, &form, why, sizeof why) != ENLACE_OK) {
        fprintf(stderr, "  form: %s\n", why);
        harness_fail(__FILE__, __LINE__, "form");
        return NULL;
    }
    va_list ap;
    va_start(ap, type);
    for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
        const char *value = va_arg(ap, const char *);
        if (enlace_form_set(form, name, value, why, sizeof why) != ENLACE_OK) {
            fprintf(stderr, "  form: %s\n", why);
            harness_fail(__FILE__, __LINE__, "form field");
        }
    }
    va_end(ap);
    return form;
}

/* The case, with its form RED to the GT officer, opened by the author over
 * a raw connection (CaseOpen names the form message). */
static void
s_open_case(enlace_client_t *a)
{
    msg_t *m = &s_msgs[s_nmsgs];
    int idx = s_nmsgs;
    memset(m, 0, sizeof *m);
    m->col = C_RED_GT;
    s_new_mark(m->mark[PART_BODY], 'b', idx);
    s_new_mark(m->mark[PART_FORM], 'f', idx);
    char body[64];
    snprintf(body, sizeof body, "Formulario %s", m->mark[PART_BODY]);
    enlace_form_t *form = s_form("death", "deceased_name", m->mark[PART_FORM], "nationality", "GT",
        "date_of_death", "2026-11-20", "place_of_death", "Tapachula", NULL);
    const char *rcpt[1] = {s_fp(R_GT)};
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_RED,
        .recipients = rcpt,
        .nrecipients = 1,
        .form = form};
    CHECK_RC(enlace_publish(a, "consular/dm/form", body, strlen(body), &o, &m->seq), ENLACE_OK);
    enlace_form_destroy(&form);
    s_form_msg = idx;
    s_nmsgs++;
    s_new_mark(s_case_title_mark, 'c', 0);
    char title[64];
    snprintf(title, sizeof title, "Caso %s", s_case_title_mark);
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseOpen q = ENLACE__CASE_OPEN__INIT;
    char *countries[] = {"MX", "GT"};
    q.type = "death";
    q.countries = countries;
    q.n_countries = 2;
    q.title = title;
    q.form_seq = m->seq;
    req.body_case = ENLACE__FRAME__BODY_CASE_OPEN;
    req.case_open = &q;
    Enlace__Frame *f = s_ask(&s_readers[R_AUTHOR], &req);
    CHECK(f && f->body_case == ENLACE__FRAME__BODY_CASE_INFO);
    if (f && f->body_case == ENLACE__FRAME__BODY_CASE_INFO)
        s_case_id = f->case_info->id;
    enlace__frame__free_unpacked(f, NULL);
}

/* ------------------------------------------------------------- checks */

static int s_cells_checked;

#define CELL(cond, r, m, path) \
    do { \
        s_cells_checked++; \
        if (!(cond)) { \
            fprintf(stderr, "  %s / %s / %s: %s\n", s_reader_names[r], s_col_names[(m)->col], \
                path, #cond); \
            harness_fail(__FILE__, __LINE__, "disclosure cell"); \
        } \
    } while (0)

static int
s_delivered(const reader_t *r, uint64_t seq, int oob, int phase)
{
    for (int i = 0; i < r->ndel; i++)
        if (r->del[i].seq == seq && r->del[i].oob == oob && (phase < 0 || r->del[i].phase == phase))
            return 1;
    return 0;
}

/* History of consular/dm/# (every page): which matrix messages came back. */
static void
s_history_set(reader_t *r, int *got, const char *author, uint64_t *cursor, int *more)
{
    memset(got, 0, sizeof(int) * MAX_MSGS);
    uint64_t after = 0;
    for (int round = 0; round < 50; round++) {
        Enlace__Frame req = ENLACE__FRAME__INIT;
        Enlace__History h = ENLACE__HISTORY__INIT;
        h.pattern.data = (uint8_t *)"consular/dm/#";
        h.pattern.len = strlen("consular/dm/#");
        h.after_seq = after;
        h.limit = 500;
        h.author = (char *)(author ? author : "");
        req.body_case = ENLACE__FRAME__BODY_HISTORY;
        req.history = &h;
        Enlace__Frame *f = s_ask(r, &req);
        if (!f || f->body_case != ENLACE__FRAME__BODY_HISTORY_PAGE) {
            enlace__frame__free_unpacked(f, NULL);
            return;
        }
        for (size_t i = 0; i < f->history_page->n_messages; i++) {
            const msg_t *m = s_msg_of_seq(f->history_page->messages[i]->seq);
            if (m)
                got[m - s_msgs] = 1;
        }
        if (cursor && round == 0) {
            *cursor = f->history_page->next_after;
            *more = f->history_page->more;
        }
        int go_on = f->history_page->more && f->history_page->next_after > after;
        after = f->history_page->next_after;
        enlace__frame__free_unpacked(f, NULL);
        if (!go_on)
            return;
    }
}

static Enlace__Frame *
s_search(reader_t *r, const char *words)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Search q = ENLACE__SEARCH__INIT;
    q.query = (char *)words;
    q.limit = 100;
    req.body_case = ENLACE__FRAME__BODY_SEARCH;
    req.search = &q;
    return s_ask(r, &req);
}

static int
s_page_has(const Enlace__Frame *f, uint64_t seq)
{
    if (!f || f->body_case != ENLACE__FRAME__BODY_HISTORY_PAGE)
        return 0;
    for (size_t i = 0; i < f->history_page->n_messages; i++)
        if (f->history_page->messages[i]->seq == seq)
            return 1;
    return 0;
}

static Enlace__Frame *
s_case_req(reader_t *r, int which, uint64_t case_id, int open)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CaseShow show = ENLACE__CASE_SHOW__INIT;
    Enlace__CaseApprove approve = ENLACE__CASE_APPROVE__INIT;
    Enlace__CaseSetState state = ENLACE__CASE_SET_STATE__INIT;
    Enlace__CaseQuery list = ENLACE__CASE_QUERY__INIT;
    switch (which) {
    case 0:
        show.case_id = case_id;
        req.body_case = ENLACE__FRAME__BODY_CASE_SHOW;
        req.case_show = &show;
        break;
    case 1:
        approve.case_id = case_id;
        req.body_case = ENLACE__FRAME__BODY_CASE_APPROVE;
        req.case_approve = &approve;
        break;
    case 2:
        state.case_id = case_id;
        state.open = open;
        req.body_case = ENLACE__FRAME__BODY_CASE_SET_STATE;
        req.case_set_state = &state;
        break;
    default:
        req.body_case = ENLACE__FRAME__BODY_CASE_QUERY;
        req.case_query = &list;
        break;
    }
    return s_ask(r, &req);
}

static Enlace__Frame *
s_seq_req(reader_t *r, Enlace__Frame__BodyCase body, uint64_t seq)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertsQuery aq = ENLACE__ALERTS_QUERY__INIT;
    Enlace__CapExport cx = ENLACE__CAP_EXPORT__INIT;
    Enlace__Relabel rl = ENLACE__RELABEL__INIT;
    Enlace__ReleaseRequest rr = ENLACE__RELEASE_REQUEST__INIT;
    req.body_case = body;
    switch (body) {
    case ENLACE__FRAME__BODY_ALERTS_QUERY:
        aq.alert_seq = seq;
        aq.limit = 500;
        req.alerts_query = &aq;
        break;
    case ENLACE__FRAME__BODY_CAP_EXPORT:
        cx.alert_seq = seq;
        req.cap_export = &cx;
        break;
    case ENLACE__FRAME__BODY_RELABEL:
        rl.seq = seq;
        rl.tlp = ENLACE__TLP__TLP_CLEAR;
        req.relabel = &rl;
        break;
    default:
        rr.seq = seq;
        rr.reason = "para coordinar con la familia";
        req.release_request = &rr;
        break;
    }
    return s_ask(r, &req);
}

/* A forward of message seq, signed with the reader's key. */
static Enlace__Frame *
s_forward(reader_t *r, uint64_t seq)
{
    const keys_identity_t *id = rawclient_identity(r->rc);
    if (!id)
        return NULL;
    Enlace__Content c = ENLACE__CONTENT__INIT;
    uint8_t msg_id[16];
    randombytes_buf(msg_id, sizeof msg_id);
    c.message_id.data = msg_id;
    c.message_id.len = sizeof msg_id;
    c.topic.data = (uint8_t *)"consular/dm/fwd";
    c.topic.len = strlen("consular/dm/fwd");
    c.created_ms = harness_now_ms();
    c.author_key.data = (uint8_t *)keys_identity_public(id);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    c.tlp = ENLACE__TLP__TLP_RED;
    char *to[] = {(char *)s_fp(r->id)};
    c.recipients = to;
    c.n_recipients = 1;
    c.content_type = "text/plain; charset=utf-8";
    c.body.data = (uint8_t *)"reenvio";
    c.body.len = 7;
    c.forward_of = seq;
    c.personal_data = 1;
    c.handling = ENLACE__HANDLING__HANDLING_H3;
    c.handling_text = "solo para el consulado";
    /* RED is sealed: to the forwarder itself and the ST's archive key. */
    uint8_t keys[2][32];
    char kerr[KEYS_ERR_LEN];
    memcpy(keys[0], keys_identity_public(id), 32);
    if (keys_public_load(s_archive.public_, keys[1], kerr) != 0)
        return NULL;
    Enlace__Sealed sealed = ENLACE__SEALED__INIT;
    Enlace__SealedPart part;
    sealed.form = "";
    seal_move(&c, &part);
    c.sealed = &sealed;
    if (seal_encrypt(&c, &part, (const uint8_t(*)[32])keys, 2) != SEAL_OK)
        return NULL;
    size_t len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(len), sig[KEYS_SIGNATURE_BYTES];
    if (buf)
        enlace__content__pack(&c, buf);
    seal_sealed_fini(&sealed);
    if (!buf)
        return NULL;
    if (keys_sign_content(id, buf, len, sig) != 0) {
        free(buf);
        return NULL;
    }
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Publish p = ENLACE__PUBLISH__INIT;
    p.content.data = buf;
    p.content.len = len;
    p.signature.data = sig;
    p.signature.len = sizeof sig;
    req.body_case = ENLACE__FRAME__BODY_PUBLISH;
    req.publish = &p;
    Enlace__Frame *f = s_ask(r, &req);
    free(buf);
    return f;
}

static int
s_xml_has(const Enlace__Frame *f, const char *word)
{
    return f && f->body_case == ENLACE__FRAME__BODY_CAP_XML && strstr(f->cap_xml->xml, word);
}

static int
s_case_readers(int r)
{
    return r != R_PPT && r != R_OBS_NONE && r != R_REVOKED;
}

/* The request paths, for one connected reader. */
static void
s_check_requests(reader_t *rd)
{
    int r = rd->id;
    /* History, and its cursor: the same whether the author filter matches
     * hidden messages (the author's) or nothing (the CR officer wrote
     * nothing). */
    int got[MAX_MSGS];
    uint64_t cur_a = 0, cur_b = 0;
    int more_a = 0, more_b = 0;
    s_history_set(rd, got, s_fp(R_AUTHOR), &cur_a, &more_a);
    s_history_set(rd, got, NULL, NULL, NULL);
    for (int i = 0; i < s_nmsgs; i++)
        CELL(got[i] == s_archive_visible(r, &s_msgs[i]), r, &s_msgs[i], "history");
    int unused[MAX_MSGS];
    s_history_set(rd, unused, s_fp(R_CR), &cur_b, &more_b);
    CELL(cur_a == cur_b && more_a == more_b, r, &s_msgs[0], "history cursor");

    /* Search: results, and a cursor that tells nothing about hidden
     * matches (the same as for a word that matches nothing). */
    Enlace__Frame *none = s_search(rd, "zzqnothingmatchesqzz");
    for (int i = 0; i < s_nmsgs; i++) {
        const msg_t *m = &s_msgs[i];
        for (int p = PART_BODY; p < NPARTS; p++) {
            if (!m->mark[p][0] || p == PART_FORM)
                continue;
            Enlace__Frame *f = s_search(rd, m->mark[p]);
            /* The hub cannot search what is sealed: found by nobody. */
            CELL(s_page_has(f, m->seq) == (s_archive_visible(r, m) && !s_sealed_col(m->col)), r, m,
                "search");
            if (!s_archive_visible(r, m) && f && none && f->body_case == none->body_case
                && f->body_case == ENLACE__FRAME__BODY_HISTORY_PAGE)
                CELL(f->history_page->next_after == none->history_page->next_after
                        && f->history_page->more == none->history_page->more,
                    r, m, "search cursor");
            else if (!s_archive_visible(r, m))
                CELL(s_same_error(f, none), r, m, "search refusal");
            enlace__frame__free_unpacked(f, NULL);
        }
    }
    enlace__frame__free_unpacked(none, NULL);

    /* The case: its facts to the network's readers, its thread message by
     * message, its form only with the form message. */
    Enlace__Frame *nocase = s_case_req(rd, 0, 999999, 0);
    Enlace__Frame *show = s_case_req(rd, 0, s_case_id, 0);
    const msg_t *form = &s_msgs[s_form_msg];
    if (s_case_readers(r)) {
        CELL(show && show->body_case == ENLACE__FRAME__BODY_CASE_DETAIL, r, form, "case show");
        for (int i = 0; show && show->body_case == ENLACE__FRAME__BODY_CASE_DETAIL && i < s_nmsgs;
             i++) {
            const msg_t *m = &s_msgs[i];
            if (!m->is_alert && i != s_form_msg)
                continue;
            int in_thread = 0, in_alerts = 0;
            for (size_t k = 0; k < show->case_detail->n_messages; k++)
                in_thread |= show->case_detail->messages[k]->seq == m->seq;
            for (size_t k = 0; k < show->case_detail->n_alerts; k++)
                in_alerts |= show->case_detail->alerts[k]->seq == m->seq;
            CELL(in_thread == s_archive_visible(r, m), r, m, "case thread");
            if (m->is_alert)
                CELL(in_alerts == s_archive_visible(r, m), r, m, "case alerts");
        }
    } else {
        CELL(s_same_error(show, nocase), r, form, "case show refusal");
    }
    enlace__frame__free_unpacked(show, NULL);
    Enlace__Frame *list = s_case_req(rd, 3, 0, 0);
    int listed = 0;
    for (size_t k = 0;
         list && list->body_case == ENLACE__FRAME__BODY_CASE_LIST && k < list->case_list->n_cases;
         k++)
        listed |= list->case_list->cases[k]->id == s_case_id;
    CELL(listed == s_case_readers(r), r, form, "case list");
    enlace__frame__free_unpacked(list, NULL);
    Enlace__Frame *noappr = s_case_req(rd, 1, 999999, 0), *appr = s_case_req(rd, 1, s_case_id, 0);
    CELL(s_is_error(appr), r, form, "case approve (not a special case)");
    CELL(s_case_readers(r) ? !s_same_error(appr, noappr) : s_same_error(appr, noappr), r, form,
        "case approve");
    enlace__frame__free_unpacked(noappr, NULL);
    enlace__frame__free_unpacked(appr, NULL);
    Enlace__Frame *close = s_case_req(rd, 2, s_case_id, 0);
    int may_close = r == R_AUTHOR || r == R_MX || r == R_GT_FOCAL || r == R_GT || r == R_ST;
    CELL((close && close->body_case == ENLACE__FRAME__BODY_CASE_INFO) == may_close, r, form,
        "case close");
    if (!s_case_readers(r))
        CELL(s_same_error(close, nocase), r, form, "case close refusal");
    if (may_close) {
        Enlace__Frame *reopen = s_case_req(rd, 2, s_case_id, 1);
        CHECK(reopen && reopen->body_case == ENLACE__FRAME__BODY_CASE_INFO);
        enlace__frame__free_unpacked(reopen, NULL);
    }
    enlace__frame__free_unpacked(close, NULL);
    enlace__frame__free_unpacked(nocase, NULL);

    /* The alert board, CAP, relabel, release requests, forwards: visible,
     * or answered exactly as for a number that does not exist. */
    Enlace__Frame *board = s_seq_req(rd, ENLACE__FRAME__BODY_ALERTS_QUERY, 0);
    Enlace__Frame *noalert = s_seq_req(rd, ENLACE__FRAME__BODY_ALERTS_QUERY, 999999);
    Enlace__Frame *nocap = s_seq_req(rd, ENLACE__FRAME__BODY_CAP_EXPORT, 999999);
    Enlace__Frame *norelabel = s_seq_req(rd, ENLACE__FRAME__BODY_RELABEL, 999999);
    Enlace__Frame *norelease = s_seq_req(rd, ENLACE__FRAME__BODY_RELEASE_REQUEST, 999999);
    Enlace__Frame *noforward = s_forward(rd, 999999);
    for (int i = 0; i < s_nmsgs; i++) {
        const msg_t *m = &s_msgs[i];
        int vis = s_archive_visible(r, m);
        if (m->is_alert) {
            int on_board = 0;
            for (size_t k = 0; board && board->body_case == ENLACE__FRAME__BODY_ALERT_LIST
                 && k < board->alert_list->n_alerts;
                 k++)
                on_board |= board->alert_list->alerts[k]->seq == m->seq;
            CELL(on_board == vis, r, m, "alert board");
            Enlace__Frame *one = s_seq_req(rd, ENLACE__FRAME__BODY_ALERTS_QUERY, m->seq);
            CELL(vis ? !s_is_error(one) : s_same_error(one, noalert), r, m, "alert query");
            enlace__frame__free_unpacked(one, NULL);
            Enlace__Frame *cap = s_seq_req(rd, ENLACE__FRAME__BODY_CAP_EXPORT, m->seq);
            /* A sealed alert's CAP is its envelope: there, but no headline. */
            CELL(vis ? (s_xml_has(cap, m->mark[PART_HEAD]) != 0) == !s_sealed_col(m->col) && cap
                        && cap->body_case == ENLACE__FRAME__BODY_CAP_XML
                     : s_same_error(cap, nocap),
                r, m, "CAP");
            /* The case's form is sealed (RED): in no CAP. */
            if (vis)
                CELL(!s_xml_has(cap, form->mark[PART_FORM]), r, m, "CAP case form");
            enlace__frame__free_unpacked(cap, NULL);
        } else {
            Enlace__Frame *cap = s_seq_req(rd, ENLACE__FRAME__BODY_CAP_EXPORT, m->seq);
            CELL(s_same_error(cap, nocap), r, m, "CAP of a message that is no alert");
            enlace__frame__free_unpacked(cap, NULL);
        }
        if (r != R_AUTHOR) {
            Enlace__Frame *rl = s_seq_req(rd, ENLACE__FRAME__BODY_RELABEL, m->seq);
            CELL(vis ? s_is_error(rl) && !s_same_error(rl, norelabel) : s_same_error(rl, norelabel),
                r, m, "relabel");
            enlace__frame__free_unpacked(rl, NULL);
        }
        Enlace__Frame *rr = s_seq_req(rd, ENLACE__FRAME__BODY_RELEASE_REQUEST, m->seq);
        CELL(vis ? rr && rr->body_case == ENLACE__FRAME__BODY_OK : s_same_error(rr, norelease), r,
            m, "release request");
        enlace__frame__free_unpacked(rr, NULL);
        Enlace__Frame *fw = s_forward(rd, m->seq);
        if (!vis)
            CELL(s_same_error(fw, noforward), r, m, "forward");
        enlace__frame__free_unpacked(fw, NULL);
    }
    enlace__frame__free_unpacked(board, NULL);
    enlace__frame__free_unpacked(noalert, NULL);
    enlace__frame__free_unpacked(nocap, NULL);
    enlace__frame__free_unpacked(norelabel, NULL);
    enlace__frame__free_unpacked(norelease, NULL);
    enlace__frame__free_unpacked(noforward, NULL);

    /* Statistics over the wire: the ST (and admin) only. */
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Admin adm = ENLACE__ADMIN__INIT;
    Enlace__StatsQuery sq = ENLACE__STATS_QUERY__INIT;
    adm.op_case = ENLACE__ADMIN__OP_STATS;
    adm.stats = &sq;
    req.body_case = ENLACE__FRAME__BODY_ADMIN;
    req.admin = &adm;
    Enlace__Frame *stats = s_ask(rd, &req);
    int allowed = stats && stats->body_case == ENLACE__FRAME__BODY_ADMIN_RESULT;
    CELL(allowed == (r == R_ST), r, form, "statistics");
    enlace__frame__free_unpacked(stats, NULL);
}

/* Live delivery, pushes and notices, from what the tap recorded. */
static void
s_check_deliveries(const reader_t *rd)
{
    int r = rd->id;
    for (int i = 0; i < s_nmsgs; i++) {
        const msg_t *m = &s_msgs[i];
        /* Phase 1 (connected while it was published), then phase 2 (a new
         * subscription from the start, after the relabel). */
        CELL(s_delivered(rd, m->seq, 0, 1) == s_live(s_cell_before_relabel(r, m)), r, m,
            "live delivery");
        CELL(s_delivered(rd, m->seq, 0, 2) == s_live(s_cell(r, m)), r, m, "live replay");
        if (s_delivered(rd, m->seq, 1, -1))
            CELL(s_live(s_cell(r, m)), r, m, "alert push");
        for (int k = 0; k < rd->nnotes; k++) {
            const note_t *n = &rd->notes[k];
            if (n->alert_seq != m->seq)
                continue;
            CELL(s_cell(r, m) != V_NONE, r, m, "escalation notice");
            if (s_cell(r, m) != V_ALL || s_sealed_col(m->col))
                CELL(!strstr(n->body, m->mark[PART_HEAD]), r, m, "escalation notice quotes");
        }
    }
}

/* Every byte the reader received: no word of a message it may not see. */
static void
s_scan_bytes(const reader_t *rd)
{
    int r = rd->id;
    for (int i = 0; i < s_nmsgs; i++) {
        const msg_t *m = &s_msgs[i];
        /* The hub sends a sealed message's words to nobody in the clear. */
        if (s_archive_visible(r, m) && !s_sealed_col(m->col))
            continue;
        for (int p = 0; p < NPARTS; p++)
            if (m->mark[p][0])
                CELL(!s_contains(rd->bytes, rd->nbytes, m->mark[p], strlen(m->mark[p])), r, m,
                    p == PART_BODY        ? "bytes (body)"
                        : p == PART_HEAD  ? "bytes (headline)"
                        : p == PART_TRANS ? "bytes (translation)"
                                          : "bytes (form)");
    }
    if (!s_case_readers(r))
        CELL(!s_contains(rd->bytes, rd->nbytes, s_case_title_mark, strlen(s_case_title_mark)), r,
            &s_msgs[s_form_msg], "bytes (case title)");
}

/* 1 if key_file opens the sealed message d and shows its body's word;
 * 0 if it is not sealed to it; -1 anything else (never expected). */
static int
s_opens(const Enlace__Delivery *d, const char *key_file, const msg_t *m)
{
    enlace_key_t *key = NULL;
    char why[256];
    if (enlace_key_load(key_file, NULL, &key, why, sizeof why) != ENLACE_OK)
        return -1;
    enlace_delivery_t *o = NULL;
    int rc = enlace_message_open(d->content.data, d->content.len, d->signature.data,
        d->signature.len, d->batch ? d->batch->size : 0, d->batch ? d->batch->index : 0,
        d->batch ? d->batch->path.data : NULL, d->batch ? d->batch->path.len : 0, key, &o, why,
        sizeof why);
    int opens = -1;
    if (rc == ENLACE_OK && o->sealed && o->seal_status == ENLACE_OK)
        opens = s_contains(o->body, o->body_len, m->mark[PART_BODY], strlen(m->mark[PART_BODY]))
            ? 1
            : -1;
    else if (rc == ENLACE_OK && o->sealed && o->seal_status == ENLACE_ESEALED)
        opens = o->body == NULL && o->body_len == 0 && o->form == NULL ? 0 : -1;
    enlace_delivery_destroy(&o);
    enlace_key_destroy(&key);
    return opens;
}

/* Every sealed message the reader finds in history: its own key opens it
 * exactly when its cell is "all"; the ST's archive key opens them all. */
static void
s_check_seals(reader_t *rd)
{
    int r = rd->id;
    uint64_t after = 0;
    int seen[MAX_MSGS] = {0};
    for (int round = 0; round < 50; round++) {
        Enlace__Frame req = ENLACE__FRAME__INIT;
        Enlace__History h = ENLACE__HISTORY__INIT;
        h.pattern.data = (uint8_t *)"consular/dm/#";
        h.pattern.len = strlen("consular/dm/#");
        h.after_seq = after;
        h.limit = 500;
        req.body_case = ENLACE__FRAME__BODY_HISTORY;
        req.history = &h;
        Enlace__Frame *f = s_ask(rd, &req);
        if (!f || f->body_case != ENLACE__FRAME__BODY_HISTORY_PAGE) {
            enlace__frame__free_unpacked(f, NULL);
            break;
        }
        for (size_t i = 0; i < f->history_page->n_messages; i++) {
            const Enlace__Delivery *d = f->history_page->messages[i];
            const msg_t *m = s_msg_of_seq(d->seq);
            if (!m || !s_sealed_col(m->col))
                continue;
            seen[m - s_msgs] = 1;
            CELL(s_opens(d, s_off[r].secret, m) == (s_cell(r, m) == V_ALL), r, m,
                "opened with its own key");
            if (r == R_ST)
                CELL(s_opens(d, s_archive.secret, m) == 1, r, m, "opened with the archive key");
        }
        int go_on = f->history_page->more && f->history_page->next_after > after;
        after = f->history_page->next_after;
        enlace__frame__free_unpacked(f, NULL);
        if (!go_on)
            break;
    }
    for (int i = 0; i < s_nmsgs; i++)
        if (s_sealed_col(s_msgs[i].col))
            CELL(seen[i] == s_archive_visible(r, &s_msgs[i]), r, &s_msgs[i], "sealed, in history");
}

static int
s_count_notes(const reader_t *rd, uint64_t alert_seq, int level)
{
    int n = 0;
    for (int k = 0; k < rd->nnotes; k++)
        n += rd->notes[k].alert_seq == alert_seq && rd->notes[k].level == level;
    return n;
}

/* ------------------------------------------------------------- consultations */

/* The two consultations and their messages: each message is disclosed by
 * the column of the stage it was sent in (round 1's first text, sent while
 * with the Troika, by the Troika's). */
typedef struct {
    int col;
    uint64_t id;
    char title_mark[24];
} consultation_t;

typedef struct {
    int col;
    uint64_t seq;
    char mark[24];
} cmsg_t;

static consultation_t s_consults[2];
static cmsg_t s_cmsgs[4];
static int s_ncmsgs;

#define CCELL(cond, r, col, path) \
    do { \
        s_cells_checked++; \
        if (!(cond)) { \
            fprintf(stderr, "  %s / %s / %s: %s\n", s_reader_names[r], s_col_names[col], path, \
                #cond); \
            harness_fail(__FILE__, __LINE__, "disclosure cell"); \
        } \
    } while (0)

static int
s_col_visible(int r, int col)
{
    return s_table[r][col] == V_ALL || s_table[r][col] == V_ARCHIVE;
}

/* The PPT opens a consultation on its own text (the Troika's column); for
 * the round's column the Troika agrees and it goes to round 1 with a new
 * text. */
static void
s_consult(int col)
{
    int rc;
    char why[256], title[64], text[64];
    consultation_t *k = &s_consults[col == C_CONSULT_ROUND];
    k->col = col;
    s_new_mark(k->title_mark, 'k', col);
    snprintf(title, sizeof title, "Consulta %s", k->title_mark);
    enlace_client_t *ppt = client_connect(&hub, &s_off[R_PPT], &rc, why, sizeof why);
    enlace_client_t *mx = client_connect(&hub, &s_off[R_AUTHOR], &rc, why, sizeof why);
    CHECK(ppt && mx);
    if (!ppt || !mx)
        goto out;
    cmsg_t *m = &s_cmsgs[s_ncmsgs++];
    m->col = C_CONSULT_TROIKA;
    s_new_mark(m->mark, 'o', col);
    snprintf(text, sizeof text, "Propuesta %s", m->mark);
    CHECK_RC(enlace_consult_open(ppt, title, text, &k->id), ENLACE_OK);
    m->seq = k->id;
    if (col == C_CONSULT_ROUND) {
        CHECK_RC(enlace_consult_answer(ppt, k->id, -1, "agree", NULL), ENLACE_OK);
        CHECK_RC(enlace_consult_answer(mx, k->id, -1, "agree", NULL), ENLACE_OK);
        m = &s_cmsgs[s_ncmsgs++];
        m->col = C_CONSULT_ROUND;
        s_new_mark(m->mark, 'r', col);
        snprintf(text, sizeof text, "Ronda %s", m->mark);
        CHECK_RC(enlace_consult_advance(ppt, k->id, text), ENLACE_OK);
        enlace_consult_t *c = NULL;
        CHECK_RC(enlace_consult_show(ppt, k->id, &c), ENLACE_OK);
        for (size_t i = 0; c && i < c->nmessages; i++)
            if (c->messages[i]->consult_step && !strcmp(c->messages[i]->consult_step, "advance"))
                m->seq = c->messages[i]->seq;
        CHECK(m->seq != 0);
        enlace_consult_destroy(&c);
    }
out:
    enlace_close(&ppt);
    enlace_close(&mx);
}

static Enlace__Frame *
s_consult_req(reader_t *rd, int list, uint64_t id)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ConsultShow show = ENLACE__CONSULT_SHOW__INIT;
    Enlace__ConsultQuery q = ENLACE__CONSULT_QUERY__INIT;
    if (list) {
        req.body_case = ENLACE__FRAME__BODY_CONSULT_QUERY;
        req.consult_query = &q;
    } else {
        show.consultation = id;
        req.body_case = ENLACE__FRAME__BODY_CONSULT_SHOW;
        req.consult_show = &show;
    }
    return s_ask(rd, &req);
}

static Enlace__Frame *
s_consult_history(reader_t *rd)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__History h = ENLACE__HISTORY__INIT;
    h.pattern.data = (uint8_t *)"crm/members/consult";
    h.pattern.len = strlen("crm/members/consult");
    h.limit = 500;
    req.body_case = ENLACE__FRAME__BODY_HISTORY;
    req.history = &h;
    return s_ask(rd, &req);
}

/* The consultations' request paths, for one connected reader. */
static void
s_check_consult_requests(reader_t *rd)
{
    int r = rd->id;
    Enlace__Frame *list = s_consult_req(rd, 1, 0), *none = s_consult_req(rd, 0, 999999);
    Enlace__Frame *hist = s_consult_history(rd);
    for (int k = 0; k < 2; k++) {
        const consultation_t *c = &s_consults[k];
        int sees = s_table[r][c->col] != V_NONE;
        int listed = 0;
        for (size_t i = 0; list && list->body_case == ENLACE__FRAME__BODY_CONSULT_LIST
             && i < list->consult_list->n_consultations;
             i++)
            listed |= list->consult_list->consultations[i]->id == c->id;
        CCELL(listed == sees, r, c->col, "consult list");
        Enlace__Frame *show = s_consult_req(rd, 0, c->id);
        if (!sees) {
            CCELL(s_same_error(show, none), r, c->col, "consult show refusal");
        } else {
            int ok = show && show->body_case == ENLACE__FRAME__BODY_CONSULT_DETAIL;
            CCELL(ok, r, c->col, "consult show");
            for (int i = 0; ok && i < s_ncmsgs; i++) {
                int shown = 0;
                for (size_t j = 0; j < show->consult_detail->n_messages; j++)
                    shown |= show->consult_detail->messages[j]->seq == s_cmsgs[i].seq;
                /* A consultation's own messages only, as their stage allows. */
                int mine = s_cmsgs[i].seq == c->id || (k == 1 && s_cmsgs[i].col == C_CONSULT_ROUND);
                if (mine)
                    CCELL(shown == s_col_visible(r, s_cmsgs[i].col), r, s_cmsgs[i].col,
                        "consult show's texts");
                else
                    CCELL(!shown, r, c->col, "consult show's texts (another's)");
            }
        }
        enlace__frame__free_unpacked(show, NULL);
    }
    for (int i = 0; i < s_ncmsgs; i++) {
        const cmsg_t *m = &s_cmsgs[i];
        CCELL(s_page_has(hist, m->seq) == s_col_visible(r, m->col), r, m->col, "history");
        Enlace__Frame *f = s_search(rd, m->mark);
        CCELL(s_page_has(f, m->seq) == s_col_visible(r, m->col), r, m->col, "search");
        enlace__frame__free_unpacked(f, NULL);
    }
    enlace__frame__free_unpacked(list, NULL);
    enlace__frame__free_unpacked(none, NULL);
    enlace__frame__free_unpacked(hist, NULL);
}

/* Live delivery, pushes, reminders and every byte received. */
static void
s_check_consult_deliveries(const reader_t *rd)
{
    int r = rd->id;
    for (int i = 0; i < s_ncmsgs; i++) {
        const cmsg_t *m = &s_cmsgs[i];
        CCELL(s_delivered(rd, m->seq, 0, 1) == (s_table[r][m->col] == V_ALL), r, m->col,
            "live delivery");
        if (s_delivered(rd, m->seq, 1, -1))
            CCELL(s_table[r][m->col] == V_ALL, r, m->col, "push");
        if (!s_col_visible(r, m->col))
            CCELL(!s_contains(rd->bytes, rd->nbytes, m->mark, strlen(m->mark)), r, m->col,
                "bytes (text)");
    }
    for (int k = 0; k < 2; k++) {
        const consultation_t *c = &s_consults[k];
        if (s_table[r][c->col] == V_NONE)
            CCELL(!s_contains(rd->bytes, rd->nbytes, c->title_mark, strlen(c->title_mark)), r,
                c->col, "bytes (title)");
        for (int n = 0; n < rd->ncnotes; n++)
            if (rd->cnotes[n].consultation == c->id)
                CCELL(s_table[r][c->col] == V_ALL, r, c->col, "reminder");
    }
}

static int
s_count_cnotes(const reader_t *rd, uint64_t id, const char *kind)
{
    int n = 0;
    for (int k = 0; k < rd->ncnotes; k++)
        n += rd->cnotes[k].consultation == id && !strcmp(rd->cnotes[k].kind, kind);
    return n;
}

static void
the_disclosure_table_holds_on_every_path(void)
{
    if (s_read_table() != 0) {
        harness_fail(__FILE__, __LINE__, "the README's disclosure table");
        return;
    }
    for (int r = 0; r < NREADERS; r++) {
        s_readers[r].id = r;
        s_readers[r].phase = 1;
        CHECK(s_connect_reader(&s_readers[r]) == 0);
        /* Those who may not subscribe are refused: they get nothing live. */
        s_subscribe(&s_readers[r], "consular/#", 0);
        s_subscribe(&s_readers[r], "crm/#", 0);
    }
    /* The revoked key: connected and subscribed, then revoked. */
    officer_revoke(&hub, &s_off[R_REVOKED]);
    s_pump(800);
    int rc;
    char why[256];
    enlace_client_t *a = client_connect(&hub, &s_off[R_AUTHOR], &rc, why, sizeof why);
    CHECK(a != NULL);
    if (!a)
        return;
    /* The consultations first: round 1's reminders run while the alerts
     * escalate (business days of 1 s: the deadline 5 s after it opens). */
    s_consult(C_CONSULT_TROIKA);
    s_consult(C_CONSULT_ROUND);
    s_open_case(a);
    s_publish(a, C_CLEAR, 1, ENLACE_TLP_CLEAR, NULL, 0, NULL, "MX,GT");
    s_publish(a, C_GREEN, 1, ENLACE_TLP_GREEN, NULL, 0, NULL, "MX,GT");
    s_publish(a, C_PERSONAL, 1, ENLACE_TLP_GREEN, NULL, 1, NULL, "MX,GT");
    s_publish(a, C_AMBER, 1, ENLACE_TLP_AMBER, NULL, 0, NULL, "MX,GT");
    const char *codes[] = {"H0", "H1", "H2", "H3"};
    for (int i = 0; i < 4; i++)
        s_publish(a, C_HANDLING, 1, ENLACE_TLP_AMBER, NULL, 0, codes[i], "MX,GT");
    s_publish(a, C_STRICT, 1, ENLACE_TLP_AMBER_STRICT, NULL, 0, NULL, "MX");
    s_publish(a, C_STRICT_GT, 1, ENLACE_TLP_AMBER_STRICT, s_fp(R_GT), 0, NULL, "GT");
    s_publish(a, C_RED_GT, 1, ENLACE_TLP_RED, s_fp(R_GT), 0, NULL, "GT");
    s_publish(a, C_RED_OBS, 0, ENLACE_TLP_RED, s_fp(R_OBS_READ), 0, NULL, NULL);
    s_publish(a, C_SEALED_GT, 1, ENLACE_TLP_AMBER, s_fp(R_GT), 0, NULL, "MX,GT");
    s_publish(a, C_RELABEL, 1, ENLACE_TLP_AMBER_STRICT, NULL, 0, NULL, "MX");
    s_pump(500);
    for (int i = 0; i < NREADERS; i++)
        s_readers[i].phase = 2; /* what follows comes after the relabel */
    CHECK_RC(enlace_relabel(a, s_msgs[s_nmsgs - 1].seq, ENLACE_TLP_AMBER, 0), ENLACE_OK);
    enlace_close(&a);
    /* Deadlines of 2 s: level 1 after 2 s, level 2 after 4. Wait until the
     * ST has every level-2 notice, or 12 s. */
    int alerts = 0;
    for (int i = 0; i < s_nmsgs; i++)
        alerts += s_msgs[i].is_alert;
    for (int waited = 0; waited < 12000; waited += 250) {
        s_pump(250);
        int done = 0;
        for (int i = 0; i < s_nmsgs; i++)
            done += s_msgs[i].is_alert
                && s_count_notes(&s_readers[R_ST], s_msgs[i].seq, 2)
                    >= s_msgs[i].concerns_mx + s_msgs[i].concerns_gt;
        if (done == alerts && s_count_cnotes(&s_readers[R_ST], s_consults[1].id, "escalated"))
            break;
    }
    /* Round 1's silence: the PPT's and the CR officer's countries reminded,
     * and the ST told; nothing to the Troika's consultation's outsiders. */
    CCELL(s_count_cnotes(&s_readers[R_PPT], s_consults[1].id, "reminder") == 1, R_PPT,
        C_CONSULT_ROUND, "reminder");
    CCELL(s_count_cnotes(&s_readers[R_CR], s_consults[1].id, "last-day") == 1, R_CR,
        C_CONSULT_ROUND, "reminder");
    CCELL(s_count_cnotes(&s_readers[R_ST], s_consults[1].id, "escalated") >= 1, R_ST,
        C_CONSULT_ROUND, "escalation to the ST");
    /* Escalations: one notice per level and country, to those who must
     * hear of it. */
    for (int i = 0; i < s_nmsgs; i++) {
        const msg_t *m = &s_msgs[i];
        if (!m->is_alert)
            continue;
        int countries = m->concerns_mx + m->concerns_gt;
        CELL(s_count_notes(&s_readers[R_ST], m->seq, 2) == countries, R_ST, m, "level-2 notice");
        CELL(s_count_notes(&s_readers[R_PPT], m->seq, 2) == countries, R_PPT, m, "level-2 notice");
        if (m->concerns_gt)
            CELL(s_count_notes(&s_readers[R_GT], m->seq, 1) == 1, R_GT, m, "level-1 notice");
        if (m->concerns_gt && s_live(s_cell(R_GT_FOCAL, m)))
            CELL(s_delivered(&s_readers[R_GT_FOCAL], m->seq, 1, -1), R_GT_FOCAL, m, "alert push");
        if (m->col == C_RED_GT)
            CELL(s_delivered(&s_readers[R_GT], m->seq, 1, -1), R_GT, m, "alert push");
    }
    /* Phase 2: reconnect (Hello re-pushes open alerts), subscribe afresh from
     * the start (the live path replays the archive), then every request. */
    for (int r = 0; r < NREADERS; r++) {
        reader_t *rd = &s_readers[r];
        rawclient_destroy(&rd->rc);
        if (r == R_REVOKED) {
            CHECK(s_connect_reader(rd) != 0); /* refused at the handshake */
            rawclient_destroy(&rd->rc);
            continue;
        }
        CHECK(s_connect_reader(rd) == 0);
        s_subscribe(rd, "consular/dm/#", 1);
    }
    s_pump(1500);
    for (int r = 0; r < NREADERS; r++) {
        if (s_readers[r].rc) {
            s_check_requests(&s_readers[r]);
            s_check_consult_requests(&s_readers[r]);
            s_check_seals(&s_readers[r]);
        }
        s_pump(50);
    }
    for (int r = 0; r < NREADERS; r++) {
        s_check_deliveries(&s_readers[r]);
        s_check_consult_deliveries(&s_readers[r]);
        s_scan_bytes(&s_readers[r]);
    }
    int leaks = 0;
    fprintf(stderr, "  matrix: %d readers x %d labels (%d messages), %d cells checked\n", NREADERS,
        NCOLS, s_nmsgs, s_cells_checked);
    for (int r = 0; r < NREADERS; r++) {
        fprintf(stderr, "    %-42s %7zu bytes received, %3d deliveries, %2d notices\n",
            s_reader_names[r], s_readers[r].nbytes, s_readers[r].ndel, s_readers[r].nnotes);
        leaks += s_readers[r].nbytes == 0 && r != R_REVOKED;
    }
    CHECK(leaks == 0); /* every reader that could connect heard something */
    for (int r = 0; r < NREADERS; r++) {
        rawclient_destroy(&s_readers[r].rc);
        free(s_readers[r].bytes);
        s_readers[r].bytes = NULL;
    }
}

/* ------------------------------------------------------------- one per leak */

static enlace_client_t *
s_client(int r)
{
    int rc;
    char why[256];
    enlace_client_t *c = client_connect(&hub, &s_off[r], &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  connect %s: %s\n", s_reader_names[r], why);
    return c;
}

static uint64_t
s_alert(enlace_client_t *c, int tlp, const char *to, const char *countries, const char *headline,
    int *rc_out)
{
    const char *cc[2];
    size_t n = 0;
    char buf[16];
    snprintf(buf, sizeof buf, "%s", countries);
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p && n < 2;
         p = strtok_r(NULL, ",", &save))
        cc[n++] = p;
    enlace_alert_t al = {.priority = "urgent",
        .category = "death",
        .countries = cc,
        .ncountries = n,
        .headline = headline};
    const char *rcpt[1] = {to};
    enlace_publish_opts_t o = {.tlp = (enlace_tlp_t)tlp,
        .recipients = to ? rcpt : NULL,
        .nrecipients = to ? 1 : 0,
        .alert = &al};
    uint64_t seq = 0;
    int rc = enlace_publish(c, "consular/leak/alert", "descripcion", 11, &o, &seq);
    if (rc_out)
        *rc_out = rc;
    return rc == ENLACE_OK ? seq : 0;
}

/* Leak 1: a RED alert naming one MX officer, concerning MX and GT, was
 * pushed to GT's focal point (and again at Hello); GT could not acknowledge
 * it, so it escalated, and the notices quoted its headline to GT. */
static void
red_alert_concerns_only_countries_of_its_named_recipients(void)
{
    enlace_client_t *a = s_client(R_AUTHOR);
    if (!a)
        return;
    int rc;
    CHECK(s_alert(a, ENLACE_TLP_RED, s_fp(R_MX), "MX,GT", "Rojo para MX", &rc) == 0);
    CHECK_RC(rc, ENLACE_EPROTO);
    CHECK(strstr(enlace_last_error(a), "GT") != NULL);
    CHECK(s_alert(a, ENLACE_TLP_AMBER_STRICT, NULL, "MX,GT", "Estricto", &rc) == 0);
    CHECK_RC(rc, ENLACE_EPROTO);
    /* Named where it concerns: GT's unnamed focal point is not pushed it;
     * the named GT officer is, and may acknowledge it. */
    reader_t focal = {.id = R_GT_FOCAL, .phase = 1}, named = {.id = R_GT, .phase = 1};
    CHECK(s_connect_reader(&focal) == 0 && s_connect_reader(&named) == 0);
    uint64_t id = s_alert(a, ENLACE_TLP_RED, s_fp(R_GT), "GT", "Rojo para un funcionario de GT",
        NULL);
    CHECK(id != 0);
    int64_t end = harness_now_ms() + 1500;
    while (harness_now_ms() < end && !s_delivered(&named, id, 1, -1)) {
        enlace__frame__free_unpacked(rawclient_recv(named.rc, 20), NULL);
        enlace__frame__free_unpacked(rawclient_recv(focal.rc, 20), NULL);
    }
    CHECK(s_delivered(&named, id, 1, -1));
    CHECK(!s_delivered(&focal, id, 1, -1));
    rawclient_destroy(&focal.rc);
    focal.phase = 2;
    CHECK(s_connect_reader(&focal) == 0); /* Hello: no re-push either */
    rawclient_drain(focal.rc, 500);
    CHECK(!s_delivered(&focal, id, 1, -1));
    CHECK(!s_contains(focal.bytes, focal.nbytes, "Rojo para un funcionario", 24));
    enlace_client_t *g = s_client(R_GT);
    CHECK(g && enlace_ack(g, id, "recibido") == ENLACE_OK);
    enlace_close(&g);
    rawclient_destroy(&focal.rc);
    rawclient_destroy(&named.rc);
    free(focal.bytes);
    free(named.bytes);
    enlace_close(&a);
}

/* Leak 2: CAP of any alert attached to a case carried the case form's
 * fields, even when the form was RED, and gave an invited observer a
 * personal-data form (a missing child's name). */
static void
cap_export_carries_a_case_form_only_to_who_may_read_it(void)
{
    enlace_client_t *a = s_client(R_AUTHOR), *g = s_client(R_GT_FOCAL);
    if (!a || !g)
        goto out;
    const char *cc[] = {"MX", "GT"};
    uint64_t case_id = 0;
    enlace_form_t *child = s_form("child", "name", "Marisol Quetzalzq", "age", "9", "sex", "F",
        "description", "vestido azul", "last_seen_place", "Tecun Uman", "last_seen_date",
        "2026-11-30", NULL);
    CHECK_RC(enlace_case_open_form(a, "missing-child", cc, 2, "Niña desaparecida", "consular",
                 child, &case_id),
        ENLACE_OK);
    enlace_form_destroy(&child);
    /* A GT member attaches a CLEAR alert to the case and exports it. */
    enlace_alert_t al = {.priority = "routine",
        .category = "missing-child",
        .countries = (const char *[]){"GT"},
        .ncountries = 1,
        .headline = "Busqueda"};
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_CLEAR, .alert = &al, .case_id = case_id};
    uint64_t id = 0;
    CHECK_RC(enlace_publish(g, "consular/leak/child", "se busca", 8, &o, &id), ENLACE_OK);
    char *xml = NULL;
    CHECK_RC(enlace_cap(g, id, &xml), ENLACE_OK); /* a member reads the AMBER form */
    CHECK(xml && strstr(xml, "Marisol Quetzalzq"));
    free(xml);
    xml = NULL;
    enlace_client_t *u = s_client(R_OBS_READ); /* invited to consular/#: sees CLEAR */
    CHECK(u && enlace_cap(u, id, &xml) == ENLACE_OK);
    CHECK(xml && strstr(xml, "Busqueda") && !strstr(xml, "Marisol"));
    free(xml);
    enlace_close(&u);
out:
    enlace_close(&a);
    enlace_close(&g);
}

/* Leak 3: a forward of an AMBER+STRICT message, still AMBER+STRICT, to an
 * officer of another country was stored and readable by that officer. */
static void
forward_of_amber_strict_to_another_country_is_refused(void)
{
    enlace_client_t *a = s_client(R_AUTHOR), *m = s_client(R_MX);
    if (!a || !m)
        goto out;
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_AMBER_STRICT};
    uint64_t seq = 0;
    CHECK_RC(enlace_publish(a, "consular/leak/strict", "solo MX", 7, &o, &seq), ENLACE_OK);
    const char *to[] = {s_fp(R_CR)};
    enlace_publish_opts_t f = {.tlp = ENLACE_TLP_AMBER_STRICT,
        .recipients = to,
        .nrecipients = 1,
        .forward_of = seq};
    CHECK_RC(enlace_publish(m, "consular/leak/strict", "reenvio", 7, &f, NULL), ENLACE_EDENIED);
    CHECK(strstr(enlace_last_error(m), "may not read message") != NULL);
    const char *mx[] = {s_fp(R_AUTHOR)};
    f.recipients = mx; /* within Mexico: allowed */
    CHECK_RC(enlace_publish(m, "consular/leak/strict", "reenvio", 7, &f, NULL), ENLACE_OK);
out:
    enlace_close(&a);
    enlace_close(&m);
}

/* Leak 4: an observer with no invitation sent CaseApprove; the approval
 * was recorded and the reply carried the case's title, countries and
 * opener, while case show was refused to the same key. */
static void
uninvited_observer_case_approve_is_refused_like_an_unknown_case(void)
{
    enlace_client_t *a = s_client(R_AUTHOR);
    reader_t o = {.id = R_OBS_NONE};
    if (!a || s_connect_reader(&o) != 0)
        goto out;
    const char *cc[] = {"MX"};
    uint64_t case_id = 0;
    CHECK_RC(enlace_case_open(a, "death", cc, 1, "Titulo reservado zqtitulo", NULL, &case_id),
        ENLACE_OK);
    Enlace__Frame *f = s_case_req(&o, 1, case_id, 0), *none = s_case_req(&o, 1, 999999, 0);
    CHECK(s_same_error(f, none));
    enlace__frame__free_unpacked(f, NULL);
    enlace__frame__free_unpacked(none, NULL);
    CHECK(!s_contains(o.bytes, o.nbytes, "zqtitulo", 8));
    char sql[128], out[32];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_events WHERE case_id = %llu",
        (unsigned long long)case_id);
    harness_capture(out, sizeof out, "sqlite3 %s/data/archive.db \"%s\"", hub.dir, sql);
    CHECK(atoi(out) == 1); /* opened; no approval recorded */
out:
    rawclient_destroy(&o.rc);
    free(o.bytes);
    enlace_close(&a);
}

/* Leak 5: a Search whose only matches were hidden returned no messages but
 * next_after = the sequence of the hidden match: a word oracle on RED. */
static void
search_cursor_does_not_stop_on_hidden_matches(void)
{
    enlace_client_t *a = s_client(R_AUTHOR);
    reader_t c = {.id = R_CR};
    if (!a || s_connect_reader(&c) != 0)
        goto out;
    const char *to[] = {s_fp(R_MX)};
    enlace_publish_opts_t o = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    uint64_t seq = 0;
    CHECK_RC(enlace_publish(a, "consular/leak/red", "palabra zqoraculo", 17, &o, &seq), ENLACE_OK);
    CHECK_RC(enlace_publish(a, "consular/leak/after", "otra cosa", 9, NULL, NULL), ENLACE_OK);
    Enlace__Frame *hit = s_search(&c, "zqoraculo"), *miss = s_search(&c, "zqnadaquever");
    CHECK(hit && miss && hit->body_case == ENLACE__FRAME__BODY_HISTORY_PAGE
        && miss->body_case == ENLACE__FRAME__BODY_HISTORY_PAGE);
    if (hit && miss && hit->body_case == miss->body_case
        && hit->body_case == ENLACE__FRAME__BODY_HISTORY_PAGE) {
        CHECK(hit->history_page->n_messages == 0);
        CHECK(hit->history_page->next_after != seq);
        CHECK(hit->history_page->next_after == miss->history_page->next_after);
        CHECK(hit->history_page->more == miss->history_page->more);
    }
    enlace__frame__free_unpacked(hit, NULL);
    enlace__frame__free_unpacked(miss, NULL);
out:
    rawclient_destroy(&c.rc);
    free(c.bytes);
    enlace_close(&a);
}

/* Tightened: only a case's opener, the ST and members of its concerned
 * countries close or reopen it. */
static void
only_opener_st_and_concerned_members_close_a_case(void)
{
    enlace_client_t *a = s_client(R_AUTHOR), *c = s_client(R_CR), *g = s_client(R_GT);
    enlace_client_t *s = s_client(R_ST);
    if (!a || !c || !g || !s)
        goto out;
    const char *cc[] = {"MX", "GT"};
    uint64_t id = 0;
    CHECK_RC(enlace_case_open(a, "death", cc, 2, "Cierre", NULL, &id), ENLACE_OK);
    CHECK_RC(enlace_case_set_state(c, id, 0, NULL), ENLACE_EDENIED); /* CR: not concerned */
    CHECK_RC(enlace_case_set_state(g, id, 0, "GT cierra"), ENLACE_OK);
    CHECK_RC(enlace_case_set_state(s, id, 1, "la ST reabre"), ENLACE_OK);
    CHECK_RC(enlace_case_set_state(a, id, 0, NULL), ENLACE_OK);
out:
    enlace_close(&a);
    enlace_close(&c);
    enlace_close(&g);
    enlace_close(&s);
}

int
main(void)
{
    hub_init(&hub);
    static const char *roles[NREADERS] = {
        [R_AUTHOR] = "--country MX --network consular,crm --role focal",
        [R_MX] = "--country MX --network consular --role officer",
        [R_GT_FOCAL] = "--country GT --network consular --role focal",
        [R_GT] = "--country GT --network consular --role officer",
        [R_CR] = "--country CR --network consular,crm --role officer",
        [R_PPT] = "--country HN --network crm --role focal",
        [R_ST] = "--org ST --role st",
        [R_OBS_READ] = "--org UNICEF --role observer",
        [R_OBS_RW] = "--org IOM --role observer",
        [R_OBS_NONE] = "--country CO --role observer",
        [R_REVOKED] = "--country MX --network consular --role officer",
    };
    static const char *names[NREADERS] = {"mx-focal", "mx", "gt-focal", "gt", "cr", "ppt", "st",
        "unicef", "iom", "co", "revoked"};
    for (int r = 0; r < NREADERS; r++)
        officer_new(&hub, &s_off[r], names[r], roles[r]);
    const char *bin = getenv("ENLACE_HUB_BIN");
    officer_keys_only(&hub, &s_archive, "archive");
    harness_sh("%s archive-key set %s/data %s >/dev/null", bin, hub.dir, s_archive.public_);
    harness_sh("%s ppt set %s/data --country HN >/dev/null", bin, hub.dir);
    /* The Troika: last year's PPT (Mexico) and this year's (Honduras). */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    harness_sh("%s ppt set %s/data --country MX --year %d >/dev/null", bin, hub.dir,
        tm.tm_year + 1900 - 1);
    harness_sh("%s invite grant %s/data --to UNICEF --network consular --topics 'consular/#' "
               "--access read --for 1d >/dev/null",
        bin, hub.dir);
    harness_sh("%s invite grant %s/data --to IOM --network consular --topics 'consular/#' "
               "--access readwrite --for 1d >/dev/null",
        bin, hub.dir);
    hub.extra[0] = "--deadline";
    hub.extra[1] = "urgent=2s,flash=1s";
    hub.extra[2] = "--business-day";
    hub.extra[3] = "1s";
    hub_start(&hub);
    harness_run("the_disclosure_table_holds_on_every_path",
        the_disclosure_table_holds_on_every_path);
    harness_run("red_alert_concerns_only_countries_of_its_named_recipients",
        red_alert_concerns_only_countries_of_its_named_recipients);
    harness_run("cap_export_carries_a_case_form_only_to_who_may_read_it",
        cap_export_carries_a_case_form_only_to_who_may_read_it);
    harness_run("forward_of_amber_strict_to_another_country_is_refused",
        forward_of_amber_strict_to_another_country_is_refused);
    harness_run("uninvited_observer_case_approve_is_refused_like_an_unknown_case",
        uninvited_observer_case_approve_is_refused_like_an_unknown_case);
    harness_run("search_cursor_does_not_stop_on_hidden_matches",
        search_cursor_does_not_stop_on_hidden_matches);
    harness_run("only_opener_st_and_concerned_members_close_a_case",
        only_opener_st_and_concerned_members_close_a_case);
    hub_cleanup(&hub);
    return harness_finish();
}
