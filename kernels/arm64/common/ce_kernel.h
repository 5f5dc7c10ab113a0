/*
 * ce_kernel.h - the own arm64 kernels: AES-GCM (128/192/256) and AES-XTS
 * (128/256) with the Armv8 Cryptographic Extension (AESE/AESMC/AESD/AESIMC,
 * PMULL/PMULL2), ACLE intrinsics.  One body, instantiated by each kernel
 * folder with three compile-time parameters:
 *
 *     CE_UNROLL  4 or 8   GCM blocks in flight in the fused loop
 *     CE_EOR3    0 or 1   use EOR3 (Armv8.2 SHA3 extension) for 3-way XORs
 *     CE_XTS     0 or 1   offer XTS (the u4 variant is GCM only: its XTS
 *                         would be armv8-ce's, row for row)
 *
 *   kernels/arm64/armv8-ce       UNROLL 8, EOR3 0   (AES + PMULL)
 *   kernels/arm64/armv8-ce-u4    UNROLL 4, EOR3 0   (AES + PMULL)
 *   kernels/arm64/armv8-ce-eor3  UNROLL 8, EOR3 1   (AES + PMULL + SHA3)
 *
 * so the two optimisations Arm published for Neoverse (unroll the fused
 * AES-GCM loop from 4 to 8, then fold XOR chains into EOR3) can be measured
 * one at a time on real hardware, as in the seeds' c7g comparison.
 *
 * ISA code is selected per function: every function here carries CE_TGT,
 * target("+crypto") or, for EOR3, target("arch=armv8.2-a+crypto+sha3") (GCC
 * 12 only exposes the EOR3 intrinsic under an Armv8.2 target; SHA3 exists
 * only from v8.2 on, so nothing is lost).  No global -march: one build runs
 * on every aarch64 CPU and the kernels' cpu_ok() gate them on HWCAP
 * (arm64_cpu.h).  GCC never inlines these into code without the features.
 *
 * AES on Arm.  AESE k = AddRoundKey(k), SubBytes, ShiftRows; AESMC =
 * MixColumns.  So round r of a block is AESMC(AESE(s, rk[r])) for r = 0 ..
 * R-2, the last is AESE(s, rk[R-1]) followed by a plain XOR with rk[R]
 * (R = 10/12/14).  Each AESE is followed by its AESMC on the same register,
 * the pair the Neoverse cores fuse.  The closing XOR is where EOR3 helps
 * first: output = state ^ rk[R] ^ input is one EOR3 instead of two EORs.
 * Decryption (XTS) is the same with AESD/AESIMC over the Equivalent Inverse
 * Cipher schedule dk[i] = AESIMC(rk[R-i]).  The key schedule itself uses
 * AESE with a zero key on a word broadcast to all four columns (ShiftRows
 * is then the identity), so SubWord is table free.
 *
 * GHASH representation.  The x86 kernels' (x86_aes.h) reflected form,
 * adapted to PMULL: a block's "R form" is its 16 bytes reversed, and the
 * hash key is stored as H' = H * x^-1 so that a 256-bit carry-less product
 * followed by a Montgomery fold by x^128 (constant 0xC2 << 56, two PMULLs)
 * gives the GF(2^128) product in R form.  But a full byte reversal costs
 * REV64 + EXT per block; REV64 alone gives the R form with its two 64-bit
 * halves swapped ("Y form").  Products need no swap back: storing each key
 * power swapped too (hs[]), PMULL2(Y, hs) is the low product a0*b0 and
 * PMULL(Y, hs) the high product a1*b1.  One REV64 per block, one EXT per
 * reduction to bring the running hash Xi back to Y form.
 *
 * Karatsuba: per block three PMULLs instead of four; the middle product
 * (a0^a1)(b0^b1) uses a folded key hf[] = b0^b1 held in both lanes.  The
 * a0^a1 of two blocks is made at once: TRN1/TRN2 gather the blocks' halves
 * lane-wise and one EOR gives both folds, the first block's multiplied by
 * PMULL (lane 0) and the second's by PMULL2 (lane 1) - 1.5 instead of 2
 * instructions per block.
 *
 * Delayed reduction: the lo, mid, hi partial products of up to 8 blocks
 * (block j of n multiplied by H^(n-j), the running hash folded into block
 * 0) are summed unreduced and reduced once: XOR is linear, so sum-then-
 * reduce equals reduce-then-sum.  With EOR3 each accumulation takes both
 * blocks of a pair in one instruction, and the Karatsuba fix-up and the two
 * folds of the reduction are one EOR3 each (3 instead of 6 EORs).
 *
 * GCM fused loop, CE_UNROLL (U) blocks in flight.  Counter blocks are made
 * in vector registers: the IV words are kept REV32'ed with the counter as a
 * native 32-bit lane, so inc32 is a vector ADD (wrapping modulo 2^32, as
 * GCM demands, never a 128-bit carry) and one REV32 restores the byte
 * order; the first AESE does the rk[0] whitening.  The AES rounds of the U
 * blocks run round by round; GHASH work rides between them:
 *     after round 2p     REV64 of GHASH input block 2p (block 0 ^ Xi)
 *     after round 2p+1   REV64 of block 2p+1, then the pair's 6 PMULLs
 *                        and their accumulation (p = 0 .. U/2-1)
 *     after round U      the one reduction of the batch
 * The remaining rounds are AES only.  U = 8 therefore needs 8 AESE+AESMC
 * rounds plus one for the reduction, which AES-128's 9 just provide.
 *   encrypt: the GHASH input of batch k is the ciphertext of batch k-1,
 *            read back from out (the first batch is pure CTR; the last
 *            batch is hashed after the loop);
 *   decrypt: the GHASH input is the batch's own ciphertext, read from in
 *            before out is written, so in == out works.
 * Why 8: each block is a serial chain of R dependent AESE+AESMC pairs (a
 * fused pair has a latency of 2-3 cycles on Neoverse cores) and the cores
 * issue AES on two or more SIMD pipes, so latency x pipes exceeds 4
 * independent chains; 8 fill them (Arm's recommendation for c7g, seed 002)
 * and halve the reductions per byte.  The PMULLs share those pipes; the
 * out-of-order window overlaps them with the rounds.  Registers: 8 states,
 * 2-8 GHASH inputs, 3 accumulators, a few keys; round keys the allocator
 * cannot keep are re-loaded each round (loads are cheap and off the
 * critical chain).  mk/arm64.mk compiles the kernels with
 * -fno-schedule-insns, so that GCC keeps this interleave in program order
 * (its pre-RA scheduler would otherwise hoist a batch's whole GHASH above
 * its first AES round).
 *
 * Tails: the last < U whole blocks and a partial one get their key stream
 * from one 4- or 8-wide AES pass (same latency as one block), their GHASH
 * is one aggregated multiply (H^n .. H^1, one reduction); a partial block is
 * hashed zero padded.  AAD of any length goes through the same aggregated
 * GHASH, 8 blocks per reduction.  E(J0) for the tag is computed first.
 *
 * XTS: 8 blocks in flight, each whitened with its tweak T_i on the way in
 * (EOR, then AESE does rk[0]) and out (EOR3 with rk[R], or two EORs).  The
 * next batch's tweaks are T_i * x^8, computed in parallel: a one-byte EXT
 * shift plus one PMULL of the outgoing byte by 0x87, instead of a serial
 * chain of 8 doublings.  Single blocks after the batches use the branch-free
 * doubling (SSHR builds the carry masks).  Ciphertext stealing (len % 16 !=
 * 0): the last full block and the partial one are done apart, encrypt with
 * T_{m-1} then T_m, decrypt with T_m then T_{m-1} (IEEE 1619); the partial
 * input is read before any overlapping output is written (in == out).
 *
 * Constant time: AESE/AESD/PMULL have data-independent timing; no branch or
 * memory index depends on key, data or tag; lengths are public.  Stack
 * copies of partial blocks, key stream and the expanded key words are
 * wiped.
 */
