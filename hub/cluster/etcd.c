/*
 * etcd.c: the gateway client's transport and requests (see etcd.h). One
 * libcurl easy handle, kept for its connection cache (a request on a warm
 * connection costs a few milliseconds, most of it etcd's own commit);
 * request bodies built with jansson; answers decoded by etcd_json.c.
 */
#include "etcd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

/* Answers larger than this are refused (a range of log entries is bounded
 * by its limit; 16 entries of at most 1.4 MiB in base64 fit). */
#define ANSWER_MAX (64 * 1024 * 1024)
#define CONNECT_TIMEOUT_MS 300

struct etcd {
    CURL *curl;                          /* owned */
    struct curl_slist *headers;          /* owned */
    char *endpoints[ETCD_MAX_ENDPOINTS]; /* owned */
    int n;
    int cur; /* the endpoint in use */
    int timeout_ms, default_timeout_ms;
    char *body; /* the answer being received; owned */
    size_t len, cap;
    int too_large;
};

struct etcd_txn {
    json_t *compare, *success, *failure; /* owned */
};

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ set-up */

etcd_t *
etcd_new(const char *endpoints, int timeout_ms, char *err, size_t errlen)
{
    static int global_done = 0; /* libcurl's global init, once per process */
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
            snprintf(err, errlen, "libcurl failed to initialise");
            return NULL;
        }
        global_done = 1;
    }
    etcd_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->timeout_ms = self->default_timeout_ms = timeout_ms;
    char *list = strdup(endpoints ? endpoints : "");
    char *save = NULL;
    for (char *e = list ? strtok_r(list, ",", &save) : NULL; e; e = strtok_r(NULL, ",", &save)) {
        while (*e == ' ')
            e++;
        size_t l = strlen(e);
        while (l && e[l - 1] == ' ')
            e[--l] = '\0';
        if (!l)
            continue;
        if (self->n == ETCD_MAX_ENDPOINTS
            || (strncmp(e, "http://", 7) && strncmp(e, "https://", 8))) {
            snprintf(err, errlen,
                self->n == ETCD_MAX_ENDPOINTS ? "at most %d etcd endpoints"
                                              : "an etcd endpoint is http://HOST:PORT (%d at most)",
                ETCD_MAX_ENDPOINTS);
            free(list);
            etcd_destroy(&self);
            return NULL;
        }
        while (l && e[l - 1] == '/')
            e[--l] = '\0';
        self->endpoints[self->n++] = strdup(e);
    }
    free(list);
    if (self->n == 0) {
        snprintf(err, errlen, "no etcd endpoint given");
        etcd_destroy(&self);
        return NULL;
    }
    self->curl = curl_easy_init();
    self->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (!self->curl || !self->headers) {
        snprintf(err, errlen, "libcurl: out of memory");
        etcd_destroy(&self);
        return NULL;
    }
    for (int i = 0; i < self->n; i++)
        if (!self->endpoints[i]) {
            snprintf(err, errlen, "out of memory");
            etcd_destroy(&self);
            return NULL;
        }
    return self;
}

void
etcd_destroy(etcd_t **self_p)
{
    if (!*self_p)
        return;
    etcd_t *self = *self_p;
    if (self->curl)
        curl_easy_cleanup(self->curl);
    curl_slist_free_all(self->headers);
    for (int i = 0; i < self->n; i++)
        free(self->endpoints[i]);
    free(self->body);
    free(self);
    *self_p = NULL;
}

int
etcd_endpoint_count(const etcd_t *self)
{
    return self->n;
}

const char *
etcd_endpoint(const etcd_t *self, int i)
{
    return i >= 0 && i < self->n ? self->endpoints[i] : "";
}

void
etcd_set_timeout(etcd_t *self, int timeout_ms)
{
    self->timeout_ms = timeout_ms > 0 ? timeout_ms : self->default_timeout_ms;
}

/* ------------------------------------------------------------ transport */

static size_t
s_write(char *data, size_t size, size_t nmemb, void *arg)
{
    etcd_t *self = arg;
    size_t n = size * nmemb;
    if (self->len + n + 1 > ANSWER_MAX) {
        self->too_large = 1;
        return 0;
    }
    if (self->len + n + 1 > self->cap) {
        size_t cap = self->cap ? self->cap : 4096;
        while (cap < self->len + n + 1)
            cap *= 2;
        char *grown = realloc(self->body, cap);
        if (!grown)
            return 0;
        self->body = grown;
        self->cap = cap;
    }
    memcpy(self->body + self->len, data, n);
    self->len += n;
    self->body[self->len] = '\0';
    return n;
}

