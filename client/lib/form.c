/*
 * form.c: case forms, between the caller's terms (a form type and
 * name=value fields, as text) and enlace.proto's CaseForm with its six
 * messages, by the .proto's own field names: the descriptors protoc-c
 * generates drive both directions, so a field added to the .proto is a
 * field here with no change.
 *
 * A form the caller builds owns its CaseForm; a delivery's form points into
 * the delivery's decoded content. The view (enlace_form_field_t) lists the
 * fields a reader would see: text that is not empty, numbers that are not
 * 0, booleans always, lists with items; it is rebuilt after every change.
 */
#include "enl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

struct enlace_form {
    Enlace__CaseForm *msg; /* the form; owned if owned */
    int owned;
    arena_t view_arena;           /* the view below and its formatted values */
    enlace_form_field_t **fields; /* the view: fields that are set */
    size_t nfields;
};

#define FORM_TYPES "death, child, incident, trafficking, smuggling, return_assistance"

static void s_why(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
s_why(char *why, size_t why_len, const char *fmt, ...)
{
    if (!why || !why_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

/* The inner message (DeathAbroad, ...) and the CaseForm field naming it. */
static ProtobufCMessage *
s_inner(const Enlace__CaseForm *msg, const ProtobufCFieldDescriptor **which)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &enlace__case_form__descriptor, msg->form_case);
    if (which)
        *which = f;
    if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    return *(ProtobufCMessage **)((char *)msg + f->offset);
}

static int
s_add_value(arena_t *a, enlace_form_field_t *f, const char *value)
{
    const char **grown = arena_alloc(a, (f->nvalues + 1) * sizeof *grown);
    char *copy = arena_strdup(a, value);
    if (!grown || !copy)
        return -1;
    if (f->nvalues)
        memcpy(grown, f->values, f->nvalues * sizeof *grown);
    grown[f->nvalues++] = copy;
    f->values = grown;
    return 0;
}

/* Rebuilds the view from the message. -1 out of memory. */
static int
s_view(enlace_form_t *self)
{
    arena_free(&self->view_arena);
    self->fields = NULL;
    self->nfields = 0;
    ProtobufCMessage *m = s_inner(self->msg, NULL);
    if (!m)
        return 0;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    arena_t *a = &self->view_arena;
    self->fields = arena_alloc(a, (d->n_fields ? d->n_fields : 1) * sizeof *self->fields);
    if (!self->fields)
        return -1;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];
        const char *at = (const char *)m + fd->offset;
        enlace_form_field_t *f = arena_alloc(a, sizeof *f);
        if (!f)
            return -1;
        f->name = fd->name;
        char num[40];
        int rc = 0;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
            if (fd->type != PROTOBUF_C_TYPE_STRING || n == 0)
                continue;
            f->kind = ENLACE_FIELD_TEXT;
            f->list = 1;
            for (size_t k = 0; k < n && rc == 0; k++)
                rc = s_add_value(a, f, (*(char *const *const *)at)[k]);
        } else {
            switch (fd->type) {
            case PROTOBUF_C_TYPE_STRING:
                if (!*(char *const *)at || !**(char *const *)at)
                    continue;
                f->kind = ENLACE_FIELD_TEXT;
                rc = s_add_value(a, f, *(char *const *)at);
                break;
            case PROTOBUF_C_TYPE_BOOL:
                f->kind = ENLACE_FIELD_BOOL;
                rc = s_add_value(a, f, *(const protobuf_c_boolean *)at ? "true" : "false");
                break;
            case PROTOBUF_C_TYPE_UINT32:
                if (!*(const uint32_t *)at)
                    continue;
                f->kind = ENLACE_FIELD_INTEGER;
                snprintf(num, sizeof num, "%u", (unsigned)*(const uint32_t *)at);
                rc = s_add_value(a, f, num);
                break;
            case PROTOBUF_C_TYPE_UINT64:
                if (!*(const uint64_t *)at)
                    continue;
                f->kind = ENLACE_FIELD_INTEGER;
                snprintf(num, sizeof num, "%llu", (unsigned long long)*(const uint64_t *)at);
                rc = s_add_value(a, f, num);
                break;
            case PROTOBUF_C_TYPE_DOUBLE:
                if (*(const double *)at == 0)
                    continue;
                f->kind = ENLACE_FIELD_NUMBER;
                snprintf(num, sizeof num, "%.17g", *(const double *)at); /* round-trips */
                rc = s_add_value(a, f, num);
                break;
            default:
                continue; /* the forms have no other types */
            }
        }
        if (rc != 0)
            return -1;
        self->fields[self->nfields++] = f;
    }
    return 0;
}

