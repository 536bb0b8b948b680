/*
 * admin.c: the typed operations of directory administration (see admin.h):
 * the dispatch from an enlace.proto Admin request to its operation, and the
 * result builders the operations share (admin_int.h). The operations, one
 * concept a file: admin_officers.c (officers, keys, memberships),
 * admin_invites.c (observer invitations, the PPT), admin_records.c (audit,
 * statistics, status), admin_calendar.c (holidays, zones, the archive key).
 *
 * Each operation checks every value it is given (a request from the wire
 * may hold anything), with the messages the offline commands have always
 * printed. Results are built in malloc'd memory, as protobuf-c's own
 * decoder builds them, so that protobuf_c_message_free_unpacked frees them.
 */
#include "admin_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "topic.h"

/* ---------------------------------------------------------------- building results */

char *
admin_dup(const char *s)
{
    return strdup(s ? s : "");
}

/* Splits "a,b" into a malloc'd array of malloc'd strings; -1 out of memory. */
int
admin_split_list(const char *text, char ***out, size_t *n)
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
int
admin_join_list(char *out, size_t cap, char *const *list, size_t n)
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

Enlace__AdminResult *
admin_result_new(void)
{
    Enlace__AdminResult *r = malloc(sizeof *r);
    if (r)
        enlace__admin_result__init(r);
    return r;
}

Enlace__Officer *
admin_officer_of(const archive_key_row_t *row)
{
    Enlace__Officer *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    enlace__officer__init(o);
    o->id = row->officer_id;
    o->valid_from_ms = row->valid_from_ms;
    o->valid_until_ms = row->valid_until_ms;
    o->revoked_ms = row->revoked_ms;
    o->name = admin_dup(row->name);
    o->country = admin_dup(row->country);
    o->organisation = admin_dup(row->org);
    o->role = admin_dup(row->role);
    o->fingerprint = admin_dup(row->fingerprint);
    int split = admin_split_list(row->networks, &o->networks, &o->n_networks);
    if (!o->name || !o->country || !o->organisation || !o->role || !o->fingerprint || split) {
        protobuf_c_message_free_unpacked(&o->base, NULL);
        return NULL;
    }
    return o;
}

/* ---------------------------------------------------------------- dispatch */

const char *
admin_op_name(const Enlace__Admin *req)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &enlace__admin__descriptor, req->op_case);
    return f ? f->name : "none";
}

Enlace__ErrorCode
admin_run(admin_ctx_t *ctx, const Enlace__Admin *req, Enlace__AdminResult **result, char *why,
    size_t cap)
{
    *result = NULL;
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &enlace__admin__descriptor, req->op_case);
    if (!f || !*(void *const *)((const char *)req + f->offset))
        return FAIL(ENLACE__ERROR_CODE__ERR_MALFORMED, "an admin request names one operation");
    Enlace__AdminResult *r = admin_result_new();
    if (!r)
        return FAIL(E_INTERNAL, "out of memory");
    Enlace__ErrorCode code;
    switch (req->op_case) {
    case ENLACE__ADMIN__OP_OFFICER_ADD:
        code = admin_op_officer_add(ctx, req->officer_add, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_LIST:
        code = admin_op_officer_list(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_REVOKE:
        code = admin_op_officer_revoke(ctx, req->officer_revoke, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_KEY_ADD:
        code = admin_op_officer_key_add(ctx, req->officer_key_add, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_JOIN:
        code = admin_op_membership(ctx, req->officer_join->fingerprint, req->officer_join->network,
            req->officer_join->role, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_OFFICER_LEAVE:
        code = admin_op_membership(ctx, req->officer_leave->fingerprint,
            req->officer_leave->network, NULL, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_GRANT:
        code = admin_op_invite_grant(ctx, req->invite_grant, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_REVOKE:
        code = admin_op_invite_revoke(ctx, req->invite_revoke, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_INVITE_LIST:
        code = admin_op_invite_list(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_PPT_SET:
        code = admin_op_ppt_set(ctx, req->ppt_set, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_PPT_SHOW:
        code = admin_op_ppt_show(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_AUDIT:
        code = admin_op_audit(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_STATS:
        code = admin_op_stats(ctx, req->stats, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_STATUS:
        code = admin_op_status(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_HOLIDAY_ADD:
        code = admin_op_holiday_add(ctx, req->holiday_add, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_HOLIDAY_REMOVE:
        code = admin_op_holiday_remove(ctx, req->holiday_remove, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_HOLIDAY_LIST:
        code = admin_op_holiday_list(ctx, req->holiday_list, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_ZONE_SET:
        code = admin_op_zone_set(ctx, req->zone_set, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_ZONE_LIST:
        code = admin_op_zone_list(ctx, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_ARCHIVE_KEY_SET:
        code = admin_op_archive_key_set(ctx, req->archive_key_set, r, why, cap);
        break;
    case ENLACE__ADMIN__OP_ARCHIVE_KEY_SHOW:
        code = admin_op_archive_key_show(ctx, r, why, cap);
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
