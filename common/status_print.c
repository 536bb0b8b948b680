/*
 * status_print.c: the hub's status report as `enlace admin status` prints
 * it: the text, JSON and Prometheus forms of `enlace-hub status DATA`
 * (hub/status.c), from the typed report.
 */
#include "admin_print.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* Here, not in admin_print.c, so that the two halves of admin_print.h call
 * one way only (admin_print.c uses admin_print_status). */
void
admin_iso_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
s_counts(const enlace_count_t *const *list, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++)
        json_object_set_new(o, list[i]->key, json_integer((json_int_t)list[i]->value));
    return o;
}

/* The report as `enlace-hub status DATA --json` prints it: the hub's own
 * part keeps the sorted keys of the status file it comes from. */
static json_t *
s_json(const enlace_status_t *s)
{
    json_t *r = json_pack("{s:b, s:{s:I, s:I, s:I, s:I}, s:I, s:o, s:{s:I, s:I}}", "running",
        s->running, "archive", "bytes", (json_int_t)s->archive_bytes, "db_bytes",
        (json_int_t)s->db_bytes, "wal_bytes", (json_int_t)s->wal_bytes, "last_seq",
        (json_int_t)s->last_seq, "messages_total", (json_int_t)s->messages_total,
        "messages_by_network", s_counts(s->messages_by_network, s->nmessages_by_network), "alerts",
        "open", (json_int_t)s->alerts_open, "overdue_acknowledgements",
        (json_int_t)s->overdue_acknowledgements);
    if (!r)
        return NULL;
    if (!s->running) {
        json_object_set_new(r, "reason", json_string(s->reason));
        return r;
    }
    char started[32], updated[32];
    admin_iso_time(s->started_ms, started, sizeof started);
    admin_iso_time(s->updated_ms, updated, sizeof updated);
    json_t *hub = json_pack("{s:s, s:{s:o, s:o, s:o}, s:I, s:I, s:{s:I, s:I}, s:I, s:s, s:I, "
                            "s:{s:I, s:I}, s:s, s:I, s:I, s:s}",
        "bind", s->bind, "connected", "by_country",
        s_counts(s->connected_by_country, s->nconnected_by_country), "by_network",
        s_counts(s->connected_by_network, s->nconnected_by_network), "by_organisation",
        s_counts(s->connected_by_organisation, s->nconnected_by_organisation), "officers_connected",
        (json_int_t)s->officers_connected, "pid", (json_int_t)s->pid, "queues", "blocked_sessions",
        (json_int_t)s->blocked_sessions, "inflight", (json_int_t)s->inflight, "sessions",
        (json_int_t)s->sessions, "started", started, "started_ms", (json_int_t)s->started_ms,
        "this_run", "delivered", (json_int_t)s->delivered, "stored", (json_int_t)s->stored,
        "updated", updated, "updated_ms", (json_int_t)s->updated_ms, "uptime_s",
        (json_int_t)s->uptime_s, "version", s->version);
    json_object_set_new(r, "hub", hub);
    return r;
}

static void
s_print_counts(FILE *out, const char *label, const enlace_count_t *const *list, size_t n)
{
    fprintf(out, "%s:", label);
    if (!n)
        fprintf(out, " none");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s %s %lld", i ? "," : "", list[i]->key, (long long)list[i]->value);
    fprintf(out, "\n");
}

static void
s_print_bytes(char *out, size_t cap, int64_t b)
{
    if (b >= 1024 * 1024)
        snprintf(out, cap, "%.1f MiB", (double)b / (1024.0 * 1024.0));
    else if (b >= 1024)
        snprintf(out, cap, "%.1f KiB", (double)b / 1024.0);
    else
        snprintf(out, cap, "%lld bytes", (long long)b);
}

static void
s_text(FILE *out, const enlace_status_t *s)
{
    if (s->running) {
        long long up = (long long)s->uptime_s;
        char started[32];
        admin_iso_time(s->started_ms, started, sizeof started);
        fprintf(out,
            "enlace-hub %s running, pid %lld, up %lldd %02lldh %02lldm %02llds (since %s)\n",
            s->version, (long long)s->pid, up / 86400, up / 3600 % 24, up / 60 % 60, up % 60,
            started);
        fprintf(out, "listening on %s\n", s->bind);
        fprintf(out, "sessions: %lld (%lld officers connected)\n", (long long)s->sessions,
            (long long)s->officers_connected);
        s_print_counts(out, "connected by country", s->connected_by_country,
            s->nconnected_by_country);
        s_print_counts(out, "connected by organisation", s->connected_by_organisation,
            s->nconnected_by_organisation);
        s_print_counts(out, "connected by network", s->connected_by_network,
            s->nconnected_by_network);
        fprintf(out, "queues: %lld deliveries in flight, %lld sessions blocked\n",
            (long long)s->inflight, (long long)s->blocked_sessions);
        fprintf(out, "this run: %lld messages stored, %lld deliveries\n", (long long)s->stored,
            (long long)s->delivered);
    } else {
        fprintf(out, "hub not running: %s\n", s->reason);
    }
    char total[32], db[32], wal[32];
    s_print_bytes(total, sizeof total, s->archive_bytes);
    s_print_bytes(db, sizeof db, s->db_bytes);
    s_print_bytes(wal, sizeof wal, s->wal_bytes);
    fprintf(out, "archive: %s (%s + %s of write-ahead log), last sequence %lld\n", total, db, wal,
        (long long)s->last_seq);
    fprintf(out, "messages stored: %lld\n", (long long)s->messages_total);
    s_print_counts(out, "messages by network", s->messages_by_network, s->nmessages_by_network);
    fprintf(out, "alerts: %lld open, %lld acknowledgements overdue\n", (long long)s->alerts_open,
        (long long)s->overdue_acknowledgements);
}

