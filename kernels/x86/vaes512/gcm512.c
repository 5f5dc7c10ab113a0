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
 * That GHASH covers 32 other blocks, a pair of vectors after rounds 1, 4,
 * 7 and 10 (AES-256; spread the same way over fewer rounds).  The blocks
 * stay as they are in memory until then: one VPERMT2B per pair gathers the
 * byte-reflected low qwords of both vectors' blocks into one register and
 * another the high qwords, so the reflection and the Karatsuba regrouping
 * cost two permutes per pair instead of a VPSHUFB, a VPSHUFD and an XOR per
 * vector (measured here: seal 5-7% faster, open 2%; on Zen 4 every vector
 * op competes with AES for pipes).  lo and hi products are schoolbook
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
 * Both directions hash the previous iteration's 32 ciphertext blocks, kept
 * in registers (seal: its output; open: its input, loaded before the
 * in-place store), so AES and GHASH of an iteration are independent.  The
 * last chunk's 32 blocks are reflected and left to the final step.
 *
 * Final step: the pending chunk, the tail (under 32 blocks) and the length
 * block, each block multiplied by its own power of H, one reduction (the
 * pending chunk is reduced on its own first only if all of it exceeds 64
 * blocks).  The tail's keystream comes from v512_keystream, all tail
 * vectors round-major; its loads and stores are byte-masked (AVX512BW), so
 * nothing outside any buffer is touched, and masked-out lanes are zero, so
 * they add nothing to GHASH.
 *
 * AAD: hashed first, 16 blocks per reduction, the last vector masked.
 * E(K, J0) runs on an xmm at entry, independent of everything else.
 *
 * Constant time: branches and addresses depend on lengths only; the tag
 * comparison is a PTEST of the XOR of both tags.
 *
 * Each body is instantiated for 10, 12 and 14 rounds (a compile-time
 * constant inside, so the round loops unroll and the GHASH slots fall
 * between fixed rounds).
 */
#include <string.h>

#include "own_kernel.h"
#include "v512.h"
#include "gcm512.h"

/* GHASH of the AAD into a reduced running value. */
V512_INL __m128i ghash_aad(const vaes_gcm_ctx *c, const uint8_t *aad, size_t alen,
                           __m512i bswap, __m512i poly)
{
    __m128i acc = _mm_setzero_si128();
    while (alen >= 256) {
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
        __m512i d0 = _mm512_shuffle_epi8(_mm512_loadu_si512(aad), bswap);
        d0 = _mm512_xor_si512(d0, _mm512_zextsi128_si512(acc));
        v512_gmul(d0, v512_hpow(c, 16), &lo, &mi, &hi);
        for (int j = 1; j < 4; j++)
            v512_gmul(_mm512_shuffle_epi8(_mm512_loadu_si512(aad + 64 * j), bswap),
                      v512_hpow(c, 16 - 4 * j), &lo, &mi, &hi);
        acc = v512_reduce(lo, mi, hi, poly);
        aad += 256;
        alen -= 256;
    }
    if (alen) {
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
        int e = (int)((alen + 15) / 16);
        for (size_t off = 0; off < alen; off += 64, e -= 4) {
            __m512i d = _mm512_maskz_loadu_epi8(v512_bytes(alen - off), aad + off);
            d = _mm512_xor_si512(_mm512_shuffle_epi8(d, bswap), _mm512_zextsi128_si512(acc));
            acc = _mm_setzero_si128();
            v512_gmul(d, v512_hpow(c, e), &lo, &mi, &hi);
        }
        acc = v512_reduce(lo, mi, hi, poly);
    }
    return acc;
}

/* Tuning knobs, kept for measuring alternatives (-D...): vectors per
 * main-loop iteration, 4, 6 or 8 (measured on Zen 4: 8 best, 4 about 10%
 * slower for AES-128), and Karatsuba middle products (1) or schoolbook (0). */
