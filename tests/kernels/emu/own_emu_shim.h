/*
 * own_emu_shim.h - the intrinsics the own x86 kernels use that SIMDe 0.7.4
 * (Debian's libsimde-dev) does not emulate, written the plain way:
 *
 *   AES-NI (128-bit) and VAES (256/512-bit): aesenc, aesenclast, aesdec,
 *     aesdeclast; aesimc, aeskeygenassist - SIMDe 0.7.4 has no AES at all.
 *   AVX-512: _mm512_shuffle_epi32, _mm512_zextsi128_si512,
 *     _mm512_bslli_epi128, _mm512_bsrli_epi128.
 *   SSE4.1 _mm_testz_si128: SIMDe 0.7.4's portable version returns 1 when
 *     either qword of a & b is zero instead of both (so every kernel's
 *     tag check accepted a tag with one wrong half); replaced here.
 *   AVX-512BW/VL byte-masked loads and stores (_mm512/_mm_ maskz_loadu_epi8,
 *     mask_storeu_epi8), and the names __mmask8/16/32/64.
 *
 * Functions are named own_emu_<intrinsic name without the leading _> and
 * inlined or not as SIMDe's are (SIMDE_NO_INLINE); with
 * SIMDE_ENABLE_NATIVE_ALIASES the intrinsic names become macros for them
 * (a newer SIMDe that has some of these is overridden, not clashed with).
 * tests/kernels/emu_shim_test.c checks every one against the real
 * instructions where the CPU has them.
 *
 * Speed matters only as far as the kernel tests' run time does; nothing
 * here is constant time, and nothing here is ever built into own.so.
 *
 * The masked loads and stores touch exactly the selected bytes, so the
 * kernel tests' guard pages and ASan still catch a mask that selects a
 * byte outside a buffer.  What emulation cannot show is the hardware's
 * fault suppression: a masked-out byte on an unmapped page is simply never
 * read here, whatever the CPU would do.
 */
#ifndef OWN_EMU_SHIM_H
#define OWN_EMU_SHIM_H

#include <stdint.h>
#include <string.h>

#include <simde/x86/avx512.h>
#include <simde/x86/clmul.h>

static const uint8_t own_emu_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static const uint8_t own_emu_isbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
    0x54, 0x7b, 0x94, 0x32, 0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49, 0x6d, 0x8b, 0xd1, 0x25,
    0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92,
    0x6c, 0x70, 0x48, 0x50, 0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05, 0xb8, 0xb3, 0x45, 0x06,
    0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02, 0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b,
    0x3a, 0x91, 0x11, 0x41, 0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8, 0x1c, 0x75, 0xdf, 0x6e,
    0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89, 0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b,
    0xfc, 0x56, 0x3e, 0x4b, 0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xec, 0x5f,
    0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d, 0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef,
    0xa0, 0xe0, 0x3b, 0x4d, 0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0c, 0x7d,
};

static inline uint8_t own_emu_xt(uint8_t a)
{
    return (uint8_t)((a << 1) ^ ((a >> 7) * 0x1b));
}

/* a * c for c < 16 */
static inline uint8_t own_emu_gmul(uint8_t a, unsigned c)
{
    uint8_t r = 0;
    for (; c; c >>= 1, a = own_emu_xt(a))
        if (c & 1)
            r ^= a;
    return r;
}

/* MixColumns (inv = 0) or InvMixColumns (inv = 1) of the 16-byte state,
 * column c = bytes 4c..4c+3 (FIPS-197 order, as in an xmm register). */
