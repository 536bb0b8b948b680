/*
 * sigcheck.c: a small fixed pool. Each run is a generation: the caller
 * publishes the jobs and bumps the generation, workers and caller take job
 * indices from one atomic counter, and the caller waits until every worker
 * has finished with that generation.
 */
#include "sigcheck.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "keys.h"

struct sigcheck {
    pthread_t *threads; /* owned */
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a new generation, or stop */
    pthread_cond_t done; /* a worker finished its share */
    uint64_t generation; /* bumped by each run */
    int finished;        /* workers done with the current generation */
    int stop;
    sigcheck_job_t *jobs; /* the current run's jobs; not owned */
    size_t njobs;
    atomic_size_t next; /* next job index to take */
};

static void
s_work(sigcheck_t *self)
{
    size_t i;
    while ((i = atomic_fetch_add(&self->next, 1)) < self->njobs) {
        sigcheck_job_t *j = &self->jobs[i];
        j->ok = (j->raw ? keys_verify_bytes(j->pk, j->msg, j->len, j->sig)
                        : keys_verify_content(j->pk, j->msg, j->len, j->sig))
            == 0;
    }
}

static void *
s_worker(void *arg)
{
    sigcheck_t *self = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&self->lock);
    for (;;) {
        while (self->generation == seen && !self->stop)
            pthread_cond_wait(&self->work, &self->lock);
        if (self->stop)
            break;
        seen = self->generation;
        pthread_mutex_unlock(&self->lock);
        s_work(self);
        pthread_mutex_lock(&self->lock);
        self->finished++;
        pthread_cond_signal(&self->done);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

sigcheck_t *
sigcheck_new(int threads)
{
    sigcheck_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->work, NULL);
    pthread_cond_init(&self->done, NULL);
    atomic_init(&self->next, 0);
    if (threads > 0) {
        self->threads = calloc((size_t)threads, sizeof *self->threads);
        if (!self->threads) {
            sigcheck_destroy(&self);
            return NULL;
        }
        for (int i = 0; i < threads; i++) {
            if (pthread_create(&self->threads[i], NULL, s_worker, self) != 0)
                break;
            self->nthreads++;
        }
    }
    return self;
}

void
sigcheck_destroy(sigcheck_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sigcheck_t *self = *self_p;
    pthread_mutex_lock(&self->lock);
    self->stop = 1;
    pthread_cond_broadcast(&self->work);
    pthread_mutex_unlock(&self->lock);
    for (int i = 0; i < self->nthreads; i++)
        pthread_join(self->threads[i], NULL);
    free(self->threads);
    pthread_cond_destroy(&self->work);
    pthread_cond_destroy(&self->done);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

void
sigcheck_run(sigcheck_t *self, sigcheck_job_t *jobs, size_t n)
{
    if (n == 0)
        return;
    if (self->nthreads == 0 || n < 2) {
        for (size_t i = 0; i < n; i++)
            jobs[i].ok =
                (jobs[i].raw
                        ? keys_verify_bytes(jobs[i].pk, jobs[i].msg, jobs[i].len, jobs[i].sig)
                        : keys_verify_content(jobs[i].pk, jobs[i].msg, jobs[i].len, jobs[i].sig))
                == 0;
        return;
    }
    pthread_mutex_lock(&self->lock);
    self->jobs = jobs;
    self->njobs = n;
    atomic_store(&self->next, 0);
    self->finished = 0;
    self->generation++;
    pthread_cond_broadcast(&self->work);
    pthread_mutex_unlock(&self->lock);
    s_work(self); /* the caller verifies too */
    pthread_mutex_lock(&self->lock);
    while (self->finished < self->nthreads)
        pthread_cond_wait(&self->done, &self->lock);
    self->jobs = NULL;
    self->njobs = 0;
    pthread_mutex_unlock(&self->lock);
}

int
sigcheck_covered(const Enlace__Publish *p, uint8_t buf[MERKLE_SIGNED_BYTES], const uint8_t **msg,
    size_t *len, int *raw)
{
    if (!p->batch) {
        *msg = p->content.data;
        *len = p->content.len;
        *raw = 0;
        return 0;
    }
    if (merkle_signed_for(p->content.data, p->content.len, p->batch->index, p->batch->size,
            p->batch->path.data, p->batch->path.len, buf)
        != 0)
        return -1;
    *msg = buf;
    *len = MERKLE_SIGNED_BYTES;
    *raw = 1;
    return 0;
}

int
sigcheck_publish(sigcache_t *cache, const uint8_t *pk, const Enlace__Publish *p)
{
    if (p->signature.len != KEYS_SIGNATURE_BYTES)
        return 0;
    if (!p->batch)
        return keys_verify_content(pk, p->content.data, p->content.len, p->signature.data) == 0;
    return sigcache_verify_batched(cache, pk, p->content.data, p->content.len, p->signature.data,
               p->batch->index, p->batch->size, p->batch->path.data, p->batch->path.len)
        == 0;
}
