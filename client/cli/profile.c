/*
 * profile.c: the CLI's settings file. The file is read whole (it is small
 * and bounded), then handed to inih one whole line at a time by our own
 * reader, so that a line too long for inih's buffer is an error rather than
 * two lines, and a NUL byte cannot hide the rest of a line.
 */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

typedef struct {
    const char *path;
    profile_t *p;
    profile_error_t *e;
    const char *at, *end; /* what is left of the file */
    int line;             /* of the line inih is handling */
} reader_t;

static int
s_fail(reader_t *r, profile_status_t status, const char *name)
{
    if (r->e->status != PROFILE_OK)
        return 0; /* keep the first */
    r->e->status = status;
    r->e->line = r->line;
    if (name)
        snprintf(r->e->name, sizeof r->e->name, "%s", name);
    return 0;
}

static char *
s_read_line(char *str, int num, void *stream)
{
    reader_t *r = stream;
    if (r->at >= r->end || r->e->status != PROFILE_OK)
        return NULL;
    const char *nl = memchr(r->at, '\n', (size_t)(r->end - r->at));
    size_t len = (size_t)((nl ? nl : r->end) - r->at);
    const char *line = r->at;
    r->at += len + (nl != NULL);
    r->line++;
    if (memchr(line, '\0', len)) {
        s_fail(r, PROFILE_NUL, NULL);
        return NULL;
    }
    if (len > (size_t)num - 2) {
        s_fail(r, PROFILE_LONG_LINE, NULL);
        r->e->max_line = num - 2;
        return NULL;
    }
    memcpy(str, line, len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

/* Copies value into dst, or fails if it does not fit. */
static int
s_set(reader_t *r, const char *name, char *dst, size_t cap, const char *value)
{
    if (strlen(value) >= cap)
        return s_fail(r, PROFILE_LONG_VALUE, name);
    memcpy(dst, value, strlen(value) + 1);
    return 1;
}

/* A path from the profile: relative ones are from the profile's folder. */
static int
s_set_path(reader_t *r, const char *name, char *dst, size_t cap, const char *value)
{
    const char *slash = strrchr(r->path, '/');
    if (value[0] == '/' || !slash)
        return s_set(r, name, dst, cap, value);
    int n = snprintf(dst, cap, "%.*s/%s", (int)(slash - r->path), r->path, value);
    if (n < 0 || (size_t)n >= cap)
        return s_fail(r, PROFILE_LONG_VALUE, name);
    return 1;
}

static int
s_language_ok(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 'a' || v[i] > 'z')
            return 0;
    return 1;
}

/* XXXX-XXXX-XXXX-XXXX in RFC 4648 base32. */
static int
s_fingerprint_ok(const char *v)
{
    if (strlen(v) != 19)
        return 0;
    for (int i = 0; i < 19; i++) {
        int b32 = (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '2' && v[i] <= '7');
        if (i % 5 == 4 ? v[i] != '-' : !b32)
            return 0;
    }
    return 1;
}

static int
s_entry(void *user, const char *section, const char *name, const char *value)
{
    reader_t *r = user;
    profile_t *p = r->p;
    (void)section;
    if (r->e->status != PROFILE_OK)
        return 1;
    if (!strcmp(name, "hub"))
        return s_set(r, name, p->hub, sizeof p->hub, value);
    if (!strcmp(name, "hub_key"))
        return s_set_path(r, name, p->hub_key, sizeof p->hub_key, value);
    if (!strcmp(name, "key"))
        return s_set_path(r, name, p->key, sizeof p->key, value);
    if (!strcmp(name, "language")) {
        if (!s_language_ok(value))
            return s_fail(r, PROFILE_BAD_LANGUAGE, name);
        return s_set(r, name, p->language, sizeof p->language, value);
    }
    if (!strcmp(name, "archive_key")) {
        if (!s_fingerprint_ok(value))
            return s_fail(r, PROFILE_BAD_FINGERPRINT, name);
        return s_set(r, name, p->archive_key, sizeof p->archive_key, value);
    }
    return s_fail(r, PROFILE_UNKNOWN, name);
}

int
profile_load(const char *path, profile_t *p, profile_error_t *e)
{
    memset(p, 0, sizeof *p);
    memset(e, 0, sizeof *e);
    FILE *f = fopen(path, "rb");
    if (!f) {
        e->status = PROFILE_UNREADABLE;
        e->sys_errno = errno;
        return -1;
    }
    char *text = malloc(PROFILE_FILE_MAX + 1);
    size_t size = text ? fread(text, 1, PROFILE_FILE_MAX + 1, f) : 0;
    int read_error = !text || ferror(f);
    int saved = text ? errno : ENOMEM;
    fclose(f);
    if (read_error) {
        free(text);
        e->status = PROFILE_UNREADABLE;
        e->sys_errno = saved ? saved : EIO;
        return -1;
    }
    if (size > PROFILE_FILE_MAX) {
        free(text);
        e->status = PROFILE_TOO_BIG;
        return -1;
    }
    reader_t r = {.path = path, .p = p, .e = e, .at = text, .end = text + size};
    int rc = ini_parse_stream(s_read_line, &r, s_entry, &r);
    free(text);
    if (e->status != PROFILE_OK)
        return -1;
    if (rc > 0) {
        e->status = PROFILE_NOT_SETTING;
        e->line = rc;
        return -1;
    }
    if (rc < 0) {
        e->status = PROFILE_UNREADABLE;
        e->sys_errno = ENOMEM;
        return -1;
    }
    return 0;
}