#ifndef CE_UNROLL
#error "define CE_UNROLL (4 or 8) before including ce_kernel.h"
#endif
#if CE_UNROLL != 4 && CE_UNROLL != 8
#error "CE_UNROLL must be 4 or 8"
#endif
#if !defined(CE_EOR3) || !defined(CE_XTS) || !defined(CE_KERNEL) || !defined(CE_NAME)
#error "define CE_EOR3, CE_XTS, CE_KERNEL (symbol) and CE_NAME (string)"
#endif

#include <arm_neon.h>
#include <string.h>

#include "own_kernel.h"
#include "arm64_cpu.h"

#if CE_EOR3
#define CE_TGT __attribute__((target("arch=armv8.2-a+crypto+sha3")))
#else
#define CE_TGT __attribute__((target("+crypto")))
#endif
#define INL __attribute__((always_inline)) static inline
#define UNROLL _Pragma("GCC unroll 16")

#define U CE_UNROLL

typedef uint8x16_t v128;

#define LD(p) vld1q_u8((const uint8_t *)(p))
#define ST(p, v) vst1q_u8((uint8_t *)(p), (v))

/* ---- contexts ---------------------------------------------------------- */

struct gcm_ctx {
    v128 rk[15];
    v128 hs[8];    /* hs[i] = H'^(i+1), halves swapped (for Y-form blocks) */
    v128 hf[8];    /* H'^(i+1) low half ^ high half, in both lanes (Karatsuba) */
    v128 hp_rk[15]; /* QUIC header-protection key schedule */
    int rounds, hp_rounds;
};

