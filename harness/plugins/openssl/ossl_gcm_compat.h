/*
 * ossl_gcm_compat.h - what asm_plugin.c needs to call OpenSSL's AES-GCM
 * assembly directly, the way OpenSSL's own provider calls it: the
 * prototypes of the library-internal entry points and the layout of the
 * two structures they share with C (AES_KEY and struct gcm128_context).
 *
 * Written here from the signatures and the disassembly of the libcrypto.a
 * archives the plugin links (nm -S, objdump -d: see the offsets below); no
 * OpenSSL code is copied.  The functions themselves come from the archive
 * at link time.  The context layout is a fixed contract of OpenSSL's
 * assembly ("don't change the order" in include/crypto/modes.h), but it
 * differs between releases, so it is given per release, and asm_plugin.c
 * also checks it at run time against CRYPTO_gcm128_init's own writes
 * (a mismatch makes the plugin report an error instead of rows).
 */
#ifndef AESLAB_OSSL_GCM_COMPAT_H
#define AESLAB_OSSL_GCM_COMPAT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/modes.h>     /* block128_f, ctr128_f, CRYPTO_gcm128_* (public) */
#include <openssl/opensslv.h>

/* AES_KEY: 4*(AES_MAXNR+1) round-key words, then the round count. */
typedef struct {
    uint32_t rd_key[60];
    int rounds;
} ossl_aes_key;

typedef union {
    uint64_t u[2];
    uint32_t d[4];
    uint8_t c[16];
} ossl_gcm_block;

typedef void (*ossl_ghash_fn)(uint64_t Xi[2], const void *Htable, const uint8_t *in, size_t len);

/*
 * struct gcm128_context.  Offsets checked in the disassembly of each
 * archive's generic_aes_gcm_cipher_update / CRYPTO_gcm128_init /
 * CRYPTO_gcm128_new (context at +0xf8 in PROV_GCM_CTX):
 *   3.0.x: Yi 0, len 48, Xi 64, H 80, Htable 96..351, gmult 352, ghash 360,
 *          mres 368, ares 372, block 376, key 384, Xn 392..439 (sizeof 440)
 *   4.0.x: as 3.0 up to Htable, then funcs {ginit 352, ghash 360, gmult 368},
 *          mres 376, ares 380, block 384, key 392, Xn 400..447 (sizeof 448)
 * Releases in between are not built here and not checked.
 */
struct ossl_gcm128 {
    ossl_gcm_block Yi, EKi, EK0, len, Xi, H;
    uint64_t Htable[16][2];
#if OPENSSL_VERSION_NUMBER >= 0x40000000L
    void *ginit;
    ossl_ghash_fn ghash;
    void *gmult;
#elif OPENSSL_VERSION_NUMBER < 0x30100000L
    void *gmult;
    ossl_ghash_fn ghash;
#else
#error "struct gcm128_context layout not checked for this OpenSSL release"
#endif
    unsigned int mres, ares;
    block128_f block;
    void *key;
    unsigned char Xn[48];
};

#if OPENSSL_VERSION_NUMBER >= 0x40000000L
_Static_assert(sizeof(struct ossl_gcm128) == 448, "gcm128_context is 448 bytes in 4.0");
_Static_assert(offsetof(struct ossl_gcm128, mres) == 376, "mres at 376 in 4.0");
_Static_assert(offsetof(struct ossl_gcm128, key) == 392, "key at 392 in 4.0");
#else
_Static_assert(sizeof(struct ossl_gcm128) == 440, "gcm128_context is 440 bytes in 3.0");
_Static_assert(offsetof(struct ossl_gcm128, mres) == 368, "mres at 368 in 3.0");
_Static_assert(offsetof(struct ossl_gcm128, key) == 384, "key at 384 in 3.0");
#endif
_Static_assert(offsetof(struct ossl_gcm128, Xi) == 64, "Xi at 64");
_Static_assert(offsetof(struct ossl_gcm128, ghash) == 360, "ghash at 360");

/* Library-internal, no public header: the CPU probe and its vector. */
void OPENSSL_cpuid_setup(void);
extern unsigned int OPENSSL_ia32cap_P[];

/* aesni-x86_64.pl */
int aesni_set_encrypt_key(const unsigned char *user_key, int bits, ossl_aes_key *key);
void aesni_encrypt(const unsigned char in[16], unsigned char out[16], const ossl_aes_key *key);
void aesni_ctr32_encrypt_blocks(const unsigned char *in, unsigned char *out, size_t blocks,
                                const void *key, const unsigned char ivec[16]);

/* aesni-gcm-x86_64.pl: the stitched AES-NI + PCLMULQDQ (AVX) GCM.  Does
 * the bulk in 6-block chunks; returns how many bytes it did (0 if too
 * short); the caller adds them to len.u[1] and does the rest. */
size_t aesni_gcm_encrypt(const unsigned char *in, unsigned char *out, size_t len,
                         const void *key, unsigned char ivec[16], uint64_t *Xi);
size_t aesni_gcm_decrypt(const unsigned char *in, unsigned char *out, size_t len,
                         const void *key, unsigned char ivec[16], uint64_t *Xi);

/* ghash-x86_64.pl */
void gcm_ghash_avx(uint64_t Xi[2], const void *Htable, const uint8_t *in, size_t len);

/* aes-gcm-avx512.pl (3.6+ only): Intel's VAES + VPCLMULQDQ zmm GCM. */
#if OPENSSL_VERSION_NUMBER >= 0x30600000L
#define OSSL_COMPAT_HAS_AVX512_GCM 1
void ossl_aes_gcm_init_avx512(const void *ks, void *gcm128ctx);
void ossl_aes_gcm_setiv_avx512(const void *ks, void *gcm128ctx, const unsigned char *iv,
                               size_t ivlen);
void ossl_aes_gcm_update_aad_avx512(void *gcm128ctx, const unsigned char *aad, size_t aadlen);
void ossl_aes_gcm_encrypt_avx512(const void *ks, void *gcm128ctx, unsigned int *pblocklen,
                                 const unsigned char *in, size_t len, unsigned char *out);
void ossl_aes_gcm_decrypt_avx512(const void *ks, void *gcm128ctx, unsigned int *pblocklen,
                                 const unsigned char *in, size_t len, unsigned char *out);
void ossl_aes_gcm_finalize_avx512(void *gcm128ctx, unsigned int pblocklen);
void ossl_gcm_gmult_avx512(uint64_t Xi[2], const void *gcm128ctx);
#else
#define OSSL_COMPAT_HAS_AVX512_GCM 0
#endif

#endif /* AESLAB_OSSL_GCM_COMPAT_H */
