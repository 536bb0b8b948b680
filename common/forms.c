/*
 * forms.c: one table per form drives both validation and the CAP parameters,
 * so a field cannot be checked and forgotten in the export (or the reverse).
 * The hub checks what it sees with it; libenlace checks the part it seals
 * with the same table, before the hub can no longer see it.
 */
#include "forms.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "topic.h"

typedef enum {
    F_TEXT,
    F_DATE,
    F_COUNTRY,
    F_SEX,
    F_UINT,
    F_BOOL,
    F_DOUBLE,
    F_TEXTS,
    F_COUNTRIES
} ftype_t;

typedef struct {
    const char *name;
    ftype_t type;
    size_t offset; /* in the form's struct */
    int required;
    const char *choices; /* "a|b|c" for F_TEXT, or NULL */
    double min, max;     /* F_UINT / F_DOUBLE bounds (max 0: unbounded) */
    size_t count_offset; /* F_TEXTS / F_COUNTRIES: where n_<field> is */
    int wide;            /* F_UINT: uint64_t (else uint32_t) */
} field_t;

#define T(st, f, req, ch) \
    { \
#f, F_TEXT, offsetof(st, f), req, ch, 0, 0 \
    }
#define D(st, f, req) \
    { \
#f, F_DATE, offsetof(st, f), req, NULL, 0, 0 \
    }
#define C(st, f, req) \
    { \
#f, F_COUNTRY, offsetof(st, f), req, NULL, 0, 0 \
    }
#define S(st, f, req) \
    { \
#f, F_SEX, offsetof(st, f), req, NULL, 0, 0 \
    }
#define U(st, f, req, lo, hi) \
    { \
#f, F_UINT, offsetof(st, f), req, NULL, lo, hi, 0, 0 \
    }
#define U64(st, f, req, lo, hi) \
    { \
#f, F_UINT, offsetof(st, f), req, NULL, lo, hi, 0, 1 \
    }
#define B(st, f) \
    { \
#f, F_BOOL, offsetof(st, f), 0, NULL, 0, 0 \
    }
#define F(st, f, lo, hi) \
    { \
#f, F_DOUBLE, offsetof(st, f), 0, NULL, lo, hi \
    }
#define TS(st, f, req) \
    { \
#f, F_TEXTS, offsetof(st, f), req, NULL, 0, 0, offsetof(st, n_##f), 0 \
    }
#define CS(st, f, req) \
    { \
#f, F_COUNTRIES, offsetof(st, f), req, NULL, 0, 0, offsetof(st, n_##f), 0 \
    }

static const field_t s_death[] = {
    T(Enlace__DeathAbroad, deceased_name, 1, NULL),
    C(Enlace__DeathAbroad, nationality, 1),
    T(Enlace__DeathAbroad, document_id, 0, NULL),
    D(Enlace__DeathAbroad, date_of_birth, 0),
    D(Enlace__DeathAbroad, date_of_death, 1),
    T(Enlace__DeathAbroad, place_of_death, 1, NULL),
    T(Enlace__DeathAbroad, cause, 0, NULL),
    B(Enlace__DeathAbroad, next_of_kin_contacted),
    T(Enlace__DeathAbroad, family_wishes, 0, "repatriation|local-burial|cremation|undecided"),
    T(Enlace__DeathAbroad, repatriation_status, 0, "not-requested|requested|in-progress|completed"),
    U64(Enlace__DeathAbroad, repatriation_cost_usd, 0, 0, 0),
    T(Enlace__DeathAbroad, notifying_authority, 0, NULL),
};

static const field_t s_child[] = {
    T(Enlace__MissingChild, name, 1, NULL),
    U(Enlace__MissingChild, age, 0, 0, 17),
    S(Enlace__MissingChild, sex, 1),
    T(Enlace__MissingChild, description, 1, NULL),
    T(Enlace__MissingChild, photo_ref, 0, NULL),
    T(Enlace__MissingChild, last_seen_place, 1, NULL),
    D(Enlace__MissingChild, last_seen_date, 1),
    T(Enlace__MissingChild, accompanying_adult, 0, NULL),
    T(Enlace__MissingChild, direction_of_travel, 0, NULL),
    TS(Enlace__MissingChild, border_posts, 0),
    B(Enlace__MissingChild, unaccompanied),
};

