/*
 * gcm512.c - AES-GCM with VAES + VPCLMULQDQ on 512-bit vectors (AVX-512
 * F/BW/VL/VBMI), for AES-128/192/256: the bulk kernel.
 *
 * Data layout.  A zmm holds four consecutive 16-byte blocks, one per
 * 128-bit lane.  The master counter is kept byte-reflected, so the 32-bit
 * block counter is dword 0 of a lane and VPADDD steps it exactly as GCM's
 * inc32 does (modulo 2^32).  Making AES input from it would cost a VPSHUFB
 * per vector; instead, whenever the counter's low byte cannot carry within
 * the next 32 blocks (all but one iteration in eight), one VPSHUFB gives the
 * first vector and the others are that plus 4j in the block's last byte.
 * GHASH works in the reflected register form of kernels/x86/common/
 * x86_aes.h with 64 powers H^64..H^1 (and their Karatsuba halves) in the
 * key context (vaes_ctx.h): one 64-byte load gives the multipliers of four
 * consecutive blocks.
 *
 * Main loop: 32 blocks (8 zmm, 512 bytes) per iteration.  The AES rounds of
 * the eight vectors are issued round by round - eight independent chains,
 * twice what Zen 4's four-cycle latency at one zmm AES per cycle needs, so
 * the GHASH work slotted between the rounds never starves the AES pipe.
 * That GHASH covers 32 blocks (which ones: below), a pair of vectors after
 * each of the first, third, fifth and seventh of the last nine rounds (the
 * extra rounds of AES-192/256 come first, so every key size has the same
 * schedule).  The blocks stay as they are in memory until then: one
 * VPERMT2B per pair gathers the byte-reflected low qwords of both vectors'
 * blocks into one register and another the high qwords, so the reflection
 * and the Karatsuba regrouping cost two permutes per pair instead of a
 * VPSHUFB, a VPSHUFD and an XOR per vector (measured here: seal 5-7%
 * faster, open 2%; on Zen 4 every vector op competes with AES for
 * pipes).  lo and hi products are schoolbook
 * multiplies selecting qwords of those two registers, the middle product one
 * Karatsuba multiply of their XOR by the precomputed (lo ^ hi) of the power
 * - three VPCLMULQDQ per block instead of four, which matters because on
 * Zen 4 every VPCLMULQDQ takes an AES slot - and the products of the two
 * vectors are summed with one three-input XOR per part.  Nothing is
 * reduced until the last round: then lo and hi are added back into the
 * middle, the sum of all 32 products is reduced once (two VPCLMULQDQ) and
 * the four lanes are folded into one running value, which is XORed into the
 * first block of the next 32 (as two qwords, into the pair's permuted
 * registers).  The cross-iteration chain (one multiply, one reduction, one
 * fold, ~30 cycles) hides behind ~140 cycles of AES.
 *
 * That GHASH form suits Zen 4.  On Intel (Ice Lake's core family) the
 * 512-bit AES runs on one port and VPCLMULQDQ, VPSHUFB and VPERMT2B on
 * another, which also takes half of the XORs; there VPERMT2B costs two
 * cycles, and what the main loop runs out of is that port's cycles, not
 * VPCLMULQDQ's.  GCM512_SCHOOLBOOK (the kernel own/vaes512-sb,
 * kernels/x86/vaes512-sb) builds this file with the plain form instead:
 * one VPSHUFB per vector, four VPCLMULQDQ per block (lo, hi and both
 * middle halves), the acc XORed into the first reflected block; own/auto
 * picks between the two kernels per CPU from measurements.
 *
 * Open hashes the iteration's own 32 input blocks, loaded before the
 * rounds; seal hashes output blocks, kept in registers, so that its AES
 * and GHASH are independent.  In the schoolbook build, seal's iteration
 * runs in two halves of four vectors: the first half's rounds carry the
 * GHASH of the previous iteration's second half, the second half's that
 * of the first half just done, so a seal's GHASH trails its AES by 16
 * blocks.  Where the AES rounds outnumber the GHASH port's work (Intel),
 * the GHASH that trails the last AES instruction is what a seal pays
 * for, and half a chunk of it is half the cost.  The other build (tuned on
 * Zen 4, where VPCLMULQDQ takes AES slots and what counts is the total)
 * hashes the previous iteration's 32 blocks in one pass
 * (GCM512_SEAL_HALF picks).  Either way, seal's first iteration hashes no
 * previous blocks (a branch per GHASH slot, not a peeled copy of the
 * loop), and the blocks of its last chunk still unhashed are left to the
 * final step, which hashes them (read back from the output) once the
 * tail's keystream is issued: those products wait on the chunk's AES, and
 * issued first they would leave the AES port idle meanwhile.  With the
 * half lag and no tail, the last half is hashed instead right after the
 * loop, from its registers, the way open's last chunk is (below).
 *
 * A remainder after the whole chunks of at least GCM512_PART bytes (7
 * vectors; an open message that long too) takes one more main-loop
 * iteration instead of the final step: its last vectors run through
 * buffers (the input zero-filled), open's powers start lower so that its
 * last real block gets H^1, and seal's GHASH of it, in the final step,
 * reads them from the buffer, masked.  In the loop, GHASH is interleaved
 * with the AES rounds, where the final step issues all its keystream
 * first; a shorter remainder would leave too many of the iteration's 32
 * blocks of AES wasted.
 *
 * An open that ends with a main-loop chunk (whole, or partial as above)
 * multiplies that chunk (a seal with the half lag: its second half) by
 * powers one higher, so its reduction gives S * H
 * for S the GHASH so far; the final value (S ^ L) * H is that plus L * H for
 * the length block L, which depends on nothing in the payload: no multiply
 * and reduction waits on the last block, and the final step is skipped.
 *
 * Final step (gcm_final, one copy for both directions and every key size):
 * what of seal's last chunk is unhashed, the tail (under 32 blocks) and
 * the length block, each block multiplied by its own power of H, one
 * reduction (a whole last chunk of seal's is reduced on its own first only
 * if it and the rest exceed 64 blocks).
 * A message shorter than one iteration (for seal, one of exactly one too;
 * for open, one under GCM512_PART bytes) goes straight there, AAD
 * included: its AAD blocks join the one reduction when the message has at
 * most 64 blocks in all, as they do for a seal of one iteration.  The
 * tail's keystream comes from v512_keystream, four vectors round-major at
 * a time; its last vector's loads and stores are byte-masked (AVX512BW),
 * so nothing outside any buffer is touched, and masked-out lanes are zero,
 * so they add nothing to GHASH.
 *
 * AAD otherwise: hashed first, 16 blocks per reduction, the last vector
 * masked.  E(K, J0) runs on an xmm at entry, independent of everything
 * else.
 *
 * Constant time: branches and addresses depend on lengths only; the tag
 * comparison is a PTEST of the XOR of both tags.
 *
 * Code size: the round count is a run-time value everywhere.  Only the
 * main loop is instantiated per direction (which side is hashed must cost
 * nothing there) and only its GHASH-carrying rounds (the last nine of a
 * pass over the vectors; seal's halves make two passes) are unrolled;
 * everything else is one copy (the final step takes the direction as an
 * argument).  Linux's aes-gcm-vaes-avx512.S has the same shape.
 */
