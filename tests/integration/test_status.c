/*
 * test_status: `enlace-hub status DATA [--json | --prometheus]` against a real
 * hub. Two officers connected show up per country and network, a stored
 * message per network, an open alert; the JSON parses (python3), the
 * Prometheus text passes prom_check.py; status.json is 0640; SIGHUP reloads
 * the directory and the hub keeps serving; a stopped or killed hub is
 * reported as not running (exit 3).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static hub_t hub;
static officer_t mx, gt;

static const char *
s_hub_bin(void)
{
    return getenv("ENLACE_HUB_BIN");
}

/* Waits up to 8 s for `status --json` to satisfy the python expression
 * (d is the parsed report). Returns 1 if it did. */
static int
s_status_until(const char *expr_in)
{
    /* The expression's quotes become double ones: it goes inside '...'. */
    char expr[1024];
    snprintf(expr, sizeof expr, "%s", expr_in);
    for (char *q = expr; *q; q++)
        if (*q == '\'')
            *q = '"';
    for (int i = 0; i < 40; i++) {
        if (harness_sh("%s status %s/data --json 2>/dev/null | python3 -c "
                       "'import json,sys; d=json.load(sys.stdin); sys.exit(0 if (%s) else 1)'",
                s_hub_bin(), hub.dir, expr)
            == 0)
            return 1;
        usleep(200000);
    }
    fprintf(stderr, "  status never satisfied: %s; last report:\n", expr);
    harness_sh("%s status %s/data --json >&2", s_hub_bin(), hub.dir);
    return 0;
}

/* Runs `status --prometheus` through prom_check.py with the given checks;
 * returns the command's exit status and check's, as "status/check". */
static int
s_prometheus(int want_status, const char *checks)
{
    char out[2048];
    int rc = harness_capture(out, sizeof out,
        "%s status %s/data --prometheus > %s/metrics.prom; echo $?", s_hub_bin(), hub.dir, hub.dir);
    int status = rc == 0 ? atoi(out) : -1;
    rc = harness_capture(out, sizeof out,
        "python3 %s/tests/integration/prom_check.py %s < %s/metrics.prom 2>&1",
        getenv("ENLACE_SOURCE_ROOT"), checks, hub.dir);
    fprintf(stderr, "  status --prometheus -> %d; %s", status, out);
    if (rc != 0 || status != want_status)
        harness_sh("cat %s/metrics.prom >&2", hub.dir);
    return rc == 0 && status == want_status;
}

static void
shows_connected_officers_and_stored_messages(void)
{
    int rc;
    char why[512];
    enlace_client_t *a = client_connect(&hub, &mx, &rc, why, sizeof why);
    enlace_client_t *b = client_connect(&hub, &gt, &rc, why, sizeof why);
    CHECK(a && b);
    if (!a || !b) {
        fprintf(stderr, "  connect: %s\n", why);
        enlace_close(&a);
        enlace_close(&b);
        return;
    }
    CHECK_RC(enlace_publish(a, "consular/death/MX", "status test", 11, NULL, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(b, "crm/announce", "hola", 4, NULL, NULL), ENLACE_OK);
    CHECK_RC(enlace_publish(b, "consular/x", "y", 1, NULL, NULL), ENLACE_OK);

    CHECK(s_status_until("d['running'] and d['hub']['sessions'] == 2"
                         " and d['hub']['officers_connected'] == 2"
                         " and d['hub']['connected']['by_country'] == {'MX': 1, 'GT': 1}"
                         " and d['hub']['connected']['by_network'] == {'consular': 2, 'crm': 2}"
                         " and d['hub']['this_run']['stored'] == 3"
                         " and d['hub']['pid'] > 0 and d['hub']['uptime_s'] >= 0"
                         " and d['hub']['queues']['inflight'] >= 0"
                         " and d['hub']['queues']['blocked_sessions'] == 0"
                         " and d['messages_by_network'] == {'consular': 2, 'crm': 1}"
                         " and d['messages_total'] == 3 and d['archive']['last_seq'] == 3"
                         " and d['archive']['bytes'] > 0"
                         " and d['alerts'] == {'open': 0, 'overdue_acknowledgements': 0}"));

    /* The text form, and its exit status. */
    char out[4096];
    rc = harness_capture(out, sizeof out, "%s status %s/data", s_hub_bin(), hub.dir);
    CHECK(rc == 0);
    CHECK(strstr(out, "2 officers connected") != NULL);
    CHECK(strstr(out, "connected by network: consular 2, crm 2") != NULL);
    CHECK(strstr(out, "messages by network: consular 2, crm 1") != NULL);
    if (rc != 0 || !strstr(out, "2 officers connected"))
        fprintf(stderr, "  status printed:\n%s", out);
    /* The same figures for Prometheus. */
    CHECK(s_prometheus(0,
        "enlace_up=1 enlace_sessions=2 enlace_officers_connected=2"
        " 'enlace_officers_connected_by_country{country=\"MX\"}=1'"
        " 'enlace_officers_connected_by_country{country=\"GT\"}=1'"
        " 'enlace_officers_connected_by_network{network=\"crm\"}=2'"
        " enlace_messages_stored_total=3 enlace_deliveries_total'>='0"
        " enlace_archive_messages=3 enlace_archive_last_seq=3 enlace_archive_bytes'>='1"
        " 'enlace_archive_messages_by_network{network=\"consular\"}=2'"
        " 'enlace_archive_messages_by_network{network=\"crm\"}=1'"
        " enlace_alerts_open=0 enlace_alert_acknowledgements_overdue=0"
        " enlace_sessions_blocked=0 enlace_uptime_seconds'>='0"));

    /* Officers who leave are no longer counted. */
    enlace_close(&b);
    CHECK(s_status_until("d['hub']['officers_connected'] == 1"
                         " and d['hub']['connected']['by_country'] == {'MX': 1}"));
    enlace_close(&a);
}

static void
counts_open_alerts(void)
{
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &mx, &rc, why, sizeof why);
    CHECK(c != NULL);
    if (!c)
        return;
    const char *cc[] = {"GT"};
    enlace_alert_t a = {.priority = "urgent",
        .category = "death",
        .countries = cc,
        .ncountries = 1,
        .headline = "status test alert"};
    enlace_publish_opts_t o = {.alert = &a};
    rc = enlace_publish(c, "consular/death/MX", "alerta", 6, &o, NULL);
    if (rc != ENLACE_OK)
        fprintf(stderr, "  raise: %s\n", enlace_last_error(c));
    CHECK_RC(rc, ENLACE_OK);
    enlace_close(&c);
    CHECK(s_status_until("d['alerts']['open'] == 1 and d['messages_by_network']['consular'] == 3"));
    char out[4096];
    CMD(0, out, sizeof out, "%s status %s/data", s_hub_bin(), hub.dir);
    CHECK(strstr(out, "alerts: 1 open") != NULL);
    CHECK(s_prometheus(0, "enlace_alerts_open=1"));
}

