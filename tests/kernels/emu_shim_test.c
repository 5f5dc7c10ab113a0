/*
 * emu_shim_test.c - checks the emulation the *_emu kernel tests run on
 * (tests/kernels/emu/own_emu_shim.h over SIMDe) before any kernel result
 * under it is believed:
 *
 *   - the shim's AES (all key sizes' round functions, AESIMC,
 *     AESKEYGENASSIST) reproduces FIPS-197's AES-128 example (C.1), on any
 *     CPU;
 *   - where the CPU has AES-NI + PCLMULQDQ + SSE4.1: the shim's 128/256/512
 *     -bit AES, SIMDe's 128/256/512-bit carry-less multiply, the shim's
 *     PTEST and lane-wise byte shifts / dword shuffles equal the real
 *     128-bit instructions lane by lane, on random inputs;
 *   - the shim's byte-masked loads and stores read and write exactly the
 *     selected bytes (a vector reaching into a PROT_NONE page with only the
 *     bytes before it selected must not fault).
 *
 * Not built with tests/kernels/emu/ on the include path: the real
 * <immintrin.h> and SIMDe (without native aliases) are both visible, and
 * the shim is called by its own_emu_* names.  Exit status 0 = all matched;
 * prints one `skip: ` line for the comparisons the CPU cannot make.
 */
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu/own_emu_shim.h"

static int fails;
#define CHECK(cond, what)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            if (fails++ < 10)                                                              \
                fprintf(stderr, "FAIL emu_shim_test: %s (line %d)\n", what, __LINE__);     \
        }                                                                                  \
    } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static void fill(void *p, size_t n)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(next() >> 56);
}

/* ---- FIPS-197 Appendix C.1 with the shim alone -------------------------- */

static simde__m128i ld(const uint8_t *p)
{
    simde__m128i v;
    memcpy(&v, p, 16);
    return v;
}

static void fips197(void)
{
    static const uint8_t key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    static const uint8_t pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    static const uint8_t ct[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                   0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    static const int rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    uint32_t w[44];
    memcpy(w, key, 16);
    for (int i = 4; i < 44; i++) {
        uint32_t t = w[i - 1];
        if (i % 4 == 0) {
            /* dword 1 of AESKEYGENASSIST(t in dword 1) = RotWord(SubWord(t)) ^ rcon */
            uint32_t in[4] = {0, t, 0, 0}, out[4];
            simde__m128i r = own_emu_mm_aeskeygenassist_si128(ld((const uint8_t *)in), rcon[i / 4 - 1]);
            memcpy(out, &r, 16);
            t = out[1];
        }
        w[i] = w[i - 4] ^ t;
    }
    simde__m128i rk[11], b = ld(pt);
    for (int r = 0; r <= 10; r++)
        rk[r] = ld((const uint8_t *)&w[4 * r]);
    b = simde_mm_xor_si128(b, rk[0]);
    for (int r = 1; r < 10; r++)
        b = own_emu_mm_aesenc_si128(b, rk[r]);
    b = own_emu_mm_aesenclast_si128(b, rk[10]);
    CHECK(!memcmp(&b, ct, 16), "shim AES-128 encryption differs from FIPS-197 C.1");
    /* Equivalent inverse cipher, as x86_aes.h builds it. */
    b = simde_mm_xor_si128(b, rk[10]);
    for (int r = 9; r >= 1; r--)
        b = own_emu_mm_aesdec_si128(b, own_emu_mm_aesimc_si128(rk[r]));
    b = own_emu_mm_aesdeclast_si128(b, rk[0]);
    CHECK(!memcmp(&b, pt, 16), "shim AES-128 decryption differs from FIPS-197 C.1");
}

/* ---- against the real instructions --------------------------------------- */

static int cpu_has_aesni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    return (c & (1u << 25)) && (c & (1u << 1)) && (c & (1u << 19));
}

#define TGT __attribute__((target("aes,pclmul,sse4.1,ssse3")))

/* One real 128-bit op per lane vs the emulated n-byte op. */
typedef __m128i (*real2)(__m128i, __m128i);
TGT static __m128i r_enc(__m128i a, __m128i k) { return _mm_aesenc_si128(a, k); }
TGT static __m128i r_encl(__m128i a, __m128i k) { return _mm_aesenclast_si128(a, k); }
TGT static __m128i r_dec(__m128i a, __m128i k) { return _mm_aesdec_si128(a, k); }
TGT static __m128i r_decl(__m128i a, __m128i k) { return _mm_aesdeclast_si128(a, k); }
TGT static __m128i r_cl00(__m128i a, __m128i k) { return _mm_clmulepi64_si128(a, k, 0x00); }
TGT static __m128i r_cl01(__m128i a, __m128i k) { return _mm_clmulepi64_si128(a, k, 0x01); }
TGT static __m128i r_cl10(__m128i a, __m128i k) { return _mm_clmulepi64_si128(a, k, 0x10); }
TGT static __m128i r_cl11(__m128i a, __m128i k) { return _mm_clmulepi64_si128(a, k, 0x11); }

