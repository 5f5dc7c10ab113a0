/*
 * aes_bitsliced.c - bitsliced AES-128/192/256 in plain C on 64-bit words:
 * four blocks per set of bit planes, one or two sets (up to eight blocks)
 * per call.  The reference every other own kernel is compared against, so
 * it favours the obviously correct over the clever.
 *
 * Representation
 * --------------
 * Four blocks are 64 bytes.  They are held as eight 64-bit "bit planes"
 * q[0..7]: q[i] holds bit i (q[0] = least significant) of all 64 bytes, one
 * byte per bit position.  The byte at row r, column c of block b (AES state
 * byte 4c + r) sits at position
 *
 *        p = 16*c + 4*r + b        (c, r, b in 0..3)
 *
 * which makes both permutations of a round cheap:
 *   - ShiftRows moves (r, c+r) to (r, c): row r rotated by 16*r bits, so it
 *     is three 64-bit rotates and four masks per plane;
 *   - MixColumns needs row r+1 of the same column: rotate every 16-bit
 *     group (one column of four blocks) right by 4 bits.
 * pack() gets there from the byte order of the input with two byte
 * "unzips" (even bytes of a block to one word, odd to another) and an 8x8
 * bit-matrix transpose done as three rounds of swap-moves; unpack() is its
 * inverse.  Every step is a fixed sequence of shifts, masks and XORs.
 *
 * S-box circuit (derived for this file; see the comment above sbox_fwd)
 * -----------------------------------------------------------------------
 * SubBytes is inversion in GF(2^8) followed by the affine map.  Inversion is
 * done in an isomorphic tower field, where it reduces to a handful of
 * multiplications in GF(2^4) and GF(2^2) that are just ANDs and XORs:
 *     GF(4)   = GF(2)[w]/(w^2 + w + 1)
 *     GF(16)  = GF(4)[z]/(z^2 + z + N),    N = w
 *     GF(256) = GF(16)[y]/(y^2 + y + L),   L = w*z + 1
 * For a = a1*y + a0 the norm d = a*conj(a) = L*a1^2 + a0*(a1 + a0) lies in
 * GF(16) and a^-1 = d^-1 * (a1*y + (a1 + a0)); the same identity one level
 * down inverts d in GF(16) (with N for L), and in GF(4) the inverse is the
 * square, a linear map.  Zero maps to zero all the way through, as AES
 * wants.  In total 36 ANDs plus XORs; the changes of basis into and out of
 * the tower (with the affine map and its constant 0x63 folded in) are 8x8
 * bit matrices, written out as XORs.  The matrices come from an element
 * beta = 0x6b of the tower that is a root of the AES polynomial
 * x^8 + x^4 + x^3 + x + 1: x^k maps to beta^k.  Among all valid choices of
 * N, L and beta this one has the fewest XORs in its basis changes.  The
 * inverse S-box runs the same inversion between the inverse affine map (in)
 * and the plain change of basis back (out).
 *
 * Constant time: the circuit is straight-line code on whole words: every
 * S-box of the batch is evaluated by the same ANDs and XORs whatever the
 * data.  No table, no branch, no index depends on a key or data byte; the
 * only branches in this file are on the round count and key length.
 *
 * Rounds: AddRoundKey, then nr-1 times SubBytes, ShiftRows, MixColumns,
 * AddRoundKey, and a last round without MixColumns.  Decryption is the
 * straight inverse cipher with the same round keys (InvMixColumns after
 * AddRoundKey); InvMixColumns is a_r += 4 (a_r + a_{r+2}) followed by
 * MixColumns, the usual {0e 0b 0d 09} = {02 03 01 01} * {05 00 04 00}
 * factorisation of the column matrices.  With two plane sets per call the
 * two sets go through each step back to back (see own_pt_aes_encrypt).
 *
 * Key schedule: the FIPS-197 word recurrence; SubWord runs the bitsliced
 * S-box on a plane set holding one word, so it is constant time too.  Each
 * round key is then packed with the same key in all four lanes.
 */
#include <string.h>

#include "aes_bitsliced.h"
#include "own_kernel.h"

/* The S-box is written as small field operations on structs of words; it
 * is only fast once they are all inlined into one straight-line block, so
 * ask for that where the compiler understands the request. */