/* One POST of body to path on endpoint i, within timeout_ms. 0 with the
 * answer in self->body (any HTTP status: the gateway's errors are JSON),
 * or -1 (transport) with the reason in why. */
static int
s_post(etcd_t *self, int i, const char *path, const char *body, int timeout_ms, char *why,
    size_t cap)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", self->endpoints[i], path);
    self->len = 0;
    self->too_large = 0;
    CURL *c = self->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, self->headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, self);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 1 ? timeout_ms : 1));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
        (long)(timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* Only http(s), never a redirect elsewhere. */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* No "Expect: 100-continue" round trip before a large body. */
    curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        snprintf(why, cap, "%s: %s", self->endpoints[i],
            self->too_large ? "the answer is too large" : curl_easy_strerror(rc));
        return -1;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 500 && status != 503 && self->len == 0) {
        snprintf(why, cap, "%s: HTTP status %ld", self->endpoints[i], status);
        return -1;
    }
    if (!self->body || self->len == 0) {
        snprintf(why, cap, "%s: an empty answer (HTTP status %ld)", self->endpoints[i], status);
        return -1;
    }
    return 0;
}

/* Sends body to path: the current endpoint first, then each other one while
 * time is left; decodes the answer as kind into out. */
static int
s_request(etcd_t *self, const char *path, json_t *req, etcd_kind_t kind, etcd_reply_t *out)
{
    memset(out, 0, sizeof *out);
    char *body = req ? json_dumps(req, JSON_COMPACT) : strdup("{}");
    if (!body) {
        snprintf(out->error, sizeof out->error, "out of memory");
        return ETCD_UNAVAILABLE;
    }
    int64_t deadline = s_now_ms() + self->timeout_ms;
    char why[400] = "no endpoint tried";
    int rc = ETCD_UNAVAILABLE;
    for (int tried = 0; tried < self->n; tried++) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            break;
        int i = self->cur;
        if (s_post(self, i, path, body, (int)left, why, sizeof why) == 0) {
            rc = etcd_parse(kind, self->body, self->len, out);
            /* An answer from a member cut off from the others: ask another
             * (the next request starts there). */
            if (rc == ETCD_REFUSED
                && (strstr(out->error, "no leader") || strstr(out->error, "timed out")
                    || strstr(out->error, "leader changed"))) {
                snprintf(why, sizeof why, "%s: %s", self->endpoints[i], out->error);
                etcd_reply_free(out);
                self->cur = (self->cur + 1) % self->n;
                rc = ETCD_UNAVAILABLE;
                continue;
            }
            free(body);
            return rc;
        }
        self->cur = (self->cur + 1) % self->n;
    }
    free(body);
    etcd_reply_free(out);
    memset(out, 0, sizeof *out);
    snprintf(out->error, sizeof out->error, "etcd unavailable (%s)", why);
    return rc;
}

/* ------------------------------------------------------------ JSON bodies */

