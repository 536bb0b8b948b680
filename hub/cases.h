/*
 * cases: a case groups the messages and alerts about one situation (a death,
 * a disaster, a child's repatriation): an id, a type, a network, the
 * countries involved, open or closed. Opening, closing and reopening are
 * recorded as case events; what a case shows is filtered by the access rules
 * for the officer asking.
 */
#ifndef ENLACE_CASES_H
#define ENLACE_CASES_H

#include "hub_int.h"

void cases_open(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseOpen *q);
void cases_show(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseShow *q);
void cases_list(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseQuery *q);
void cases_set_state(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseSetState *q);

/* IOM's or the ST's approval of a special return-assistance case. */
void cases_approve(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CaseApprove *q);
/* The officer's own open cases and open alerts older than an age. */
void cases_review(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Review *q);

/* The network a case type belongs to by default (death -> consular, ...). */
const char *cases_default_network(const char *type);

#endif
