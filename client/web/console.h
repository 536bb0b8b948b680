/*
 * console: the web console of `enlace web` as one object: the officer's
 * connected client (run by the engine thread), the live feed, the console's
 * files, the one-time tokens and sessions, and the HTTP server on
 * 127.0.0.1. The command (client/cli/cmd_web.c) connects, starts it, prints
 * the link and stops it; everything between is here.
 */
#ifndef ENLACE_WEB_CONSOLE_H
#define ENLACE_WEB_CONSOLE_H

#include <stddef.h>

#include "enlace.h"

typedef struct {
    unsigned port;               /* 0: any free port */
    const char *const *patterns; /* the inbox's subscriptions; none: the key's networks */
    size_t npatterns;
    size_t keep;             /* deliveries kept for the pages (0: 20000) */
    const char *web_dir;     /* the console's files */
    const char *chartjs_dir; /* Debian's chart.js, or NULL (charts become tables) */
    const char *endpoint;    /* shown on the page */
    const char *language;    /* the profile's language, or "" */
} web_config_t;

typedef struct web_console web_console_t;

/* Starts the console with client (ownership passes, closed on failure).
 * NULL on failure with a one-line reason in why. */
web_console_t *web_console_start(const web_config_t *cfg, enlace_client_t *client, char *why,
    size_t why_len);
/* The port the console listens on. */
unsigned web_console_port(const web_console_t *self);
/* A new one-time token (the previous unused one no longer works), 64 hex
 * digits into out[65]; the caller wipes it after printing. 0, or -1. */
int web_console_token(web_console_t *self, char out[65]);
/* Stops everything in order and frees it. Accepts NULL; sets *self_p NULL. */
void web_console_stop(web_console_t **self_p);

#endif
