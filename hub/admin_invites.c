/*
 * admin_invites.c: invite grant|revoke|list and ppt set|show (admin_int.h).
 */
#include "admin_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "topic.h"

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
    v->grantee = admin_dup(inv->grantee);
    v->network = admin_dup(inv->network);
    v->access = admin_dup(inv->access);
    v->created_by = admin_dup(inv->created_by);
    v->state = admin_dup(s_state(inv, now));
    int split = admin_split_list(inv->patterns, &v->topics, &v->n_topics);
    if (!v->grantee || !v->network || !v->access || !v->created_by || !v->state || split) {
        protobuf_c_message_free_unpacked(&v->base, NULL);
        return NULL;
    }
    return v;
}

typedef struct {
    int64_t id; /* one invitation (0: all) */
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
s_invitation_result(admin_ctx_t *ctx, int64_t id, Enlace__AdminResult *r, char *why, size_t cap)
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

Enlace__ErrorCode
admin_op_invite_grant(admin_ctx_t *ctx, const Enlace__InviteGrant *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    if (!*q->grantee || !*q->network || !*q->access
        || q->until_case == ENLACE__INVITE_GRANT__UNTIL__NOT_SET)
        return FAIL(E_INVALID,
            "invite grant needs --to, --network, --topics, --access and one "
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
            return FAIL(E_INVALID, "topic pattern '%s' must start with the invited network %s/", p,
                q->network);
    }
    if (q->n_topics == 0 || q->n_topics > 8)
        return FAIL(E_INVALID, "give 1 to 8 topic patterns");
    char topics[2048];
    if (admin_join_list(topics, sizeof topics, q->topics, q->n_topics) != 0)
        return FAIL(E_INVALID, "give 1 to 8 topic patterns");
    archive_invitation_t inv = {.grantee = q->grantee,
        .network = q->network,
        .patterns = topics,
        .access = q->access,
        .expires_ms = expires};
    int64_t id;
    if (archive_invitation_grant(ctx->archive, &inv, NULL, 0, &id) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_invitation_result(ctx, id, r, why, cap);
}

Enlace__ErrorCode
admin_op_invite_revoke(admin_ctx_t *ctx, const Enlace__InviteRevoke *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    if (q->id <= 0)
        return FAIL(E_INVALID, "an invitation id is a positive number");
    if (archive_invitation_revoke(ctx->archive, q->id, NULL, 0) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_invitation_result(ctx, q->id, r, why, cap);
}

Enlace__ErrorCode
admin_op_invite_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
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
    if (!(p->country = admin_dup(country))) {
        free(p);
        return NULL;
    }
    return p;
}

Enlace__ErrorCode
admin_op_ppt_set(admin_ctx_t *ctx, const Enlace__PptSet *q, Enlace__AdminResult *r, char *why,
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

Enlace__ErrorCode
admin_op_ppt_show(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
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
