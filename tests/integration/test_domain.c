/*
 * test_domain: the domain's own standards against a real hub: full-text
 * search with accents folded and access rules applied; history by case;
 * structured case forms validated field by field (a missing field named, a
 * return-assistance amount over USD 1,000 refused); personal data never
 * reaching an observer unless named; handling codes and evaluations carried
 * to listeners; a bilingual alert exported as CAP with one info block per
 * language and the case form as parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static hub_t hub;
static officer_t mx, gt, sv, unicef, sto;

static enlace_client_t *
s_connect(const officer_t *o)
{
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, o, &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  connect %s: %s\n", o->name, why);
    CHECK(c != NULL);
    return c;
}

static int
s_search_count(enlace_client_t *c, const char *query)
{
    enlace_page_t *page = NULL;
    int rc = enlace_search(c, query, 0, 50, &page);
    int n = rc == ENLACE_OK ? (int)enlace_page_count(page) : -1;
    enlace_page_destroy(&page);
    return n;
}

/* A case form of type with fields "name=value" (NULL-terminated); NULL, and
 * the library's reason on stderr, if it refuses one. */
static enlace_form_t *
s_form(const char *type, const char *const *fields)
{
    enlace_form_t *f = NULL;
    char why[256];
    if (enlace_form_new(type, &f, why, sizeof why) != ENLACE_OK) {
        fprintf(stderr, "  form: %s\n", why);
        return NULL;
    }
    for (; *fields; fields++) {
        char name[64];
        const char *eq = strchr(*fields, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - *fields), *fields);
        if (enlace_form_set(f, name, eq + 1, why, sizeof why) != ENLACE_OK) {
            fprintf(stderr, "  form: %s\n", why);
            enlace_form_destroy(&f);
            return NULL;
        }
    }
    return f;
}

/* The (first) value of a form's field, or NULL. */
static const char *
s_form_value(const enlace_form_t *f, const char *name)
{
    for (size_t i = 0; i < enlace_form_count(f); i++)
        if (!strcmp(enlace_form_field(f, i)->name, name))
            return enlace_form_field(f, i)->values[0];
    return NULL;
}

/* Whether a form has a field whose value holds text. */
static int
s_form_has(const enlace_form_t *f, const char *text)
{
    for (size_t i = 0; i < enlace_form_count(f); i++)
        for (size_t k = 0; k < enlace_form_field(f, i)->nvalues; k++)
            if (strstr(enlace_form_field(f, i)->values[k], text))
                return 1;
    return 0;
}

/* Whether a case shows text: in its title or approval, a message's body or
 * form, an event's note. */
static int
s_case_shows(const enlace_case_t *c, const char *text)
{
    if (!c)
        return 0;
    if (strstr(c->info->title, text) || strstr(c->info->approval, text))
        return 1;
    for (size_t i = 0; i < c->nmessages; i++) {
        const enlace_delivery_t *d = c->messages[i];
        char body[512];
        snprintf(body, sizeof body, "%.*s", (int)(d->body_len < 511 ? d->body_len : 511),
            d->body_len ? (const char *)d->body : "");
        if (strstr(body, text) || (d->form && s_form_has(d->form, text)))
            return 1;
    }
    for (size_t i = 0; i < c->nevents; i++)
        if (strstr(c->events[i]->note, text))
            return 1;
    return 0;
}

/* The value of a form field in a case's thread, or NULL. */
static const char *
s_case_form_value(const enlace_case_t *c, const char *name)
{
    for (size_t i = 0; c && i < c->nmessages; i++)
        if (c->messages[i]->form && s_form_value(c->messages[i]->form, name))
            return s_form_value(c->messages[i]->form, name);
    return NULL;
}

/* Whether a review lists a case or an alert with this title or headline. */
static int
s_review_lists(const enlace_review_t *r, const char *title)
{
    for (size_t i = 0; r && i < r->ncases; i++)
        if (strstr(r->cases[i]->title, title))
            return 1;
    for (size_t i = 0; r && i < r->nalerts; i++)
        if (strstr(r->alerts[i]->headline, title))
            return 1;
    return 0;
}