#if defined(__GNUC__)
#define PT_INLINE static inline __attribute__((always_inline))
#else
#define PT_INLINE static inline
#endif

/* ---- GF(2^8) inversion in the tower field, on bit planes -------------- */

/* Elements are bitsliced: each field holds that coefficient bit for all
 * 64 bytes of the batch. */
typedef struct { uint64_t h, l; } gf4;  /* h*w + l   */
typedef struct { gf4 h, l; } gf16;      /* h*z + l   */
typedef struct { gf16 h, l; } gf256;    /* h*y + l   */

PT_INLINE gf4 gf4_add(gf4 a, gf4 b)
{
    gf4 r = {a.h ^ b.h, a.l ^ b.l};
    return r;
}

/* (a1 w + a0)(b1 w + b0) with w^2 = w + 1, Karatsuba: 3 ANDs. */
PT_INLINE gf4 gf4_mul(gf4 a, gf4 b)
{
    uint64_t hh = a.h & b.h, ll = a.l & b.l, m = (a.h ^ a.l) & (b.h ^ b.l);
    gf4 r = {m ^ ll, hh ^ ll};
    return r;
}

/* a^2 = a^-1 in GF(4) (and 0 -> 0): a1 w^2 + a0 = a1 w + (a1 + a0). */
PT_INLINE gf4 gf4_sq(gf4 a)
{
    gf4 r = {a.h, a.h ^ a.l};
    return r;
}

/* N * a with N = w: a1 w^2 + a0 w = (a1 + a0) w + a1. */
PT_INLINE gf4 gf4_mul_n(gf4 a)
{
    gf4 r = {a.h ^ a.l, a.h};
    return r;
}

/* N * a^2 = w * (a1 w + a1 + a0) = a0 w + a1: just a swap. */
PT_INLINE gf4 gf4_sq_n(gf4 a)
{
    gf4 r = {a.l, a.h};
    return r;
}

PT_INLINE gf16 gf16_add(gf16 a, gf16 b)
{
    gf16 r = {gf4_add(a.h, b.h), gf4_add(a.l, b.l)};
    return r;
}

/* (a1 z + a0)(b1 z + b0) with z^2 = z + N, Karatsuba: 3 GF(4) products. */
PT_INLINE gf16 gf16_mul(gf16 a, gf16 b)
{
    gf4 hh = gf4_mul(a.h, b.h), ll = gf4_mul(a.l, b.l);
    gf4 m = gf4_mul(gf4_add(a.h, a.l), gf4_add(b.h, b.l));
    gf16 r = {gf4_add(m, ll), gf4_add(gf4_mul_n(hh), ll)};
    return r;
}

/* a^-1 = d^-1 (a1 z + a1 + a0), d = N a1^2 + a0 (a1 + a0) in GF(4). */
PT_INLINE gf16 gf16_inv(gf16 a)
{
    gf4 s = gf4_add(a.h, a.l);
    gf4 d = gf4_add(gf4_sq_n(a.h), gf4_mul(a.l, s));
    gf4 di = gf4_sq(d);
    gf16 r = {gf4_mul(di, a.h), gf4_mul(di, s)};
    return r;
}

/* L * a^2 with L = w z + 1, a linear map.  Naming the bits of a as
 * (a3 a2 | a1 a0) = (h.h h.l | l.h l.l), the result is
 * (a0, a1 | a1 + a3, a0 + a1 + a2 + a3). */
PT_INLINE gf16 gf16_sq_l(gf16 a)
{
    uint64_t a3 = a.h.h, a2 = a.h.l, a1 = a.l.h, a0 = a.l.l;
    gf16 r = {{a0, a1}, {a1 ^ a3, a0 ^ a1 ^ a2 ^ a3}};
    return r;
}

/* a^-1 = d^-1 (a1 y + a1 + a0), d = L a1^2 + a0 (a1 + a0) in GF(16). */
PT_INLINE gf256 gf256_inv(gf256 a)
{
    gf16 s = gf16_add(a.h, a.l);
    gf16 d = gf16_add(gf16_sq_l(a.h), gf16_mul(a.l, s));
    gf16 di = gf16_inv(d);
    gf256 r = {gf16_mul(di, a.h), gf16_mul(di, s)};
    return r;
}

