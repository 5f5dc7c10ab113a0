/*
 * ghash_ctmul.c - GHASH with a constant-time carry-less multiply built from
 * ordinary 64-bit integer multiplies ("ctmul": multiplies with holes).
 *
 * Carry-less multiply
 * -------------------
 * bmul64(x, y) returns the low 64 bits of the carry-less product x * y.
 * Each operand is split into four pieces by bit position mod 4 (masks
 * 0x1111.., 0x2222.., 0x4444.., 0x8888..), so between two data bits of a
 * piece there are three zero "holes".  An integer product of two pieces,
 * x_i * y_j, adds up its partial products only at positions = i + j mod 4;
 * in base 16 those sums are digits of at most 16 terms, and a digit reaches
 * 16 only at bit 60 + i + j or above, whose carry leaves the low 64 bits.
 * So below bit 64 the carries stay in the holes and bit k of x_i * y_j is
 * the parity of the partial products at k, which is the carry-less
 * product.  XOR the four products that land on each residue class, mask out
 * the holes: 16 multiplies.  Integer multiplication is constant time on the
 * 64-bit CPUs this project targets (x86-64, arm64), and nothing else here
 * depends on data but XOR, AND and shifts.
 *
 * The high 64 bits come from the bit-reversed operands: for 64-bit x, y,
 * rev(x) * rev(y) (carry-less) is the 127-bit product reversed, so its low
 * 64 bits, reversed and shifted right by one, are the high 64 bits of
 * x * y.  A 128 x 128 product is three 64 x 64 products (Karatsuba), so six
 * bmul64 = 96 multiplies per block.
 *
 * Field and reduction
 * -------------------
 * GCM stores field elements bit-reflected: read as a big-endian 128-bit
 * integer, the coefficient of x^i is bit 127 - i.  The carry-less product
 * of two such integers holds the coefficient of x^k at bit 254 - k, so it
 * is shifted left by one bit to give a 256-bit value z3:z2:z1:z0 with x^k
 * at bit 255 - k.  Reduction modulo x^128 + x^7 + x^2 + x + 1 folds the
 * upper powers down with x^128 = 1 + x + x^2 + x^7, in which representation
 * multiplying by x^s is a right shift by s: first z0 (x^192..x^255) into
 * z2 and z1, then z1 (x^128..x^191) into z3 and z2; the result is z3:z2.
 *
 * Aggregation: blocks are hashed in groups of up to four, Y' = (Y + X1) H^4
 * + X2 H^3 + X3 H^2 + X4 H.  The six raw bmul64 outputs of every block of a
 * group are XOR-accumulated and the rest (bit reversal of the high halves,
 * the Karatsuba recombination, the shift and the reduction) is linear, so
 * it runs once per group.
 */
#include "ghash_ctmul.h"
#include "aes_bitsliced.h" /* load/store helpers */

enum { LO, HI, MID, RLO, RHI, RMID }; /* slots of a power / accumulator */

static inline uint64_t bmul64(uint64_t x, uint64_t y)
{
    const uint64_t m0 = 0x1111111111111111ULL, m1 = 0x2222222222222222ULL;
    const uint64_t m2 = 0x4444444444444444ULL, m3 = 0x8888888888888888ULL;
    uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
    uint64_t y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3;
    uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3);
}

static inline uint64_t rev64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
    x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
    x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
    return (x >> 32) | (x << 32);
}

/* acc += raw partial products of (hi:lo) * p, p one of the powers. */
static inline void mul_acc(uint64_t acc[6], uint64_t hi, uint64_t lo, const uint64_t p[6])
{
    uint64_t rhi = rev64(hi), rlo = rev64(lo);
    acc[LO] ^= bmul64(lo, p[LO]);
    acc[HI] ^= bmul64(hi, p[HI]);
    acc[MID] ^= bmul64(lo ^ hi, p[MID]);
    acc[RLO] ^= bmul64(rlo, p[RLO]);
    acc[RHI] ^= bmul64(rhi, p[RHI]);
    acc[RMID] ^= bmul64(rlo ^ rhi, p[RMID]);
}

/* y = the accumulated product, reduced. */
static inline void reduce(const uint64_t acc[6], uint64_t y[2])
{
    /* The three 128-bit products (high word, low word). */
    uint64_t l0 = acc[LO], h0 = rev64(acc[RLO]) >> 1;
    uint64_t l1 = acc[HI], h1 = rev64(acc[RHI]) >> 1;
    uint64_t lm = acc[MID] ^ l0 ^ l1, hm = (rev64(acc[RMID]) >> 1) ^ h0 ^ h1;

    uint64_t z3 = h1, z2 = l1 ^ hm, z1 = lm ^ h0, z0 = l0;
    z3 = (z3 << 1) | (z2 >> 63);
    z2 = (z2 << 1) | (z1 >> 63);
    z1 = (z1 << 1) | (z0 >> 63);
    z0 <<= 1;

    z1 ^= (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
    z2 ^= z0 ^ (z0 >> 1) ^ (z0 >> 2) ^ (z0 >> 7);
    z2 ^= (z1 << 63) ^ (z1 << 62) ^ (z1 << 57);
    z3 ^= z1 ^ (z1 >> 1) ^ (z1 >> 2) ^ (z1 >> 7);
    y[0] = z3;
    y[1] = z2;
}

static void set_power(uint64_t p[6], uint64_t hi, uint64_t lo)
{
    p[LO] = lo;
    p[HI] = hi;
    p[MID] = lo ^ hi;
    p[RLO] = rev64(lo);
    p[RHI] = rev64(hi);
    p[RMID] = p[RLO] ^ p[RHI];
}

void own_pt_ghash_init(own_pt_ghash_key *gk, const uint8_t h[16])
{
    uint64_t x[2] = {own_pt_load64be(h), own_pt_load64be(h + 8)};
    set_power(gk->pow[0], x[0], x[1]);
    for (int k = 1; k < OWN_PT_GHASH_POWERS; k++) {
        uint64_t acc[6] = {0};
        mul_acc(acc, x[0], x[1], gk->pow[0]);
        reduce(acc, x);
        set_power(gk->pow[k], x[0], x[1]);
    }
}

void own_pt_ghash(const own_pt_ghash_key *gk, uint64_t y[2], const uint8_t *data,
                  size_t nblocks)
{
    while (nblocks) {
        size_t g = nblocks < OWN_PT_GHASH_POWERS ? nblocks : OWN_PT_GHASH_POWERS;
        uint64_t acc[6] = {0};
        /* The first block carries the running state; block i of the group
         * is multiplied by H^(g - i). */
        mul_acc(acc, y[0] ^ own_pt_load64be(data), y[1] ^ own_pt_load64be(data + 8),
                gk->pow[g - 1]);
        for (size_t i = 1; i < g; i++)
            mul_acc(acc, own_pt_load64be(data + 16 * i), own_pt_load64be(data + 16 * i + 8),
                    gk->pow[g - 1 - i]);
        reduce(acc, y);
        data += 16 * g;
        nblocks -= g;
    }
}
