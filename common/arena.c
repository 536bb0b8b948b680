/*
 * arena.c: see arena.h.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 4096

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *
arena_alloc(arena_t *self, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    struct arena_block *b = self->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = self->head;
        self->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *
arena_strdup(arena_t *self, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(self, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void
arena_free(arena_t *self)
{
    for (struct arena_block *b = self->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    self->head = NULL;
}