struct xts_ctx {
    v128 ek[15]; /* data key, encryption */
    v128 dk[15]; /* data key, Equivalent Inverse Cipher */
    v128 tk[15]; /* tweak key, encryption */
    int rounds;
};

/* ---- small vector helpers --------------------------------------------- */

CE_TGT INL v128 x3(v128 a, v128 b, v128 c)
{
#if CE_EOR3
    return veor3q_u8(a, b, c);
#else
    return veorq_u8(a, veorq_u8(b, c));
#endif
}

CE_TGT INL v128 swap64(v128 a) { return vextq_u8(a, a, 8); }

/* 64x64 carry-less products: lane 0 x lane 0 (PMULL), lane 1 x lane 1 (PMULL2). */
CE_TGT INL v128 pmull_lo(v128 a, v128 b)
{
    return vreinterpretq_u8_p128(vmull_p64((poly64_t)vgetq_lane_p64(vreinterpretq_p64_u8(a), 0),
                                           (poly64_t)vgetq_lane_p64(vreinterpretq_p64_u8(b), 0)));
}
CE_TGT INL v128 pmull_hi(v128 a, v128 b)
{
    return vreinterpretq_u8_p128(vmull_high_p64(vreinterpretq_p64_u8(a), vreinterpretq_p64_u8(b)));
}

CE_TGT INL v128 trn1_64(v128 a, v128 b)
{
    return vreinterpretq_u8_u64(vtrn1q_u64(vreinterpretq_u64_u8(a), vreinterpretq_u64_u8(b)));
}
CE_TGT INL v128 trn2_64(v128 a, v128 b)
{
    return vreinterpretq_u8_u64(vtrn2q_u64(vreinterpretq_u64_u8(a), vreinterpretq_u64_u8(b)));
}

/* Y form of a block in memory: REV64 (see the header). */
CE_TGT INL v128 ld_y(const uint8_t *p) { return vrev64q_u8(LD(p)); }

/* ---- AES ---------------------------------------------------------------- */

#define AES_RND(s, k) vaesmcq_u8(vaeseq_u8((s), (k)))
#define AESD_RND(s, k) vaesimcq_u8(vaesdq_u8((s), (k)))

/* SubWord(w): w broadcast to the 4 columns, AESE with a zero key. */
CE_TGT INL uint32_t ce_subword(uint32_t w)
{
    v128 v = vreinterpretq_u8_u32(vdupq_n_u32(w));
    v = vaeseq_u8(v, vdupq_n_u8(0));
    return vgetq_lane_u32(vreinterpretq_u32_u8(v), 0);
}

/*
 * FIPS-197 KeyExpansion, word by word, for every key size.  A word is 4 key
 * bytes loaded little-endian, so RotWord is a rotate right by 8 and the
 * round constant goes into the low byte.  Branches depend on the word index
 * only.  Returns the number of rounds (0 for a bad length).
 */