static const field_t s_incident[] = {
    T(Enlace__MigrantIncident, incident_type, 1, "death|disappearance|both"),
    D(Enlace__MigrantIncident, date, 1),
    C(Enlace__MigrantIncident, country, 1),
    T(Enlace__MigrantIncident, location, 1, NULL),
    F(Enlace__MigrantIncident, latitude, -90, 90),
    F(Enlace__MigrantIncident, longitude, -180, 180),
    U(Enlace__MigrantIncident, dead, 0, 0, 100000),
    U(Enlace__MigrantIncident, missing, 0, 0, 100000),
    U(Enlace__MigrantIncident, survivors, 0, 0, 100000),
    U(Enlace__MigrantIncident, females, 0, 0, 100000),
    U(Enlace__MigrantIncident, males, 0, 0, 100000),
    U(Enlace__MigrantIncident, children, 0, 0, 100000),
    CS(Enlace__MigrantIncident, countries_of_origin, 0),
    T(Enlace__MigrantIncident, cause, 1, NULL),
    T(Enlace__MigrantIncident, route, 0, NULL),
    T(Enlace__MigrantIncident, source, 1, NULL),
    U(Enlace__MigrantIncident, source_quality, 1, 1, 5),
};

static const field_t s_trafficking[] = {
    T(Enlace__TraffickingVictim, victim_ref, 1, NULL),
    C(Enlace__TraffickingVictim, nationality, 1),
    U(Enlace__TraffickingVictim, age, 0, 0, 120),
    S(Enlace__TraffickingVictim, sex, 0),
    T(Enlace__TraffickingVictim, exploitation_type, 1,
        "sexual|labour|begging|marriage|criminal|other"),
    T(Enlace__TraffickingVictim, identified_by, 1, NULL),
    T(Enlace__TraffickingVictim, place_identified, 1, NULL),
    D(Enlace__TraffickingVictim, date_identified, 1),
    T(Enlace__TraffickingVictim, protection_status, 1, "shelter|assisted|pending|declined"),
    B(Enlace__TraffickingVictim, return_requested),
    C(Enlace__TraffickingVictim, destination_country, 0),
};

static const field_t s_smuggling[] = {
    T(Enlace__SmugglingRoute, description, 1, NULL),
    CS(Enlace__SmugglingRoute, countries, 1),
    T(Enlace__SmugglingRoute, modus_operandi, 0, NULL),
    U(Enlace__SmugglingRoute, people_estimate, 0, 0, 0),
    T(Enlace__SmugglingRoute, documents_used, 0, NULL),
    D(Enlace__SmugglingRoute, date_observed, 1),
};

static const field_t s_return[] = {
    T(Enlace__ReturnAssistance, beneficiary_ref, 1, NULL),
    T(Enlace__ReturnAssistance, vulnerability, 1,
        "unaccompanied-child|disability|over-70|illness-or-injury|special-case"),
    T(Enlace__ReturnAssistance, special_case, 0, "domestic-violence|sexual-abuse|trafficking"),
    U64(Enlace__ReturnAssistance, amount_usd, 1, 1, 1000),
    C(Enlace__ReturnAssistance, origin_country, 1),
    C(Enlace__ReturnAssistance, destination_country, 1),
};

typedef struct {
    const char *name;
    const field_t *fields;
    size_t n;
} form_t;

static const form_t s_forms[] = {
    [ENLACE__CASE_FORM__FORM_DEATH] = {"death", s_death, sizeof s_death / sizeof *s_death},
    [ENLACE__CASE_FORM__FORM_CHILD] = {"child", s_child, sizeof s_child / sizeof *s_child},
    [ENLACE__CASE_FORM__FORM_INCIDENT] = {"incident", s_incident,
        sizeof s_incident / sizeof *s_incident},
    [ENLACE__CASE_FORM__FORM_TRAFFICKING] = {"trafficking", s_trafficking,
        sizeof s_trafficking / sizeof *s_trafficking},
    [ENLACE__CASE_FORM__FORM_SMUGGLING] = {"smuggling", s_smuggling,
        sizeof s_smuggling / sizeof *s_smuggling},
    [ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE] = {"return-assistance", s_return,
        sizeof s_return / sizeof *s_return},
};

