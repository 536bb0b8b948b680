/*
 * enlace-bench: the hand-run benchmark. Parses options, finds the binaries
 * next to itself in the build directory, runs the scenarios and prints the
 * table: per row the median over --runs runs and the spread (min-max).
 *
 *   enlace-bench [--runs N] [--quick] [--only NAME] [--fill N] [--count N] [--keep]
 *
 * Not a CI test: it takes minutes and its figures depend on the machine.
 */
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

#include "keys.h"

#define MAX_ROWS 128 /* a full run with --rates of 8 and --fill stays under */
#define MAX_NOTES 32
#define MAX_PAIRS 8
#define NOTE_LEN 800 /* a note's bytes, the rest cut */

typedef struct {
    char name[112]; /* row label */
    char unit[16];
    char text[64];            /* for a text row (unit "text") */
    double v[BENCH_MAX_RUNS]; /* one per run; NaN: failed */
    int n;
} row_t;

typedef struct {
    char label[48];   /* what is compared, short */
    char row[112];    /* enlace's row */
    char anchor[112]; /* the anchor's row */
} pair_t;

/* The result table. Written by the main thread only (scenarios record after
 * joining their workers). */
static struct {
    row_t rows[MAX_ROWS];
    int nrows;
    char notes[MAX_NOTES][NOTE_LEN];
    int nnotes;
    pair_t pairs[MAX_PAIRS];
    int npairs;
} s_table;

void
bench_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void
bench_record(const char *name, const char *unit, double value)
{
    row_t *r = NULL;
    for (int i = 0; i < s_table.nrows; i++)
        if (!strcmp(s_table.rows[i].name, name))
            r = &s_table.rows[i];
    if (!r) {
        if (s_table.nrows == MAX_ROWS)
            return;
        r = &s_table.rows[s_table.nrows++];
        snprintf(r->name, sizeof r->name, "%s", name);
        snprintf(r->unit, sizeof r->unit, "%s", unit);
    }
    if (r->n < BENCH_MAX_RUNS)
        r->v[r->n++] = value;
    if (isnan(value))
        fprintf(stderr, "  %-62s  FAILED\n", name);
    else
        fprintf(stderr, "  %-62s %12.1f %s\n", name, value, unit);
}

void
bench_text(const char *name, const char *text)
{
    for (int i = 0; i < s_table.nrows; i++)
        if (!strcmp(s_table.rows[i].name, name))
            return;
    if (s_table.nrows == MAX_ROWS)
        return;
    row_t *r = &s_table.rows[s_table.nrows++];
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "text");
    snprintf(r->text, sizeof r->text, "%s", text);
    fprintf(stderr, "  %-62s  %s\n", name, text);
}

void
bench_note(const char *fmt, ...)
{
    char text[NOTE_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (int i = 0; i < s_table.nnotes; i++)
        if (!strcmp(s_table.notes[i], text))
            return;
    if (s_table.nnotes < MAX_NOTES)
        snprintf(s_table.notes[s_table.nnotes++], sizeof s_table.notes[0], "%s", text);
}

void
bench_pair(const char *label, const char *row, const char *anchor_row)
{
    for (int i = 0; i < s_table.npairs; i++)
        if (!strcmp(s_table.pairs[i].row, row) && !strcmp(s_table.pairs[i].anchor, anchor_row))
            return;
    if (s_table.npairs == MAX_PAIRS)
        return;
    pair_t *p = &s_table.pairs[s_table.npairs++];
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->row, sizeof p->row, "%s", row);
    snprintf(p->anchor, sizeof p->anchor, "%s", anchor_row);
}

static int
s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 12345.6 -> "12,346"; small values keep one or two decimals. */
static void
s_fmt(double v, char *out, size_t cap)
{
    if (isnan(v)) {
        snprintf(out, cap, "-");
        return;
    }
    if (fabs(v) < 10) {
        snprintf(out, cap, "%.2f", v);
        return;
    }
    if (fabs(v) < 1000) {
        snprintf(out, cap, "%.1f", v);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        out[o++] = digits[i];
        size_t left = len - i - 1;
        if (left && left % 3 == 0 && digits[i] != '-')
            out[o++] = ',';
    }
    out[o] = '\0';
}

