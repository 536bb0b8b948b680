/*
 * cmd_admin.c: enlace admin: directory administration over the wire (st and
 * admin roles). The words are enlace-hub's own (common/admin_args), sent as
 * one typed request through libenlace, and the result is printed by the
 * renderer enlace-hub's offline commands use (common/admin_print): the same
 * command prints the same bytes on the ST's workstation and on the server.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_args.h"
#include "admin_print.h"

/* The result objects of one call, freed after printing. */
typedef struct {
    enlace_officer_t *officer;
    enlace_officer_list_t *officers;
    enlace_invitation_t *invitation;
    enlace_invitation_list_t *invitations;
    enlace_audit_t *audit;
    enlace_stats_t *stats;
    enlace_status_t *status;
    enlace_holiday_list_t *holidays;
    enlace_zone_list_t *zones;
} results_t;

static void
s_results_free(results_t *r)
{
    enlace_officer_destroy(&r->officer);
    enlace_officer_list_destroy(&r->officers);
    enlace_invitation_destroy(&r->invitation);
    enlace_invitation_list_destroy(&r->invitations);
    enlace_audit_destroy(&r->audit);
    enlace_stats_destroy(&r->stats);
    enlace_status_destroy(&r->status);
    enlace_holiday_list_destroy(&r->holidays);
    enlace_zone_list_destroy(&r->zones);
}

/* Runs cmd through libenlace; fills view from what it returns. */
static int
s_call(enlace_client_t *c, const admin_cmd_t *cmd, results_t *r, admin_result_t *view)
{
    memset(view, 0, sizeof *view);
    int rc = ENLACE_EINVAL;
    switch (cmd->op) {
    case ADMIN_OFFICER_ADD: {
        enlace_officer_spec_t spec = {.key = cmd->key,
            .name = cmd->name,
            .country = cmd->country,
            .organisation = cmd->organisation,
            .role = cmd->role,
            .networks = cmd->list,
            .nnetworks = cmd->nlist,
            .contact = cmd->contact};
        rc = enlace_admin_officer_add(c, &spec, &r->officer);
        view->officer = r->officer;
        break;
    }
    case ADMIN_OFFICER_LIST:
        rc = enlace_admin_officer_list(c, &r->officers);
        if (rc == ENLACE_OK) {
            view->officers = r->officers->items;
            view->nofficers = r->officers->count;
        }
        break;
    case ADMIN_OFFICER_REVOKE:
        rc = enlace_admin_officer_revoke(c, cmd->fingerprint, cmd->fingerprint ? NULL : cmd->key,
            &r->officer);
        view->officer = r->officer;
        break;
    case ADMIN_OFFICER_KEY:
        rc = enlace_admin_officer_add_key(c, cmd->fingerprint, cmd->key, cmd->from_ms,
            cmd->until_ms, &r->officer);
        view->officer = r->officer;
        break;
    case ADMIN_OFFICER_JOIN:
        rc = enlace_admin_officer_join(c, cmd->fingerprint, cmd->network, cmd->role,
            &view->officer_id);
        break;
    case ADMIN_OFFICER_LEAVE:
        rc = enlace_admin_officer_leave(c, cmd->fingerprint, cmd->network, &view->officer_id);
        break;
    case ADMIN_INVITE_GRANT: {
        enlace_invite_spec_t spec = {.grantee = cmd->grantee,
            .network = cmd->network,
            .topics = cmd->list,
            .ntopics = cmd->nlist,
            .access = cmd->access,
            .expires_ms = cmd->expires_ms,
            .duration_ms = cmd->duration_ms};
        rc = enlace_admin_invite_grant(c, &spec, &r->invitation);
        view->invitation = r->invitation;
        break;
    }
    case ADMIN_INVITE_REVOKE:
        rc = enlace_admin_invite_revoke(c, cmd->invitation_id);
        break;
    case ADMIN_INVITE_LIST:
        rc = enlace_admin_invite_list(c, &r->invitations);
        if (rc == ENLACE_OK) {
            view->invitations = r->invitations->items;
            view->ninvitations = r->invitations->count;
        }
        break;
    case ADMIN_PPT_SET:
        rc = enlace_admin_ppt_set(c, cmd->country, cmd->year, &view->ppt_year);
        break;
    case ADMIN_PPT_SHOW:
        rc = enlace_admin_ppt_show(c, &view->troika);
        break;
    case ADMIN_AUDIT:
        rc = enlace_admin_audit(c, &r->audit);
        if (rc == ENLACE_OK) {
            view->audit = r->audit->items;
            view->naudit = r->audit->count;
        }
        break;
    case ADMIN_STATS:
        rc = enlace_admin_stats(c, cmd->stats_from_ms, cmd->stats_to_ms, &r->stats);
        if (rc == ENLACE_OK) {
            view->stats = r->stats->items;
            view->nstats = r->stats->count;
        }
        break;
    case ADMIN_STATUS:
        rc = enlace_admin_status(c, &r->status);
        view->status = r->status;
        break;
    case ADMIN_HOLIDAY_ADD:
        rc = enlace_admin_holiday_add(c, cmd->country, cmd->date, cmd->name, &view->changed);
        break;
    case ADMIN_HOLIDAY_REMOVE:
        rc = enlace_admin_holiday_remove(c, cmd->country, cmd->date);
        break;
    case ADMIN_HOLIDAY_LIST:
        rc = enlace_admin_holiday_list(c, cmd->country, &r->holidays);
        if (rc == ENLACE_OK) {
            view->holidays = r->holidays->items;
            view->nholidays = r->holidays->count;
        }
        break;
    case ADMIN_ZONE_SET:
        rc = enlace_admin_zone_set(c, cmd->country, cmd->zone);
        break;
    case ADMIN_ZONE_LIST:
        rc = enlace_admin_zone_list(c, &r->zones);
        if (rc == ENLACE_OK) {
            view->zones = r->zones->items;
            view->nzones = r->zones->count;
        }
        break;
    case ADMIN_ARCHIVE_KEY_SET:
        rc = enlace_admin_archive_key_set(c, cmd->key, &view->archive_key);
        break;
    case ADMIN_ARCHIVE_KEY_SHOW:
        rc = enlace_admin_archive_key_show(c, &view->archive_key);
        break;
    }
    return rc;
}