static inline void own_emu_mix(uint8_t s[16], int inv)
{
    for (int c = 0; c < 4; c++) {
        uint8_t *a = s + 4 * c, t[4];
        for (int r = 0; r < 4; r++) {
            uint8_t a0 = a[r], a1 = a[(r + 1) & 3], a2 = a[(r + 2) & 3], a3 = a[(r + 3) & 3];
            if (!inv) {
                /* 2 a0 + 3 a1 + a2 + a3 */
                t[r] = (uint8_t)(own_emu_xt(a0 ^ a1) ^ a1 ^ a2 ^ a3);
            } else {
                /* 14 a0 + 11 a1 + 13 a2 + 9 a3 */
                t[r] = (uint8_t)(own_emu_gmul(a0, 14) ^ own_emu_gmul(a1, 11) ^
                                 own_emu_gmul(a2, 13) ^ own_emu_gmul(a3, 9));
            }
        }
        memcpy(a, t, 4);
    }
}

/* One AES round as AESENC/AESENCLAST/AESDEC/AESDECLAST do it. */
static inline void own_emu_round(uint8_t s[16], const uint8_t k[16], int dec, int last)
{
    uint8_t t[16];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            t[4 * c + r] = dec ? own_emu_isbox[s[4 * ((c - r) & 3) + r]] /* InvShiftRows */
                               : own_emu_sbox[s[4 * ((c + r) & 3) + r]]; /* ShiftRows */
    if (!last)
        own_emu_mix(t, dec);
    for (int i = 0; i < 16; i++)
        s[i] = t[i] ^ k[i];
}

/* The same round on every 16-byte lane of an n-byte vector. */
static inline void own_emu_rounds(void *dst, const void *a, const void *k, size_t n, int dec, int last)
{
    uint8_t s[64], kk[64];
    memcpy(s, a, n);
    memcpy(kk, k, n);
    for (size_t l = 0; l < n; l += 16)
        own_emu_round(s + l, kk + l, dec, last);
    memcpy(dst, s, n);
}

#define OWN_EMU_AES(name, type, dec, last)                                  \
    SIMDE_FUNCTION_ATTRIBUTES type name(type a, type k)                                 \
    {                                                                       \
        type r;                                                             \
        own_emu_rounds(&r, &a, &k, sizeof r, dec, last);                    \
        return r;                                                           \
    }
OWN_EMU_AES(own_emu_mm_aesenc_si128, simde__m128i, 0, 0)
OWN_EMU_AES(own_emu_mm_aesenclast_si128, simde__m128i, 0, 1)
OWN_EMU_AES(own_emu_mm_aesdec_si128, simde__m128i, 1, 0)
OWN_EMU_AES(own_emu_mm_aesdeclast_si128, simde__m128i, 1, 1)
OWN_EMU_AES(own_emu_mm256_aesenc_epi128, simde__m256i, 0, 0)
OWN_EMU_AES(own_emu_mm256_aesenclast_epi128, simde__m256i, 0, 1)
OWN_EMU_AES(own_emu_mm256_aesdec_epi128, simde__m256i, 1, 0)
OWN_EMU_AES(own_emu_mm256_aesdeclast_epi128, simde__m256i, 1, 1)
OWN_EMU_AES(own_emu_mm512_aesenc_epi128, simde__m512i, 0, 0)
OWN_EMU_AES(own_emu_mm512_aesenclast_epi128, simde__m512i, 0, 1)
OWN_EMU_AES(own_emu_mm512_aesdec_epi128, simde__m512i, 1, 0)
OWN_EMU_AES(own_emu_mm512_aesdeclast_epi128, simde__m512i, 1, 1)

SIMDE_FUNCTION_ATTRIBUTES simde__m128i own_emu_mm_aesimc_si128(simde__m128i a)
{
    uint8_t s[16];
    memcpy(s, &a, 16);
    own_emu_mix(s, 1);
    memcpy(&a, s, 16);
    return a;
}

/* dwords: SubWord(X1), RotWord(SubWord(X1)) ^ rcon, the same for X3. */
SIMDE_FUNCTION_ATTRIBUTES simde__m128i own_emu_mm_aeskeygenassist_si128(simde__m128i a, int rcon)
{
    uint32_t x[4], r[4];
    memcpy(x, &a, 16);
    for (int i = 0; i < 2; i++) {
        uint32_t w = x[2 * i + 1], s = 0;
        for (int b = 0; b < 32; b += 8)
            s |= (uint32_t)own_emu_sbox[(w >> b) & 0xff] << b;
        r[2 * i] = s;
        r[2 * i + 1] = ((s >> 8) | (s << 24)) ^ (uint32_t)(rcon & 0xff);
    }
    memcpy(&a, r, 16);
    return a;
}

