/*
 * label: the author keeps control of what they wrote. A forward (a message
 * with forward_of) is refused when the original's label or handling code
 * forbids passing it on, or when it would reach anyone who may not read the
 * original; only the author, or the focal point of the author's country,
 * widens a label or lifts a handling code (handle_relabel); anyone who may
 * see a message can ask its author for wider release, and the author is
 * told by a hub notice (handle_release_request).
 */
#ifndef ENLACE_LABEL_H
#define ENLACE_LABEL_H

#include <stddef.h>

#include "handle.h"

/* NULL if content c (to be published on topic with label tlp, naming the
 * comma-separated recipients) may pass on the message it forwards
 * (c->forward_of), else why not (static, or written into why). */
const char *label_check_forward(const req_t *r, const Enlace__Content *c, const char *topic,
    int tlp, const char *recipients, char *why, size_t cap);

#endif
