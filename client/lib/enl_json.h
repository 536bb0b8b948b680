/*
 * enl_json.h: the JSON that enlace_alerts, enlace_case_* and enlace_review
 * return (alerts.c, cases.c), shared with testing.c.
 */
#ifndef ENLACE_ENL_JSON_H
#define ENLACE_ENL_JSON_H

#include <jansson.h>

#include "enl.h"

json_t *enl_alert_json(const Enlace__AlertStatus *st);
json_t *enl_alert_list_json(const Enlace__AlertList *list);
/* Hands j out as indented text in *out (and frees j). */
int enl_json_out(enlace_client_t *self, json_t *j, char **out);
json_t *enl_case_info_json(const Enlace__CaseInfo *c);
json_t *enl_case_detail_json(enlace_client_t *self, const Enlace__CaseDetail *cd);
json_t *enl_case_list_json(Enlace__CaseInfo *const *cases, size_t n);
json_t *enl_review_json(const Enlace__ReviewList *r);

#endif