static const form_t *
s_form(const Enlace__CaseForm *f, const void **body)
{
    if (!f)
        return NULL;
    const void *b = NULL;
    switch (f->form_case) {
    case ENLACE__CASE_FORM__FORM_DEATH:
        b = f->death;
        break;
    case ENLACE__CASE_FORM__FORM_CHILD:
        b = f->child;
        break;
    case ENLACE__CASE_FORM__FORM_INCIDENT:
        b = f->incident;
        break;
    case ENLACE__CASE_FORM__FORM_TRAFFICKING:
        b = f->trafficking;
        break;
    case ENLACE__CASE_FORM__FORM_SMUGGLING:
        b = f->smuggling;
        break;
    case ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE:
        b = f->return_assistance;
        break;
    default:
        return NULL;
    }
    *body = b;
    return b ? &s_forms[f->form_case] : NULL;
}

const char *
forms_name(const Enlace__CaseForm *f)
{
    const void *b;
    const form_t *form = s_form(f, &b);
    return form ? form->name : NULL;
}

int
forms_known(const char *name)
{
    for (size_t i = 0; i < sizeof s_forms / sizeof *s_forms; i++)
        if (s_forms[i].name && !strcmp(s_forms[i].name, name))
            return 1;
    return 0;
}

static int
s_is_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