static void lanes(real2 f, const uint8_t *a, const uint8_t *k, size_t n, uint8_t *out)
{
    for (size_t l = 0; l < n; l += 16) {
        __m128i r = f(_mm_loadu_si128((const __m128i *)(const void *)(a + l)),
                      _mm_loadu_si128((const __m128i *)(const void *)(k + l)));
        memcpy(out + l, &r, 16);
    }
}

#define EMU2(name, type, call)                                                        \
    static void name(const uint8_t *a, const uint8_t *k, uint8_t *out)               \
    {                                                                                 \
        type x, y, r;                                                                 \
        memcpy(&x, a, sizeof x);                                                      \
        memcpy(&y, k, sizeof y);                                                      \
        r = call;                                                                     \
        memcpy(out, &r, sizeof r);                                                    \
    }
EMU2(e128_enc, simde__m128i, own_emu_mm_aesenc_si128(x, y))
EMU2(e128_encl, simde__m128i, own_emu_mm_aesenclast_si128(x, y))
EMU2(e128_dec, simde__m128i, own_emu_mm_aesdec_si128(x, y))
EMU2(e128_decl, simde__m128i, own_emu_mm_aesdeclast_si128(x, y))
EMU2(e256_enc, simde__m256i, own_emu_mm256_aesenc_epi128(x, y))
EMU2(e256_encl, simde__m256i, own_emu_mm256_aesenclast_epi128(x, y))
EMU2(e256_dec, simde__m256i, own_emu_mm256_aesdec_epi128(x, y))
EMU2(e256_decl, simde__m256i, own_emu_mm256_aesdeclast_epi128(x, y))
EMU2(e512_enc, simde__m512i, own_emu_mm512_aesenc_epi128(x, y))
EMU2(e512_encl, simde__m512i, own_emu_mm512_aesenclast_epi128(x, y))
EMU2(e512_dec, simde__m512i, own_emu_mm512_aesdec_epi128(x, y))
EMU2(e512_decl, simde__m512i, own_emu_mm512_aesdeclast_epi128(x, y))
EMU2(c128_00, simde__m128i, simde_mm_clmulepi64_si128(x, y, 0x00))
EMU2(c128_01, simde__m128i, simde_mm_clmulepi64_si128(x, y, 0x01))
EMU2(c128_10, simde__m128i, simde_mm_clmulepi64_si128(x, y, 0x10))
EMU2(c128_11, simde__m128i, simde_mm_clmulepi64_si128(x, y, 0x11))
EMU2(c256_00, simde__m256i, simde_mm256_clmulepi64_epi128(x, y, 0x00))
EMU2(c256_01, simde__m256i, simde_mm256_clmulepi64_epi128(x, y, 0x01))
EMU2(c256_10, simde__m256i, simde_mm256_clmulepi64_epi128(x, y, 0x10))
EMU2(c256_11, simde__m256i, simde_mm256_clmulepi64_epi128(x, y, 0x11))
EMU2(c512_00, simde__m512i, simde_mm512_clmulepi64_epi128(x, y, 0x00))
EMU2(c512_01, simde__m512i, simde_mm512_clmulepi64_epi128(x, y, 0x01))
EMU2(c512_10, simde__m512i, simde_mm512_clmulepi64_epi128(x, y, 0x10))
EMU2(c512_11, simde__m512i, simde_mm512_clmulepi64_epi128(x, y, 0x11))

