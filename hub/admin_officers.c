/*
 * admin_officers.c: officer add|list|revoke|key|join|leave (admin_int.h).
 */
#include "admin_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "topic.h"

/* ---------------------------------------------------------------- the directory */

typedef struct {
    const char *fingerprint;  /* look for this key, or */
    const uint8_t *pk;        /* this one */
    Enlace__Officer *officer; /* its entry (found and fully built) */
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
    f->officer = admin_officer_of(row);
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

Enlace__ErrorCode
admin_op_officer_add(admin_ctx_t *ctx, const Enlace__OfficerAdd *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    uint8_t curve[KEYS_CURVE_BYTES];
    char fp[KEYS_FINGERPRINT_LEN], nets[1024];
    if (!*q->name || !*q->role)
        return FAIL(E_INVALID, "officer add needs --key, --name and --role");
    if (!s_key_ok(&q->public_key, curve))
        return FAIL(E_INVALID, "not a usable key");
    if (admin_join_list(nets, sizeof nets, q->networks, q->n_networks) != 0)
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
    if (!(o->list[o->n] = admin_officer_of(row)))
        return o->oom = 1;
    o->n++;
    return 0;
}

Enlace__ErrorCode
admin_op_officer_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
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

Enlace__ErrorCode
admin_op_officer_revoke(admin_ctx_t *ctx, const Enlace__OfficerRevoke *q, Enlace__AdminResult *r,
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

Enlace__ErrorCode
admin_op_officer_key_add(admin_ctx_t *ctx, const Enlace__OfficerKeyAdd *q, Enlace__AdminResult *r,
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
    if (archive_key_add(ctx->archive, officer_id, q->public_key.data, curve, fp, q->valid_from_ms,
            q->valid_until_ms)
        != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    return s_officer_result(ctx, fp, r, why, cap);
}

Enlace__ErrorCode
admin_op_membership(admin_ctx_t *ctx, const char *fingerprint, const char *net, const char *role,
    Enlace__AdminResult *r, char *why, size_t cap)
{
    int join = role != NULL;
    if (!*net || (join && !*role))
        return FAIL(E_INVALID,
            join ? "officer join needs --fingerprint, --network and --role"
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
    m->network = admin_dup(net);
    m->role = admin_dup(join ? role : "");
    return m->network && m->role ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}