int
cmd_admin(cli_settings_t *st, int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr,
            _("usage: enlace admin officer|invite|ppt|audit|stats|status|holiday|zone|"
              "archive-key ...\n"));
        return 2;
    }
    admin_cmd_t cmd;
    int status = admin_args_parse(argc, argv, &cmd, stderr);
    if (status != 0)
        return status;
    if (cmd.key_file) {
        /* The key file is read here and sent as the key itself. */
        char why[256];
        if (enlace_public_key_load(cmd.key_file, cmd.key, why, sizeof why) != ENLACE_OK) {
            fprintf(stderr, "enlace: %s\n", why);
            return 1;
        }
        cmd.have_key = 1;
    }
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    results_t results = {0};
    admin_result_t view;
    int rc = s_call(client, &cmd, &results, &view);
    if (rc == ENLACE_OK) {
        /* enlace-hub prints invite grant's second line on stderr; enlace
         * has always printed both on stdout. */
        status = admin_print(stdout, stdout, &cmd, &view);
    } else if (rc == ENLACE_EINVAL || rc == ENLACE_ENOTFOUND || rc == ENLACE_EHUB) {
        /* The hub refused the operation itself: its reason, as enlace-hub
         * prints it on the server. */
        fprintf(stderr, "enlace-hub: %s\n", enlace_last_error(client));
        status = 1;
    } else {
        fprintf(stderr, _("enlace: admin refused (%s): %s\n"), _(enlace_strerror(rc)),
            enlace_last_error(client));
        status = 1;
    }
    s_results_free(&results);
    enlace_close(&client);
    return status;
}
