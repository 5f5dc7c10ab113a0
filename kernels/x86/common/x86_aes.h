/*
 * x86_aes.h - x86-64 helpers shared by the own x86 kernels (aesni, vaes256,
 * vaes512): CPU feature checks, AES-NI key expansion, and the GHASH key in
 * the representation every own x86 kernel uses.
 *
 * Everything here is `static inline` so that the machine code lands in the
 * kernel folder that uses it (kernels.mk measures code size per folder).
 * Functions that need an ISA extension carry their own
 * __attribute__((target(...))), spelled OWN_X86_TARGET(...) (see below);
 * nothing needs a global -m flag.  GCC inlines
 * them into a caller whose target is a superset (e.g. a VAES kernel compiled
 * with target("avx2,vaes,vpclmulqdq,aes,pclmul,...")), and otherwise emits a
 * local out-of-line copy; either way the code is correct.  Note the helpers
 * use legacy-SSE encodings unless inlined into an AVX function; they are
 * meant for key setup, not for inner loops of a VEX/EVEX kernel.
 *
 * ---------------------------------------------------------------------------
 * API
 *
 *  CPU / OS features (CPUID + XGETBV, computed once per translation unit):
 *    unsigned own_x86_features(void);        bit set of OWN_X86_F_* below
 *    int own_x86_has(unsigned mask);         1 if all bits of mask present
 *    int own_x86_cpu_aesni(void);            AES + PCLMULQDQ + SSSE3 + SSE4.1
 *    int own_x86_cpu_vaes256(void);          aesni + AVX + AVX2 + VAES +
 *                                            VPCLMULQDQ + OS saves YMM
 *    int own_x86_cpu_vaes512(void);          vaes256 + AVX512F/BW/VL +
 *                                            OS saves ZMM/opmask
 *
 *  AES (round keys are __m128i in memory byte order, i.e. exactly what
 *  _mm_loadu_si128 of the FIPS-197 round key bytes gives; rk[0] is the key
 *  whitening, rk[rounds] the last round key; arrays hold 15 entries):
 *    int  own_x86_aes_expand_enc(const uint8_t *key, size_t key_len,
 *                                __m128i rk[15]);
 *         key_len 16/24/32 -> returns rounds 10/12/14 (0 for another length,
 *         rk untouched).
 *    void own_x86_aes_expand_dec(const __m128i enc[15], int rounds,
 *                                __m128i dec[15]);
 *         schedule for the Equivalent Inverse Cipher (AESDEC/AESDECLAST):
 *         dec[0] = enc[rounds], dec[i] = AESIMC(enc[rounds-i]),
 *         dec[rounds] = enc[0].  enc and dec must not alias.
 *    __m128i own_x86_aes_enc_block(const __m128i rk[15], int rounds, __m128i b);
 *    __m128i own_x86_aes_dec_block(const __m128i dec[15], int rounds, __m128i b);
 *
 *  GCM:
 *    __m128i own_x86_gcm_j0(const uint8_t iv[12], uint32_t ctr);
 *         J0 = IV || ctr (ctr big endian; 1 but for the counter-wrap
 *         tests), memory order, read without touching a byte past the IV.
 *
 *  XTS:
 *    __m128i own_x86_xts_tweak(const uint8_t tweak[16]);
 *         the tweak block, read as two 8-byte halves.
 *
 *  GHASH (see "GHASH representation" below):
 *    __m128i own_x86_bswap_mask(void);        PSHUFB mask reversing 16 bytes
 *    __m128i own_x86_ghash_key(const __m128i rk[15], int rounds);
 *         H = E(K, 0^128), returned as H * x^-1 in the reflected register
 *         form ("H'"), ready to be the multiplier of own_x86_ghash_mul.
 *    __m128i own_x86_ghash_mul(__m128i a, __m128i hk);
 *         a * hk * x (mod P) with both in register form; with hk = H' or a
 *         power H'^i produced by this function, this is the GHASH product
 *         a * H^i.  own_x86_ghash_mul(H'^i, H') = H'^(i+1) (the x^-1 factor
 *         is preserved), so powers of H come from repeated calls.
 *    __m128i own_x86_ghash_reduce(__m128i lo, __m128i mi, __m128i hi);
 *         the reduction step alone, for kernels that sum unreduced products
 *         (delayed reduction); see below for what lo/mi/hi mean.
 *
 * ---------------------------------------------------------------------------
 * GHASH representation (shared by every own x86 kernel)
 *
 * GCM numbers the bits of a 16-byte block so that bit 7 (0x80) of byte 0 is
 * the coefficient of x^0 and bit 0 of byte 15 that of x^127, modulo
 * P(x) = x^128 + x^7 + x^2 + x + 1.
 *
 * Register form: load the block and reverse its 16 bytes (PSHUFB with
 * own_x86_bswap_mask()).  Then register bit j (bit 127 = top bit of the high
 * qword) holds the coefficient of x^(127-j): the register, read as a
 * polynomial in y = x^-1, is  a * x^-127.  Byte 15 of the block lands in the
 * low byte of the low qword.
 *
 * Carry-less multiplying two register-form values r = a*x^-127, s = b*x^-127
 * gives a 256-bit t = a*b*x^-254 (as a polynomial in y).  Montgomery
 * reduction by y^128 (divide by y^128 modulo P*(y) = y^128 + y^127 + y^126 +
 * y^121 + 1, the reversed P) gives a*b*x^-126, one factor x too many.  So the
 * hash key is stored pre-multiplied by x^-1: H' = H * x^-1, i.e. in register
 * form the byte-reversed H shifted left by one bit, with 0xC2000000_00000000_
 * 00000000_00000001 XORed in when the bit shifted out was set.  Then
 * clmul(X, H') followed by the reduction gives X*H in register form, and
 * since reduce(clmul(H'^i, H')) = H^(i+1) * x^-1, every power H^i is kept as
 * H'^i := H^i * x^-1 and used the same way.
 *
 * The 256-bit product is kept as three 128-bit parts, which is what one
 * schoolbook multiply naturally produces and what a kernel can sum over
 * many blocks before reducing once:
 *     lo = clmul(a.lo, b.lo)                      bits   0..127
 *     mi = clmul(a.lo, b.hi) ^ clmul(a.hi, b.lo)  bits  64..191
 *     hi = clmul(a.hi, b.hi)                      bits 128..255
 * (.lo/.hi = low/high qword of the register).  The reduction folds the low
 * qword twice with the constant 0xC2 << 56 (the y^127+y^126+y^121 part of
 * P*; the constant term 1 of P* is what makes the qword swap work):
 *     mi ^= swap64(lo) ^ clmul(lo.lo, 0xC2<<56)
 *     hi ^= swap64(mi) ^ clmul(mi.lo, 0xC2<<56)      -> result = hi
 * Sums of products of several blocks (X1*H'^n + X2*H'^(n-1) + ...) may be
 * accumulated in lo/mi/hi and reduced once: the reduction is linear.
 *
 * GCM's J0/counter blocks and XTS tweaks have nothing to do with this form;
 * they stay in memory byte order.
 */