#ifndef GCM512_V
#define GCM512_V 8
#endif
#define V GCM512_V
#define VB (64 * V)

/* Round r of all V vectors. */
#define ROUNDV(k)                                    \
    do {                                             \
        __m512i k_ = (k);                            \
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) \
            x[j] = _mm512_aesenc_epi128(x[j], k_);   \
    } while (0)

#define LASTV(k)                                     \
    do {                                             \
        __m512i k_ = (k);                            \
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) \
            x[j] = _mm512_aesenclast_epi128(x[j], k_); \
    } while (0)

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

#ifndef GCM512_KARATSUBA
#define GCM512_KARATSUBA 1
#endif
#if V != 4 && V != 6 && V != 8
#error "GCM512_V must be 4, 6 or 8"
#endif

/*
 * GHASH of the pair g[j], g[j+1] (blocks needing H^e .. H^(e-7)) into the
 * unreduced sums.  Products of the two vectors are added with one
 * three-input XOR each.  With Karatsuba the middle part is one multiply of
 * (lo ^ hi) of the data by the precomputed (lo ^ hi) of the power; lo and hi
 * are added back into mi once, at the reduction.
 */
#define GHASH_PAIR(ga, gb, e)                                                          \
    do {                                                                               \
        __m512i ha_ = v512_hpow(c, (e)), hb_ = v512_hpow(c, (e) - 4);                   \
        lo = _mm512_ternarylogic_epi64(lo, _mm512_clmulepi64_epi128(ga, ha_, 0x00),    \
                                       _mm512_clmulepi64_epi128(gb, hb_, 0x00), 0x96); \
        hi = _mm512_ternarylogic_epi64(hi, _mm512_clmulepi64_epi128(ga, ha_, 0x11),    \
                                       _mm512_clmulepi64_epi128(gb, hb_, 0x11), 0x96); \
        if (GCM512_KARATSUBA) {                                                        \
            __m512i xa_ = _mm512_xor_si512(ga, _mm512_shuffle_epi32(ga, 0x4e));        \
            __m512i xb_ = _mm512_xor_si512(gb, _mm512_shuffle_epi32(gb, 0x4e));        \
            mi = _mm512_ternarylogic_epi64(                                            \
                mi, _mm512_clmulepi64_epi128(xa_, v512_hkar(c, (e)), 0x00),            \
                _mm512_clmulepi64_epi128(xb_, v512_hkar(c, (e) - 4), 0x00), 0x96);     \
        } else {                                                                       \
            mi = _mm512_ternarylogic_epi64(mi, _mm512_clmulepi64_epi128(ga, ha_, 0x01), \
                                           _mm512_clmulepi64_epi128(ga, ha_, 0x10), 0x96); \
            mi = _mm512_ternarylogic_epi64(mi, _mm512_clmulepi64_epi128(gb, hb_, 0x01), \
                                           _mm512_clmulepi64_epi128(gb, hb_, 0x10), 0x96); \
        }                                                                              \
    } while (0)

/*
 * GCM512_PERM (default): the main loop keeps the 32 blocks to hash as they
 * are in memory, and one VPERMT2B per pair of vectors does the byte
 * reflection and the Karatsuba regrouping at once: L holds, per lane, the
 * reflected low qwords of a block of ga and of the matching block of gb, H
 * their high qwords.  Then lo, hi and the middle products come from
 * qword-selecting VPCLMULQDQs of L, H and L ^ H, where the plain form needs
 * a VPSHUFB per vector plus a VPSHUFD and an XOR per vector for Karatsuba:
 * fewer non-AES vector ops in the loop, which on Zen 4 compete with AES for
 * the same pipes.  The running value enters pair 0 as two qwords.
 */
#ifndef GCM512_PERM
#define GCM512_PERM 1
#endif
#if GCM512_PERM && !GCM512_KARATSUBA
#error "GCM512_PERM needs GCM512_KARATSUBA"
#endif

