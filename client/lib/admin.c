/*
 * admin.c: directory administration over the wire (st and admin roles):
 * one typed Admin request per call, its AdminResult seen as enlace.h's
 * structs (common/admin_view, shared with the hub's offline commands).
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_view.h"

/* What every result object holds besides its view: the reply it points
 * into, and the arena its views live in. */
typedef struct {
    Enlace__Frame *frame; /* owned */
    arena_t arena;
} holder_t;

typedef struct {
    enlace_officer_t pub; /* must be first: the caller sees this */
    holder_t h;
} officer_t;

typedef struct {
    enlace_officer_list_t pub;
    holder_t h;
} officer_list_t;

typedef struct {
    enlace_invitation_t pub;
    holder_t h;
} invitation_t;

typedef struct {
    enlace_invitation_list_t pub;
    holder_t h;
} invitation_list_t;

typedef struct {
    enlace_audit_t pub;
    holder_t h;
} audit_t;

typedef struct {
    enlace_stats_t pub;
    holder_t h;
} stats_t;

typedef struct {
    enlace_status_t pub;
    holder_t h;
} status_t;

typedef struct {
    enlace_holiday_list_t pub;
    holder_t h;
} holiday_list_t;

typedef struct {
    enlace_zone_list_t pub;
    holder_t h;
} zone_list_t;

static void
s_holder_free(holder_t *h)
{
    arena_free(&h->arena);
    enlace__frame__free_unpacked(h->frame, NULL);
}

/* Sends one operation and waits for its result, which must be of case
 * `want`. Returns the reply (caller frees) or NULL with *err set. */
static Enlace__Frame *
s_admin(enlace_client_t *self, Enlace__Admin *a, Enlace__AdminResult__ResultCase want, int *err)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    req.body_case = ENLACE__FRAME__BODY_ADMIN;
    req.admin = a;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_ADMIN_RESULT, err);
    if (!reply)
        return NULL;
    Enlace__AdminResult *r = reply->admin_result;
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &enlace__admin_result__descriptor, want);
    if (r->result_case != want || !f || !*(void *const *)((const char *)r + f->offset)) {
        enlace__frame__free_unpacked(reply, NULL);
        *err = enl_fail(self, ENLACE_EPROTO, "unexpected reply from the hub");
        return NULL;
    }
    return reply;
}

/* An officer result (add, key, revoke) for the caller, from its reply. */
static int
s_officer(enlace_client_t *self, Enlace__Frame *reply, enlace_officer_t **out)
{
    officer_t *o = calloc(1, sizeof *o);
    const enlace_officer_t *v = o ? admin_view_officer(&o->h.arena, reply->admin_result->officer)
                                  : NULL;
    if (!v) {
        if (o)
            arena_free(&o->h.arena);
        free(o);
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    o->pub = *v;
    o->h.frame = reply;
    enlace_officer_t *pub = &o->pub;
    if (out)
        *out = pub;
    else
        enlace_officer_destroy(&pub);
    return ENLACE_OK;
}

int
enlace_admin_officer_add(enlace_client_t *self, const enlace_officer_spec_t *spec,
    enlace_officer_t **out)
{
    if (out)
        *out = NULL;
    if (!spec || !spec->key)
        return enl_fail(self, ENLACE_EINVAL, "an officer needs a key");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerAdd q = ENLACE__OFFICER_ADD__INIT;
    q.public_key.data = (uint8_t *)spec->key;
    q.public_key.len = ENLACE_PUBLIC_KEY_BYTES;
    q.name = (char *)(spec->name ? spec->name : "");
    q.country = (char *)(spec->country ? spec->country : "");
    q.organisation = (char *)(spec->organisation ? spec->organisation : "");
    q.role = (char *)(spec->role ? spec->role : "");
    q.contact = (char *)(spec->contact ? spec->contact : "");
    q.networks = (char **)spec->networks;
    q.n_networks = spec->networks ? spec->nnetworks : 0;
    a.op_case = ENLACE__ADMIN__OP_OFFICER_ADD;
    a.officer_add = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_OFFICER, &err);
    return reply ? s_officer(self, reply, out) : err;
}