#ifndef OWN_X86_AES_H
#define OWN_X86_AES_H

#if !defined(__x86_64__) && !defined(__i386__)
#error "x86_aes.h is for x86 builds only"
#endif

#include <cpuid.h>
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every ISA target attribute of the own x86 kernels goes through this.  The
 * emulated test builds (tests/kernels/emu/, -DOWN_X86_EMULATED) compile the
 * same sources against a software emulation of the intrinsics; there the
 * attribute must go, or the compiler could emit the very instructions the
 * CPU lacks (e.g. vectorise the emulation with AVX-512). */
#ifdef OWN_X86_EMULATED
#define OWN_X86_TARGET(isa)
#else
#define OWN_X86_TARGET(isa) __attribute__((target(isa)))
#endif

/* ---- CPU / OS features ------------------------------------------------ */

#define OWN_X86_F_SSSE3      (1u << 0)
#define OWN_X86_F_SSE41      (1u << 1)
#define OWN_X86_F_AES        (1u << 2)
#define OWN_X86_F_PCLMUL     (1u << 3)
#define OWN_X86_F_AVX        (1u << 4)  /* CPU has AVX and the OS saves YMM */
#define OWN_X86_F_AVX2       (1u << 5)  /* ... and AVX2 */
#define OWN_X86_F_VAES       (1u << 6)  /* CPUID bit only; use with AVX */
#define OWN_X86_F_VPCLMULQDQ (1u << 7)  /* CPUID bit only; use with AVX */
#define OWN_X86_F_AVX512F    (1u << 8)  /* CPU has it and OS saves ZMM+k */
#define OWN_X86_F_AVX512BW   (1u << 9)
#define OWN_X86_F_AVX512VL   (1u << 10)
#define OWN_X86_F_OS_YMM     (1u << 11) /* XCR0 has SSE+AVX state */
#define OWN_X86_F_OS_ZMM     (1u << 12) /* XCR0 also has opmask+ZMM state */
#define OWN_X86_F_BMI2       (1u << 13)
#define OWN_X86_F_GFNI       (1u << 14)
#define OWN_X86_F_AVX512VBMI (1u << 15) /* VPERMT2B (every AVX-512 VAES CPU so far) */

