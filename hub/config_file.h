/*
 * config_file: the hub's configuration file (INI, read with inih) and the
 * command-line options that override it, both set through config_set() so
 * that a value means the same wherever it is written.
 *
 *   [hub]      bind, data_dir, heartbeat
 *   [limits]   window, max_body, max_subscriptions, request_rate, request_burst,
 *              connections_per_key, idle_timeout
 *   [archive]  sync = off | normal | full
 *   [alerts]   urgent_deadline, flash_deadline
 *   [consult]  round_days, silence = no-answer | no-objection, business_day
 *              (tests only: a fixed-length business day)
 *   [log]      level = error | warning | notice | info | debug
 *   [cluster]  name, node, client, etcd, lease, etcd_timeout (any of them
 *              makes this hub a node of a cluster: hub/cluster/)
 *
 * Durations are a whole number with an optional unit (ms, s, m, h; none
 * means seconds); sizes a whole number of bytes with an optional K or M
 * (KiB, MiB). Unknown sections or keys, bad values and keys given twice are
 * errors. (Named config_file, not config, because "config.h" is the
 * build-generated header with ENLACE_VERSION.)
 */
#ifndef ENLACE_CONFIG_FILE_H
#define ENLACE_CONFIG_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "hub.h"

/* Loads the file at path on top of what cfg already holds (defaults, or an
 * earlier file). Strings are copied into cfg's own buffers. Returns 0, or -1
 * with "PATH:LINE: key: what is wrong" (or "PATH: why it cannot be read") in
 * err; on error cfg may be partly updated. */
int config_load(const char *path, hub_config_t *cfg, char *err, size_t errlen);

/* Sets one option, named as in the file (section "limits", key "window"),
 * from its text. Returns 0, or -1 with the reason (no file or line) in err:
 * -1 also for an unknown section or key. */
int config_set(hub_config_t *cfg, const char *section, const char *key, const char *value,
    char *err, size_t errlen);

/* Checks what one option alone cannot: a [cluster] names this node and
 * etcd, and its batches fit a log entry. 0, or -1 with the reason. Run by
 * config_load, and again once the command line is applied. */
int config_check(const hub_config_t *cfg, char *err, size_t errlen);

/* Writes cfg as a configuration file that config_load reads back. */
void config_print(FILE *out, const hub_config_t *cfg);

#endif