int
enlace_admin_officer_list(enlace_client_t *self, enlace_officer_list_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerList q = ENLACE__OFFICER_LIST__INIT;
    a.op_case = ENLACE__ADMIN__OP_OFFICER_LIST;
    a.officer_list = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_OFFICERS, &err);
    if (!reply)
        return err;
    officer_list_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__Officers *o = reply->admin_result->officers;
        l->pub.count = o->n_officers;
        l->pub.items = admin_view_officers(&l->h.arena, o->officers, o->n_officers);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_officer_list_t *pub = &l->pub;
            enlace_officer_list_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

int
enlace_admin_officer_revoke(enlace_client_t *self, const char *fingerprint, const uint8_t *key,
    enlace_officer_t **out)
{
    if (out)
        *out = NULL;
    if (!fingerprint == !key)
        return enl_fail(self, ENLACE_EINVAL, "name the key by its fingerprint or give it");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerRevoke q = ENLACE__OFFICER_REVOKE__INIT;
    if (fingerprint) {
        q.key_case = ENLACE__OFFICER_REVOKE__KEY_FINGERPRINT;
        q.fingerprint = (char *)fingerprint;
    } else {
        q.key_case = ENLACE__OFFICER_REVOKE__KEY_PUBLIC_KEY;
        q.public_key.data = (uint8_t *)key;
        q.public_key.len = ENLACE_PUBLIC_KEY_BYTES;
    }
    a.op_case = ENLACE__ADMIN__OP_OFFICER_REVOKE;
    a.officer_revoke = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_OFFICER, &err);
    return reply ? s_officer(self, reply, out) : err;
}

int
enlace_admin_officer_add_key(enlace_client_t *self, const char *fingerprint,
    const uint8_t key[ENLACE_PUBLIC_KEY_BYTES], int64_t valid_from_ms, int64_t valid_until_ms,
    enlace_officer_t **out)
{
    if (out)
        *out = NULL;
    if (!fingerprint || !key)
        return enl_fail(self, ENLACE_EINVAL, "a fingerprint and the new key are required");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerKeyAdd q = ENLACE__OFFICER_KEY_ADD__INIT;
    q.fingerprint = (char *)fingerprint;
    q.public_key.data = (uint8_t *)key;
    q.public_key.len = ENLACE_PUBLIC_KEY_BYTES;
    q.valid_from_ms = valid_from_ms;
    q.valid_until_ms = valid_until_ms;
    a.op_case = ENLACE__ADMIN__OP_OFFICER_KEY_ADD;
    a.officer_key_add = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_OFFICER, &err);
    return reply ? s_officer(self, reply, out) : err;
}

static int
s_membership(enlace_client_t *self, Enlace__Admin *a, int64_t *officer_id)
{
    int err;
    Enlace__Frame *reply = s_admin(self, a, ENLACE__ADMIN_RESULT__RESULT_MEMBERSHIP, &err);
    if (!reply)
        return err;
    if (officer_id)
        *officer_id = reply->admin_result->membership->officer_id;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_officer_join(enlace_client_t *self, const char *fingerprint, const char *network,
    const char *role, int64_t *officer_id)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerJoin q = ENLACE__OFFICER_JOIN__INIT;
    q.fingerprint = (char *)(fingerprint ? fingerprint : "");
    q.network = (char *)(network ? network : "");
    q.role = (char *)(role ? role : "");
    a.op_case = ENLACE__ADMIN__OP_OFFICER_JOIN;
    a.officer_join = &q;
    return s_membership(self, &a, officer_id);
}

int
enlace_admin_officer_leave(enlace_client_t *self, const char *fingerprint, const char *network,
    int64_t *officer_id)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__OfficerLeave q = ENLACE__OFFICER_LEAVE__INIT;
    q.fingerprint = (char *)(fingerprint ? fingerprint : "");
    q.network = (char *)(network ? network : "");
    a.op_case = ENLACE__ADMIN__OP_OFFICER_LEAVE;
    a.officer_leave = &q;
    return s_membership(self, &a, officer_id);
}

