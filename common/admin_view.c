/*
 * admin_view.c: see admin_view.h.
 */
#include "admin_view.h"

#include <stdio.h>
#include <string.h>

static const char *
s_str(const char *s)
{
    return s ? s : "";
}

const enlace_officer_t *
admin_view_officer(arena_t *a, const Enlace__Officer *o)
{
    enlace_officer_t *v = arena_alloc(a, sizeof *v);
    if (!v || !o)
        return v;
    v->id = o->id;
    v->name = s_str(o->name);
    v->country = s_str(o->country);
    v->organisation = s_str(o->organisation);
    v->role = s_str(o->role);
    v->nnetworks = o->n_networks;
    v->networks = (const char *const *)o->networks;
    v->fingerprint = s_str(o->fingerprint);
    v->valid_from_ms = o->valid_from_ms;
    v->valid_until_ms = o->valid_until_ms;
    v->revoked_ms = o->revoked_ms;
    return v;
}

const enlace_officer_t *const *
admin_view_officers(arena_t *a, Enlace__Officer *const *list, size_t n)
{
    const enlace_officer_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        if (!(items[i] = admin_view_officer(a, list[i])))
            return NULL;
    return items;
}

const enlace_invitation_t *
admin_view_invitation(arena_t *a, const Enlace__Invitation *inv)
{
    enlace_invitation_t *v = arena_alloc(a, sizeof *v);
    if (!v || !inv)
        return v;
    v->id = inv->id;
    v->grantee = s_str(inv->grantee);
    v->network = s_str(inv->network);
    v->ntopics = inv->n_topics;
    v->topics = (const char *const *)inv->topics;
    v->access = s_str(inv->access);
    v->expires_ms = inv->expires_ms;
    v->created_ms = inv->created_ms;
    v->created_by = s_str(inv->created_by);
    v->revoked_ms = inv->revoked_ms;
    v->state = s_str(inv->state);
    return v;
}

const enlace_invitation_t *const *
admin_view_invitations(arena_t *a, Enlace__Invitation *const *list, size_t n)
{
    const enlace_invitation_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        if (!(items[i] = admin_view_invitation(a, list[i])))
            return NULL;
    return items;
}

static void
s_ppt(const Enlace__Ppt *p, enlace_ppt_t *out)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return;
    out->year = (int)p->year;
    snprintf(out->country, sizeof out->country, "%s", s_str(p->country));
}

void
admin_view_troika(const Enlace__Troika *t, enlace_troika_t *out)
{
    s_ppt(t ? t->previous : NULL, &out->previous);
    s_ppt(t ? t->current : NULL, &out->current);
    s_ppt(t ? t->next : NULL, &out->next);
}

const enlace_audit_entry_t *const *
admin_view_audit(arena_t *a, Enlace__AuditEntry *const *list, size_t n)
{
    const enlace_audit_entry_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        enlace_audit_entry_t *v = arena_alloc(a, sizeof *v);
        if (!v)
            return NULL;
        v->id = list[i]->id;
        v->ts_ms = list[i]->ts_ms;
        v->officer_id = list[i]->officer_id;
        v->fingerprint = s_str(list[i]->fingerprint);
        v->action = s_str(list[i]->action);
        v->outcome = s_str(list[i]->outcome);
        v->detail = s_str(list[i]->detail);
        items[i] = v;
    }
    return items;
}

const enlace_stat_t *const *
admin_view_stats(arena_t *a, Enlace__Statistic *const *list, size_t n)
{
    const enlace_stat_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        enlace_stat_t *v = arena_alloc(a, sizeof *v);
        if (!v)
            return NULL;
        v->section = s_str(list[i]->section);
        v->key = s_str(list[i]->key);
        v->value = list[i]->value;
        items[i] = v;
    }
    return items;
}

const enlace_holiday_t *const *
admin_view_holidays(arena_t *a, Enlace__Holiday *const *list, size_t n)
{
    const enlace_holiday_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        enlace_holiday_t *v = arena_alloc(a, sizeof *v);
        if (!v)
            return NULL;
        v->country = s_str(list[i]->country);
        v->date = s_str(list[i]->date);
        v->name = s_str(list[i]->name);
        items[i] = v;
    }
    return items;
}

const enlace_zone_t *const *
admin_view_zones(arena_t *a, Enlace__Zone *const *list, size_t n)
{
    const enlace_zone_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        enlace_zone_t *v = arena_alloc(a, sizeof *v);
        if (!v)
            return NULL;
        v->country = s_str(list[i]->country);
        v->zone = s_str(list[i]->zone);
        v->offset_now = s_str(list[i]->offset_now);
        items[i] = v;
    }
    return items;
}

void
admin_view_archive_key(const Enlace__ArchiveKey *k, enlace_archive_key_t *out)
{
    memset(out, 0, sizeof *out);
    if (!k)
        return;
    /* A key of any other length is no key (the bytes come from the wire). */
    out->present = k->public_key.len == sizeof out->key;
    if (out->present)
        memcpy(out->key, k->public_key.data, sizeof out->key);
    snprintf(out->fingerprint, sizeof out->fingerprint, "%s", s_str(k->fingerprint));
    snprintf(out->previous, sizeof out->previous, "%s", s_str(k->previous_fingerprint));
    out->changed = k->changed;
}

