/*
 * merkle.c: see merkle.h.
 */
#include "merkle.h"

#include <string.h>

#include <sodium.h>

void
merkle_leaf(const uint8_t *content, size_t len, merkle_hash_t out)
{
    crypto_generichash_state st;
    const uint8_t tag = 0x00;
    crypto_generichash_init(&st, NULL, 0, MERKLE_HASH_BYTES);
    crypto_generichash_update(&st, &tag, 1);
    if (len)
        crypto_generichash_update(&st, content, len);
    crypto_generichash_final(&st, out, MERKLE_HASH_BYTES);
}

static void
s_node(const uint8_t *left, const uint8_t *right, merkle_hash_t out)
{
    crypto_generichash_state st;
    const uint8_t tag = 0x01;
    crypto_generichash_init(&st, NULL, 0, MERKLE_HASH_BYTES);
    crypto_generichash_update(&st, &tag, 1);
    crypto_generichash_update(&st, left, MERKLE_HASH_BYTES);
    crypto_generichash_update(&st, right, MERKLE_HASH_BYTES);
    crypto_generichash_final(&st, out, MERKLE_HASH_BYTES);
}

/* The largest power of two below n (n >= 2). */
static size_t
s_split(size_t n)
{
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

static void
s_mth(const merkle_hash_t *d, size_t n, merkle_hash_t out)
{
    if (n == 1) {
        memcpy(out, d[0], MERKLE_HASH_BYTES);
        return;
    }
    size_t k = s_split(n);
    merkle_hash_t l, r;
    s_mth(d, k, l);
    s_mth(d + k, n - k, r);
    s_node(l, r, out);
}

int
merkle_root(const merkle_hash_t *leaves, size_t n, merkle_hash_t root)
{
    if (n < 1 || n > MERKLE_MAX_LEAVES)
        return -1;
    s_mth(leaves, n, root);
    return 0;
}

int
merkle_path(const merkle_hash_t *leaves, size_t n, size_t index,
    merkle_hash_t path[MERKLE_MAX_DEPTH], size_t *depth)
{
    if (n < 1 || n > MERKLE_MAX_LEAVES || index >= n)
        return -1;
    /* RFC 9162 PATH(m, D[n]), built top down, stored bottom up. */
    merkle_hash_t top_down[MERKLE_MAX_DEPTH];
    size_t d = 0;
    const merkle_hash_t *sub = leaves;
    while (n > 1) {
        size_t k = s_split(n);
        if (index < k) {
            s_mth(sub + k, n - k, top_down[d++]);
            n = k;
        } else {
            s_mth(sub, k, top_down[d++]);
            sub += k;
            n -= k;
            index -= k;
        }
    }
    for (size_t i = 0; i < d; i++)
        memcpy(path[i], top_down[d - 1 - i], MERKLE_HASH_BYTES);
    *depth = d;
    return 0;
}

int
merkle_root_of_path(const merkle_hash_t leaf, uint32_t index, uint32_t size, const uint8_t *path,
    size_t path_len, merkle_hash_t root)
{
    if (size < 1 || size > MERKLE_MAX_LEAVES || index >= size || path_len % MERKLE_HASH_BYTES
        || path_len / MERKLE_HASH_BYTES > MERKLE_MAX_DEPTH)
        return -1;
    /* RFC 9162, 2.1.3.2: verifying an inclusion proof. */
    uint32_t fn = index, sn = size - 1;
    merkle_hash_t r;
    memcpy(r, leaf, MERKLE_HASH_BYTES);
    for (size_t i = 0; i < path_len / MERKLE_HASH_BYTES; i++) {
        const uint8_t *p = path + i * MERKLE_HASH_BYTES;
        if (sn == 0)
            return -1; /* longer than the tree is deep */
        if ((fn & 1) || fn == sn) {
            s_node(p, r, r);
            if (!(fn & 1))
                while (fn && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            s_node(r, p, r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return -1; /* shorter than the tree is deep */
    memcpy(root, r, MERKLE_HASH_BYTES);
    return 0;
}

void
merkle_signed(uint32_t size, const merkle_hash_t root, uint8_t out[MERKLE_SIGNED_BYTES])
{
    memcpy(out, MERKLE_CONTEXT, sizeof MERKLE_CONTEXT); /* with its NUL */
    uint8_t *p = out + sizeof MERKLE_CONTEXT;
    p[0] = (uint8_t)(size >> 24);
    p[1] = (uint8_t)(size >> 16);
    p[2] = (uint8_t)(size >> 8);
    p[3] = (uint8_t)size;
    memcpy(p + 4, root, MERKLE_HASH_BYTES);
}

int
merkle_signed_for(const uint8_t *content, size_t len, uint32_t index, uint32_t size,
    const uint8_t *path, size_t path_len, uint8_t out[MERKLE_SIGNED_BYTES])
{
    merkle_hash_t leaf, root;
    merkle_leaf(content, len, leaf);
    if (merkle_root_of_path(leaf, index, size, path, path_len, root) != 0)
        return -1;
    merkle_signed(size, root, out);
    return 0;
}
