/*
 * admin_records.c: the audit log, the statistics and the hub's status
 * (admin_int.h).
 */
#include "admin_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "topic.h"

/* ---------------------------------------------------------------- audit, stats */

typedef struct {
    Enlace__AuditEntry **list;
    size_t n, cap;
    int oom;
} audit_t;

static int
s_audit_row(const archive_audit_row_t *row, void *arg)
{
    audit_t *a = arg;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        Enlace__AuditEntry **grown = realloc(a->list, cap * sizeof *grown);
        if (!grown)
            return a->oom = 1;
        a->list = grown;
        a->cap = cap;
    }
    Enlace__AuditEntry *e = malloc(sizeof *e);
    if (!e)
        return a->oom = 1;
    enlace__audit_entry__init(e);
    a->list[a->n++] = e;
    e->id = row->id;
    e->ts_ms = row->ts_ms;
    e->officer_id = row->officer_id;
    e->fingerprint = admin_dup(row->fingerprint);
    e->action = admin_dup(row->action);
    e->outcome = admin_dup(row->outcome);
    e->detail = admin_dup(row->detail);
    if (!e->fingerprint || !e->action || !e->outcome || !e->detail)
        return a->oom = 1;
    return 0;
}

Enlace__ErrorCode
admin_op_audit(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    Enlace__AuditLog *log = malloc(sizeof *log);
    if (!log)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__audit_log__init(log);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_AUDIT;
    r->audit = log;
    audit_t a = {0};
    int rc = archive_audit_each(ctx->archive, s_audit_row, &a);
    log->entries = a.list;
    log->n_entries = a.n;
    if (a.oom)
        return FAIL(E_INTERNAL, "out of memory");
    return rc == 0 ? E_NONE : FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
}

typedef struct {
    Enlace__Statistic **list;
    size_t n, cap;
    int oom;
} stats_t;

static void
s_stat(const char *section, const char *key, int64_t value, void *arg)
{
    stats_t *s = arg;
    if (s->oom)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        Enlace__Statistic **grown = realloc(s->list, cap * sizeof *grown);
        if (!grown) {
            s->oom = 1;
            return;
        }
        s->list = grown;
        s->cap = cap;
    }
    Enlace__Statistic *f = malloc(sizeof *f);
    if (!f) {
        s->oom = 1;
        return;
    }
    enlace__statistic__init(f);
    s->list[s->n++] = f;
    f->section = admin_dup(section);
    f->key = admin_dup(key);
    f->value = value;
    s->oom = !f->section || !f->key;
}

Enlace__ErrorCode
admin_op_stats(admin_ctx_t *ctx, const Enlace__StatsQuery *q, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    if (q->from_ms < 0 || q->to_ms < 0)
        return FAIL(E_INVALID, "--from and --to take a UTC time like 2026-01-01T00:00:00Z");
    Enlace__Statistics *figures = malloc(sizeof *figures);
    if (!figures)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__statistics__init(figures);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_STATISTICS;
    r->statistics = figures;
    stats_t s = {0};
    int rc = archive_stats(ctx->archive, q->from_ms, q->to_ms ? q->to_ms : INT64_MAX, s_stat, &s);
    figures->figures = s.list;
    figures->n_figures = s.n;
    if (s.oom)
        return FAIL(E_INTERNAL, "out of memory");
    return rc == 0 ? E_NONE : FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
}

Enlace__ErrorCode
admin_op_status(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    if (!ctx->data_dir)
        return FAIL(E_INVALID, "the status is asked of a running hub");
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_STATUS;
    if (admin_status_report(ctx->data_dir, &r->status, why, cap) != 0)
        return E_INTERNAL;
    return E_NONE;
}