/* VPERMT2B indexes: byte i of lane l of L is byte 15-i (i < 8) of lane l of
 * the first source, else byte 15-(i-8) of the second (bit 6); H the same
 * with 7 for 15. */
#define PIDX(t, l, i) ((i) < 8 ? (l) * 16 + (t) - (i) : 64 + (l) * 16 + (t) - ((i) - 8))
#define PROW(t, l)                                                                     \
    PIDX(t, l, 0), PIDX(t, l, 1), PIDX(t, l, 2), PIDX(t, l, 3), PIDX(t, l, 4),         \
        PIDX(t, l, 5), PIDX(t, l, 6), PIDX(t, l, 7), PIDX(t, l, 8), PIDX(t, l, 9),     \
        PIDX(t, l, 10), PIDX(t, l, 11), PIDX(t, l, 12), PIDX(t, l, 13), PIDX(t, l, 14), \
        PIDX(t, l, 15)
#if GCM512_PERM
static const uint8_t pair_idx[2][64] __attribute__((aligned(64))) = {
    {PROW(15, 0), PROW(15, 1), PROW(15, 2), PROW(15, 3)},
    {PROW(7, 0), PROW(7, 1), PROW(7, 2), PROW(7, 3)},
};
#endif

/* GHASH of the pair ga, gb (raw blocks needing H^e .. H^(e-7)); with
 * first, the running value acc is added to ga's first block. */
#define GHASH_PAIR_RAW(ga, gb, e, first)                                               \
    do {                                                                               \
        __m512i L_ = _mm512_permutex2var_epi8(ga, pidx_lo, gb);                        \
        __m512i H_ = _mm512_permutex2var_epi8(ga, pidx_hi, gb);                        \
        if (first) {                                                                   \
            L_ = _mm512_xor_si512(L_, _mm512_zextsi128_si512(_mm_move_epi64(acc)));    \
            H_ = _mm512_xor_si512(                                                     \
                H_, _mm512_zextsi128_si512(_mm_unpackhi_epi64(acc, _mm_setzero_si128()))); \
        }                                                                              \
        __m512i ha_ = v512_hpow(c, (e)), hb_ = v512_hpow(c, (e) - 4);                   \
        lo = _mm512_ternarylogic_epi64(lo, _mm512_clmulepi64_epi128(L_, ha_, 0x00),    \
                                       _mm512_clmulepi64_epi128(L_, hb_, 0x01), 0x96); \
        hi = _mm512_ternarylogic_epi64(hi, _mm512_clmulepi64_epi128(H_, ha_, 0x10),    \
                                       _mm512_clmulepi64_epi128(H_, hb_, 0x11), 0x96); \
        __m512i u_ = _mm512_xor_si512(L_, H_);                                         \
        mi = _mm512_ternarylogic_epi64(                                                \
            mi, _mm512_clmulepi64_epi128(u_, v512_hkar(c, (e)), 0x00),                 \
            _mm512_clmulepi64_epi128(u_, v512_hkar(c, (e) - 4), 0x01), 0x96);          \
    } while (0)

#if GCM512_PERM
#define GHASH_PAIR_AT(g, j) GHASH_PAIR_RAW(g[j], g[(j) + 1], 4 * (V - (j)), (j) == 0)
#else
#define GHASH_PAIR_AT(g, j) GHASH_PAIR(g[j], g[(j) + 1], 4 * (V - (j)))
#endif

/* The round after which the GHASH of vector pair j/2 is issued. */
#define SLOT(j) (1 + ((j) * (nr - 2)) / V)

/*
 * AES rounds 1..nr of x[] with the GHASH of g[] and the running value acc
 * slotted between rounds; leaves the reduced sum in acc.
 */
