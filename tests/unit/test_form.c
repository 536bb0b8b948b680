/*
 * test_form: client/lib/form.c, case forms between the caller's terms (a
 * type and name=value text) and enlace.proto's CaseForm, by the .proto's
 * field names: each value read by its field's type, a bad one refused by
 * name, and the wire's message read back as the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "enl.h"

static int
s_set(enlace_form_t *f, const char *name, const char *value, char *why, size_t cap)
{
    why[0] = '\0';
    return enlace_form_set(f, name, value, why, cap);
}

/* The field of the view named name, or NULL. */
static const enlace_form_field_t *
s_field(const enlace_form_t *f, const char *name)
{
    for (size_t i = 0; i < enlace_form_count(f); i++)
        if (!strcmp(enlace_form_field(f, i)->name, name))
            return enlace_form_field(f, i);
    return NULL;
}

static void
knows_the_six_forms_by_their_proto_names(void)
{
    static const char *types[] = {"death", "child", "incident", "trafficking", "smuggling",
        "return_assistance"};
    char why[160];
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        enlace_form_t *f = NULL;
        CHECK(enlace_form_new(types[i], &f, why, sizeof why) == ENLACE_OK);
        CHECK_STREQ(enlace_form_type(f), types[i]);
        enlace_form_destroy(&f);
        CHECK(f == NULL);
    }
    enlace_form_t *f = NULL;
    CHECK(enlace_form_new("return-assistance", &f, why, sizeof why) == ENLACE_OK);
    CHECK_STREQ(enlace_form_type(f), "return_assistance");
    enlace_form_destroy(&f);
    CHECK(enlace_form_new("deathx", &f, why, sizeof why) == ENLACE_EINVAL && f == NULL);
    CHECK_STREQ(why,
        "form: unknown form 'deathx' (death, child, incident, trafficking, "
        "smuggling, return_assistance)");
    enlace_form_destroy(NULL);
}

static void
reads_each_value_by_its_fields_type(void)
{
    enlace_form_t *f = NULL;
    char why[160];
    CHECK(enlace_form_new("incident", &f, why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "incident_type", "death", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "latitude", "14.5", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "dead", "2", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "countries_of_origin", "GT", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "countries_of_origin", "HN", why, sizeof why) == ENLACE_OK);
    const enlace_form_field_t *x = s_field(f, "latitude");
    CHECK(x && x->kind == ENLACE_FIELD_NUMBER && x->nvalues == 1
        && strtod(x->values[0], NULL) == 14.5);
    x = s_field(f, "dead");
    CHECK(x && x->kind == ENLACE_FIELD_INTEGER && !strcmp(x->values[0], "2"));
    x = s_field(f, "countries_of_origin");
    CHECK(x && x->list && x->nvalues == 2 && !strcmp(x->values[1], "HN"));
    CHECK(s_field(f, "missing") == NULL); /* a whole number that is 0 is not shown */
    /* the .proto's order, whatever the order they were set in */
    CHECK(enlace_form_count(f) == 4);
    if (enlace_form_count(f) == 4) {
        CHECK_STREQ(enlace_form_field(f, 0)->name, "incident_type");
        CHECK_STREQ(enlace_form_field(f, 1)->name, "latitude");
        CHECK_STREQ(enlace_form_field(f, 2)->name, "dead");
        CHECK_STREQ(enlace_form_field(f, 3)->name, "countries_of_origin");
    }
    enlace_form_destroy(&f);

    CHECK(enlace_form_new("death", &f, why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "deceased_name", "J. P.", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "deceased_name", "J. Pérez", why, sizeof why) == ENLACE_OK); /* replaced */
    CHECK(s_set(f, "document_id", "12345", why, sizeof why) == ENLACE_OK);      /* text */
    x = s_field(f, "deceased_name");
    CHECK(x && x->kind == ENLACE_FIELD_TEXT && !strcmp(x->values[0], "J. Pérez"));
    /* a boolean is a value even when false */
    x = s_field(f, "next_of_kin_contacted");
    CHECK(x && x->kind == ENLACE_FIELD_BOOL && !strcmp(x->values[0], "false"));
    CHECK(s_set(f, "next_of_kin_contacted", "true", why, sizeof why) == ENLACE_OK);
    x = s_field(f, "next_of_kin_contacted");
    CHECK(x && !strcmp(x->values[0], "true"));
    enlace_form_destroy(&f);
}

static void
names_the_bad_field(void)
{
    enlace_form_t *f = NULL;
    char why[160];
    CHECK(enlace_form_new("child", &f, why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "nombre", "x", why, sizeof why) == ENLACE_EINVAL);
    CHECK_STREQ(why, "form: unknown field 'nombre' in MissingChild");
    static const char *not_whole[] = {"9x", "-1", "9.5", "", "4294967296"};
    for (size_t i = 0; i < sizeof not_whole / sizeof not_whole[0]; i++) {
        CHECK(s_set(f, "age", not_whole[i], why, sizeof why) == ENLACE_EINVAL);
        CHECK_STREQ(why, "form: age must be a whole number");
    }
    CHECK(s_set(f, "unaccompanied", "yes", why, sizeof why) == ENLACE_EINVAL);
    CHECK_STREQ(why, "form: unaccompanied must be true or false");
    CHECK(enlace_form_count(f) == 1); /* only unaccompanied (false): nothing set */
    enlace_form_destroy(&f);
    CHECK(enlace_form_new("incident", &f, why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "latitude", "14.5N", why, sizeof why) == ENLACE_EINVAL);
    CHECK_STREQ(why, "form: latitude must be a number");
    enlace_form_destroy(&f);
}

static void
maps_to_the_wire_and_back(void)
{
    enlace_form_t *f = NULL;
    char why[160];
    CHECK(enlace_form_new("return-assistance", &f, why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "beneficiary_ref", "RA-9", why, sizeof why) == ENLACE_OK);
    CHECK(s_set(f, "amount_usd", "900", why, sizeof why) == ENLACE_OK);
    const Enlace__CaseForm *msg = enl_form_message(f);
    CHECK(msg && msg->form_case == ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE);
    size_t len = enlace__case_form__get_packed_size(msg);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        enlace_form_destroy(&f);
        return;
    }
    enlace__case_form__pack(msg, buf);
    Enlace__CaseForm *back = enlace__case_form__unpack(NULL, len, buf);
    free(buf);
    CHECK(back && back->return_assistance && back->return_assistance->amount_usd == 900
        && !strcmp(back->return_assistance->beneficiary_ref, "RA-9"));
    /* a form read from the wire shows the same fields, and is read-only */
    enlace_form_t *read = back ? enl_form_wrap(back) : NULL;
    CHECK(read && enlace_form_count(read) == enlace_form_count(f));
    for (size_t i = 0; read && i < enlace_form_count(read); i++) {
        CHECK_STREQ(enlace_form_field(read, i)->name, enlace_form_field(f, i)->name);
        CHECK_STREQ(enlace_form_field(read, i)->values[0], enlace_form_field(f, i)->values[0]);
    }
    CHECK(read && enlace_form_set(read, "amount_usd", "1", why, sizeof why) == ENLACE_EINVAL);
    enlace_form_destroy(&read);
    enlace__case_form__free_unpacked(back, NULL);
    enlace_form_destroy(&f);
}

int
main(void)
{
    RUN(knows_the_six_forms_by_their_proto_names);
    RUN(reads_each_value_by_its_fields_type);
    RUN(names_the_bad_field);
    RUN(maps_to_the_wire_and_back);
    return CHECK_DONE();
}