/*
 * Tower bits t7..t0 are (a.h.h.h, a.h.h.l, a.h.l.h, a.h.l.l, a.l.h.h,
 * a.l.h.l, a.l.l.h, a.l.l.l).  The matrices below (rows of GF(2) 8x8
 * matrices) were computed once, offline, by solving for beta as described
 * in the header and checked against the FIPS-197 S-box for all 256 inputs;
 * the test driver checks this code the same way.
 */
PT_INLINE gf256 tower_from_bits(const uint64_t t[8])
{
    gf256 a = {{{t[7], t[6]}, {t[5], t[4]}}, {{t[3], t[2]}, {t[1], t[0]}}};
    return a;
}

PT_INLINE void tower_to_bits(gf256 a, uint64_t t[8])
{
    t[7] = a.h.h.h; t[6] = a.h.h.l; t[5] = a.h.l.h; t[4] = a.h.l.l;
    t[3] = a.l.h.h; t[2] = a.l.h.l; t[1] = a.l.l.h; t[0] = a.l.l.l;
}

/* SubBytes on all 64 bytes of the batch. */
static void sbox_fwd(uint64_t q[8])
{
    uint64_t x0 = q[0], x1 = q[1], x2 = q[2], x3 = q[3];
    uint64_t x4 = q[4], x5 = q[5], x6 = q[6], x7 = q[7];
    uint64_t t[8];

    /* AES polynomial basis -> tower basis (x^k -> beta^k). */
    uint64_t x13 = x1 ^ x3, x67 = x6 ^ x7, x46 = x4 ^ x6;
    t[0] = x0 ^ x13 ^ x2 ^ x7;
    t[1] = x13;
    t[2] = x3 ^ x46;
    t[3] = x1 ^ x2 ^ x67;
    t[4] = x2 ^ x3 ^ x4 ^ x67;
    t[5] = x1 ^ x4 ^ x67;
    t[6] = x13 ^ x2 ^ x46 ^ x5;
    t[7] = x5 ^ x7;

    tower_to_bits(gf256_inv(tower_from_bits(t)), t);

    /* Tower basis -> AES basis, composed with the affine map; ~ adds the
     * constant 0x63 (bits 0, 1, 5, 6). */
    uint64_t t23 = t[2] ^ t[3], t07 = t[0] ^ t[7];
    q[0] = ~(t[0] ^ t[6]);
    q[1] = ~(t07 ^ t[1] ^ t[3]);
    q[2] = t[0] ^ t[1] ^ t23 ^ t[4];
    q[3] = t[0];
    q[4] = t[0] ^ t23 ^ t[4] ^ t[5];
    q[5] = ~(t23 ^ t[7]);
    q[6] = ~(t[4] ^ t[7]);
    q[7] = t[2] ^ t[7];
}

/* InvSubBytes on all 64 bytes of the batch. */
static void sbox_inv(uint64_t q[8])
{
    uint64_t x0 = q[0], x1 = q[1], x2 = q[2], x3 = q[3];
    uint64_t x4 = q[4], x5 = q[5], x6 = q[6], x7 = q[7];
    uint64_t t[8];

    /* Inverse affine map, then AES basis -> tower basis; ~ adds the image
     * of the constant, 0x58 (bits 3, 4, 6). */
    uint64_t x12 = x1 ^ x2, x56 = x5 ^ x6;
    t[0] = x3;
    t[1] = x2 ^ x3 ^ x56;
    t[2] = x12 ^ x6;
    t[3] = ~(x5 ^ x7);
    t[4] = ~(x12 ^ x7);
    t[5] = x3 ^ x4 ^ x56;
    t[6] = ~(x0 ^ x3);
    t[7] = x12 ^ x6 ^ x7;

    tower_to_bits(gf256_inv(tower_from_bits(t)), t);

    /* Tower basis -> AES basis. */
    uint64_t t14 = t[1] ^ t[4], t67 = t[6] ^ t[7], t25 = t[2] ^ t[5];
    q[0] = t[0] ^ t14 ^ t[2];
    q[1] = t[4] ^ t67;
    q[2] = t14 ^ t[5];
    q[3] = t14 ^ t67;
    q[4] = t14 ^ t[3];
    q[5] = t[1] ^ t25 ^ t[7];
    q[6] = t[2] ^ t[3] ^ t67;
    q[7] = t[1] ^ t25;
}

/* ---- linear layers ----------------------------------------------------- */

