/*
 * handle_admin.c: directory administration over the wire (st and admin
 * roles): typed operations (admin.h), the same ones `enlace-hub officer|
 * invite|ppt|audit|stats|holiday|zone|archive-key DATA` runs offline, in
 * the request's savepoint against the hub's own archive with the acting
 * key recorded; and the running hub's status. The directory is reloaded once the batch commits.
 */
#include "handle.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "admin.h"
#include "disclose.h"
#include "log.h"

int
handle_admin(req_t *r, const Enlace__Admin *a)
{
    const hub_env_t *env = r->env;
    const char *denied = acl_admin(r->who);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    /* status and stats count messages: the aggregate disclosure rule. */
    disclose_reader_t reader = {.dir = env->dir, .who = r->who, .now_ms = r->now};
    if ((a->op_case == ENLACE__ADMIN__OP_STATUS || a->op_case == ENLACE__ADMIN__OP_STATS)
        && disclose_aggregate(&reader) < DISCLOSE_EXISTENCE)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "statistics are for the ST and admin roles");
    if (a->op_case == ENLACE__ADMIN__OP_STATUS && env->refresh_status)
        /* Refresh the snapshot first: it is up to 2 s old and would not
         * yet count the session that asks. */
        env->refresh_status(env->arg);
    admin_ctx_t ctx = {.archive = env->archive, .data_dir = env->cfg->data_dir};
    Enlace__AdminResult *result = NULL;
    char why[1024];
    archive_set_actor(env->archive, r->who->fingerprint, r->who->officer_id);
    Enlace__ErrorCode code = admin_run(&ctx, a, &result, why, sizeof why);
    archive_set_actor(env->archive, NULL, 0);
    log_info("admin by %s: %s -> %d", r->who->fingerprint, admin_op_name(a), (int)code);
    /* A refused operation is not a refused access: answered, not audited
     * (the operation wrote nothing: each of its records is undone alone). */
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error error = ENLACE__ERROR__INIT;
    if (code == ENLACE__ERROR_CODE__ERR_NONE) {
        frame.body_case = ENLACE__FRAME__BODY_ADMIN_RESULT;
        frame.admin_result = result;
    } else {
        error.code = code;
        error.message = why;
        frame.body_case = ENLACE__FRAME__BODY_ERROR;
        frame.error = &error;
    }
    int rc = req_reply(r, &frame);
    admin_result_free(&result);
    /* Our own writes do not move data_version: reload once committed (a
     * revocation may concern live sessions, this one too). */
    batch_action_t reload = {.kind = BATCH_RELOAD};
    if (rc == 0 && batch_act(env->batch, &reload) != 0)
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    return rc;
}