static const struct {
    const char *name;
    void (*emu)(const uint8_t *, const uint8_t *, uint8_t *);
    real2 real;
    size_t n;
} ops[] = {
    {"aesenc 128", e128_enc, r_enc, 16},        {"aesenclast 128", e128_encl, r_encl, 16},
    {"aesdec 128", e128_dec, r_dec, 16},        {"aesdeclast 128", e128_decl, r_decl, 16},
    {"aesenc 256", e256_enc, r_enc, 32},        {"aesenclast 256", e256_encl, r_encl, 32},
    {"aesdec 256", e256_dec, r_dec, 32},        {"aesdeclast 256", e256_decl, r_decl, 32},
    {"aesenc 512", e512_enc, r_enc, 64},        {"aesenclast 512", e512_encl, r_encl, 64},
    {"aesdec 512", e512_dec, r_dec, 64},        {"aesdeclast 512", e512_decl, r_decl, 64},
    {"clmul 128 0x00", c128_00, r_cl00, 16},    {"clmul 128 0x01", c128_01, r_cl01, 16},
    {"clmul 128 0x10", c128_10, r_cl10, 16},    {"clmul 128 0x11", c128_11, r_cl11, 16},
    {"clmul 256 0x00", c256_00, r_cl00, 32},    {"clmul 256 0x01", c256_01, r_cl01, 32},
    {"clmul 256 0x10", c256_10, r_cl10, 32},    {"clmul 256 0x11", c256_11, r_cl11, 32},
    {"clmul 512 0x00", c512_00, r_cl00, 64},    {"clmul 512 0x01", c512_01, r_cl01, 64},
    {"clmul 512 0x10", c512_10, r_cl10, 64},    {"clmul 512 0x11", c512_11, r_cl11, 64},
};

/* Lane-wise byte shifts and dword shuffles: the real ones need immediates. */
#define IMM_LIST(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)
#define SH_CASE(i)                                                                    \
    case i:                                                                           \
        return left ? _mm_bslli_si128(a, i) : _mm_bsrli_si128(a, i);
TGT static __m128i r_bshift(__m128i a, int imm, int left)
{
    switch (imm) {
        IMM_LIST(SH_CASE)
    }
    abort();
}
#define SHUF_LIST(X) X(0x00) X(0x1b) X(0x39) X(0x4e) X(0x93) X(0xb1) X(0xe4) X(0xff) X(0x44) X(0xee)
#define SHUF_CASE(i)                                                                  \
    case i:                                                                           \
        return _mm_shuffle_epi32(a, i);
TGT static __m128i r_shuf(__m128i a, int imm)
{
    switch (imm) {
        SHUF_LIST(SHUF_CASE)
    }
    abort();
}

TGT static void against_cpu(void)
{
    uint8_t a[64], k[64], e[64], r[64];
    for (int it = 0; it < 20000; it++) {
        fill(a, 64), fill(k, 64);
        if (it % 7 == 0)
            memset(a + 16 * (it % 4), 0, 8); /* zero qwords for clmul */
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            ops[o].emu(a, k, e);
            lanes(ops[o].real, a, k, ops[o].n, r);
            CHECK(!memcmp(e, r, ops[o].n), ops[o].name);
        }
        /* AESIMC, AESKEYGENASSIST (rcon: every value the key schedule uses, and others) */
        {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
            simde__m128i y;
            memcpy(&y, a, 16);
            __m128i ri = _mm_aesimc_si128(x);
            simde__m128i ei = own_emu_mm_aesimc_si128(y);
            CHECK(!memcmp(&ri, &ei, 16), "aesimc");
            __m128i rg;
            int rc = it % 4;
            switch (rc) {
            case 0: rg = _mm_aeskeygenassist_si128(x, 0x00); rc = 0x00; break;
            case 1: rg = _mm_aeskeygenassist_si128(x, 0x1b); rc = 0x1b; break;
            case 2: rg = _mm_aeskeygenassist_si128(x, 0x36); rc = 0x36; break;
            default: rg = _mm_aeskeygenassist_si128(x, 0xff); rc = 0xff; break;
            }
            simde__m128i eg = own_emu_mm_aeskeygenassist_si128(y, rc);
            CHECK(!memcmp(&rg, &eg, 16), "aeskeygenassist");
        }
        /* PTEST ZF on a & b with none, one or both qwords of the AND zero */
        {
            uint8_t b[16];
            memcpy(b, k, 16);
            if (it % 3 == 1)
                memset(b, 0, 8);
            if (it % 3 == 2)
                memset(b + 8, 0, 8);
            if (it % 5 == 0)
                memset(b, 0, 16);
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a),
                    z = _mm_loadu_si128((const __m128i *)(const void *)b);
            simde__m128i xs, zs;
            memcpy(&xs, a, 16), memcpy(&zs, b, 16);
            CHECK(_mm_testz_si128(x, z) == own_emu_mm_testz_si128(xs, zs), "testz");
        }
        /* 512-bit lane-wise byte shifts, dword shuffle, zero extension */
        {
            simde__m512i v;
            memcpy(&v, a, 64);
            int imm = it % 17;
            for (int left = 0; left < 2; left++) {
                simde__m512i s = left ? own_emu_mm512_bslli_epi128(v, imm) : own_emu_mm512_bsrli_epi128(v, imm);
                memcpy(e, &s, 64);
                for (int l = 0; l < 64; l += 16) {
                    __m128i q = r_bshift(_mm_loadu_si128((const __m128i *)(const void *)(a + l)), imm, left);
                    memcpy(r + l, &q, 16);
                }
                CHECK(!memcmp(e, r, 64), left ? "bslli 512" : "bsrli 512");
            }
            static const int shufs[] = {0x00, 0x1b, 0x39, 0x4e, 0x93, 0xb1, 0xe4, 0xff, 0x44, 0xee};
            int si = shufs[it % 10];
            simde__m512i s = own_emu_mm512_shuffle_epi32(v, si);
            memcpy(e, &s, 64);
            for (int l = 0; l < 64; l += 16) {
                __m128i q = r_shuf(_mm_loadu_si128((const __m128i *)(const void *)(a + l)), si);
                memcpy(r + l, &q, 16);
            }
            CHECK(!memcmp(e, r, 64), "shuffle_epi32 512");
            simde__m128i lo;
            memcpy(&lo, a, 16);
            s = own_emu_mm512_zextsi128_si512(lo);
            memcpy(e, &s, 64);
            memset(r, 0, 64), memcpy(r, a, 16);
            CHECK(!memcmp(e, r, 64), "zextsi128_si512");
        }
    }
}

