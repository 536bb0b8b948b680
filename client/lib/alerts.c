/*
 * alerts.c: acknowledging alerts, their acknowledgement status per country,
 * and the OASIS CAP 1.2 export.
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "enl_json.h"

int
enlace_ack(enlace_client_t *self, uint64_t alert_id, const char *note)
{
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertAck a = ENLACE__ALERT_ACK__INIT;
    a.alert_seq = alert_id;
    a.note = (char *)(note ? note : "");
    req.body_case = ENLACE__FRAME__BODY_ALERT_ACK;
    req.alert_ack = &a;
    return enl_request_ok(self, &req);
}

json_t *
enl_alert_json(const Enlace__AlertStatus *st)
{
    const Enlace__Alert *a = st->alert;
    json_t *countries = json_array(), *targets = json_array(), *refs = json_array();
    for (size_t i = 0; a && i < a->n_countries; i++)
        json_array_append_new(countries, json_string(a->countries[i]));
    for (size_t i = 0; a && i < a->n_references; i++)
        json_array_append_new(refs, json_integer((json_int_t)a->references[i]));
    for (size_t i = 0; i < st->n_targets; i++) {
        const Enlace__TargetState *t = st->targets[i];
        json_array_append_new(targets,
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}", "country", t->country,
                "state", t->state, "acked_by", t->acked_by, "acked_by_fingerprint",
                t->acked_by_fingerprint, "acked_ms", (json_int_t)t->acked_ms, "note", t->note,
                "level", (int)t->level, "deadline_ms", (json_int_t)t->deadline_ms));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:I, "
                     "s:b, s:I, s:o}",
        "id", (json_int_t)st->seq, "topic", st->topic, "priority",
        enl_name(enl_priority_names, a ? a->priority : 0), "category",
        enl_name(enl_category_names, a ? a->category : 0), "headline", a ? a->headline : "",
        "status", enl_name(enl_status_names, a ? a->status : 0), "msg_type",
        enl_name(enl_msgtype_names, a ? a->msg_type : 0), "countries", countries, "references", refs,
        "author", st->author_name, "author_fingerprint", st->author_fingerprint,
        "author_country", st->author_country, "stored_ms", (json_int_t)st->stored_ms, "case",
        (json_int_t)st->case_id, "needs_ack", st->needs_ack, "superseded_by",
        (json_int_t)st->superseded_by, "targets", targets);
}

json_t *
enl_alert_list_json(const Enlace__AlertList *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->n_alerts; i++)
        json_array_append_new(arr, enl_alert_json(list->alerts[i]));
    return arr;
}

int
enl_json_out(enlace_client_t *self, json_t *j, char **out)
{
    *out = NULL;
    if (!j) /* json_pack refused a string of the reply */
        return enl_fail(self, ENLACE_EPROTO, "the hub's answer holds text that is not UTF-8");
    *out = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    return *out ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}

int
enlace_alerts(enlace_client_t *self, int open_only, uint64_t alert_id, char **json)
{
    *json = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__AlertsQuery q = ENLACE__ALERTS_QUERY__INIT;
    q.open_only = open_only != 0;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_ALERTS_QUERY;
    req.alerts_query = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_ALERT_LIST, &err);
    if (!reply)
        return err;
    json_t *arr = enl_alert_list_json(reply->alert_list);
    enlace__frame__free_unpacked(reply, NULL);
    return enl_json_out(self, arr, json);
}

int
enlace_cap(enlace_client_t *self, uint64_t alert_id, char **xml)
{
    *xml = NULL;
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__CapExport q = ENLACE__CAP_EXPORT__INIT;
    q.alert_seq = alert_id;
    req.body_case = ENLACE__FRAME__BODY_CAP_EXPORT;
    req.cap_export = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_CAP_XML, &err);
    if (!reply)
        return err;
    *xml = strdup(reply->cap_xml->xml);
    enlace__frame__free_unpacked(reply, NULL);
    return *xml ? ENLACE_OK : enl_fail(self, ENLACE_ENOMEM, "out of memory");
}