#define AESV_GHASHV(g)                                                                \
    do {                                                                              \
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;                        \
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++)                         \
        {                                                                             \
            ROUNDV(rk[r]);                                                            \
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j += 2)                    \
                if (r == SLOT(j))                                                     \
                    GHASH_PAIR_AT(g, j);                                              \
            if (r == nr - 1) {                                                        \
                if (GCM512_KARATSUBA)                                                 \
                    mi = _mm512_ternarylogic_epi64(mi, lo, hi, 0x96);                 \
                acc = v512_reduce(lo, mi, hi, poly);                                  \
            }                                                                         \
        }                                                                             \
    } while (0)

#define AESV()                                              \
    do {                                                    \
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++) \
            ROUNDV(rk[r]);                                  \
        LASTV(rk[nr]);                                      \
    } while (0)

/*
 * The whole message: AAD, payload, lengths.  enc (a constant) selects which
 * side is hashed: the output for seal, the input for open.  Both lag the
 * GHASH by one main-loop iteration so that the loop is the same for both
 * directions.  Returns the tag.
 */
V512_INL __m128i crypt_body(const vaes_gcm_ctx *c, const int nr, const int enc,
                            const uint8_t iv[12], const uint8_t *aad, size_t alen,
                            const uint8_t *in, size_t n, uint8_t *out)
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
#if GCM512_PERM
    const __m512i pidx_lo = _mm512_load_si512((const void *)pair_idx[0]);
    const __m512i pidx_hi = _mm512_load_si512((const void *)pair_idx[1]);
    /* the main loop's blocks to hash are kept raw (reflected by the pair) */
#define HASHED(v) (v)
#else
#define HASHED(v) _mm512_shuffle_epi8((v), bswap)
#endif
    const __m512i *rk = c->rk;
    const size_t len = n;
    __m128i j0 = v512_j0(iv);
    __m128i ej0 = v512_aes_x1(rk, nr, j0);
    __m512i ctr = _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
    __m128i acc = ghash_aad(c, aad, alen, bswap, poly);
    __m512i x[V], p[V];
    uint32_t cnt = VAES_J0_CTR + 1; /* the next block's counter (its low byte matters) */
    int have_prev = 0;

    if (n >= VB) {
        CTRV();
        AESV();
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) {
            __m512i d = _mm512_loadu_si512(in + 64 * j);
            x[j] = _mm512_xor_si512(x[j], d);
            _mm512_storeu_si512(out + 64 * j, x[j]);
            p[j] = HASHED(enc ? x[j] : d);
        }
        in += VB, out += VB, n -= VB;
        have_prev = 1;
        while (n >= VB) {
            /* The input is folded into the last round key early
             * (AESENCLAST(x, k ^ d) = AESENCLAST(x, k) ^ d), so the
             * ciphertext is the last AES instruction's result. */
            __m512i kd[V];
            CTRV();
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)
                kd[j] = _mm512_xor_si512(rk[nr], _mm512_loadu_si512(in + 64 * j));
#if !GCM512_PERM
            p[0] = _mm512_xor_si512(p[0], _mm512_zextsi128_si512(acc));
#endif
            AESV_GHASHV(p);
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) {
                x[j] = _mm512_aesenclast_epi128(x[j], kd[j]);
                p[j] = HASHED(enc ? x[j] : _mm512_xor_si512(kd[j], rk[nr]));
                _mm512_storeu_si512(out + 64 * j, x[j]);
            }
            in += VB, out += VB, n -= VB;
        }
    }

#if GCM512_PERM
    if (have_prev)
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)
            p[j] = _mm512_shuffle_epi8(p[j], bswap);
