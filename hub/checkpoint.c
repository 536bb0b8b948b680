/*
 * checkpoint.c: the checkpointing thread of checkpoint.h.
 */
#include "checkpoint.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"

struct checkpointer {
    sqlite3 *db; /* our own connection; owned */
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* stop was asked */
    int stop;            /* under lock */
    unsigned long runs;  /* under lock */
};

static void *
s_loop(void *arg)
{
    checkpointer_t *self = arg;
    pthread_mutex_lock(&self->lock);
    while (!self->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)(self->interval_ms % 1000) * 1000000L;
        until.tv_sec += self->interval_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!self->stop && pthread_cond_timedwait(&self->wake, &self->lock, &until) != ETIMEDOUT)
            ;
        if (self->stop)
            break;
        pthread_mutex_unlock(&self->lock);
        int log_frames = 0, done = 0;
        /* PASSIVE: copies what no reader still needs, waits for nobody. */
        int rc = sqlite3_wal_checkpoint_v2(self->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log_frames,
            &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("archive checkpoint: %s", sqlite3_errmsg(self->db));
        pthread_mutex_lock(&self->lock);
        if (rc == SQLITE_OK && done > 0)
            self->runs++;
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

checkpointer_t *
checkpointer_start(const char *path, int interval_ms, archive_sync_t sync, char *err, size_t errlen)
{
    checkpointer_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "checkpointer: out of memory");
        return NULL;
    }
    self->interval_ms = interval_ms > 0 ? interval_ms : 100;
    if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "checkpointer: %s: %s", path,
            self->db ? sqlite3_errmsg(self->db) : "cannot open");
        sqlite3_close(self->db);
        free(self);
        return NULL;
    }
    /* The checkpoint's own syncs follow the archive's setting. */
    static const char *const sync_sql[] = {"PRAGMA synchronous = OFF",
        "PRAGMA synchronous = NORMAL", "PRAGMA synchronous = FULL"};
    sqlite3_exec(self->db, sync_sql[(unsigned)sync < 3 ? sync : 1], NULL, NULL, NULL);
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->wake, NULL);
    if (pthread_create(&self->thread, NULL, s_loop, self) != 0) {
        snprintf(err, errlen, "checkpointer: cannot start its thread");
        pthread_cond_destroy(&self->wake);
        pthread_mutex_destroy(&self->lock);
        sqlite3_close(self->db);
        free(self);
        return NULL;
    }
    return self;
}

unsigned long
checkpointer_runs(checkpointer_t *self)
{
    pthread_mutex_lock(&self->lock);
    unsigned long n = self->runs;
    pthread_mutex_unlock(&self->lock);
    return n;
}

void
checkpointer_stop(checkpointer_t **self_p)
{
    checkpointer_t *self = *self_p;
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->stop = 1;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->lock);
    sqlite3_close(self->db);
    free(self);
    *self_p = NULL;
}