#include <stddef.h>
#include <string.h>

#include "own_kernel.h"
#include "v512.h"
#include "v512_ks.h"
#include "gcm512.h"

/* GHASH of the AAD into a reduced running value: 16 blocks per reduction,
 * every vector a byte-masked load (one rolled loop; a long AAD is rare, and
 * the bytes this saves pay for v512_keystream's unrolled rounds). */
__attribute__((noinline)) V512_TGT static __m128i ghash_aad(const vaes_gcm_ctx *c,
                                                            const uint8_t *aad, size_t alen)
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    __m128i acc = _mm_setzero_si128();
    while (alen) {
        const size_t m = alen < 256 ? alen : 256;
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
        int e = (int)((m + 15) / 16);
        for (size_t off = 0; off < m; off += 64, e -= 4) {
            __m512i d = _mm512_maskz_loadu_epi8(v512_bytes(m - off), aad + off);
            d = _mm512_xor_si512(_mm512_shuffle_epi8(d, bswap), _mm512_zextsi128_si512(acc));
            acc = _mm_setzero_si128();
            v512_gmul(d, v512_hpow(c, e), &lo, &mi, &hi);
        }
        acc = v512_reduce(lo, mi, hi, poly);
        aad += m;
        alen -= m;
    }
    return acc;
}

/* Tuning knob, kept for measuring alternatives (-DGCM512_V=...): vectors
 * per main-loop iteration, 4 or 8 (even halves for seal; measured on
 * Zen 4: 8 best, 4 about 10% slower for AES-128). */
#ifndef GCM512_V
#define GCM512_V 8
#endif

/* The main loop's GHASH form, 0 or 1 (kernels/x86/vaes512-sb builds this
 * file with 1 as its own kernel), and the entry points' names. */
#ifndef GCM512_SCHOOLBOOK
#define GCM512_SCHOOLBOOK 0
#endif
#ifndef GCM512_FN
#define GCM512_FN(name) own_v512_##name
#endif
#define V GCM512_V
/* Tuning knob: a remainder after the whole chunks (or a whole open
 * message) of at least this many bytes takes one more main-loop iteration
 * instead of the final step (crypt_bulk). */
