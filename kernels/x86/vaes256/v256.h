/*
 * v256.h - 256-bit (AVX2 + VAES + VPCLMULQDQ, no AVX-512) building blocks
 * of the vaes256 kernel.  A ymm holds two 16-byte blocks.  Only 16 vector
 * registers and no mask registers exist at this level, so partial blocks are
 * loaded and stored with overlapping whole blocks where the buffer allows
 * (v256_load_part, v256_store_part) or in pieces chosen by the bits of
 * their length (v128_load_tail, v128_store_tail).
 */
#ifndef OWN_V256_H
#define OWN_V256_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../common/x86_aes.h"
#include "vaes_ctx.h"

#define V256_TGT OWN_X86_TARGET("avx2,avx,vaes,vpclmulqdq,aes,pclmul,sse4.1,ssse3")
#define V256_INL static inline __attribute__((always_inline)) V256_TGT

V256_INL __m256i v256_bswap(void)
{
    return _mm256_broadcastsi128_si256(own_x86_bswap_mask());
}

V256_INL __m256i v256_poly(void)
{
    return _mm256_broadcastsi128_si256(_mm_set_epi64x((long long)0xc200000000000000ull, 0));
}

/* Round key r for two lanes: the low 32 bytes of the broadcast key. */
V256_INL __m256i v256_rk(const __m512i *rk, int r)
{
    return _mm256_load_si256((const __m256i *)(const void *)&rk[r]);
}

/* Round key r of a 16-byte schedule, in both lanes. */
V256_INL __m256i v256_bk(const __m128i *rk, int r)
{
    return _mm256_broadcastsi128_si256(_mm_load_si128(&rk[r]));
}

V256_INL __m128i v256_rk128(const __m512i *rk, int r)
{
    return _mm_load_si128((const __m128i *)(const void *)&rk[r]);
}

V256_INL void v256_gmul(__m256i d, __m256i h, __m256i *lo, __m256i *mi, __m256i *hi)
{
    *lo = _mm256_xor_si256(*lo, _mm256_clmulepi64_epi128(d, h, 0x00));
    *hi = _mm256_xor_si256(*hi, _mm256_clmulepi64_epi128(d, h, 0x11));
    *mi = _mm256_xor_si256(*mi, _mm256_xor_si256(_mm256_clmulepi64_epi128(d, h, 0x01),
                                                 _mm256_clmulepi64_epi128(d, h, 0x10)));
}

/* Reduce both lanes, then add them. */
V256_INL __m128i v256_reduce(__m256i lo, __m256i mi, __m256i hi, __m256i poly)
{
    mi = _mm256_xor_si256(mi, _mm256_xor_si256(_mm256_shuffle_epi32(lo, 0x4e),
                                               _mm256_clmulepi64_epi128(lo, poly, 0x10)));
    hi = _mm256_xor_si256(hi, _mm256_xor_si256(_mm256_shuffle_epi32(mi, 0x4e),
                                               _mm256_clmulepi64_epi128(mi, poly, 0x10)));
    return _mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
}

/* Powers for two blocks whose first needs H^e. */
V256_INL __m256i v256_hpow(const vaes_gcm_ctx *c, int e)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)&c->hpow[VAES_NPOW - e]);
}

V256_INL __m256i v256_hkar(const vaes_gcm_ctx *c, int e)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)&c->hkar[VAES_NPOW - e]);
}

V256_INL __m256i v256_zext(__m128i a)
{
    return _mm256_inserti128_si256(_mm256_setzero_si256(), a, 0);
}

/* Counter increments, byte-reflected form (dword 0 of each lane). */
V256_INL __m256i v256_inc(int a)
{
    return _mm256_set_epi32(0, 0, 0, a + 1, 0, 0, 0, a);
}
V256_INL __m256i v256_incall(int a)
{
    return _mm256_set_epi32(0, 0, 0, a, 0, 0, 0, a);
}
/* k added to the counter's last byte, blocks in memory order. */
V256_INL __m256i v256_incbe(int k)
{
    int b = (int)((unsigned)k << 24);
    return _mm256_set_epi32(b, 0, 0, 0, b, 0, 0, 0);
}

/*
 * Up to 15 bytes into the low end of a zero xmm, and back, in pieces of
 * 8, 4, 2 and 1 bytes picked by the bits of the (public) length: no byte
 * outside [p, p+n) is touched, and no store-to-load round trip through a
 * stack buffer (AVX2 has no byte masks).
 */