#endif
#undef HASHED

    /* Final step: the last full chunk, the tail, the lengths. */
    __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
    int e = (int)((n + 15) / 16) + 1 + (have_prev ? 4 * V : 0);
    if (have_prev && e > VAES_NPOW) {
        /* Too many blocks for one reduction: hash the last chunk alone. */
        p[0] = _mm512_xor_si512(p[0], _mm512_zextsi128_si512(acc));
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)
            v512_gmul(p[j], v512_hpow(c, 4 * (V - j)), &lo, &mi, &hi);
        acc = v512_reduce(lo, mi, hi, poly);
        lo = mi = hi = _mm512_setzero_si512();
        e -= 4 * V;
        have_prev = 0;
    }
    if (have_prev) {
        p[0] = _mm512_xor_si512(p[0], _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++)
            v512_gmul(p[j], v512_hpow(c, e - 4 * j), &lo, &mi, &hi);
        e -= 4 * V;
    }
    __m512i ks[8];
    const int nv = (int)((n + 63) / 64);
    if (nv > 1)
        v512_keystream(rk, nr, ctr, nv, ks);
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        __mmask64 k = v512_bytes(n - off);
        __m512i x1 = nv > 1 ? ks[off / 64] : v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));
        __m512i d = _mm512_maskz_loadu_epi8(k, in + off);
        x1 = _mm512_xor_si512(x1, d);
        _mm512_mask_storeu_epi8(out + off, k, x1);
        __m512i g = enc ? _mm512_maskz_mov_epi8(k, x1) : d;
        g = _mm512_xor_si512(_mm512_shuffle_epi8(g, bswap), _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(g, v512_hpow(c, e), &lo, &mi, &hi);
    }
    __m128i l = _mm_xor_si128(_mm_set_epi64x((long long)(alen * 8), (long long)(len * 8)), acc);
    v512_gmul(_mm512_zextsi128_si512(l), v512_hpow(c, 1), &lo, &mi, &hi);
    acc = v512_reduce(lo, mi, hi, poly);
    return _mm_xor_si128(_mm_shuffle_epi8(acc, own_x86_bswap_mask()), ej0);
}

V512_INL void seal_body(const vaes_gcm_ctx *c, const int nr, const uint8_t iv[12],
                        const uint8_t *aad, size_t alen, const uint8_t *in, size_t n,
                        uint8_t *out, uint8_t tag[16])
{
    __m128i t = crypt_body(c, nr, 1, iv, aad, alen, in, n, out);
    _mm_storeu_si128((__m128i *)(void *)tag, t);
}

V512_INL int open_body(const vaes_gcm_ctx *c, const int nr, const uint8_t iv[12],
                       const uint8_t *aad, size_t alen, const uint8_t *in, size_t n,
                       const uint8_t tag[16], uint8_t *out)
{
    __m128i t = crypt_body(c, nr, 0, iv, aad, alen, in, n, out);
    t = _mm_xor_si128(t, _mm_loadu_si128((const __m128i *)(const void *)tag));
    int bad = !_mm_testz_si128(t, t);
    if (bad && n)
        own_wipe(out, n); /* the verdict is public once returned */
    return bad;
}

V512_TGT void own_v512_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t tag[16])
{
    const vaes_gcm_ctx *c = ctx;
    switch (c->rounds) {
    case 10: seal_body(c, 10, iv, aad, aad_len, in, len, out, tag); break;
    case 12: seal_body(c, 12, iv, aad, aad_len, in, len, out, tag); break;
    default: seal_body(c, 14, iv, aad, aad_len, in, len, out, tag); break;
    }
}

V512_TGT int own_v512_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len,
                               const uint8_t tag[16], uint8_t *out)
{
    const vaes_gcm_ctx *c = ctx;
    switch (c->rounds) {
    case 10: return open_body(c, 10, iv, aad, aad_len, in, len, tag, out);
    case 12: return open_body(c, 12, iv, aad, aad_len, in, len, tag, out);
    default: return open_body(c, 14, iv, aad, aad_len, in, len, tag, out);
    }
}

/* Seal plus the QUIC header-protection mask, computed beside it (own/fused
 * is the kernel that folds the mask into its single pass). */
V512_TGT void own_v512_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                   uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    own_vaes_gcm_hp_mask(ctx, sample, mask);
    own_v512_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
}