#ifndef GCM512_PART
#define GCM512_PART 385
#endif
/* (the zero end of the smallest such chunk reads powers this far past H^1) */
_Static_assert(4 * V - (GCM512_PART + 15) / 16 + 3 <= VAES_NPAD, "VAES_NPAD");
#define VB (64 * V)
/* Vectors of a partial last chunk that are always whole (it has at least
 * GCM512_PART bytes); the others go through buffers (crypt_bulk). */
#define PART_WHOLE (((GCM512_PART) - 1) / 64 < V ? ((GCM512_PART) - 1) / 64 : V)
#define PART_REST (V - PART_WHOLE + 1) /* (+1: an array never empty) */
#if V != 4 && V != 8
#error "GCM512_V must be 4 or 8"
#endif
/* Tuning knob: seal's main loop hashes with half a chunk's lag (1) or a
 * whole chunk's (0), see the top; by default the schoolbook build (Intel's
 * kernel) takes half, the other (Zen 4's) a whole one. */
#ifndef GCM512_SEAL_HALF
#define GCM512_SEAL_HALF GCM512_SCHOOLBOOK
#endif
/* The first vector of seal's last chunk that the final step hashes. */
#define SEAL_J0 (GCM512_SEAL_HALF ? V / 2 : 0)
_Static_assert(64 * SEAL_J0 < GCM512_PART, "GCM512_PART: a partial chunk's vectors before SEAL_J0 are whole");

/* One round of the vectors x[j0 .. j0 + nv - 1]; ROUNDV: of all V. */
#define ROUNDN(k, j0, nv)                                                  \
    do {                                                                   \
        __m512i k_ = (k);                                                  \
        _Pragma("GCC unroll 8") for (int j = (j0); j < (j0) + (nv); j++)  \
            x[j] = _mm512_aesenc_epi128(x[j], k_);                         \
    } while (0)
#define ROUNDV(k) ROUNDN(k, 0, V)

/*
 * V counter vectors, whitened.  The master counter is byte-reflected (ctr);
 * when the low byte of the 32-bit counter cannot carry within these 4V
 * blocks - all but one iteration in 256/(4V) - one shuffle gives the first
 * vector and the others are that plus k in the counter's last byte.
 */
#define CTRV()                                                                      \
    do {                                                                            \
        if ((cnt & 0xff) <= 256 - 4 * V) {                                          \
            __m512i be_ = _mm512_shuffle_epi8(ctr, bswap);                          \
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)                     \
                x[j] = _mm512_xor_si512(j ? _mm512_add_epi32(be_, v512_incbe(4 * j)) : be_, rk[0]); \
        } else {                                                                    \
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)                     \
                x[j] = _mm512_xor_si512(                                            \
                    _mm512_shuffle_epi8(_mm512_add_epi32(ctr, v512_incall(4 * j)), bswap), rk[0]); \
        }                                                                           \
        ctr = _mm512_add_epi32(ctr, v512_incall(4 * V));                            \
        cnt += 4 * V;                                                               \
    } while (0)

/* The main loop's powers: hpb points just past H^1 (in open's partial
 * chunk, further: see crypt_bulk); hkar lies a constant distance from
 * hpow. */
#define HPOW(e) _mm512_loadu_si512((const void *)(hpb - 16 * (e)))
#define HKAR_AT (offsetof(vaes_gcm_ctx, hkar) - offsetof(vaes_gcm_ctx, hpow))
#define HKAR(e) _mm512_loadu_si512((const void *)(hpb + HKAR_AT - 16 * (e)))

#if GCM512_SCHOOLBOOK
/* GHASH of the pair ga, gb (raw blocks needing H^e .. H^(e-7)) into the
 * unreduced sums: each vector byte-reflected by one VPSHUFB and multiplied
 * schoolbook (four VPCLMULQDQ per vector), the two vectors' products summed
 * with one three-input XOR per part; with first, the running value acc is
 * added to ga's first block.  mi is complete as it stands. */
#define GHASH_PAIR(ga, gb, e, first)                                                   \
    do {                                                                               \
        __m512i a_ = _mm512_shuffle_epi8(ga, bswap);                                   \
        if (first)                                                                     \
            a_ = _mm512_xor_si512(a_, _mm512_zextsi128_si512(acc));                    \
        __m512i b_ = _mm512_shuffle_epi8(gb, bswap);                                   \
        __m512i ha_ = HPOW(e), hb_ = HPOW((e) - 4);                                   \
        lo = _mm512_ternarylogic_epi64(lo, _mm512_clmulepi64_epi128(a_, ha_, 0x00),    \
                                       _mm512_clmulepi64_epi128(b_, hb_, 0x00), 0x96); \
        hi = _mm512_ternarylogic_epi64(hi, _mm512_clmulepi64_epi128(a_, ha_, 0x11),    \
                                       _mm512_clmulepi64_epi128(b_, hb_, 0x11), 0x96); \
        mi = _mm512_ternarylogic_epi64(mi, _mm512_clmulepi64_epi128(a_, ha_, 0x01),    \
                                       _mm512_clmulepi64_epi128(a_, ha_, 0x10), 0x96); \
        mi = _mm512_ternarylogic_epi64(mi, _mm512_clmulepi64_epi128(b_, hb_, 0x01),    \
                                       _mm512_clmulepi64_epi128(b_, hb_, 0x10), 0x96); \
    } while (0)
