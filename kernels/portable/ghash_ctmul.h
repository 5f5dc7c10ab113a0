/*
 * ghash_ctmul.h - constant-time GHASH on 64-bit integer multiplies.
 * See ghash_ctmul.c for the multiply and the reduction.
 *
 * The accumulator is uint64_t y[2]: the 16-byte GHASH state read as two
 * big-endian words, y[0] = bytes 0..7, y[1] = bytes 8..15.
 */
#ifndef OWN_PORTABLE_GHASH_CTMUL_H
#define OWN_PORTABLE_GHASH_CTMUL_H

#include <stddef.h>
#include <stdint.h>

#define OWN_PT_GHASH_POWERS 4 /* blocks per aggregated reduction */

typedef struct {
    /* pow[k] describes H^(k+1): its low and high words, their XOR (for
     * Karatsuba), and the bit reversals of those three. */
    uint64_t pow[OWN_PT_GHASH_POWERS][6];
} own_pt_ghash_key;

void own_pt_ghash_init(own_pt_ghash_key *gk, const uint8_t h[16]);

/* y = (...((y + X1) H + X2) H ... + Xn) H over n whole 16-byte blocks. */
void own_pt_ghash(const own_pt_ghash_key *gk, uint64_t y[2], const uint8_t *data,
                  size_t nblocks);

#endif /* OWN_PORTABLE_GHASH_CTMUL_H */
