/*
 * config_file.c: every hub option, by section and key, in one table; the
 * parsers for its kinds of value; an inih reader that counts lines so each
 * error names FILE:LINE.
 *
 * Invariant: an option is changed only by a value that passed its checks, so
 * a failed config_set leaves that option as it was.
 */
#include "config_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "log.h"

/* The longest string value: short enough that "data_dir = VALUE" fits on one
 * line of inih's buffer (INI_MAX_LINE, including the newline and the NUL), so
 * whatever config_set accepts, config_print can write and config_load read. */
#define STRING_MAX 180
_Static_assert(sizeof "data_dir = " - 1 + STRING_MAX + 2 <= INI_MAX_LINE,
    "a string option must fit on one line of the file");

typedef enum { K_STRING, K_UINT, K_SIZE, K_DURATION, K_SYNC, K_LEVEL, K_SILENCE } kind_t;

typedef struct {
    const char *section;
    const char *key;
    kind_t kind;
    unsigned long long min, max; /* numbers: inclusive bounds (ms for durations) */
} option_t;

/* Indexes into s_options, in file order: also the order config_print uses. */
enum {
    O_BIND,
    O_DATA_DIR,
    O_HEARTBEAT,
    O_WINDOW,
    O_MAX_BODY,
    O_MAX_SUBS,
    O_RATE,
    O_BURST,
    O_CONNS,
    O_IDLE,
    O_SYNC,
    O_URGENT,
    O_FLASH,
    O_ROUND_DAYS,
    O_SILENCE,
    O_BUSINESS_DAY,
    O_LEVEL,
    O_CL_NAME,
    O_CL_NODE,
    O_CL_CLIENT,
    O_CL_ETCD,
    O_CL_LEASE,
    O_CL_TIMEOUT,
    O_COUNT
};

static const option_t s_options[O_COUNT] = {
    [O_BIND] = {"hub", "bind", K_STRING, 1, STRING_MAX},
    [O_DATA_DIR] = {"hub", "data_dir", K_STRING, 1, STRING_MAX},
    [O_HEARTBEAT] = {"hub", "heartbeat", K_DURATION, 100, 60000},
    [O_WINDOW] = {"limits", "window", K_UINT, 1, 65536},
    [O_MAX_BODY] = {"limits", "max_body", K_SIZE, 1, 64 * 1024 * 1024},
    [O_MAX_SUBS] = {"limits", "max_subscriptions", K_UINT, 1, 4096},
    [O_RATE] = {"limits", "request_rate", K_UINT, 0, 1000000},
    [O_BURST] = {"limits", "request_burst", K_UINT, 1, 1000000},
    [O_CONNS] = {"limits", "connections_per_key", K_UINT, 0, 100000},
    [O_IDLE] = {"limits", "idle_timeout", K_DURATION, 1000, 86400000},
    [O_SYNC] = {"archive", "sync", K_SYNC, 0, 0},
    [O_URGENT] = {"alerts", "urgent_deadline", K_DURATION, 1000, 7 * 86400000ULL},
    [O_FLASH] = {"alerts", "flash_deadline", K_DURATION, 1000, 7 * 86400000ULL},
    [O_ROUND_DAYS] = {"consult", "round_days", K_UINT, 1, 60},
    [O_SILENCE] = {"consult", "silence", K_SILENCE, 0, 0},
    /* Tests only: a "business day" of this length, every day one. */
    [O_BUSINESS_DAY] = {"consult", "business_day", K_DURATION, 100, 86400000ULL},
    [O_LEVEL] = {"log", "level", K_LEVEL, 0, 0},
    [O_CL_NAME] = {"cluster", "name", K_STRING, 1, 63},
    [O_CL_NODE] = {"cluster", "node", K_STRING, 1, 63},
    [O_CL_CLIENT] = {"cluster", "client", K_STRING, 1, STRING_MAX},
    [O_CL_ETCD] = {"cluster", "etcd", K_STRING, 1, STRING_MAX},
    /* etcd grants no lease shorter than 1.5 times its election timeout
     * (2 s with its defaults) and counts whole seconds. */
    [O_CL_LEASE] = {"cluster", "lease", K_DURATION, 1000, 60000},
    [O_CL_TIMEOUT] = {"cluster", "etcd_timeout", K_DURATION, 100, 30000},
};

static const char *s_sync_names[] = {"off", "normal", "full"};
/* By HUB_SILENCE_*. */
static const char *s_silence_names[] = {"no-answer", "no-objection"};

