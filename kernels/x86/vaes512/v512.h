/*
 * v512.h - 512-bit building blocks shared by the vaes512 and fused kernels:
 * AES rounds over zmm, GHASH multiply-accumulate without reduction, the
 * one reduction, masks for tails, a payload vector's keystream XOR.  All
 * static inline; see gcm512.c for how they are put together and
 * kernels/x86/common/x86_aes.h for the GHASH register form.
 */
#ifndef OWN_V512_H
#define OWN_V512_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../common/x86_aes.h"
#include "../vaes256/vaes_ctx.h"

#define V512_TGT \
    OWN_X86_TARGET("avx512f,avx512bw,avx512vl,avx512vbmi,vaes,vpclmulqdq,avx2,avx,aes,pclmul,sse4.1,ssse3")
#define V512_INL static inline __attribute__((always_inline)) V512_TGT

V512_INL __m512i v512_bswap(void)
{
    return _mm512_broadcast_i32x4(own_x86_bswap_mask());
}

/* Reduction constant of x86_aes.h in every lane: high qword 0xC2 << 56. */
V512_INL __m512i v512_poly(void)
{
    return _mm512_broadcast_i32x4(_mm_set_epi64x((long long)0xc200000000000000ull, 0));
}

/* Byte mask selecting the first n bytes of a 64-byte vector (n may exceed 64). */
V512_INL __mmask64 v512_bytes(size_t n)
{
    return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
}

/* Byte mask of the vector at offset off of an n-byte buffer: its bytes
 * below n (none when off >= n). */
V512_INL __mmask64 v512_bytes_at(size_t n, size_t off)
{
    return n > off ? v512_bytes(n - off) : 0;
}

/*
 * One vector of a GCM payload: the keystream x XORed with the input at in,
 * stored at out; left is the payload's bytes from in on (64 or more: a
 * whole vector).  Returns the vector GHASH takes, the output for seal and
 * the input for open, zero past the payload's end.  Only a partial vector
 * is byte-masked: on Intel a byte-masked load and the masked move that
 * zeroes seal's hashed bytes each take a uop of the two ports 512-bit AES
 * and GHASH share.  The store's address is hidden from the optimizer (an
 * empty asm), so it comes from one register: GCC otherwise addresses it
 * base + index, sharing one index register among the loop's buffers, and
 * so addressed it measured markedly slower on Intel (the commit says how
 * much).  A branch on enc, not a blend: a blend would make open's hashing
 * wait for the keystream.
 */
V512_INL __m512i v512_gcm_xor(__m512i x, const uint8_t *in, uint8_t *out, size_t left,
                              const int enc)
{
    __asm__("" : "+r"(out));
    if (left >= 64) {
        __m512i d = _mm512_loadu_si512(in);
        x = _mm512_xor_si512(x, d);
        _mm512_storeu_si512(out, x);
        return enc ? x : d;
    }
    __mmask64 k = v512_bytes(left);
    __m512i d = _mm512_maskz_loadu_epi8(k, in);
    x = _mm512_xor_si512(x, d);
    _mm512_mask_storeu_epi8(out, k, x);
    return enc ? _mm512_maskz_mov_epi8(k, x) : d;
}

/* Accumulate the three unreduced parts of d * h lane by lane. */
V512_INL void v512_gmul(__m512i d, __m512i h, __m512i *lo, __m512i *mi, __m512i *hi)
{
    *lo = _mm512_xor_si512(*lo, _mm512_clmulepi64_epi128(d, h, 0x00));
    *hi = _mm512_xor_si512(*hi, _mm512_clmulepi64_epi128(d, h, 0x11));
    *mi = _mm512_ternarylogic_epi64(*mi, _mm512_clmulepi64_epi128(d, h, 0x01),
                                    _mm512_clmulepi64_epi128(d, h, 0x10), 0x96);
}

/* Reduce every lane (x86_aes.h's two folds), then add the four lanes. */
V512_INL __m128i v512_reduce(__m512i lo, __m512i mi, __m512i hi, __m512i poly)
{
    mi = _mm512_ternarylogic_epi64(mi, _mm512_shuffle_epi32(lo, 0x4e),
                                   _mm512_clmulepi64_epi128(lo, poly, 0x10), 0x96);
    hi = _mm512_ternarylogic_epi64(hi, _mm512_shuffle_epi32(mi, 0x4e),
                                   _mm512_clmulepi64_epi128(mi, poly, 0x10), 0x96);
    __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(hi), _mm512_extracti64x4_epi64(hi, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

/* Powers for four blocks whose first needs H^e (see vaes_ctx.h). */
V512_INL __m512i v512_hpow(const vaes_gcm_ctx *c, int e)
{
    return _mm512_loadu_si512((const void *)&c->hpow[VAES_NPOW - e]);
}

V512_INL __m512i v512_hkar(const vaes_gcm_ctx *c, int e)
{
    return _mm512_loadu_si512((const void *)&c->hkar[VAES_NPOW - e]);
}

/* The tag from the final GHASH value s (register form) and E(K, J0). */
V512_INL __m128i v512_tag(__m128i s, __m128i ej0)
{
    return _mm_xor_si128(_mm_shuffle_epi8(s, own_x86_bswap_mask()), ej0);
}

/* One block, xmm, for E(K, J0) and the like.  The rounds stay a loop:
 * E(K, J0) runs beside the payload's AES, and unrolled it measured no
 * faster. */
V512_INL __m128i v512_aes_x1(const __m512i *rk, int nr, __m128i b)
{
    b = _mm_xor_si128(b, _mm512_castsi512_si128(rk[0]));
    for (int i = 1; i < nr; i++)
        b = _mm_aesenc_si128(b, _mm512_castsi512_si128(rk[i]));
    return _mm_aesenclast_si128(b, _mm512_castsi512_si128(rk[nr]));
}

/* One vector (a short message's keystream), rounds unrolled (OWN_X86_ROUNDS). */
V512_INL __m512i v512_aes_1(const __m512i *rk, int nr, __m512i b)
{
    b = _mm512_xor_si512(b, rk[0]);
    OWN_X86_ROUNDS(nr, b = _mm512_aesenc_epi128(b, rk[r_]));
    return _mm512_aesenclast_epi128(b, rk[nr]);
}

/* Counter increments in the byte-reflected ("little-endian") counter form:
 * the 32-bit block counter is dword 0 of each lane. */
V512_INL __m512i v512_inc(int a)
{
    return _mm512_set_epi32(0, 0, 0, a + 3, 0, 0, 0, a + 2, 0, 0, 0, a + 1, 0, 0, 0, a);
}
V512_INL __m512i v512_incall(int a)
{
    return _mm512_set_epi32(0, 0, 0, a, 0, 0, 0, a, 0, 0, 0, a, 0, 0, 0, a);
}

/* k added to the counter's last byte of every lane, blocks in memory order. */
V512_INL __m512i v512_incbe(int k)
{
    int b = (int)((unsigned)k << 24);
    return _mm512_set_epi32(b, 0, 0, 0, b, 0, 0, 0, b, 0, 0, 0, b, 0, 0, 0);
}

#endif /* OWN_V512_H */
