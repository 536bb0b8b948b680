/*
 * commit.c: see commit.h.
 */
#include "commit.h"

#include "deliver.h"
#include "dirwatch.h"
#include "push.h"
#include "send.h"

static int
s_send(void *arg, const uint8_t *rid, size_t rid_len, const uint8_t *frame, size_t len)
{
    return send_raw(arg, rid, rid_len, frame, len);
}

static void
s_act(void *arg, batch_action_t *a)
{
    hub_t *self = arg;
    switch (a->kind) {
    case BATCH_STORED:
        self->stored_total++;
        if (a->seq > self->head)
            self->head = a->seq;
        if (a->msg.frame)
            recent_put(self->recent, &a->msg); /* takes its allocations */
        break;
    case BATCH_PUSH_ALERT:
        push_alert(self, a->seq);
        break;
    case BATCH_PUSH_NOTICE:
        push_notice(self, a->seq, a->to);
        break;
    case BATCH_RELABEL:
        recent_relabel(self->recent, a->seq, a->tlp, a->handling);
        break;
    case BATCH_HELLO: {
        session_t *s = sessions_find(self->sessions, a->rid, a->rid_len);
        if (s)
            push_on_hello(self, s);
        break;
    }
    case BATCH_RELOAD:
        dirwatch_reload(self);
        break;
    }
}

void
commit_batch(hub_t *self)
{
    deliver_save_cursors(self);
    batch_sink_t sink = {.send = s_send, .act = s_act, .arg = self};
    batch_commit(self->batch, &sink);
}