static void
status_file_is_private_to_the_hubs_group(void)
{
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/data/status.json", hub.dir);
    CHECK(stat(path, &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    /* The file holds counts only: no key fingerprints or bodies. */
    CHECK(harness_sh("grep -q -e '%s' -e 'status test' %s", mx.fingerprint, path) == 1);
}

static void
sighup_reloads_the_directory_and_keeps_serving(void)
{
    CHECK(kill(hub.pid, SIGHUP) == 0);
    int found = 0;
    for (int i = 0; i < 40 && !found; i++) {
        found = harness_sh("grep -q 'SIGHUP: reloading the directory' %s", hub.log) == 0
            && harness_sh("grep -q 'directory reloaded' %s", hub.log) == 0;
        if (!found)
            usleep(100000);
    }
    CHECK(found);
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &gt, &rc, why, sizeof why);
    CHECK(c != NULL);
    if (c)
        CHECK_RC(enlace_publish(c, "consular/after-hup", "z", 1, NULL, NULL), ENLACE_OK);
    enlace_close(&c);
    CHECK(s_status_until("d['running'] and d['messages_total'] == 5"));
}

static void
stopped_hub_is_not_running(void)
{
    hub_stop(&hub);
    char out[4096];
    int rc = harness_capture(out, sizeof out, "%s status %s/data", s_hub_bin(), hub.dir);
    CHECK(rc == 3);
    CHECK(strncmp(out, "hub not running", 15) == 0);
    CHECK(strstr(out, "messages by network: consular 4, crm 1") != NULL);
    /* --json exits 3 too, with the report on stdout. */
    CMD(3, NULL, 0, "%s status %s/data --json > %s/down.json", s_hub_bin(), hub.dir, hub.dir);
    CMD(0, NULL, 0,
        "python3 -c 'import json,sys; "
        "d=json.load(sys.stdin); assert not d[\"running\"] and \"reason\" in d "
        "and d[\"messages_total\"] == 5' < %s/down.json 2>&1",
        hub.dir);
    /* Down: enlace_up 0 and the archive's figures, none of the hub's. */
    CHECK(s_prometheus(3,
        "enlace_up=0 enlace_archive_messages=5"
        " 'enlace_archive_messages_by_network{network=\"consular\"}=4'"
        " !enlace_sessions !enlace_officers_connected_by_country"
        " !enlace_messages_stored_total"));
}

static void
killed_hub_is_not_running(void)
{
    hub_start(&hub);
    CHECK(s_status_until("d['running']"));
    hub_kill(&hub);
    char out[4096];
    int rc = harness_capture(out, sizeof out, "%s status %s/data 2>&1", s_hub_bin(), hub.dir);
    CHECK(rc == 3);
    CHECK(strstr(out, "hub not running: process") != NULL);
    CHECK(strstr(out, "is gone") != NULL);
}

static void
status_needs_an_archive(void)
{
    char out[1024];
    int rc = harness_capture(out, sizeof out, "%s status %s/nowhere 2>&1", s_hub_bin(), hub.dir);
    CHECK(rc == 1);
    CHECK(strstr(out, "has no archive") != NULL);
    CHECK(harness_sh("%s status >/dev/null 2>&1", s_hub_bin()) == 2);
}

int
main(void)
{
    hub_init(&hub);
    officer_new(&hub, &mx, "mx", "--country MX --network consular,crm --role focal");
    officer_new(&hub, &gt, "gt", "--country GT --network consular,crm --role officer");
    hub_start(&hub);
    harness_run("shows_connected_officers_and_stored_messages",
        shows_connected_officers_and_stored_messages);
    harness_run("counts_open_alerts", counts_open_alerts);
    harness_run("status_file_is_private_to_the_hubs_group",
        status_file_is_private_to_the_hubs_group);
    harness_run("sighup_reloads_the_directory_and_keeps_serving",
        sighup_reloads_the_directory_and_keeps_serving);
    harness_run("stopped_hub_is_not_running", stopped_hub_is_not_running);
    harness_run("killed_hub_is_not_running", killed_hub_is_not_running);
    harness_run("status_needs_an_archive", status_needs_an_archive);
    hub_cleanup(&hub);
    return harness_finish();
}
