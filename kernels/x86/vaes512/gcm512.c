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

#define ROUND4(k)                            \
    do {                                     \
        __m512i k_ = (k);                    \
        x0 = _mm512_aesenc_epi128(x0, k_);   \
        x1 = _mm512_aesenc_epi128(x1, k_);   \
        x2 = _mm512_aesenc_epi128(x2, k_);   \
        x3 = _mm512_aesenc_epi128(x3, k_);   \
    } while (0)

#define LAST4(k)                                 \
    do {                                         \
        __m512i k_ = (k);                        \
        x0 = _mm512_aesenclast_epi128(x0, k_);   \
        x1 = _mm512_aesenclast_epi128(x1, k_);   \
        x2 = _mm512_aesenclast_epi128(x2, k_);   \
        x3 = _mm512_aesenclast_epi128(x3, k_);   \
    } while (0)

/* Four counter vectors, whitened. */
#define CTR4()                                                                    \
    do {                                                                          \
        x0 = _mm512_xor_si512(_mm512_shuffle_epi8(ctr, bswap), rk[0]);            \
        x1 = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32(ctr, inc4), bswap), rk[0]); \
        x2 = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32(ctr, inc8), bswap), rk[0]); \
        x3 = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32(ctr, inc12), bswap), rk[0]); \
        ctr = _mm512_add_epi32(ctr, inc16);                                       \
    } while (0)

/*
 * AES rounds 1..nr of x0..x3 with the GHASH of g0..g3 (g0 already holding
 * the running value) slotted between rounds; leaves the reduced sum in acc.
 */
#define AES4_GHASH4(g0, g1, g2, g3)                                                   \
    do {                                                                              \
        __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;                        \
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++)                         \
        {                                                                             \
            ROUND4(rk[r]);                                                            \
            if (r == 1) v512_gmul(g0, v512_hpow(c, 16), &lo, &mi, &hi);               \
            if (r == 3) v512_gmul(g1, v512_hpow(c, 12), &lo, &mi, &hi);               \
            if (r == 5) v512_gmul(g2, v512_hpow(c, 8), &lo, &mi, &hi);                \
            if (r == 7) v512_gmul(g3, v512_hpow(c, 4), &lo, &mi, &hi);                \
            if (r == 9) acc = v512_reduce(lo, mi, hi, poly);                          \
        }                                                                             \
        LAST4(rk[nr]);                                                                \
    } while (0)

#define AES4()                                              \
    do {                                                    \
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++) \
            ROUND4(rk[r]);                                  \
        LAST4(rk[nr]);                                      \
    } while (0)

V512_INL void seal_body(const vaes_gcm_ctx *c, const int nr, const uint8_t iv[12],
                        const uint8_t *aad, size_t alen, const uint8_t *in, size_t n,
                        uint8_t *out, uint8_t tag[16])
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    const __m512i inc4 = v512_incall(4), inc8 = v512_incall(8), inc12 = v512_incall(12),
                  inc16 = v512_incall(16);
    const __m512i *rk = c->rk;
    const size_t len = n;
    __m128i j0 = v512_j0(iv);
    __m128i ej0 = v512_aes_x1(rk, nr, j0);
    __m512i ctr = _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
    __m128i acc = ghash_aad(c, aad, alen, bswap, poly);
    __m512i x0, x1, x2, x3, p0 = _mm512_setzero_si512(), p1 = p0, p2 = p0, p3 = p0;
    int have_prev = 0;

    if (n >= 256) {
        CTR4();
        AES4();
        x0 = _mm512_xor_si512(x0, _mm512_loadu_si512(in));
        x1 = _mm512_xor_si512(x1, _mm512_loadu_si512(in + 64));
        x2 = _mm512_xor_si512(x2, _mm512_loadu_si512(in + 128));
        x3 = _mm512_xor_si512(x3, _mm512_loadu_si512(in + 192));
        _mm512_storeu_si512(out, x0);
        _mm512_storeu_si512(out + 64, x1);
        _mm512_storeu_si512(out + 128, x2);
        _mm512_storeu_si512(out + 192, x3);
        p0 = _mm512_shuffle_epi8(x0, bswap);
        p1 = _mm512_shuffle_epi8(x1, bswap);
        p2 = _mm512_shuffle_epi8(x2, bswap);
        p3 = _mm512_shuffle_epi8(x3, bswap);
        in += 256, out += 256, n -= 256;
        have_prev = 1;
        while (n >= 256) {
            CTR4();
            p0 = _mm512_xor_si512(p0, _mm512_zextsi128_si512(acc));
            AES4_GHASH4(p0, p1, p2, p3);
            x0 = _mm512_xor_si512(x0, _mm512_loadu_si512(in));
            x1 = _mm512_xor_si512(x1, _mm512_loadu_si512(in + 64));
            x2 = _mm512_xor_si512(x2, _mm512_loadu_si512(in + 128));
            x3 = _mm512_xor_si512(x3, _mm512_loadu_si512(in + 192));
            _mm512_storeu_si512(out, x0);
            _mm512_storeu_si512(out + 64, x1);
            _mm512_storeu_si512(out + 128, x2);
            _mm512_storeu_si512(out + 192, x3);
            p0 = _mm512_shuffle_epi8(x0, bswap);
            p1 = _mm512_shuffle_epi8(x1, bswap);
            p2 = _mm512_shuffle_epi8(x2, bswap);
            p3 = _mm512_shuffle_epi8(x3, bswap);
            in += 256, out += 256, n -= 256;
        }
    }

    /* Final step: previous chunk (seal lags by one), the tail, the lengths. */
    __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
    int e = (int)((n + 15) / 16) + 1 + (have_prev ? 16 : 0);
    if (have_prev) {
        p0 = _mm512_xor_si512(p0, _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(p0, v512_hpow(c, e), &lo, &mi, &hi);
        v512_gmul(p1, v512_hpow(c, e - 4), &lo, &mi, &hi);
        v512_gmul(p2, v512_hpow(c, e - 8), &lo, &mi, &hi);
        v512_gmul(p3, v512_hpow(c, e - 12), &lo, &mi, &hi);
        e -= 16;
    }
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        __mmask64 k = v512_bytes(n - off);
        __m512i x = v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));
        ctr = _mm512_add_epi32(ctr, inc4);
        x = _mm512_maskz_mov_epi8(k, _mm512_xor_si512(x, _mm512_maskz_loadu_epi8(k, in + off)));
        _mm512_mask_storeu_epi8(out + off, k, x);
        x = _mm512_xor_si512(_mm512_shuffle_epi8(x, bswap), _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(x, v512_hpow(c, e), &lo, &mi, &hi);
    }
    __m128i l = _mm_xor_si128(_mm_set_epi64x((long long)(alen * 8), (long long)(len * 8)), acc);
    v512_gmul(_mm512_zextsi128_si512(l), v512_hpow(c, 1), &lo, &mi, &hi);
    acc = v512_reduce(lo, mi, hi, poly);
    acc = _mm_xor_si128(_mm_shuffle_epi8(acc, own_x86_bswap_mask()), ej0);
    _mm_storeu_si128((__m128i *)(void *)tag, acc);
}