CE_TGT static int ce_expand_key(const uint8_t *key, size_t key_len, v128 rk[15])
{
    int nk = (int)(key_len / 4), rounds;
    if (key_len == 16) rounds = 10;
    else if (key_len == 24) rounds = 12;
    else if (key_len == 32) rounds = 14;
    else return 0;
    uint32_t w[60];
    int total = 4 * (rounds + 1);
    memcpy(w, key, key_len);
    uint32_t rcon = 1;
    for (int i = nk; i < total; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = ce_subword((t >> 8) | (t << 24)) ^ rcon;
            rcon = (rcon << 1) ^ (0x11bu & (0u - (rcon >> 7))); /* xtime of a public value */
        } else if (nk > 6 && i % nk == 4) {
            t = ce_subword(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (int r = 0; r <= rounds; r++)
        rk[r] = LD(&w[4 * r]);
    own_wipe(w, sizeof w);
    return rounds;
}

CE_TGT INL v128 ce_enc_block(const v128 *rk, int rounds, v128 b)
{
    for (int r = 0; r < rounds - 1; r++)
        b = AES_RND(b, rk[r]);
    return veorq_u8(vaeseq_u8(b, rk[rounds - 1]), rk[rounds]);
}

CE_TGT INL v128 ce_dec_block(const v128 *dk, int rounds, v128 b)
{
    for (int r = 0; r < rounds - 1; r++)
        b = AESD_RND(b, dk[r]);
    return veorq_u8(vaesdq_u8(b, dk[rounds - 1]), dk[rounds]);
}

/* ---- GHASH -------------------------------------------------------------- */

typedef struct { v128 lo, mi, hi; } gacc; /* unreduced Karatsuba sums */

#define GH_POLY() vreinterpretq_u8_u64(vdupq_n_u64(0xc200000000000000ull))

/* Montgomery fold of lo + mi*x^64 + hi*x^128 (mi: the true middle sum),
 * as in x86_aes.h: twice, fold the low half with 0xC2 << 56 and swap. */
CE_TGT INL v128 gh_reduce(v128 lo, v128 mi, v128 hi)
{
    const v128 p = GH_POLY();
    mi = x3(mi, swap64(lo), pmull_lo(lo, p));
    return x3(hi, swap64(mi), pmull_lo(mi, p)); /* R form */
}

/* Karatsuba sums -> reduced R form: the middle sum held (a0^a1)(b0^b1);
 * removing lo and hi leaves the cross terms. */
CE_TGT INL v128 gh_reduce_kara(const gacc *a)
{
    return gh_reduce(a->lo, x3(a->mi, a->lo, a->hi), a->hi);
}

/* One Y-form block times H^p (p = 1..8), accumulated unreduced. */
CE_TGT INL void gh_one(const struct gcm_ctx *c, gacc *a, v128 y, int p)
{
    a->lo = veorq_u8(a->lo, pmull_hi(y, c->hs[p - 1]));
    a->hi = veorq_u8(a->hi, pmull_lo(y, c->hs[p - 1]));
    a->mi = veorq_u8(a->mi, pmull_lo(veorq_u8(y, swap64(y)), c->hf[p - 1]));
}

/* Two Y-form blocks times H^pa and H^pb; with EOR3 each sum takes both. */
CE_TGT INL void gh_two(const struct gcm_ctx *c, gacc *a, v128 ya, int pa, v128 yb, int pb)
{
    const v128 m = veorq_u8(trn1_64(ya, yb), trn2_64(ya, yb)); /* (ya0^ya1, yb0^yb1) */
    a->lo = x3(a->lo, pmull_hi(ya, c->hs[pa - 1]), pmull_hi(yb, c->hs[pb - 1]));
    a->hi = x3(a->hi, pmull_lo(ya, c->hs[pa - 1]), pmull_lo(yb, c->hs[pb - 1]));
    a->mi = x3(a->mi, pmull_lo(m, c->hf[pa - 1]), pmull_hi(m, c->hf[pb - 1]));
}

/* xs <- (xs ^ p[0]) * H^n ^ p[1] * H^(n-1) ^ ... ^ p[n-1] * H, 1 <= n <= 8;
 * xs in Y form on entry and exit. */
CE_TGT INL v128 ghash_n(const struct gcm_ctx *c, v128 xs, const uint8_t *p, int n)
{
    gacc a = {vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)};
    int j = 0;
    if (n & 1) {
        gh_one(c, &a, veorq_u8(ld_y(p), xs), n);
        j = 1;
    }
    for (; j < n; j += 2) {
        v128 ya = ld_y(p + 16 * j);
        if (j == 0)
            ya = veorq_u8(ya, xs);
        gh_two(c, &a, ya, n - j, ld_y(p + 16 * j + 16), n - j - 1);
    }
    return swap64(gh_reduce_kara(&a));
}

/* GHASH over len bytes, the last block zero padded. */
CE_TGT static v128 ghash(const struct gcm_ctx *c, v128 xs, const uint8_t *p, size_t len)
{
    for (; len >= 128; p += 128, len -= 128)
        xs = ghash_n(c, xs, p, 8);
    int n = (int)(len / 16);
    size_t r = len % 16;
    if (n)
        xs = ghash_n(c, xs, p, n);
    if (r) {
        uint8_t buf[16] = {0};
        memcpy(buf, p + 16 * n, r);
        xs = ghash_n(c, xs, buf, 1);
        own_wipe(buf, sizeof buf);
    }
    return xs;
}

/* R-form product a * b * x^-127 reduced (used in init for the powers). */
CE_TGT INL v128 gh_mul_r(v128 a, v128 b)
{
    const v128 bs = swap64(b);
    return gh_reduce(pmull_lo(a, b), veorq_u8(pmull_lo(a, bs), pmull_hi(a, bs)), pmull_hi(a, b));
}

/* ---- GCM: CTR ----------------------------------------------------------- */

/* The counter register: IV words REV32'ed, lane 3 = the 32-bit counter. */
CE_TGT INL v128 ctr_block(uint32x4_t ctr) { return vrev32q_u8(vreinterpretq_u8_u32(ctr)); }

#define CTR_ONE() vsetq_lane_u32(1, vdupq_n_u32(0), 3)

/* Key stream for n <= 8 counter blocks into ks[], in one 4- or 8-wide pass. */
CE_TGT INL void ks_pass(const struct gcm_ctx *c, uint32x4_t ctr, v128 *ks, const int w)
{
    const int rounds = c->rounds;
    const uint32x4_t one = CTR_ONE();
    v128 b[8];
    UNROLL for (int i = 0; i < w; i++) {
        b[i] = ctr_block(ctr);
        ctr = vaddq_u32(ctr, one);
    }
    for (int r = 0; r < rounds - 1; r++) {
        const v128 k = c->rk[r];
        UNROLL for (int i = 0; i < w; i++)
            b[i] = AES_RND(b[i], k);
    }
    UNROLL for (int i = 0; i < w; i++)
        ks[i] = veorq_u8(vaeseq_u8(b[i], c->rk[rounds - 1]), c->rk[rounds]);
}

CE_TGT static void ctr_keystream(const struct gcm_ctx *c, uint32x4_t ctr, int n, v128 ks[8])
{
    if (n <= 4)
        ks_pass(c, ctr, ks, 4);
    else
        ks_pass(c, ctr, ks, 8);
}

/* The tail (< 16U bytes): XOR with key stream, GHASH the ciphertext side. */
CE_TGT static v128 gcm_tail(const struct gcm_ctx *c, uint32x4_t ctr, v128 xs, const uint8_t *in,
                            size_t len, uint8_t *out, int enc)
{
    if (len == 0)
        return xs;
    v128 ks[8];
    uint8_t buf[16];
    size_t n = len / 16, r = len % 16;
    if (!enc)
        xs = ghash(c, xs, in, len); /* before out (maybe == in) changes */
    ctr_keystream(c, ctr, (int)(n + (r != 0)), ks);
    for (size_t i = 0; i < n; i++)
        ST(out + 16 * i, veorq_u8(LD(in + 16 * i), ks[i]));
    if (r) {
        ST(buf, ks[n]);
        for (size_t i = 0; i < r; i++)
            out[16 * n + i] = (uint8_t)(in[16 * n + i] ^ buf[i]);
        own_wipe(buf, sizeof buf);
    }
    own_wipe(ks, sizeof ks);
    if (enc)
        xs = ghash(c, xs, out, len);
    return xs;
}

/* ---- GCM: the fused loop ------------------------------------------------ */

/*
 * One batch of U blocks: CTR on in -> out and, if hash, GHASH of the U
 * blocks at g (block j times H^(U-j), Xi folded into block 0) between the
 * rounds, as laid out in the header.  Always inlined with a constant
 * `hash`, so the pure-CTR first batch of an encryption has no GHASH code.
 * The loops over r and i are fully unrolled, so every `r == ...` test is
 * resolved at compile time and the arrays live in registers.
 */
CE_TGT INL void gcm_batch(const struct gcm_ctx *c, uint32x4_t *ctrp, v128 *xsp, const uint8_t *g,
                          const uint8_t *in, uint8_t *out, const int hash)
{
    const int rounds = c->rounds;
    const uint32x4_t one = CTR_ONE();
    uint32x4_t ctr = *ctrp;
    v128 b[U], y[U];
    gacc a = {vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)};
    UNROLL for (int i = 0; i < U; i++) {
        b[i] = ctr_block(ctr);
        ctr = vaddq_u32(ctr, one);
    }
    *ctrp = ctr;

    UNROLL for (int r = 0; r <= U; r++) {
        const v128 k = c->rk[r];
        UNROLL for (int i = 0; i < U; i++)
            b[i] = AES_RND(b[i], k);
        if (!hash)
            continue;
        if (r < U) {
            y[r] = ld_y(g + 16 * r);
            if (r == 0)
                y[0] = veorq_u8(y[0], *xsp);
            if (r & 1)
                gh_two(c, &a, y[r - 1], U - r + 1, y[r], U - r);
        } else {
            *xsp = swap64(gh_reduce_kara(&a));
        }
    }
    for (int r = U + 1; r < rounds - 1; r++) {
        const v128 k = c->rk[r];
        UNROLL for (int i = 0; i < U; i++)
            b[i] = AES_RND(b[i], k);
    }
    const v128 kp = c->rk[rounds - 1], kl = c->rk[rounds];
    UNROLL for (int i = 0; i < U; i++)
        ST(out + 16 * i, x3(vaeseq_u8(b[i], kp), kl, LD(in + 16 * i)));
}