static row_t *
s_row_find(const char *name)
{
    for (int i = 0; i < s_table.nrows; i++)
        if (!strcmp(s_table.rows[i].name, name))
            return &s_table.rows[i];
    return NULL;
}

/* Median and spread of a row's successful runs; returns how many there
 * were (0: no figure). */
static int
s_row_stats(const row_t *r, double *med, double *lo, double *hi)
{
    double ok[BENCH_MAX_RUNS];
    int nok = 0;
    for (int k = 0; k < r->n; k++)
        if (!isnan(r->v[k]))
            ok[nok++] = r->v[k];
    if (nok == 0)
        return 0;
    qsort(ok, (size_t)nok, sizeof ok[0], s_cmp_double);
    *med = nok % 2 ? ok[nok / 2] : (ok[nok / 2 - 1] + ok[nok / 2]) / 2;
    *lo = ok[0];
    *hi = ok[nok - 1];
    return nok;
}

/* "12,346 (11,000 - 13,001)", or the row's text, or why there is none. */
static void
s_fmt_cell(const row_t *r, char *out, size_t cap)
{
    double med, lo, hi;
    if (!r) {
        snprintf(out, cap, "not run");
    } else if (!strcmp(r->unit, "text")) {
        snprintf(out, cap, "%s", r->text);
    } else if (!s_row_stats(r, &med, &lo, &hi)) {
        snprintf(out, cap, "FAILED");
    } else {
        char m[32], a[32], b[32];
        s_fmt(med, m, sizeof m);
        s_fmt(lo, a, sizeof a);
        s_fmt(hi, b, sizeof b);
        snprintf(out, cap, "%s (%s - %s)", m, a, b);
    }
}

/* The side-by-side section: each row beside the one it is compared with
 * (Mosquitto for the anchor, the hub alone for the cluster, ...), with the
 * ratio of the medians. */
static void
s_print_pairs(void)
{
    if (!s_table.npairs)
        return;
    printf("\nside by side (median (min - max); ratio = the row's median / the compared "
           "row's median; rounds interleaved):\n");
    printf("%-38s %-30s %-30s %8s  %s\n", "pair", "row", "compared with", "ratio", "unit");
    printf("%-38s %-30s %-30s %8s  %s\n", "----", "---", "-------------", "-----", "----");
    for (int i = 0; i < s_table.npairs; i++) {
        const pair_t *p = &s_table.pairs[i];
        row_t *e = s_row_find(p->row), *a = s_row_find(p->anchor);
        char ec[64], ac[64], ratio[32] = "-";
        s_fmt_cell(e, ec, sizeof ec);
        s_fmt_cell(a, ac, sizeof ac);
        double em, el, eh, am, al, ah;
        if (e && a && s_row_stats(e, &em, &el, &eh) && s_row_stats(a, &am, &al, &ah) && am > 0)
            snprintf(ratio, sizeof ratio, "%.2fx", em / am);
        printf("%-38s %-30s %-30s %8s  %s\n", p->label, ec, ac, ratio, e ? e->unit : "");
    }
    printf("rows compared:\n");
    for (int i = 0; i < s_table.npairs; i++)
        printf("  %s: \"%s\" / \"%s\"\n", s_table.pairs[i].label, s_table.pairs[i].row,
            s_table.pairs[i].anchor);
}