static const struct {
    const char *name;
    int level;
} s_levels[] = {
    {"error", LOG_ERR},
    {"warning", LOG_WARNING},
    {"notice", LOG_NOTICE},
    {"info", LOG_INFO},
    {"debug", LOG_DEBUG},
};

static int s_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A whole decimal number, then the rest of the string in *rest. */
static int
s_number(const char *s, unsigned long long *out, const char **rest)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    *rest = end;
    return 0;
}

/* Multiplies with a check; 0 or -1 on overflow. */
static int
s_scale(unsigned long long *v, unsigned long long by)
{
    if (*v > UINT64_MAX / by)
        return -1;
    *v *= by;
    return 0;
}

static int
s_parse_size(const char *s, unsigned long long *out)
{
    const char *rest;
    if (s_number(s, out, &rest) != 0)
        return -1;
    if (!*rest)
        return 0;
    if (!strcmp(rest, "K") || !strcmp(rest, "k") || !strcmp(rest, "KiB"))
        return s_scale(out, 1024);
    if (!strcmp(rest, "M") || !strcmp(rest, "m") || !strcmp(rest, "MiB"))
        return s_scale(out, 1024 * 1024);
    return -1;
}

/* Into milliseconds. */
static int
s_parse_duration(const char *s, unsigned long long *out)
{
    const char *rest;
    if (s_number(s, out, &rest) != 0)
        return -1;
    if (!strcmp(rest, "ms"))
        return 0;
    if (!*rest || !strcmp(rest, "s"))
        return s_scale(out, 1000);
    if (!strcmp(rest, "m"))
        return s_scale(out, 60 * 1000);
    if (!strcmp(rest, "h"))
        return s_scale(out, 3600 * 1000);
    return -1;
}

static void
s_print_duration(FILE *out, const char *key, long long ms)
{
    if (ms % 3600000 == 0)
        fprintf(out, "%s = %lldh\n", key, ms / 3600000);
    else if (ms % 60000 == 0)
        fprintf(out, "%s = %lldm\n", key, ms / 60000);
    else if (ms % 1000 == 0)
        fprintf(out, "%s = %llds\n", key, ms / 1000);
    else
        fprintf(out, "%s = %lldms\n", key, ms);
}

static int
s_find(const char *section, const char *key)
{
    for (int i = 0; i < O_COUNT; i++)
        if (!strcmp(s_options[i].section, section) && !strcmp(s_options[i].key, key))
            return i;
    return -1;
}

static int
s_section_known(const char *section)
{
    for (int i = 0; i < O_COUNT; i++)
        if (!strcmp(s_options[i].section, section))
            return 1;
    return 0;
}

/* Copies a string option into its buffer in cfg and points at it. */
static void
s_set_string(hub_config_t *cfg, int which, const char *value)
{
    hub_cluster_config_t *cl = &cfg->cluster;
    if (which == O_BIND) {
        snprintf(cfg->bind_buf, sizeof cfg->bind_buf, "%s", value);
        cfg->bind = cfg->bind_buf;
    } else if (which == O_DATA_DIR) {
        snprintf(cfg->data_dir_buf, sizeof cfg->data_dir_buf, "%s", value);
        cfg->data_dir = cfg->data_dir_buf;
    } else if (which == O_CL_NAME) {
        snprintf(cl->name, sizeof cl->name, "%s", value);
    } else if (which == O_CL_NODE) {
        snprintf(cl->node, sizeof cl->node, "%s", value);
    } else if (which == O_CL_CLIENT) {
        snprintf(cl->client, sizeof cl->client, "%s", value);
    } else {
        snprintf(cl->etcd, sizeof cl->etcd, "%s", value);
    }
}

/* The cluster's and the node's names become etcd keys: a small alphabet. */
static int
s_name_ok(const char *v)
{
    for (const char *c = v; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
                || *c == '-' || *c == '_' || *c == '.'))
            return 0;
    return 1;
}

