/*
 * print_consult.c: what `enlace consult` prints: the list, a consultation
 * with its board of answers and deadlines (each deadline in the country's
 * own calendar and in the reader's local time), its texts, and what changed
 * between two of them (--diff). Text for people; with --json an indented
 * JSON document (jansson) whose keys and their order are the CLI's contract.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"

/* An instant in the reader's own time zone (the process's, TZ). */
static void
s_local(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M %Z", &tm);
}

/* A deadline (a local midnight) as the country's calendar says it: "the
 * end of 2026-12-10 in America/Costa_Rica". */
static void
s_in_zone(int64_t ms, const char *zone, char *out, size_t cap)
{
    tz_t *tz = NULL;
    char err[128];
    int64_t t = ms / 1000, local = t;
    if (zone && *zone && tz_load(NULL, zone, &tz, err, sizeof err) == 0)
        local += tz_offset(tz, t);
    tz_destroy(&tz);
    int y, m, d;
    if (local % 86400 == 0) {
        tz_civil_from_days(local / 86400 - 1, &y, &m, &d);
        snprintf(out, cap, _("end of %04d-%02d-%02d %s"), y, m, d, zone && *zone ? zone : "UTC");
    } else {
        tz_civil_from_days(local / 86400, &y, &m, &d);
        snprintf(out, cap, "%04d-%02d-%02d %02d:%02d %s", y, m, d, (int)(local % 86400 / 3600),
            (int)(local % 3600 / 60), zone && *zone ? zone : "UTC");
    }
}

static const char *
s_stage(unsigned stage)
{
    return stage == 0 ? _("troika") : stage == 1 ? _("round 1") : _("round 2");
}

/* ------------------------------------------------------------ JSON */

static json_t *
s_strings(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

json_t *
cli_consult_info_json(const enlace_consult_info_t *c)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:o, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:I, "
                     "s:i, s:i}",
        "id", (json_int_t)c->id, "title", c->title, "state", c->state, "stage", (int)c->stage,
        "troika", s_strings(c->troika, c->ntroika), "ppt", c->ppt, "opened_by", c->opened_by,
        "opened_by_fingerprint", c->opened_by_fingerprint, "opened_ms", (json_int_t)c->opened_ms,
        "updated_ms", (json_int_t)c->updated_ms, "version", (int)c->version, "outcome", c->outcome,
        "reason", c->reason, "closed_ms", (json_int_t)c->closed_ms, "addressed", (int)c->addressed,
        "answered", (int)c->answered);
}

json_t *
cli_consult_list_json(const enlace_consult_info_t *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, cli_consult_info_json(items[i]));
    return a;
}

json_t *
cli_consult_json(const enlace_consult_t *c)
{
    json_t *targets = json_array(), *versions = json_array(), *events = json_array();
    json_t *messages = json_array();
    for (size_t i = 0; targets && i < c->ntargets; i++) {
        const enlace_consult_target_t *t = c->targets[i];
        json_array_append_new(targets,
            json_pack("{s:i, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:b, s:i, s:i}", "stage",
                (int)t->stage, "country", t->country, "zone", t->zone, "opened_ms",
                (json_int_t)t->opened_ms, "deadline_ms", (json_int_t)t->deadline_ms, "state",
                t->state, "answer", t->answer, "answered_by", t->answered_by, "answered_ms",
                (json_int_t)t->answered_ms, "answer_seq", (json_int_t)t->answer_seq, "late",
                t->late, "step", (int)t->step, "answers", (int)t->answers));
    }
    for (size_t i = 0; versions && i < c->nversions; i++) {
        const enlace_consult_version_t *v = c->versions[i];
        size_t len = 0;
        const char *text = enlace_consult_text(c, v->version, &len);
        json_array_append_new(versions,
            json_pack("{s:i, s:i, s:I, s:I, s:s%}", "version", (int)v->version, "stage",
                (int)v->stage, "seq", (json_int_t)v->seq, "ts_ms", (json_int_t)v->ts_ms, "text",
                text ? text : "", text ? len : 0));
    }
    for (size_t i = 0; events && i < c->nevents; i++) {
        const enlace_consult_event_t *e = c->events[i];
        json_array_append_new(events,
            json_pack("{s:I, s:s, s:i, s:s, s:s, s:s}", "ts_ms", (json_int_t)e->ts_ms, "event",
                e->event, "stage", (int)e->stage, "country", e->country, "officer", e->officer,
                "detail", e->detail));
    }
    for (size_t i = 0; messages && i < c->nmessages; i++) {
        const enlace_delivery_t *d = c->messages[i];
        json_array_append_new(messages,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s%}", "seq", (json_int_t)d->seq, "step",
                d->consult_step ? d->consult_step : "", "answer",
                d->consult_answer ? d->consult_answer : "", "author", d->author_name,
                "author_fingerprint", d->author_fingerprint, "tlp", enlace_tlp_name(d->tlp), "text",
                d->body_len ? (const char *)d->body : "", d->body_len));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "consultation",
        cli_consult_info_json(c->info), "versions", versions, "targets", targets, "messages",
        messages, "addressees", s_strings(c->addressees, c->naddressees), "events", events);
}

