/*
 * admin_status.c: the status report of `enlace-hub status DATA`
 * (status.c, which writes it as JSON) as the typed StatusReport that an
 * `enlace admin status` request gets over the wire.
 */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "status.h"

static int64_t
s_int(json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

static char *
s_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return strdup(s ? s : "");
}

/* An object of counts ({"MX": 2, ...}) as repeated Count, in its order. */
static int
s_counts(json_t *obj, Enlace__Count ***out, size_t *n)
{
    size_t size = json_object_size(obj);
    *n = 0;
    *out = calloc(size ? size : 1, sizeof **out);
    if (!*out)
        return -1;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        Enlace__Count *c = malloc(sizeof *c);
        if (!c)
            return -1;
        enlace__count__init(c);
        (*out)[(*n)++] = c;
        c->value = (int64_t)json_integer_value(v);
        if (!(c->key = strdup(key)))
            return -1;
    }
    return 0;
}

static Enlace__HubStatus *
s_hub(json_t *h)
{
    Enlace__HubStatus *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    enlace__hub_status__init(s);
    json_t *conn = json_object_get(h, "connected"), *q = json_object_get(h, "queues");
    json_t *run = json_object_get(h, "this_run");
    s->pid = s_int(h, "pid");
    s->started_ms = s_int(h, "started_ms");
    s->updated_ms = s_int(h, "updated_ms");
    s->uptime_s = s_int(h, "uptime_s");
    s->sessions = s_int(h, "sessions");
    s->officers_connected = s_int(h, "officers_connected");
    s->inflight = s_int(q, "inflight");
    s->blocked_sessions = s_int(q, "blocked_sessions");
    s->stored = s_int(run, "stored");
    s->delivered = s_int(run, "delivered");
    s->version = s_str(h, "version");
    s->bind = s_str(h, "bind");
    int rc = s_counts(json_object_get(conn, "by_country"), &s->connected_by_country,
        &s->n_connected_by_country);
    rc |= s_counts(json_object_get(conn, "by_organisation"), &s->connected_by_organisation,
        &s->n_connected_by_organisation);
    rc |= s_counts(json_object_get(conn, "by_network"), &s->connected_by_network,
        &s->n_connected_by_network);
    if (rc || !s->version || !s->bind) {
        protobuf_c_message_free_unpacked(&s->base, NULL);
        return NULL;
    }
    return s;
}

int
admin_status_report(const char *data_dir, Enlace__StatusReport **out, char *why, size_t cap)
{
    *out = NULL;
    char *text = NULL, *errs = NULL;
    size_t tlen = 0, elen = 0;
    FILE *fo = open_memstream(&text, &tlen), *fe = open_memstream(&errs, &elen);
    int status = 1;
    if (fo && fe)
        status = status_report(data_dir, STATUS_JSON, fo, fe);
    if (fo)
        fclose(fo);
    if (fe)
        fclose(fe);
    json_t *r = status == 0 || status == 3 ? json_loads(text ? text : "", 0, NULL) : NULL;
    if (!r) {
        /* status_report said why, "enlace-hub: ..." */
        const char *reason = errs && *errs ? errs : "the status report could not be read";
        if (!strncmp(reason, "enlace-hub: ", 12))
            reason += 12;
        snprintf(why, cap, "%.*s", (int)strcspn(reason, "\n"), reason);
        free(text);
        free(errs);
        return -1;
    }
    free(text);
    free(errs);
    Enlace__StatusReport *s = malloc(sizeof *s);
    int rc = -1;
    if (s) {
        enlace__status_report__init(s);
        json_t *archive = json_object_get(r, "archive"), *alerts = json_object_get(r, "alerts");
        s->running = json_is_true(json_object_get(r, "running"));
        s->archive_bytes = s_int(archive, "bytes");
        s->db_bytes = s_int(archive, "db_bytes");
        s->wal_bytes = s_int(archive, "wal_bytes");
        s->last_seq = s_int(archive, "last_seq");
        s->messages_total = s_int(r, "messages_total");
        s->alerts_open = s_int(alerts, "open");
        s->overdue_acknowledgements = s_int(alerts, "overdue_acknowledgements");
        s->reason = s_str(r, "reason");
        rc = s->reason
                && s_counts(json_object_get(r, "messages_by_network"), &s->messages_by_network,
                       &s->n_messages_by_network)
                    == 0
            ? 0
            : -1;
        json_t *hub = json_object_get(r, "hub");
        if (rc == 0 && hub && !(s->hub = s_hub(hub)))
            rc = -1;
    }
    json_decref(r);
    if (rc != 0) {
        if (s)
            protobuf_c_message_free_unpacked(&s->base, NULL);
        snprintf(why, cap, "out of memory");
        return -1;
    }
    *out = s;
    return 0;
}