static const enlace_count_t *const *
s_counts(arena_t *a, Enlace__Count *const *list, size_t n)
{
    const enlace_count_t **items = arena_alloc(a, (n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++) {
        enlace_count_t *v = arena_alloc(a, sizeof *v);
        if (!v)
            return NULL;
        v->key = s_str(list[i]->key);
        v->value = list[i]->value;
        items[i] = v;
    }
    return items;
}

const enlace_status_t *
admin_view_status(arena_t *a, const Enlace__StatusReport *r)
{
    enlace_status_t *v = arena_alloc(a, sizeof *v);
    if (!v || !r)
        return v;
    v->running = r->running;
    v->reason = s_str(r->reason);
    v->archive_bytes = r->archive_bytes;
    v->db_bytes = r->db_bytes;
    v->wal_bytes = r->wal_bytes;
    v->last_seq = r->last_seq;
    v->messages_total = r->messages_total;
    v->nmessages_by_network = r->n_messages_by_network;
    v->messages_by_network = s_counts(a, r->messages_by_network, r->n_messages_by_network);
    v->alerts_open = r->alerts_open;
    v->overdue_acknowledgements = r->overdue_acknowledgements;
    const Enlace__HubStatus *h = r->hub;
    static const Enlace__HubStatus none = ENLACE__HUB_STATUS__INIT;
    if (!h)
        h = &none;
    v->version = s_str(h->version);
    v->pid = h->pid;
    v->started_ms = h->started_ms;
    v->updated_ms = h->updated_ms;
    v->uptime_s = h->uptime_s;
    v->bind = s_str(h->bind);
    v->sessions = h->sessions;
    v->officers_connected = h->officers_connected;
    v->nconnected_by_country = h->n_connected_by_country;
    v->connected_by_country = s_counts(a, h->connected_by_country, h->n_connected_by_country);
    v->nconnected_by_organisation = h->n_connected_by_organisation;
    v->connected_by_organisation = s_counts(a, h->connected_by_organisation,
        h->n_connected_by_organisation);
    v->nconnected_by_network = h->n_connected_by_network;
    v->connected_by_network = s_counts(a, h->connected_by_network, h->n_connected_by_network);
    v->inflight = h->inflight;
    v->blocked_sessions = h->blocked_sessions;
    v->stored = h->stored;
    v->delivered = h->delivered;
    if (!v->messages_by_network || !v->connected_by_country || !v->connected_by_organisation
        || !v->connected_by_network)
        return NULL;
    return v;
}

int
admin_view_result(arena_t *a, const Enlace__AdminResult *res, admin_result_t *out)
{
    memset(out, 0, sizeof *out);
    /* Whichever case is set, its message is there (protobuf-c decodes a
     * present submessage, even an empty one); check anyway: these bytes
     * come from the network. */
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        res->base.descriptor, res->result_case);
    if (!f || !*(void *const *)((const char *)res + f->offset))
        return -1;
    switch (res->result_case) {
    case ENLACE__ADMIN_RESULT__RESULT_OFFICER:
        out->officer = admin_view_officer(a, res->officer);
        out->officer_id = res->officer->id;
        return out->officer ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_OFFICERS:
        out->nofficers = res->officers->n_officers;
        out->officers = admin_view_officers(a, res->officers->officers, out->nofficers);
        return out->officers ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_MEMBERSHIP:
        out->officer_id = res->membership->officer_id;
        return 0;
    case ENLACE__ADMIN_RESULT__RESULT_INVITATION:
        out->invitation = admin_view_invitation(a, res->invitation);
        return out->invitation ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_INVITATIONS:
        out->ninvitations = res->invitations->n_invitations;
        out->invitations = admin_view_invitations(a, res->invitations->invitations,
            out->ninvitations);
        return out->invitations ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_PPT:
        out->ppt_year = (int)res->ppt->year;
        return 0;
    case ENLACE__ADMIN_RESULT__RESULT_TROIKA:
        admin_view_troika(res->troika, &out->troika);
        return 0;
    case ENLACE__ADMIN_RESULT__RESULT_AUDIT:
        out->naudit = res->audit->n_entries;
        out->audit = admin_view_audit(a, res->audit->entries, out->naudit);
        return out->audit ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_STATISTICS:
        out->nstats = res->statistics->n_figures;
        out->stats = admin_view_stats(a, res->statistics->figures, out->nstats);
        return out->stats ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_STATUS:
        out->status = admin_view_status(a, res->status);
        return out->status ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_HOLIDAY:
        out->changed = res->holiday->changed;
        return 0;
    case ENLACE__ADMIN_RESULT__RESULT_HOLIDAYS:
        out->nholidays = res->holidays->n_holidays;
        out->holidays = admin_view_holidays(a, res->holidays->holidays, out->nholidays);
        return out->holidays ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_ZONE:
        return 0;
    case ENLACE__ADMIN_RESULT__RESULT_ZONES:
        out->nzones = res->zones->n_zones;
        out->zones = admin_view_zones(a, res->zones->zones, out->nzones);
        return out->zones ? 0 : -1;
    case ENLACE__ADMIN_RESULT__RESULT_ARCHIVE_KEY:
        admin_view_archive_key(res->archive_key, &out->archive_key);
        return 0;
    default:
        return -1;
    }
}
