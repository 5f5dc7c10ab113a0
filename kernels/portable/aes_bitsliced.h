/*
 * aes_bitsliced.h - constant-time AES for any CPU: four blocks per set of
 * eight 64-bit bit planes, one or two sets per call.  See aes_bitsliced.c
 * for the representation and the S-box circuit.
 *
 * Blocks travel as little-endian 64-bit words: a batch of up to eight
 * blocks is uint64_t w[16], block b in w[2b] (its bytes 0..7) and w[2b+1]
 * (bytes 8..15), so callers XOR counters, tweaks and data as whole words.
 */
#ifndef OWN_PORTABLE_AES_BITSLICED_H
#define OWN_PORTABLE_AES_BITSLICED_H

#include <stddef.h>
#include <stdint.h>

#define OWN_PT_LANES 4 /* blocks per bitsliced batch */

typedef struct {
    /* Round keys in bit-plane form, the same key in all four lanes:
     * rk[r][i] is bit i of every byte of round key r. */
    uint64_t rk[15][8];
    unsigned nr; /* rounds: 10, 12 or 14 */
} own_pt_aes_key;

/* Expand a 16-, 24- or 32-byte key (no branch or index on key bytes). */
void own_pt_aes_init(own_pt_aes_key *k, const uint8_t *key, size_t key_len);

/* Encrypt / decrypt a batch in place: w holds up to 8 blocks (block b in
 * w[2b], w[2b+1]); nblocks (1..8) only decides whether one plane set
 * (blocks 0..3) or two (0..7) are computed.  Lanes past nblocks are
 * computed too and carry no meaning. */
#define OWN_PT_MAX_BLOCKS 8
void own_pt_aes_encrypt(const own_pt_aes_key *k, uint64_t w[16], unsigned nblocks);
void own_pt_aes_decrypt(const own_pt_aes_key *k, uint64_t w[16], unsigned nblocks);

/* One block through a (mostly empty) batch: for key setup and tails. */
void own_pt_aes_encrypt1(const own_pt_aes_key *k, const uint8_t in[16], uint8_t out[16]);
void own_pt_aes_decrypt1(const own_pt_aes_key *k, const uint8_t in[16], uint8_t out[16]);

/* Unaligned, endian-independent loads and stores (compilers turn these
 * into single moves on little-endian targets). */
static inline uint64_t own_pt_load64le(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void own_pt_store64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t own_pt_load64be(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

static inline void own_pt_store64be(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

#endif /* OWN_PORTABLE_AES_BITSLICED_H */