static void
s_print_table(void)
{
    printf("%-64s %12s   %-23s %-8s %s\n", "scenario", "median", "spread (min - max)", "unit",
        "runs");
    printf("%-64s %12s   %-23s %-8s %s\n", "--------", "------", "------------------", "----",
        "----");
    for (int i = 0; i < s_table.nrows; i++) {
        row_t *r = &s_table.rows[i];
        if (!strcmp(r->unit, "text")) {
            printf("%-64s %12s\n", r->name, r->text);
            continue;
        }
        double med, lo, hi;
        int nok = s_row_stats(r, &med, &lo, &hi);
        if (nok == 0) {
            printf("%-64s %12s   %-23s %-8s 0/%d\n", r->name, "FAILED", "", r->unit, r->n);
            continue;
        }
        char m[32], a[32], b[32], spread[64];
        s_fmt(med, m, sizeof m);
        s_fmt(lo, a, sizeof a);
        s_fmt(hi, b, sizeof b);
        snprintf(spread, sizeof spread, "%s - %s", a, b);
        printf("%-64s %12s   %-23s %-8s %d/%d\n", r->name, m, spread, r->unit, nok, r->n);
    }
    s_print_pairs();
    if (s_table.nnotes) {
        printf("\nnotes:\n");
        for (int i = 0; i < s_table.nnotes; i++)
            printf("  - %s\n", s_table.notes[i]);
    }
}

/* ---------------------------------------------------------------- set-up */

/* Points ENLACE_*_BIN at the build directory this executable lives in
 * (<builddir>/tests/bench/enlace-bench) unless they are set already. */
static void
s_find_binaries(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
    static const struct {
        const char *var, *rel;
    } bins[] = {{"ENLACE_HUB_BIN", "hub/enlace-hub"}, {"ENLACE_KEYGEN_BIN", "keys/enlace-keygen"},
        {"ENLACE_CLI_BIN", "client/enlace"}};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        if (getenv(bins[i].var))
            continue;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", exe, bins[i].rel);
        setenv(bins[i].var, path, 0);
    }
    if (access(getenv("ENLACE_HUB_BIN"), X_OK) != 0) {
        fprintf(stderr, "enlace-bench: no hub at %s: build it, or set ENLACE_HUB_BIN\n",
            getenv("ENLACE_HUB_BIN"));
        exit(2);
    }
}

static void
s_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Busy and total jiffies of all CPUs from /proc/stat. */
static void
s_cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[8] = {0};
    *busy = *total = 0;
    FILE *fp = fopen("/proc/stat", "r");
    if (!fp)
        return;
    if (fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
            &v[5], &v[6], &v[7])
        == 8) {
        for (int i = 0; i < 8; i++)
            *total += v[i];
        *busy = *total - v[3] - v[4]; /* minus idle and iowait */
    }
    fclose(fp);
}

/* What the rest of the machine is doing: the share of all CPUs busy over one
 * second, and the load average. Other people's work on a shared machine
 * moves every figure below. */
static void
s_print_load(const char *when)
{
    unsigned long long b0, t0, b1, t1;
    s_cpu_jiffies(&b0, &t0);
    sleep(1);
    s_cpu_jiffies(&b1, &t1);
    char load[128] = "?";
    FILE *fp = fopen("/proc/loadavg", "r");
    if (fp) {
        if (!fgets(load, sizeof load, fp))
            snprintf(load, sizeof load, "?");
        fclose(fp);
        load[strcspn(load, "\n")] = '\0';
    }
    double busy = t1 > t0 ? 100.0 * (double)(b1 - b0) / (double)(t1 - t0) : 0;
    printf("load %s: %.0f%% of all CPUs busy over 1 s (without the benchmark running), "
           "loadavg %s\n",
        when, busy, load);
}

/* CPU seconds used by this process and its waited-for children (the hubs). */
static double
s_own_cpu(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double t = 0;
    struct timeval tv[4] = {self.ru_utime, self.ru_stime, kids.ru_utime, kids.ru_stime};
    for (int i = 0; i < 4; i++)
        t += (double)tv[i].tv_sec + (double)tv[i].tv_usec / 1e6;
    return t;
}

