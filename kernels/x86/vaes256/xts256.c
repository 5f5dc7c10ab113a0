/*
 * xts256.c - AES-XTS (IEEE 1619) with VAES on 256-bit vectors and AVX2
 * only, AES-128 and AES-256, with ciphertext stealing.
 *
 * Tweaks.  T_0 = E(K2, tweak), T_i = T_0 * x^i (little-endian GF(2^128),
 * reduction byte 0x87).  A ymm holds the tweaks of two consecutive blocks.
 * The first W vectors are built from T_0 in parallel: a 128-bit shift by
 * the lane's exponent k from per-qword variable shifts, and the k bits
 * shifted out folded back with one carry-less multiply by 0x87.  Each
 * iteration then advances every vector by x^(2W) the same way with a
 * constant shift, so there is no serial tweak chain.
 *
 * Main loop: 2W = 12 blocks (W = 6 ymm) per iteration - the most that
 * fits with their tweaks and a round key in the 16 ymm registers of AVX2,
 * which is what keeps the two 256-bit AES pipes busy across the four-cycle
 * latency.  Whitening is data ^ tweak ^ round key 0; the closing tweak XOR
 * is folded into the last round key (AESENCLAST(x, k ^ t) =
 * AESENCLAST(x, k) ^ t), computed at the top of the iteration so that the
 * next iteration's tweaks can be made early, one vector after each of the
 * first six rounds, and are ready when its first round needs them.  (At
 * this width the multiply by 0x87 stays a VPCLMULQDQ: the shift-and-XOR
 * form that wins in xts512.c measured slower here.)
 *
 * Tail: remaining whole blocks two at a time, a last single block on an
 * xmm.  Ciphertext stealing (length not a multiple of 16) on xmm registers,
 * the partial block loaded and stored in pieces of 8, 4, 2 and 1 bytes
 * chosen by the bits of its length (AVX2 has no byte masks), reading each
 * input before writing the output that may alias it; decryption swaps the
 * two last tweaks as the standard requires.
 *
 * Constant time: every branch and address depends on the length only.
 */
#include <string.h>

#include "own_kernel.h"
#include "v256.h"
#include "gcm256.h"

#define XW 6 /* ymm vectors per main-loop iteration (x256_mulx12 assumes 6) */
#define XWB (32 * XW)

/* Both lanes of t times x^k, k per qword, 0 <= k < 64. */
V256_INL __m256i x256_mulxk(__m256i t, __m256i k)
{
    const __m256i p87 = _mm256_set_epi64x(0, 0x87, 0, 0x87);
    const __m256i himask = _mm256_set_epi64x(-1, 0, -1, 0);
    __m256i sl = _mm256_sllv_epi64(t, k);
    __m256i sr = _mm256_srlv_epi64(t, _mm256_sub_epi64(_mm256_set1_epi64x(64), k));
    __m256i sw = _mm256_shuffle_epi32(sr, 0x4e);
    __m256i red = _mm256_clmulepi64_epi128(sw, p87, 0x00);
    return _mm256_xor_si256(_mm256_xor_si256(sl, red), _mm256_and_si256(sw, himask));
}

V256_INL __m128i x128_mulx(__m128i t)
{
    __m128i c = _mm_shuffle_epi32(_mm_srli_epi64(t, 63), 0x4e);
    c = _mm_and_si128(_mm_sub_epi64(_mm_setzero_si128(), c), _mm_set_epi64x(1, 0x87));
    return _mm_xor_si128(_mm_slli_epi64(t, 1), c);
}

V256_INL __m256i x256_vec(const __m512i *rk, const int nr, const int dec, __m256i b, __m256i t)
{
    b = _mm256_xor_si256(_mm256_xor_si256(b, t), v256_rk(rk, 0));
    for (int r = 1; r < nr; r++)
        b = dec ? _mm256_aesdec_epi128(b, v256_rk(rk, r)) : _mm256_aesenc_epi128(b, v256_rk(rk, r));
    __m256i kl = _mm256_xor_si256(v256_rk(rk, nr), t);
    return dec ? _mm256_aesdeclast_epi128(b, kl) : _mm256_aesenclast_epi128(b, kl);
}

V256_INL __m128i x128_block(const __m512i *rk, const int nr, const int dec, __m128i b, __m128i t)
{
    b = _mm_xor_si128(_mm_xor_si128(b, t), v256_rk128(rk, 0));
    for (int r = 1; r < nr; r++)
        b = dec ? _mm_aesdec_si128(b, v256_rk128(rk, r)) : _mm_aesenc_si128(b, v256_rk128(rk, r));
    __m128i kl = _mm_xor_si128(v256_rk128(rk, nr), t);
    return dec ? _mm_aesdeclast_si128(b, kl) : _mm_aesenclast_si128(b, kl);
}