#define GHASH_MID_FIX() ((void)0)
#define GHASH_PAIR_SETUP() ((void)0)
#else
/* VPERMT2B indexes: byte i of lane l of L is byte 15-i (i < 8) of lane l of
 * the first source, else byte 15-(i-8) of the second (bit 6); H the same
 * with 7 for 15. */
#define PIDX(t, l, i) ((i) < 8 ? (l) * 16 + (t) - (i) : 64 + (l) * 16 + (t) - ((i) - 8))
#define PROW(t, l)                                                                     \
    PIDX(t, l, 0), PIDX(t, l, 1), PIDX(t, l, 2), PIDX(t, l, 3), PIDX(t, l, 4),         \
        PIDX(t, l, 5), PIDX(t, l, 6), PIDX(t, l, 7), PIDX(t, l, 8), PIDX(t, l, 9),     \
        PIDX(t, l, 10), PIDX(t, l, 11), PIDX(t, l, 12), PIDX(t, l, 13), PIDX(t, l, 14), \
        PIDX(t, l, 15)
static const uint8_t pair_idx[2][64] __attribute__((aligned(64))) = {
    {PROW(15, 0), PROW(15, 1), PROW(15, 2), PROW(15, 3)},
    {PROW(7, 0), PROW(7, 1), PROW(7, 2), PROW(7, 3)},
};

/* GHASH of the pair ga, gb (raw blocks needing H^e .. H^(e-7)) into the
 * unreduced sums; with first, the running value acc is added to ga's first
 * block.  lo and hi are added back into mi once, at the reduction. */
#define GHASH_PAIR(ga, gb, e, first)                                               \
    do {                                                                               \
        __m512i L_ = _mm512_permutex2var_epi8(ga, pidx_lo, gb);                        \
        __m512i H_ = _mm512_permutex2var_epi8(ga, pidx_hi, gb);                        \
        if (first) {                                                                   \
            L_ = _mm512_xor_si512(L_, _mm512_zextsi128_si512(_mm_move_epi64(acc)));    \
            H_ = _mm512_xor_si512(                                                     \
                H_, _mm512_zextsi128_si512(_mm_unpackhi_epi64(acc, _mm_setzero_si128()))); \
        }                                                                              \
        __m512i ha_ = HPOW(e), hb_ = HPOW((e) - 4);                                   \
        lo = _mm512_ternarylogic_epi64(lo, _mm512_clmulepi64_epi128(L_, ha_, 0x00),    \
                                       _mm512_clmulepi64_epi128(L_, hb_, 0x01), 0x96); \
        hi = _mm512_ternarylogic_epi64(hi, _mm512_clmulepi64_epi128(H_, ha_, 0x10),    \
                                       _mm512_clmulepi64_epi128(H_, hb_, 0x11), 0x96); \
        __m512i u_ = _mm512_xor_si512(L_, H_);                                         \
        mi = _mm512_ternarylogic_epi64(                                                \
            mi, _mm512_clmulepi64_epi128(u_, HKAR(e), 0x00),                           \
            _mm512_clmulepi64_epi128(u_, HKAR((e) - 4), 0x01), 0x96);                  \
    } while (0)

/* Karatsuba: lo and hi added back into mi, once per reduction. */
#define GHASH_MID_FIX() (mi = _mm512_ternarylogic_epi64(mi, lo, hi, 0x96))
#define GHASH_PAIR_SETUP()                                                         \
    const __m512i pidx_lo = _mm512_load_si512((const void *)pair_idx[0]);         \
    const __m512i pidx_hi = _mm512_load_si512((const void *)pair_idx[1])
#endif

/*
 * AES rounds 1..nr-1 of the vectors x[j0 .. j0 + nv - 1] with the GHASH
 * of nv vectors g[] (g[0]'s first block needs H^e0) slotted between the
 * last nine (the rounds every key size has, so one schedule serves all),
 * into the caller's unreduced lo, mi, hi (with reduce, reduced into acc
 * after the last round); the running value acc is added to g[0]'s first
 * block when first.  The extra rounds of AES-192/256 are
 * branched into, not looped over: a loop carrying all the states makes
 * the compiler shuffle registers on every pass.  hash false skips the
 * GHASH: a seal's first chunk has nothing to hash yet (a branch that
 * predicts perfectly, cheaper in code than a peeled first iteration).
 */