#define OWN_X86_AESNI_MASK \
    (OWN_X86_F_SSSE3 | OWN_X86_F_SSE41 | OWN_X86_F_AES | OWN_X86_F_PCLMUL)
#define OWN_X86_AESNI_AVX_MASK \
    (OWN_X86_AESNI_MASK | OWN_X86_F_AVX | OWN_X86_F_OS_YMM)
#define OWN_X86_VAES256_MASK \
    (OWN_X86_AESNI_MASK | OWN_X86_F_AVX | OWN_X86_F_AVX2 | OWN_X86_F_VAES | \
     OWN_X86_F_VPCLMULQDQ | OWN_X86_F_OS_YMM)
#define OWN_X86_VAES512_MASK \
    (OWN_X86_VAES256_MASK | OWN_X86_F_AVX512F | OWN_X86_F_AVX512BW | \
     OWN_X86_F_AVX512VL | OWN_X86_F_AVX512VBMI | OWN_X86_F_OS_ZMM)
/* What OWN_X86_VAES512_MASK checks, in own_kernel.needs' vocabulary (the
 * vaes512, vaes512-sb and fused kernels). */
#define OWN_X86_VAES512_NEEDS \
    "aes pclmul ssse3 sse4.1 avx avx2 vaes vpclmulqdq avx512f avx512bw avx512vl avx512vbmi"

/* XGETBV(0) without needing target("xsave"); only call when OSXSAVE is set. */
static inline uint64_t own_x86_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static inline unsigned own_x86_features_uncached(void)
{
    unsigned a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (c & (1u << 9))  f |= OWN_X86_F_SSSE3;
    if (c & (1u << 19)) f |= OWN_X86_F_SSE41;
    if (c & (1u << 25)) f |= OWN_X86_F_AES;
    if (c & (1u << 1))  f |= OWN_X86_F_PCLMUL;
    int osxsave = (c & (1u << 27)) != 0, avx = (c & (1u << 28)) != 0;

    uint64_t xcr0 = osxsave ? own_x86_xcr0() : 0;
    int os_ymm = (xcr0 & 0x6) == 0x6;          /* XMM + YMM state */
    int os_zmm = os_ymm && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    if (os_ymm) f |= OWN_X86_F_OS_YMM;
    if (os_zmm) f |= OWN_X86_F_OS_ZMM;
    if (avx && os_ymm) f |= OWN_X86_F_AVX;

    unsigned max = __get_cpuid_max(0, NULL);
    if (max >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if ((b & (1u << 5)) && (f & OWN_X86_F_AVX)) f |= OWN_X86_F_AVX2;
        if (b & (1u << 8))  f |= OWN_X86_F_BMI2;
        if (c & (1u << 9))  f |= OWN_X86_F_VAES;
        if (c & (1u << 10)) f |= OWN_X86_F_VPCLMULQDQ;
        if (c & (1u << 8))  f |= OWN_X86_F_GFNI;
        if (os_zmm) {
            if (b & (1u << 16)) f |= OWN_X86_F_AVX512F;
            if (b & (1u << 30)) f |= OWN_X86_F_AVX512BW;
            if (b & (1u << 31)) f |= OWN_X86_F_AVX512VL;
            if (c & (1u << 1))  f |= OWN_X86_F_AVX512VBMI;
        }
    }
    return f;
}

