/*
 * guard.c: Host, Origin, cookies, hex secrets, asset paths, form errors.
 * See guard.h; everything here is pure and unit-tested (tests/unit/
 * test_web_guard.c).
 */
#include "guard.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* 1 if s is "NAME:PORT" for one of the console's names. */
static int
s_authority(const char *s, size_t len, unsigned port)
{
    char want[32];
    static const char *const names[] = {"127.0.0.1", "localhost"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int n = snprintf(want, sizeof want, "%s:%u", names[i], port);
        if (n > 0 && (size_t)n == len && strncasecmp(s, want, len) == 0)
            return 1;
    }
    return 0;
}

int
web_guard_host(const char *host, unsigned port)
{
    if (!host || port == 0 || port > 65535)
        return 0;
    return s_authority(host, strlen(host), port);
}

int
web_guard_origin(const char *origin, unsigned port)
{
    static const char scheme[] = "http://";
    if (!origin || port == 0 || port > 65535 || strncmp(origin, scheme, sizeof scheme - 1) != 0)
        return 0;
    const char *rest = origin + sizeof scheme - 1;
    return s_authority(rest, strlen(rest), port);
}

int
web_guard_fetch_site(const char *site)
{
    return !site || !strcmp(site, "same-origin") || !strcmp(site, "none");
}

size_t
web_guard_cookies(const char *header, const char *name, web_span_t *out, size_t cap)
{
    size_t found = 0, nlen = name ? strlen(name) : 0;
    if (!header || !nlen)
        return 0;
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *pair = p;
        while (*p && *p != ';')
            p++;
        const char *end = p;
        const char *eq = memchr(pair, '=', (size_t)(end - pair));
        if (!eq)
            continue;
        const char *k = pair, *kend = eq;
        while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        if ((size_t)(kend - k) != nlen || memcmp(k, name, nlen) != 0)
            continue;
        const char *v = eq + 1, *vend = end;
        while (v < vend && (*v == ' ' || *v == '\t'))
            v++;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        if (vend - v >= 2 && *v == '"' && vend[-1] == '"') {
            v++;
            vend--;
        }
        if (found < cap) {
            out[found].at = v;
            out[found].len = (size_t)(vend - v);
        }
        found++;
    }
    return found;
}

static int
s_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
web_guard_hex32(const char *s, size_t len, uint8_t out[32])
{
    if (!s || len != 64)
        return -1;
    for (size_t i = 0; i < 32; i++) {
        int hi = s_hexval(s[2 * i]), lo = s_hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int
web_guard_asset_path(const char *path)
{
    if (!path || path[0] != '/' || strlen(path) > 200)
        return 0;
    const char *p = path + 1;
    for (;;) {
        const char *seg = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || *p == '.' || *p == '_' || *p == '-')
            p++;
        if (p == seg || *seg == '.')
            return 0;
        if (*p == '\0')
            return 1;
        if (*p != '/')
            return 0;
        p++;
    }
}

static int
s_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int
web_guard_form_field(const char *why, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    if (!why || cap < 2 || strncmp(why, "form", 4) != 0)
        return 0;
    const char *colon = strstr(why, ": ");
    if (!colon)
        return 0;
    const char *p = colon + 2;
    static const char unknown[] = "unknown field '";
    if (!strncmp(p, unknown, sizeof unknown - 1))
        p += sizeof unknown - 1;
    size_t n = 0;
    while (s_ident_char(p[n]))
        n++;
    /* A field is followed by a space, a quote (unknown field) or the end;
     * "give the number of ..." starts with a word that is not a field, and
     * the hub's field names all hold an underscore or are known words. */
    if (n == 0 || n >= cap || (p[n] != ' ' && p[n] != '\'' && p[n] != '\0'))
        return 0;
    static const char *const not_fields[] = {"give", "a", "the", "at", "field", "unknown"};
    for (size_t i = 0; i < sizeof not_fields / sizeof not_fields[0]; i++)
        if (strlen(not_fields[i]) == n && !strncmp(p, not_fields[i], n))
            return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}
