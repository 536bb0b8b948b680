/*
 * test_webreq: the web console's decoding of the pages' JSON bodies
 * (client/web/webreq.c): what a well-formed request gives, and that every
 * wrong member is refused with its name, before anything acts on it.
 */
#include <string.h>

#include "check.h"
#include "webreq.h"

static web_publish_req_t s_pub;
static web_case_req_t s_case;
static json_t *s_json; /* the body s_pub points into, kept until the next */

static int
s_publish(const char *text, web_req_error_t *why)
{
    json_decref(s_json);
    s_json = web_req_parse(text, strlen(text), why);
    if (!s_json)
        return -2;
    return web_req_publish(s_json, &s_pub, why);
}

static void
parse_refuses_what_is_not_one_object(void)
{
    web_req_error_t why;
    const char *bad[] = {"", "[]", "\"x\"", "1", "{", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u0000\"}",
        "{} {}", "{\"a\":\"\xff\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = web_req_parse(bad[i], strlen(bad[i]), &why);
        CHECK(j == NULL && why.message[0]);
        json_decref(j);
    }
    json_t *j = web_req_parse("{}", 2, &why);
    CHECK(j != NULL);
    json_decref(j);
}

static void
publish_decodes_a_message(void)
{
    web_req_error_t why;
    CHECK(s_publish("{\"topic\":\"consular/death/MX\",\"body\":\"hola\",\"tlp\":\"RED\","
                    "\"recipients\":[\"ABCD-EFGH-IJKL-MNOP\",\"\"],\"handling\":\"H2\","
                    "\"evaluation\":\"B2\",\"personal\":true,\"case\":7}",
              &why)
        == 0);
    CHECK(!strcmp(s_pub.topic, "consular/death/MX") && s_pub.body_len == 4);
    CHECK(s_pub.tlp == ENLACE_TLP_RED && s_pub.nrecipients == 1); /* a blank line is nothing */
    CHECK(!strcmp(s_pub.handling, "H2") && !strcmp(s_pub.evaluation, "B2"));
    CHECK(s_pub.personal == 1 && s_pub.case_id == 7 && !s_pub.is_alert && !s_pub.form.type);
    /* Blank choices are the defaults. */
    CHECK(
        s_publish("{\"topic\":\"crm/announce\",\"tlp\":\"\",\"handling\":\"\",\"evaluation\":\"\","
                  "\"case\":null,\"alert\":null,\"form\":null}",
            &why)
        == 0);
    CHECK(s_pub.tlp == 0 && !s_pub.handling && !s_pub.evaluation && s_pub.body_len == 0
        && !strcmp(s_pub.body, ""));
}

