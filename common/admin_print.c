/*
 * admin_print.c: see admin_print.h. The formats are those enlace-hub's
 * offline commands have always printed; test_readme checks them.
 */
#include "admin_print.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

static void
s_dump(FILE *out, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    if (text) {
        fprintf(out, "%s\n", text);
        free(text);
    }
    json_decref(j);
}

static void
s_officers(FILE *out, const enlace_officer_t *const *list, size_t n, int json)
{
    json_t *array = json ? json_array() : NULL;
    if (!json)
        fprintf(out, "%-4s %-19s %-5s %-8s %-32s %s\n", "ID", "FINGERPRINT", "WHERE", "ROLE",
            "NETWORKS", "NAME");
    for (size_t i = 0; i < n; i++) {
        const enlace_officer_t *o = list[i];
        char nets[1024];
        admin_join(nets, sizeof nets, o->networks, o->nnetworks, ",");
        if (array) {
            json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
                (json_int_t)o->id, "name", o->name, "country", o->country, "organisation",
                o->organisation, "role", o->role, "networks", nets, "fingerprint", o->fingerprint,
                "revoked", o->revoked_ms != 0);
            if (j)
                json_array_append_new(array, j);
            continue;
        }
        char revoked[40] = "";
        if (o->revoked_ms) {
            char when[32];
            admin_iso_time(o->revoked_ms, when, sizeof when);
            snprintf(revoked, sizeof revoked, "  REVOKED %s", when);
        }
        fprintf(out, "%-4lld %-19s %-5s %-8s %-32s %s%s\n", (long long)o->id, o->fingerprint,
            o->country[0] ? o->country : o->organisation, o->role, nets[0] ? nets : "-", o->name,
            revoked);
    }
    if (array)
        s_dump(out, array);
}

static void
s_invitations(FILE *out, const enlace_invitation_t *const *list, size_t n, int json)
{
    json_t *array = json ? json_array() : NULL;
    if (!json)
        fprintf(out, "%-4s %-8s %-12s %-9s %-20s %-8s %s\n", "ID", "TO", "NETWORK", "ACCESS",
            "UNTIL", "STATE", "TOPICS");
    for (size_t i = 0; i < n; i++) {
        const enlace_invitation_t *inv = list[i];
        char until[32], topics[1024];
        admin_iso_time(inv->expires_ms, until, sizeof until);
        admin_join(topics, sizeof topics, inv->topics, inv->ntopics, ",");
        if (array) {
            json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)inv->id,
                "to", inv->grantee, "network", inv->network, "topics", topics, "access",
                inv->access, "until", until, "state", inv->state);
            if (j)
                json_array_append_new(array, j);
            continue;
        }
        fprintf(out, "%-4lld %-8s %-12s %-9s %-20s %-8s %s\n", (long long)inv->id, inv->grantee,
            inv->network, inv->access, until, inv->state, topics);
    }
    if (array)
        s_dump(out, array);
}

static void
s_audit(FILE *out, const enlace_audit_entry_t *const *list, size_t n, int json)
{
    json_t *array = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const enlace_audit_entry_t *e = list[i];
        char when[32];
        admin_iso_time(e->ts_ms, when, sizeof when);
        if (array) {
            json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
                "time", when, "officer_id", (json_int_t)e->officer_id, "fingerprint",
                e->fingerprint, "action", e->action, "outcome", e->outcome, "detail", e->detail);
            if (j)
                json_array_append_new(array, j);
            continue;
        }
        fprintf(out, "%-6lld %s %-19s %-16s %-22s %s\n", (long long)e->id, when,
            e->fingerprint[0] ? e->fingerprint : "(local operator)", e->action, e->outcome,
            e->detail);
    }
    if (array)
        s_dump(out, array);
}

static void
s_stats(FILE *out, const admin_cmd_t *cmd, const enlace_stat_t *const *list, size_t n)
{
    json_t *json = cmd->format.json ? json_object() : NULL;
    if (cmd->format.csv)
        fprintf(out, "section,key,value\n");
    if (!cmd->format.json && !cmd->format.csv)
        fprintf(out, "period: %s to %s (UTC)\n", cmd->from_text ? cmd->from_text : "the beginning",
            cmd->to_text ? cmd->to_text : "now");
    const char *last = NULL;
    for (size_t i = 0; i < n; i++) {
        const enlace_stat_t *s = list[i];
        if (json) {
            json_t *sec = json_object_get(json, s->section);
            if (!sec) {
                sec = json_object();
                json_object_set_new(json, s->section, sec);
            }
            json_object_set_new(sec, s->key, json_integer((json_int_t)s->value));
        } else if (cmd->format.csv) {
            /* section and key never hold quotes or commas (fixed names, codes) */
            fprintf(out, "\"%s\",\"%s\",%lld\n", s->section, s->key, (long long)s->value);
        } else {
            if (!last || strcmp(last, s->section) != 0) {
                fprintf(out, "%s\n", s->section);
                last = s->section;
            }
            fprintf(out, "  %-24s %lld\n", s->key, (long long)s->value);
        }
    }
    if (json)
        s_dump(out, json);
}

static void
s_troika(FILE *out, const enlace_troika_t *t)
{
    const enlace_ppt_t *years[] = {&t->previous, &t->current, &t->next};
    static const char *labels[] = {"previous", "current", "next"};
    for (int i = 0; i < 3; i++)
        fprintf(out, "%-8s %d %s\n", labels[i], years[i]->year,
            years[i]->country[0] ? years[i]->country : "(not set)");
}

