/*
 * test_web_guard: the web console's security checks (client/web/guard.c)
 * and its one-time token and sessions (client/web/auth.c): every spelling
 * of Host and Origin a rebinding or cross-site page could send, the Cookie
 * header's forms, secrets in hex, the paths of the console's files, and the
 * field a form error names.
 */
#include <string.h>

#include "auth.h"
#include "check.h"
#include "guard.h"

static void
host_is_this_console_only(void)
{
    CHECK(web_guard_host("127.0.0.1:8080", 8080));
    CHECK(web_guard_host("localhost:8080", 8080));
    CHECK(web_guard_host("LocalHost:8080", 8080));
    const char *bad[] = {"", "127.0.0.1", "localhost", "127.0.0.1:80", "127.0.0.1:08080",
        "127.0.0.1:8080.", "127.0.0.1.:8080", "localhost.:8080", "127.0.0.1.evil.example:8080",
        "evil.example:8080", "rebind.127.0.0.1.nip.io:8080", "evil@127.0.0.1:8080",
        "127.0.0.1:8080@evil", "[::1]:8080", "127.1:8080", "2130706433:8080", "0.0.0.0:8080",
        "127.0.0.1:8080 ", " 127.0.0.1:8080", "127.0.0.1:8080,evil.example", "127.0.0.1:8080\r\n",
        "127.0.0.2:8080", "localhost:8080:8080"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!web_guard_host(bad[i], 8080));
    CHECK(!web_guard_host(NULL, 8080));
    CHECK(!web_guard_host("127.0.0.1:0", 0));
    CHECK(!web_guard_host("127.0.0.1:70000", 70000));
}

static void
origin_is_this_console_over_http(void)
{
    CHECK(web_guard_origin("http://127.0.0.1:8080", 8080));
    CHECK(web_guard_origin("http://localhost:8080", 8080));
    const char *bad[] = {"", "null", "127.0.0.1:8080", "https://127.0.0.1:8080",
        "http://127.0.0.1:8081", "http://127.0.0.1:8080/", "http://127.0.0.1",
        "http://evil.example", "http://evil.example:8080", "HTTP://127.0.0.1:8080",
        "http://127.0.0.1:8080.evil.example", "http://user@127.0.0.1:8080", "file://",
        "http://[::1]:8080", "http:///127.0.0.1:8080"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!web_guard_origin(bad[i], 8080));
    CHECK(!web_guard_origin(NULL, 8080));
}

static void
fetch_site_allows_this_origin_and_the_user_only(void)
{
    CHECK(web_guard_fetch_site(NULL));
    CHECK(web_guard_fetch_site("same-origin"));
    CHECK(web_guard_fetch_site("none"));
    CHECK(!web_guard_fetch_site("same-site"));
    CHECK(!web_guard_fetch_site("cross-site"));
    CHECK(!web_guard_fetch_site(""));
    CHECK(!web_guard_fetch_site("Same-Origin"));
}

static int
s_span_is(web_span_t s, const char *want)
{
    return s.len == strlen(want) && !memcmp(s.at, want, s.len);
}

static void
cookie_values_are_found_by_exact_name(void)
{
    web_span_t v[4];
    CHECK(web_guard_cookies("enlace_8080=abc", "enlace_8080", v, 4) == 1 && s_span_is(v[0], "abc"));
    CHECK(web_guard_cookies("a=1; enlace_8080=abc; b=2", "enlace_8080", v, 4) == 1
        && s_span_is(v[0], "abc"));
    CHECK(web_guard_cookies("a=1;enlace_8080 = \"abc\" ;b=2", "enlace_8080", v, 4) == 1
        && s_span_is(v[0], "abc"));
    /* Another console's cookie (another port), a longer or shorter name. */
    CHECK(web_guard_cookies("enlace_80800=x; xenlace_8080=y; enlace_808=z", "enlace_8080", v, 4)
        == 0);
    /* Two of one name (another site on this host may set one): both. */
    CHECK(web_guard_cookies("enlace_8080=bad; enlace_8080=good", "enlace_8080", v, 4) == 2
        && s_span_is(v[0], "bad") && s_span_is(v[1], "good"));
    CHECK(web_guard_cookies("enlace_8080=a=b", "enlace_8080", v, 4) == 1 && s_span_is(v[0], "a=b"));
    CHECK(web_guard_cookies("enlace_8080", "enlace_8080", v, 4) == 0);
    CHECK(web_guard_cookies("", "enlace_8080", v, 4) == 0);
    CHECK(web_guard_cookies(";;; ;", "enlace_8080", v, 4) == 0);
    CHECK(web_guard_cookies(NULL, "enlace_8080", v, 4) == 0);
    CHECK(web_guard_cookies("enlace_8080=", "enlace_8080", v, 4) == 1 && v[0].len == 0);
    /* More than fit: counted, only cap stored. */
    CHECK(web_guard_cookies("c=1; c=2; c=3", "c", v, 2) == 3);
}