static void
s_print_header(int argc, char **argv, const bench_opts_t *o)
{
    printf("command:");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    char model[256] = "unknown";
    FILE *fp = fopen("/proc/cpuinfo", "r");
    if (fp) {
        char line[512];
        while (fgets(line, sizeof line, fp))
            if (!strncmp(line, "model name", 10)) {
                char *colon = strchr(line, ':');
                if (colon) {
                    snprintf(model, sizeof model, "%s", colon + 2);
                    model[strcspn(model, "\n")] = '\0';
                }
                break;
            }
        fclose(fp);
    }
    long mem_kib = 0;
    fp = fopen("/proc/meminfo", "r");
    if (fp) {
        if (fscanf(fp, "MemTotal: %ld kB", &mem_kib) != 1)
            mem_kib = 0;
        fclose(fp);
    }
    struct utsname u;
    uname(&u);
    int zmaj, zmin, zpat;
    zmq_version(&zmaj, &zmin, &zpat);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("machine: nproc %ld, %s, %.1f GiB RAM, %s %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), model,
        (double)mem_kib / (1024.0 * 1024.0), u.sysname, u.release, u.machine);
    printf("libraries: libzmq %d.%d.%d, libsodium %s, SQLite %s; RLIMIT_NOFILE %llu\n", zmaj, zmin,
        zpat, sodium_version_string(), sqlite3_libversion(), (unsigned long long)rl.rlim_cur);
    printf("hub: %s (defaults: --sync normal, window 256); all security on (CURVE + ZAP, "
           "Ed25519 verified by the hub, commit before Stored)\n",
        getenv("ENLACE_HUB_BIN"));
    const char *wrapper = getenv("ENLACE_HUB_WRAPPER");
    if (wrapper && wrapper[0])
        printf("hub wrapper: %s (every wait for the hub %dx longer; rates are the wrapper's)\n",
            wrapper, bench_timeout_scale());
    s_print_load("before");
    printf("runs: %d per row (median, spread = min - max)%s%s%s\n\n", o->runs,
        o->quick ? "; --quick counts" : "", o->only ? "; only " : "", o->only ? o->only : "");
    fflush(stdout);
}

static void
s_usage(FILE *out)
{
    fprintf(out,
        "usage: enlace-bench [--runs N] [--quick] [--only NAME] [--rates R,..] [--fill N]\n"
        "                    [--count N] [--keep]\n"
        "\n"
        "  --runs N     runs per row (default 3, at most %d)\n"
        "  --quick      small counts: a smoke check in under a minute\n"
        "  --only NAME  one scenario: ingest, fanout, latency, scale, archive, cpu,\n"
        "               anchor (enlace beside Mosquitto, rounds interleaved), sealed\n"
        "               (what sealing costs), cluster (three hubs and three etcd\n"
        "               members beside the hub alone), or\n"
        "               ingest1k (only when named: the profile's workload, one\n"
        "               publisher, 1 KiB; see contrib/bench/callgrind-hub.sh)\n"
        "  --rates R,.. latency: publish rates in messages/s (default 1000,5000)\n"
        "  --fill N     archive: bulk-insert N signed messages (SQLite) before the hub\n"
        "               starts, then measure replay on top of them\n"
        "  --count N    ingest1k: messages per run (default as ingest's)\n"
        "  --keep       keep the hubs' data directories (printed on stderr)\n"
        "\n"
        "Binaries: ENLACE_HUB_BIN and ENLACE_KEYGEN_BIN, by default the build\n"
        "directory this program is in. ENLACE_HUB_WRAPPER: a command prefix the hub\n"
        "runs under (e.g. valgrind); waits for the hub are then %dx longer.\n"
        "ENLACE_BENCH_MARK: a command run as '<command> ingest-start|ingest-end PID'\n"
        "around each ingest's publishing.\n",
        BENCH_MAX_RUNS, BENCH_WRAPPED_SLOWDOWN);
}