/* ------------------------------------------------------------ text */

/* Text from the hub, without control characters but newlines. */
static void
s_put(const char *s, size_t n, const char *indent)
{
    fputs(indent, stdout);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            putchar('\n');
            if (i + 1 < n)
                fputs(indent, stdout);
        } else {
            putchar(c < 0x20 || c == 0x7f ? '?' : c);
        }
    }
    if (n == 0 || s[n - 1] != '\n')
        putchar('\n');
}

void
cli_print_consult_info(const enlace_consult_info_t *c)
{
    char when[48];
    s_local(c->opened_ms, when, sizeof when);
    printf(_("consultation %llu [%s, %s] -- %s\n"), (unsigned long long)c->id, s_stage(c->stage),
        c->state, c->title);
    printf(_("  opened by %s (PPT %s) at %s"), c->opened_by, c->ppt, when);
    if (c->ntroika) {
        printf(_("; Troika "));
        for (size_t i = 0; i < c->ntroika; i++)
            printf("%s%s", i ? "," : "", c->troika[i]);
    }
    printf(_("; text version %u\n"), c->version);
    if (!strcmp(c->state, "closed")) {
        printf(_("  closed: %s%s%s\n"), c->outcome, *c->reason ? " -- " : "", c->reason);
    } else {
        printf(_("  %u of %u countries answered the %s\n"), c->answered, c->addressed,
            s_stage(c->stage));
    }
}

/* The message of a consultation with sequence seq, or NULL. */
static const enlace_delivery_t *
s_message(const enlace_consult_t *c, uint64_t seq)
{
    for (size_t i = 0; seq && i < c->nmessages; i++)
        if (c->messages[i]->seq == seq)
            return c->messages[i];
    return NULL;
}

/* The lines of a text: pointers into it, and their lengths. */
typedef struct {
    const char **line;
    size_t *len;
    size_t n;
} lines_t;

static int
s_lines(const char *s, size_t n, lines_t *out)
{
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += s[i] == '\n';
    out->line = calloc(count, sizeof *out->line);
    out->len = calloc(count, sizeof *out->len);
    out->n = 0;
    if (!out->line || !out->len)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == '\n') {
            if (i > start || i < n) {
                out->line[out->n] = s + start;
                out->len[out->n++] = i - start;
            }
            start = i + 1;
        }
    return 0;
}

static int
s_same(const lines_t *a, size_t i, const lines_t *b, size_t j)
{
    return a->len[i] == b->len[j] && !memcmp(a->line[i], b->line[j], a->len[i]);
}

/* What changed from text a to text b, line by line (the longest common
 * subsequence): "- " removed, "+ " added, "  " kept. */
