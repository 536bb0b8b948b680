/*
 * engine.c: the thread that owns the officer's enlace client. It reads
 * the hub (deliveries, each verified by libenlace, go to the feed as JSON),
 * follows the connection's state, and runs the HTTP threads' calls one at
 * a time between two reads: libenlace is used by this thread alone.
 */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "webjson.h"

/* How long a read of the hub waits when no call is queued: the most a call
 * waits before the engine takes it. */
#define ENGINE_POLL_MS 20
/* Deliveries taken in a row before queued calls get their turn. */
#define ENGINE_BURST 64

int64_t
web_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
web_call_arg(const web_call_t *call, const char *name)
{
    for (size_t i = 0; i < call->nargs; i++)
        if (!strcmp(call->args[i][0], name))
            return call->args[i][1];
    return NULL;
}

void
web_engine_saw(web_engine_t *self, const enlace_delivery_t *d)
{
    if (!d->author_fingerprint || !*d->author_fingerprint || d->escalation_alert)
        return;
    for (size_t i = 0; i < self->nseen; i++)
        if (!strcmp(self->seen[i].fingerprint, d->author_fingerprint))
            return;
    if (self->nseen == WEB_SEEN_MAX)
        return;
    web_person_t *p = &self->seen[self->nseen++];
    snprintf(p->fingerprint, sizeof p->fingerprint, "%s", d->author_fingerprint);
    snprintf(p->name, sizeof p->name, "%s", d->author_name ? d->author_name : "");
    snprintf(p->country, sizeof p->country, "%s", d->author_country ? d->author_country : "");
}

static const char *
s_state_name(enlace_state_t state)
{
    return state == ENLACE_STATE_CONNECTED   ? "connected"
        : state == ENLACE_STATE_RECONNECTING ? "reconnecting"
                                             : "closed";
}

/* Called by libenlace, on the engine thread, when the connection changes. */
static void
s_on_state(enlace_client_t *client, enlace_state_t state, void *arg)
{
    (void)client;
    web_engine_t *self = arg;
    const char *name = s_state_name(state);
    if (self->state != name)
        fprintf(stderr, "enlace web: the hub connection is %s\n", name);
    self->state = name;
    web_feed_set_state(self->feed, name);
}

/* Takes the queued calls, or NULL. */
static web_call_t *
s_take_calls(web_engine_t *self)
{
    pthread_mutex_lock(&self->lock);
    web_call_t *calls = self->head;
    self->head = self->tail = NULL;
    pthread_mutex_unlock(&self->lock);
    return calls;
}

static void
s_finish(web_engine_t *self, web_call_t *call)
{
    pthread_mutex_lock(&self->lock);
    call->done = 1;
    pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->lock);
}

static void
s_take_delivery(web_engine_t *self, enlace_delivery_t *d)
{
    web_engine_saw(self, d);
    json_t *j = web_delivery_json(d, web_now_ms());
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (text) {
        web_feed_push(self->feed, text);
        self->deliveries++;
    }
}