#define AESN_GHASH(j0, nv, g, e0, hash, first, reduce)                                \
    do {                                                                              \
        const __m512i *rt = rk + nr - 9;                                              \
        if (nr > 10) {                                                                \
            if (nr > 12) {                                                            \
                ROUNDN(rt[-4], j0, nv);                                               \
                ROUNDN(rt[-3], j0, nv);                                               \
            }                                                                         \
            ROUNDN(rt[-2], j0, nv);                                                   \
            ROUNDN(rt[-1], j0, nv);                                                   \
        }                                                                             \
        _Pragma("GCC unroll 9") for (int r = 0; r < 9; r++)                           \
        {                                                                             \
            ROUNDN(rt[r], j0, nv);                                                    \
            if (!(r & 1) && r < (nv) && (hash))                                       \
                GHASH_PAIR(g[r], g[r + 1], (e0) - 4 * r, r == 0 && (first));          \
            if (r == 8 && (reduce) && (hash)) {                                       \
                GHASH_MID_FIX();                                                      \
                acc = v512_reduce(lo, mi, hi, poly);                                  \
            }                                                                         \
        }                                                                             \
    } while (0)

/* All V vectors with the GHASH of g[], reduced into acc. */
#define AESV_GHASHV(g, hash)                                                          \
    do {                                                                              \
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;                        \
        AESN_GHASH(0, V, g, 4 * V, hash, 1, 1);                                       \
    } while (0)

/*
 * The GHASH of seal's last main-loop chunk, in the final step: its vectors
 * from SEAL_J0 on (len bytes in all: 4V blocks, or fewer for a partial
 * chunk), read back from the output at src, those from PART_WHOLE on from
 * rest (a partial chunk's buffer, zero past len), times their powers
 * added to the unreduced sums *lo, *mi, *hi, the running value acc added
 * to the first block.  e is the exponent its first block needs; when it
 * exceeds the powers in the context (a whole chunk and the tail after it
 * are more than 64 blocks, and then the sums hold nothing else), the
 * chunk is reduced on its own and the result returned as the new running
 * value (else zero).
 */
