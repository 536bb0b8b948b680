/*
 * forms: validation of the structured case forms (proto/enlace.proto, "case
 * forms"), of handling codes and evaluations and of an alert's texts, and
 * the forms' CAP parameters. One table per form, shared: the hub checks
 * what it sees in the clear, libenlace checks what it is about to seal
 * (which the hub will not see). Every refusal names the form and the field,
 * e.g. "form death: deceased_name is required".
 */
#ifndef ENLACE_FORMS_H
#define ENLACE_FORMS_H

#include <stddef.h>

#include "enlace.pb-c.h"

/* NULL if the content's handling, evaluation, languages and form are valid;
 * else a reason written into why. */
const char *forms_check(const Enlace__Content *c, char *why, size_t cap);

/* The form's name ("death", "child", ...), or NULL. */
const char *forms_name(const Enlace__CaseForm *f);

/* 1 if name is a form's name. */
int forms_known(const char *name);

/* NULL if an alert's headline (1 to 200 bytes), area (at most 400) and
 * description (body) are valid UTF-8 text; else why not (static). */
const char *forms_alert_text(const Enlace__Alert *a, const uint8_t *body, size_t body_len);

/* Calls fn(name, value) for every field set in the form, in order, as CAP
 * parameters (names prefixed with the form: "death.deceased_name"). */
typedef void (*forms_param_fn)(const char *name, const char *value, void *arg);
void forms_parameters(const Enlace__CaseForm *f, forms_param_fn fn, void *arg);

#endif
