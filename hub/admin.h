/*
 * admin: offline commands on a data directory (init, officer, audit). Each
 * returns a process exit code and prints a one-line reason on failure.
 */
#ifndef ENLACE_ADMIN_H
#define ENLACE_ADMIN_H

#include <stddef.h>

int admin_init(int argc, char **argv);
int admin_officer(int argc, char **argv);
int admin_audit(int argc, char **argv);

/* Shared by the commands: DATA/archive.db path. */
void admin_archive_path(const char *data, char *out, size_t cap);

#endif
