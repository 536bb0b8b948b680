/*
 * admin.c: the typed operations of directory administration (see admin.h):
 * officer add|list|revoke|key|join|leave, invite grant|revoke|list, ppt
 * set|show, audit, stats and status, each from its enlace.proto request to
 * its AdminResult.
 *
 * Each operation checks every value it is given (a request from the wire
 * may hold anything), with the messages the offline commands have always
 * printed. Results are built in malloc'd memory, as protobuf-c's own
 * decoder builds them, so that protobuf_c_message_free_unpacked frees them.
 */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "topic.h"

#define FAIL(code, ...) (snprintf(why, cap, __VA_ARGS__), (code))
#define E_INVALID ENLACE__ERROR_CODE__ERR_INVALID
#define E_NOT_FOUND ENLACE__ERROR_CODE__ERR_NOT_FOUND
#define E_INTERNAL ENLACE__ERROR_CODE__ERR_INTERNAL
#define E_NONE ENLACE__ERROR_CODE__ERR_NONE

/* ---------------------------------------------------------------- building results */

static char *
s_dup(const char *s)
{
    return strdup(s ? s : "");
}

/* Splits "a,b" into a malloc'd array of malloc'd strings; -1 out of memory. */
static int
s_split(const char *text, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!text || !*text)
        return 0;
    char *copy = strdup(text), *save = NULL;
    size_t max = 1;
    for (const char *p = text; *p; p++)
        max += *p == ',';
    char **list = calloc(max, sizeof *list);
    if (!copy || !list) {
        free(copy);
        free(list);
        return -1;
    }
    *out = list; /* the caller's message owns it from here, even on failure */
    for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (!(list[*n] = strdup(p))) {
            free(copy);
            return -1;
        }
        (*n)++;
    }
    free(copy);
    return 0;
}

/* Joins list with ',' into a buffer of cap bytes; -1 if it does not fit. */
static int
s_join(char *out, size_t cap, char *const *list, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? "," : "", list[i]);
        if (w < 0 || (size_t)w >= cap - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}

static Enlace__AdminResult *
s_result(void)
{
    Enlace__AdminResult *r = malloc(sizeof *r);
    if (r)
        enlace__admin_result__init(r);
    return r;
}

static Enlace__Officer *
s_officer_of(const archive_key_row_t *row)
{
    Enlace__Officer *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    enlace__officer__init(o);
    o->id = row->officer_id;
    o->valid_from_ms = row->valid_from_ms;
    o->valid_until_ms = row->valid_until_ms;
    o->revoked_ms = row->revoked_ms;
    o->name = s_dup(row->name);
    o->country = s_dup(row->country);
    o->organisation = s_dup(row->org);
    o->role = s_dup(row->role);
    o->fingerprint = s_dup(row->fingerprint);
    int split = s_split(row->networks, &o->networks, &o->n_networks);
    if (!o->name || !o->country || !o->organisation || !o->role || !o->fingerprint || split) {
        protobuf_c_message_free_unpacked(&o->base, NULL);
        return NULL;
    }
    return o;
}

/* ---------------------------------------------------------------- the directory */

typedef struct {
    const char *fingerprint;   /* look for this key, or */
    const uint8_t *pk;         /* this one */
    Enlace__Officer *officer;  /* its entry (found and fully built) */
    uint8_t found_pk[32];
    int found;
    int oom;
} find_t;

static int
s_find(const archive_key_row_t *row, void *arg)
{
    find_t *f = arg;
    if (f->fingerprint ? strcmp(row->fingerprint, f->fingerprint) != 0
                       : memcmp(row->pk, f->pk, 32) != 0)
        return 0;
    memcpy(f->found_pk, row->pk, 32);
    f->found = 1;
    f->officer = s_officer_of(row);
    f->oom = f->officer == NULL;
    return 1;
}

/* The directory's entry for a key given by fingerprint or bytes: E_NONE
 * (f->officer set), E_NOT_FOUND or another code, with why. */
