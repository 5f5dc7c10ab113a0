/*
 * xts512.c - AES-XTS (IEEE 1619) with VAES on 512-bit vectors (AVX-512
 * F/BW/VL), AES-128 and AES-256, encryption and decryption, with
 * ciphertext stealing.
 *
 * Tweaks.  T_0 = E(K2, tweak); block i uses T_i = T_0 * x^i in GF(2^128)
 * (little-endian bit order, reduction by x^128 = x^7 + x^2 + x + 1, i.e.
 * the byte 0x87).  A zmm of tweaks holds T_i .. T_i+3, one per lane.  The
 * first V vectors are made straight from T_0: lane exponents k = 0..4V-1,
 * a 128-bit shift by k built from per-qword variable shifts (VPSLLVQ /
 * VPSRLVQ) and the k bits shifted out folded back with one carry-less
 * multiply by 0x87.  After that every vector advances by x^(4V) = x^32 per
 * iteration, a whole number of bytes: VPSLLDQ/VPSRLDQ by 4 and one
 * VPCLMULQDQ of the 32 bits shifted out by 0x87.  The V tweak vectors are
 * independent, so nothing in the loop waits on a serial tweak chain.
 *
 * Main loop: 4V = 32 blocks (8 zmm, 512 bytes) per iteration.  Each vector
 * is whitened as data ^ tweak ^ round key 0 in one VPTERNLOGQ, goes through
 * the rounds with the eight AES chains interleaved round by round (eight
 * independent chains keep Zen 4's one-zmm-per-cycle AES pipe full despite
 * its four-cycle latency), and the tweak is XORed back for free by folding
 * it into the last round key (AESENCLAST(x, k ^ t) = AESENCLAST(x, k) ^ t).
 * The tweak updates for the next iteration are issued mid-loop; their one
 * VPCLMULQDQ per vector is the only non-AES work on the AES pipes.
 *
 * Tail: the remaining whole blocks (fewer than 32) go one vector at a time
 * with byte-masked loads and stores, so nothing outside the buffers is
 * touched.  If the length is not a multiple of 16, the last whole block and
 * the partial block are done by ciphertext stealing on xmm registers, with
 * masked partial loads/stores; for decryption the two tweaks are used in
 * swapped order as the standard requires.  In-place operation is safe: each
 * step loads its input before it stores.
 *
 * Constant time: every branch and address depends on the length only.
 */
#include <string.h>

#include "own_kernel.h"
#include "v512.h"
#include "gcm512.h"

#define XV 8 /* vectors per main-loop iteration */
#define XB (64 * XV)

/* 0x87 in the low qword of every lane. */
V512_INL __m512i x512_p87(void)
{
    return _mm512_broadcast_i32x4(_mm_set_epi64x(0, 0x87));
}

/* Lanes of t multiplied by x^k, k given per qword (both qwords of a lane
 * equal), 0 <= k < 64. */
V512_INL __m512i x512_mulxk(__m512i t, __m512i k, __m512i p87)
{
    __m512i sl = _mm512_sllv_epi64(t, k);
    __m512i sr = _mm512_srlv_epi64(t, _mm512_sub_epi64(_mm512_set1_epi64(64), k));
    __m512i sw = _mm512_shuffle_epi32(sr, 0x4e); /* (top k bits, carry into hi) */
    __m512i red = _mm512_clmulepi64_epi128(sw, p87, 0x00);
    sl = _mm512_xor_si512(sl, red);
    return _mm512_mask_xor_epi64(sl, 0xaa, sl, sw);
}

/* Every lane times x^32: whole bytes, one multiply for the carried dword. */
V512_INL __m512i x512_mulx32(__m512i t, __m512i p87)
{
    __m512i top = _mm512_bsrli_epi128(t, 12);
    return _mm512_xor_si512(_mm512_bslli_epi128(t, 4), _mm512_clmulepi64_epi128(top, p87, 0x00));
}

/* Every lane times x^4 (the tweaks of the next four blocks). */
V512_INL __m512i x512_mulx4(__m512i t, __m512i p87)
{
    return x512_mulxk(t, _mm512_set1_epi64(4), p87);
}

/* One xmm tweak times x. */
V512_INL __m128i x128_mulx(__m128i t)
{
    __m128i c = _mm_shuffle_epi32(_mm_srli_epi64(t, 63), 0x4e);
    c = _mm_and_si128(_mm_sub_epi64(_mm_setzero_si128(), c), _mm_set_epi64x(1, 0x87));
    return _mm_xor_si128(_mm_slli_epi64(t, 1), c);
}

V512_INL __m512i x512_round(__m512i x, __m512i k, const int dec)
{
    return dec ? _mm512_aesdec_epi128(x, k) : _mm512_aesenc_epi128(x, k);
}

V512_INL __m512i x512_last(__m512i x, __m512i k, const int dec)
{
    return dec ? _mm512_aesdeclast_epi128(x, k) : _mm512_aesenclast_epi128(x, k);
}

