/*
 * evp_plugin.c - an OpenSSL release behind the aeslab ABI, through EVP, one
 * code path per shared object.
 *
 * The same source is compiled once per (library build, path): the distro
 * OpenSSL 3.0 and the newest release built from source, each linked
 * statically into its own shared object with every library symbol hidden,
 * so any number of OpenSSL copies coexist in one process.
 *
 * Why one shared object per path: OpenSSL picks its AES-GCM / AES-XTS code
 * from the capability vector OPENSSL_ia32cap_P, which is process-global
 * inside each copy of the library.  Each path therefore gets a private copy
 * whose vector is masked before first use.  The vector is filled by
 * OPENSSL_cpuid_setup, which OpenSSL runs from the ELF .init section, i.e.
 * while the plugin is being dlopen()ed, before any code of ours runs.  So
 * setting the OPENSSL_ia32cap environment variable from here would be too
 * late (and in 3.6+ every word left unspecified in it would be zeroed);
 * instead aeslab_plugin_entry() clears bits directly in the copy's vector,
 * before any cipher context exists.  Every selection we rely on (GCM: at
 * key set-up, ossl_prov_aes_hw_gcm / CRYPTO_gcm128_init; XTS: at key
 * set-up) reads the vector after that point.
 *
 * Which code actually runs for each path is checked by kit/pathcheck.py with
 * gdb breakpoints on the library's own functions (`make test`), and the
 * harness verifies every path against the NIST vectors before timing, so a
 * mask that sends the library somewhere wrong is caught, never hidden.
 *
 * How it is called, per message, exactly as an application would:
 *   GCM seal: EncryptInit(iv only) ; Update(aad) ; Update(payload) ; Final ; GET_TAG
 *   GCM open: DecryptInit(iv only) ; Update(aad) ; Update(payload) ; SET_TAG ; Final
 *   XTS:      CipherInit(tweak only) ; Update(data unit)
 * The key schedule is done once per key object (EncryptInit with the key and
 * no IV), outside the timed loop.  An open whose tag does not verify has
 * its plaintext wiped before returning, so nothing is released.
 *
 * Build-time parameters:
 *   EVP_LIB_NAME       "openssl-4.0"        implementation prefix
 *   EVP_PATH_<name>    defined once         which path (see the table below)
 *   EVP_VERSION_EXTRA  " (crate ...)"       appended to OpenSSL_version()
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "aeslab_abi.h"

#ifndef EVP_LIB_NAME
#define EVP_LIB_NAME "openssl"
#endif
#ifndef EVP_VERSION_EXTRA
#define EVP_VERSION_EXTRA ""
#endif

/*
 * OpenSSL's capability vector (x86): [0],[1] = CPUID.1 EDX,ECX;
 * [2],[3] = CPUID.(7,0) EBX,ECX; 3.6+ has more words, none of which the AES
 * code reads.  Declared here because it is internal to the library; the
 * static link resolves it to this plugin's private copy.
 */
#if defined(__x86_64__)
extern unsigned int OPENSSL_ia32cap_P[];
#else
static unsigned int no_caps[4]; /* elsewhere only the as-shipped path is built */
#define OPENSSL_ia32cap_P no_caps
#endif

#include "../kit/evp_kit.h"

/* The releases built here: 3.0 has no VAES / AVX-512 AES code at all; 3.6+
 * has both aes-gcm-avx512.pl and aesni-xts-avx512.pl.  (The 3.x releases in
 * between are not built here, so which of them has which is not sorted out:
 * they get no vaes512 row.) */
#if OPENSSL_VERSION_NUMBER >= 0x30600000L
#define HAS_AVX512_AES 1
#else
#define HAS_AVX512_AES 0
#endif

/* The paths (struct kit_path in kit/evp_kit.h says what each field is). */

#if defined(EVP_PATH_evp)
static const struct kit_path path = {
    "evp", "auto",
    "as shipped: EVP picks the code from the CPU (see the other rows of this library for "
    "what each choice is)",
    "as shipped: EVP picks the code from the CPU",
    {0}, {0}};
#elif defined(EVP_PATH_vaes512) && HAS_AVX512_AES
static const struct kit_path path = {
    "vaes512", "vaes512",
    "ossl_aes_gcm_{en,de}crypt_avx512: Intel's VAES + VPCLMULQDQ zmm GCM (aes-gcm-avx512.pl); "
    "requires AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ; vector left as probed",
    "aesni_xts_{128,256}_{en,de}crypt_avx512: VAES zmm XTS (aesni-xts-avx512.pl); requires "
    "AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ, VBMI2; vector left as probed",
    {0, 0, W2_AVX512, W3_WIDE | W3_VBMI2}, {0}};
#elif defined(EVP_PATH_aesni_avx)
static const struct kit_path path = {
    "aesni-avx", "aesni-avx",
    "aesni_gcm_{en,de}crypt: the stitched AES-NI + PCLMULQDQ AVX GCM (aesni-gcm-x86_64.pl, 6 "
    "blocks in flight) for the bulk; the short head/tail in aesni_ctr32_encrypt_blocks + "
    "gcm_ghash_avx"
#if HAS_AVX512_AES
    "; forced by clearing AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ in OPENSSL_ia32cap_P"
#else
    "; this release has nothing wider, so nothing is masked"
#endif
    ,
    NULL,
    {0, W1_AESNI | W1_PCLMUL | W1_AVX | W1_MOVBE, 0, 0},
    {0, 0, W2_AVX512, W3_WIDE}};
