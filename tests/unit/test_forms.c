/*
 * test_forms.c: common/forms.c: the case forms' tables, which check a
 * form field by field (a refusal names the field) and give its fields as
 * CAP parameters.
 */
#include "check.h"

#include "enlace.pb-c.h"
#include "forms.h"

static const char *
s_check(Enlace__CaseForm *form, char *why, size_t cap)
{
    Enlace__Content c = ENLACE__CONTENT__INIT;
    c.form = form;
    return forms_check(&c, why, cap);
}

static void
a_message_without_a_form_passes(void)
{
    Enlace__Content c = ENLACE__CONTENT__INIT;
    char why[256];
    CHECK(forms_check(&c, why, sizeof why) == NULL);
}

static void
a_death_form_names_the_field_it_refuses(void)
{
    Enlace__DeathAbroad d = ENLACE__DEATH_ABROAD__INIT;
    Enlace__CaseForm form = ENLACE__CASE_FORM__INIT;
    form.form_case = ENLACE__CASE_FORM__FORM_DEATH;
    form.death = &d;
    char why[256];
    const char *bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "deceased_name")); /* the first required field */
    d.deceased_name = "J. P.";
    d.nationality = "GT";
    d.date_of_death = "2026-11-20";
    d.place_of_death = "Tapachula";
    CHECK(s_check(&form, why, sizeof why) == NULL);
    CHECK_STREQ(forms_name(&form), "death");
    d.nationality = "Guatemala"; /* not an alpha-2 code */
    bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "nationality"));
    d.nationality = "GT";
    d.date_of_death = "2026-13-40";
    bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "date_of_death"));
    d.date_of_death = "2026-11-20";
    d.family_wishes = "burial-at-sea";
    bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "family_wishes"));
}

static void
numbers_are_bounded(void)
{
    Enlace__ReturnAssistance r = ENLACE__RETURN_ASSISTANCE__INIT;
    Enlace__CaseForm form = ENLACE__CASE_FORM__INIT;
    form.form_case = ENLACE__CASE_FORM__FORM_RETURN_ASSISTANCE;
    form.return_assistance = &r;
    r.beneficiary_ref = "RA-1";
    r.vulnerability = "over-70";
    r.origin_country = "MX";
    r.destination_country = "HN";
    r.amount_usd = 1000;
    char why[256];
    CHECK(s_check(&form, why, sizeof why) == NULL);
    r.amount_usd = 1001; /* the CRM reserve fund pays at most USD 1,000 */
    const char *bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "amount_usd"));
    r.amount_usd = 0;
    CHECK(s_check(&form, why, sizeof why) != NULL);
    Enlace__MissingChild ch = ENLACE__MISSING_CHILD__INIT;
    form.form_case = ENLACE__CASE_FORM__FORM_CHILD;
    form.child = &ch;
    ch.name = "M.";
    ch.sex = "F";
    ch.description = "vestido azul";
    ch.last_seen_place = "Tecun Uman";
    ch.last_seen_date = "2026-11-30";
    ch.age = 17;
    CHECK(s_check(&form, why, sizeof why) == NULL);
    ch.age = 18; /* a child */
    bad = s_check(&form, why, sizeof why);
    CHECK(bad && strstr(bad, "age"));
}

typedef struct {
    int n;
    int saw_name;
} params_t;

static void
s_param(const char *name, const char *value, void *arg)
{
    params_t *p = arg;
    p->n++;
    if (!strcmp(name, "death.deceased_name") && !strcmp(value, "J. P."))
        p->saw_name = 1;
}

static void
the_fields_travel_as_parameters(void)
{
    Enlace__DeathAbroad d = ENLACE__DEATH_ABROAD__INIT;
    Enlace__CaseForm form = ENLACE__CASE_FORM__INIT;
    form.form_case = ENLACE__CASE_FORM__FORM_DEATH;
    form.death = &d;
    d.deceased_name = "J. P.";
    d.nationality = "GT";
    d.date_of_death = "2026-11-20";
    d.place_of_death = "Tapachula";
    params_t p = {0};
    forms_parameters(&form, s_param, &p);
    CHECK(p.saw_name);
    CHECK(p.n >= 4);
}

int
main(void)
{
    RUN(a_message_without_a_form_passes);
    RUN(a_death_form_names_the_field_it_refuses);
    RUN(numbers_are_bounded);
    RUN(the_fields_travel_as_parameters);
    return CHECK_DONE();
}