static Enlace__ErrorCode
s_lookup(admin_ctx_t *ctx, const char *fingerprint, const uint8_t *pk, find_t *f, char *why,
    size_t cap)
{
    memset(f, 0, sizeof *f);
    f->fingerprint = fingerprint;
    f->pk = pk;
    if (archive_keys_each(ctx->archive, s_find, f) != 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    if (f->oom)
        return FAIL(E_INTERNAL, "out of memory");
    if (!f->found) {
        if (fingerprint)
            return FAIL(E_NOT_FOUND, "no key with fingerprint %s in the directory", fingerprint);
        char fp[KEYS_FINGERPRINT_LEN];
        keys_fingerprint(pk, fp);
        return FAIL(E_NOT_FOUND, "key %s is not in the directory", fp);
    }
    return E_NONE;
}

/* A key from the wire: 32 bytes of a usable Ed25519 key. */
static int
s_key_ok(const ProtobufCBinaryData *key, uint8_t curve[KEYS_CURVE_BYTES])
{
    return key->len == KEYS_PUBLIC_BYTES && keys_init() == 0
        && keys_curve_from_public(key->data, curve) == 0;
}

/* The officer's entry for the key just written, as the result. */
static Enlace__ErrorCode
s_officer_result(admin_ctx_t *ctx, const char *fingerprint, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    find_t f;
    Enlace__ErrorCode code = s_lookup(ctx, fingerprint, NULL, &f, why, cap);
    if (code != E_NONE)
        return code;
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_OFFICER;
    r->officer = f.officer;
    return E_NONE;
}

static Enlace__ErrorCode
s_officer_add(admin_ctx_t *ctx, const Enlace__OfficerAdd *q, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    uint8_t curve[KEYS_CURVE_BYTES];
    char fp[KEYS_FINGERPRINT_LEN], nets[1024];
    if (!*q->name || !*q->role)
        return FAIL(E_INVALID, "officer add needs --key, --name and --role");
    if (!s_key_ok(&q->public_key, curve))
        return FAIL(E_INVALID, "not a usable key");
    if (s_join(nets, sizeof nets, q->networks, q->n_networks) != 0)
        return FAIL(E_INVALID, "too many networks");
    keys_fingerprint(q->public_key.data, fp);
    archive_officer_spec_t spec = {
        .name = q->name,
        .country = *q->country ? q->country : NULL,
        .org = *q->organisation ? q->organisation : NULL,
        .role = q->role,
        .networks = q->n_networks ? nets : NULL,
        .contact = *q->contact ? q->contact : NULL,
        .pk = q->public_key.data,
        .curve = curve,
        .fingerprint = fp,
    };
    int64_t id;
    if (archive_officer_add(ctx->archive, &spec, &id) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_officer_result(ctx, fp, r, why, cap);
}

typedef struct {
    Enlace__Officer **list;
    size_t n, cap;
    int oom;
} officers_t;

static int
s_officer_row(const archive_key_row_t *row, void *arg)
{
    officers_t *o = arg;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        Enlace__Officer **grown = realloc(o->list, cap * sizeof *grown);
        if (!grown)
            return o->oom = 1;
        o->list = grown;
        o->cap = cap;
    }
    if (!(o->list[o->n] = s_officer_of(row)))
        return o->oom = 1;
    o->n++;
    return 0;
}

static Enlace__ErrorCode
s_officer_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    Enlace__Officers *all = malloc(sizeof *all);
    if (!all)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__officers__init(all);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_OFFICERS;
    r->officers = all; /* freed with r, whatever happens next */
    officers_t o = {0};
    int rc = archive_keys_each(ctx->archive, s_officer_row, &o);
    all->officers = o.list;
    all->n_officers = o.n;
    if (o.oom)
        return FAIL(E_INTERNAL, "out of memory");
    if (rc != 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    return E_NONE;
}

static Enlace__ErrorCode
s_officer_revoke(admin_ctx_t *ctx, const Enlace__OfficerRevoke *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    uint8_t pk[KEYS_PUBLIC_BYTES], curve[KEYS_CURVE_BYTES];
    if (q->key_case == ENLACE__OFFICER_REVOKE__KEY_FINGERPRINT) {
        find_t f;
        Enlace__ErrorCode code = s_lookup(ctx, q->fingerprint, NULL, &f, why, cap);
        if (code != E_NONE)
            return code;
        protobuf_c_message_free_unpacked(&f.officer->base, NULL);
        memcpy(pk, f.found_pk, sizeof pk);
    } else if (q->key_case == ENLACE__OFFICER_REVOKE__KEY_PUBLIC_KEY
        && s_key_ok(&q->public_key, curve)) {
        memcpy(pk, q->public_key.data, sizeof pk);
    } else {
        return FAIL(E_INVALID, "give the officer's key: --key FILE.public");
    }
    int rc = archive_key_revoke(ctx->archive, pk, archive_now_ms());
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, fp);
    if (rc < 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    if (rc == 0)
        return FAIL(E_NOT_FOUND, "key %s is not in the directory", fp);
    return s_officer_result(ctx, fp, r, why, cap);
}

static Enlace__ErrorCode
s_officer_key_add(admin_ctx_t *ctx, const Enlace__OfficerKeyAdd *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    uint8_t curve[KEYS_CURVE_BYTES];
    if (!*q->fingerprint)
        return FAIL(E_INVALID, "give --fingerprint FP (see 'officer list')");
    find_t f;
    Enlace__ErrorCode code = s_lookup(ctx, q->fingerprint, NULL, &f, why, cap);
    if (code != E_NONE)
        return code;
    int64_t officer_id = f.officer->id;
    protobuf_c_message_free_unpacked(&f.officer->base, NULL);
    if (!s_key_ok(&q->public_key, curve))
        return FAIL(E_INVALID, "not a usable key");
    if (q->valid_from_ms < 0 || q->valid_until_ms < 0)
        return FAIL(E_INVALID, "--from and --until take a UTC time like 2026-12-31T23:59:00Z");
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(q->public_key.data, fp);
    if (archive_key_add(ctx->archive, officer_id, q->public_key.data, curve, fp,
            q->valid_from_ms, q->valid_until_ms)
        != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_officer_result(ctx, fp, r, why, cap);
}

static Enlace__ErrorCode
s_membership(admin_ctx_t *ctx, const char *fingerprint, const char *net, const char *role,
    Enlace__AdminResult *r, char *why, size_t cap)
{
    int join = role != NULL;
    if (!*net || (join && !*role))
        return FAIL(E_INVALID, join ? "officer join needs --fingerprint, --network and --role"
                                    : "officer leave needs --fingerprint and --network");
    if (!*fingerprint)
        return FAIL(E_INVALID, "give --fingerprint FP (see 'officer list')");
    find_t f;
    Enlace__ErrorCode code = s_lookup(ctx, fingerprint, NULL, &f, why, cap);
    if (code != E_NONE)
        return code;
    int64_t id = f.officer->id;
    protobuf_c_message_free_unpacked(&f.officer->base, NULL);
    if (join) {
        if (archive_membership_set(ctx->archive, id, net, role) != 0)
            return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    } else {
        int rc = archive_membership_remove(ctx->archive, id, net);
        if (rc < 0)
            return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
        if (rc == 0)
            return FAIL(E_NOT_FOUND, "officer %lld is not a member of %s", (long long)id, net);
    }
    Enlace__Membership *m = malloc(sizeof *m);
    if (!m)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__membership__init(m);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_MEMBERSHIP;
    r->membership = m;
    m->officer_id = id;
    m->network = s_dup(net);
    m->role = s_dup(join ? role : "");
    return m->network && m->role ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}

/* ---------------------------------------------------------------- invitations */

static const char *
s_state(const archive_invitation_t *inv, int64_t now)
{
    return inv->revoked_ms ? "revoked" : now >= inv->expires_ms ? "expired" : "active";
}

static Enlace__Invitation *
s_invitation_of(const archive_invitation_t *inv, int64_t now)
{
    Enlace__Invitation *v = malloc(sizeof *v);
    if (!v)
        return NULL;
    enlace__invitation__init(v);
    v->id = inv->id;
    v->expires_ms = inv->expires_ms;
    v->created_ms = inv->created_ms;
    v->revoked_ms = inv->revoked_ms;
    v->grantee = s_dup(inv->grantee);
    v->network = s_dup(inv->network);
    v->access = s_dup(inv->access);
    v->created_by = s_dup(inv->created_by);
    v->state = s_dup(s_state(inv, now));
    int split = s_split(inv->patterns, &v->topics, &v->n_topics);
    if (!v->grantee || !v->network || !v->access || !v->created_by || !v->state || split) {
        protobuf_c_message_free_unpacked(&v->base, NULL);
        return NULL;
    }
    return v;
}

typedef struct {
    int64_t id;                /* one invitation (0: all) */
    int64_t now;
    Enlace__Invitation **list;
    size_t n, cap;
    int oom;
} invitations_t;

static int
s_invitation_row(const archive_invitation_t *inv, void *arg)
{
    invitations_t *a = arg;
    if (a->id && inv->id != a->id)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        Enlace__Invitation **grown = realloc(a->list, cap * sizeof *grown);
        if (!grown)
            return a->oom = 1;
        a->list = grown;
        a->cap = cap;
    }
    if (!(a->list[a->n] = s_invitation_of(inv, a->now)))
        return a->oom = 1;
    a->n++;
    return a->id != 0; /* found the one asked for: stop */
}

/* Invitation id (0: every one) into a malloc'd list. */
static Enlace__ErrorCode
s_invitations(admin_ctx_t *ctx, int64_t id, invitations_t *a, char *why, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->id = id;
    a->now = archive_now_ms();
    int rc = archive_invitations_each(ctx->archive, s_invitation_row, a);
    if (a->oom)
        return FAIL(E_INTERNAL, "out of memory");
    if (rc < 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    return E_NONE;
}

/* The one invitation id as the result. */
static Enlace__ErrorCode
s_invitation_result(admin_ctx_t *ctx, int64_t id, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    invitations_t a;
    Enlace__ErrorCode code = s_invitations(ctx, id, &a, why, cap);
    if (code == E_NONE && a.n == 1) {
        r->result_case = ENLACE__ADMIN_RESULT__RESULT_INVITATION;
        r->invitation = a.list[0];
    } else {
        for (size_t i = 0; i < a.n; i++)
            protobuf_c_message_free_unpacked(&a.list[i]->base, NULL);
        if (code == E_NONE)
            code = FAIL(E_INTERNAL, "invitation %lld is not in the archive", (long long)id);
    }
    free(a.list);
    return code;
}

static Enlace__ErrorCode
s_invite_grant(admin_ctx_t *ctx, const Enlace__InviteGrant *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    if (!*q->grantee || !*q->network || !*q->access
        || q->until_case == ENLACE__INVITE_GRANT__UNTIL__NOT_SET)
        return FAIL(E_INVALID, "invite grant needs --to, --network, --topics, --access and one "
                               "of --for or --until");
    int64_t now = archive_now_ms(), expires;
    if (q->until_case == ENLACE__INVITE_GRANT__UNTIL_DURATION_MS) {
        if (q->duration_ms <= 0 || q->duration_ms > INT64_MAX / 2 - now)
            return FAIL(E_INVALID, "--for takes a duration like 90s, 15m, 1h or 7d");
        expires = now + q->duration_ms;
    } else {
        expires = q->expires_ms;
        if (expires <= now)
            return FAIL(E_INVALID, "--until is in the past");
    }
    /* Every pattern valid and inside the invited network. */
    for (size_t i = 0; i < q->n_topics; i++) {
        const char *p = q->topics[i];
        const char *bad = topic_check_pattern(p, strlen(p));
        char first[64];
        if (bad)
            return FAIL(E_INVALID, "topic pattern '%s': %s", p, bad);
        if (!topic_pattern_network(p, first, sizeof first) || strcmp(first, q->network) != 0)
            return FAIL(E_INVALID, "topic pattern '%s' must start with the invited network %s/",
                p, q->network);
    }
    if (q->n_topics == 0 || q->n_topics > 8)
        return FAIL(E_INVALID, "give 1 to 8 topic patterns");
    char topics[2048];
    if (s_join(topics, sizeof topics, q->topics, q->n_topics) != 0)
        return FAIL(E_INVALID, "give 1 to 8 topic patterns");
    archive_invitation_t inv = {.grantee = q->grantee, .network = q->network, .patterns = topics,
        .access = q->access, .expires_ms = expires};
    int64_t id;
    if (archive_invitation_grant(ctx->archive, &inv, NULL, 0, &id) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_invitation_result(ctx, id, r, why, cap);
}

static Enlace__ErrorCode
s_invite_revoke(admin_ctx_t *ctx, const Enlace__InviteRevoke *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    if (q->id <= 0)
        return FAIL(E_INVALID, "an invitation id is a positive number");
    if (archive_invitation_revoke(ctx->archive, q->id, NULL, 0) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_invitation_result(ctx, q->id, r, why, cap);
}

static Enlace__ErrorCode
s_invite_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    Enlace__Invitations *all = malloc(sizeof *all);
    if (!all)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__invitations__init(all);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_INVITATIONS;
    r->invitations = all;
    invitations_t a;
    Enlace__ErrorCode code = s_invitations(ctx, 0, &a, why, cap);
    all->invitations = a.list;
    all->n_invitations = a.n;
    return code;
}

/* ---------------------------------------------------------------- ppt */

static int
s_this_year(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

static Enlace__Ppt *
s_ppt_new(int year, const char *country)
{
    Enlace__Ppt *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    enlace__ppt__init(p);
    p->year = (uint32_t)year;
    if (!(p->country = s_dup(country))) {
        free(p);
        return NULL;
    }
    return p;
}

static Enlace__ErrorCode
s_ppt_set(admin_ctx_t *ctx, const Enlace__PptSet *q, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    if (!*q->country)
        return FAIL(E_INVALID, "ppt set needs --country CC");
    if (q->year > 9999)
        return FAIL(E_INVALID, "--year takes a year such as 2027");
    int year = q->year ? (int)q->year : s_this_year();
    if (archive_ppt_set(ctx->archive, year, q->country, NULL, 0) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_PPT;
    r->ppt = s_ppt_new(year, q->country);
    return r->ppt ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}

static Enlace__ErrorCode
s_ppt_show(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    Enlace__Troika *t = malloc(sizeof *t);
    if (!t)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__troika__init(t);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_TROIKA;
    r->troika = t;
    Enlace__Ppt **slots[] = {&t->previous, &t->current, &t->next};
    int year = s_this_year();
    for (int d = -1; d <= 1; d++) {
        char cc[8];
        int rc = archive_ppt_get(ctx->archive, year + d, cc, sizeof cc);
        if (rc < 0)
            return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
        if (!(*slots[d + 1] = s_ppt_new(year + d, rc ? cc : "")))
            return FAIL(E_INTERNAL, "out of memory");
    }
    return E_NONE;
}

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
    e->fingerprint = s_dup(row->fingerprint);
    e->action = s_dup(row->action);
    e->outcome = s_dup(row->outcome);
    e->detail = s_dup(row->detail);
    if (!e->fingerprint || !e->action || !e->outcome || !e->detail)
        return a->oom = 1;
    return 0;
}

static Enlace__ErrorCode
s_audit(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
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
    f->section = s_dup(section);
    f->key = s_dup(key);
    f->value = value;
    s->oom = !f->section || !f->key;
}

static Enlace__ErrorCode
s_stats(admin_ctx_t *ctx, const Enlace__StatsQuery *q, Enlace__AdminResult *r, char *why,
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

static Enlace__ErrorCode
s_status(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    if (!ctx->data_dir)
        return FAIL(E_INVALID, "the status is asked of a running hub");
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_STATUS;
    if (admin_status_report(ctx->data_dir, &r->status, why, cap) != 0)
        return E_INTERNAL;
    return E_NONE;
}

/* ---------------------------------------------------------------- dispatch */

const char *
admin_op_name(const Enlace__Admin *req)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&enlace__admin__descriptor, req->op_case);
    return f ? f->name : "none";
}

Enlace__ErrorCode
admin_run(admin_ctx_t *ctx, const Enlace__Admin *req, Enlace__AdminResult **result, char *why,
    size_t cap)
{
    *result = NULL;
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&enlace__admin__descriptor, req->op_case);
    if (!f || !*(void *const *)((const char *)req + f->offset))
        return FAIL(ENLACE__ERROR_CODE__ERR_MALFORMED, "an admin request names one operation");
    Enlace__AdminResult *r = s_result();
    if (!r)
        return FAIL(E_INTERNAL, "out of memory");
    Enlace__ErrorCode code;
    switch (req->op_case) {
    case ENLACE__ADMIN__OP_OFFICER_ADD:
        code = s_officer_add(ctx, req->officer_add, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_LIST:
        code = s_officer_list(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_REVOKE:
        code = s_officer_revoke(ctx, req->officer_revoke, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_KEY_ADD:
        code = s_officer_key_add(ctx, req->officer_key_add, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_JOIN:
        code = s_membership(ctx, req->officer_join->fingerprint, req->officer_join->network,
            req->officer_join->role, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_LEAVE:
        code = s_membership(ctx, req->officer_leave->fingerprint, req->officer_leave->network,
            NULL, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_GRANT:
        code = s_invite_grant(ctx, req->invite_grant, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_REVOKE:
        code = s_invite_revoke(ctx, req->invite_revoke, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_LIST:
        code = s_invite_list(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_PPT_SET:
        code = s_ppt_set(ctx, req->ppt_set, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_PPT_SHOW:
        code = s_ppt_show(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_AUDIT:
        code = s_audit(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_STATS:
        code = s_stats(ctx, req->stats, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_STATUS:
        code = s_status(ctx, r, why, cap);
        break;
    default:
        code = FAIL(ENLACE__ERROR_CODE__ERR_MALFORMED, "an admin request names one operation");
        break;
    }
    if (code != E_NONE) {
        admin_result_free(&r);
        return code;
    }
    *result = r;
    return E_NONE;
}

void
admin_result_free(Enlace__AdminResult **result_p)
{
    if (!result_p || !*result_p)
        return;
    protobuf_c_message_free_unpacked(&(*result_p)->base, NULL);
    *result_p = NULL;
}