V512_INL __m128i ghash_last(const vaes_gcm_ctx *c, const uint8_t *src, const uint8_t *rest,
                            size_t len, int e, __m128i acc, __m512i *lo, __m512i *mi,
                            __m512i *hi)
{
    const __m512i bswap = v512_bswap();
    const int alone = !GCM512_SEAL_HALF && e > VAES_NPOW; /* (half a chunk never is) */
    /* (two at a time: the vectors are independent, and the out-of-order
     * core overlaps the iterations) */
    _Pragma("GCC unroll 2") for (int j = SEAL_J0; j < V; j++) {
        __m512i g;
        if (j < PART_WHOLE)
            g = _mm512_loadu_si512(src + 64 * j);
        else
            g = _mm512_maskz_mov_epi8(v512_bytes_at(len, 64 * (size_t)j),
                                      _mm512_loadu_si512(rest + 64 * (j - PART_WHOLE)));
        g = _mm512_xor_si512(_mm512_shuffle_epi8(g, bswap), _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(g, v512_hpow(c, (alone ? 4 * V : e) - 4 * (j - SEAL_J0)), lo, mi, hi);
    }
    if (!alone)
        return _mm_setzero_si128();
    acc = v512_reduce(*lo, *mi, *hi, v512_poly());
    *lo = *mi = *hi = _mm512_setzero_si512();
    return acc;
}

/*
 * The payload's whole chunks of 4V blocks and a partial last chunk of at
 * least GCM512_PART bytes (below), for one direction (enc, a constant: the
 * main loop is instantiated per direction so that which side is hashed
 * costs nothing in it).  The round count is a run-time value.
 * Open hashes each chunk's input in its own iteration, seal the previous
 * chunk's output (see the top): the GHASH of seal's last chunk is left to
 * the final step.  Returns the bytes done; *ctr is the next block's
 * counter, *acc the running GHASH value.
 */
V512_INL size_t crypt_bulk(const vaes_gcm_ctx *c, const int nr, const int enc,
                           const uint8_t *in, size_t n, uint8_t *out, __m512i *ctrp,
                           __m128i *accp, size_t *lastp, __m512i obuf[PART_REST])
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    GHASH_PAIR_SETUP();
    const __m512i *rk = c->rk;
    __m512i ctr = *ctrp, x[V], p[V] = {0};
    __m128i acc = *accp;
    uint32_t cnt = VAES_J0_CTR + 1; /* the next block's counter (its low byte matters) */
    const size_t n0 = n;

    /*
     * A partial last chunk (n < VB), after the whole ones.  Its last
     * vectors (from PART_WHOLE on) are read from and written to buffers,
     * the input copied in zero-filled with byte-masked loads and the
     * output (obuf, the caller's: seal hashes it in the final step) copied
     * out with byte-masked stores after the loop: the loop reaches them
     * through offsets (io, oo) that are zero for whole chunks, since a
     * masked load or store in the loop, even with every byte selected,
     * made whole chunks measurably slower.  Open's powers are shifted by
     * the missing blocks (hpb), so the last real block gets H^1 and the
     * zero blocks load past it (VAES_NPAD); seal hashes the chunk before
     * it here.  All of it changes only on the way into that iteration:
     * whole chunks run no extra branch.  *lastp gets the last chunk's
     * bytes.
     */
    const uint8_t *hpb = (const uint8_t *)&c->hpow[VAES_NPOW];
    __m512i ibuf[PART_REST];
    __mmask64 kr[PART_REST];
    uintptr_t io = 0, oo = 0;
    uint8_t *orest = out;
    size_t step = VB;
/* Vector j of the chunk at p: from PART_WHOLE on, moved by off (a buffer's
 * offset in a partial chunk, zero otherwise; j is a constant). */
#define PART_AT(p, j, off) ((void *)((uintptr_t)(p) + 64 * (j) + ((j) < PART_WHOLE ? 0 : (off))))
#define PART_SETUP()                                                                   \
    do {                                                                               \
        for (int j = PART_WHOLE; j < V; j++) {                                         \
            kr[j - PART_WHOLE] = v512_bytes_at(n, 64 * (size_t)j);                     \
            ibuf[j - PART_WHOLE] = _mm512_maskz_loadu_epi8(kr[j - PART_WHOLE], in + 64 * j); \
        }                                                                              \
        io = (uintptr_t)ibuf - (uintptr_t)(in + 64 * PART_WHOLE);                      \
        orest = out + 64 * PART_WHOLE;                                                 \
        oo = (uintptr_t)obuf - (uintptr_t)orest;                                       \
        if (!enc)                                                                      \
            hpb += 16 * (4 * V - (n + 15) / 16);                                       \
        step = n;                                                                      \
    } while (0)
    /* Open's next chunk, when it is the last and nothing follows it (whole,
     * or partial after PART_SETUP), takes H^(k+1) where it would take H^k
     * (see the top). */
#define LAST_OPEN()                                                                    \
    do {                                                                               \
        if (!enc && n == step)                                                         \
            hpb -= 16;                                                                 \
    } while (0)
    if (!enc && n < VB) /* (a short open: the partial chunk alone) */
        PART_SETUP();
    LAST_OPEN();
    int have_prev = 0;
    do {
        /* The input is folded into the last round key
         * (AESENCLAST(x, k ^ d) = AESENCLAST(x, k) ^ d), so the output is
         * the last AES instruction's result: kd[j], made before the rounds
         * except in seal's halves (eight more live registers there). */
        __m512i kd[V];
#define KD(j) (kd[j] = _mm512_xor_si512(rk[nr], enc ? _mm512_loadu_si512(PART_AT(in, j, io)) : p[j]))
#define LAST_ROUND(j0, j1)                                                             \
    _Pragma("GCC unroll 8") for (int j = (j0); j < (j1); j++) {                        \
        x[j] = _mm512_aesenclast_epi128(x[j], enc && GCM512_SEAL_HALF ? KD(j) : kd[j]); \
        if (enc)                                                                       \
            p[j] = x[j];                                                               \
        _mm512_storeu_si512(PART_AT(out, j, oo), x[j]);                                \
    }
        CTRV();
        if (enc && GCM512_SEAL_HALF) {
            /* The first half with the previous chunk's second half's
             * GHASH, then the second half with the first's (see the top). */
            __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
            AESN_GHASH(0, V / 2, (p + V / 2), 4 * V, have_prev, 1, 0);
            LAST_ROUND(0, V / 2);
            AESN_GHASH(V / 2, V / 2, p, 2 * V, 1, !have_prev, 0);
            LAST_ROUND(V / 2, V);
            GHASH_MID_FIX();
            acc = v512_reduce(lo, mi, hi, poly);
        } else {
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) {
                if (enc)
                    KD(j);
                else
                    p[j] = _mm512_loadu_si512(PART_AT(in, j, io));
            }
            AESV_GHASHV(p, enc ? have_prev : 1);
            if (!enc)
                _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)
                    KD(j);
            LAST_ROUND(0, V);
        }
#undef KD
#undef LAST_ROUND
        in += step, out += step, n -= step;
        have_prev = 1;
        if (n < VB && n >= GCM512_PART)
            PART_SETUP(); /* (step = n: the loop goes on) */
        LAST_OPEN();
    } while (n >= VB || n == step);