/* ---- AVX-512F lane-wise ops missing from SIMDe 0.7.4 -------------------- */

SIMDE_FUNCTION_ATTRIBUTES simde__m512i own_emu_mm512_shuffle_epi32(simde__m512i a, int imm)
{
    uint32_t s[16], d[16];
    memcpy(s, &a, 64);
    for (int i = 0; i < 16; i++)
        d[i] = s[(i & ~3) + ((imm >> (2 * (i & 3))) & 3)];
    memcpy(&a, d, 64);
    return a;
}

SIMDE_FUNCTION_ATTRIBUTES simde__m512i own_emu_mm512_zextsi128_si512(simde__m128i a)
{
    uint8_t d[64] = {0};
    simde__m512i r;
    memcpy(d, &a, 16);
    memcpy(&r, d, 64);
    return r;
}

/* Byte shift of every 128-bit lane, left (towards byte 15) or right. */
static inline simde__m512i own_emu_bshift(simde__m512i a, int imm, int left)
{
    uint8_t s[64], d[64];
    unsigned n = (unsigned)imm & 0xff;
    memcpy(s, &a, 64);
    for (int l = 0; l < 64; l += 16)
        for (unsigned i = 0; i < 16; i++) {
            unsigned j = left ? i - n : i + n; /* wraps past 15 when out of range */
            d[l + i] = j < 16 ? s[l + j] : 0;
        }
    memcpy(&a, d, 64);
    return a;
}
SIMDE_FUNCTION_ATTRIBUTES simde__m512i own_emu_mm512_bslli_epi128(simde__m512i a, int imm)
{
    return own_emu_bshift(a, imm, 1);
}
SIMDE_FUNCTION_ATTRIBUTES simde__m512i own_emu_mm512_bsrli_epi128(simde__m512i a, int imm)
{
    return own_emu_bshift(a, imm, 0);
}

/* PTEST's ZF: 1 iff a & b is all zero. */
SIMDE_FUNCTION_ATTRIBUTES int own_emu_mm_testz_si128(simde__m128i a, simde__m128i b)
{
    uint64_t x[2], y[2];
    memcpy(x, &a, 16);
    memcpy(y, &b, 16);
    return ((x[0] & y[0]) | (x[1] & y[1])) == 0;
}

/* ---- byte-masked loads and stores: only the selected bytes are accessed -- */

static inline void own_emu_maskz_load(void *dst, uint64_t k, const void *p, size_t n)
{
    uint8_t d[64];
    for (size_t i = 0; i < n; i++)
        d[i] = (k >> i) & 1 ? ((const volatile uint8_t *)p)[i] : 0;
    memcpy(dst, d, n);
}
static inline void own_emu_mask_store(void *p, uint64_t k, const void *src, size_t n)
{
    uint8_t s[64];
    memcpy(s, src, n);
    for (size_t i = 0; i < n; i++)
        if ((k >> i) & 1)
            ((volatile uint8_t *)p)[i] = s[i];
}

SIMDE_FUNCTION_ATTRIBUTES simde__m512i own_emu_mm512_maskz_loadu_epi8(simde__mmask64 k, const void *p)
{
    simde__m512i r;
    own_emu_maskz_load(&r, k, p, 64);
    return r;
}
SIMDE_FUNCTION_ATTRIBUTES void own_emu_mm512_mask_storeu_epi8(void *p, simde__mmask64 k, simde__m512i a)
{
    own_emu_mask_store(p, k, &a, 64);
}
SIMDE_FUNCTION_ATTRIBUTES simde__m128i own_emu_mm_maskz_loadu_epi8(simde__mmask16 k, const void *p)
{
    simde__m128i r;
    own_emu_maskz_load(&r, k, p, 16);
    return r;
}
SIMDE_FUNCTION_ATTRIBUTES void own_emu_mm_mask_storeu_epi8(void *p, simde__mmask16 k, simde__m128i a)
{
    own_emu_mask_store(p, k, &a, 16);
}

