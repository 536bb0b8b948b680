/*
 * flow.c: subscriptions' cursors under flow control (see flow.h).
 */
#include "flow.h"

void
flow_advance(session_t *s)
{
    if (s->pos == FLOW_UNSET)
        return;
    uint64_t done = session_done_upto(s);
    for (int i = 0; i < s->nsubs; i++)
        if (done > s->subs[i].cursor && !s->subs[i].awaiting_rewind)
            s->subs[i].cursor = done;
}

void
flow_ack(session_t *s, uint64_t seq)
{
    if (s->pos == FLOW_UNSET)
        return;
    session_inflight_ack(s, seq > s->pos ? s->pos : seq);
    flow_advance(s);
    if (s->in_count == 0 && s->rewind_to != FLOW_UNSET) {
        s->pos = s->rewind_to;
        s->rewind_to = FLOW_UNSET;
        for (int i = 0; i < s->nsubs; i++)
            s->subs[i].awaiting_rewind = 0;
    }
}

int
flow_dirty(const session_t *s)
{
    for (int i = 0; i < s->nsubs; i++)
        if (s->subs[i].cursor != s->subs[i].saved_cursor)
            return 1;
    return 0;
}

int
flow_save(archive_t *archive, session_t *s)
{
    for (int i = 0; i < s->nsubs; i++) {
        session_sub_t *sub = &s->subs[i];
        if (sub->cursor == sub->saved_cursor)
            continue;
        if (archive_sub_put(archive, s->officer_id, sub->pattern, sub->cursor) != 0)
            return -1;
        /* Saved once the batch commits. If that commit fails, the cursor
         * is written again when it next moves; until then a crash would
         * redeliver from the older one, as delivery is at-least-once. */
        sub->saved_cursor = sub->cursor;
    }
    return 0;
}