/* ---- masked loads and stores --------------------------------------------- */

static void masked(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + pg, pg, PROT_NONE))
        abort();
    uint8_t src[64], e[64], old[64];
    for (int it = 0; it < 4000; it++) {
        /* n bytes selected before the guard page; the vector reaches past it */
        unsigned n512 = (unsigned)(it % 65), n128 = (unsigned)(it % 17);
        uint64_t k512 = n512 >= 64 ? ~0ull : (1ull << n512) - 1;
        uint16_t k128 = (uint16_t)((1u << n128) - 1);
        if (it & 1) /* a sparse mask inside the same range */
            k512 &= next(), k128 &= (uint16_t)next();
        uint8_t *p512 = m + pg - n512, *p128 = m + pg - n128;
        fill(p512, n512);
        simde__m512i v = own_emu_mm512_maskz_loadu_epi8(k512, p512);
        memcpy(e, &v, 64);
        for (unsigned i = 0; i < 64; i++)
            CHECK(e[i] == ((k512 >> i) & 1 ? p512[i] : 0), "maskz_loadu_epi8 512");
        fill(p128, n128);
        simde__m128i w = own_emu_mm_maskz_loadu_epi8(k128, p128);
        memcpy(e, &w, 16);
        for (unsigned i = 0; i < 16; i++)
            CHECK(e[i] == ((k128 >> i) & 1 ? p128[i] : 0), "maskz_loadu_epi8 128");

        fill(src, 64);
        fill(p512, n512);
        memcpy(old, p512, n512);
        memcpy(&v, src, 64);
        own_emu_mm512_mask_storeu_epi8(p512, k512, v);
        for (unsigned i = 0; i < n512; i++)
            CHECK(p512[i] == ((k512 >> i) & 1 ? src[i] : old[i]), "mask_storeu_epi8 512");
        fill(p128, n128);
        memcpy(old, p128, n128);
        memcpy(&w, src, 16);
        own_emu_mm_mask_storeu_epi8(p128, k128, w);
        for (unsigned i = 0; i < n128; i++)
            CHECK(p128[i] == ((k128 >> i) & 1 ? src[i] : old[i]), "mask_storeu_epi8 128");
    }
    munmap(m, 2 * pg);
}

int main(void)
{
    fips197();
    masked();
    int cmp = cpu_has_aesni();
    if (cmp)
        against_cpu();
    if (fails) {
        fprintf(stderr, "emu_shim_test: %d mismatches\n", fails);
        return 1;
    }
    printf("x86 emulation (SIMDe %d.%d.%d + shim): FIPS-197 AES-128 example, masked byte loads/stores "
           "touch only selected bytes%s\n",
           SIMDE_VERSION_MAJOR, SIMDE_VERSION_MINOR, SIMDE_VERSION_MICRO,
           cmp ? "; AES/VAES, CLMUL 128/256/512, PTEST, lane shifts/shuffles match this CPU's "
                 "AES-NI/PCLMULQDQ/SSE4.1 lane by lane"
               : "");
    if (!cmp)
        printf("skip: emulated AES/CLMUL/PTEST against the real instructions: this CPU has no "
               "AES-NI + PCLMULQDQ + SSE4.1\n");
    return 0;
}
