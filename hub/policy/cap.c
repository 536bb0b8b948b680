/*
 * cap.c: CAP 1.2 XML of a stored alert (see cap.h for the mapping).
 */
#include "cap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>
#include <sodium.h>

#include "disclose.h"
#include "enlace.pb-c.h"
#include "forms.h"

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"

static const char *s_status[] = {"Actual", "Exercise", "System", "Test", "Draft"};
static const char *s_msg_type[] = {"Alert", "Update", "Cancel"};
static const char *s_urgency[] = {"Unknown", "Immediate", "Expected", "Future", "Past"};
static const char *s_severity[] = {"Unknown", "Extreme", "Severe", "Moderate", "Minor"};
static const char *s_certainty[] = {"Unknown", "Observed", "Likely", "Possible", "Unlikely"};
static const char *s_tlp[] = {"AMBER", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
static const char *s_priority[] = {"routine", "priority", "urgent", "flash"};

/* enlace category -> CAP category, event (es), event (en). */
static const struct {
    const char *cap, *es, *en;
} s_category[] = {
    {"Other", "Otro asunto consular o migratorio", "Other consular or migration matter"},
    {"Other", "Fallecimiento de persona migrante", "Death of a migrant"},
    {"Safety", "Desastre que afecta a connacionales", "Disaster affecting nationals"},
    {"Security", "Trata de personas", "Trafficking in persons"},
    {"Security", "Tráfico ilícito de migrantes", "Smuggling of migrants"},
    {"Rescue", "Niña, niño o adolescente desaparecido", "Missing child"},
    {"Safety", "Niña, niño o adolescente no acompañado", "Unaccompanied child"},
    {"Other", "Asistencia para el retorno", "Return assistance"},
};

static void
s_cap_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%S-00:00", &tm);
}

typedef struct {
    Enlace__Content *content;
    int64_t stored_ms;
    int64_t author_id;
    char id_hex[33];
    char topic[264];
    char network[24];
    int tlp;
    char recipients[4096];
    int personal;
    int handling;
    uint64_t seq;
    int found;
    /* What checks the author's signature without the hub: the signed
     * content (base64, owned), the signature and, if signed in a batch, the
     * batch's size, the message's index and audit path (hex). */
    char *content_b64;
    char signature[2 * 64 + 1];
    char batch[2 * 8 * 32 + 32];
} msg_t;

static void
s_msg_free(msg_t *x)
{
    enlace__content__free_unpacked(x->content, NULL);
    x->content = NULL;
    free(x->content_b64);
    x->content_b64 = NULL;
}

static int
s_msg_row(const archive_msg_t *m, void *arg)
{
    msg_t *x = arg;
    x->content = enlace__content__unpack(NULL, m->content_len, m->content);
    x->stored_ms = m->stored_ms;
    x->author_id = m->author_id;
    sodium_bin2hex(x->id_hex, sizeof x->id_hex, m->msg_id, 16);
    snprintf(x->topic, sizeof x->topic, "%s", m->topic);
    snprintf(x->network, sizeof x->network, "%s", m->network);
    snprintf(x->recipients, sizeof x->recipients, "%s", m->recipients);
    x->tlp = m->tlp;
    x->personal = m->personal;
    x->handling = m->handling;
    x->seq = m->seq;
    x->found = 1;
    size_t b64 = sodium_base64_ENCODED_LEN(m->content_len, sodium_base64_VARIANT_ORIGINAL);
    x->content_b64 = malloc(b64);
    if (x->content_b64)
        sodium_bin2base64(x->content_b64, b64, m->content, m->content_len,
            sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2hex(x->signature, sizeof x->signature, m->signature, 64);
    if (m->batch_size && m->batch_path_len <= 8 * 32) {
        int n = snprintf(x->batch, sizeof x->batch, "%u %u ", (unsigned)m->batch_size,
            (unsigned)m->batch_index);
        sodium_bin2hex(x->batch + n, sizeof x->batch - (size_t)n,
            m->batch_path ? m->batch_path : (const uint8_t *)"", m->batch_path_len);
    }
    return 1;
}

/* May the reader see all of message x (disclose.h)? */
static int
s_visible(const disclose_reader_t *reader, const msg_t *x)
{
    char home[DISCLOSE_HOME_LEN] = "";
    const dir_entry_t *author = x->author_id ? directory_find_officer(reader->dir, x->author_id)
                                             : NULL;
    if (author)
        snprintf(home, sizeof home, "%s", author->country[0] ? author->country : author->org);
    disclose_msg_t m = {.seq = x->seq,
        .topic = x->topic,
        .network = x->network,
        .tlp = x->tlp,
        .recipients = x->recipients,
        .author_id = x->author_id,
        .author_home = home,
        .personal = x->personal,
        .handling = x->handling};
    return disclose_all(reader, &m, reader->who ? DISCLOSE_ARCHIVE : DISCLOSE_EXPORT);
}

static int
s_elem(xmlTextWriterPtr w, const char *name, const char *value)
{
    return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST value) < 0 ? -1 : 0;
}