int
main(int argc, char **argv)
{
    bench_opts_t o = {.runs = 3, .rates = {1000, 5000}, .nrates = 2};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            s_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--quick")) {
            o.quick = 1;
        } else if (!strcmp(a, "--keep")) {
            o.keep = 1;
        } else if (!strcmp(a, "--runs") && v) {
            o.runs = atoi(v);
            i++;
        } else if (!strcmp(a, "--only") && v) {
            o.only = v;
            i++;
        } else if (!strcmp(a, "--rates") && v) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", v);
            o.nrates = 0;
            for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && o.nrates < 8;
                 t = strtok_r(NULL, ",", &save))
                if ((o.rates[o.nrates++] = atoi(t)) <= 0) {
                    s_usage(stderr);
                    return 2;
                }
            i++;
        } else if (!strcmp(a, "--fill") && v) {
            o.fill = atol(v);
            i++;
        } else if (!strcmp(a, "--count") && v) {
            o.count = atol(v);
            i++;
        } else {
            s_usage(stderr);
            return 2;
        }
    }
    if (o.runs < 1 || o.runs > BENCH_MAX_RUNS || o.fill < 0 || o.count < 0) {
        s_usage(stderr);
        return 2;
    }
    /* named_only: not part of a full run, only of --only NAME */
    static const struct {
        const char *name;
        void (*fn)(const bench_opts_t *);
        int named_only;
    } scenarios[] = {{"ingest", scenario_ingest, 0}, {"fanout", scenario_fanout, 0},
        {"latency", scenario_latency, 0}, {"scale", scenario_scale, 0},
        {"archive", scenario_archive, 0}, {"cpu", scenario_cpu, 0}, {"anchor", scenario_anchor, 0},
        {"sealed", scenario_sealed, 0}, {"cluster", scenario_cluster, 0},
        {"ingest1k", scenario_ingest1k, 1}};
    const size_t nscen = sizeof scenarios / sizeof scenarios[0];
    if (o.only) {
        size_t k = 0;
        while (k < nscen && strcmp(scenarios[k].name, o.only) != 0)
            k++;
        if (k == nscen) {
            fprintf(stderr, "enlace-bench: unknown scenario '%s'\n", o.only);
            s_usage(stderr);
            return 2;
        }
    }
    if (keys_init() != 0) {
        fprintf(stderr, "enlace-bench: libsodium failed to initialise\n");
        return 2;
    }
    s_find_binaries();
    s_raise_fd_limit();
    if (o.keep)
        setenv("ENLACE_KEEP_TEST_DIRS", "1", 1);
    s_print_header(argc, argv, &o);
    int64_t t0 = bench_now_ns();
    for (size_t k = 0; k < nscen; k++) {
        if (o.only ? strcmp(scenarios[k].name, o.only) != 0 : scenarios[k].named_only)
            continue;
        fprintf(stderr, "== %s\n", scenarios[k].name);
        int64_t ts = bench_now_ns();
        unsigned long long b0, j0, b1, j1;
        s_cpu_jiffies(&b0, &j0);
        double own0 = s_own_cpu();
        scenarios[k].fn(&o);
        s_cpu_jiffies(&b1, &j1);
        double secs = (double)(bench_now_ns() - ts) / 1e9;
        /* Everything busy minus what we and our hubs used: other people's work. */
        double busy = (double)(b1 - b0) / (double)sysconf(_SC_CLK_TCK);
        double others = busy - (s_own_cpu() - own0);
        double ncpu = (double)sysconf(_SC_NPROCESSORS_ONLN);
        if (others < 0)
            others = 0;
        fprintf(stderr, "== %s took %.1f s\n", scenarios[k].name, secs);
        bench_note("%s: %.0f s; other processes on the machine used %.0f%% of its %.0f CPUs "
                   "meanwhile",
            scenarios[k].name, secs, 100.0 * others / (secs * ncpu), ncpu);
    }
    s_print_table();
    printf("\ntotal time: %.1f s\n", (double)(bench_now_ns() - t0) / 1e9);
    s_print_load("after");
    return 0;
}
