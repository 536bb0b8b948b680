/*
 * control: the author keeps control of what they wrote (issue "domain's own
 * standards"). A forward (a message with forward_of) is refused when the
 * original's label or handling code forbids passing it on; only the author,
 * or the focal point of the author's country, widens a label or lifts a
 * handling code; anyone who may see a message can ask its author for wider
 * release, and the author is told by a hub notice. Refusals are audited like
 * every refusal (hub_error).
 */
#ifndef ENLACE_CONTROL_H
#define ENLACE_CONTROL_H

#include "hub_int.h"

/* NULL if content c (to be published on topic with label tlp, naming the
 * comma-separated recipients) may pass on the message it forwards
 * (c->forward_of), else why not (static, or written into why). Whoever may
 * read the forward must be allowed to read the original (disclose.h). */
const char *control_check_forward(hub_t *self, const dir_entry_t *who, const Enlace__Content *c,
    const char *topic, int tlp, const char *recipients, char *why, size_t cap);

void control_relabel(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Relabel *q);
void control_release_request(hub_t *self, session_t *s, const dir_entry_t *who,
    uint64_t request_id, const Enlace__ReleaseRequest *q);

#endif