static const char *
s_author_sender(const directory_t *dir, int64_t author_id, const char *hub_fp, char *buf,
    size_t cap)
{
    const dir_entry_t *a = directory_find_officer(dir, author_id);
    snprintf(buf, cap, "enlace:%s", a ? a->fingerprint : hub_fp);
    return buf;
}

typedef struct {
    xmlTextWriterPtr w;
    int failed;
} param_ctx_t;

static void
s_param(const char *name, const char *value, void *arg)
{
    param_ctx_t *p = arg;
    if (p->failed)
        return;
    if (xmlTextWriterStartElement(p->w, BAD_CAST "parameter") < 0
        || xmlTextWriterWriteElement(p->w, BAD_CAST "valueName", BAD_CAST name) < 0
        || xmlTextWriterWriteElement(p->w, BAD_CAST "value", BAD_CAST value) < 0
        || xmlTextWriterEndElement(p->w) < 0)
        p->failed = 1;
}

typedef struct {
    uint64_t form_seq;
} case_form_t;

static int
s_case_form(const archive_case_t *c, void *arg)
{
    ((case_form_t *)arg)->form_seq = c->form_seq;
    return 1;
}

int
cap_export(archive_t *archive, const disclose_reader_t *reader, const char *hub_fp, uint64_t seq,
    char **xml, char *err, size_t errlen)
{
    *xml = NULL;
    const directory_t *dir = reader->dir;
    msg_t m = {0};
    int found = archive_message_read(archive, seq, s_msg_row, &m) == 1 && m.content;
    if (reader->who && (!found || !m.content->alert || !s_visible(reader, &m))) {
        /* Over the wire, the same answer whether it does not exist, is no
         * alert or is hidden from the reader. */
        snprintf(err, errlen, "no alert with that number that you may see");
        s_msg_free(&m);
        return -1;
    }
    if (!found) {
        snprintf(err, errlen, "no message %llu in the archive", (unsigned long long)seq);
        s_msg_free(&m);
        return -1;
    }
    const Enlace__Alert *a = m.content->alert;
    if (!a) {
        snprintf(err, errlen, "message %llu is not an alert", (unsigned long long)seq);
        s_msg_free(&m);
        return -1;
    }
    if (!s_visible(reader, &m)) {
        snprintf(err, errlen,
            "alert %llu is withheld: its label (TLP:RED, AMBER+STRICT) or handling code "
            "(H1-H3) forbids passing it on; --restricted exports it anyway",
            (unsigned long long)seq);
        s_msg_free(&m);
        return -1;
    }
    int rc = -1;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    xmlTextWriterSetIndent(w, 1);
    char sent[40], sender[64], tmp[512];
    s_cap_time(m.stored_ms, sent, sizeof sent);
    const dir_entry_t *author = directory_find_officer(dir, m.author_id);
    int tlp = m.tlp >= 0 && m.tlp <= 5 ? m.tlp : 3;
    unsigned cat = (unsigned)a->category < 8 ? (unsigned)a->category : 0;
    int en = !strcmp(a->language, "en");
    if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0
        || xmlTextWriterStartElementNS(w, NULL, BAD_CAST "alert", BAD_CAST CAP_NS) < 0)
        goto fail;
    snprintf(tmp, sizeof tmp, "enlace-%s", m.id_hex);
    if (s_elem(w, "identifier", tmp)
        || s_elem(w, "sender", s_author_sender(dir, m.author_id, hub_fp, sender, sizeof sender))
        || s_elem(w, "sent", sent) || s_elem(w, "status", s_status[a->status % 5])
        || s_elem(w, "msgType", s_msg_type[a->msg_type % 3]))
        goto fail;
    if (tlp == ENLACE__TLP__TLP_CLEAR) {
        if (s_elem(w, "scope", "Public"))
            goto fail;
    } else if (tlp == ENLACE__TLP__TLP_RED) {
        char addresses[4096];
        snprintf(addresses, sizeof addresses, "%s", m.recipients);
        for (char *p = addresses; *p; p++)
            if (*p == ',')
                *p = ' ';
        if (s_elem(w, "scope", "Private") || s_elem(w, "addresses", addresses))
            goto fail;
    } else {
        snprintf(tmp, sizeof tmp, "TLP:%s, CRM %s network", s_tlp[tlp], m.network);
        if (s_elem(w, "scope", "Restricted") || s_elem(w, "restriction", tmp))
            goto fail;
    }
    snprintf(tmp, sizeof tmp, "TLP:%s", s_tlp[tlp]);
    if (s_elem(w, "code", tmp))
        goto fail;
    snprintf(tmp, sizeof tmp, "enlace-priority:%s", s_priority[a->priority % 4]);
    if (s_elem(w, "code", tmp))
        goto fail;
    if (a->n_references) {
        char refs[16 * 120] = "";
        for (size_t i = 0; i < a->n_references; i++) {
            msg_t r = {0};
            if (archive_message_read(archive, a->references[i], s_msg_row, &r) != 1) {
                snprintf(err, errlen, "referenced message %llu is missing",
                    (unsigned long long)a->references[i]);
                s_msg_free(&r);
                goto fail_quiet;
            }
            if (!s_visible(reader, &r)) {
                /* Not even its identifier for a reader who may not see it. */
                s_msg_free(&r);
                continue;
            }
            char rsent[40], rsender[64], one[160];
            s_cap_time(r.stored_ms, rsent, sizeof rsent);
            snprintf(one, sizeof one, "%s%s,enlace-%s,%s", refs[0] ? " " : "",
                s_author_sender(dir, r.author_id, hub_fp, rsender, sizeof rsender), r.id_hex,
                rsent);
            strncat(refs, one, sizeof refs - strlen(refs) - 1);
            s_msg_free(&r);
        }
        if (refs[0] && s_elem(w, "references", refs))
            goto fail;
    }
    if (m.content->case_id) {
        snprintf(tmp, sizeof tmp, "case-%llu", (unsigned long long)m.content->case_id);
        if (s_elem(w, "incidents", tmp))
            goto fail;
    }
    /* The case form's fields travel as parameters: the alert's own form,
     * else its case's. */
    msg_t fsrc = {0};
    const Enlace__CaseForm *form = m.content->form;
    if (!form && m.content->case_id && !m.content->sealed) {
        /* The case's form only if the reader may see the message holding
         * it: attaching an alert to a case must not open the case's form. */
        case_form_t cf = {0};
        if (archive_case_get(archive, m.content->case_id, s_case_form, &cf) == 1 && cf.form_seq
            && archive_message_read(archive, cf.form_seq, s_msg_row, &fsrc) == 1 && fsrc.content
            && s_visible(reader, &fsrc))
            form = fsrc.content->form;
    }
    char countries[16 * 4] = "";
    for (size_t i = 0; i < a->n_countries; i++) {
        strcat(countries, i ? " " : "");
        strncat(countries, a->countries[i], 3);
    }
    char seqtext[24];
    snprintf(seqtext, sizeof seqtext, "%llu", (unsigned long long)seq);
    char *body = malloc(m.content->body.len + 1);
    if (!body) {
        s_msg_free(&fsrc);
        goto fail;
    }
    if (m.content->body.len) /* empty: data may be NULL */
        memcpy(body, m.content->body.data, m.content->body.len);
    body[m.content->body.len] = '\0';
    /* One info block per language: the alert's own, then its translations. */
    int bad = 0;
    for (size_t li = 0; li <= m.content->n_texts && !bad; li++) {
        const char *lang = li == 0 ? (en ? "en" : "es") : m.content->texts[li - 1]->language;
        const char *headline = li == 0 ? a->headline : m.content->texts[li - 1]->headline;
        const char *description = li == 0 ? body : m.content->texts[li - 1]->description;
        int lang_en = !strcmp(lang, "en");
        if (xmlTextWriterStartElement(w, BAD_CAST "info") < 0 || s_elem(w, "language", lang)
            || s_elem(w, "category", s_category[cat].cap)
            || s_elem(w, "event", lang_en ? s_category[cat].en : s_category[cat].es)
            || s_elem(w, "urgency", s_urgency[a->urgency % 5])
            || s_elem(w, "severity", s_severity[a->severity % 5])
            || s_elem(w, "certainty", s_certainty[a->certainty % 5])) {
            bad = 1;
            break;
        }
        if (a->expires_ms) {
            char exp[40];
            s_cap_time(a->expires_ms, exp, sizeof exp);
            if (s_elem(w, "expires", exp)) {
                bad = 1;
                break;
            }
        }
        if (author) {
            snprintf(tmp, sizeof tmp, "%s (%s)", author->name,
                author->country[0] ? author->country : author->org);
            if (s_elem(w, "senderName", tmp)) {
                bad = 1;
                break;
            }
        }
        /* A sealed alert's headline and description are in its seal: the
         * document carries its envelope only (and the signed content, whose
         * sealed part its recipients open). */
        if (!m.content->sealed
            && (s_elem(w, "headline", headline) || s_elem(w, "description", description))) {
            bad = 1;
            break;
        }
        const char *params[][2] = {{"enlacePriority", s_priority[a->priority % 4]},
            {"enlaceSequence", seqtext}, {"enlaceTopic", m.topic},
            {"concernedCountries", countries}};
        param_ctx_t pc = {.w = w};
        for (size_t i = 0; i < 4; i++)
            s_param(params[i][0], params[i][1], &pc);
        if (m.content->sealed)
            s_param("enlaceSealed", "true", &pc);
        if (m.content->handling) {
            static const char *hn[] = {"", "H0", "H1", "H2", "H3"};
            s_param("handlingCode", hn[m.content->handling % 5], &pc);
            if (*m.content->handling_text)
                s_param("handlingRestriction", m.content->handling_text, &pc);
        }
        if (m.content->reliability && m.content->accuracy) {
            char ev[4] = {"?ABCX"[m.content->reliability % 5],
                (char)('0' + m.content->accuracy % 5), 0};
            s_param("evaluation", ev, &pc);
        }
        if (form)
            forms_parameters(form, s_param, &pc);
        if (li == 0) {
            /* The author's signature, checkable by whoever receives this
             * document (PROTOCOL.md, "Signatures"). */
            if (!m.content_b64)
                pc.failed = 1;
            else
                s_param("enlaceSignedContent", m.content_b64, &pc);
            s_param("enlaceSignature", m.signature, &pc);
            if (m.batch[0])
                s_param("enlaceBatch", m.batch, &pc);
        }
        if (pc.failed || xmlTextWriterStartElement(w, BAD_CAST "area") < 0
            || s_elem(w, "areaDesc", a->area[0] ? a->area : countries)) {
            bad = 1;
            break;
        }
        for (size_t i = 0; i < a->n_countries && !bad; i++)
            if (xmlTextWriterStartElement(w, BAD_CAST "geocode") < 0
                || s_elem(w, "valueName", "ISO 3166-1 alpha-2")
                || s_elem(w, "value", a->countries[i]) || xmlTextWriterEndElement(w) < 0)
                bad = 1;
        if (bad || xmlTextWriterEndElement(w) < 0 /* area */
            || xmlTextWriterEndElement(w) < 0 /* info */)
            bad = 1;
    }
    free(body);
    s_msg_free(&fsrc);
    if (bad)
        goto fail;
    if (xmlTextWriterEndElement(w) < 0 /* alert */ || xmlTextWriterEndDocument(w) < 0)
        goto fail;
    xmlFreeTextWriter(w);
    w = NULL;
    *xml = strdup((const char *)xmlBufferContent(buf));
    rc = *xml ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
    goto out;
fail:
    snprintf(err, errlen, "could not write the CAP document (text that is not UTF-8?)");
fail_quiet:
    rc = -1;
out:
    if (w)
        xmlFreeTextWriter(w);
    if (buf)
        xmlBufferFree(buf);
    s_msg_free(&m);
    return rc;
}
