/*
 * message.c: the options publish, alert and case open share: handling code,
 * evaluation, personal data, and case forms (--form NAME --field k=v, or
 * --form-json FILE).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns 1 if argv[*i] was one (advancing *i over its value), 0 if not, -1
 * on error. */
int
cli_message_option(cli_settings_t *st, int argc, char **argv, int *i, json_t **fields,
    const char **form_name)
{
    const char *o = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(o, "--personal")) {
        st->personal = 1;
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
        free(st->form_json);
        st->form_json = cli_read_file(v);
        if (!st->form_json)
            return -1;
    } else if (!strcmp(o, "--form"))
        *form_name = v;
    else {
        /* --field name=value: numbers become numbers, true/false booleans;
         * a field given twice becomes a list. */
        const char *eq = strchr(v, '=');
        if (!eq || eq == v) {
            fprintf(stderr, "enlace: --field takes name=value\n");
            return -1;
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
        const char *val = eq + 1;
        char *end;
        json_t *jv;
        double d = strtod(val, &end);
        if (*val && !*end && strspn(val, "0123456789") == strlen(val))
            jv = json_integer((json_int_t)strtoll(val, NULL, 10));
        else if (*val && !*end && strchr(val, '.'))
            jv = json_real(d);
        else if (!strcmp(val, "true") || !strcmp(val, "false"))
            jv = json_boolean(!strcmp(val, "true"));
        else
            jv = json_string(val);
        if (!*fields)
            *fields = json_object();
        json_t *old = json_object_get(*fields, name);
        if (old && json_is_array(old))
            json_array_append_new(old, jv);
        else if (old)
            json_object_set_new(*fields, name, json_pack("[O, o]", old, jv));
        else if (!strcmp(name, "border_posts") || !strcmp(name, "countries")
            || !strcmp(name, "countries_of_origin"))
            json_object_set_new(*fields, name, json_pack("[o]", jv));
        else
            json_object_set_new(*fields, name, jv);
    }
    return 1;
}


int
cli_finish_form(cli_settings_t *st, json_t *fields, const char *form_name)
{
    if (!form_name && !fields)
        return 0;
    if (!form_name || !fields) {
        fprintf(stderr, "enlace: --form NAME and at least one --field go together\n");
        json_decref(fields);
        return -1;
    }
    char key[40];
    snprintf(key, sizeof key, "%s", form_name);
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    json_t *doc = json_pack("{s:o}", key, fields);
    free(st->form_json);
    st->form_json = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return st->form_json ? 0 : -1;
}
