/*
 * merkle: one signature for a batch of messages (IETF TLS batch signing,
 * draft-ietf-tls-batch-signing; the tree is RFC 9162's Merkle Tree Hash).
 *
 * A batch of n contents (1 <= n <= MERKLE_MAX_LEAVES) is hashed into a
 * tree with BLAKE2b-256:
 *   leaf(c)      = H(0x00 || c)
 *   node(l, r)   = H(0x01 || l || r)
 *   MTH(D[0:1])  = leaf(D[0])
 *   MTH(D[0:n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of
 *                  two below n
 * so an odd level is never padded with a copy of a leaf (no ambiguity
 * between a batch and the same batch with its last leaf repeated). The
 * author signs, once, "enlace-batch-v1" 0x00 || size (4 bytes, big-endian)
 * || root with Ed25519. Each message travels with its index, the batch's
 * size, its audit path (the sibling hashes from the leaf up, at most
 * MERKLE_MAX_DEPTH of them) and the root signature: alone, it proves its
 * author. Contents already hold a random 16-byte message id, so a sibling
 * hash tells nothing about the other messages.
 */
#ifndef ENLACE_MERKLE_H
#define ENLACE_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_BYTES 32
#define MERKLE_MAX_LEAVES 256
#define MERKLE_MAX_DEPTH 8 /* ceil(log2(MERKLE_MAX_LEAVES)) */
/* What the author signs: the context, the size, the root. */
#define MERKLE_CONTEXT "enlace-batch-v1"
#define MERKLE_SIGNED_BYTES (sizeof MERKLE_CONTEXT + 4 + MERKLE_HASH_BYTES)

typedef uint8_t merkle_hash_t[MERKLE_HASH_BYTES];

/* The leaf hash of one content. */
void merkle_leaf(const uint8_t *content, size_t len, merkle_hash_t out);

/* The root of n leaf hashes (1 <= n <= MERKLE_MAX_LEAVES). 0, or -1 if n is
 * out of range. */
int merkle_root(const merkle_hash_t *leaves, size_t n, merkle_hash_t root);

/* The audit path of leaf `index` among n leaves: *depth hashes into path,
 * from the leaf's sibling up. 0, or -1 if the arguments are out of range. */
int merkle_path(const merkle_hash_t *leaves, size_t n, size_t index,
    merkle_hash_t path[MERKLE_MAX_DEPTH], size_t *depth);

/* The root that leaf `leaf` at `index` of a batch of `size`, with this
 * audit path, belongs to. 0, or -1 if the path does not fit the index and
 * size (too short, too long, deeper than MERKLE_MAX_DEPTH, index out of
 * range): such a message is refused, whatever its signature. */
int merkle_root_of_path(const merkle_hash_t leaf, uint32_t index, uint32_t size,
    const uint8_t *path, size_t path_len, merkle_hash_t root);

/* The bytes the author signs for a batch of `size` with this root. */
void merkle_signed(uint32_t size, const merkle_hash_t root, uint8_t out[MERKLE_SIGNED_BYTES]);

/* The bytes a batched content's signature covers, from the content and its
 * proof: 0, or -1 if the proof does not fit (merkle_root_of_path). */
int merkle_signed_for(const uint8_t *content, size_t len, uint32_t index, uint32_t size,
    const uint8_t *path, size_t path_len, uint8_t out[MERKLE_SIGNED_BYTES]);

#endif
