/*
 * console.c: starting and stopping the console's parts in order (see
 * console.h). Stopping goes in reverse, so that no thread waits on a part
 * already gone: no new connections; the live streams end; the engine
 * stops (calls not yet run answer 503) and closes the client; the HTTP
 * threads finish; then the memory goes.
 */
#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

#define CONSOLE_KEEP_DEFAULT 20000
#define CONSOLE_SESSIONS 16

struct web_console {
    web_assets_t *assets;
    web_feed_t *feed;
    web_auth_t *auth;
    web_engine_t *engine;
    web_http_t *http;
};

static void
s_free(web_console_t *self)
{
    web_http_quiesce(self->http);
    if (self->feed)
        web_feed_stop(self->feed);
    web_engine_stop(self->engine);
    web_http_stop(&self->http);
    web_engine_destroy(&self->engine);
    web_auth_destroy(&self->auth);
    web_feed_destroy(&self->feed);
    web_assets_destroy(&self->assets);
    free(self);
}

web_console_t *
web_console_start(const web_config_t *cfg, enlace_client_t *client, char *why, size_t why_len)
{
    web_console_t *self = calloc(1, sizeof *self);
    if (!self || !(self->assets = web_assets_new())
        || !(self->feed = web_feed_new(cfg->keep ? cfg->keep : CONSOLE_KEEP_DEFAULT))
        || !(self->auth = web_auth_new(CONSOLE_SESSIONS, WEB_AUTH_IDLE_MS))) {
        snprintf(why, why_len, "out of memory");
        enlace_close(&client);
        if (self)
            s_free(self);
        return NULL;
    }
    char reason[512];
    int n = web_assets_add_dir(self->assets, cfg->web_dir, "/", reason, sizeof reason);
    if (n < 0 || !web_assets_find(self->assets, "/index.html")) {
        snprintf(why, why_len, "the console's files are not in %s (%s); set ENLACE_WEB_DIR",
            cfg->web_dir, n < 0 ? reason : "no index.html");
        enlace_close(&client);
        s_free(self);
        return NULL;
    }
    /* chart.js is optional: without it the statistics are tables only. */
    if (cfg->chartjs_dir && *cfg->chartjs_dir
        && web_assets_add_dir(self->assets, cfg->chartjs_dir, "/vendor/chart.js/", reason,
               sizeof reason)
            < 0)
        fprintf(stderr, "enlace web: no charts: %s\n", reason);
    self->engine = web_engine_start(client, self->feed, cfg->patterns, cfg->npatterns,
        cfg->endpoint ? cfg->endpoint : "", cfg->language, why, why_len);
    if (!self->engine) {
        s_free(self);
        return NULL;
    }
    self->http = web_http_start(cfg->port, self->auth, self->assets, self->feed, self->engine, why,
        why_len);
    if (!self->http) {
        s_free(self);
        return NULL;
    }
    return self;
}

unsigned
web_console_port(const web_console_t *self)
{
    return web_http_port(self->http);
}

int
web_console_token(web_console_t *self, char out[65])
{
    return web_auth_token(self->auth, out);
}

void
web_console_stop(web_console_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_free(*self_p);
    *self_p = NULL;
}
