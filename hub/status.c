/*
 * status.c: DATA/status.json, written by the hub loop and read by
 * `enlace-hub status`.
 *
 * The file holds counts only: no names, keys, topics or message bodies. It is
 * replaced atomically (written to status.json.tmp, then renamed), so a
 * reader never sees half a file. JSON goes through jansson, never printf.
 */
#include "status.h"
#include "hub_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "cluster.h"
#include "config.h"
#include "log.h"

/* ---------------------------------------------------------------- writer */

static void
s_count(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int
s_by_officer(const void *a, const void *b)
{
    const session_t *x = *(const session_t *const *)a, *y = *(const session_t *const *)b;
    return x->officer_id < y->officer_id ? -1 : x->officer_id > y->officer_id;
}

static int64_t
s_file_size(const char *dir, const char *name)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static json_t *
s_archive_size(const char *data_dir)
{
    int64_t db = s_file_size(data_dir, ARCHIVE_FILE);
    int64_t wal = s_file_size(data_dir, ARCHIVE_FILE "-wal");
    return json_pack("{s:I,s:I,s:I}", "bytes", (json_int_t)(db + wal), "db_bytes", (json_int_t)db,
        "wal_bytes", (json_int_t)wal);
}

static void
s_iso_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The status object, or NULL when out of memory. */
static json_t *
s_build(const status_counters_t *c, sessions_t *sessions, const directory_t *dir, int64_t now)
{
    int n = sessions_count(sessions);
    session_t **list = calloc(n > 0 ? (size_t)n : 1, sizeof *list);
    if (!list)
        return NULL;
    json_int_t inflight = 0, blocked = 0;
    int k = 0;
    for (session_t *s = sessions_next(sessions, NULL); s && k < n; s = sessions_next(sessions, s)) {
        list[k++] = s;
        inflight += s->in_count;
        blocked += s->blocked != 0;
    }
    qsort(list, (size_t)k, sizeof *list, s_by_officer);

    /* An officer with two connections is one connected officer. */
    json_t *by_country = json_object(), *by_org = json_object(), *by_network = json_object();
    json_int_t officers = 0;
    for (int i = 0; i < k; i++) {
        if (i > 0 && list[i]->officer_id == list[i - 1]->officer_id)
            continue;
        officers++;
        const dir_entry_t *e = directory_find(dir, list[i]->fingerprint);
        if (!e)
            continue; /* revoked a moment ago: its session is on its way out */
        if (e->country[0])
            s_count(by_country, e->country);
        else if (e->org[0])
            s_count(by_org, e->org);
        for (int m = 0; m < e->nmemberships; m++)
            s_count(by_network, e->memberships[m].network);
    }
    free(list);

    char started[32], updated[32];
    s_iso_time(c->started_ms, started, sizeof started);
    s_iso_time(now, updated, sizeof updated);
    json_t *archive = s_archive_size(c->data_dir);
    if (archive)
        json_object_set_new(archive, "last_seq", json_integer((json_int_t)c->last_seq));
    json_t *root = json_pack("{s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:i,s:I,s:{s:o,s:o,s:o},"
                             "s:{s:I,s:I},s:o*,s:{s:I,s:I}}",
        "version", ENLACE_VERSION, "pid", (json_int_t)getpid(), "started", started, "updated",
        updated, "updated_ms", (json_int_t)now, "started_ms", (json_int_t)c->started_ms, "uptime_s",
        (json_int_t)((now - c->started_ms) / 1000), "bind", c->bind ? c->bind : "", "sessions", k,
        "officers_connected", officers, "connected", "by_country", by_country, "by_organisation",
        by_org, "by_network", by_network, "queues", "inflight", inflight, "blocked_sessions",
        blocked, "archive", archive, "this_run", "stored", (json_int_t)c->stored_total, "delivered",
        (json_int_t)c->delivered_total);
    if (root && c->extra)
        c->extra(c->extra_arg, root);
    return root;
}

void
status_refresh(hub_t *self, int64_t now)
{
    status_counters_t c = {self->cfg->data_dir, self->cfg->bind, self->started_ms, self->head,
        self->stored_total, self->delivered_total, NULL, NULL};
    if (self->leader) {
        c.extra = self->leader->status;
        c.extra_arg = self->leader->arg;
    }
    status_write(&c, self->sessions, self->dir, now);
    self->next_status = now + STATUS_INTERVAL_MS;
}

int
status_write(const status_counters_t *c, sessions_t *sessions, const directory_t *dir,
    int64_t now_ms)
{
    char tmp[4200], path[4200];
    snprintf(tmp, sizeof tmp, "%s/" STATUS_FILE ".tmp", c->data_dir);
    snprintf(path, sizeof path, "%s/" STATUS_FILE, c->data_dir);
    json_t *root = s_build(c, sessions, dir, now_ms);
    if (!root) {
        log_warn("status: out of memory");
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    int rc = -1;
    if (fd < 0) {
        log_warn("status: cannot write %s: %s", tmp, strerror(errno));
    } else {
        /* 0640 whatever the umask: the hub's group may monitor it. */
        if (fchmod(fd, 0640) != 0 || json_dumpfd(root, fd, JSON_INDENT(2) | JSON_SORT_KEYS) != 0
            || write(fd, "\n", 1) != 1)
            log_warn("status: cannot write %s: %s", tmp, strerror(errno));
        else
            rc = 0;
        if (close(fd) != 0)
            rc = -1;
        if (rc == 0 && rename(tmp, path) != 0) {
            log_warn("status: cannot rename %s: %s", tmp, strerror(errno));
            rc = -1;
        }
        if (rc != 0)
            unlink(tmp);
    }
    json_decref(root);
    return rc;
}

void
status_remove(const char *data_dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" STATUS_FILE, data_dir);
    unlink(path);
}

/* ---------------------------------------------------------------- reader */

static int
s_count_alert(const archive_alert_t *a, void *arg)
{
    (void)a;
    (*(json_int_t *)arg)++;
    return 0;
}

static int
s_count_target(const archive_target_t *t, void *arg)
{
    (void)t;
    (*(json_int_t *)arg)++;
    return 0;
}

static int
s_add_count(const char *network, int64_t count, void *arg)
{
    json_object_set_new(arg, network ? network : "", json_integer((json_int_t)count));
    return 0;
}

/* Why the hub is not running, or NULL if it is (status file in *hub). */
static const char *
s_check_running(const char *data_dir, json_t **hub, char *why, size_t cap)
{
    char path[4200];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/" STATUS_FILE, data_dir);
    *hub = NULL;
    if (access(path, F_OK) != 0) {
        snprintf(why, cap, "no %s: the hub is stopped, or has not written it yet", path);
        return why;
    }
    json_t *h = json_load_file(path, 0, &jerr);
    if (!h) {
        snprintf(why, cap, "%s: %s", path, jerr.text);
        return why;
    }
    json_int_t pid = json_integer_value(json_object_get(h, "pid"));
    json_int_t updated = json_integer_value(json_object_get(h, "updated_ms"));
    int64_t age = archive_now_ms() - (int64_t)updated;
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        snprintf(why, cap, "process %lld is gone (stale %s)", (long long)pid, path);
    else if (age > STATUS_STALE_MS)
        snprintf(why, cap, "%s was last written %lld s ago (the hub is stuck or stopped)", path,
            (long long)(age / 1000));
    else {
        *hub = h;
        return NULL;
    }
    json_decref(h);
    return why;
}

static void
s_print_counts(FILE *out, const char *label, json_t *obj)
{
    const char *key;
    json_t *v;
    fprintf(out, "%s:", label);
    if (!json_object_size(obj))
        fprintf(out, " none");
    int first = 1;
    json_object_foreach(obj, key, v)
    {
        fprintf(out, "%s %s %lld", first ? "" : ",", key, (long long)json_integer_value(v));
        first = 0;
    }
    fprintf(out, "\n");
}

static void
s_print_bytes(char *out, size_t cap, json_int_t b)
{
    if (b >= 1024 * 1024)
        snprintf(out, cap, "%.1f MiB", (double)b / (1024.0 * 1024.0));
    else if (b >= 1024)
        snprintf(out, cap, "%.1f KiB", (double)b / 1024.0);
    else
        snprintf(out, cap, "%lld bytes", (long long)b);
}

static void
s_print_text(FILE *out, json_t *r)
{
    json_t *hub = json_object_get(r, "hub");
    if (json_is_true(json_object_get(r, "running"))) {
        long long up = (long long)json_integer_value(json_object_get(hub, "uptime_s"));
        fprintf(out,
            "enlace-hub %s running, pid %lld, up %lldd %02lldh %02lldm %02llds (since %s)\n",
            json_string_value(json_object_get(hub, "version")),
            (long long)json_integer_value(json_object_get(hub, "pid")), up / 86400, up / 3600 % 24,
            up / 60 % 60, up % 60, json_string_value(json_object_get(hub, "started")));
        fprintf(out, "listening on %s\n", json_string_value(json_object_get(hub, "bind")));
        fprintf(out, "sessions: %lld (%lld officers connected)\n",
            (long long)json_integer_value(json_object_get(hub, "sessions")),
            (long long)json_integer_value(json_object_get(hub, "officers_connected")));
        json_t *conn = json_object_get(hub, "connected");
        s_print_counts(out, "connected by country", json_object_get(conn, "by_country"));
        s_print_counts(out, "connected by organisation", json_object_get(conn, "by_organisation"));
        s_print_counts(out, "connected by network", json_object_get(conn, "by_network"));
        json_t *q = json_object_get(hub, "queues");
        fprintf(out, "queues: %lld deliveries in flight, %lld sessions blocked\n",
            (long long)json_integer_value(json_object_get(q, "inflight")),
            (long long)json_integer_value(json_object_get(q, "blocked_sessions")));
        json_t *run = json_object_get(hub, "this_run");
        fprintf(out, "this run: %lld messages stored, %lld deliveries\n",
            (long long)json_integer_value(json_object_get(run, "stored")),
            (long long)json_integer_value(json_object_get(run, "delivered")));
        cluster_print_status(out, json_object_get(hub, "cluster"));
    } else {
        fprintf(out, "hub not running: %s\n", json_string_value(json_object_get(r, "reason")));
    }
    json_t *a = json_object_get(r, "archive");
    char total[32], db[32], wal[32];
    s_print_bytes(total, sizeof total, json_integer_value(json_object_get(a, "bytes")));
    s_print_bytes(db, sizeof db, json_integer_value(json_object_get(a, "db_bytes")));
    s_print_bytes(wal, sizeof wal, json_integer_value(json_object_get(a, "wal_bytes")));
    fprintf(out, "archive: %s (%s + %s of write-ahead log), last sequence %lld\n", total, db, wal,
        (long long)json_integer_value(json_object_get(a, "last_seq")));
    fprintf(out, "messages stored: %lld\n",
        (long long)json_integer_value(json_object_get(r, "messages_total")));
    s_print_counts(out, "messages by network", json_object_get(r, "messages_by_network"));
    json_t *al = json_object_get(r, "alerts");
    fprintf(out, "alerts: %lld open, %lld acknowledgements overdue\n",
        (long long)json_integer_value(json_object_get(al, "open")),
        (long long)json_integer_value(json_object_get(al, "overdue_acknowledgements")));
}

/* ------------------------------------------------------- Prometheus text */

/* One metric family: HELP and TYPE lines, then its samples. */
static void
s_prom_family(FILE *out, const char *name, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
s_prom_value(FILE *out, const char *name, json_t *v)
{
    fprintf(out, "%s %lld\n", name, (long long)json_integer_value(v));
}

static void
s_prom_metric(FILE *out, const char *name, const char *type, const char *help, json_t *v)
{
    s_prom_family(out, name, type, help);
    s_prom_value(out, name, v);
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

/* A family with one sample per key of obj, the key as the label. */
static void
s_prom_by(FILE *out, const char *name, const char *help, const char *label, json_t *obj)
{
    s_prom_family(out, name, "gauge", help);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        fprintf(out, "%s{%s=\"", name, label);
        s_prom_label(out, key);
        fprintf(out, "\"} %lld\n", (long long)json_integer_value(v));
    }
}

/* The report in the Prometheus text exposition format (0.0.4), for the
 * node exporter's textfile collector or any scraper of files. Metrics of
 * the running hub are left out when it is not running; enlace_up says so. */
static void
s_print_prometheus(FILE *out, json_t *r)
{
    json_t *hub = json_object_get(r, "hub");
    int up = json_is_true(json_object_get(r, "running"));
    s_prom_family(out, "enlace_up", "gauge", "1 if the hub is running and writing its status.");
    fprintf(out, "enlace_up %d\n", up);
    if (up) {
        s_prom_metric(out, "enlace_uptime_seconds", "gauge", "Seconds since the hub started.",
            json_object_get(hub, "uptime_s"));
        s_prom_metric(out, "enlace_sessions", "gauge", "Authenticated sessions open.",
            json_object_get(hub, "sessions"));
        s_prom_metric(out, "enlace_officers_connected", "gauge",
            "Officers with at least one session.", json_object_get(hub, "officers_connected"));
        json_t *conn = json_object_get(hub, "connected");
        s_prom_by(out, "enlace_officers_connected_by_country",
            "Officers connected, by member or observer country.", "country",
            json_object_get(conn, "by_country"));
        s_prom_by(out, "enlace_officers_connected_by_organisation",
            "Officers connected, by organisation.", "organisation",
            json_object_get(conn, "by_organisation"));
        s_prom_by(out, "enlace_officers_connected_by_network",
            "Officers connected, by network they belong to.", "network",
            json_object_get(conn, "by_network"));
        json_t *q = json_object_get(hub, "queues");
        s_prom_metric(out, "enlace_deliveries_in_flight", "gauge",
            "Deliveries sent and not yet acknowledged.", json_object_get(q, "inflight"));
        s_prom_metric(out, "enlace_sessions_blocked", "gauge", "Sessions whose send pipe is full.",
            json_object_get(q, "blocked_sessions"));
        json_t *run = json_object_get(hub, "this_run");
        s_prom_metric(out, "enlace_messages_stored_total", "counter",
            "Messages stored since the hub started.", json_object_get(run, "stored"));
        s_prom_metric(out, "enlace_deliveries_total", "counter",
            "Deliveries sent since the hub started.", json_object_get(run, "delivered"));
        cluster_print_prometheus(out, json_object_get(hub, "cluster"));
    }
    json_t *a = json_object_get(r, "archive");
    s_prom_metric(out, "enlace_archive_bytes", "gauge",
        "Archive size on disk, database and write-ahead log.", json_object_get(a, "bytes"));
    s_prom_metric(out, "enlace_archive_wal_bytes", "gauge", "Write-ahead log size on disk.",
        json_object_get(a, "wal_bytes"));
    s_prom_metric(out, "enlace_archive_last_seq", "gauge", "Sequence number of the last message.",
        json_object_get(a, "last_seq"));
    s_prom_metric(out, "enlace_archive_messages", "gauge", "Messages in the archive.",
        json_object_get(r, "messages_total"));
    s_prom_by(out, "enlace_archive_messages_by_network", "Messages in the archive, by network.",
        "network", json_object_get(r, "messages_by_network"));
    json_t *al = json_object_get(r, "alerts");
    s_prom_metric(out, "enlace_alerts_open", "gauge", "Alerts not yet closed.",
        json_object_get(al, "open"));
    s_prom_metric(out, "enlace_alert_acknowledgements_overdue", "gauge",
        "Countries past their deadline to acknowledge an alert.",
        json_object_get(al, "overdue_acknowledgements"));
}

int
status_show(int argc, char **argv)
{
    const char *data = NULL;
    status_format_t format = STATUS_TEXT;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && format == STATUS_TEXT)
            format = STATUS_JSON;
        else if (!strcmp(argv[i], "--prometheus") && format == STATUS_TEXT)
            format = STATUS_PROMETHEUS;
        else if (argv[i][0] != '-' && !data)
            data = argv[i];
        else {
            fprintf(stderr, "usage: enlace-hub status DATA [--json | --prometheus]\n");
            return 2;
        }
    }
    if (!data) {
        fprintf(stderr, "usage: enlace-hub status DATA [--json | --prometheus]\n");
        return 2;
    }
    return status_report(data, format, stdout, stderr);
}

int
status_report(const char *data, status_format_t format, FILE *out, FILE *errs)
{
    char path[4200], err[512], why[4400];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    if (access(path, F_OK) != 0) {
        fprintf(errs, "enlace-hub: %s has no archive; run 'enlace-hub init %s' first\n", data,
            data);
        return 1;
    }
    json_t *hub;
    const char *reason = s_check_running(data, &hub, why, sizeof why);

    /* The archive's own counts: read with a connection of our own, so the
     * hub loop never spends time on them. */
    archive_t *archive = archive_open(path, 0, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    if (!archive) {
        fprintf(errs, "enlace-hub: %s\n", err);
        json_decref(hub);
        return 1;
    }
    json_t *by_network = json_object();
    int64_t total = archive_message_count(archive);
    int64_t last_seq = (int64_t)archive_last_seq(archive);
    json_int_t open_alerts = 0, overdue = 0;
    if (!by_network || total < 0 || archive_message_counts(archive, s_add_count, by_network) != 0
        || archive_alerts_each(archive, 1, INT_MAX, s_count_alert, &open_alerts) != 0
        || archive_alert_due(archive, archive_now_ms(), s_count_target, &overdue) != 0) {
        fprintf(errs, "enlace-hub: %s\n", archive_error(archive));
        archive_destroy(&archive);
        json_decref(by_network);
        json_decref(hub);
        return 1;
    }
    archive_destroy(&archive);

    json_t *size = s_archive_size(data);
    json_object_set_new(size, "last_seq", json_integer((json_int_t)last_seq));
    json_t *report = json_pack("{s:b,s:o,s:I,s:o,s:{s:I,s:I}}", "running", reason == NULL,
        "archive", size, "messages_total", (json_int_t)total, "messages_by_network", by_network,
        "alerts", "open", open_alerts, "overdue_acknowledgements", overdue);
    if (!report) {
        fprintf(errs, "enlace-hub: out of memory\n");
        json_decref(hub);
        return 1;
    }
    if (hub) {
        json_object_del(hub, "archive"); /* ours is newer */
        json_object_set_new(report, "hub", hub);
    } else {
        json_object_set_new(report, "reason", json_string(reason));
    }
    if (format == STATUS_JSON) {
        char *text = json_dumps(report, JSON_INDENT(2));
        if (text)
            fprintf(out, "%s\n", text);
        free(text);
    } else if (format == STATUS_PROMETHEUS) {
        s_print_prometheus(out, report);
    } else {
        s_print_text(out, report);
    }
    json_decref(report);
    fflush(out);
    return reason ? 3 : 0;
}