#ifdef OWN_X86_EMULATED
#include <stdlib.h>
/* Emulated test builds: the kernels see the ISA being emulated, not this
 * CPU's.  Everything by default; OWN_X86_EMU_ISA=vaes256 stands for a CPU
 * with VAES but no AVX-512, so own/auto's 256-bit path runs too. */
static inline unsigned own_x86_features(void)
{
    const char *isa = getenv("OWN_X86_EMU_ISA");
    if (isa && !strcmp(isa, "vaes256"))
        return OWN_X86_VAES256_MASK | OWN_X86_F_BMI2;
    return OWN_X86_VAES512_MASK | OWN_X86_F_BMI2 | OWN_X86_F_GFNI;
}
#else
/* Cached per translation unit; the race on first use is benign (every
 * thread computes the same value). */
static inline unsigned own_x86_features(void)
{
    static volatile unsigned cache; /* bit 31 = computed */
    unsigned v = cache;
    if (!(v & 0x80000000u)) {
        v = own_x86_features_uncached() | 0x80000000u;
        cache = v;
    }
    return v & 0x7fffffffu;
}
#endif

static inline int own_x86_has(unsigned mask)
{
    return (own_x86_features() & mask) == mask;
}

/* Not an ISA: CPUID's vendor is AMD, whose cores (Zen) issue VPCLMULQDQ to
 * the same FP pipes as AES, where Intel's have it on a port AES does not
 * use.  Kernels that can do a step either way ask this at key setup
 * (xts512.c).  Apart from own_x86_features(), and cached apart, so that a
 * key setup asking it carries no copy of the whole feature probe. */
static inline int own_x86_clmul_on_aes(void)
{
    static volatile int cache; /* 0 unknown, 1 no, 2 yes */
    int v = cache;
    if (!v) {
        unsigned a, b, c, d;
        __cpuid(0, a, b, c, d); /* "Auth" "enti" "cAMD" in EBX, EDX, ECX */
        v = b == 0x68747541u && d == 0x69746e65u && c == 0x444d4163u ? 2 : 1;
        cache = v;
    }
    return v - 1;
}

static inline int own_x86_cpu_aesni(void)     { return own_x86_has(OWN_X86_AESNI_MASK); }
static inline int own_x86_cpu_aesni_avx(void) { return own_x86_has(OWN_X86_AESNI_AVX_MASK); }
static inline int own_x86_cpu_vaes256(void)   { return own_x86_has(OWN_X86_VAES256_MASK); }
static inline int own_x86_cpu_vaes512(void)   { return own_x86_has(OWN_X86_VAES512_MASK); }

/*
 * Rounds 1..nr-1 (nr 10, 12 or 14) of one serial chain, STMT doing round
 * r_: the nine every key size has unrolled, AES-192/256's extra ones
 * branched into.  For the short paths of the VAES kernels, where a message
 * is a few such chains: a rolled loop's pointer step and branch per round
 * cost them more than the bytes it saves (the commits that unrolled them
 * have the figures).  A macro, so that one pattern serves every width and
 * direction: STMT is e.g. `b = _mm512_aesenc_epi128(b, rk[r_])`.
 */
