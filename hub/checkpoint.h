/*
 * checkpoint: copies the archive's write-ahead log back into the database
 * file from a thread of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its
 * threshold, on the hub's one thread, and with synchronous=NORMAL or FULL it
 * ends with an fsync of the database: every few hundred messages, one batch
 * of "stored" replies and deliveries waited several milliseconds for it (the
 * benchmark's p99 latency at 1,000 msg/s). Here a PASSIVE checkpoint runs
 * every interval on a separate connection; it never blocks the writer, which
 * keeps a much higher automatic threshold only as a bound on the log's size
 * should this thread fall behind (archive_wal_autocheckpoint).
 */
#ifndef ENLACE_CHECKPOINT_H
#define ENLACE_CHECKPOINT_H

#include <stddef.h>

#include "archive.h"

typedef struct checkpointer checkpointer_t;

/* Starts the thread on the archive file at path (which exists, in WAL
 * mode), checkpointing every interval_ms with the given synchronous level.
 * NULL with the reason in err if the file cannot be opened or the thread
 * started. */
checkpointer_t *checkpointer_start(const char *path, int interval_ms, archive_sync_t sync,
    char *err, size_t errlen);

/* Checkpoints run so far that copied at least one page. */
unsigned long checkpointer_runs(checkpointer_t *self);

/* Stops and joins the thread, closes its connection. Accepts NULL. */
void checkpointer_stop(checkpointer_t **self_p);

#endif