#undef LAST_OPEN
#undef PART_SETUP
#undef PART_AT
    *lastp = step;
    if (oo)
        for (int j = PART_WHOLE; j < V; j++) {
            _mm512_mask_storeu_epi8(orest + 64 * (j - PART_WHOLE), kr[j - PART_WHOLE],
                                    obuf[j - PART_WHOLE]);
            p[j] = _mm512_maskz_mov_epi8(kr[j - PART_WHOLE], p[j]); /* (for seal, below) */
        }
    if (enc && GCM512_SEAL_HALF && !n) {
        /* A seal that ends with its main loop: the last chunk's second
         * half is hashed here, from the registers, with powers one higher,
         * as open's last chunk is (see the top); a partial chunk's lanes
         * past the message, which hold keystream, were zeroed above. */
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
        hpb += 16 * (2 * V - 1 - (int)((step - VB / 2 + 15) / 16));
        _Pragma("GCC unroll 4") for (int r = 0; r < V / 2; r += 2)
            GHASH_PAIR(p[V / 2 + r], p[V / 2 + r + 1], 2 * V - 4 * r, r == 0);
        GHASH_MID_FIX();
        acc = v512_reduce(lo, mi, hi, poly);
    }

    *ctrp = ctr, *accp = acc;
    return n0 - n;
}

/* J0's encryption into *ej0, for the tag; returns the byte-reflected
 * counters of the payload's first four blocks (J0 + 1 .. J0 + 4). */
V512_INL __m512i gcm_start(const vaes_gcm_ctx *c, const uint8_t iv[12], __m128i *ej0)
{
    __m128i j0 = own_x86_gcm_j0(iv, VAES_J0_CTR);
    *ej0 = v512_aes_x1(c->rk, c->rounds, j0);
    return _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
}

/*
 * Final step, shared by both directions and every key size: after a main
 * loop (bulk: its last chunk's bytes; rest: see ghash_last), seal's last
 * chunk; the tail (fewer than 4V blocks) and the lengths, each block times
 * its own power of H, added to the running value acc, and one reduction.
 * A message without a main loop (!bulk) comes here whole: its AAD's blocks
 * join that one reduction when it has no more than 64 blocks in all, which
 * keeps a short message's tag one reduction from its last block.  The
 * tail's keystream comes from v512_keystream (four vectors round-major at
 * a time); its last vector's loads and stores are byte-masked, so nothing
 * outside any buffer is touched, and masked-out lanes are zero, so they
 * add nothing to GHASH.  Returns the tag.
 */
__attribute__((noinline)) V512_TGT static __m128i
gcm_final(const vaes_gcm_ctx *c, const int enc, const uint8_t iv[12], const uint8_t *aad,
          size_t alen, const uint8_t *in, size_t n, uint8_t *out, const size_t bulk,
          const uint8_t *rest, __m128i lens,
          __m128i ej0, __m512i ctr, __m128i acc)
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
    const __m512i *rk = c->rk;
    const int nr = c->rounds;
    int e = (int)((n + 15) / 16) + 1;
    if (!bulk)
        ctr = gcm_start(c, iv, &ej0);
    if (alen) {
        int ea = e + (int)((bulk + 15) / 16) + (int)((alen + 15) / 16);
        if (ea > VAES_NPOW) { /* (only without a main loop: crypt_long checks) */
            acc = ghash_aad(c, aad, alen);
        } else {
            for (size_t off = 0; off < alen; off += 64, ea -= 4) {
                __m512i d = _mm512_maskz_loadu_epi8(v512_bytes(alen - off), aad + off);
                v512_gmul(_mm512_shuffle_epi8(d, bswap), v512_hpow(c, ea), &lo, &mi, &hi);
            }
        }
    }
    __m512i ks[8];
    const int nv = (int)((n + 63) / 64);
    if (nv > 1)
        v512_keystream(rk, nr, ctr, nv, ks);
    if (enc && bulk) /* seal's last chunk (in front of out) from SEAL_J0 on */
        acc = ghash_last(c, out - bulk, rest, bulk, e + (int)((bulk - 64 * SEAL_J0 + 15) / 16), acc,
                         &lo, &mi, &hi);
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        __m512i x1 = nv > 1 ? ks[off / 64] : v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));
        __m512i g = v512_gcm_xor(x1, in + off, out + off, n - off, enc);
        g = _mm512_xor_si512(_mm512_shuffle_epi8(g, bswap), _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(g, v512_hpow(c, e), &lo, &mi, &hi);
    }
    v512_gmul(_mm512_zextsi128_si512(_mm_xor_si128(lens, acc)), v512_hpow(c, 1), &lo, &mi, &hi);
    acc = v512_reduce(lo, mi, hi, poly);
    __m128i tag = v512_tag(acc, ej0);
    /* The compiler leaves the upper state dirty at the return of a function
     * that takes 512-bit arguments; the caller's SSE code would pay for it. */
    _mm256_zeroupper();
    return tag;
}

/* The length block, as GHASH takes it. */
V512_INL __m128i gcm_lens(size_t alen, size_t len)
{
    return _mm_set_epi64x((long long)(alen * 8), (long long)(len * 8));
}