/*
 * The whole payload: ctr is the counter register of the first payload
 * block (inc32(J0)); returns the GHASH state (Y form) after the payload.
 */
CE_TGT static v128 gcm_payload(const struct gcm_ctx *c, uint32x4_t ctr, v128 xs, const uint8_t *in,
                               size_t len, uint8_t *out, int enc)
{
    const size_t bytes = 16 * U;
    size_t nb = len / bytes;
    if (enc) {
        if (nb) {
            gcm_batch(c, &ctr, &xs, NULL, in, out, 0);
            for (size_t i = 1; i < nb; i++)
                gcm_batch(c, &ctr, &xs, out + bytes * (i - 1), in + bytes * i, out + bytes * i, 1);
            const uint8_t *last = out + bytes * (nb - 1);
            xs = ghash_n(c, xs, last, U);
        }
    } else {
        for (size_t i = 0; i < nb; i++)
            gcm_batch(c, &ctr, &xs, in + bytes * i, in + bytes * i, out + bytes * i, 1);
    }
    return gcm_tail(c, ctr, xs, in + bytes * nb, len - bytes * nb, out + bytes * nb, enc);
}

/* GHASH(AAD, payload) and the tag mask E(J0): shared by seal and open. */
CE_TGT static void gcm_crypt(const struct gcm_ctx *c, const uint8_t iv[12], const uint8_t *aad,
                             size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t tag[16], int enc)
{
    uint8_t j0b[16];
    memcpy(j0b, iv, 12);
    j0b[12] = 0, j0b[13] = 0, j0b[14] = 0, j0b[15] = 1;
    const v128 j0 = LD(j0b);
    const v128 ekj0 = ce_enc_block(c->rk, c->rounds, j0);
    const uint32x4_t ctr = vaddq_u32(vreinterpretq_u32_u8(vrev32q_u8(j0)), CTR_ONE());

    v128 xs = ghash(c, vdupq_n_u8(0), aad, aad_len);
    xs = gcm_payload(c, ctr, xs, in, len, out, enc);
    /* the length block in Y form: lane 0 = AAD bits, lane 1 = payload bits */
    const v128 lens = vreinterpretq_u8_u64(
        vcombine_u64(vcreate_u64((uint64_t)aad_len * 8), vcreate_u64((uint64_t)len * 8)));
    gacc a = {vdupq_n_u8(0), vdupq_n_u8(0), vdupq_n_u8(0)};
    gh_one(c, &a, veorq_u8(xs, lens), 1);
    const v128 x = gh_reduce_kara(&a); /* R form: bytes reversed */
    ST(tag, veorq_u8(vrev64q_u8(swap64(x)), ekj0));
}