/* Bit positions of row r in a plane: 4 blocks x 4 columns. */
#define ROW0 0x000F000F000F000FULL
#define ROW1 0x00F000F000F000F0ULL
#define ROW2 0x0F000F000F000F00ULL
#define ROW3 0xF000F000F000F000ULL

PT_INLINE uint64_t rotr64(uint64_t x, unsigned n) /* 0 < n < 64 */
{
    return (x >> n) | (x << (64 - n));
}

static void shift_rows(uint64_t q[8])
{
    for (int i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & ROW0) | (rotr64(x, 16) & ROW1) | (rotr64(x, 32) & ROW2) |
               (rotr64(x, 48) & ROW3);
    }
}

static void inv_shift_rows(uint64_t q[8])
{
    for (int i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & ROW0) | (rotr64(x, 48) & ROW1) | (rotr64(x, 32) & ROW2) |
               (rotr64(x, 16) & ROW3);
    }
}

/* Row r <- row r+1 (resp. r+2) of the same column, all columns at once. */
PT_INLINE uint64_t next_row(uint64_t x)
{
    return ((x >> 4) & 0x0FFF0FFF0FFF0FFFULL) | ((x << 12) & 0xF000F000F000F000ULL);
}

PT_INLINE uint64_t row_plus2(uint64_t x)
{
    return ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x << 8) & 0xFF00FF00FF00FF00ULL);
}

/* out_r = 2 a_r + 3 a_{r+1} + a_{r+2} + a_{r+3}
 *       = 2 (a_r + a_{r+1}) + a_{r+1} + (a_{r+2} + a_{r+3}).
 * With t = a + next_row(a), plane i of 2t is t[i-1], plus t[7] for
 * i = 1, 3, 4 and t[7] itself for i = 0: one pass over the planes keeps
 * only the previous t and t[7] alive. */
static void mix_columns(uint64_t q[8])
{
    uint64_t n7 = next_row(q[7]), t7 = q[7] ^ n7, prev = t7;
    for (int i = 0; i < 8; i++) {
        uint64_t n = i == 7 ? n7 : next_row(q[i]);
        uint64_t t = i == 7 ? t7 : q[i] ^ n;
        uint64_t t2 = prev ^ ((i == 1 || i == 3 || i == 4) ? t7 : 0);
        q[i] = t2 ^ n ^ row_plus2(t);
        prev = t;
    }
}

/* a_r += 4 (a_r + a_{r+2}), then MixColumns.  Multiplying u by x^2 maps
 * plane i to u[i-2] plus the reduction terms of the two bits pushed out
 * (u7 and u6 fold back as x^8 = x^4 + x^3 + x + 1). */
static void inv_mix_columns(uint64_t q[8])
{
    uint64_t u[8];
    for (int i = 0; i < 8; i++)
        u[i] = q[i] ^ row_plus2(q[i]);
    q[0] ^= u[6];
    q[1] ^= u[6] ^ u[7];
    q[2] ^= u[0] ^ u[7];
    q[3] ^= u[1] ^ u[6];
    q[4] ^= u[2] ^ u[6] ^ u[7];
    q[5] ^= u[3] ^ u[7];
    q[6] ^= u[4];
    q[7] ^= u[5];
    mix_columns(q);
}

PT_INLINE void add_round_key(uint64_t q[8], const uint64_t rk[8])
{
    for (int i = 0; i < 8; i++)
        q[i] ^= rk[i];
}

/* ---- packing ---------------------------------------------------------- */

/* Exchange the bits of a at (m << n) with the bits of b at m. */
#define SWAPMOVE(a, b, m, n)                                                   \
    do {                                                                       \
        uint64_t t_ = (((a) >> (n)) ^ (b)) & (m);                              \
        (b) ^= t_;                                                             \
        (a) ^= t_ << (n);                                                      \
    } while (0)

/* View q as, for each byte position, an 8x8 bit matrix (word index x bit
 * index) and transpose it: afterwards bit j of byte m of q[i] is what was
 * bit i of byte m of q[j].  Its own inverse. */
