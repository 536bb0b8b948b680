/*
 * arena: memory for many small objects that live and die together (the
 * views libenlace hands out with a result, an officer list rendered by the
 * hub): allocated one after another in blocks, freed in one call.
 */
#ifndef ENLACE_ARENA_H
#define ENLACE_ARENA_H

#include <stddef.h>

/* An arena; zero-initialise it ({0}) before use. */
typedef struct {
    struct arena_block *head;
} arena_t;

/* n bytes, zeroed, aligned for any type; NULL out of memory. */
void *arena_alloc(arena_t *self, size_t n);
/* A copy of s; NULL out of memory. */
char *arena_strdup(arena_t *self, const char *s);
/* Frees everything allocated in the arena; it can be used again. */
void arena_free(arena_t *self);

#endif