void
enlace_officer_destroy(enlace_officer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    officer_t *o = (officer_t *)*self_p;
    s_holder_free(&o->h);
    free(o);
    *self_p = NULL;
}

void
enlace_officer_list_destroy(enlace_officer_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    officer_list_t *l = (officer_list_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- invitations */

int
enlace_admin_invite_grant(enlace_client_t *self, const enlace_invite_spec_t *spec,
    enlace_invitation_t **out)
{
    *out = NULL;
    if (!spec)
        return enl_fail(self, ENLACE_EINVAL, "an invitation is required");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__InviteGrant q = ENLACE__INVITE_GRANT__INIT;
    q.grantee = (char *)(spec->grantee ? spec->grantee : "");
    q.network = (char *)(spec->network ? spec->network : "");
    q.access = (char *)(spec->access ? spec->access : "");
    q.topics = (char **)spec->topics;
    q.n_topics = spec->topics ? spec->ntopics : 0;
    if (spec->expires_ms) {
        q.until_case = ENLACE__INVITE_GRANT__UNTIL_EXPIRES_MS;
        q.expires_ms = spec->expires_ms;
    } else if (spec->duration_ms) {
        q.until_case = ENLACE__INVITE_GRANT__UNTIL_DURATION_MS;
        q.duration_ms = spec->duration_ms;
    }
    a.op_case = ENLACE__ADMIN__OP_INVITE_GRANT;
    a.invite_grant = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_INVITATION, &err);
    if (!reply)
        return err;
    invitation_t *inv = calloc(1, sizeof *inv);
    const enlace_invitation_t *v = inv
        ? admin_view_invitation(&inv->h.arena, reply->admin_result->invitation)
        : NULL;
    if (!v) {
        if (inv)
            arena_free(&inv->h.arena);
        free(inv);
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    inv->pub = *v;
    inv->h.frame = reply;
    *out = &inv->pub;
    return ENLACE_OK;
}

int
enlace_admin_invite_revoke(enlace_client_t *self, int64_t id)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__InviteRevoke q = ENLACE__INVITE_REVOKE__INIT;
    q.id = id;
    a.op_case = ENLACE__ADMIN__OP_INVITE_REVOKE;
    a.invite_revoke = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_INVITATION, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_invite_list(enlace_client_t *self, enlace_invitation_list_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__InviteList q = ENLACE__INVITE_LIST__INIT;
    a.op_case = ENLACE__ADMIN__OP_INVITE_LIST;
    a.invite_list = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_INVITATIONS, &err);
    if (!reply)
        return err;
    invitation_list_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__Invitations *i = reply->admin_result->invitations;
        l->pub.count = i->n_invitations;
        l->pub.items = admin_view_invitations(&l->h.arena, i->invitations, i->n_invitations);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_invitation_list_t *pub = &l->pub;
            enlace_invitation_list_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

void
enlace_invitation_destroy(enlace_invitation_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    invitation_t *inv = (invitation_t *)*self_p;
    s_holder_free(&inv->h);
    free(inv);
    *self_p = NULL;
}

void
enlace_invitation_list_destroy(enlace_invitation_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    invitation_list_t *l = (invitation_list_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- ppt */

int
enlace_admin_ppt_set(enlace_client_t *self, const char *country, int year, int *year_out)
{
    if (year < 0)
        return enl_fail(self, ENLACE_EINVAL, "a year is 0 (this year) or more");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__PptSet q = ENLACE__PPT_SET__INIT;
    q.country = (char *)(country ? country : "");
    q.year = (uint32_t)year;
    a.op_case = ENLACE__ADMIN__OP_PPT_SET;
    a.ppt_set = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_PPT, &err);
    if (!reply)
        return err;
    if (year_out)
        *year_out = (int)reply->admin_result->ppt->year;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_ppt_show(enlace_client_t *self, enlace_troika_t *out)
{
    memset(out, 0, sizeof *out);
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__PptShow q = ENLACE__PPT_SHOW__INIT;
    a.op_case = ENLACE__ADMIN__OP_PPT_SHOW;
    a.ppt_show = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_TROIKA, &err);
    if (!reply)
        return err;
    admin_view_troika(reply->admin_result->troika, out);
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

/* ---------------------------------------------------------------- calendar */

int
enlace_admin_holiday_add(enlace_client_t *self, const char *country, const char *date,
    const char *name, int *added)
{
    if (added)
        *added = 0;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__HolidayAdd q = ENLACE__HOLIDAY_ADD__INIT;
    q.country = (char *)(country ? country : "");
    q.date = (char *)(date ? date : "");
    q.name = (char *)(name ? name : "");
    a.op_case = ENLACE__ADMIN__OP_HOLIDAY_ADD;
    a.holiday_add = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_HOLIDAY, &err);
    if (!reply)
        return err;
    if (added)
        *added = reply->admin_result->holiday->changed;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_holiday_remove(enlace_client_t *self, const char *country, const char *date)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__HolidayRemove q = ENLACE__HOLIDAY_REMOVE__INIT;
    q.country = (char *)(country ? country : "");
    q.date = (char *)(date ? date : "");
    a.op_case = ENLACE__ADMIN__OP_HOLIDAY_REMOVE;
    a.holiday_remove = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_HOLIDAY, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_holiday_list(enlace_client_t *self, const char *country, enlace_holiday_list_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__HolidayList q = ENLACE__HOLIDAY_LIST__INIT;
    q.country = (char *)(country ? country : "");
    a.op_case = ENLACE__ADMIN__OP_HOLIDAY_LIST;
    a.holiday_list = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_HOLIDAYS, &err);
    if (!reply)
        return err;
    holiday_list_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__Holidays *h = reply->admin_result->holidays;
        l->pub.count = h->n_holidays;
        l->pub.items = admin_view_holidays(&l->h.arena, h->holidays, h->n_holidays);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_holiday_list_t *pub = &l->pub;
            enlace_holiday_list_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

void
enlace_holiday_list_destroy(enlace_holiday_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    holiday_list_t *l = (holiday_list_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

int
enlace_admin_zone_set(enlace_client_t *self, const char *country, const char *zone)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__ZoneSet q = ENLACE__ZONE_SET__INIT;
    q.country = (char *)(country ? country : "");
    q.zone = (char *)(zone ? zone : "");
    a.op_case = ENLACE__ADMIN__OP_ZONE_SET;
    a.zone_set = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_ZONE, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_zone_list(enlace_client_t *self, enlace_zone_list_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__ZoneList q = ENLACE__ZONE_LIST__INIT;
    a.op_case = ENLACE__ADMIN__OP_ZONE_LIST;
    a.zone_list = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_ZONES, &err);
    if (!reply)
        return err;
    zone_list_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__Zones *z = reply->admin_result->zones;
        l->pub.count = z->n_zones;
        l->pub.items = admin_view_zones(&l->h.arena, z->zones, z->n_zones);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_zone_list_t *pub = &l->pub;
            enlace_zone_list_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

void
enlace_zone_list_destroy(enlace_zone_list_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zone_list_t *l = (zone_list_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- archive key */

static int
s_archive_key(enlace_client_t *self, Enlace__Admin *a, enlace_archive_key_t *out)
{
    enlace_archive_key_t ignored;
    if (!out)
        out = &ignored;
    memset(out, 0, sizeof *out);
    int err;
    Enlace__Frame *reply = s_admin(self, a, ENLACE__ADMIN_RESULT__RESULT_ARCHIVE_KEY, &err);
    if (!reply)
        return err;
    admin_view_archive_key(reply->admin_result->archive_key, out);
    enlace__frame__free_unpacked(reply, NULL);
    return ENLACE_OK;
}

int
enlace_admin_archive_key_set(enlace_client_t *self, const uint8_t key[ENLACE_PUBLIC_KEY_BYTES],
    enlace_archive_key_t *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!key)
        return enl_fail(self, ENLACE_EINVAL, "the archive key is required");
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__ArchiveKeySet q = ENLACE__ARCHIVE_KEY_SET__INIT;
    q.public_key.data = (uint8_t *)key;
    q.public_key.len = ENLACE_PUBLIC_KEY_BYTES;
    a.op_case = ENLACE__ADMIN__OP_ARCHIVE_KEY_SET;
    a.archive_key_set = &q;
    return s_archive_key(self, &a, out);
}

int
enlace_admin_archive_key_show(enlace_client_t *self, enlace_archive_key_t *out)
{
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__ArchiveKeyShow q = ENLACE__ARCHIVE_KEY_SHOW__INIT;
    a.op_case = ENLACE__ADMIN__OP_ARCHIVE_KEY_SHOW;
    a.archive_key_show = &q;
    return s_archive_key(self, &a, out);
}

/* ---------------------------------------------------------------- audit, stats, status */

int
enlace_admin_audit(enlace_client_t *self, enlace_audit_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__AuditQuery q = ENLACE__AUDIT_QUERY__INIT;
    a.op_case = ENLACE__ADMIN__OP_AUDIT;
    a.audit = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_AUDIT, &err);
    if (!reply)
        return err;
    audit_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__AuditLog *log = reply->admin_result->audit;
        l->pub.count = log->n_entries;
        l->pub.items = admin_view_audit(&l->h.arena, log->entries, log->n_entries);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_audit_t *pub = &l->pub;
            enlace_audit_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

void
enlace_audit_destroy(enlace_audit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    audit_t *l = (audit_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

int
enlace_admin_stats(enlace_client_t *self, int64_t from_ms, int64_t to_ms, enlace_stats_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__StatsQuery q = ENLACE__STATS_QUERY__INIT;
    q.from_ms = from_ms;
    q.to_ms = to_ms;
    a.op_case = ENLACE__ADMIN__OP_STATS;
    a.stats = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_STATISTICS, &err);
    if (!reply)
        return err;
    stats_t *l = calloc(1, sizeof *l);
    if (l) {
        l->h.frame = reply;
        Enlace__Statistics *s = reply->admin_result->statistics;
        l->pub.count = s->n_figures;
        l->pub.items = admin_view_stats(&l->h.arena, s->figures, s->n_figures);
    }
    if (!l || !l->pub.items) {
        if (l) {
            enlace_stats_t *pub = &l->pub;
            enlace_stats_destroy(&pub);
        } else
            enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    *out = &l->pub;
    return ENLACE_OK;
}

void
enlace_stats_destroy(enlace_stats_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    stats_t *l = (stats_t *)*self_p;
    s_holder_free(&l->h);
    free(l);
    *self_p = NULL;
}

int
enlace_admin_status(enlace_client_t *self, enlace_status_t **out)
{
    *out = NULL;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    Enlace__StatusQuery q = ENLACE__STATUS_QUERY__INIT;
    a.op_case = ENLACE__ADMIN__OP_STATUS;
    a.status = &q;
    int err;
    Enlace__Frame *reply = s_admin(self, &a, ENLACE__ADMIN_RESULT__RESULT_STATUS, &err);
    if (!reply)
        return err;
    status_t *st = calloc(1, sizeof *st);
    const enlace_status_t *v = st ? admin_view_status(&st->h.arena, reply->admin_result->status)
                                  : NULL;
    if (!v) {
        if (st)
            arena_free(&st->h.arena);
        free(st);
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    st->pub = *v;
    st->h.frame = reply;
    *out = &st->pub;
    return ENLACE_OK;
}

void
enlace_status_destroy(enlace_status_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    status_t *st = (status_t *)*self_p;
    s_holder_free(&st->h);
    free(st);
    *self_p = NULL;
}
