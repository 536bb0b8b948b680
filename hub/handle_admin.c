/*
 * handle_admin.c: directory administration over the wire (st and admin
 * roles): the same commands as `enlace-hub officer|invite|ppt|audit|stats
 * DATA` offline (admin.h), run in the request's savepoint against the hub's
 * own archive with the acting key recorded; and `status`, the running
 * hub's report. The directory is reloaded once the batch commits.
 */
#include "handle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "admin.h"
#include "disclose.h"
#include "log.h"
#include "status.h"

int
handle_admin(req_t *r, const Enlace__Admin *a)
{
    const hub_env_t *env = r->env;
    const char *denied = acl_admin(r->who);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    if (a->n_argv == 0 || a->n_argv > 64)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "an admin request carries 1 to 64 arguments");
    /* status and stats count messages: the aggregate disclosure rule. */
    disclose_reader_t reader = {.dir = env->dir, .who = r->who, .now_ms = r->now};
    if ((!strcmp(a->argv[0], "status") || !strcmp(a->argv[0], "stats"))
        && disclose_aggregate(&reader) < DISCLOSE_EXISTENCE)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "statistics are for the ST and admin roles");
    char *out = NULL, *err = NULL;
    size_t outlen = 0, errlen = 0;
    FILE *fo = open_memstream(&out, &outlen), *fe = open_memstream(&err, &errlen);
    int status = 1;
    if (fo && fe) {
        if (!strcmp(a->argv[0], "status")) {
            /* The same report as 'enlace-hub status DATA' on the server.
             * Refresh the snapshot first: it is up to 2 s old and would
             * not yet count the session that asks. */
            status_format_t format = STATUS_TEXT;
            if (a->n_argv > 1 && !strcmp(a->argv[1], "--json"))
                format = STATUS_JSON;
            else if (a->n_argv > 1 && !strcmp(a->argv[1], "--prometheus"))
                format = STATUS_PROMETHEUS;
            if (env->refresh_status)
                env->refresh_status(env->arg);
            status = status_report(env->cfg->data_dir, format, fo, fe);
        } else {
            admin_ctx_t ctx = {.archive = env->archive, .out = fo, .err = fe, .remote = 1};
            archive_set_actor(env->archive, r->who->fingerprint, r->who->officer_id);
            status = admin_exec(&ctx, (int)a->n_argv, a->argv);
            archive_set_actor(env->archive, NULL, 0);
        }
    }
    if (fo)
        fclose(fo);
    if (fe)
        fclose(fe);
    log_info("admin by %s: %s ... -> %d", r->who->fingerprint, a->argv[0], status);
    size_t total = outlen + errlen;
    char *joined = malloc(total + 1);
    if (joined) {
        memcpy(joined, out ? out : "", outlen);
        memcpy(joined + outlen, err ? err : "", errlen);
        joined[total] = '\0';
    }
    free(out);
    free(err);
    /* Our own writes do not move data_version: reload once committed (a
     * revocation may concern live sessions, this one too). */
    batch_action_t reload = {.kind = BATCH_RELOAD};
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__AdminResult res = ENLACE__ADMIN_RESULT__INIT;
    res.status = status;
    res.output = joined ? joined : "";
    frame.body_case = ENLACE__FRAME__BODY_ADMIN_RESULT;
    frame.admin_result = &res;
    int rc = req_reply(r, &frame);
    free(joined);
    if (rc == 0 && batch_act(env->batch, &reload) != 0)
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    return rc;
}