#define OWN_X86_ROUNDS(nr, STMT)                                              \
    do {                                                                      \
        _Pragma("GCC unroll 9") for (int r_ = 1; r_ <= 9; r_++) { STMT; }     \
        if ((nr) > 10) {                                                      \
            { const int r_ = 10; STMT; }                                      \
            { const int r_ = 11; STMT; }                                      \
            if ((nr) > 12) {                                                  \
                { const int r_ = 12; STMT; }                                  \
                { const int r_ = 13; STMT; }                                  \
            }                                                                 \
        }                                                                     \
    } while (0)

/* ---- AES key schedule ------------------------------------------------- */

#define OWN_X86_TGT_AES OWN_X86_TARGET("aes,pclmul,sse4.1,ssse3")

/* SubWord(RotWord(w)) with AESKEYGENASSIST (dword 1 of the result for the
 * word placed in dword 1, rcon 0: the rcon is XORed by the caller so the
 * loop needs no immediate per round). */
OWN_X86_TGT_AES static inline uint32_t own_x86__subrot(uint32_t w)
{
    __m128i v = _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0);
    return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(v, 4));
}

/* SubWord(w) alone (dword 0 of the same instruction). */
OWN_X86_TGT_AES static inline uint32_t own_x86__sub(uint32_t w)
{
    __m128i v = _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0);
    return (uint32_t)_mm_cvtsi128_si32(v);
}

/*
 * FIPS-197 KeyExpansion, word by word, one routine for every key size.  A
 * word is 4 key bytes read in memory order into a little-endian uint32, so
 * the first byte is the low byte (where the rcon goes) and the words end up
 * in rk[] in exactly the byte order AESENC wants.  Set-up cost is a few
 * dozen AESKEYGENASSIST; the branches depend on the word index only.
 */
OWN_X86_TGT_AES static inline int own_x86_aes_expand_enc(const uint8_t *key, size_t key_len,
                                                         __m128i rk[15])
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
            t = own_x86__subrot(t) ^ rcon;
            rcon = (rcon << 1) ^ (0x11bu & (0u - (rcon >> 7))); /* xtime, public */
        } else if (nk > 6 && i % nk == 4) {
            t = own_x86__sub(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (int r = 0; r <= rounds; r++)
        rk[r] = _mm_loadu_si128((const __m128i *)(const void *)&w[4 * r]);
    /* The expanded key is secret: do not leave it on the stack. */
    memset(w, 0, sizeof w);
    __asm__ __volatile__("" : : "r"(w) : "memory");
    return rounds;
}

OWN_X86_TGT_AES static inline void own_x86_aes_expand_dec(const __m128i enc[15], int rounds,
                                                          __m128i dec[15])
{
    dec[0] = enc[rounds];
    for (int i = 1; i < rounds; i++)
        dec[i] = _mm_aesimc_si128(enc[rounds - i]);
    dec[rounds] = enc[0];
}

OWN_X86_TGT_AES static inline __m128i own_x86_aes_enc_block(const __m128i rk[15], int rounds,
                                                            __m128i b)
{
    b = _mm_xor_si128(b, rk[0]);
    for (int i = 1; i < rounds; i++)
        b = _mm_aesenc_si128(b, rk[i]);
    return _mm_aesenclast_si128(b, rk[rounds]);
}

OWN_X86_TGT_AES static inline __m128i own_x86_aes_dec_block(const __m128i dec[15], int rounds,
                                                            __m128i b)
{
    b = _mm_xor_si128(b, dec[0]);
    for (int i = 1; i < rounds; i++)
        b = _mm_aesdec_si128(b, dec[i]);
    return _mm_aesdeclast_si128(b, dec[rounds]);
}

/* ---- GCM -------------------------------------------------------------- */

/* The IV is read as three 4-byte pieces, each of which lies inside one
 * store of every way callers write a nonce just before the call: one
 * 16-byte store, 8 + 4 bytes (memcpy of 12), or a 64-bit sequence number
 * XORed into bytes 4..11 (TLS, QUIC).  A load that straddles two stores, or
 * the two halves of a 16-byte one, is not forwarded and waits for the store
 * to commit, which delays the whole message's AES from its first round. */
OWN_X86_TGT_AES static inline __m128i own_x86_gcm_j0(const uint8_t iv[12], uint32_t ctr)
{
    uint32_t a, b, c;
    memcpy(&a, iv, 4);
    memcpy(&b, iv + 4, 4);
    memcpy(&c, iv + 8, 4);
    __asm__("" : "+r"(b)); /* or GCC merges two of the loads into one */
    return _mm_set_epi64x((long long)((uint64_t)__builtin_bswap32(ctr) << 32 | c),
                          (long long)((uint64_t)b << 32 | a));
}

/* ---- XTS -------------------------------------------------------------- */

/* Two 8-byte loads, each inside one store of the ways callers write a
 * tweak: one 16-byte store, or a 64-bit sector number (and maybe a second
 * 8-byte store for the upper half).  One 16-byte load over an 8-byte store
 * is not forwarded and stalls the tweak's AES, which every block waits on. */
OWN_X86_TGT_AES static inline __m128i own_x86_xts_tweak(const uint8_t tweak[16])
{
    uint64_t hi;
    memcpy(&hi, tweak + 8, 8);
    __m128i lo = _mm_loadl_epi64((const __m128i *)(const void *)tweak);
    return _mm_insert_epi64(lo, (long long)hi, 1); /* (VPINSRQ from memory) */
}

/* ---- GHASH ------------------------------------------------------------ */

OWN_X86_TGT_AES static inline __m128i own_x86_bswap_mask(void)
{
    return _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

/* The Montgomery reduction described at the top of this file. */
OWN_X86_TGT_AES static inline __m128i own_x86_ghash_reduce(__m128i lo, __m128i mi, __m128i hi)
{
    const __m128i poly = _mm_set_epi64x((long long)0xc200000000000000ull, 0);
    mi = _mm_xor_si128(mi, _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4e),
                                         _mm_clmulepi64_si128(lo, poly, 0x10)));
    hi = _mm_xor_si128(hi, _mm_xor_si128(_mm_shuffle_epi32(mi, 0x4e),
                                         _mm_clmulepi64_si128(mi, poly, 0x10)));
    return hi;
}