static void transpose8(uint64_t q[8])
{
    SWAPMOVE(q[0], q[1], 0x5555555555555555ULL, 1);
    SWAPMOVE(q[2], q[3], 0x5555555555555555ULL, 1);
    SWAPMOVE(q[4], q[5], 0x5555555555555555ULL, 1);
    SWAPMOVE(q[6], q[7], 0x5555555555555555ULL, 1);
    SWAPMOVE(q[0], q[2], 0x3333333333333333ULL, 2);
    SWAPMOVE(q[1], q[3], 0x3333333333333333ULL, 2);
    SWAPMOVE(q[4], q[6], 0x3333333333333333ULL, 2);
    SWAPMOVE(q[5], q[7], 0x3333333333333333ULL, 2);
    SWAPMOVE(q[0], q[4], 0x0F0F0F0F0F0F0F0FULL, 4);
    SWAPMOVE(q[1], q[5], 0x0F0F0F0F0F0F0F0FULL, 4);
    SWAPMOVE(q[2], q[6], 0x0F0F0F0F0F0F0F0FULL, 4);
    SWAPMOVE(q[3], q[7], 0x0F0F0F0F0F0F0F0FULL, 4);
}

/* Bytes 0 1 2 3 4 5 6 7 -> 0 2 4 6 1 3 5 7 (and zip is the way back). */
PT_INLINE uint64_t bytes_unzip(uint64_t x)
{
    uint64_t t;
    t = ((x >> 8) ^ x) & 0x0000FF000000FF00ULL;
    x ^= t ^ (t << 8);
    t = ((x >> 16) ^ x) & 0x00000000FFFF0000ULL;
    x ^= t ^ (t << 16);
    return x;
}

PT_INLINE uint64_t bytes_zip(uint64_t x)
{
    uint64_t t;
    t = ((x >> 16) ^ x) & 0x00000000FFFF0000ULL;
    x ^= t ^ (t << 16);
    t = ((x >> 8) ^ x) & 0x0000FF000000FF00ULL;
    x ^= t ^ (t << 8);
    return x;
}

/*
 * Word q[4*r0 + b] gets the bytes of block b whose row has parity r0 (even
 * block bytes for r0 = 0, odd for r0 = 1), in order: byte m of it is the
 * byte at column m/2, row 2*(m%2) + r0.  The transpose then puts it at bit
 * 8*m + 4*r0 + b = 16*c + 4*r + b of plane i.
 */
static void pack(const uint64_t w[8], uint64_t q[8])
{
    for (int b = 0; b < 4; b++) {
        uint64_t lo = bytes_unzip(w[2 * b]), hi = bytes_unzip(w[2 * b + 1]);
        q[b] = (lo & 0xFFFFFFFFULL) | (hi << 32);
        q[4 + b] = (lo >> 32) | (hi & 0xFFFFFFFF00000000ULL);
    }
    transpose8(q);
}

static void unpack(const uint64_t q_in[8], uint64_t w[8])
{
    uint64_t q[8];
    memcpy(q, q_in, sizeof q);
    transpose8(q);
    for (int b = 0; b < 4; b++) {
        uint64_t e = q[b], o = q[4 + b];
        w[2 * b] = bytes_zip((e & 0xFFFFFFFFULL) | (o << 32));
        w[2 * b + 1] = bytes_zip((e >> 32) | (o & 0xFFFFFFFF00000000ULL));
    }
}

/* ---- block functions --------------------------------------------------- */

/*
 * A batch is one or two plane sets (4 or 8 blocks).  With two, every step
 * is issued for both before the next step: the two chains are independent,
 * so an out-of-order core overlaps them and hides much of the S-box's
 * latency (about 25% more throughput on x86-64 than two separate calls).
 */
void own_pt_aes_encrypt(const own_pt_aes_key *k, uint64_t w[16], unsigned nblocks)
{
    uint64_t q[2][8];
    unsigned n = nblocks > OWN_PT_LANES ? 2 : 1;
    for (unsigned j = 0; j < n; j++) {
        pack(w + 8 * j, q[j]);
        add_round_key(q[j], k->rk[0]);
    }
    for (unsigned r = 1; r < k->nr; r++) {
        for (unsigned j = 0; j < n; j++)
            sbox_fwd(q[j]);
        for (unsigned j = 0; j < n; j++) {
            shift_rows(q[j]);
            mix_columns(q[j]);
            add_round_key(q[j], k->rk[r]);
        }
    }
    for (unsigned j = 0; j < n; j++) {
        sbox_fwd(q[j]);
        shift_rows(q[j]);
        add_round_key(q[j], k->rk[k->nr]);
        unpack(q[j], w + 8 * j);
    }
}