void
admin_print_holiday_change(FILE *out, int add, const char *country, const char *date, int changed)
{
    if (!add)
        fprintf(out, "removed the holiday of %s on %s\n", country, date);
    else if (changed)
        fprintf(out, "added the holiday of %s on %s\n", country, date);
    else
        fprintf(out, "%s already has a holiday on %s (unchanged)\n", country, date);
}

void
admin_print_holidays(FILE *out, const enlace_holiday_t *const *list, size_t n, int json)
{
    json_t *array = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const enlace_holiday_t *h = list[i];
        if (array)
            json_array_append_new(array,
                json_pack("{s:s, s:s, s:s}", "country", h->country, "date", h->date, "name",
                    h->name));
        else
            fprintf(out, "%-4s %s  %s\n", h->country, h->date, h->name);
    }
    if (array)
        s_dump(out, array);
}

void
admin_print_zone_set(FILE *out, const char *country, const char *zone)
{
    fprintf(out, "%s counts business days in %s from the next round on\n", country, zone);
}

void
admin_print_zones(FILE *out, const enlace_zone_t *const *list, size_t n, int json)
{
    json_t *array = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const enlace_zone_t *z = list[i];
        if (array)
            json_array_append_new(array,
                json_pack("{s:s, s:s, s:s}", "country", z->country, "zone", z->zone, "offset_now",
                    z->offset_now));
        else
            fprintf(out, "%-4s %-24s %s now\n", z->country, *z->zone ? z->zone : "(none)",
                z->offset_now);
    }
    if (array)
        s_dump(out, array);
}

void
admin_print_archive_key(FILE *out, const enlace_archive_key_t *k, int set)
{
    if (!k->present)
        fprintf(out,
            "no archive key: sealed messages are sealed to their recipients only, and "
            "the ST cannot open them\n");
    else if (!set)
        fprintf(out, "archive key %s\n", k->fingerprint);
    else if (!k->changed)
        fprintf(out, "archive key %s (unchanged)\n", k->fingerprint);
    else
        fprintf(out,
            "archive key %s (was %s): sealed messages are sealed to it from now on; those "
            "sealed before stay sealed to the old one\n",
            k->fingerprint, k->previous);
}

int
admin_print(FILE *out, FILE *info, const admin_cmd_t *cmd, const admin_result_t *r)
{
    char topics[1024], when[32];
    switch (cmd->op) {
    case ADMIN_OFFICER_ADD:
        fprintf(out, "added officer %lld: %s, key %s\n", (long long)r->officer->id,
            r->officer->name, r->officer->fingerprint);
        break;
    case ADMIN_OFFICER_LIST:
        s_officers(out, r->officers, r->nofficers, cmd->format.json);
        break;
    case ADMIN_OFFICER_REVOKE:
        fprintf(out, "revoked key %s; its live sessions are closed within a second\n",
            r->officer->fingerprint);
        break;
    case ADMIN_OFFICER_KEY:
        fprintf(out, "officer %lld now also holds key %s\n", (long long)r->officer->id,
            r->officer->fingerprint);
        break;
    case ADMIN_OFFICER_JOIN:
        fprintf(out, "officer %lld is now %s in %s\n", (long long)r->officer_id, cmd->role,
            cmd->network);
        break;
    case ADMIN_OFFICER_LEAVE:
        fprintf(out, "officer %lld left %s; deliveries stop at once\n", (long long)r->officer_id,
            cmd->network);
        break;
    case ADMIN_INVITE_GRANT: {
        const enlace_invitation_t *inv = r->invitation;
        admin_iso_time(inv->expires_ms, when, sizeof when);
        admin_join(topics, sizeof topics, inv->topics, inv->ntopics, ",");
        fprintf(out, "%lld\n", (long long)inv->id);
        fflush(out);
        fprintf(info, "invitation %lld: %s may %s %s in %s until %s\n", (long long)inv->id,
            inv->grantee, !strcmp(inv->access, "read") ? "read" : "read and write", topics,
            inv->network, when);
        break;
    }
    case ADMIN_INVITE_REVOKE:
        fprintf(out, "revoked invitation %lld\n", (long long)cmd->invitation_id);
        break;
    case ADMIN_INVITE_LIST:
        s_invitations(out, r->invitations, r->ninvitations, cmd->format.json);
        break;
    case ADMIN_PPT_SET:
        fprintf(out, "PPT %d: %s\n", r->ppt_year, cmd->country);
        break;
    case ADMIN_PPT_SHOW:
        s_troika(out, &r->troika);
        break;
    case ADMIN_AUDIT:
        s_audit(out, r->audit, r->naudit, cmd->format.json);
        break;
    case ADMIN_STATS:
        s_stats(out, cmd, r->stats, r->nstats);
        break;
    case ADMIN_STATUS:
        admin_print_status(out, r->status, &cmd->format);
        fflush(out);
        return r->status->running ? 0 : 3;
    case ADMIN_HOLIDAY_ADD:
    case ADMIN_HOLIDAY_REMOVE:
        admin_print_holiday_change(out, cmd->op == ADMIN_HOLIDAY_ADD, cmd->country, cmd->date,
            r->changed);
        break;
    case ADMIN_HOLIDAY_LIST:
        admin_print_holidays(out, r->holidays, r->nholidays, cmd->format.json);
        break;
    case ADMIN_ZONE_SET:
        admin_print_zone_set(out, cmd->country, cmd->zone);
        break;
    case ADMIN_ZONE_LIST:
        admin_print_zones(out, r->zones, r->nzones, cmd->format.json);
        break;
    case ADMIN_ARCHIVE_KEY_SET:
    case ADMIN_ARCHIVE_KEY_SHOW:
        admin_print_archive_key(out, &r->archive_key, cmd->op == ADMIN_ARCHIVE_KEY_SET);
        break;
    }
    return 0;
}