static void *
s_main(void *arg)
{
    web_engine_t *self = arg;
    for (;;) {
        pthread_mutex_lock(&self->lock);
        int stop = self->stopping;
        pthread_mutex_unlock(&self->lock);
        if (stop)
            break;
        web_call_t *calls = s_take_calls(self);
        while (calls) {
            web_call_t *next = calls->next;
            calls->fn(self, calls);
            s_finish(self, calls);
            calls = next;
        }
        if (enlace_state(self->client) == ENLACE_STATE_CLOSED) {
            /* Revoked: nothing more comes; the calls still get their errors. */
            struct timespec ts = {0, ENGINE_POLL_MS * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        for (int i = 0; i < ENGINE_BURST; i++) {
            enlace_delivery_t *d;
            int rc = enlace_recv(self->client, &d, i == 0 ? ENGINE_POLL_MS : 0);
            if (rc != ENLACE_OK) {
                if (rc == ENLACE_EREVOKED && self->state != s_state_name(ENLACE_STATE_CLOSED))
                    s_on_state(self->client, ENLACE_STATE_CLOSED, self);
                break;
            }
            s_take_delivery(self, d);
            enlace_delivery_destroy(&d);
            pthread_mutex_lock(&self->lock);
            int waiting = self->head != NULL;
            pthread_mutex_unlock(&self->lock);
            if (waiting)
                break;
        }
    }
    /* Calls that were not run: answered "service unavailable". */
    pthread_mutex_lock(&self->lock);
    self->stopped = 1;
    web_call_t *calls = self->head;
    self->head = self->tail = NULL;
    for (; calls; calls = calls->next) {
        calls->status = 503;
        calls->done = 1;
    }
    pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

/* The default patterns: every network for the ST, else each network the
 * key is a member of (not as an observer). */
static size_t
s_default_patterns(enlace_client_t *client, int st, char out[][64], size_t cap)
{
    static const char *const all[] = {"consular", "trafficking", "child", "crm"};
    size_t n = 0;
    if (st) {
        for (size_t i = 0; i < sizeof all / sizeof all[0] && n < cap; i++)
            snprintf(out[n++], 64, "%s/#", all[i]);
        return n;
    }
    for (size_t i = 0; i < enlace_self_network_count(client) && n < cap; i++) {
        const char *m = enlace_self_network(client, i);
        const char *colon = strchr(m, ':');
        if (!colon || !strcmp(colon + 1, "observer") || !strcmp(colon + 1, "st"))
            continue;
        snprintf(out[n++], 64, "%.*s/#", (int)(colon - m), m);
    }
    return n;
}

static char *
s_me_json(enlace_client_t *client, int st, char patterns[][64], size_t npatterns,
    const char *endpoint, const char *language)
{
    json_t *nets = json_array(), *pats = json_array();
    for (size_t i = 0; nets && i < enlace_self_network_count(client); i++) {
        const char *m = enlace_self_network(client, i);
        const char *colon = strchr(m, ':');
        if (colon)
            json_array_append_new(nets,
                json_pack("{s:s%, s:s}", "network", m, (size_t)(colon - m), "role", colon + 1));
    }
    for (size_t i = 0; pats && i < npatterns; i++)
        json_array_append_new(pats, json_string(patterns[i]));
    json_t *me = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:s, s:s, s:s}", "name",
        enlace_self_name(client), "fingerprint", enlace_self_fingerprint(client), "country",
        enlace_self_country(client), "organisation", enlace_self_organisation(client), "networks",
        nets, "st", st, "patterns", pats, "language", language ? language : "", "hub", endpoint,
        "version", ENLACE_VERSION);
    char *text = me ? json_dumps(me, JSON_COMPACT) : NULL;
    json_decref(me);
    return text;
}

web_engine_t *
web_engine_start(enlace_client_t *client, web_feed_t *feed, const char *const *patterns,
    size_t npatterns, const char *endpoint, const char *language, char *why, size_t why_len)
{
    web_engine_t *self = calloc(1, sizeof *self);
    if (!self || !(self->seen = calloc(WEB_SEEN_MAX, sizeof *self->seen))) {
        snprintf(why, why_len, "out of memory");
        free(self);
        enlace_close(&client);
        return NULL;
    }
    self->client = client;
    self->feed = feed;
    self->state = "connected";
    self->st = !strcmp(enlace_self_organisation(client), "ST");
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->cond, NULL);
    enlace_on_state(client, s_on_state, self);

    char pats[WEB_MAX_PATTERNS][64];
    size_t n = 0;
    if (npatterns) {
        for (size_t i = 0; i < npatterns && n < WEB_MAX_PATTERNS; i++)
            snprintf(pats[n++], sizeof pats[0], "%s", patterns[i]);
    } else {
        n = s_default_patterns(client, self->st, pats, WEB_MAX_PATTERNS);
    }
    for (size_t i = 0; i < n; i++) {
        int rc = enlace_subscribe(client, pats[i], 0);
        if (rc != ENLACE_OK) {
            snprintf(why, why_len, "cannot subscribe to '%s' (%s): %s", pats[i],
                enlace_strerror(rc), enlace_last_error(client));
            web_engine_destroy(&self);
            return NULL;
        }
    }
    self->me = s_me_json(client, self->st, pats, n, endpoint, language);
    if (!self->me) {
        snprintf(why, why_len, "the hub's name for this key is not UTF-8");
        web_engine_destroy(&self);
        return NULL;
    }
    if (pthread_create(&self->thread, NULL, s_main, self) != 0) {
        snprintf(why, why_len, "cannot start a thread");
        web_engine_destroy(&self);
        return NULL;
    }
    self->started = 1;
    return self;
}

void
web_engine_stop(web_engine_t *self)
{
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->stopping = 1;
    pthread_mutex_unlock(&self->lock);
    if (self->started) {
        pthread_join(self->thread, NULL);
        self->started = 0;
    }
    pthread_mutex_lock(&self->lock);
    self->stopped = 1;
    pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->lock);
    enlace_close(&self->client);
}

void
web_engine_destroy(web_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    web_engine_t *self = *self_p;
    web_engine_stop(self);
    pthread_cond_destroy(&self->cond);
    pthread_mutex_destroy(&self->lock);
    free(self->seen);
    free(self->me);
    free(self);
    *self_p = NULL;
}

void
web_engine_call(web_engine_t *self, web_call_t *call)
{
    call->done = 0;
    call->next = NULL;
    pthread_mutex_lock(&self->lock);
    if (self->stopped || self->stopping) {
        pthread_mutex_unlock(&self->lock);
        call->status = 503;
        return;
    }
    if (self->tail)
        self->tail->next = call;
    else
        self->head = call;
    self->tail = call;
    while (!call->done)
        pthread_cond_wait(&self->cond, &self->lock);
    pthread_mutex_unlock(&self->lock);
}
