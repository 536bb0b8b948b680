/*
 * passphrase: obtain a key passphrase without echo, or from a file.
 *
 * Order: the file named by ENLACE_PASSPHRASE_FILE (first line), else the
 * controlling terminal with echo off. The result is written into `buf`
 * (caller-owned, ideally sodium_malloc memory) and must be wiped by the caller.
 */
#ifndef ENLACE_PASSPHRASE_H
#define ENLACE_PASSPHRASE_H

#include <stddef.h>

/* Returns 0 and a NUL-terminated passphrase in buf, or -1 with a reason in
 * err (no terminal and no ENLACE_PASSPHRASE_FILE, read error, mismatch when
 * confirming, empty passphrase). */
int passphrase_read(const char *prompt, int confirm, char *buf, size_t cap, char *err,
    size_t errlen);

#endif
