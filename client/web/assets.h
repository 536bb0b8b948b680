/*
 * assets: the console's own files (HTML, CSS, JavaScript modules, the
 * translations), read into memory once at start from the package's data
 * directory, and Debian's chart.js. A request can only ever get one of the
 * files read then: no path from a request reaches the file system.
 */
#ifndef ENLACE_WEB_ASSETS_H
#define ENLACE_WEB_ASSETS_H

#include <stddef.h>

typedef struct {
    char *path; /* the URL path, e.g. "/js/main.js"; owned */
    char *data; /* the file's bytes; owned */
    size_t len;
    const char *type; /* Content-Type (static) */
} web_asset_t;

typedef struct web_assets web_assets_t;

/* An empty set. NULL if out of memory. */
web_assets_t *web_assets_new(void);
void web_assets_destroy(web_assets_t **self_p);

/* Reads every file of a known type (html, css, js, mjs, json, svg, png,
 * ico, txt) under dir, down to 4 levels, and serves each at prefix + its
 * path below dir (prefix "/" or "/vendor/chart.js/"). Skips hidden names.
 * Returns the number of files read, or -1 with a reason in why (dir
 * missing, a file over 4 MiB, more than 512 files). */
int web_assets_add_dir(web_assets_t *self, const char *dir, const char *prefix, char *why,
    size_t why_len);

/* The file at path, or NULL. */
const web_asset_t *web_assets_find(const web_assets_t *self, const char *path);

/* The content type for a file name's extension, or NULL if not served. */
const char *web_assets_type(const char *name);

#endif
