/*
 * gcm512.c - AES-GCM with VAES + VPCLMULQDQ on 512-bit vectors (AVX-512
 * F/BW/VL), for AES-128/192/256.
 *
 * Data layout.  A zmm holds four consecutive 16-byte blocks, one per
 * 128-bit lane.  Counter blocks are kept byte-reflected so the 32-bit block
 * counter is dword 0 of a lane and VPADDD increments four blocks at once
 * (wrapping modulo 2^32 exactly as GCM's inc32 does); one VPSHUFB turns
 * them back into AES input.  GHASH works in the reflected register form of
 * kernels/x86/common/x86_aes.h with 48 precomputed powers H^48..H^1 in the
 * key context (vaes_ctx.h), so one 64-byte load gives the multipliers of
 * four consecutive blocks.
 *
 * Main loop: 16 blocks (4 zmm, 256 bytes) per iteration.  All AES rounds of
 * the four vectors are issued round by round (four independent AESENC
 * chains, enough to fill Zen 4's one-zmm-per-cycle AES pipe given its
 * four-cycle latency), and between rounds the GHASH of 16 other blocks is
 * issued: 16 VPCLMULQDQ producing unreduced lo/mi/hi sums of X_i * H^(17-i),
 * then a single reduction (two more VPCLMULQDQ) and a fold of the four lanes
 * into one.  The running GHASH value is XORed into the first block of the
 * 16 before they are multiplied, so the dependency chain across iterations
 * is one multiply, one reduction and one fold - about 25 cycles against the
 * ~70 cycles of AES work that hides it.
 *   - seal: the GHASH in iteration i is that of iteration i-1's ciphertext
 *     (kept in registers, already byte-reflected), so AES and GHASH of one
 *     iteration are independent.  The last full chunk's 16 blocks are left
 *     for the final step.
 *   - open: the GHASH is of the ciphertext being decrypted in the same
 *     iteration (it is input, so there is nothing to wait for).
 *
 * Final step (at most 16 blocks of tail + the previous 16-block chunk for
 * seal + the length block <= 33 <= 48 powers): one vector at a time, each
 * tail vector's AES is independent of the others so they overlap in the
 * out-of-order window; loads and stores of the last partial vector are
 * byte-masked (AVX512BW), so nothing past the end of any buffer is read or
 * written, and masked-out lanes hold zero so they add nothing to GHASH.
 * Every block of the final step is multiplied by its own power of H and
 * the sum is reduced once.
 *
 * AAD: hashed first, 16 blocks per reduction, the last partial vector
 * masked.  E(K, J0) is computed on an xmm at entry; it is independent of
 * everything else and completes in the shadow of the AAD and payload work.
 *
 * Constant time: branches and addresses depend on lengths only; the tag
 * comparison is a PTEST of the XOR of both tags.
 *
 * Every function is instantiated for 10, 12 and 14 rounds (the round count
 * is a compile-time constant inside each body, so the round loops unroll
 * and the GHASH slots fall between fixed rounds).
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

#ifndef GCM512_V
#define GCM512_V 8 /* vectors per main-loop iteration */
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

/* The round after which the GHASH of vector pair j/2 is issued. */
#define SLOT(j) (1 + ((j) * (nr - 2)) / V)

/*
 * AES rounds 1..nr of x[] with the GHASH of g[] (g[0] already holding the
 * running value) slotted between rounds; leaves the reduced sum in acc.
 */
#define AESV_GHASHV(g)                                                                \
    do {                                                                              \
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;                        \
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++)                         \
        {                                                                             \
            ROUNDV(rk[r]);                                                            \
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j += 2)                    \
                if (r == SLOT(j))                                                     \
                    GHASH_PAIR(g[j], g[j + 1], 4 * (V - j));                          \
            if (r == nr - 1) {                                                        \
                if (GCM512_KARATSUBA)                                                 \
                    mi = _mm512_ternarylogic_epi64(mi, lo, hi, 0x96);                 \
                acc = v512_reduce(lo, mi, hi, poly);                                  \
            }                                                                         \
        }                                                                             \
        LASTV(rk[nr]);                                                                \
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
    const __m512i inc4 = v512_incall(4);
    const __m512i *rk = c->rk;
    const size_t len = n;
    __m128i j0 = v512_j0(iv);
    __m128i ej0 = v512_aes_x1(rk, nr, j0);
    __m512i ctr = _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
    __m128i acc = ghash_aad(c, aad, alen, bswap, poly);
    __m512i x[V], p[V];
    uint32_t cnt = 2; /* the next block's counter (only its low byte matters) */
    int have_prev = 0;

    if (n >= VB) {
        CTRV();
        AESV();
        _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) {
            __m512i d = _mm512_loadu_si512(in + 64 * j);
            x[j] = _mm512_xor_si512(x[j], d);
            _mm512_storeu_si512(out + 64 * j, x[j]);
            p[j] = _mm512_shuffle_epi8(enc ? x[j] : d, bswap);
        }
        in += VB, out += VB, n -= VB;
        have_prev = 1;
        while (n >= VB) {
            CTRV();
            p[0] = _mm512_xor_si512(p[0], _mm512_zextsi128_si512(acc));
            AESV_GHASHV(p);
            _Pragma("GCC unroll 8") for (int j = 0; j < V; j++) {
                __m512i d = _mm512_loadu_si512(in + 64 * j);
                x[j] = _mm512_xor_si512(x[j], d);
                _mm512_storeu_si512(out + 64 * j, x[j]);
                p[j] = _mm512_shuffle_epi8(enc ? x[j] : d, bswap);
            }
            in += VB, out += VB, n -= VB;
        }
    }

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
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        __mmask64 k = v512_bytes(n - off);
        __m512i x1 = v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));
        ctr = _mm512_add_epi32(ctr, inc4);
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