/* Each comma-separated item of an etcd endpoint list is http(s)://HOST:PORT. */
static int
s_endpoints_ok(const char *v)
{
    char buf[STRING_MAX + 1];
    snprintf(buf, sizeof buf, "%s", v);
    int n = 0;
    char *save = NULL;
    for (char *e = strtok_r(buf, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        while (*e == ' ')
            e++;
        if (strncmp(e, "http://", 7) && strncmp(e, "https://", 8))
            return 0;
        if (strchr(e, ' ') && strspn(strchr(e, ' '), " ") != strlen(strchr(e, ' ')))
            return 0;
        n++;
    }
    return n > 0 && n <= 9;
}

static int
s_set(hub_config_t *cfg, int which, const char *value, char *err, size_t errlen)
{
    const option_t *o = &s_options[which];
    unsigned long long v = 0;
    if (!*value)
        return s_fail(err, errlen, "%s needs a value", o->key);
    switch (o->kind) {
    case K_STRING: {
        size_t len = strlen(value);
        if (len > o->max)
            return s_fail(err, errlen, "%s is longer than %llu characters", o->key, o->max);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)value[i];
            if (c < 0x20 || c == 0x7f)
                return s_fail(err, errlen, "%s holds a control character", o->key);
            /* ';' starts a comment in the file, so a value holding one could
             * not be written back by check-config and read the same. */
            if (c == ';')
                return s_fail(err, errlen, "%s may not hold ';' (it starts a comment)", o->key);
            if (which == O_BIND && (c == ' ' || c > 0x7e))
                return s_fail(err, errlen, "bind is a ZeroMQ endpoint: no spaces, ASCII only");
        }
        if (value[0] == ' ' || value[len - 1] == ' ')
            return s_fail(err, errlen, "%s begins or ends with a space", o->key);
        if (which == O_BIND && !strstr(value, "://"))
            return s_fail(err, errlen,
                "bind is a ZeroMQ endpoint such as tcp://127.0.0.1:7440, not '%s'", value);
        if ((which == O_CL_NAME || which == O_CL_NODE) && !s_name_ok(value))
            return s_fail(err, errlen, "%s is letters, digits, '-', '_' and '.', not '%s'", o->key,
                value);
        if (which == O_CL_CLIENT
            && (!strstr(value, "://") || strchr(value, ' ') || strchr(value, ',')))
            return s_fail(err, errlen,
                "client is the ZeroMQ endpoint clients reach this node at, such as "
                "tcp://hub1.example.org:7440, not '%s'",
                value);
        if (which == O_CL_ETCD && !s_endpoints_ok(value))
            return s_fail(err, errlen,
                "etcd is a comma-separated list of up to 9 endpoints such as "
                "http://127.0.0.1:2379, not '%s'",
                value);
        if (which >= O_CL_NAME)
            cfg->cluster.enabled = 1;
        s_set_string(cfg, which, value);
        return 0;
    }
    case K_UINT: {
        const char *rest;
        if (s_number(value, &v, &rest) != 0 || *rest || v < o->min || v > o->max)
            return s_fail(err, errlen, "%s is a whole number from %llu to %llu, not '%s'", o->key,
                o->min, o->max, value);
        if (which == O_WINDOW)
            cfg->window = (uint32_t)v;
        else if (which == O_RATE)
            cfg->request_rate = (uint32_t)v;
        else if (which == O_BURST)
            cfg->request_burst = (uint32_t)v;
        else if (which == O_CONNS)
            cfg->connections_per_key = (uint32_t)v;
        else if (which == O_ROUND_DAYS)
            cfg->consult_days = (int)v;
        else
            cfg->max_subscriptions = (int)v;
        return 0;
    }
    case K_SIZE:
        if (s_parse_size(value, &v) != 0 || v < o->min || v > o->max)
            return s_fail(err, errlen,
                "%s is a size in bytes (optionally with K or M) from %llu to %llu, not '%s'",
                o->key, o->min, o->max, value);
        cfg->max_body = (size_t)v;
        /* Room for the frame around the largest body. */
        cfg->max_frame = (size_t)v + 64 * 1024;
        return 0;
    case K_DURATION:
        if (s_parse_duration(value, &v) != 0 || v < o->min || v > o->max)
            return s_fail(err, errlen,
                "%s is a duration (e.g. 500ms, 30s, 5m, 1h; no unit means seconds) "
                "from %llums to %llus, not '%s'",
                o->key, o->min, o->max / 1000, value);
        if (which == O_CL_LEASE || which == O_CL_TIMEOUT)
            cfg->cluster.enabled = 1;
        if (which == O_HEARTBEAT)
            cfg->heartbeat_ms = (int)v;
        else if (which == O_CL_LEASE)
            cfg->cluster.lease_ms = (int)v;
        else if (which == O_CL_TIMEOUT)
            cfg->cluster.etcd_timeout_ms = (int)v;
        else if (which == O_IDLE)
            cfg->idle_timeout_ms = (int)v;
        else if (which == O_URGENT)
            cfg->deadline_urgent_ms = (int64_t)v;
        else if (which == O_BUSINESS_DAY)
            cfg->consult_day_ms = (int64_t)v;
        else
            cfg->deadline_flash_ms = (int64_t)v;
        return 0;
    case K_SYNC:
        for (int i = 0; i < 3; i++)
            if (!strcmp(value, s_sync_names[i])) {
                cfg->sync = (archive_sync_t)i;
                return 0;
            }
        return s_fail(err, errlen, "sync is off, normal or full, not '%s'", value);
    case K_SILENCE:
        for (int i = 0; i < 2; i++)
            if (!strcmp(value, s_silence_names[i])) {
                cfg->consult_silence = i;
                return 0;
            }
        return s_fail(err, errlen,
            "silence is no-answer (the PPT decides) or no-objection, not '%s'", value);
    case K_LEVEL:
        for (size_t i = 0; i < sizeof s_levels / sizeof s_levels[0]; i++)
            if (!strcmp(value, s_levels[i].name)) {
                cfg->log_level = s_levels[i].level;
                return 0;
            }
        return s_fail(err, errlen, "level is error, warning, notice, info or debug, not '%s'",
            value);
    }
    return s_fail(err, errlen, "%s: unhandled option", o->key);
}

