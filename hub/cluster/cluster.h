/*
 * cluster: three (or five) hubs kept in agreement through etcd.
 *
 * With a [cluster] section, `enlace-hub run` runs one node of a cluster.
 * Every node has its own SQLite archive; they agree through etcd (its v3
 * JSON gateway, etcd.h) on who leads and on every batch committed. There is
 * no consensus code here: etcd is the consensus.
 *
 * Keys, under /enlace/NAME/ (NAME: [cluster] name):
 *   leader        {"node", "client"} under the leader's lease; its
 *                 create_revision is the leader's term
 *   log/INDEX     one entry per committed batch (entry.h), INDEX 20 digits
 *   nodes/NODE    {"applied", "client", "state", "ms"}: each node's report
 *
 * Leading (leader.c): a node whose archive holds the whole log campaigns
 * when no leader key exists, with a transaction that creates the key under
 * a fresh lease only if it does not exist; it keeps the lease alive, and
 * steps down (stops serving, tells its sessions ERR_NOT_LEADER) when the
 * lease may have lapsed, when etcd refuses or does not answer a write, or
 * when its own commit fails.
 *
 * Replicating (replog.c, at the hub's one commit point): the leader's group
 * transaction is recorded as an SQLite changeset (hub/archive/replica.c),
 * every table but the node's bookkeeping and the full-text index, whose
 * texts travel beside it; before COMMIT it becomes entry N+1, written by a
 * transaction whose
 * compares are: the leader key's create_revision is still ours (fencing: a
 * deposed leader that wakes up cannot write) and log/N+1 does not exist
 * (the index is free). Only when etcd has committed it (a majority, on
 * disk) does the leader COMMIT, with N+1 as its applied index in the same
 * transaction, and only then are the replies ("stored") sent. If etcd
 * refuses or does not answer, the transaction is rolled back, every reply
 * says nothing was stored, and the leader steps down.
 *
 * Following (apply.c, node.c): the others poll the log and apply each entry
 * in order, each in one transaction with its index; an entry is applied
 * only if it is signed with the cluster's hub key (every node shares one
 * hub identity), is the next index, was made under this schema, and the
 * archive's ledger head is the one the entry started from; after applying,
 * the head must be the one the entry ended with. Every node therefore has
 * the same ledger head at the same index. A follower answers every request
 * with ERR_NOT_LEADER naming the leader (redirect.c; never itself: a key
 * left from a term a node lost is deleted by that node, leader.c). A new
 * leader first applies every entry etcd holds, then serves.
 *
 * The log stays bounded: the leader deletes entries every registered node
 * has applied (and, past a maximum, entries a lagging node has not: it
 * must then be restored from a peer's backup) and compacts etcd.
 */
#ifndef ENLACE_CLUSTER_H
#define ENLACE_CLUSTER_H

#include <signal.h>
#include <stdio.h>

#include "hub.h"

/* Runs this hub as a node of the cluster in cfg->cluster until *stop.
 * 0 on a clean stop, non-zero if it could not start. */
int cluster_run(const hub_config_t *cfg, volatile sig_atomic_t *stop);

/* `enlace-hub cluster status DATA [--json]`: the leader, each node's
 * applied index and lag, etcd's health, as the running node last wrote
 * them into DATA/status.json. Exit status as `status`. */
int cluster_cmd(int argc, char **argv);

/* For the commands that would write the archive behind the cluster's log
 * (offline administration, init, export, holiday, zone, archive-key): 1 if
 * the archive at path is a cluster node's (a message saying what to do
 * instead is printed to errs), 0 if not, -1 if it cannot be read
 * (printed). */
int cluster_refuse_offline(const char *archive_path, const char *what, FILE *errs);
/* 1 if the archive file at path is a cluster node's (its cluster's name in
 * name), 0 if not, -1 if it cannot be read. */
int cluster_archive_member(const char *archive_path, char *name, size_t cap);

/* Prints the "cluster" object of a status report (text) to out. */
void cluster_print_status(FILE *out, void *cluster_json);
/* The same as Prometheus metrics. */
void cluster_print_prometheus(FILE *out, void *cluster_json);

#endif