static int
s_is_country(const char *s)
{
    return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static int
s_in_choices(const char *value, const char *choices)
{
    size_t n = strlen(value);
    for (const char *p = choices; p && *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !memcmp(p, value, n))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int
s_text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n <= max && topic_text_valid(s, n);
}

#define FAIL(...) \
    do { \
        snprintf(why, cap, __VA_ARGS__); \
        return why; \
    } while (0)

static const char *
s_check_form(const form_t *form, const void *body, char *why, size_t cap)
{
    const char *fn = form->name;
    for (size_t i = 0; i < form->n; i++) {
        const field_t *f = &form->fields[i];
        const void *at = (const char *)body + f->offset;
        switch (f->type) {
        case F_TEXT:
        case F_DATE:
        case F_COUNTRY:
        case F_SEX: {
            const char *v = *(char *const *)at;
            if (!v || !*v) {
                if (f->required)
                    FAIL("form %s: %s is required", fn, f->name);
                break;
            }
            if (!s_text_ok(v, 2000))
                FAIL("form %s: %s must be text of at most 2000 bytes", fn, f->name);
            if (f->type == F_DATE && !s_is_date(v))
                FAIL("form %s: %s must be a date YYYY-MM-DD", fn, f->name);
            if (f->type == F_COUNTRY && !s_is_country(v))
                FAIL("form %s: %s must be an ISO 3166-1 alpha-2 country code", fn, f->name);
            if (f->type == F_SEX && !s_in_choices(v, "F|M|X"))
                FAIL("form %s: %s must be F, M or X", fn, f->name);
            if (f->choices && !s_in_choices(v, f->choices))
                FAIL("form %s: %s must be one of %s", fn, f->name, f->choices);
            break;
        }
        case F_UINT: {
            uint64_t v = f->wide ? *(const uint64_t *)at : *(const uint32_t *)at;
            if (f->required && v == 0)
                FAIL("form %s: %s is required", fn, f->name);
            if (f->max > 0 && (v < (uint64_t)f->min || v > (uint64_t)f->max)) {
                if (!strcmp(f->name, "amount_usd"))
                    FAIL("form %s: amount_usd %llu is over the reserve fund's limit of USD "
                         "1,000 per case",
                        fn, (unsigned long long)v);
                FAIL("form %s: %s must be between %.0f and %.0f", fn, f->name, f->min, f->max);
            }
            break;
        }
        case F_DOUBLE: {
            double v = *(const double *)at;
            if (!isfinite(v) || v < f->min || v > f->max)
                FAIL("form %s: %s must be between %.0f and %.0f", fn, f->name, f->min, f->max);
            break;
        }
        case F_BOOL:
            break;
        case F_TEXTS:
        case F_COUNTRIES: {
            size_t n = *(const size_t *)((const char *)body + f->count_offset);
            char *const *v = *(char *const *const *)at;
            if (f->required && n == 0)
                FAIL("form %s: %s needs at least one value", fn, f->name);
            if (n > 32)
                FAIL("form %s: %s has more than 32 values", fn, f->name);
            for (size_t k = 0; k < n; k++) {
                if (!v[k] || !s_text_ok(v[k], 200))
                    FAIL("form %s: %s values must be text of at most 200 bytes", fn, f->name);
                if (f->type == F_COUNTRIES && !s_is_country(v[k]))
                    FAIL("form %s: %s values must be ISO 3166-1 alpha-2 codes", fn, f->name);
            }
            break;
        }
        }
    }
    /* Rules across fields. */
    if (form == &s_forms[ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE]) {
        const Enlace__ReturnAssistance *r = body;
        int special = !strcmp(r->vulnerability, "special-case");
        if (special && !*r->special_case)
            FAIL("form return-assistance: special_case is required for a special case "
                 "(domestic-violence, sexual-abuse or trafficking)");
        if (!special && *r->special_case)
            FAIL("form return-assistance: special_case is only for vulnerability special-case");
    }
    if (form == &s_forms[ENLACE__CASE_FORM__FORM_INCIDENT]) {
        const Enlace__MigrantIncident *m = body;
        if (m->dead + m->missing == 0)
            FAIL("form incident: give the number of dead or missing (dead, missing)");
    }
    return NULL;
}

const char *
forms_check(const Enlace__Content *c, char *why, size_t cap)
{
    if ((unsigned)c->handling > ENLACE__HANDLING__HANDLING_H3)
        FAIL("unknown handling code");
    /* Sealed, the restriction travels inside the seal (checked by the
     * author's library, with this function, before it seals). */
    if (c->handling == ENLACE__HANDLING__HANDLING_H3 && !*c->handling_text && !c->sealed)
        FAIL("handling code H3 needs the restriction in handling_text");
    if (!s_text_ok(c->handling_text, 500))
        FAIL("handling_text must be text of at most 500 bytes");
    if ((unsigned)c->reliability > ENLACE__RELIABILITY__RELIABILITY_X)
        FAIL("source reliability is A, B, C or X");
    if (c->accuracy > 4)
        FAIL("information accuracy is 1 to 4");
    if (c->n_texts > 4)
        FAIL("at most 4 further languages");
    for (size_t i = 0; i < c->n_texts; i++) {
        const Enlace__LocalizedText *t = c->texts[i];
        if (strcmp(t->language, "es") && strcmp(t->language, "en"))
            FAIL("a translation's language is es or en");
        if (!s_text_ok(t->headline, 200) || !s_text_ok(t->description, 60000))
            FAIL("a translation must be text (headline at most 200 bytes)");
    }
    if (c->form) {
        const void *body;
        const form_t *form = s_form(c->form, &body);
        if (!form)
            FAIL("unknown case form");
        return s_check_form(form, body, why, cap);
    }
    return NULL;
}

const char *
forms_alert_text(const Enlace__Alert *a, const uint8_t *body, size_t body_len)
{
    size_t hl = strlen(a->headline);
    if (hl == 0 || hl > 200 || !topic_text_valid(a->headline, hl))
        return "an alert needs a headline of 1 to 200 bytes of text";
    if (strlen(a->area) > 400 || !topic_text_valid(a->area, strlen(a->area)))
        return "the area description is not valid text (at most 400 bytes)";
    if (!topic_text_valid((const char *)body, body_len))
        return "an alert's description must be UTF-8 text";
    return NULL;
}

void
forms_parameters(const Enlace__CaseForm *f, forms_param_fn fn, void *arg)
{
    const void *body;
    const form_t *form = s_form(f, &body);
    if (!form)
        return;
    char name[96], value[64];
    for (size_t i = 0; i < form->n; i++) {
        const field_t *fd = &form->fields[i];
        const void *at = (const char *)body + fd->offset;
        snprintf(name, sizeof name, "%s.%s", form->name, fd->name);
        switch (fd->type) {
        case F_TEXT:
        case F_DATE:
        case F_COUNTRY:
        case F_SEX: {
            const char *v = *(char *const *)at;
            if (v && *v)
                fn(name, v, arg);
            break;
        }
        case F_UINT: {
            uint64_t v = fd->wide ? *(const uint64_t *)at : *(const uint32_t *)at;
            snprintf(value, sizeof value, "%llu", (unsigned long long)v);
            fn(name, value, arg);
            break;
        }
        case F_DOUBLE:
            snprintf(value, sizeof value, "%.5f", *(const double *)at);
            fn(name, value, arg);
            break;
        case F_BOOL:
            fn(name, *(const protobuf_c_boolean *)at ? "true" : "false", arg);
            break;
        case F_TEXTS:
        case F_COUNTRIES: {
            size_t n = *(const size_t *)((const char *)body + fd->count_offset);
            char *const *v = *(char *const *const *)at;
            for (size_t k = 0; k < n; k++)
                fn(name, v[k], arg);
            break;
        }
        }
    }
}