void
cli_print_diff(const char *a, size_t alen, const char *b, size_t blen)
{
    lines_t x = {0}, y = {0};
    unsigned *lcs = NULL;
    if (s_lines(a, alen, &x) != 0 || s_lines(b, blen, &y) != 0 || (x.n + 1) * (y.n + 1) > 4000000
        || !(lcs = calloc((x.n + 1) * (y.n + 1), sizeof *lcs))) {
        printf(_("  (the texts are too long to compare line by line)\n"));
        goto out;
    }
    size_t w = y.n + 1;
    for (size_t i = x.n; i-- > 0;)
        for (size_t j = y.n; j-- > 0;)
            lcs[i * w + j] = s_same(&x, i, &y, j)
                ? lcs[(i + 1) * w + j + 1] + 1
                : (lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                                                             : lcs[i * w + j + 1]);
    size_t i = 0, j = 0;
    while (i < x.n || j < y.n) {
        if (i < x.n && j < y.n && s_same(&x, i, &y, j)) {
            printf("  %.*s\n", (int)x.len[i], x.line[i]);
            i++;
            j++;
        } else if (i < x.n && (j == y.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
            printf("- %.*s\n", (int)x.len[i], x.line[i]);
            i++;
        } else {
            printf("+ %.*s\n", (int)y.len[j], y.line[j]);
            j++;
        }
    }
out:
    free(lcs);
    free(x.line);
    free(x.len);
    free(y.line);
    free(y.len);
}

void
cli_print_consult(const enlace_consult_t *c, int diff)
{
    cli_print_consult_info(c->info);
    unsigned last_stage = 99;
    for (size_t i = 0; i < c->ntargets; i++) {
        const enlace_consult_target_t *t = c->targets[i];
        if (t->stage != last_stage) {
            printf("  %s:\n", s_stage(t->stage));
            last_stage = t->stage;
        }
        printf("    %s  %-12s", t->country, t->state);
        if (*t->answer) {
            char at[48];
            s_local(t->answered_ms, at, sizeof at);
            printf(_(" %s by %s at %s%s"), t->answer, t->answered_by, at,
                t->late ? _(" (late)") : "");
            if (t->answers > 1)
                printf(_(" (the latest of %u answers)"), t->answers);
        }
        if (t->deadline_ms) {
            char zone[96], mine[48];
            s_in_zone(t->deadline_ms, t->zone, zone, sizeof zone);
            s_local(t->deadline_ms, mine, sizeof mine);
            printf(_("\n                  deadline %s (your time: %s)"), zone, mine);
            static const char *const steps[] = {"", N_("reminded"), N_("reminded on its last day"),
                N_("silent at its deadline"), N_("the ST told")};
            if (t->step >= 1 && t->step <= 4)
                printf("; %s", _(steps[t->step]));
        }
        putchar('\n');
        const enlace_delivery_t *m = s_message(c, t->answer_seq);
        if (m && m->body_len)
            s_put((const char *)m->body, m->body_len, "        | ");
    }
    for (size_t i = 0; i < c->nversions; i++) {
        const enlace_consult_version_t *v = c->versions[i];
        size_t len = 0;
        const char *text = enlace_consult_text(c, v->version, &len);
        printf(_("  text version %u (%s, #%llu):\n"), v->version, s_stage(v->stage),
            (unsigned long long)v->seq);
        if (text && !diff)
            s_put(text, len, "    ");
    }
    if (diff) {
        if (c->nversions < 2) {
            printf(_("  no earlier text to compare with\n"));
        } else {
            const enlace_consult_version_t *a = c->versions[c->nversions - 2];
            const enlace_consult_version_t *b = c->versions[c->nversions - 1];
            size_t alen = 0, blen = 0;
            const char *at = enlace_consult_text(c, a->version, &alen);
            const char *bt = enlace_consult_text(c, b->version, &blen);
            printf(_("  what changed from version %u to version %u:\n"), a->version, b->version);
            if (at && bt)
                cli_print_diff(at, alen, bt, blen);
        }
    }
    for (size_t i = 0; i < c->nmessages; i++) {
        const enlace_delivery_t *m = c->messages[i];
        if (!m->consult_step || strcmp(m->consult_step, "close") != 0)
            continue;
        printf(_("  report (%s):\n"), m->consult_outcome);
        s_put(m->body_len ? (const char *)m->body : "", m->body_len, "    ");
    }
}