#if defined(SIMDE_ENABLE_NATIVE_ALIASES)
/* SIMDe 0.7.4 aliases the vector types but not the mask types. */
typedef simde__mmask8 __mmask8;
typedef simde__mmask16 __mmask16;
typedef simde__mmask32 __mmask32;
typedef simde__mmask64 __mmask64;

#undef _mm_testz_si128
#define _mm_testz_si128 own_emu_mm_testz_si128
#undef _mm_aesenc_si128
#undef _mm_aesenclast_si128
#undef _mm_aesdec_si128
#undef _mm_aesdeclast_si128
#undef _mm256_aesenc_epi128
#undef _mm256_aesenclast_epi128
#undef _mm256_aesdec_epi128
#undef _mm256_aesdeclast_epi128
#undef _mm512_aesenc_epi128
#undef _mm512_aesenclast_epi128
#undef _mm512_aesdec_epi128
#undef _mm512_aesdeclast_epi128
#undef _mm_aesimc_si128
#undef _mm_aeskeygenassist_si128
#undef _mm512_shuffle_epi32
#undef _mm512_zextsi128_si512
#undef _mm512_bslli_epi128
#undef _mm512_bsrli_epi128
#undef _mm512_maskz_loadu_epi8
#undef _mm512_mask_storeu_epi8
#undef _mm_maskz_loadu_epi8
#undef _mm_mask_storeu_epi8
#define _mm_aesenc_si128 own_emu_mm_aesenc_si128
#define _mm_aesenclast_si128 own_emu_mm_aesenclast_si128
#define _mm_aesdec_si128 own_emu_mm_aesdec_si128
#define _mm_aesdeclast_si128 own_emu_mm_aesdeclast_si128
#define _mm256_aesenc_epi128 own_emu_mm256_aesenc_epi128
#define _mm256_aesenclast_epi128 own_emu_mm256_aesenclast_epi128
#define _mm256_aesdec_epi128 own_emu_mm256_aesdec_epi128
#define _mm256_aesdeclast_epi128 own_emu_mm256_aesdeclast_epi128
#define _mm512_aesenc_epi128 own_emu_mm512_aesenc_epi128
#define _mm512_aesenclast_epi128 own_emu_mm512_aesenclast_epi128
#define _mm512_aesdec_epi128 own_emu_mm512_aesdec_epi128
#define _mm512_aesdeclast_epi128 own_emu_mm512_aesdeclast_epi128
#define _mm_aesimc_si128 own_emu_mm_aesimc_si128
#define _mm_aeskeygenassist_si128 own_emu_mm_aeskeygenassist_si128
#define _mm512_shuffle_epi32 own_emu_mm512_shuffle_epi32
#define _mm512_zextsi128_si512 own_emu_mm512_zextsi128_si512
#define _mm512_bslli_epi128 own_emu_mm512_bslli_epi128
#define _mm512_bsrli_epi128 own_emu_mm512_bsrli_epi128
#define _mm512_maskz_loadu_epi8 own_emu_mm512_maskz_loadu_epi8
#define _mm512_mask_storeu_epi8 own_emu_mm512_mask_storeu_epi8
#define _mm_maskz_loadu_epi8 own_emu_mm_maskz_loadu_epi8
#define _mm_mask_storeu_epi8 own_emu_mm_mask_storeu_epi8
/* Nothing to clear in an emulation (SIMDe 0.7.4 has no alias for it). */
#undef _mm256_zeroupper
#define _mm256_zeroupper() ((void)0)
#endif

#endif /* OWN_EMU_SHIM_H */