/* ---- GCM entry points --------------------------------------------------- */

CE_TGT static void ce_gcm_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->rounds = ce_expand_key(key, key_len, c->rk);
    /* H' = H * x^-1 in R form: reverse the bytes, shift left one bit, and
     * if the bit shifted out was set add x^-1 = 0xC2000..0001 (mask, no
     * branch). */
    v128 h = ce_enc_block(c->rk, c->rounds, vdupq_n_u8(0));
    h = vrev64q_u8(swap64(h));
    const uint64x2_t hv = vreinterpretq_u64_u8(h);
    const uint64x2_t top = vreinterpretq_u64_s64(
        vshrq_n_s64(vreinterpretq_s64_u64(vdupq_laneq_u64(hv, 1)), 63));
    const uint64x2_t carry = vshrq_n_u64(hv, 63);
    uint64x2_t s = vorrq_u64(vshlq_n_u64(hv, 1), vextq_u64(vdupq_n_u64(0), carry, 1));
    const uint64x2_t poly = vcombine_u64(vcreate_u64(1), vcreate_u64(0xc200000000000000ull));
    const v128 hk = vreinterpretq_u8_u64(veorq_u64(s, vandq_u64(top, poly)));
    v128 p = hk;
    for (int i = 0; i < 8; i++) {
        c->hs[i] = swap64(p);
        c->hf[i] = veorq_u8(p, swap64(p));
        p = gh_mul_r(p, hk);
    }
}