void own_pt_aes_decrypt(const own_pt_aes_key *k, uint64_t w[16], unsigned nblocks)
{
    uint64_t q[2][8];
    unsigned n = nblocks > OWN_PT_LANES ? 2 : 1;
    for (unsigned j = 0; j < n; j++) {
        pack(w + 8 * j, q[j]);
        add_round_key(q[j], k->rk[k->nr]);
    }
    for (unsigned r = k->nr - 1; r > 0; r--) {
        for (unsigned j = 0; j < n; j++) {
            inv_shift_rows(q[j]);
            sbox_inv(q[j]);
        }
        for (unsigned j = 0; j < n; j++) {
            add_round_key(q[j], k->rk[r]);
            inv_mix_columns(q[j]);
        }
    }
    for (unsigned j = 0; j < n; j++) {
        inv_shift_rows(q[j]);
        sbox_inv(q[j]);
        add_round_key(q[j], k->rk[0]);
        unpack(q[j], w + 8 * j);
    }
}

void own_pt_aes_encrypt1(const own_pt_aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    uint64_t w[16] = {own_pt_load64le(in), own_pt_load64le(in + 8)};
    own_pt_aes_encrypt(k, w, 1);
    own_pt_store64le(out, w[0]);
    own_pt_store64le(out + 8, w[1]);
}

void own_pt_aes_decrypt1(const own_pt_aes_key *k, const uint8_t in[16], uint8_t out[16])
{
    uint64_t w[16] = {own_pt_load64le(in), own_pt_load64le(in + 8)};
    own_pt_aes_decrypt(k, w, 1);
    own_pt_store64le(out, w[0]);
    own_pt_store64le(out + 8, w[1]);
}

/* ---- key schedule ------------------------------------------------------ */

/* SubWord: the four bytes go to bit positions 0..3 of the planes; the other
 * 60 positions compute S(0) and are dropped. */
static void sub_word(uint8_t b[4])
{
    uint64_t q[8];
    for (int i = 0; i < 8; i++) {
        q[i] = 0;
        for (int j = 0; j < 4; j++)
            q[i] |= (uint64_t)((b[j] >> i) & 1) << j;
    }
    sbox_fwd(q);
    for (int j = 0; j < 4; j++) {
        unsigned v = 0;
        for (int i = 0; i < 8; i++)
            v |= (unsigned)((q[i] >> j) & 1) << i;
        b[j] = (uint8_t)v;
    }
}

void own_pt_aes_init(own_pt_aes_key *k, const uint8_t *key, size_t key_len)
{
    unsigned nk = (unsigned)(key_len / 4); /* 4, 6 or 8 words */
    unsigned nr = nk + 6;
    unsigned nwords = 4 * (nr + 1);
    uint8_t w[60][4];
    uint8_t rcon = 1;

    memcpy(w, key, key_len);
    for (unsigned i = nk; i < nwords; i++) {
        uint8_t t[4];
        memcpy(t, w[i - 1], 4);
        if (i % nk == 0) {
            uint8_t t0 = t[0];
            t[0] = t[1];
            t[1] = t[2];
            t[2] = t[3];
            t[3] = t0;
            sub_word(t);
            t[0] ^= rcon;
            /* rcon is public: the next power of x in GF(2^8). */
            rcon = (uint8_t)((rcon << 1) ^ ((rcon >> 7) * 0x1b));
        } else if (nk > 6 && i % nk == 4) {
            sub_word(t);
        }
        for (int j = 0; j < 4; j++)
            w[i][j] = w[i - nk][j] ^ t[j];
    }

    k->nr = nr;
    for (unsigned r = 0; r <= nr; r++) {
        const uint8_t *rk = w[4 * r];
        uint64_t lanes[8];
        for (int b = 0; b < 4; b++) {
            lanes[2 * b] = own_pt_load64le(rk);
            lanes[2 * b + 1] = own_pt_load64le(rk + 8);
        }
        pack(lanes, k->rk[r]);
        own_wipe(lanes, sizeof lanes);
    }
    for (unsigned r = nr + 1; r < 15; r++)
        memset(k->rk[r], 0, sizeof k->rk[r]);
    own_wipe(w, sizeof w);
}