#elif defined(EVP_PATH_aesni)
static const struct kit_path path = {
    "aesni", "aesni",
    "aesni_ctr32_encrypt_blocks + gcm_ghash_clmul: AES-NI and PCLMULQDQ, not stitched (what "
    "OpenSSL runs on a CPU without AVX); forced by clearing AVX, AVX2, AVX-512, VAES, "
    "VPCLMULQDQ in OPENSSL_ia32cap_P",
    "aesni_xts_{en,de}crypt: AES-NI XTS (aesni-x86_64.pl, 6 blocks in flight, SSE); forced by "
    "clearing AVX, AVX2, AVX-512, VAES, VPCLMULQDQ in OPENSSL_ia32cap_P",
    {0, W1_AESNI | W1_PCLMUL, 0, 0},
    {0, W1_AVX, W2_AVX2 | W2_AVX512, W3_WIDE | W3_VBMI2}};
#elif defined(EVP_PATH_noaesni)
static const struct kit_path path = {
    "noaesni", "ssse3",
    "no AES-NI: CTR in ossl_bsaes_ctr32_encrypt_blocks (bit-sliced SSSE3, 8 blocks at a "
    "time) with runs under 8 blocks and E(K,J0) in the T-table AES_encrypt (NOT constant "
    "time); GHASH still gcm_ghash_avx (PCLMULQDQ); forced by clearing AES-NI, VAES, AVX-512 "
    "in OPENSSL_ia32cap_P",
    "no AES-NI: ossl_bsaes_xts_{en,de}crypt (bit-sliced SSSE3, 8 blocks at a time) with the "
    "tweak, a lone trailing block and the stolen block in the T-table AES_encrypt/AES_decrypt (NOT "
    "constant time); forced by clearing AES-NI, VAES, AVX-512 in OPENSSL_ia32cap_P",
    {0, W1_SSSE3, 0, 0},
    {0, W1_AESNI, W2_AVX512, W3_WIDE | W3_VBMI2}};
#else
#error "define one EVP_PATH_<name> this OpenSSL release has"
#endif

static const EVP_CIPHER *cipher_of(const char *alg)
{
    if (!strcmp(alg, "aes-128-gcm")) return EVP_aes_128_gcm();
    if (!strcmp(alg, "aes-192-gcm")) return EVP_aes_192_gcm();
    if (!strcmp(alg, "aes-256-gcm")) return EVP_aes_256_gcm();
    if (!strcmp(alg, "aes-128-xts")) return EVP_aes_128_xts();
    if (!strcmp(alg, "aes-256-xts")) return EVP_aes_256_xts();
    return NULL;
}

static void *key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const EVP_CIPHER *c = cipher_of(self->alg);
    if (!c || (size_t)EVP_CIPHER_key_length(c) != key_len)
        return NULL;
    return kit_evp_key_new(c, key);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = ((struct kit_evp_key *)key)->enc;
    int n;
    if (len > (size_t)INT32_MAX || aad_len > (size_t)INT32_MAX)
        return AESLAB_EINVAL;
    if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv) != 1)
        return AESLAB_EFAIL;
    if (aad_len && EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) != 1)
        return AESLAB_EFAIL;
    if (len && EVP_EncryptUpdate(c, out, &n, in, (int)len) != 1)
        return AESLAB_EFAIL;
    if (EVP_EncryptFinal_ex(c, out + len, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        return AESLAB_EFAIL;
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    EVP_CIPHER_CTX *c = ((struct kit_evp_key *)key)->dec;
    int n;
    if (len > (size_t)INT32_MAX || aad_len > (size_t)INT32_MAX)
        return AESLAB_EINVAL;
    if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, iv) != 1)
        return AESLAB_EFAIL;
    if (aad_len && EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len) != 1)
        return AESLAB_EFAIL;
    if (len && EVP_DecryptUpdate(c, out, &n, in, (int)len) != 1)
        return AESLAB_EFAIL;
    if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) != 1)
        return AESLAB_EFAIL;
    if (EVP_DecryptFinal_ex(c, out + len, &n) != 1) {
        OPENSSL_cleanse(out, len); /* release nothing on a bad tag */
        return AESLAB_ETAG;
    }
    return AESLAB_OK;
}

#define CALLS_GCM "EVP per message: Init(iv) Update(aad) Update(data) Final GET/SET_TAG; "
#define CALLS_XTS "EVP per data unit: Init(tweak) Update(data); "

static aeslab_impl impls[5];
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, EVP_LIB_NAME, NULL, 0, impls};
static char version[160], impl_name[64];

static void add(const char *alg, int xts)
{
    aeslab_impl *d = kit_add(&plugin, impls, impl_name, EVP_LIB_NAME, version, alg, xts);
    d->key_new = key_new;
    d->key_free = kit_evp_key_free;
    if (xts) {
        d->xts_encrypt = kit_xts_encrypt;
        d->xts_decrypt = kit_xts_decrypt;
    } else {
        d->gcm_seal = gcm_seal;
        d->gcm_open = gcm_open;
    }
}

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    if (plugin.n_impls)
        return &plugin;
    /* Keep the probed vector for supported(), then mask this copy. */
    kit_force_path(&path, OPENSSL_ia32cap_P);
    snprintf(version, sizeof version, "%s%s", OpenSSL_version(OPENSSL_VERSION),
             EVP_VERSION_EXTRA);
    kit_notes(CALLS_GCM, CALLS_XTS);
    snprintf(impl_name, sizeof impl_name, "%s/%s", EVP_LIB_NAME, path.name);
    plugin.name = impl_name;
    add("aes-128-gcm", 0);
    add("aes-192-gcm", 0);
    add("aes-256-gcm", 0);
    if (path.xts) {
        add("aes-128-xts", 1);
        add("aes-256-xts", 1);
    }
    return &plugin;
}