int
enlace_form_new(const char *type, enlace_form_t **out, char *why, size_t why_len)
{
    *out = NULL;
    char name[40];
    snprintf(name, sizeof name, "%s", type ? type : "");
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(
        &enlace__case_form__descriptor, name);
    if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE) {
        s_why(why, why_len, "form: unknown form '%s' (" FORM_TYPES ")", type ? type : "");
        return ENLACE_EINVAL;
    }
    enlace_form_t *self = calloc(1, sizeof *self);
    Enlace__CaseForm *msg = calloc(1, sizeof *msg);
    ProtobufCMessage *inner = calloc(1,
        f->descriptor ? ((const ProtobufCMessageDescriptor *)f->descriptor)->sizeof_message : 1);
    if (!self || !msg || !inner) {
        free(self);
        free(msg);
        free(inner);
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    enlace__case_form__init(msg);
    ((const ProtobufCMessageDescriptor *)f->descriptor)->message_init(inner);
    *(ProtobufCMessage **)((char *)msg + f->offset) = inner;
    *(uint32_t *)((char *)msg + f->quantifier_offset) = f->id;
    self->msg = msg;
    self->owned = 1;
    if (s_view(self) != 0) {
        enlace_form_destroy(&self);
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    *out = self;
    return ENLACE_OK;
}

void
enlace_form_destroy(enlace_form_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_form_t *self = *self_p;
    arena_free(&self->view_arena);
    if (self->owned && self->msg)
        protobuf_c_message_free_unpacked(&self->msg->base, NULL);
    free(self);
    *self_p = NULL;
}

int
enlace_form_set(enlace_form_t *self, const char *name, const char *value, char *why, size_t why_len)
{
    if (!self || !self->owned || !name || !value) {
        s_why(why, why_len, "form: a field name and a value are required");
        return ENLACE_EINVAL;
    }
    ProtobufCMessage *m = s_inner(self->msg, NULL);
    if (!m) {
        s_why(why, why_len, "form: the form has no type");
        return ENLACE_EINVAL;
    }
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    if (!f) {
        s_why(why, why_len, "form: unknown field '%s' in %s", name, d->short_name);
        return ENLACE_EINVAL;
    }
    char *at = (char *)m + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        if (f->type != PROTOBUF_C_TYPE_STRING) {
            s_why(why, why_len, "form: field %s has an unsupported type", name);
            return ENLACE_EINVAL;
        }
        size_t *n = (size_t *)((char *)m + f->quantifier_offset);
        char **grown = realloc(*(char ***)at, (*n + 1) * sizeof *grown);
        char *copy = strdup(value);
        if (!grown || !copy) {
            if (grown)
                *(char ***)at = grown;
            free(copy);
            s_why(why, why_len, "out of memory");
            return ENLACE_ENOMEM;
        }
        grown[(*n)++] = copy;
        *(char ***)at = grown;
    } else {
        uint64_t u;
        double v;
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING: {
            char *copy = strdup(value);
            if (!copy) {
                s_why(why, why_len, "out of memory");
                return ENLACE_ENOMEM;
            }
            char *old = *(char **)at;
            if (old && old != protobuf_c_empty_string)
                free(old);
            *(char **)at = copy;
            break;
        }
        case PROTOBUF_C_TYPE_BOOL:
            if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
                s_why(why, why_len, "form: %s must be true or false", name);
                return ENLACE_EINVAL;
            }
            *(protobuf_c_boolean *)at = !strcmp(value, "true");
            break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_UINT64:
            if (number_parse_u64(value, 0,
                    f->type == PROTOBUF_C_TYPE_UINT32 ? UINT32_MAX : UINT64_MAX, &u)
                != NUMBER_OK) {
                s_why(why, why_len, "form: %s must be a whole number", name);
                return ENLACE_EINVAL;
            }
            if (f->type == PROTOBUF_C_TYPE_UINT32)
                *(uint32_t *)at = (uint32_t)u;
            else
                *(uint64_t *)at = u;
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            if (number_parse_double(value, &v) != NUMBER_OK) {
                s_why(why, why_len, "form: %s must be a number", name);
                return ENLACE_EINVAL;
            }
            *(double *)at = v;
            break;
        default:
            s_why(why, why_len, "form: field %s has an unsupported type", name);
            return ENLACE_EINVAL;
        }
    }
    if (s_view(self) != 0) {
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    return ENLACE_OK;
}

const char *
enlace_form_type(const enlace_form_t *self)
{
    const ProtobufCFieldDescriptor *f = NULL;
    if (!self || !s_inner(self->msg, &f) || !f)
        return "";
    return f->name;
}

size_t
enlace_form_count(const enlace_form_t *self)
{
    return self ? self->nfields : 0;
}

const enlace_form_field_t *
enlace_form_field(const enlace_form_t *self, size_t i)
{
    return self && i < self->nfields ? self->fields[i] : NULL;
}

/* ---------------------------------------------------------------- internal */

enlace_form_t *
enl_form_wrap(const Enlace__CaseForm *msg)
{
    enlace_form_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->msg = (Enlace__CaseForm *)msg;
    if (s_view(self) != 0) {
        enlace_form_destroy(&self);
        return NULL;
    }
    return self;
}

const Enlace__CaseForm *
enl_form_message(const enlace_form_t *self)
{
    return self ? self->msg : NULL;
}