V256_INL __m128i v128_load_tail(const uint8_t *p, size_t n)
{
    uint64_t lo = 0, hi = 0;
    size_t o = 0;
    if (n & 8) { memcpy(&lo, p, 8); o = 8; }
    uint64_t w = 0;
    int sh = 0;
    if (n & 4) { uint32_t t; memcpy(&t, p + o, 4); w |= (uint64_t)t; sh = 32; o += 4; }
    if (n & 2) { uint16_t t; memcpy(&t, p + o, 2); w |= (uint64_t)t << sh; sh += 16; o += 2; }
    if (n & 1) { w |= (uint64_t)p[o] << sh; }
    if (n & 8) hi = w; else lo = w;
    return _mm_set_epi64x((long long)hi, (long long)lo);
}

V256_INL void v128_store_tail(uint8_t *p, __m128i v, size_t n)
{
    if (n & 8) {
        _mm_storel_epi64((__m128i *)(void *)p, v);
        v = _mm_srli_si128(v, 8);
        p += 8;
    }
    uint64_t w = (uint64_t)_mm_cvtsi128_si64(v);
    if (n & 4) { uint32_t t = (uint32_t)w; memcpy(p, &t, 4); w >>= 32; p += 4; }
    if (n & 2) { uint16_t t = (uint16_t)w; memcpy(p, &t, 2); w >>= 16; p += 2; }
    if (n & 1) { *p = (uint8_t)w; }
}

/* pshufb controls: a 16-byte load at v128_shift + 16 + s moves bytes down
 * by s, one at v128_shift + 16 - s up by s, zeros shifted in (0 <= s <= 16). */
static const int8_t v128_shift[48] = {
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
    0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,   15,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128};

V256_INL __m128i v128_down(__m128i v, size_t s)
{
    const void *c = v128_shift + 16 + s;
    return _mm_shuffle_epi8(v, _mm_loadu_si128((const __m128i *)c));
}

V256_INL __m128i v128_up(__m128i v, size_t s)
{
    const void *c = v128_shift + 16 - s;
    return _mm_shuffle_epi8(v, _mm_loadu_si128((const __m128i *)c));
}

/*
 * The k < 32 bytes at p into a zero-padded vector.  Over 16 bytes, the
 * second block is the 16 bytes that end at p + k, shifted down into place
 * (two loads and a shuffle instead of up to five pieces).  Under 16, the
 * pieces of v128_load_tail (there, a whole load ending at p + k and a
 * shift lost to them: see the commit that added this).
 */
V256_INL __m256i v256_load_part(const uint8_t *p, size_t k)
{
    if (k < 16)
        return _mm256_zextsi128_si256(v128_load_tail(p, k));
    const __m128i first = _mm_loadu_si128((const __m128i *)(const void *)p);
    if (k == 16)
        return _mm256_zextsi128_si256(first);
    __m128i end = _mm_loadu_si128((const __m128i *)(const void *)(p + k - 16));
    return _mm256_set_m128i(v128_down(end, 32 - k), first);
}

/* The first k < 32 bytes of v to p, the same way: over 16 bytes, the block
 * that ends at p + k goes first, whole, and its bytes below p + 16 are then
 * overwritten by the first block. */
V256_INL void v256_store_part(uint8_t *p, __m256i v, size_t k)
{
    __m128i lo = _mm256_castsi256_si128(v);
    if (k >= 16) {
        if (k > 16)
            _mm_storeu_si128((__m128i *)(void *)(p + k - 16),
                             v128_up(_mm256_extracti128_si256(v, 1), 32 - k));
        _mm_storeu_si128((__m128i *)(void *)p, lo);
    } else {
        v128_store_tail(p, lo, k);
    }
}

/* n (<= 32) bytes of 0xff, then zeros: a window of a ramp at a public
 * offset. */
static const int8_t v256_ramp[64] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0};

/* Zero every byte of v from byte n on (n < 32). */
V256_INL __m256i v256_keep(__m256i v, size_t n)
{
    return _mm256_and_si256(v, _mm256_loadu_si256((const __m256i *)(const void *)(v256_ramp + 32 - n)));
}

/* Bytes 0..n-1 from a, the rest from b (n < 16). */
V256_INL __m128i v128_merge(__m128i a, __m128i b, size_t n)
{
    __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(v256_ramp + 32 - n));
    return _mm_blendv_epi8(b, a, m);
}

#endif /* OWN_V256_H */
