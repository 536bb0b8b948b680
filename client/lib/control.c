/*
 * control.c: the author's control over a stored message: widen its label
 * or lift its handling code (relabel), or ask its author to (release
 * request).
 */
#include "enl.h"

int
enlace_relabel(enlace_client_t *self, uint64_t seq, enlace_tlp_t tlp, int lift_handling)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Relabel r = ENLACE__RELABEL__INIT;
    r.seq = seq;
    r.tlp = (Enlace__Tlp)tlp;
    r.lift_handling = lift_handling != 0;
    req.body_case = ENLACE__FRAME__BODY_RELABEL;
    req.relabel = &r;
    return enl_request_ok(self, &req);
}

int
enlace_release_request(enlace_client_t *self, uint64_t seq, const char *reason)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__ReleaseRequest r = ENLACE__RELEASE_REQUEST__INIT;
    r.seq = seq;
    r.reason = (char *)(reason ? reason : "");
    req.body_case = ENLACE__FRAME__BODY_RELEASE_REQUEST;
    req.release_request = &r;
    return enl_request_ok(self, &req);
}