int
config_set(hub_config_t *cfg, const char *section, const char *key, const char *value, char *err,
    size_t errlen)
{
    int which = s_find(section, key);
    if (which < 0)
        return s_fail(err, errlen, "unknown option '%s' in section [%s]", key, section);
    return s_set(cfg, which, value, err, errlen);
}

/* ---------------------------------------------------------------- files */

typedef struct {
    FILE *file;
    const char *path;
    hub_config_t *cfg;
    int line;          /* of the line inih is handling */
    int too_long;      /* that line did not fit inih's buffer */
    int seen[O_COUNT]; /* line each option was set on, 0 if not yet */
    char *buf;         /* getline's buffer; owned */
    size_t cap;
    char err[512]; /* the first error, with its line; "" if none */
} reader_t;

/* inih's reader: hands it one whole line at a time and counts them. A line
 * longer than inih's buffer is replaced by an empty one and reported, rather
 * than split into two lines as fgets would. */
static char *
s_read_line(char *str, int num, void *stream)
{
    reader_t *r = stream;
    ssize_t n = getline(&r->buf, &r->cap, r->file);
    if (n < 0)
        return NULL;
    r->line++;
    /* The same line is as long with or without its newline (the last line
     * of a file may have none): num - 2 characters fit either way. */
    size_t len = (size_t)n - (r->buf[n - 1] == '\n');
    if (len > (size_t)num - 2) {
        if (!r->err[0])
            snprintf(r->err, sizeof r->err, "%s:%d: the line is longer than %d characters", r->path,
                r->line, num - 2);
        snprintf(str, (size_t)num, "\n");
        return str;
    }
    memcpy(str, r->buf, (size_t)n + 1);
    return str;
}

static int
s_entry(void *user, const char *section, const char *name, const char *value)
{
    reader_t *r = user;
    if (r->err[0])
        return 1; /* only the first error is reported */
    char why[400];
    const char *sec = *section ? section : "(none)";
    int which = s_find(section, name);
    if (which < 0) {
        if (!s_section_known(section))
            snprintf(why, sizeof why,
                "%s: unknown section [%s] (hub, limits, archive, alerts, consult, log, cluster)",
                name, sec);
        else
            snprintf(why, sizeof why, "%s: unknown option in section [%s]", name, sec);
    } else if (r->seen[which]) {
        snprintf(why, sizeof why, "%s: set twice (first on line %d)", name, r->seen[which]);
    } else if (s_set(r->cfg, which, value, why, sizeof why) == 0) {
        r->seen[which] = r->line;
        return 1;
    }
    snprintf(r->err, sizeof r->err, "%s:%d: %s", r->path, r->line, why);
    return 1;
}