static void ce_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    gcm_crypt(ctx, iv, aad, aad_len, in, len, out, tag, 1);
}

static int ce_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                       const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    uint8_t computed[16];
    gcm_crypt(ctx, iv, aad, aad_len, in, len, out, computed, 0);
    return own_gcm_finish_open(computed, tag, out, len);
}

CE_TGT static void ce_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->hp_rounds = ce_expand_key(hp_key, key_len, c->hp_rk);
}

/* The mask does not depend on the payload; issued first, its rounds
 * overlap the start of the seal. */
CE_TGT static void ce_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                  size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                  uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const struct gcm_ctx *c = ctx;
    ST(mask, ce_enc_block(c->hp_rk, c->hp_rounds, LD(sample)));
    gcm_crypt(c, iv, aad, aad_len, in, len, out, tag, 1);
}

/* ---- XTS ---------------------------------------------------------------- */
#if CE_XTS

/* T * x (XTS little-endian convention): each 64-bit lane doubled; lane 0's
 * top bit carries into lane 1, lane 1's (bit 127) folds back as 0x87. */
CE_TGT INL v128 xts_mul_x(v128 t)
{
    const int64x2_t m = vshrq_n_s64(vreinterpretq_s64_u8(t), 63);
    const uint64x2_t c = vandq_u64(vreinterpretq_u64_s64(vextq_s64(m, m, 1)),
                                   vcombine_u64(vcreate_u64(0x87), vcreate_u64(1)));
    const uint64x2_t d = vshlq_n_u64(vreinterpretq_u64_u8(t), 1);
    return vreinterpretq_u8_u64(veorq_u64(d, c));
}

/* T * x^8: a one-byte shift, the outgoing byte times 0x87 folded back. */
CE_TGT INL v128 xts_mul_x8(v128 t)
{
    const v128 k87 = vreinterpretq_u8_u64(vdupq_n_u64(0x87));
    const v128 top = vreinterpretq_u8_u64(vshrq_n_u64(vreinterpretq_u64_u8(t), 56));
    return veorq_u8(vextq_u8(vdupq_n_u8(0), t, 15), pmull_hi(top, k87));
}

CE_TGT static void ce_xts_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct xts_ctx *c = ctx;
    size_t half = key_len / 2;
    c->rounds = ce_expand_key(key, half, c->ek);
    ce_expand_key(key + half, half, c->tk);
    const int R = c->rounds;
    c->dk[0] = c->ek[R];
    for (int i = 1; i < R; i++)
        c->dk[i] = vaesimcq_u8(c->ek[R - i]);
    c->dk[R] = c->ek[0];
}

/*
 * n blocks from in to out with tweaks starting at *tp; *tp is left at the
 * tweak of the block after the last.  Always inlined with a constant dec.
 */
CE_TGT INL void xts_blocks(const struct xts_ctx *c, v128 *tp, const uint8_t *in, size_t n,
                           uint8_t *out, const int dec)
{
    const v128 *rk = dec ? c->dk : c->ek;
    const int rounds = c->rounds;
    v128 t0 = *tp;
    if (n >= 8) {
        v128 t[8], b[8];
        t[0] = t0;
        UNROLL for (int i = 1; i < 8; i++)
            t[i] = xts_mul_x(t[i - 1]);
        for (; n >= 8; n -= 8, in += 128, out += 128) {
            UNROLL for (int i = 0; i < 8; i++)
                b[i] = veorq_u8(LD(in + 16 * i), t[i]);
            for (int r = 0; r < rounds - 1; r++) {
                const v128 k = rk[r];
                if (dec) {
                    UNROLL for (int i = 0; i < 8; i++)
                        b[i] = AESD_RND(b[i], k);
                } else {
                    UNROLL for (int i = 0; i < 8; i++)
                        b[i] = AES_RND(b[i], k);
                }
            }
            const v128 kp = rk[rounds - 1], kl = rk[rounds];
            UNROLL for (int i = 0; i < 8; i++) {
                const v128 s = dec ? vaesdq_u8(b[i], kp) : vaeseq_u8(b[i], kp);
                ST(out + 16 * i, x3(s, kl, t[i]));
                t[i] = xts_mul_x8(t[i]);
            }
        }
        t0 = t[0];
    }
    for (; n; n--, in += 16, out += 16) {
        v128 b = veorq_u8(LD(in), t0);
        b = dec ? ce_dec_block(rk, rounds, b) : ce_enc_block(rk, rounds, b);
        ST(out, veorq_u8(b, t0));
        t0 = xts_mul_x(t0);
    }
    *tp = t0;
}