/* ------------------------------------------------------- Prometheus text */

static void
s_prom_family(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
s_prom_metric(FILE *out, const char *name, const char *type, const char *help, int64_t v)
{
    s_prom_family(out, name, type, help);
    fprintf(out, "%s %lld\n", name, (long long)v);
}

/* A label value as the exposition format wants it: backslash, double quote
 * and newline escaped. */
static void
s_prom_label(FILE *out, const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else
            fputc(*c, out);
    }
}

static void
s_prom_by(FILE *out, const char *name, const char *help, const char *label,
    const enlace_count_t *const *list, size_t n)
{
    s_prom_family(out, name, "gauge", help);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s{%s=\"", name, label);
        s_prom_label(out, list[i]->key);
        fprintf(out, "\"} %lld\n", (long long)list[i]->value);
    }
}

static void
s_prometheus(FILE *out, const enlace_status_t *s)
{
    s_prom_family(out, "enlace_up", "gauge", "1 if the hub is running and writing its status.");
    fprintf(out, "enlace_up %d\n", s->running ? 1 : 0);
    if (s->running) {
        s_prom_metric(out, "enlace_uptime_seconds", "gauge", "Seconds since the hub started.",
            s->uptime_s);
        s_prom_metric(out, "enlace_sessions", "gauge", "Authenticated sessions open.", s->sessions);
        s_prom_metric(out, "enlace_officers_connected", "gauge",
            "Officers with at least one session.", s->officers_connected);
        s_prom_by(out, "enlace_officers_connected_by_country",
            "Officers connected, by member or observer country.", "country",
            s->connected_by_country, s->nconnected_by_country);
        s_prom_by(out, "enlace_officers_connected_by_organisation",
            "Officers connected, by organisation.", "organisation", s->connected_by_organisation,
            s->nconnected_by_organisation);
        s_prom_by(out, "enlace_officers_connected_by_network",
            "Officers connected, by network they belong to.", "network", s->connected_by_network,
            s->nconnected_by_network);
        s_prom_metric(out, "enlace_deliveries_in_flight", "gauge",
            "Deliveries sent and not yet acknowledged.", s->inflight);
        s_prom_metric(out, "enlace_sessions_blocked", "gauge", "Sessions whose send pipe is full.",
            s->blocked_sessions);
        s_prom_metric(out, "enlace_messages_stored_total", "counter",
            "Messages stored since the hub started.", s->stored);
        s_prom_metric(out, "enlace_deliveries_total", "counter",
            "Deliveries sent since the hub started.", s->delivered);
    }
    s_prom_metric(out, "enlace_archive_bytes", "gauge",
        "Archive size on disk, database and write-ahead log.", s->archive_bytes);
    s_prom_metric(out, "enlace_archive_wal_bytes", "gauge", "Write-ahead log size on disk.",
        s->wal_bytes);
    s_prom_metric(out, "enlace_archive_last_seq", "gauge", "Sequence number of the last message.",
        s->last_seq);
    s_prom_metric(out, "enlace_archive_messages", "gauge", "Messages in the archive.",
        s->messages_total);
    s_prom_by(out, "enlace_archive_messages_by_network", "Messages in the archive, by network.",
        "network", s->messages_by_network, s->nmessages_by_network);
    s_prom_metric(out, "enlace_alerts_open", "gauge", "Alerts not yet closed.", s->alerts_open);
    s_prom_metric(out, "enlace_alert_acknowledgements_overdue", "gauge",
        "Countries past their deadline to acknowledge an alert.", s->overdue_acknowledgements);
}

void
admin_print_status(FILE *out, const enlace_status_t *s, const admin_format_t *format)
{
    if (format->json) {
        json_t *r = s_json(s);
        char *text = r ? json_dumps(r, JSON_INDENT(2)) : NULL;
        if (text)
            fprintf(out, "%s\n", text);
        free(text);
        json_decref(r);
    } else if (format->prometheus) {
        s_prometheus(out, s);
    } else {
        s_text(out, s);
    }
}
