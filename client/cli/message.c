/*
 * message.c: the options publish, alert and case open share: handling code,
 * evaluation, personal data, sealing (--seal), and case forms (--form NAME --field k=v...,
 * or --form-json FILE holding {"death": {"deceased_name": "J. P.", ...}}).
 *
 * A form is built with libenlace's typed form (enlace_form_t): field values
 * go to it as text and the library reads each by its field's type, so a
 * bad field is reported by name before anything is sent.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns 1 if argv[*i] was one (advancing *i over its value), 0 if not, -1
 * on error. */
int
cli_message_option(cli_settings_t *st, int argc, char **argv, int *i)
{
    const char *o = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(o, "--personal")) {
        st->personal = 1;
        return 1;
    }
    if (!strcmp(o, "--seal")) {
        st->seal = 1;
        return 1;
    }
    int takes = !strcmp(o, "--handling") || !strcmp(o, "--handling-text")
        || !strcmp(o, "--evaluation") || !strcmp(o, "--form-json") || !strcmp(o, "--form")
        || !strcmp(o, "--field");
    if (!takes)
        return 0;
    if (!v) {
        fprintf(stderr, "enlace: %s needs a value\n", o);
        return -1;
    }
    (*i)++;
    if (!strcmp(o, "--handling"))
        st->handling = v;
    else if (!strcmp(o, "--handling-text"))
        st->handling_text = v;
    else if (!strcmp(o, "--evaluation"))
        st->evaluation = v;
    else if (!strcmp(o, "--form-json")) {
        free(st->form_file);
        st->form_file = cli_read_file(v);
        if (!st->form_file)
            return -1;
    } else if (!strcmp(o, "--form"))
        st->form_name = v;
    else {
        const char *eq = strchr(v, '=');
        if (!eq || eq == v) {
            fprintf(stderr, "enlace: --field takes name=value\n");
            return -1;
        }
        if (st->nfields == CLI_MAX_FIELDS) {
            fprintf(stderr, "enlace: at most %d --field options\n", CLI_MAX_FIELDS);
            return -1;
        }
        st->fields[st->nfields++] = v;
    }
    return 1;
}

int
cli_finish_form(const cli_settings_t *st)
{
    if ((st->form_name != NULL) != (st->nfields != 0)) {
        fprintf(stderr, "enlace: --form NAME and at least one --field go together\n");
        return -1;
    }
    return 0;
}

/* One value of a --form-json field as the text the form reads. */
static int
s_json_value(enlace_form_t *form, const char *name, json_t *v, char *why, size_t cap)
{
    char num[40];
    const char *text = NULL;
    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_boolean(v))
        text = json_is_true(v) ? "true" : "false";
    else if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), text = num;
    else if (json_is_real(v))
        snprintf(num, sizeof num, "%.17g", json_real_value(v)), text = num;
    if (!text) {
        snprintf(why, cap, "form: %s takes text, a number, true or false, or a list of text", name);
        return ENLACE_EINVAL;
    }
    return enlace_form_set(form, name, text, why, cap);
}

/* The form of a --form-json file: one key, the form's type, whose value
 * holds its fields. */
static int
s_form_from_file(const char *text, enlace_form_t **out, char *why, size_t cap)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc) {
        snprintf(why, cap, "form: not JSON (%s)", jerr.text);
        return ENLACE_EINVAL;
    }
    int rc = ENLACE_EINVAL;
    const char *type;
    json_t *fields;
    if (!json_is_object(doc) || json_object_size(doc) != 1) {
        snprintf(why, cap,
            "form: give exactly one form (death, child, incident, "
            "trafficking, smuggling, return_assistance)");
        goto out;
    }
    json_object_foreach(doc, type, fields)
    {
        rc = enlace_form_new(type, out, why, cap);
        if (rc != ENLACE_OK)
            goto out;
        if (!json_is_object(fields)) {
            snprintf(why, cap, "form: %s must be a JSON object", type);
            rc = ENLACE_EINVAL;
            goto out;
        }
        const char *name;
        json_t *v;
        json_object_foreach(fields, name, v)
        {
            if (json_is_array(v)) {
                size_t k;
                json_t *item;
                json_array_foreach(v, k, item) if ((rc = s_json_value(*out, name, item, why, cap))
                    != ENLACE_OK) goto out;
            } else if ((rc = s_json_value(*out, name, v, why, cap)) != ENLACE_OK) {
                goto out;
            }
        }
    }
out:
    if (rc != ENLACE_OK)
        enlace_form_destroy(out);
    json_decref(doc);
    return rc;
}

int
cli_build_form(cli_settings_t *st, char *why, size_t cap)
{
    enlace_form_destroy(&st->form);
    if (!st->form_name) {
        if (!st->form_file)
            return ENLACE_OK;
        return s_form_from_file(st->form_file, &st->form, why, cap);
    }
    int rc = enlace_form_new(st->form_name, &st->form, why, cap);
    for (size_t i = 0; rc == ENLACE_OK && i < st->nfields; i++) {
        /* name=value; the value's type is the field's, read by the library */
        const char *eq = strchr(st->fields[i], '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - st->fields[i]), st->fields[i]);
        rc = enlace_form_set(st->form, name, eq + 1, why, cap);
    }
    if (rc != ENLACE_OK)
        enlace_form_destroy(&st->form);
    return rc;
}