CE_TGT static void ce_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                  size_t len, uint8_t *out)
{
    const struct xts_ctx *c = ctx;
    size_t m = len / 16, r = len % 16;
    v128 t = ce_enc_block(c->tk, c->rounds, LD(tweak));
    xts_blocks(c, &t, in, r ? m - 1 : m, out, 0);
    if (r) {
        /* t = T_{m-1}.  CC = E(P_{m-1}); C_m = CC[0..r);
         * C_{m-1} = E(P_m || CC[r..16)) under T_m. */
        const uint8_t *pin = in + 16 * (m - 1);
        uint8_t *pout = out + 16 * (m - 1);
        uint8_t cc[16], pm[16];
        ST(cc, veorq_u8(ce_enc_block(c->ek, c->rounds, veorq_u8(LD(pin), t)), t));
        memcpy(pm, pin + 16, r); /* read P_m before C_m may overwrite it */
        memcpy(pout + 16, cc, r);
        memcpy(cc, pm, r);
        t = xts_mul_x(t);
        ST(pout, veorq_u8(ce_enc_block(c->ek, c->rounds, veorq_u8(LD(cc), t)), t));
        own_wipe(cc, sizeof cc);
        own_wipe(pm, sizeof pm);
    }
}

CE_TGT static void ce_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                  size_t len, uint8_t *out)
{
    const struct xts_ctx *c = ctx;
    size_t m = len / 16, r = len % 16;
    v128 t = ce_enc_block(c->tk, c->rounds, LD(tweak));
    xts_blocks(c, &t, in, r ? m - 1 : m, out, 1);
    if (r) {
        /* t = T_{m-1}.  PP = D(C_{m-1}) under T_m; P_m = PP[0..r);
         * P_{m-1} = D(C_m || PP[r..16)) under T_{m-1}. */
        const uint8_t *cin = in + 16 * (m - 1);
        uint8_t *pout = out + 16 * (m - 1);
        uint8_t pp[16], cm[16];
        const v128 t2 = xts_mul_x(t);
        ST(pp, veorq_u8(ce_dec_block(c->dk, c->rounds, veorq_u8(LD(cin), t2)), t2));
        memcpy(cm, cin + 16, r); /* read C_m before P_m may overwrite it */
        memcpy(pout + 16, pp, r);
        memcpy(pp, cm, r);
        ST(pout, veorq_u8(ce_dec_block(c->dk, c->rounds, veorq_u8(LD(pp), t)), t));
        own_wipe(pp, sizeof pp);
        own_wipe(cm, sizeof cm);
    }
}
#endif /* CE_XTS */

/* ---- kernel table ------------------------------------------------------- */

static int ce_cpu_ok(void)
{
#if CE_EOR3
    return own_arm64_cpu_ce_eor3();
#else
    return own_arm64_cpu_ce();
#endif
}

const own_kernel CE_KERNEL = {
    .name = CE_NAME,
    .isa = CE_EOR3 ? "armv8-ce+sha3" : "armv8-ce",
    .cpu_ok = ce_cpu_ok,
    .needs = CE_EOR3 ? "aes pmull sha3" : "aes pmull",
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(struct gcm_ctx),
    .gcm_init = ce_gcm_init,
    .gcm_seal = ce_gcm_seal,
    .gcm_open = ce_gcm_open,
#if CE_XTS
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(struct xts_ctx),
    .xts_init = ce_xts_init,
    .xts_encrypt = ce_xts_encrypt,
    .xts_decrypt = ce_xts_decrypt,
#endif
    .gcm_hp_init = ce_gcm_hp_init,
    .gcm_seal_hp = ce_gcm_seal_hp,
};

#undef U
