/*
 * subscribe.c: durable subscriptions. The hub keeps each officer's cursor
 * per pattern; the client keeps the patterns of this connection so that it
 * can subscribe again after a reconnect (the hub's new session has none).
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

void
enl_resubscribe(enlace_client_t *self)
{
    for (int i = 0; i < self->npatterns; i++) {
        Enlace__Frame sf = ENLACE__FRAME__INIT;
        Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
        sub.pattern.data = (uint8_t *)self->patterns[i];
        sub.pattern.len = strlen(self->patterns[i]);
        sf.version = ENL_PROTOCOL_VERSION;
        sf.request_id = ++self->next_request;
        sf.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
        sf.subscribe = &sub;
        uint8_t sbuf[512];
        size_t slen = enlace__frame__get_packed_size(&sf);
        if (slen <= sizeof sbuf) {
            enlace__frame__pack(&sf, sbuf);
            enl_send_raw(self, sbuf, slen);
        }
    }
}

void
enl_patterns_free(enlace_client_t *self)
{
    for (int i = 0; i < self->npatterns; i++)
        free(self->patterns[i]);
    free(self->patterns);
    self->patterns = NULL;
    self->npatterns = 0;
}

int
enlace_subscribe(enlace_client_t *self, const char *pattern, int from_start)
{
    if (!self || !pattern)
        return enl_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Subscribe sub = ENLACE__SUBSCRIBE__INIT;
    sub.pattern.data = (uint8_t *)pattern;
    sub.pattern.len = strlen(pattern);
    sub.from_start = from_start != 0;
    req.body_case = ENLACE__FRAME__BODY_SUBSCRIBE;
    req.subscribe = &sub;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_SUBSCRIBED, &err);
    if (!reply)
        return err;
    enlace__frame__free_unpacked(reply, NULL);
    for (int i = 0; i < self->npatterns; i++)
        if (!strcmp(self->patterns[i], pattern))
            return ENLACE_OK;
    char **grown = realloc(self->patterns, (size_t)(self->npatterns + 1) * sizeof *grown);
    if (!grown || !(grown[self->npatterns] = strdup(pattern))) {
        if (grown)
            self->patterns = grown;
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    self->patterns = grown;
    self->npatterns++;
    return ENLACE_OK;
}

int
enlace_unsubscribe(enlace_client_t *self, const char *pattern)
{
    if (!self || !pattern)
        return enl_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Unsubscribe u = ENLACE__UNSUBSCRIBE__INIT;
    u.pattern.data = (uint8_t *)pattern;
    u.pattern.len = strlen(pattern);
    req.body_case = ENLACE__FRAME__BODY_UNSUBSCRIBE;
    req.unsubscribe = &u;
    int rc = enl_request_ok(self, &req);
    if (rc != ENLACE_OK)
        return rc;
    for (int i = 0; i < self->npatterns; i++)
        if (!strcmp(self->patterns[i], pattern)) {
            free(self->patterns[i]);
            self->patterns[i] = self->patterns[--self->npatterns];
            break;
        }
    return ENLACE_OK;
}
