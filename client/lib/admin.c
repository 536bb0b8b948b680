/*
 * admin.c: directory administration over the wire (st and admin roles).
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

int
enlace_admin(enlace_client_t *self, int argc, const char *const *argv, int *status,
    char **output)
{
    *output = NULL;
    if (!self || argc < 1 || !argv)
        return enl_fail(self, ENLACE_EINVAL, "an admin command is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Admin a = ENLACE__ADMIN__INIT;
    a.n_argv = (size_t)argc;
    a.argv = (char **)argv;
    req.body_case = ENLACE__FRAME__BODY_ADMIN;
    req.admin = &a;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_ADMIN_RESULT, &err);
    if (!reply)
        return err;
    *status = reply->admin_result->status;
    *output = strdup(reply->admin_result->output);
    enlace__frame__free_unpacked(reply, NULL);
    return *output ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}
