/*
 * ia32cap.h - the OpenSSL-family capability vector (OpenSSL, BoringSSL and
 * AWS-LC all keep one, OPENSSL_ia32cap_P): which CPUID bits live in which
 * word, and the names of a path's required bits in the vocabulary of
 * aeslab_impl.needs.  Shared by the plugins that read or mask that vector
 * (openssl/evp_plugin.c and asm_plugin.c, kit/aead_plugin.c through
 * kit/evp_kit.h).  linux/cpu_x86.h is the CPUID-based counterpart for
 * plugins whose library keeps no such vector.
 *
 * Words: [0],[1] = CPUID.1 EDX,ECX; [2],[3] = CPUID.(7,0) EBX,ECX.
 */
#ifndef AESLAB_KIT_IA32CAP_H
#define AESLAB_KIT_IA32CAP_H

#include <stddef.h>

#include "needs.h"

#define W1_PCLMUL (1u << 1)
#define W1_SSSE3 (1u << 9)
#define W1_SSE41 (1u << 19)
#define W1_MOVBE (1u << 22)
#define W1_AESNI (1u << 25)
#define W1_AVX (1u << 28)
#define W2_AVX2 (1u << 5)
#define W2_BMI2 (1u << 8)
#define W2_NOZMM (1u << 14) /* BoringSSL: "avoid zmm registers" (the MPX bit) */
#define W2_AVX512F (1u << 16)
#define W2_AVX512DQ (1u << 17)
#define W2_AVX512BW (1u << 30)
#define W2_AVX512VL (1u << 31)
#define W3_VBMI2 (1u << 6)
#define W3_VAES (1u << 9)
#define W3_VPCLMUL (1u << 10)

#define W2_AVX512 (W2_AVX512F | W2_AVX512DQ | W2_AVX512BW | W2_AVX512VL)
#define W3_WIDE (W3_VAES | W3_VPCLMUL)

/* 1 if the probed vector `have` has every bit of `need` (supported()). */
static inline int ia32cap_covers(const unsigned have[4], const unsigned need[4])
{
    for (int w = 0; w < 4; w++)
        if ((have[w] & need[w]) != need[w])
            return 0;
    return 1;
}

/* "aes pclmul avx ..." for the bits set in need[4]; NULL if none. */
static inline const char *ia32cap_needs(const unsigned need[4], char *buf, size_t n)
{
    static const struct kit_need_name names[] = {
        {1, W1_AESNI, "aes"},         {1, W1_PCLMUL, "pclmul"},     {1, W1_SSSE3, "ssse3"},
        {1, W1_SSE41, "sse4.1"},      {1, W1_MOVBE, "movbe"},       {1, W1_AVX, "avx"},
        {2, W2_AVX2, "avx2"},         {2, W2_BMI2, "bmi2"},         {3, W3_VAES, "vaes"},
        {3, W3_VPCLMUL, "vpclmulqdq"}, {2, W2_AVX512F, "avx512f"},  {2, W2_AVX512DQ, "avx512dq"},
        {2, W2_AVX512BW, "avx512bw"}, {2, W2_AVX512VL, "avx512vl"}, {3, W3_VBMI2, "avx512vbmi2"},
    };
    return kit_needs(names, sizeof names / sizeof names[0], need, buf, n);
}

#endif /* AESLAB_KIT_IA32CAP_H */