static void
publish_names_the_wrong_member(void)
{
    web_req_error_t why;
    struct {
        const char *json, *field;
    } bad[] = {
        {"{\"body\":\"x\"}", "topic"},
        {"{\"topic\":\"\"}", "topic"},
        {"{\"topic\":5}", "topic"},
        {"{\"topic\":\"a/b\",\"tlp\":\"PURPLE\"}", "tlp"},
        {"{\"topic\":\"a/b\",\"personal\":\"yes\"}", "personal"},
        {"{\"topic\":\"a/b\",\"case\":-1}", "case"},
        {"{\"topic\":\"a/b\",\"case\":1.5}", "case"},
        {"{\"topic\":\"a/b\",\"recipients\":\"ABCD\"}", "recipients"},
        {"{\"topic\":\"a/b\",\"recipients\":[1]}", "recipients"},
        {"{\"topic\":\"a/b\",\"alert\":{\"countries\":[\"GT\"]}}", "alert.headline"},
        {"{\"topic\":\"a/b\",\"alert\":{\"headline\":\"h\"}}", "alert.countries"},
        {"{\"topic\":\"a/b\",\"alert\":{\"headline\":\"h\",\"countries\":[\"GT\"],\"expires\":\"x\"}}",
            "alert.expires"},
        {"{\"topic\":\"a/b\",\"alert\":{\"headline\":\"h\",\"countries\":[\"GT\"],"
         "\"references\":[1,\"2\"]}}",
            "alert.references"},
        {"{\"topic\":\"a/b\",\"form\":{\"fields\":{\"a\":\"b\"}}}", "form.type"},
        {"{\"topic\":\"a/b\",\"form\":{\"type\":\"death\",\"fields\":{\"a\":{}}}}", "form.a"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = s_publish(bad[i].json, &why);
        CHECK(rc == -1 && !strcmp(why.field, bad[i].field));
        if (rc == -1 && strcmp(why.field, bad[i].field) != 0)
            fprintf(stderr, "  %s: field '%s', want '%s' (%s)\n", bad[i].json, why.field,
                bad[i].field, why.message);
    }
    /* A member a message does not have. */
    CHECK(s_publish("{\"topic\":\"a/b\",\"author\":\"someone else\"}", &why) == -1
        && strstr(why.message, "author"));
    /* Over the counts: 65 recipients, a body over 256 KiB. */
    char many[65 * 24 + 64] = "{\"topic\":\"a/b\",\"recipients\":[";
    for (int i = 0; i < 65; i++)
        strcat(many, i ? ",\"ABCD-EFGH-IJKL-MNOP\"" : "\"ABCD-EFGH-IJKL-MNOP\"");
    strcat(many, "]}");
    CHECK(s_publish(many, &why) == -1 && !strcmp(why.field, "recipients"));
    size_t big = WEB_MAX_BODY + 64;
    char *huge = malloc(big + 64);
    strcpy(huge, "{\"topic\":\"a/b\",\"body\":\"");
    memset(huge + strlen(huge), 'x', big);
    strcpy(huge + 23 + big, "\"}");
    CHECK(s_publish(huge, &why) == -1 && !strcmp(why.field, "body"));
    free(huge);
}

static void
publish_decodes_an_alert_with_a_translation(void)
{
    web_req_error_t why;
    CHECK(s_publish(
              "{\"topic\":\"consular/death/MX\",\"alert\":{\"priority\":\"urgent\","
              "\"category\":\"death\",\"countries\":[\"MX\",\"GT\"],\"headline\":\"H\","
              "\"urgency\":\"\",\"references\":[3,4],\"expires\":1800000000000,"
              "\"translation\":{\"language\":\"en\",\"headline\":\"E\",\"description\":\"D\"}}}",
              &why)
        == 0);
    CHECK(s_pub.is_alert && !strcmp(s_pub.alert.priority, "urgent"));
    CHECK(s_pub.alert.ncountries == 2 && !strcmp(s_pub.alert.countries[1], "GT"));
    CHECK(!s_pub.alert.urgency); /* blank: the default */
    CHECK(s_pub.alert.nreferences == 2 && s_pub.alert.references[1] == 4);
    CHECK(s_pub.alert.expires_ms == 1800000000000LL);
    CHECK(!strcmp(s_pub.alert.translation_language, "en")
        && !strcmp(s_pub.alert.translation_description, "D"));
    /* A translation without a language is none. */
    CHECK(s_publish("{\"topic\":\"a/b\",\"alert\":{\"headline\":\"h\",\"countries\":[\"GT\"],"
                    "\"translation\":{\"language\":\"\",\"headline\":\"E\"}}}",
              &why)
        == 0);
    CHECK(!s_pub.alert.translation_language && !s_pub.alert.translation_headline);
}

static void
form_values_become_text_and_libenlace_names_a_bad_one(void)
{
    web_req_error_t why;
    CHECK(
        s_publish("{\"topic\":\"child/missing/GT\",\"form\":{\"type\":\"child\",\"fields\":{"
                  "\"name\":\"A.\",\"age\":12,\"unaccompanied\":true,\"border_posts\":"
                  "[\"Tecún Umán\",\"\",\"El Carmen\"],\"photo_ref\":\"\",\"description\":null}}}",
            &why)
        == 0);
    CHECK(!strcmp(s_pub.form.type, "child") && s_pub.form.nfields == 4);
    CHECK(
        !strcmp(s_pub.form.fields[1].name, "age") && !strcmp(s_pub.form.fields[1].values[0], "12"));
    CHECK(!strcmp(s_pub.form.fields[2].values[0], "true"));
    CHECK(s_pub.form.fields[3].nvalues == 2);
    enlace_form_t *form = NULL;
    CHECK(web_req_form_build(&s_pub.form, &form, &why) == 0 && form != NULL);
    CHECK(form && enlace_form_count(form) >= 4);
    enlace_form_destroy(&form);
    /* A value libenlace refuses: named, and nothing leaks. */
    CHECK(s_publish("{\"topic\":\"child/missing/GT\",\"form\":{\"type\":\"child\",\"fields\":{"
                    "\"age\":\"twelve\"}}}",
              &why)
        == 0);
    CHECK(web_req_form_build(&s_pub.form, &form, &why) == -1 && form == NULL);
    CHECK(!strcmp(why.field, "form.age"));
    CHECK(
        s_publish("{\"topic\":\"a/b\",\"form\":{\"type\":\"death\",\"fields\":{\"colour\":\"r\"}}}",
            &why)
        == 0);
    CHECK(web_req_form_build(&s_pub.form, &form, &why) == -1 && !strcmp(why.field, "form.colour"));
    CHECK(s_publish("{\"topic\":\"a/b\",\"form\":{\"type\":\"horoscope\"}}", &why) == 0);
    CHECK(web_req_form_build(&s_pub.form, &form, &why) == -1 && !strcmp(why.field, "form.type"));
}

static void
case_needs_type_title_and_countries(void)
{
    web_req_error_t why;
    const char *text = "{\"type\":\"death\",\"title\":\"T\",\"countries\":[\"MX\",\"GT\"],"
                       "\"network\":\"\",\"form\":{\"type\":\"death\",\"fields\":{}}}";
    json_t *j = web_req_parse(text, strlen(text), &why);
    CHECK(j && web_req_case(j, &s_case, &why) == 0);
    CHECK(s_case.ncountries == 2 && !s_case.network && !strcmp(s_case.form.type, "death"));
    json_decref(j);
    const char *bad[][2] = {{"{\"title\":\"T\",\"countries\":[\"MX\"]}", "type"},
        {"{\"type\":\"death\",\"countries\":[\"MX\"]}", "title"},
        {"{\"type\":\"death\",\"title\":\"T\",\"countries\":[]}", "countries"},
        {"{\"type\":\"death\",\"title\":\"T\",\"countries\":[\"MX\"],\"x\":1}", ""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = web_req_parse(bad[i][0], strlen(bad[i][0]), &why);
        CHECK(j && web_req_case(j, &s_case, &why) == -1 && !strcmp(why.field, bad[i][1]));
        json_decref(j);
    }
}

static int
s_small(const char *text, unsigned allowed, unsigned required, web_small_req_t *r,
    web_req_error_t *why)
{
    json_t *j = web_req_parse(text, strlen(text), why);
    int rc = j ? web_req_small(j, allowed, required, r, why) : -2;
    json_decref(j);
    return rc;
}

static void
small_requests_take_only_their_members(void)
{
    web_small_req_t r;
    web_req_error_t why;
    CHECK(s_small("{\"note\":\"Recibido\"}", WEB_M_NOTE, 0, &r, &why) == 0);
    CHECK(s_small("{}", WEB_M_NOTE, 0, &r, &why) == 0 && r.note == NULL);
    /* A token where only a note may be. */
    CHECK(s_small("{\"token\":\"x\"}", WEB_M_NOTE, 0, &r, &why) == -1);
    CHECK(s_small("{\"open\":true}", WEB_M_OPEN | WEB_M_NOTE, WEB_M_OPEN, &r, &why) == 0 && r.open);
    CHECK(s_small("{\"note\":\"n\"}", WEB_M_OPEN | WEB_M_NOTE, WEB_M_OPEN, &r, &why) == -1
        && !strcmp(why.field, "open"));
    CHECK(s_small("{\"open\":1}", WEB_M_OPEN, WEB_M_OPEN, &r, &why) == -1);
    CHECK(s_small("{\"token\":\"\"}", WEB_M_TOKEN, WEB_M_TOKEN, &r, &why) == -1
        && !strcmp(why.field, "token"));
    CHECK(s_small("{\"fingerprint\":\"F\",\"network\":\"consular\",\"role\":\"focal\"}",
              WEB_M_FINGERPRINT | WEB_M_NETWORK | WEB_M_ROLE,
              WEB_M_FINGERPRINT | WEB_M_NETWORK | WEB_M_ROLE, &r, &why)
        == 0);
    CHECK(s_small("{\"grantee\":\"UNICEF\",\"network\":\"child\",\"topics\":[\"child/#\"],"
                  "\"access\":\"read\",\"duration\":86400000}",
              WEB_M_INVITE, 0, &r, &why)
        == 0);
    CHECK(r.ntopics == 1 && r.duration_ms == 86400000);
    CHECK(s_small("{\"duration\":-5}", WEB_M_INVITE, 0, &r, &why) == -1);
    CHECK(s_small("{\"country\":\"HN\",\"year\":2027}", WEB_M_PPT, 0, &r, &why) == 0
        && r.year == 2027);
    CHECK(s_small("{\"year\":20270}", WEB_M_PPT, 0, &r, &why) == -1);
    CHECK(s_small("{\"name\":\"n\",\"networks\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
                  "\"i\"]}",
              WEB_M_OFFICER, 0, &r, &why)
        == -1);
}

static int
s_consult(const char *text, web_consult_step_t step, web_consult_req_t *r, web_req_error_t *why)
{
    json_decref(s_json); /* r points into it: kept until the next */
    s_json = web_req_parse(text, strlen(text), why);
    return s_json ? web_req_consult(s_json, step, r, why) : -2;
}

static void
consult_steps_take_only_their_members(void)
{
    web_consult_req_t r;
    web_req_error_t why;
    CHECK(s_consult("{\"title\":\"Protocolo\",\"text\":\"Se propone...\"}", WEB_CONSULT_OPEN, &r,
              &why)
        == 0);
    CHECK(!strcmp(r.title, "Protocolo") && !strcmp(r.text, "Se propone...") && r.stage == -1);
    /* A blank title or text is none, and named. */
    CHECK(s_consult("{\"title\":\"\",\"text\":\"x\"}", WEB_CONSULT_OPEN, &r, &why) == -1
        && !strcmp(why.field, "title"));
    CHECK(s_consult("{\"title\":\"T\"}", WEB_CONSULT_OPEN, &r, &why) == -1
        && !strcmp(why.field, "text"));
    /* An answer: the hub's word as it is, the stage 0 to 2 or the current one. */
    CHECK(
        s_consult("{\"answer\":\"agree\",\"text\":\"\",\"stage\":0}", WEB_CONSULT_ANSWER, &r, &why)
        == 0);
    CHECK(!strcmp(r.answer, "agree") && r.text == NULL && r.stage == 0);
    CHECK(s_consult("{\"answer\":\"comments\",\"text\":\"art. 2\",\"stage\":null}",
              WEB_CONSULT_ANSWER, &r, &why)
            == 0
        && r.stage == -1 && !strcmp(r.text, "art. 2"));
    CHECK(s_consult("{\"answer\":\"agree\",\"stage\":3}", WEB_CONSULT_ANSWER, &r, &why) == -1
        && !strcmp(why.field, "stage"));
    CHECK(s_consult("{\"text\":\"x\"}", WEB_CONSULT_ANSWER, &r, &why) == -1
        && !strcmp(why.field, "answer"));
    /* A member of another step is refused. */
    CHECK(s_consult("{\"answer\":\"agree\",\"title\":\"T\"}", WEB_CONSULT_ANSWER, &r, &why) == -1);
    CHECK(s_consult("{\"text\":\"x\",\"outcome\":\"consensus\"}", WEB_CONSULT_REVISE, &r, &why)
        == -1);
    CHECK(s_consult("{}", WEB_CONSULT_ADVANCE, &r, &why) == 0 && r.text == NULL);
    CHECK(s_consult("{\"text\":\"  \"}", WEB_CONSULT_REVISE, &r, &why) == 0);
    CHECK(s_consult("{\"text\":\"\"}", WEB_CONSULT_REVISE, &r, &why) == -1
        && !strcmp(why.field, "text"));
    /* Close: the outcome is one of two words; without consensus, a reason. */
    CHECK(s_consult("{\"outcome\":\"consensus\",\"reason\":\"\",\"report\":\"Aprobado\"}",
              WEB_CONSULT_CLOSE, &r, &why)
            == 0
        && r.consensus == 1 && r.reason == NULL);
    CHECK(s_consult("{\"outcome\":\"no-consensus\",\"report\":\"R\"}", WEB_CONSULT_CLOSE, &r, &why)
            == -1
        && !strcmp(why.field, "reason"));
    CHECK(s_consult("{\"outcome\":\"maybe\",\"report\":\"R\"}", WEB_CONSULT_CLOSE, &r, &why) == -1
        && !strcmp(why.field, "outcome"));
    CHECK(s_consult("{\"outcome\":\"no-consensus\",\"reason\":\"sin quorum\"}", WEB_CONSULT_CLOSE,
              &r, &why)
            == -1
        && !strcmp(why.field, "report"));
    CHECK(s_consult("{\"outcome\":\"consensus\",\"report\":\"R\",\"text\":\"x\"}",
              WEB_CONSULT_CLOSE, &r, &why)
        == -1);
    CHECK(s_consult("[]", WEB_CONSULT_OPEN, &r, &why) == -2);
}

int
main(void)
{
    RUN(parse_refuses_what_is_not_one_object);
    RUN(publish_decodes_a_message);
    RUN(publish_names_the_wrong_member);
    RUN(publish_decodes_an_alert_with_a_translation);
    RUN(form_values_become_text_and_libenlace_names_a_bad_one);
    RUN(case_needs_type_title_and_countries);
    RUN(small_requests_take_only_their_members);
    RUN(consult_steps_take_only_their_members);
    json_decref(s_json);
    return CHECK_DONE();
}
