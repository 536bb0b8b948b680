/*
 * admin_calendar.c: the consultation's calendar (each member country's
 * public holidays and the IANA zone it counts business days in) and the
 * ST's archive key, as typed operations (admin_int.h): what `enlace-hub
 * holiday|zone|archive-key DATA` does on the server, over the wire.
 *
 * The checks are the offline commands' own (admin_holiday_check is theirs
 * too). The archive layer audits every change with the acting key and, for
 * the calendar, records the reference data anew in the ledger, all in the
 * request's savepoint: nothing here commits.
 */
#include "admin_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "keys.h"
#include "topic.h"
#include "tz.h"

const char *
admin_holiday_check(archive_t *a, const char *country, const char *date, const char *name)
{
    int64_t day;
    const char *status = country ? archive_country_status(a, country) : NULL;
    if (!status || strcmp(status, "member") != 0)
        return "the country is not a member country's code (BZ, CA, CR, ...)";
    if (!date || tz_parse_date(date, &day) != 0)
        return "the date is not a real date written YYYY-MM-DD";
    size_t len = name ? strlen(name) : 0;
    if (len > ADMIN_HOLIDAY_NAME_MAX || (len && !topic_text_valid(name, len)))
        return "the name is text of at most 120 bytes";
    return NULL;
}

/* ---------------------------------------------------------------- holidays */

static Enlace__Holiday *
s_holiday_new(const char *country, const char *date, const char *name, int changed)
{
    Enlace__Holiday *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    enlace__holiday__init(h);
    h->country = admin_dup(country);
    h->date = admin_dup(date);
    h->name = admin_dup(name);
    h->changed = changed != 0;
    if (!h->country || !h->date || !h->name) {
        protobuf_c_message_free_unpacked(&h->base, NULL);
        return NULL;
    }
    return h;
}