int
config_load(const char *path, hub_config_t *cfg, char *err, size_t errlen)
{
    reader_t r = {.path = path, .cfg = cfg};
    r.file = fopen(path, "r");
    if (!r.file)
        return s_fail(err, errlen, "%s: %s", path, strerror(errno));
    int rc = ini_parse_stream(s_read_line, &r, s_entry, &r);
    int read_error = ferror(r.file);
    fclose(r.file);
    free(r.buf);
    if (r.err[0])
        return s_fail(err, errlen, "%s", r.err);
    if (read_error)
        return s_fail(err, errlen, "%s: read error", path);
    if (rc > 0)
        return s_fail(err, errlen, "%s:%d: not a [section] or a 'key = value' line", path, rc);
    if (rc < 0)
        return s_fail(err, errlen, "%s: cannot be parsed (out of memory)", path);
    if (config_check(cfg, err, errlen) != 0) {
        char why[400];
        snprintf(why, sizeof why, "%s", err);
        return s_fail(err, errlen, "%s: %s", path, why);
    }
    return 0;
}

int
config_check(const hub_config_t *cfg, char *err, size_t errlen)
{
    const hub_cluster_config_t *cl = &cfg->cluster;
    if (!cl->enabled)
        return 0;
    if (!cl->node[0] || !cl->etcd[0])
        return s_fail(err, errlen,
            "[cluster] needs node (this hub's name in the cluster) and etcd (the etcd "
            "endpoints)");
    /* A batch, the largest body with it, must fit in one log entry. */
    if (cfg->max_body > 384 * 1024)
        return s_fail(err, errlen,
            "max_body is at most 384K in a cluster (a log entry in etcd is at most 1.5 MiB)");
    return 0;
}

void
config_print(FILE *out, const hub_config_t *cfg)
{
    const char *level = "info";
    for (size_t i = 0; i < sizeof s_levels / sizeof s_levels[0]; i++)
        if (s_levels[i].level == cfg->log_level)
            level = s_levels[i].name;
    fprintf(out, "[hub]\n");
    fprintf(out, "bind = %s\n", cfg->bind ? cfg->bind : "");
    if (cfg->data_dir && *cfg->data_dir)
        fprintf(out, "data_dir = %s\n", cfg->data_dir);
    else
        fprintf(out, "# data_dir is not set: 'enlace-hub run DATA' names it\n");
    s_print_duration(out, "heartbeat", cfg->heartbeat_ms);
    fprintf(out, "\n[limits]\n");
    fprintf(out, "window = %u\n", cfg->window);
    fprintf(out, "max_body = %zu\n", cfg->max_body);
    fprintf(out, "max_subscriptions = %d\n", cfg->max_subscriptions);
    fprintf(out, "request_rate = %u\n", cfg->request_rate);
    fprintf(out, "request_burst = %u\n", cfg->request_burst);
    fprintf(out, "connections_per_key = %u\n", cfg->connections_per_key);
    s_print_duration(out, "idle_timeout", cfg->idle_timeout_ms);
    fprintf(out, "\n[archive]\n");
    fprintf(out, "sync = %s\n", (unsigned)cfg->sync < 3 ? s_sync_names[cfg->sync] : "normal");
    fprintf(out, "\n[alerts]\n");
    s_print_duration(out, "urgent_deadline", cfg->deadline_urgent_ms);
    s_print_duration(out, "flash_deadline", cfg->deadline_flash_ms);
    fprintf(out, "\n[consult]\n");
    fprintf(out, "round_days = %d\n", cfg->consult_days);
    fprintf(out, "silence = %s\n",
        (unsigned)cfg->consult_silence < 2 ? s_silence_names[cfg->consult_silence] : "no-answer");
    if (cfg->consult_day_ms > 0)
        s_print_duration(out, "business_day", cfg->consult_day_ms);
    else
        fprintf(out, "# business_day is not set: real business days, in each country's zone\n");
    fprintf(out, "\n[log]\n");
    fprintf(out, "level = %s\n", level);
    if (cfg->cluster.enabled) {
        const hub_cluster_config_t *cl = &cfg->cluster;
        fprintf(out, "\n[cluster]\n");
        fprintf(out, "name = %s\n", cl->name);
        if (cl->node[0])
            fprintf(out, "node = %s\n", cl->node);
        if (cl->client[0])
            fprintf(out, "client = %s\n", cl->client);
        else
            fprintf(out, "# client is not set: clients are sent to bind\n");
        if (cl->etcd[0])
            fprintf(out, "etcd = %s\n", cl->etcd);
        s_print_duration(out, "lease", cl->lease_ms);
        s_print_duration(out, "etcd_timeout", cl->etcd_timeout_ms);
    }
}
