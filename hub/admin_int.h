/*
 * admin_int.h: what the files of directory administration share (admin.c,
 * admin_officers.c, admin_invites.c, admin_records.c, admin_calendar.c): the
 * result
 * builders and one function per operation, each from its request to its
 * AdminResult. Every operation returns ERR_NONE, or a code with a one-line
 * reason in why (cap bytes).
 */
#ifndef ENLACE_ADMIN_INT_H
#define ENLACE_ADMIN_INT_H

#include "admin.h"

#define FAIL(code, ...) (snprintf(why, cap, __VA_ARGS__), (code))
#define E_INVALID ENLACE__ERROR_CODE__ERR_INVALID
#define E_NOT_FOUND ENLACE__ERROR_CODE__ERR_NOT_FOUND
#define E_INTERNAL ENLACE__ERROR_CODE__ERR_INTERNAL
#define E_NONE ENLACE__ERROR_CODE__ERR_NONE

/* Result builders, in malloc'd memory (protobuf_c_message_free_unpacked
 * frees them): a copy of s ("" for NULL); "a,b" split into an array (-1
 * out of memory; the caller's message owns *out even then); a list joined
 * with ',' into cap bytes (-1 if it does not fit); an empty AdminResult; an
 * Officer from a directory row. */
char *admin_dup(const char *s);
int admin_split_list(const char *text, char ***out, size_t *n);
int admin_join_list(char *out, size_t cap, char *const *list, size_t n);
Enlace__AdminResult *admin_result_new(void);
Enlace__Officer *admin_officer_of(const archive_key_row_t *row);

/* admin_officers.c; admin_op_membership joins (role) or leaves (NULL). */
Enlace__ErrorCode admin_op_officer_add(admin_ctx_t *ctx, const Enlace__OfficerAdd *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_officer_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why,
    size_t cap);
Enlace__ErrorCode admin_op_officer_revoke(admin_ctx_t *ctx, const Enlace__OfficerRevoke *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_officer_key_add(admin_ctx_t *ctx, const Enlace__OfficerKeyAdd *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_membership(admin_ctx_t *ctx, const char *fingerprint, const char *net,
    const char *role, Enlace__AdminResult *r, char *why, size_t cap);

/* admin_invites.c */
Enlace__ErrorCode admin_op_invite_grant(admin_ctx_t *ctx, const Enlace__InviteGrant *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_invite_revoke(admin_ctx_t *ctx, const Enlace__InviteRevoke *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_invite_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why,
    size_t cap);
Enlace__ErrorCode admin_op_ppt_set(admin_ctx_t *ctx, const Enlace__PptSet *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_ppt_show(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why,
    size_t cap);

/* admin_records.c */
Enlace__ErrorCode admin_op_audit(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_stats(admin_ctx_t *ctx, const Enlace__StatsQuery *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_status(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap);

/* admin_calendar.c */
Enlace__ErrorCode admin_op_holiday_add(admin_ctx_t *ctx, const Enlace__HolidayAdd *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_holiday_remove(admin_ctx_t *ctx, const Enlace__HolidayRemove *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_holiday_list(admin_ctx_t *ctx, const Enlace__HolidayList *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_zone_set(admin_ctx_t *ctx, const Enlace__ZoneSet *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_zone_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why,
    size_t cap);
Enlace__ErrorCode admin_op_archive_key_set(admin_ctx_t *ctx, const Enlace__ArchiveKeySet *q,
    Enlace__AdminResult *r, char *why, size_t cap);
Enlace__ErrorCode admin_op_archive_key_show(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why,
    size_t cap);

#endif
