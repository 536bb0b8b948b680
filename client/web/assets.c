/*
 * assets.c: the console's files in memory (see assets.h).
 */
#include "assets.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ASSETS_MAX 512
#define ASSET_MAX_BYTES (4 * 1024 * 1024)
#define ASSET_DEPTH 4

struct web_assets {
    web_asset_t *items; /* count of them; owned */
    size_t count, cap;
};

web_assets_t *
web_assets_new(void)
{
    return calloc(1, sizeof(web_assets_t));
}

void
web_assets_destroy(web_assets_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    web_assets_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free(self->items[i].path);
        free(self->items[i].data);
    }
    free(self->items);
    free(self);
    *self_p = NULL;
}

const char *
web_assets_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return NULL;
}

static int s_fail(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(char *why, size_t cap, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int
s_read(web_assets_t *self, const char *file, const char *url, const char *type, char *why,
    size_t cap)
{
    if (self->count == ASSETS_MAX)
        return s_fail(why, cap, "more than 512 files (at %s)", file);
    FILE *f = fopen(file, "rb");
    if (!f)
        return s_fail(why, cap, "cannot read %s: %s", file, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size > ASSET_MAX_BYTES) {
        fclose(f);
        return s_fail(why, cap, "%s is over 4 MiB", file);
    }
    size_t len = (size_t)sb.st_size;
    char *data = malloc(len ? len : 1);
    char *path = strdup(url);
    if (!data || !path || fread(data, 1, len, f) != len) {
        fclose(f);
        free(data);
        free(path);
        return s_fail(why, cap, "cannot read %s", file);
    }
    fclose(f);
    if (self->count == self->cap) {
        size_t ncap = self->cap ? self->cap * 2 : 32;
        web_asset_t *items = realloc(self->items, ncap * sizeof *items);
        if (!items) {
            free(data);
            free(path);
            return s_fail(why, cap, "out of memory");
        }
        self->items = items;
        self->cap = ncap;
    }
    self->items[self->count++] =
        (web_asset_t){.path = path, .data = data, .len = len, .type = type};
    return 0;
}

static int
s_walk(web_assets_t *self, const char *dir, const char *url, int depth, char *why, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return s_fail(why, cap, "cannot read the directory %s: %s", dir, strerror(errno));
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[4096], sub[1024];
        if ((size_t)snprintf(file, sizeof file, "%s/%s", dir, e->d_name) >= sizeof file
            || (size_t)snprintf(sub, sizeof sub, "%s%s", url, e->d_name) >= sizeof sub)
            continue;
        struct stat sb;
        if (stat(file, &sb) != 0)
            continue;
        int n = 0;
        if (S_ISDIR(sb.st_mode) && depth < ASSET_DEPTH) {
            size_t l = strlen(sub);
            if (l + 1 < sizeof sub) {
                sub[l] = '/';
                sub[l + 1] = '\0';
                n = s_walk(self, file, sub, depth + 1, why, cap);
            }
        } else if (S_ISREG(sb.st_mode) && web_assets_type(e->d_name)) {
            n = s_read(self, file, sub, web_assets_type(e->d_name), why, cap) == 0 ? 1 : -1;
        }
        if (n < 0) {
            closedir(d);
            return -1;
        }
        count += n;
    }
    closedir(d);
    return count;
}

int
web_assets_add_dir(web_assets_t *self, const char *dir, const char *prefix, char *why,
    size_t why_len)
{
    return s_walk(self, dir, prefix, 0, why, why_len);
}

const web_asset_t *
web_assets_find(const web_assets_t *self, const char *path)
{
    for (size_t i = 0; i < self->count; i++)
        if (!strcmp(self->items[i].path, path))
            return &self->items[i];
    return NULL;
}