static json_t *
s_b64(const void *data, size_t len)
{
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    sodium_bin2base64(buf, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *s = json_string(buf);
    free(buf);
    return s;
}

static json_t *
s_i64(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return json_string(buf);
}

/* A key's range: the key alone (range_end NULL), from it on (""), or up to
 * range_end. */
static void
s_set_range(json_t *obj, const char *key, const char *range_end)
{
    json_object_set_new(obj, "key", s_b64(key, strlen(key)));
    if (range_end)
        json_object_set_new(obj, "range_end",
            *range_end ? s_b64(range_end, strlen(range_end)) : s_b64("\0", 1));
}

static json_t *
s_range_req(const char *key, const char *range_end, int64_t limit)
{
    json_t *r = json_object();
    s_set_range(r, key, range_end);
    if (limit > 0)
        json_object_set_new(r, "limit", s_i64(limit));
    return r;
}

static json_t *
s_put_req(const char *key, const void *value, size_t len, int64_t lease)
{
    json_t *r = json_object();
    json_object_set_new(r, "key", s_b64(key, strlen(key)));
    json_object_set_new(r, "value", s_b64(value, len));
    if (lease)
        json_object_set_new(r, "lease", s_i64(lease));
    return r;
}

etcd_txn_t *
etcd_txn_new(void)
{
    etcd_txn_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->compare = json_array();
    t->success = json_array();
    t->failure = json_array();
    if (!t->compare || !t->success || !t->failure)
        etcd_txn_free(&t);
    return t;
}

void
etcd_txn_free(etcd_txn_t **txn_p)
{
    if (!*txn_p)
        return;
    json_decref((*txn_p)->compare);
    json_decref((*txn_p)->success);
    json_decref((*txn_p)->failure);
    free(*txn_p);
    *txn_p = NULL;
}

void
etcd_txn_created(etcd_txn_t *txn, const char *key, int64_t rev)
{
    json_t *c = json_object();
    json_object_set_new(c, "key", s_b64(key, strlen(key)));
    json_object_set_new(c, "target", json_string("CREATE"));
    json_object_set_new(c, "result", json_string("EQUAL"));
    json_object_set_new(c, "create_revision", s_i64(rev));
    json_array_append_new(txn->compare, c);
}

void
etcd_txn_put(etcd_txn_t *txn, int then, const char *key, const void *value, size_t len,
    int64_t lease)
{
    json_array_append_new(then ? txn->success : txn->failure,
        json_pack("{s:o}", "requestPut", s_put_req(key, value, len, lease)));
}

void
etcd_txn_range(etcd_txn_t *txn, int then, const char *key, const char *range_end, int64_t limit)
{
    json_array_append_new(then ? txn->success : txn->failure,
        json_pack("{s:o}", "requestRange", s_range_req(key, range_end, limit)));
}

void
etcd_txn_delete(etcd_txn_t *txn, int then, const char *key, const char *range_end)
{
    json_t *r = json_object();
    s_set_range(r, key, range_end);
    json_array_append_new(then ? txn->success : txn->failure,
        json_pack("{s:o}", "requestDeleteRange", r));
}

int
etcd_txn_run(etcd_t *self, etcd_txn_t *txn, etcd_reply_t *out)
{
    json_t *req = json_pack("{s:O,s:O,s:O}", "compare", txn->compare, "success", txn->success,
        "failure", txn->failure);
    int rc = s_request(self, "/v3/kv/txn", req, ETCD_TXN, out);
    json_decref(req);
    return rc;
}

/* ------------------------------------------------------------ one-offs */

int
etcd_range(etcd_t *self, const char *key, const char *range_end, int64_t limit, etcd_reply_t *out)
{
    json_t *req = s_range_req(key, range_end, limit);
    int rc = s_request(self, "/v3/kv/range", req, ETCD_RANGE, out);
    json_decref(req);
    return rc;
}

int
etcd_put(etcd_t *self, const char *key, const void *value, size_t len, int64_t lease,
    etcd_reply_t *out)
{
    json_t *req = s_put_req(key, value, len, lease);
    int rc = s_request(self, "/v3/kv/put", req, ETCD_PLAIN, out);
    json_decref(req);
    return rc;
}

int
etcd_lease_grant(etcd_t *self, int ttl_s, etcd_reply_t *out)
{
    json_t *req = json_pack("{s:I}", "TTL", (json_int_t)ttl_s);
    int rc = s_request(self, "/v3/lease/grant", req, ETCD_LEASE_GRANT, out);
    json_decref(req);
    return rc;
}

int
etcd_lease_keepalive(etcd_t *self, int64_t id, etcd_reply_t *out)
{
    json_t *req = json_pack("{s:o}", "ID", s_i64(id));
    int rc = s_request(self, "/v3/lease/keepalive", req, ETCD_KEEPALIVE, out);
    json_decref(req);
    return rc;
}

int
etcd_lease_revoke(etcd_t *self, int64_t id, etcd_reply_t *out)
{
    json_t *req = json_pack("{s:o}", "ID", s_i64(id));
    int rc = s_request(self, "/v3/lease/revoke", req, ETCD_PLAIN, out);
    json_decref(req);
    return rc;
}

int
etcd_compact(etcd_t *self, int64_t revision, etcd_reply_t *out)
{
    json_t *req = json_pack("{s:o}", "revision", s_i64(revision));
    int rc = s_request(self, "/v3/kv/compaction", req, ETCD_PLAIN, out);
    json_decref(req);
    return rc;
}

int
etcd_status(etcd_t *self, int i, etcd_reply_t *out)
{
    memset(out, 0, sizeof *out);
    if (i < 0 || i >= self->n) {
        snprintf(out->error, sizeof out->error, "no such endpoint");
        return ETCD_UNAVAILABLE;
    }
    char why[400];
    if (s_post(self, i, "/v3/maintenance/status", "{}", self->timeout_ms, why, sizeof why) != 0) {
        snprintf(out->error, sizeof out->error, "%s", why);
        return ETCD_UNAVAILABLE;
    }
    return etcd_parse(ETCD_STATUS, self->body, self->len, out);
}

void
etcd_prefix_end(const char *prefix, char *out, size_t cap)
{
    snprintf(out, cap, "%s", prefix);
    size_t n = strlen(out);
    if (n)
        out[n - 1]++;
}
