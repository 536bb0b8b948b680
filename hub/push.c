/*
 * push.c: out-of-band deliveries (see push.h). Every push goes to an
 * officer who may read the message live (disclose.h).
 */
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "alert_rules.h"
#include "attrs.h"
#include "deliver.h"
#include "log.h"
#include "send.h"

static void
s_push_to(hub_t *self, session_t *s, const uint8_t *frame, size_t len)
{
    if (send_raw(self, s->rid, s->rid_len, frame, len) == 0)
        self->delivered_total++;
}

typedef struct {
    hub_t *hub;
    uint8_t *frame;
    size_t len;
} oob_t;

static int
s_oob_frame(const archive_msg_t *m, void *arg)
{
    oob_t *o = arg;
    return deliver_frame(o->hub, m, 1, &o->frame, &o->len) == 0 ? 1 : -1;
}

typedef struct {
    char countries[64];
} alert_row_t;

static int
s_alert_copy(const archive_alert_t *a, void *arg)
{
    snprintf(((alert_row_t *)arg)->countries, sizeof((alert_row_t *)arg)->countries, "%s",
        a->countries);
    return 1;
}

void
push_alert(hub_t *self, uint64_t seq)
{
    alert_row_t r = {{0}};
    attrs_t attrs;
    oob_t o = {.hub = self};
    if (archive_alert_get(self->archive, seq, s_alert_copy, &r) != 1
        || attrs_load(self->archive, self->dir, seq, &attrs) != 1
        || archive_message_read(self->archive, seq, s_oob_frame, &o) != 1) {
        free(o.frame);
        return;
    }
    int64_t now = archive_now_ms();
    int sent = 0;
    for (session_t *s = sessions_next(self->sessions, NULL); s;
         s = sessions_next(self->sessions, s)) {
        const dir_entry_t *e = directory_find(self->dir, s->fingerprint);
        if (!e || !directory_entry_active(e, now))
            continue;
        char buf[64];
        snprintf(buf, sizeof buf, "%s", r.countries);
        char *save = NULL;
        for (char *cc = strtok_r(buf, ",", &save); cc; cc = strtok_r(NULL, ",", &save))
            if (alert_rules_is_target(self->dir, e, &attrs.m, cc, 0, now)) {
                s_push_to(self, s, o.frame, o.len);
                sent++;
                break;
            }
    }
    free(o.frame);
    log_info("alert %llu pushed to %d connected officer(s)", (unsigned long long)seq, sent);
}

void
push_notice(hub_t *self, uint64_t seq, const char *recipients)
{
    attrs_t attrs;
    oob_t o = {.hub = self};
    if (attrs_load(self->archive, self->dir, seq, &attrs) != 1
        || archive_message_read(self->archive, seq, s_oob_frame, &o) != 1) {
        free(o.frame);
        return;
    }
    int64_t now = archive_now_ms();
    for (session_t *s = sessions_next(self->sessions, NULL); s;
         s = sessions_next(self->sessions, s)) {
        const dir_entry_t *e = directory_find(self->dir, s->fingerprint);
        if (e && acl_listed(recipients, s->fingerprint)
            && attrs_level(&attrs, self->dir, e, DISCLOSE_LIVE, now) == DISCLOSE_ALL)
            s_push_to(self, s, o.frame, o.len);
    }
    free(o.frame);
}

typedef struct {
    hub_t *hub;
    const dir_entry_t *who;
    uint64_t seqs[64];
    int n;
    int64_t now;
} hello_t;

static int
s_hello_target(const archive_target_t *t, void *arg)
{
    hello_t *h = arg;
    if (strcmp(t->state, "pending") != 0 || strcmp(t->country, h->who->country) != 0)
        return 0;
    attrs_t attrs;
    if (h->n < 64 && attrs_load(h->hub->archive, h->hub->dir, t->alert_seq, &attrs) == 1
        && alert_rules_is_target(h->hub->dir, h->who, &attrs.m, t->country, t->level, h->now))
        h->seqs[h->n++] = t->alert_seq;
    return 0;
}

static int
s_hello_alert(const archive_alert_t *a, void *arg)
{
    hello_t *h = arg;
    return archive_alert_targets(h->hub->archive, a->seq, s_hello_target, h) != 0;
}

void
push_on_hello(hub_t *self, session_t *s)
{
    const dir_entry_t *who = directory_find(self->dir, s->fingerprint);
    if (!who || !who->country[0])
        return;
    hello_t h = {.hub = self, .who = who, .now = archive_now_ms()};
    if (archive_alerts_each(self->archive, 1, 200, s_hello_alert, &h) != 0)
        return;
    /* Oldest first, so the officer reads them in the order they were raised. */
    for (int i = h.n - 1; i >= 0; i--) {
        oob_t o = {.hub = self};
        if (archive_message_read(self->archive, h.seqs[i], s_oob_frame, &o) == 1)
            s_push_to(self, s, o.frame, o.len);
        free(o.frame);
    }
    if (h.n)
        log_info("re-delivered %d open alert(s) to %s", h.n, who->fingerprint);
}