/* A message with a main loop, for one direction: AAD, main loop, then the
 * final step.  Kept out of the entry points so that a short message, which
 * goes straight to the final step, pays for none of this frame. */
V512_INL __m128i crypt_long(const vaes_gcm_ctx *c, const int enc, const uint8_t iv[12],
                            const uint8_t *aad, size_t alen, const uint8_t *in, size_t n,
                            uint8_t *out)
{
    /* E(K, J0) first: it is on open's path to the tag, which need not wait
     * for the payload's AES. */
    __m128i ej0;
    __m512i ctr = gcm_start(c, iv, &ej0);
    /* A seal with one main-loop iteration (which hashes nothing; a
     * remainder of GCM512_PART bytes makes a second) and few enough
     * blocks in all: the AAD joins the final step's single
     * reduction instead of being reduced first (alen 0 tells the final
     * step it is done).  Open hashes in its first iteration, after the AAD. */
    const int aad_last = enc && n < 2 * VB && n - VB < GCM512_PART &&
                         (alen + 15) / 16 + 4 * V + (n % VB + 15) / 16 + 1 <= VAES_NPOW;
    __m128i acc = alen && !aad_last ? ghash_aad(c, aad, alen) : _mm_setzero_si128();
    size_t last;
    __m512i obuf[PART_REST];
    size_t done = crypt_bulk(c, c->rounds, enc, in, n, out, &ctr, &acc, &last, obuf);
    /* (a seal whose AAD waits for the final step has a tail: not here) */
    if ((!enc || GCM512_SEAL_HALF) && done == n) /* acc is S * H: add L * H (see the top) */
        return v512_tag(_mm_xor_si128(acc, own_x86_ghash_mul(gcm_lens(alen, n),
                                                             c->hpow[VAES_NPOW - 1])),
                        ej0);
    /* (seal's last chunk from its vector PART_WHOLE on: in obuf if partial) */
    const uint8_t *rest = last < VB ? (const uint8_t *)obuf : out + done - VB + 64 * PART_WHOLE;
    return gcm_final(c, enc, iv, aad, aad_last ? alen : 0, in + done, n - done, out + done, last,
                     rest, gcm_lens(alen, n), ej0, ctr, acc);
}

__attribute__((noinline)) V512_TGT static __m128i
seal_long(const vaes_gcm_ctx *c, const uint8_t iv[12], const uint8_t *aad, size_t alen,
          const uint8_t *in, size_t n, uint8_t *out)
{
    return crypt_long(c, 1, iv, aad, alen, in, n, out);
}

__attribute__((noinline)) V512_TGT static __m128i
open_long(const vaes_gcm_ctx *c, const uint8_t iv[12], const uint8_t *aad, size_t alen,
          const uint8_t *in, size_t n, uint8_t *out)
{
    return crypt_long(c, 0, iv, aad, alen, in, n, out);
}

/* A message without a main loop: the final step alone. */
#define GCM_SHORT(c, enc, iv, aad, alen, in, len, out)                                \
    gcm_final((c), (enc), (iv), (aad), (alen), (in), (len), (out), 0, NULL,           \
              gcm_lens((alen), (len)), _mm_setzero_si128(), _mm512_setzero_si512(),   \
              _mm_setzero_si128())

V512_TGT void GCM512_FN(gcm_seal)(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t tag[16])
{
    const vaes_gcm_ctx *c = ctx;
    /* Exactly one chunk goes to the final step too: there its keystream
     * is two groups of four vectors, and the first group's GHASH overlaps
     * the second's AES; the main loop would hash all eight after the last. */
    __m128i t = len <= VB ? GCM_SHORT(c, 1, iv, aad, aad_len, in, len, out)
                          : seal_long(c, iv, aad, aad_len, in, len, out);
    _mm_storeu_si128((__m128i *)(void *)tag, t);
}

V512_TGT int GCM512_FN(gcm_open)(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len,
                               const uint8_t tag[16], uint8_t *out)
{
    const vaes_gcm_ctx *c = ctx;
    __m128i t = len < GCM512_PART ? GCM_SHORT(c, 0, iv, aad, aad_len, in, len, out)
                         : open_long(c, iv, aad, aad_len, in, len, out);
    t = _mm_xor_si128(t, _mm_loadu_si128((const __m128i *)(const void *)tag));
    int bad = !_mm_testz_si128(t, t);
    if (bad && len)
        own_wipe(out, len); /* the verdict is public once returned */
    return bad;
}

/* Seal plus the QUIC header-protection mask, computed beside it (own/fused
 * is the kernel that folds the mask into its single pass). */
V512_TGT void GCM512_FN(gcm_seal_hp)(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                   uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    own_vaes_gcm_hp_mask(ctx, sample, mask);
    GCM512_FN(gcm_seal)(ctx, iv, aad, aad_len, in, len, out, tag);
}