OWN_X86_TGT_AES static inline __m128i own_x86_ghash_mul(__m128i a, __m128i hk)
{
    __m128i lo = _mm_clmulepi64_si128(a, hk, 0x00);
    __m128i hi = _mm_clmulepi64_si128(a, hk, 0x11);
    __m128i mi = _mm_xor_si128(_mm_clmulepi64_si128(a, hk, 0x01),
                               _mm_clmulepi64_si128(a, hk, 0x10));
    return own_x86_ghash_reduce(lo, mi, hi);
}

/* H' = E(K, 0) * x^-1 in register form: byte-reverse, shift the 128-bit
 * value left by one, and if the bit shifted out (coefficient of x^0, which
 * becomes x^-1) was set, add x^-1 = x^127 + x^6 + x + 1, i.e. the constant
 * 0xC2000000_00000000_00000000_00000001.  Constant time: the conditional add
 * is a mask. */
OWN_X86_TGT_AES static inline __m128i own_x86_ghash_key(const __m128i rk[15], int rounds)
{
    __m128i h = own_x86_aes_enc_block(rk, rounds, _mm_setzero_si128());
    h = _mm_shuffle_epi8(h, own_x86_bswap_mask());
    /* carry of the top bit, broadcast into a full-width mask */
    __m128i top = _mm_srai_epi32(_mm_shuffle_epi32(h, 0xff), 31);
    __m128i carry = _mm_srli_epi64(h, 63); /* bit 63 of each qword */
    h = _mm_or_si128(_mm_slli_epi64(h, 1), _mm_slli_si128(carry, 8));
    const __m128i poly = _mm_set_epi64x((long long)0xc200000000000000ull, 1);
    return _mm_xor_si128(h, _mm_and_si128(top, poly));
}

#endif /* OWN_X86_AES_H */