static void
hex_secrets_are_exactly_64_digits(void)
{
    uint8_t out[32];
    char hex[65];
    for (int i = 0; i < 64; i++)
        hex[i] = "0123456789abcdef"[i % 16];
    hex[64] = '\0';
    CHECK(web_guard_hex32(hex, 64, out) == 0 && out[0] == 0x01 && out[7] == 0xef);
    hex[3] = 'A';
    CHECK(web_guard_hex32(hex, 64, out) == 0);
    CHECK(web_guard_hex32(hex, 63, out) == -1);
    CHECK(web_guard_hex32(hex, 0, out) == -1);
    CHECK(web_guard_hex32(NULL, 64, out) == -1);
    hex[10] = 'g';
    CHECK(web_guard_hex32(hex, 64, out) == -1);
    hex[10] = ' ';
    CHECK(web_guard_hex32(hex, 64, out) == -1);
}

static void
asset_paths_are_plain_names(void)
{
    const char *good[] = {"/index.html", "/js/main.js", "/js/views/inbox.js", "/i18n/es.json",
        "/vendor/chart.js/chart.mjs", "/vendor/chart.js/chunks/helpers.segment.mjs"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(web_guard_asset_path(good[i]));
    const char *bad[] = {"", "/", "index.html", "/../etc/passwd", "/js/../../x", "/.hidden",
        "/js/.x", "//etc/passwd", "/a/./b", "/a//b", "/a/", "/a%2e%2e/b", "/a\\b", "/a b", "/a?b",
        "/a#b", "/ä"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!web_guard_asset_path(bad[i]));
    char longer[260];
    memset(longer, 'a', sizeof longer - 1);
    longer[0] = '/';
    longer[sizeof longer - 1] = '\0';
    CHECK(!web_guard_asset_path(longer));
}

static void
form_errors_name_their_field(void)
{
    char f[64];
    CHECK(web_guard_form_field("form death: date_of_death is required", f, sizeof f)
        && !strcmp(f, "date_of_death"));
    CHECK(web_guard_form_field("form child: age must be between 0 and 17", f, sizeof f)
        && !strcmp(f, "age"));
    CHECK(
        web_guard_form_field("form: age must be a whole number", f, sizeof f) && !strcmp(f, "age"));
    CHECK(web_guard_form_field("form: unknown field 'colour' in DeathAbroad", f, sizeof f)
        && !strcmp(f, "colour"));
    CHECK(web_guard_form_field("form return-assistance: special_case is required for a special "
                               "case (domestic-violence, sexual-abuse or trafficking)",
              f, sizeof f)
        && !strcmp(f, "special_case"));
    CHECK(!web_guard_form_field("form incident: give the number of dead or missing (dead, "
                                "missing)",
        f, sizeof f));
    CHECK(!web_guard_form_field("form: unknown form 'x' (death, child, ...)", f, sizeof f));
    CHECK(!web_guard_form_field("form: the form has no type", f, sizeof f));
    CHECK(!web_guard_form_field("only members of the case's network open cases", f, sizeof f));
    CHECK(!web_guard_form_field(NULL, f, sizeof f) && f[0] == '\0');
    CHECK(!web_guard_form_field("form death: deceased_name is required", f, 4));
}

static void
token_opens_one_session_once(void)
{
    web_auth_t *auth = web_auth_new(4, WEB_AUTH_IDLE_MS);
    CHECK(auth != NULL);
    if (!auth)
        return;
    char token[WEB_SECRET_HEX], cookie[WEB_SECRET_HEX], again[WEB_SECRET_HEX];
    CHECK(web_auth_exchange(auth, token, 0, cookie) == -1); /* no token yet */
    CHECK(web_auth_token(auth, token) == 0 && strlen(token) == 64);
    char wrong[WEB_SECRET_HEX];
    memcpy(wrong, token, sizeof wrong);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    CHECK(web_auth_exchange(auth, wrong, 64, cookie) == -1);
    CHECK(web_auth_exchange(auth, token, 63, cookie) == -1);
    CHECK(web_auth_exchange(auth, token, 64, cookie) == 0 && strlen(cookie) == 64);
    CHECK(strcmp(cookie, token) != 0);
    /* Used: never again. */
    CHECK(web_auth_exchange(auth, token, 64, again) == -1);
    CHECK(web_auth_check(auth, cookie, 64));
    CHECK(!web_auth_check(auth, token, 64));
    CHECK(!web_auth_check(auth, cookie, 63));
    char zeros[65];
    memset(zeros, '0', 64);
    zeros[64] = '\0';
    CHECK(!web_auth_check(auth, zeros, 64)); /* an empty slot is no session */
    CHECK(web_auth_sessions(auth) == 1);
    /* A new token replaces an unused one. */
    char t1[WEB_SECRET_HEX], t2[WEB_SECRET_HEX];
    web_auth_token(auth, t1);
    web_auth_token(auth, t2);
    CHECK(web_auth_exchange(auth, t1, 64, again) == -1);
    CHECK(web_auth_exchange(auth, t2, 64, again) == 0);
    CHECK(web_auth_check(auth, cookie, 64) && web_auth_check(auth, again, 64));
    /* Signing out ends that session only. */
    web_auth_end(auth, cookie, 64);
    CHECK(!web_auth_check(auth, cookie, 64) && web_auth_check(auth, again, 64));
    web_auth_destroy(&auth);
    CHECK(auth == NULL);
    web_auth_destroy(&auth); /* NULL is fine */
}

static void
oldest_session_gives_way_when_full(void)
{
    web_auth_t *auth = web_auth_new(2, WEB_AUTH_IDLE_MS);
    char tok[WEB_SECRET_HEX], s[3][WEB_SECRET_HEX];
    for (int i = 0; i < 3; i++) {
        web_auth_token(auth, tok);
        CHECK(web_auth_exchange(auth, tok, 64, s[i]) == 0);
    }
    CHECK(!web_auth_check(auth, s[0], 64));
    CHECK(web_auth_check(auth, s[1], 64) && web_auth_check(auth, s[2], 64));
    CHECK(web_auth_sessions(auth) == 2);
    web_auth_destroy(&auth);
}

static void
an_idle_session_ends_and_a_used_one_lives_on(void)
{
    const int64_t idle = 1000, t0 = 5000000;
    CHECK(web_auth_new(2, 0) == NULL); /* a timeout is required */
    web_auth_t *auth = web_auth_new(2, idle);
    CHECK(auth != NULL);
    if (!auth)
        return;
    char tok[WEB_SECRET_HEX], a[WEB_SECRET_HEX], b[WEB_SECRET_HEX];
    web_auth_token(auth, tok);
    CHECK(web_auth_exchange_at(auth, tok, 64, a, t0) == 0);
    web_auth_token(auth, tok);
    CHECK(web_auth_exchange_at(auth, tok, 64, b, t0) == 0);
    /* a is used every 900 ms for 10 s: alive throughout */
    for (int64_t t = t0 + 900; t <= t0 + 10000; t += 900)
        CHECK(web_auth_check_at(auth, a, 64, t));
    /* b, unused since t0, is over, and stays over */
    CHECK(!web_auth_check_at(auth, b, 64, t0 + 10000));
    CHECK(!web_auth_check_at(auth, b, 64, t0 + 10001));
    CHECK(web_auth_sessions(auth) == 1);
    /* exactly idle_ms after its last use is still in time; one more is not */
    int64_t last = t0 + 9900;
    CHECK(web_auth_check_at(auth, a, 64, last + idle));
    CHECK(!web_auth_check_at(auth, a, 64, last + 2 * idle + 1));
    CHECK(web_auth_sessions(auth) == 0);
    /* a clock that goes back does not extend a session */
    web_auth_token(auth, tok);
    CHECK(web_auth_exchange_at(auth, tok, 64, a, t0) == 0);
    CHECK(web_auth_check_at(auth, a, 64, t0 - 500));
    CHECK(!web_auth_check_at(auth, a, 64, t0 + idle + 1));
    web_auth_destroy(&auth);
}

int
main(void)
{
    RUN(host_is_this_console_only);
    RUN(origin_is_this_console_over_http);
    RUN(fetch_site_allows_this_origin_and_the_user_only);
    RUN(cookie_values_are_found_by_exact_name);
    RUN(hex_secrets_are_exactly_64_digits);
    RUN(asset_paths_are_plain_names);
    RUN(form_errors_name_their_field);
    RUN(token_opens_one_session_once);
    RUN(oldest_session_gives_way_when_full);
    RUN(an_idle_session_ends_and_a_used_one_lives_on);
    return CHECK_DONE();
}
