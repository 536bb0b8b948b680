/*
 * dirwatch.c: see dirwatch.h.
 */
#include "dirwatch.h"

#include "deliver.h"
#include "handle.h"
#include "log.h"
#include "request.h"

void
dirwatch_check(hub_t *self)
{
    int64_t version;
    if (archive_data_version(self->archive, &version) != 0
        || (version == self->dir_version && self->dir_version != -1))
        return;
    directory_t *fresh = directory_load(self->archive);
    if (!fresh) {
        log_error("directory reload failed: %s", archive_error(self->archive));
        return;
    }
    directory_destroy(&self->dir);
    self->dir = fresh;
    self->dir_version = version;
    log_info("directory reloaded: %d keys", directory_count(self->dir));
    /* The refusals wait for the next commit like every reply. */
    int64_t now = archive_now_ms();
    hub_env_t env = {.cfg = self->cfg,
        .archive = self->archive,
        .dir = self->dir,
        .batch = self->batch,
        .notary = self->notary,
        .head = self->head};
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        const dir_entry_t *who = directory_find(self->dir, s->fingerprint);
        if (!who || !directory_entry_active(who, now)) {
            reply_refusal(&env, s->rid, s->rid_len, 0, who, "session",
                ENLACE__ERROR_CODE__ERR_REVOKED,
                "your key has been revoked; this connection is closed");
            deliver_drop_session(self, s, "key revoked");
        }
        s = next;
    }
}

void
dirwatch_reload(hub_t *self)
{
    self->dir_version = -1;
    dirwatch_check(self);
}