/* One xmm block through the data cipher, tweak XORed on both sides. */
V512_INL __m128i x128_block(const __m512i *rk, const int nr, const int dec, __m128i b, __m128i t)
{
    b = _mm_ternarylogic_epi64(b, t, _mm512_castsi512_si128(rk[0]), 0x96);
    for (int r = 1; r < nr; r++)
        b = dec ? _mm_aesdec_si128(b, _mm512_castsi512_si128(rk[r]))
                : _mm_aesenc_si128(b, _mm512_castsi512_si128(rk[r]));
    __m128i kl = _mm_xor_si128(_mm512_castsi512_si128(rk[nr]), t);
    return dec ? _mm_aesdeclast_si128(b, kl) : _mm_aesenclast_si128(b, kl);
}

/* One zmm (up to four blocks), tweak XORed on both sides. */
V512_INL __m512i x512_vec(const __m512i *rk, const int nr, const int dec, __m512i b, __m512i t)
{
    b = _mm512_ternarylogic_epi64(b, t, rk[0], 0x96);
    for (int r = 1; r < nr; r++)
        b = x512_round(b, rk[r], dec);
    return x512_last(b, _mm512_xor_si512(rk[nr], t), dec);
}

V512_INL void xts_body(const vaes_xts_ctx *c, const int nr, const int dec,
                       const uint8_t tweak[16], const uint8_t *in, size_t n, uint8_t *out)
{
    const __m512i *rk = dec ? c->dk : c->ek;
    const __m512i p87 = x512_p87();
    const size_t s = n & 15;                         /* stolen bytes */
    size_t nfull = (n >> 4) - (s ? 1 : 0);           /* blocks done without stealing */

    __m128i t0 = _mm_loadu_si128((const __m128i *)(const void *)tweak);
    t0 = _mm_xor_si128(t0, c->tk[0]);
    for (int r = 1; r < nr; r++)
        t0 = _mm_aesenc_si128(t0, c->tk[r]);
    t0 = _mm_aesenclast_si128(t0, c->tk[nr]);

    __m512i t[XV];
    {
        __m512i tb = _mm512_broadcast_i32x4(t0);
        const __m512i lane = _mm512_set_epi64(3, 3, 2, 2, 1, 1, 0, 0);
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
            t[j] = x512_mulxk(tb, _mm512_add_epi64(lane, _mm512_set1_epi64(4 * j)), p87);
    }

    while (nfull >= 4 * XV) {
        __m512i x[XV];
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
            x[j] = _mm512_ternarylogic_epi64(_mm512_loadu_si512(in + 64 * j), t[j], rk[0], 0x96);
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++) {
            _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
                x[j] = x512_round(x[j], rk[r], dec);
        }
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++) {
            x[j] = x512_last(x[j], _mm512_xor_si512(rk[nr], t[j]), dec);
            _mm512_storeu_si512(out + 64 * j, x[j]);
            t[j] = x512_mulx32(t[j], p87);
        }
        in += XB, out += XB, nfull -= 4 * XV;
    }

    /* Whole blocks left (< 32): a vector at a time, the last one masked.
     * tv walks through t[]; after the loop it holds the tweaks of the next
     * vector, lane (nfull % 4) being the first unused one. */
    __m512i tv = t[0];
    if (nfull) {
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++) {
            if (nfull > (size_t)(4 * j)) {
                tv = t[j];
                size_t bytes = (nfull - 4 * j) * 16;
                __mmask64 k = v512_bytes(bytes);
                __m512i x = _mm512_maskz_loadu_epi8(k, in + 64 * j);
                x = x512_vec(rk, nr, dec, x, t[j]);
                _mm512_mask_storeu_epi8(out + 64 * j, k, x);
                if (bytes >= 64)
                    tv = j + 1 < XV ? t[j + 1] : x512_mulx32(t[0], p87);
            }
        }
        in += nfull * 16, out += nfull * 16;
    }
    if (!s)
        return;

    /* Ciphertext stealing: whole block q-1 and the s-byte block q. */
    const __m512i sel = _mm512_set1_epi64((long long)(2 * (nfull & 3)));
    __m128i ta = _mm512_castsi512_si128(
        _mm512_permutexvar_epi64(_mm512_add_epi64(sel, _mm512_set_epi64(0, 0, 0, 0, 0, 0, 1, 0)), tv));
    __m128i tb = x128_mulx(ta);
    __mmask16 km = (__mmask16)((1u << s) - 1);
    __m128i whole = _mm_loadu_si128((const __m128i *)(const void *)in);
    __m128i part = _mm_maskz_loadu_epi8(km, in + 16);
    if (!dec) {
        __m128i cc = x128_block(rk, nr, 0, whole, ta);
        __m128i pp = _mm_mask_blend_epi8(km, cc, part);
        _mm_mask_storeu_epi8(out + 16, km, cc);
        _mm_storeu_si128((__m128i *)(void *)out, x128_block(rk, nr, 0, pp, tb));
    } else {
        __m128i pp = x128_block(rk, nr, 1, whole, tb);
        __m128i cc = _mm_mask_blend_epi8(km, pp, part);
        _mm_mask_storeu_epi8(out + 16, km, pp);
        _mm_storeu_si128((__m128i *)(void *)out, x128_block(rk, nr, 1, cc, ta));
    }
}

V512_TGT void own_v512_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    if (c->rounds == 10)
        xts_body(c, 10, 0, tweak, in, len, out);
    else
        xts_body(c, 14, 0, tweak, in, len, out);
}

V512_TGT void own_v512_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    if (c->rounds == 10)
        xts_body(c, 10, 1, tweak, in, len, out);
    else
        xts_body(c, 14, 1, tweak, in, len, out);
}