V512_INL int open_body(const vaes_gcm_ctx *c, const int nr, const uint8_t iv[12],
                       const uint8_t *aad, size_t alen, const uint8_t *in, size_t n,
                       const uint8_t tag[16], uint8_t *out)
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    const __m512i inc4 = v512_incall(4), inc8 = v512_incall(8), inc12 = v512_incall(12),
                  inc16 = v512_incall(16);
    const __m512i *rk = c->rk;
    const size_t len = n;
    uint8_t *const out0 = out;
    __m128i j0 = v512_j0(iv);
    __m128i ej0 = v512_aes_x1(rk, nr, j0);
    __m512i ctr = _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
    __m128i acc = ghash_aad(c, aad, alen, bswap, poly);
    __m512i x0, x1, x2, x3;

    while (n >= 256) {
        __m512i d0 = _mm512_loadu_si512(in), d1 = _mm512_loadu_si512(in + 64),
                d2 = _mm512_loadu_si512(in + 128), d3 = _mm512_loadu_si512(in + 192);
        __m512i g0 = _mm512_xor_si512(_mm512_shuffle_epi8(d0, bswap), _mm512_zextsi128_si512(acc));
        __m512i g1 = _mm512_shuffle_epi8(d1, bswap), g2 = _mm512_shuffle_epi8(d2, bswap),
                g3 = _mm512_shuffle_epi8(d3, bswap);
        CTR4();
        AES4_GHASH4(g0, g1, g2, g3);
        _mm512_storeu_si512(out, _mm512_xor_si512(x0, d0));
        _mm512_storeu_si512(out + 64, _mm512_xor_si512(x1, d1));
        _mm512_storeu_si512(out + 128, _mm512_xor_si512(x2, d2));
        _mm512_storeu_si512(out + 192, _mm512_xor_si512(x3, d3));
        in += 256, out += 256, n -= 256;
    }

    __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;
    int e = (int)((n + 15) / 16) + 1;
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        __mmask64 k = v512_bytes(n - off);
        __m512i x = v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));
        ctr = _mm512_add_epi32(ctr, inc4);
        __m512i d = _mm512_maskz_loadu_epi8(k, in + off);
        _mm512_mask_storeu_epi8(out + off, k, _mm512_xor_si512(x, d));
        d = _mm512_xor_si512(_mm512_shuffle_epi8(d, bswap), _mm512_zextsi128_si512(acc));
        acc = _mm_setzero_si128();
        v512_gmul(d, v512_hpow(c, e), &lo, &mi, &hi);
    }
    __m128i l = _mm_xor_si128(_mm_set_epi64x((long long)(alen * 8), (long long)(len * 8)), acc);
    v512_gmul(_mm512_zextsi128_si512(l), v512_hpow(c, 1), &lo, &mi, &hi);
    acc = v512_reduce(lo, mi, hi, poly);
    acc = _mm_xor_si128(_mm_shuffle_epi8(acc, own_x86_bswap_mask()), ej0);
    acc = _mm_xor_si128(acc, _mm_loadu_si128((const __m128i *)(const void *)tag));
    int bad = !_mm_testz_si128(acc, acc);
    if (bad && len)
        own_wipe(out0, len); /* the verdict is public once returned */
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