Enlace__ErrorCode
admin_op_holiday_add(admin_ctx_t *ctx, const Enlace__HolidayAdd *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    const char *bad = admin_holiday_check(ctx->archive, q->country, q->date, q->name);
    if (bad)
        return FAIL(E_INVALID, "%s", bad);
    int added = archive_holiday_add(ctx->archive, q->country, q->date, q->name, NULL, 0);
    if (added < 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_HOLIDAY;
    r->holiday = s_holiday_new(q->country, q->date, q->name, added);
    return r->holiday ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}

Enlace__ErrorCode
admin_op_holiday_remove(admin_ctx_t *ctx, const Enlace__HolidayRemove *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    if (!*q->country || !*q->date)
        return FAIL(E_INVALID, "holiday remove needs --country CC --date YYYY-MM-DD");
    int removed = archive_holiday_remove(ctx->archive, q->country, q->date, NULL, 0);
    if (removed < 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    if (removed == 0)
        return FAIL(E_NOT_FOUND, "%s has no holiday on %s", q->country, q->date);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_HOLIDAY;
    r->holiday = s_holiday_new(q->country, q->date, "", 1);
    return r->holiday ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}

/* A growing array of results; -1 out of memory. */
static int
s_grow(void ***list, size_t *n, size_t *cap_items)
{
    if (*n < *cap_items)
        return 0;
    size_t want = *cap_items ? 2 * *cap_items : 16;
    void **bigger = realloc(*list, want * sizeof *bigger);
    if (!bigger)
        return -1;
    *list = bigger;
    *cap_items = want;
    return 0;
}

typedef struct {
    Enlace__Holidays *all;
    size_t cap;
    int oom;
} holidays_t;

static int
s_holiday_row(const char *country, const char *date, const char *name, void *arg)
{
    holidays_t *l = arg;
    Enlace__Holiday *h = NULL;
    if (s_grow((void ***)&l->all->holidays, &l->all->n_holidays, &l->cap) != 0
        || !(h = s_holiday_new(country, date, name, 0))) {
        l->oom = 1;
        return 1;
    }
    l->all->holidays[l->all->n_holidays++] = h;
    return 0;
}

Enlace__ErrorCode
admin_op_holiday_list(admin_ctx_t *ctx, const Enlace__HolidayList *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    Enlace__Holidays *all = malloc(sizeof *all);
    if (!all)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__holidays__init(all);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_HOLIDAYS;
    r->holidays = all;
    holidays_t l = {.all = all};
    const char *country = q->country && *q->country ? q->country : NULL;
    if (archive_holidays_each(ctx->archive, country, s_holiday_row, &l) != 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    return l.oom ? FAIL(E_INTERNAL, "out of memory") : E_NONE;
}

/* ---------------------------------------------------------------- zones */

static Enlace__Zone *
s_zone_new(const char *country, const char *zone, int64_t now_ms)
{
    Enlace__Zone *z = malloc(sizeof *z);
    if (!z)
        return NULL;
    enlace__zone__init(z);
    char offset[16];
    tz_offset_text(zone, now_ms / 1000, offset, sizeof offset);
    z->country = admin_dup(country);
    z->zone = admin_dup(zone);
    z->offset_now = admin_dup(offset);
    if (!z->country || !z->zone || !z->offset_now) {
        protobuf_c_message_free_unpacked(&z->base, NULL);
        return NULL;
    }
    return z;
}

Enlace__ErrorCode
admin_op_zone_set(admin_ctx_t *ctx, const Enlace__ZoneSet *q, Enlace__AdminResult *r, char *why,
    size_t cap)
{
    if (!*q->country || !*q->zone)
        return FAIL(E_INVALID, "zone set needs --country CC --zone ZONE");
    /* The zone must be one the hub's zone database has, now. */
    tz_t *tz = NULL;
    if (tz_load(NULL, q->zone, &tz, why, cap) != 0)
        return E_INVALID;
    tz_destroy(&tz);
    if (archive_zone_set(ctx->archive, q->country, q->zone, NULL, 0) != 0)
        return FAIL(E_INVALID, "%s", archive_error(ctx->archive));
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_ZONE;
    r->zone = s_zone_new(q->country, q->zone, archive_now_ms());
    return r->zone ? E_NONE : FAIL(E_INTERNAL, "out of memory");
}

typedef struct {
    Enlace__Zones *all;
    size_t cap;
    int64_t now_ms;
    int oom;
} zones_t;

static int
s_zone_row(const char *country, const char *zone, void *arg)
{
    zones_t *l = arg;
    Enlace__Zone *z = NULL;
    if (s_grow((void ***)&l->all->zones, &l->all->n_zones, &l->cap) != 0
        || !(z = s_zone_new(country, zone, l->now_ms))) {
        l->oom = 1;
        return 1;
    }
    l->all->zones[l->all->n_zones++] = z;
    return 0;
}

Enlace__ErrorCode
admin_op_zone_list(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    Enlace__Zones *all = malloc(sizeof *all);
    if (!all)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__zones__init(all);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_ZONES;
    r->zones = all;
    zones_t l = {.all = all, .now_ms = archive_now_ms()};
    if (archive_zones_each(ctx->archive, s_zone_row, &l) != 0)
        return FAIL(E_INTERNAL, "%s", archive_error(ctx->archive));
    return l.oom ? FAIL(E_INTERNAL, "out of memory") : E_NONE;
}

/* ---------------------------------------------------------------- archive key */

int
admin_archive_key_current(archive_t *a, uint8_t pk[32])
{
    char hex[2 * 32 + 1];
    int found = archive_meta_get(a, DIR_ARCHIVE_KEY_META, hex, sizeof hex);
    if (found != 1)
        return found;
    return keys_hex_decode(hex, pk, 32) == 0 ? 1 : -1;
}

int
admin_archive_key_set(archive_t *a, const uint8_t pk[32], int *changed, char old_fp[20])
{
    uint8_t old[KEYS_PUBLIC_BYTES];
    int had = admin_archive_key_current(a, old);
    snprintf(old_fp, KEYS_FINGERPRINT_LEN, "none");
    *changed = 0;
    if (had < 0)
        return -1;
    if (had)
        keys_fingerprint(old, old_fp);
    if (had && !memcmp(old, pk, sizeof old))
        return 0;
    char hex[2 * KEYS_PUBLIC_BYTES + 1], fp[KEYS_FINGERPRINT_LEN], detail[200];
    keys_hex_encode(pk, KEYS_PUBLIC_BYTES, hex);
    keys_fingerprint(pk, fp);
    snprintf(detail, sizeof detail, "ed25519 %s fingerprint %s replaces %s", hex, fp, old_fp);
    if (archive_meta_set_audited(a, DIR_ARCHIVE_KEY_META, hex, "archive-key.set", detail) != 0)
        return -1;
    *changed = 1;
    return 0;
}

static Enlace__ErrorCode
s_archive_key_result(const uint8_t *pk, const char *previous, int changed, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    Enlace__ArchiveKey *k = malloc(sizeof *k);
    if (!k)
        return FAIL(E_INTERNAL, "out of memory");
    enlace__archive_key__init(k);
    r->result_case = ENLACE__ADMIN_RESULT__RESULT_ARCHIVE_KEY;
    r->archive_key = k;
    char fp[KEYS_FINGERPRINT_LEN] = "";
    if (pk) {
        keys_fingerprint(pk, fp);
        if (!(k->public_key.data = malloc(KEYS_PUBLIC_BYTES)))
            return FAIL(E_INTERNAL, "out of memory");
        memcpy(k->public_key.data, pk, KEYS_PUBLIC_BYTES);
        k->public_key.len = KEYS_PUBLIC_BYTES;
    }
    k->fingerprint = admin_dup(fp);
    k->previous_fingerprint = admin_dup(previous);
    k->changed = changed != 0;
    if (!k->fingerprint || !k->previous_fingerprint)
        return FAIL(E_INTERNAL, "out of memory");
    return E_NONE;
}

Enlace__ErrorCode
admin_op_archive_key_set(admin_ctx_t *ctx, const Enlace__ArchiveKeySet *q, Enlace__AdminResult *r,
    char *why, size_t cap)
{
    uint8_t curve[KEYS_CURVE_BYTES];
    if (q->public_key.len != KEYS_PUBLIC_BYTES
        || keys_curve_from_public(q->public_key.data, curve) != 0)
        return FAIL(E_INVALID, "the archive key is not a valid Ed25519 public key");
    int changed;
    char old_fp[KEYS_FINGERPRINT_LEN];
    if (admin_archive_key_set(ctx->archive, q->public_key.data, &changed, old_fp) != 0)
        return FAIL(E_INTERNAL, "the archive key was not set: %s", archive_error(ctx->archive));
    return s_archive_key_result(q->public_key.data, old_fp, changed, r, why, cap);
}

Enlace__ErrorCode
admin_op_archive_key_show(admin_ctx_t *ctx, Enlace__AdminResult *r, char *why, size_t cap)
{
    uint8_t pk[KEYS_PUBLIC_BYTES];
    int had = admin_archive_key_current(ctx->archive, pk);
    if (had < 0)
        return FAIL(E_INTERNAL, "the archive key cannot be read: %s", archive_error(ctx->archive));
    return s_archive_key_result(had ? pk : NULL, "", 0, r, why, cap);
}
