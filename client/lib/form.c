/*
 * form.c: case forms (enlace.proto's CaseForm and its six messages) to and
 * from the caller's terms, by the .proto's field names.
 */
#include "enl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Fills a message (of descriptor d, zero-initialised by the caller) from a
 * JSON object whose keys are the .proto field names. Supports the types the
 * case forms use: text, bool, uint32, uint64, double, repeated text, and
 * nested messages (for the oneof of CaseForm). */
static int
s_fill(ProtobufCMessage *m, json_t *obj, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *key;
    json_t *v;
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "form: %s must be a JSON object", d->short_name);
        return -1;
    }
    json_object_foreach(obj, key, v) {
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
        if (!f) {
            snprintf(err, errlen, "form: unknown field '%s' in %s", key, d->short_name);
            return -1;
        }
        char *at = (char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (f->type != PROTOBUF_C_TYPE_STRING || !json_is_array(v)) {
                snprintf(err, errlen, "form: %s must be a list of text", key);
                return -1;
            }
            size_t n = json_array_size(v);
            char **arr = calloc(n ? n : 1, sizeof *arr);
            if (!arr)
                return -1;
            for (size_t i = 0; i < n; i++) {
                const char *t = json_string_value(json_array_get(v, i));
                arr[i] = strdup(t ? t : "");
            }
            *(char ***)at = arr;
            *(size_t *)((char *)m + f->quantifier_offset) = n;
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            *(uint32_t *)((char *)m + f->quantifier_offset) = f->id;
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (!json_is_string(v)) {
                snprintf(err, errlen, "form: %s must be text", key);
                return -1;
            }
            *(char **)at = strdup(json_string_value(v));
            break;
        case PROTOBUF_C_TYPE_BOOL:
            if (!json_is_boolean(v)) {
                snprintf(err, errlen, "form: %s must be true or false", key);
                return -1;
            }
            *(protobuf_c_boolean *)at = json_is_true(v);
            break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_UINT64:
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                snprintf(err, errlen, "form: %s must be a whole number", key);
                return -1;
            }
            if (f->type == PROTOBUF_C_TYPE_UINT32)
                *(uint32_t *)at = (uint32_t)json_integer_value(v);
            else
                *(uint64_t *)at = (uint64_t)json_integer_value(v);
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            if (!json_is_number(v)) {
                snprintf(err, errlen, "form: %s must be a number", key);
                return -1;
            }
            *(double *)at = json_number_value(v);
            break;
        case PROTOBUF_C_TYPE_MESSAGE: {
            const ProtobufCMessageDescriptor *sd = f->descriptor;
            ProtobufCMessage *sub = calloc(1, sd->sizeof_message);
            if (!sub)
                return -1;
            sd->message_init(sub);
            *(ProtobufCMessage **)at = sub;
            if (s_fill(sub, v, err, errlen) != 0)
                return -1;
            break;
        }
        default:
            snprintf(err, errlen, "form: field %s has an unsupported type", key);
            return -1;
        }
    }
    return 0;
}

Enlace__CaseForm *
enl_form_from_json(const char *text, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *obj = json_loads(text, 0, &jerr);
    if (!obj) {
        snprintf(err, errlen, "form: not JSON (%s)", jerr.text);
        return NULL;
    }
    Enlace__CaseForm *f = calloc(1, sizeof *f);
    if (f)
        enlace__case_form__init(f);
    if (!f || json_object_size(obj) != 1 || s_fill(&f->base, obj, err, errlen) != 0) {
        if (f && json_object_size(obj) != 1)
            snprintf(err, errlen, "form: give exactly one form (death, child, incident, "
                                  "trafficking, smuggling, return_assistance)");
        json_decref(obj);
        if (f)
            protobuf_c_message_free_unpacked(&f->base, NULL);
        return NULL;
    }
    json_decref(obj);
    return f;
}

/* The inverse, for deliveries: fields that are set, by name. */
static json_t *
s_json_of(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_t *o = json_object();
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF
            && *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            if (f->type != PROTOBUF_C_TYPE_STRING || n == 0)
                continue;
            json_t *a = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, json_string((*(char *const *const *)at)[k]));
            json_object_set_new(o, f->name, a);
            continue;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (*(char *const *)at && **(char *const *)at)
                json_object_set_new(o, f->name, json_string(*(char *const *)at));
            break;
        case PROTOBUF_C_TYPE_BOOL:
            json_object_set_new(o, f->name, json_boolean(*(const protobuf_c_boolean *)at));
            break;
        case PROTOBUF_C_TYPE_UINT32:
            if (*(const uint32_t *)at)
                json_object_set_new(o, f->name, json_integer(*(const uint32_t *)at));
            break;
        case PROTOBUF_C_TYPE_UINT64:
            if (*(const uint64_t *)at)
                json_object_set_new(o, f->name, json_integer((json_int_t)*(const uint64_t *)at));
            break;
        case PROTOBUF_C_TYPE_DOUBLE:
            if (*(const double *)at != 0)
                json_object_set_new(o, f->name, json_real(*(const double *)at));
            break;
        case PROTOBUF_C_TYPE_MESSAGE:
            if (*(ProtobufCMessage *const *)at)
                json_object_set_new(o, f->name, s_json_of(*(ProtobufCMessage *const *)at));
            break;
        default:
            break;
        }
    }
    return o;
}


char *
enl_form_to_json(const Enlace__CaseForm *form)
{
    json_t *fj = s_json_of(&form->base);
    char *text = fj ? json_dumps(fj, JSON_COMPACT) : NULL;
    json_decref(fj);
    return text;
}
