/*
 * admin_view: an AdminResult (enlace.proto) seen as libenlace's public
 * structs (enlace.h), for libenlace's administration calls and for the
 * hub's offline commands, which print through admin_print. The views point
 * into the message, which must outlive them; they are allocated in an
 * arena. Each function returns NULL (or -1) when memory runs out.
 */
#ifndef ENLACE_ADMIN_VIEW_H
#define ENLACE_ADMIN_VIEW_H

#include "admin_print.h"
#include "arena.h"
#include "enlace.h"
#include "enlace.pb-c.h"

const enlace_officer_t *admin_view_officer(arena_t *a, const Enlace__Officer *o);
const enlace_officer_t *const *admin_view_officers(arena_t *a, Enlace__Officer *const *list,
    size_t n);
const enlace_invitation_t *admin_view_invitation(arena_t *a, const Enlace__Invitation *inv);
const enlace_invitation_t *const *admin_view_invitations(arena_t *a,
    Enlace__Invitation *const *list, size_t n);
void admin_view_troika(const Enlace__Troika *t, enlace_troika_t *out);
const enlace_audit_entry_t *const *admin_view_audit(arena_t *a, Enlace__AuditEntry *const *list,
    size_t n);
const enlace_stat_t *const *admin_view_stats(arena_t *a, Enlace__Statistic *const *list, size_t n);
const enlace_holiday_t *const *admin_view_holidays(arena_t *a, Enlace__Holiday *const *list,
    size_t n);
const enlace_zone_t *const *admin_view_zones(arena_t *a, Enlace__Zone *const *list, size_t n);
void admin_view_archive_key(const Enlace__ArchiveKey *k, enlace_archive_key_t *out);
const enlace_status_t *admin_view_status(arena_t *a, const Enlace__StatusReport *r);

/* The whole result into *out (zeroed first). 0, or -1 out of memory. */
int admin_view_result(arena_t *a, const Enlace__AdminResult *res, admin_result_t *out);

#endif