V256_INL void xts_body(const vaes_xts_ctx *c, const int nr, const int dec,
                       const uint8_t tweak[16], const uint8_t *in, size_t n, uint8_t *out)
{
    const __m512i *rk = dec ? c->dk : c->ek;
    const size_t s = n & 15;
    size_t nfull = (n >> 4) - (s ? 1 : 0);
    if (n < 16)
        return; /* XTS needs one whole block; the plugin rejects shorter */

    /* The tweak as two 8-byte halves: a caller that writes a 64-bit sector
     * number into it gets store-to-load forwarding instead of a stall. */
    uint64_t tw[2];
    memcpy(tw, tweak, 16);
    __m128i t0 = _mm_set_epi64x((long long)tw[1], (long long)tw[0]);
    t0 = _mm_xor_si128(t0, c->tk[0]);
    for (int r = 1; r < nr; r++)
        t0 = _mm_aesenc_si128(t0, c->tk[r]);
    t0 = _mm_aesenclast_si128(t0, c->tk[nr]);

    const __m256i tb0 = _mm256_broadcastsi128_si256(t0);
    const int bulk = nfull >= 2 * XW;
    __m256i t[XW] = {0}; /* (only read when bulk) */
    if (bulk) {
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++)
            t[j] = x256_mulxk(tb0, _mm256_set_epi64x(2 * j + 1, 2 * j + 1, 2 * j, 2 * j));
    }

    while (nfull >= 2 * XW) {
        __m256i x[XW], kt[XW];
        __m256i k0 = v256_rk(rk, 0), kl = v256_rk(rk, nr);
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
            x[j] = _mm256_xor_si256(
                _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(in + 32 * j)), t[j]),
                k0);
            kt[j] = _mm256_xor_si256(kl, t[j]);
        }
        /* Next iteration's tweaks early, one vector per round. */
        _Pragma("GCC unroll 16") for (int r = 1; r < nr; r++) {
            __m256i k = v256_rk(rk, r);
            _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++)
                x[j] = dec ? _mm256_aesdec_epi128(x[j], k) : _mm256_aesenc_epi128(x[j], k);
            if (r <= XW)
                t[r - 1] = x256_mulxk(t[r - 1], _mm256_set1_epi64x(2 * XW));
        }
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
            x[j] = dec ? _mm256_aesdeclast_epi128(x[j], kt[j]) : _mm256_aesenclast_epi128(x[j], kt[j]);
            _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), x[j]);
        }
        in += XWB, out += XWB, nfull -= 2 * XW;
    }

    /* T of the first block not yet done. */
    const __m128i tc = bulk ? _mm256_castsi256_si128(t[0]) : t0;

    /* With stealing, the last whole block q-1 goes first (T_q-1 to encrypt,
     * T_q to decrypt: the standard's swapped order), so the two chained AES
     * passes of ciphertext stealing overlap the other blocks. */
    __m128i ta = _mm_setzero_si128(), tb = ta, part = ta, first = ta;
    if (s) {
        ta = _mm256_castsi256_si128(
            x256_mulxk(_mm256_castsi128_si256(tc), _mm256_set1_epi64x((long long)nfull)));
        tb = x128_mulx(ta);
        part = v128_load_tail(in + 16 * nfull + 16, s);
        first = x128_block(rk, nr, dec,
                           _mm_loadu_si128((const __m128i *)(const void *)(in + 16 * nfull)),
                           dec ? tb : ta);
    }

    /* Whole blocks left (< 12): two at a time, a last odd one on an xmm. */
    _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
        if (nfull <= (size_t)(2 * j))
            break;
        __m256i tj = bulk ? t[j] : x256_mulxk(tb0, _mm256_set_epi64x(2 * j + 1, 2 * j + 1, 2 * j, 2 * j));
        if (nfull >= (size_t)(2 * j + 2)) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(in + 32 * j));
            x = x256_vec(rk, nr, dec, x, tj);
            _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), x);
        } else {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(in + 32 * j));
            x = x128_block(rk, nr, dec, x, _mm256_castsi256_si128(tj));
            _mm_storeu_si128((__m128i *)(void *)(out + 32 * j), x);
        }
    }
    if (!s)
        return;
    out += nfull * 16;
    v128_store_tail(out + 16, first, s); /* the stolen bytes become the short block */
    __m128i last = x128_block(rk, nr, dec, v128_merge(part, first, s), dec ? ta : tb);
    _mm_storeu_si128((__m128i *)(void *)out, last);
}

V256_TGT void own_v256_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    if (c->rounds == 10)
        xts_body(c, 10, 0, tweak, in, len, out);
    else
        xts_body(c, 14, 0, tweak, in, len, out);
}

V256_TGT void own_v256_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    if (c->rounds == 10)
        xts_body(c, 10, 1, tweak, in, len, out);
    else
        xts_body(c, 14, 1, tweak, in, len, out);
}