static void
search_folds_accents_and_obeys_access_rules(void)
{
    enlace_client_t *a = s_connect(&mx), *g = s_connect(&gt), *v = s_connect(&sv);
    enlace_client_t *s = s_connect(&sto);
    if (!a || !g || !v || !s)
        goto out;
    const char *text = "Deportación de un menor no acompañado desde Tapachula";
    CHECK_RC(enlace_publish(a, "consular/case/search", text, strlen(text), NULL, NULL), ENLACE_OK);
    CHECK(s_search_count(g, "deportacion") == 1);           /* accents folded */
    CHECK(s_search_count(g, "DEPORTACIÓN tapachula") == 1); /* all words, any case */
    CHECK(s_search_count(g, "deportacion Guatemala") == 0);
    CHECK(s_search_count(v, "deportacion") == 0);         /* not in consular */
    CHECK(s_search_count(s, "deportacion") == 1);         /* the ST reads everything */
    CHECK(s_search_count(g, "\"quoted\" OR NEAR(") == 0); /* no FTS syntax leaks */
    /* history by case */
    const char *cc[] = {"MX", "GT"};
    uint64_t case_id = 0;
    CHECK_RC(enlace_case_open(a, "death", cc, 2, "Caso de prueba", NULL, &case_id), ENLACE_OK);
    enlace_publish_opts_t o = {.case_id = case_id};
    CHECK_RC(enlace_publish(a, "consular/case/x", "en el caso", 10, &o, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(a, "consular/case/x", "fuera del caso", 14, NULL, NULL), ENLACE_OK);
    enlace_history_query_t q = {.pattern = "consular/#", .case_id = case_id};
    enlace_page_t *page = NULL;
    CHECK_RC(enlace_history(g, &q, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 1);
    if (enlace_page_count(page) == 1)
        CHECK(memcmp(enlace_page_item(page, 0)->body, "en el caso", 10) == 0);
    enlace_page_destroy(&page);
out:
    enlace_close(&a);
    enlace_close(&g);
    enlace_close(&v);
    enlace_close(&s);
}

static void
forms_are_validated_field_by_field(void)
{
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    const char *cc[] = {"MX", "GT"};
    uint64_t id = 0;
    /* date_of_death missing: refused, naming the field */
    static const char *const no_date[] = {"deceased_name=J. P.", "nationality=GT",
        "place_of_death=Tapachula", NULL};
    enlace_form_t *form = s_form("death", no_date);
    int rc = enlace_case_open_form(a, "death", cc, 2, "Fallecimiento", NULL, form, &id);
    enlace_form_destroy(&form);
    CHECK_RC(rc, ENLACE_EPROTO);
    CHECK(strstr(enlace_last_error(a), "date_of_death is required") != NULL);
    /* a bad date format names the field too */
    static const char *const bad_date[] = {"deceased_name=J. P.", "nationality=GT",
        "place_of_death=Tapachula", "date_of_death=21/11/2026", NULL};
    form = s_form("death", bad_date);
    rc = enlace_case_open_form(a, "death", cc, 2, "Fallecimiento", NULL, form, &id);
    enlace_form_destroy(&form);
    CHECK(rc != ENLACE_OK && strstr(enlace_last_error(a), "date_of_death must be a date"));
    /* an unknown field is refused by the library, before anything is sent */
    CHECK_RC(enlace_form_new("death", &form, NULL, 0), ENLACE_OK);
    rc = enlace_form_set(form, "nombre", "x", NULL, 0);
    enlace_form_destroy(&form);
    CHECK_RC(rc, ENLACE_EINVAL);
    /* return assistance: over USD 1,000 refused; 1,000 accepted */
    const char *ret[] = {"beneficiary_ref=RA-1", "vulnerability=over-70", "amount_usd=1001",
        "origin_country=MX", "destination_country=HN", NULL};
    form = s_form("return_assistance", ret);
    rc = enlace_case_open_form(a, "return-assistance", cc, 2, "Retorno", NULL, form, &id);
    enlace_form_destroy(&form);
    CHECK(rc != ENLACE_OK && strstr(enlace_last_error(a), "1,000"));
    ret[2] = "amount_usd=1000";
    form = s_form("return_assistance", ret);
    CHECK_RC(enlace_case_open_form(a, "return-assistance", cc, 2, "Retorno", NULL, form, &id),
        ENLACE_OK);
    enlace_form_destroy(&form);
    /* a special case needs its reason */
    static const char *const special[] = {"beneficiary_ref=RA-2", "vulnerability=special-case",
        "amount_usd=800", "origin_country=MX", "destination_country=HN", NULL};
    form = s_form("return_assistance", special);
    rc = enlace_case_open_form(a, "return-assistance", cc, 2, "Retorno", NULL, form, &id);
    enlace_form_destroy(&form);
    CHECK(rc != ENLACE_OK && strstr(enlace_last_error(a), "special_case is required"));
    /* a valid death form: the case shows it */
    uint64_t case_id = 0;
    static const char *const death[] = {"deceased_name=J. P.", "nationality=GT",
        "date_of_death=2026-11-20", "place_of_death=Tapachula", "next_of_kin_contacted=true",
        "family_wishes=repatriation", NULL};
    form = s_form("death", death);
    CHECK_RC(
        enlace_case_open_form(a, "death", cc, 2, "Fallecimiento de J. P.", NULL, form, &case_id),
        ENLACE_OK);
    enlace_form_destroy(&form);
    enlace_case_t *out = NULL;
    CHECK_RC(enlace_case_show(a, case_id, &out), ENLACE_OK);
    CHECK(out && s_case_form_value(out, "deceased_name")
        && !strcmp(s_case_form_value(out, "deceased_name"), "J. P.")
        && s_case_shows(out, "repatriation"));
    enlace_case_destroy(&out);
    /* an alert in that case, in two languages: CAP has two info blocks and
     * the form's fields as parameters */
    const char *c2[] = {"GT"};
    enlace_alert_t al = {.priority = "urgent",
        .category = "death",
        .countries = c2,
        .ncountries = 1,
        .headline = "Fallecimiento de nacional guatemalteco",
        .translation_language = "en",
        .translation_headline = "Death of a Guatemalan national",
        .translation_description = "Family being contacted."};
    enlace_publish_opts_t o = {.alert = &al,
        .case_id = case_id,
        .handling = "H2",
        .evaluation = "B2"};
    uint64_t seq = 0;
    CHECK_RC(enlace_publish(a, "consular/death/MX", "Se contacta a la familia.", 25, &o, &seq),
        ENLACE_OK);
    char *xml = NULL;
    CHECK_RC(enlace_cap(a, seq, &xml), ENLACE_OK);
    if (xml) {
        char file[300];
        snprintf(file, sizeof file, "%s/bilingual.xml", hub.dir);
        FILE *f = fopen(file, "w");
        if (f) {
            fputs(xml, f);
            fclose(f);
        }
        char cnt[64];
        harness_capture(cnt, sizeof cnt,
            "xmllint --xpath \"count(//*[local-name()='info'])\" %s 2>/dev/null", file);
        CHECK(atoi(cnt) == 2);
        CHECK(strstr(xml, "<language>en</language>") && strstr(xml, "<language>es</language>"));
        CHECK(strstr(xml, "death.deceased_name") && strstr(xml, "J. P."));
        CHECK(
            strstr(xml, "<valueName>handlingCode</valueName>") && strstr(xml, "<value>H2</value>"));
        CHECK(harness_sh("xmllint --noout %s", file) == 0);
        free(xml);
    }
    enlace_close(&a);
}

static void
personal_data_never_reaches_an_observer_unless_named(void)
{
    enlace_client_t *s = s_connect(&sv), *u = s_connect(&unicef);
    if (!s || !u)
        goto out;
    CHECK_RC(enlace_subscribe(u, "child/report/#", 0), ENLACE_OK);
    enlace_publish_opts_t green = {.tlp = ENLACE_TLP_GREEN};
    enlace_publish_opts_t personal = {.tlp = ENLACE_TLP_GREEN, .personal_data = 1};
    static const char *const child[] = {"name=M. L.", "age=9", "sex=F", "description=vestido azul",
        "last_seen_place=Tecún Umán", "last_seen_date=2026-11-20", "unaccompanied=true", NULL};
    enlace_form_t *child_form = s_form("child", child);
    enlace_publish_opts_t form = {.tlp = ENLACE_TLP_GREEN, .form = child_form};
    const char *to[] = {unicef.fingerprint};
    enlace_publish_opts_t released = {.tlp = ENLACE_TLP_GREEN,
        .personal_data = 1,
        .recipients = to,
        .nrecipients = 1};
    CHECK_RC(enlace_publish(s, "child/report/1", "general", 7, &green, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(s, "child/report/2", "personal", 8, &personal, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(s, "child/report/3", "form", 4, &form, NULL), ENLACE_OK);
    enlace_form_destroy(&child_form);
    CHECK_RC(enlace_publish(s, "child/report/4", "released", 8, &released, NULL), ENLACE_OK);
    char got[256] = "";
    int64_t end = harness_now_ms() + 1000;
    while (harness_now_ms() < end) {
        enlace_delivery_t *d;
        if (enlace_recv(u, &d, 50) != ENLACE_OK)
            continue;
        strncat(got, (const char *)d->body, d->body_len);
        strcat(got, ";");
        enlace_delivery_destroy(&d);
    }
    CHECK(strcmp(got, "general;released;") == 0);
    /* nor in history or search */
    enlace_history_query_t q = {.pattern = "child/report/#"};
    enlace_page_t *page = NULL;
    CHECK_RC(enlace_history(u, &q, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 2);
    enlace_page_destroy(&page);
    CHECK(s_search_count(u, "form") == 0);
    /* members see everything, with the markers */
    enlace_history_query_t q2 = {.pattern = "child/report/#"};
    CHECK_RC(enlace_history(s, &q2, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 4);
    if (enlace_page_count(page) == 4) {
        CHECK(!enlace_page_item(page, 0)->personal_data);
        CHECK(enlace_page_item(page, 2)->personal_data);
        CHECK(enlace_page_item(page, 2)->form
            && s_form_has(enlace_page_item(page, 2)->form, "Tecún Umán"));
    }
    enlace_page_destroy(&page);
out:
    enlace_close(&s);
    enlace_close(&u);
}

static void
listeners_see_handling_and_evaluation_first(void)
{
    enlace_client_t *a = s_connect(&mx);
    if (!a)
        return;
    enlace_publish_opts_t o = {.handling = "H3",
        .handling_text = "solo para repatriación",
        .evaluation = "C3"};
    CHECK_RC(enlace_publish(a, "consular/handled/1", "contenido", 9, &o, NULL), ENLACE_OK);
    enlace_publish_opts_t bad = {.handling = "H3"};
    CHECK(enlace_publish(a, "consular/handled/1", "x", 1, &bad, NULL) != ENLACE_OK);
    enlace_publish_opts_t bad2 = {.evaluation = "Z9"};
    CHECK_RC(enlace_publish(a, "consular/handled/1", "x", 1, &bad2, NULL), ENLACE_EINVAL);
    enlace_close(&a);
    char out[2048];
    CMD(0, NULL, 0, "printf 'hub = %s\\nhub_key = %s\\nkey = %s\\n' > %s/gt.profile", hub.endpoint,
        hub.hub_public, gt.secret, hub.dir);
    CMD(0, out, sizeof out, "%s --profile %s/gt.profile history 'consular/handled/#' 2>&1",
        getenv("ENLACE_CLI_BIN"), hub.dir);
    char exported[4096];
    CMD(0, exported, sizeof exported,
        "%s export %s/data --restricted --topic 'consular/handled/#' 2>/dev/null",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(strstr(exported, "\"handling\":\"H3\"") && strstr(exported, "\"evaluation\":\"C3\""));
    char *h = strstr(out, "[H3: solo para repatriación]");
    char *e = strstr(out, "[C3]");
    char *body = strstr(out, "contenido");
    CHECK(h && e && body && h < body && e < body);
}

static void
the_author_keeps_control(void)
{
    enlace_client_t *v = s_connect(&sv), *u = s_connect(&unicef), *s = s_connect(&sto);
    officer_t sv2;
    officer_new(&hub, &sv2, "sv2", "--country SV --network child,consular --role officer");
    enlace_client_t *w = s_connect(&sv2);
    if (!v || !u || !s || !w)
        goto out;
    uint64_t h2 = 0, red = 0, amber = 0;
    enlace_publish_opts_t o_h2 = {.handling = "H2"};
    const char *to[] = {sv2.fingerprint};
    enlace_publish_opts_t o_red = {.tlp = ENLACE_TLP_RED, .recipients = to, .nrecipients = 1};
    CHECK_RC(enlace_publish(v, "child/control/a", "h2 original", 11, &o_h2, &h2), ENLACE_OK);
    CHECK_RC(enlace_publish(v, "child/control/b", "red original", 12, &o_red, &red), ENLACE_OK);
    CHECK_RC(enlace_publish(v, "child/control/c", "amber original", 14, NULL, &amber), ENLACE_OK);
    /* forwards that a label or handling code forbids are refused, and audited */
    enlace_publish_opts_t f = {.forward_of = h2, .handling = "H2"};
    CHECK_RC(enlace_publish(w, "child/control/fwd", "fwd", 3, &f, NULL), ENLACE_EDENIED);
    CHECK(strstr(enlace_last_error(w), "H2") != NULL);
    f = (enlace_publish_opts_t){.forward_of = red,
        .tlp = ENLACE_TLP_RED,
        .recipients = to,
        .nrecipients = 1};
    CHECK_RC(enlace_publish(w, "child/control/fwd", "fwd", 3, &f, NULL), ENLACE_EDENIED);
    f = (enlace_publish_opts_t){.forward_of = amber};
    CHECK_RC(enlace_publish(w, "consular/control/fwd", "fwd", 3, &f, NULL), ENLACE_EDENIED);
    f = (enlace_publish_opts_t){.forward_of = amber, .tlp = ENLACE_TLP_GREEN};
    CHECK_RC(enlace_publish(w, "child/control/fwd", "fwd", 3, &f, NULL), ENLACE_EDENIED);
    f = (enlace_publish_opts_t){.forward_of = amber, .tlp = ENLACE_TLP_AMBER_STRICT};
    CHECK_RC(enlace_publish(w, "child/control/fwd", "fwd ok", 6, &f, NULL), ENLACE_OK);
    char out[8192];
    CMD(0, out, sizeof out, "%s audit %s/data | grep 'refused:denied' | grep -c '%s'",
        getenv("ENLACE_HUB_BIN"), hub.dir, sv2.fingerprint);
    CHECK(atoi(out) >= 4); /* each refused forward is in the audit log */
    /* only the author widens a label; anyone may ask */
    CHECK_RC(enlace_relabel(w, amber, ENLACE_TLP_GREEN, 0), ENLACE_EDENIED);
    CHECK_RC(enlace_release_request(w, amber, "para compartir con UNICEF"), ENLACE_OK);
    int told = 0;
    int64_t end = harness_now_ms() + 1500;
    while (harness_now_ms() < end && !told) {
        enlace_delivery_t *d;
        if (enlace_recv(v, &d, 50) != ENLACE_OK)
            continue;
        told = d->out_of_band && d->body_len > 0
            && strstr((const char *)d->body, "para compartir con UNICEF") != NULL;
        enlace_delivery_destroy(&d);
    }
    CHECK(told); /* the author hears of it at once */
    /* the invited observer does not see the AMBER message... */
    enlace_history_query_t q = {.pattern = "child/control/#"};
    enlace_page_t *page = NULL;
    CHECK_RC(enlace_history(u, &q, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 0);
    enlace_page_destroy(&page);
    /* ...until its author widens it to GREEN */
    CHECK_RC(enlace_relabel(v, amber, ENLACE_TLP_GREEN, 0), ENLACE_OK);
    CHECK_RC(enlace_relabel(v, amber, ENLACE_TLP_RED, 0), ENLACE_EPROTO); /* never narrows */
    CHECK_RC(enlace_history(u, &q, &page), ENLACE_OK);
    CHECK(enlace_page_count(page) == 1);
    enlace_page_destroy(&page);
    /* the author lifts H2: now it may be forwarded */
    CHECK_RC(enlace_relabel(v, h2, ENLACE_TLP_DEFAULT, 1), ENLACE_OK);
    f = (enlace_publish_opts_t){.forward_of = h2};
    CHECK_RC(enlace_publish(w, "child/control/fwd", "fwd lifted", 10, &f, NULL), ENLACE_OK);
    /* an export withholds what labels and handling codes forbid, and says so */
    int rc = harness_capture(out, sizeof out, "%s export %s/data --topic 'child/control/#' 2>&1",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(rc == 0 && strstr(out, "withheld 2 messages") != NULL);
    CHECK(strstr(out, "red original") == NULL);
    rc = harness_capture(out, sizeof out,
        "%s export %s/data --topic 'child/control/#' --restricted 2>/dev/null | grep -c '\"seq\"'",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    CHECK(rc == 0 && atoi(out) == 5); /* the 3 originals and 2 accepted forwards */
    CMD(0, out, sizeof out, "%s audit %s/data | grep -c 'export'", getenv("ENLACE_HUB_BIN"),
        hub.dir);
    CHECK(atoi(out) >= 2);
out:
    enlace_close(&v);
    enlace_close(&u);
    enlace_close(&s);
    enlace_close(&w);
}

static void
special_return_cases_need_iom_and_st(void)
{
    officer_t iom;
    officer_new(&hub, &iom, "iom", "--org IOM --role observer");
    enlace_client_t *a = s_connect(&mx), *g = s_connect(&gt), *s = s_connect(&sto);
    enlace_client_t *i = s_connect(&iom);
    if (!a || !g || !s || !i)
        goto out;
    const char *cc[] = {"MX", "HN"};
    uint64_t id = 0, plain = 0;
    static const char *const special[] = {"beneficiary_ref=RA-9", "vulnerability=special-case",
        "special_case=trafficking", "amount_usd=900", "origin_country=MX", "destination_country=HN",
        NULL};
    enlace_form_t *form = s_form("return_assistance", special);
    CHECK_RC(
        enlace_case_open_form(a, "return-assistance", cc, 2, "Retorno especial", NULL, form, &id),
        ENLACE_OK);
    enlace_form_destroy(&form);
    CHECK_RC(enlace_case_open(a, "death", cc, 2, "Sin formulario", NULL, &plain), ENLACE_OK);
    enlace_case_t *detail = NULL;
    CHECK_RC(enlace_case_show(a, id, &detail), ENLACE_OK);
    CHECK(detail && s_case_shows(detail, "awaiting the approval of IOM and the ST"));
    enlace_case_destroy(&detail);
    CHECK_RC(enlace_case_approve(g, id, NULL), ENLACE_EDENIED);   /* an officer: no */
    CHECK_RC(enlace_case_approve(s, plain, NULL), ENLACE_EPROTO); /* not a special case */
    CHECK_RC(enlace_case_approve(s, id, "ST de acuerdo"), ENLACE_OK);
    CHECK_RC(enlace_case_show(a, id, &detail), ENLACE_OK);
    CHECK(detail && s_case_shows(detail, "approved by the ST; awaiting IOM"));
    enlace_case_destroy(&detail);
    /* IOM is an observer: it sees a case, and approves it, only under an
     * invitation to the case's network (issue "Close every side door"). */
    CHECK_RC(enlace_case_approve(i, id, "OIM de acuerdo"), ENLACE_ENOTFOUND);
    CHECK(harness_sh("%s invite grant %s/data --to IOM --network consular --topics 'consular/#' "
                     "--access read --for 1d",
              getenv("ENLACE_HUB_BIN"), hub.dir)
        == 0);
    usleep(600000); /* an offline change reaches the hub within 250 ms */
    CHECK_RC(enlace_case_approve(i, id, "OIM de acuerdo"), ENLACE_OK);
    CHECK_RC(enlace_case_show(a, id, &detail), ENLACE_OK);
    CHECK(detail && s_case_shows(detail, "approved by IOM and the ST")
        && s_case_shows(detail, "OIM de acuerdo"));
    enlace_case_destroy(&detail);
    /* review: the author's open cases and alerts older than 30 days */
    enlace_review_t *review = NULL;
    CHECK_RC(enlace_review(a, 0, &review), ENLACE_OK);
    CHECK(review && !s_review_lists(review, "Sin formulario"));
    enlace_review_destroy(&review);
    CMD(0, NULL, 0,
        "sqlite3 -bail %s/data/archive.db \"UPDATE cases SET opened_ms = opened_ms - 40*86400000"
        " WHERE id = %llu\"",
        hub.dir, (unsigned long long)plain);
    CHECK_RC(enlace_review(a, 0, &review), ENLACE_OK);
    CHECK(review && s_review_lists(review, "Sin formulario")
        && !s_review_lists(review, "Retorno especial"));
    enlace_review_destroy(&review);
    CHECK_RC(enlace_review(g, 0, &review), ENLACE_OK); /* someone else's: not listed */
    CHECK(review && !s_review_lists(review, "Sin formulario"));
    enlace_review_destroy(&review);
out:
    enlace_close(&a);
    enlace_close(&g);
    enlace_close(&s);
    enlace_close(&i);
}

int
main(void)
{
    hub_init(&hub);
    officer_new(&hub, &mx, "mx", "--country MX --network consular --role focal");
    officer_new(&hub, &gt, "gt", "--country GT --network consular --role officer");
    officer_new(&hub, &sv, "sv", "--country SV --network child --role officer");
    officer_new(&hub, &unicef, "unicef", "--org UNICEF --role observer");
    officer_new(&hub, &sto, "st", "--org ST --role st");
    CMD(0, NULL, 0,
        "%s invite grant %s/data --to UNICEF --network child --topics 'child/#' "
        "--access read --for 1h 2>&1",
        getenv("ENLACE_HUB_BIN"), hub.dir);
    hub_start(&hub);
    harness_run("search_folds_accents_and_obeys_access_rules",
        search_folds_accents_and_obeys_access_rules);
    harness_run("forms_are_validated_field_by_field", forms_are_validated_field_by_field);
    harness_run("personal_data_never_reaches_an_observer_unless_named",
        personal_data_never_reaches_an_observer_unless_named);
    harness_run("listeners_see_handling_and_evaluation_first",
        listeners_see_handling_and_evaluation_first);
    harness_run("the_author_keeps_control", the_author_keeps_control);
    harness_run("special_return_cases_need_iom_and_st", special_return_cases_need_iom_and_st);
    hub_cleanup(&hub);
    return harness_finish();
}
