/*
 * errors.c: libenlace's error codes, their names, and the one-line
 * explanation of a client's last failure.
 */
#include "enl.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int64_t
enl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
enl_fail(enlace_client_t *self, int err, const char *fmt, ...)
{
    if (self) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(self->error, sizeof self->error, fmt, ap);
        va_end(ap);
    }
    return err;
}

const char *
enlace_strerror(int err)
{
    static const char *names[] = {
        [ENLACE_OK] = N_("ok"),
        [ENLACE_EINVAL] = N_("invalid argument"),
        [ENLACE_ENOMEM] = N_("out of memory"),
        [ENLACE_EKEY] = N_("key file problem"),
        [ENLACE_EAUTH] = N_("the hub refused this key"),
        [ENLACE_EHANDSHAKE] = N_("no secure session with the hub"),
        [ENLACE_ETIMEDOUT] = N_("timed out"),
        [ENLACE_EDENIED] = N_("access denied"),
        [ENLACE_EPROTO] = N_("protocol error"),
        [ENLACE_EREVOKED] = N_("key revoked"),
        [ENLACE_ETOOBIG] = N_("too large"),
        [ENLACE_EBADSIG] = N_("bad signature"),
        [ENLACE_ECONFLICT] = N_("message id conflict"),
        [ENLACE_ELIMIT] = N_("over a limit"),
        [ENLACE_ENOTFOUND] = N_("not found"),
        [ENLACE_EHUB] = N_("hub failure"),
        [ENLACE_EIO] = N_("I/O error"),
        [ENLACE_EBADTOPIC] = N_("invalid topic"),
        [ENLACE_ESEALED] = N_("sealed to other keys"),
        [ENLACE_EBADSEAL] = N_("sealed content damaged"),
    };
    if (err < 0 || (size_t)err >= sizeof names / sizeof names[0] || !names[err])
        return N_("unknown error");
    return names[err];
}

const char *
enlace_last_error(const enlace_client_t *self)
{
    return self ? self->error : "no client";
}

int
enl_map_error(Enlace__ErrorCode code)
{
    switch (code) {
    case ENLACE__ERROR_CODE__ERR_DENIED:
        return ENLACE_EDENIED;
    case ENLACE__ERROR_CODE__ERR_BAD_TOPIC:
        return ENLACE_EBADTOPIC;
    case ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE:
        return ENLACE_EBADSIG;
    case ENLACE__ERROR_CODE__ERR_CONFLICT:
        return ENLACE_ECONFLICT;
    case ENLACE__ERROR_CODE__ERR_TOO_LARGE:
        return ENLACE_ETOOBIG;
    case ENLACE__ERROR_CODE__ERR_LIMIT:
        return ENLACE_ELIMIT;
    case ENLACE__ERROR_CODE__ERR_REVOKED:
        return ENLACE_EREVOKED;
    case ENLACE__ERROR_CODE__ERR_INTERNAL:
        return ENLACE_EHUB;
    case ENLACE__ERROR_CODE__ERR_NOT_FOUND:
        return ENLACE_ENOTFOUND;
    case ENLACE__ERROR_CODE__ERR_INVALID:
        return ENLACE_EINVAL;
    /* Not the leader of its cluster: libenlace moves on and sends again;
     * a caller sees it only when no hub led in time. */
    case ENLACE__ERROR_CODE__ERR_NOT_LEADER:
        return ENLACE_ETIMEDOUT;
    default:
        return ENLACE_EPROTO;
    }
}
