/*
 * aead_plugin.c - BoringSSL or AWS-LC behind the aeslab ABI, one code path
 * per shared object.  The one source of both peers: boringssl/plugin.mk and
 * awslc/plugin.mk each compile it against their own library build (the two
 * libraries keep BoringSSL's API).  What it shares with OpenSSL's
 * evp_plugin.c (path record, masking, supported(), XTS) is in evp_kit.h.
 *
 * GCM goes through EVP_AEAD, the API users of these libraries call: the key
 * is set once with EVP_AEAD_CTX_init (outside the timed loop), and each
 * message is one EVP_AEAD_CTX_seal_scatter / EVP_AEAD_CTX_open_gather call
 * with a 12-byte nonce.  They run the same core as the contiguous
 * EVP_AEAD_CTX_seal / _open (AWS-LC: _seal wraps _seal_scatter and _open
 * wraps _open_gather; BoringSSL: all four reach the same iovec core) but
 * take the tag in its own buffer, as the lab's ABI does, so no copy is
 * added.  A failed open is wiped to zero by the library before it returns.
 *
 * XTS goes through EVP_CIPHER (EVP_aes_256_xts; BoringSSL keeps it in
 * libdecrepit as a plain C loop over its one-block AES function, AWS-LC in
 * its FIPS module with assembly): key once, then per data unit
 * CipherInit(tweak) + CipherUpdate.  Neither library has AES-128-XTS.
 *
 * Paths are forced the same way for both libraries: each plugin is its own
 * static copy of the library, and aeslab_plugin_entry() first makes the
 * library probe the CPU (EVP_has_aes_hardware() runs the one-time probe in
 * BoringSSL; AWS-LC probes from a constructor, CRYPTO_library_init() makes
 * sure), then clears bits in that copy's capability words
 * OPENSSL_ia32cap_P[4] (same layout as OpenSSL's first four words).  Both
 * libraries read the words again at every key set-up (GCM: which
 * GHASH/AES pair and which bulk kernel; AES: AES-NI vs vpaes vs C), and
 * AWS-LC also per GCM call, so everything after entry sees the mask.
 * BoringSSL keeps the array in namespace bssl, hence the mangled name.
 *
 * Which code each path really runs is checked under gdb by
 * harness/plugins/kit/pathcheck.py (`make test`), and the harness
 * verifies every path against the NIST vectors before timing.
 *
 * Build-time parameters:
 *   AEAD_BORINGSSL or AEAD_AWSLC   which library
 *   AEAD_PATH_<name>               which path (table below)
 *   peer_version.h (include path)  PEER_CRATE ("<crate> <version> (<its git commit>)"),
 *                                  written by the build script
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/aead.h>
#include <openssl/base.h>
#include <openssl/cipher.h>
#include <openssl/crypto.h>

#include "aeslab_abi.h"
#include "peer_version.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#if defined(AEAD_BORINGSSL)
/* BoringSSL has no release numbers; the API version and the crate say which. */
#define PEER_VERSION "BoringSSL API " STR(BORINGSSL_API_VERSION) ", crate " PEER_CRATE
#define LIB_NAME "boringssl"
#define LIB_CAPS "_ZN4bssl17OPENSSL_ia32cap_PE" /* bssl::OPENSSL_ia32cap_P */
#define XTS_WHAT "libdecrepit C XTS loop: one AES block function call per 16 bytes"
#elif defined(AEAD_AWSLC)
#define PEER_VERSION "AWS-LC " AWSLC_VERSION_NUMBER_STRING ", crate " PEER_CRATE
#define LIB_NAME "aws-lc"
#define LIB_CAPS "OPENSSL_ia32cap_P"
#else
#error "define AEAD_BORINGSSL or AEAD_AWSLC"
#endif

#if defined(__x86_64__)
extern uint32_t lib_ia32cap[4] __asm__(LIB_CAPS);
#else
static uint32_t lib_ia32cap[4]; /* elsewhere only the as-shipped path is built */
#endif

#include "evp_kit.h"

/* The paths (struct kit_path in evp_kit.h says what each field is). */

#if defined(AEAD_PATH_auto)
static const struct kit_path path = {
    "auto", "auto", "as shipped: the library picks the code from the CPU",
#if defined(AEAD_BORINGSSL)
    "as shipped: " XTS_WHAT " (AES-NI, vpaes or C blocks as the CPU allows)",
#else
    "as shipped: the library picks the code from the CPU",
#endif
    {0}, {0}};
#elif defined(AEAD_PATH_vaes512) && defined(AEAD_BORINGSSL)
static const struct kit_path path = {
    "vaes512", "vaes512",
    "aes_gcm_{enc,dec}_update_vaes_avx512 (aes-gcm-avx512-x86_64: VAES + VPCLMULQDQ on zmm); "
    "requires AES-NI, AVX2, BMI2, AVX512BW/VL, VAES, VPCLMULQDQ; the library's avoid-zmm "
    "bit is cleared (it sets it on Skylake-X..Tiger Lake)",
    NULL,
    {0, W1_AESNI, W2_AVX2 | W2_BMI2 | W2_AVX512BW | W2_AVX512VL, W3_WIDE},
    {0, 0, W2_NOZMM, 0}};
#elif defined(AEAD_PATH_vaes256) && defined(AEAD_BORINGSSL)
static const struct kit_path path = {
    "vaes256", "vaes256",
    "aes_gcm_{enc,dec}_update_vaes_avx2 (aes-gcm-avx2-x86_64: VAES + VPCLMULQDQ on ymm); "
    "forced by clearing AVX512BW/VL (what a VAES CPU without AVX-512 looks like)",
    NULL,
    {0, W1_AESNI, W2_AVX2, W3_WIDE},
    {0, 0, W2_AVX512, 0}};
#elif defined(AEAD_PATH_vaes512) && defined(AEAD_AWSLC)
static const struct kit_path path = {
    "vaes512", "vaes512",
    "aes_gcm_{en,de}crypt_avx512 (aesni-gcm-avx512: Intel's VAES + VPCLMULQDQ zmm GCM, the "
    "OpenSSL 3.x code); requires AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ",
    "aes_hw_xts_{en,de}crypt_avx512 (aesni-xts-avx512: VAES zmm XTS); requires "
    "AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ, VBMI2",
    {0, W1_AESNI, W2_AVX512, W3_WIDE | W3_VBMI2},
    {0}};
#elif defined(AEAD_PATH_aesni_avx)
static const struct kit_path path = {
    "aesni-avx", "aesni-avx",
    "aesni_gcm_{en,de}crypt (the stitched AES-NI + PCLMULQDQ AVX GCM, 6 blocks in flight) for "
    "the bulk, aes_hw_ctr32_encrypt_blocks + gcm_ghash_avx around it; forced by clearing AVX2, "
    "AVX-512, VAES, VPCLMULQDQ",
    NULL,
    {0, W1_AESNI | W1_PCLMUL | W1_AVX | W1_MOVBE, 0, 0},
    {0, 0, W2_AVX2 | W2_AVX512, W3_WIDE | W3_VBMI2}};
#elif defined(AEAD_PATH_aesni)
static const struct kit_path path = {
    "aesni", "aesni",
    "aes_hw_ctr32_encrypt_blocks + gcm_ghash_clmul (AES-NI and PCLMULQDQ, not stitched: what "
    "runs on a CPU without AVX); forced by clearing AVX, AVX2, AVX-512, VAES, VPCLMULQDQ",
#if defined(AEAD_AWSLC)
    "aes_hw_xts_{en,de}crypt (AES-NI XTS assembly, SSE); forced by clearing AVX, AVX2, "
    "AVX-512, VAES, VPCLMULQDQ",
#else
    NULL,
#endif
    {0, W1_AESNI | W1_PCLMUL, 0, 0},
    {0, W1_AVX, W2_AVX2 | W2_AVX512, W3_WIDE | W3_VBMI2}};
#elif defined(AEAD_PATH_noaesni)
static const struct kit_path path = {
    "noaesni", "ssse3",
    "no AES-NI: vpaes_ctr32_encrypt_blocks (vector-permute AES, SSSE3, constant time) + "
    "gcm_ghash_avx (PCLMULQDQ); forced by clearing AES-NI, VAES, VPCLMULQDQ, AVX-512",
#if defined(AEAD_AWSLC)
    "no AES-NI: CRYPTO_xts128_encrypt, a C loop calling vpaes_encrypt/vpaes_decrypt per "
    "block; forced by clearing AES-NI, VAES, VPCLMULQDQ, AVX-512",
#else
    NULL,
#endif
    {0, W1_SSSE3, 0, 0},
    {0, W1_AESNI, W2_AVX512, W3_WIDE | W3_VBMI2}};
#else
#error "define one AEAD_PATH_<name> this library has"
#endif

/* --- GCM: EVP_AEAD --------------------------------------------------------- */

static const EVP_AEAD *aead_of(const char *alg)
{
    if (!strcmp(alg, "aes-128-gcm")) return EVP_aead_aes_128_gcm();
    if (!strcmp(alg, "aes-192-gcm")) return EVP_aead_aes_192_gcm();
    if (!strcmp(alg, "aes-256-gcm")) return EVP_aead_aes_256_gcm();
    return NULL;
}

static void gcm_key_free(void *key)
{
    EVP_AEAD_CTX_free(key);
}

static void *gcm_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const EVP_AEAD *a = aead_of(self->alg);
    if (!a || EVP_AEAD_key_length(a) != key_len)
        return NULL;
    return EVP_AEAD_CTX_new(a, key, key_len, 16);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    size_t tag_len = 0;
    if (!EVP_AEAD_CTX_seal_scatter(key, out, tag, &tag_len, 16, iv, 12, in, len, NULL, 0, aad,
                                   aad_len) ||
        tag_len != 16)
        return AESLAB_EFAIL;
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    /* The only failure left once the key exists is a tag mismatch; the
     * library has zeroed `out` by then. */
    if (!EVP_AEAD_CTX_open_gather(key, out, iv, 12, in, len, tag, 16, aad, aad_len))
        return AESLAB_ETAG;
    return AESLAB_OK;
}

/* --- XTS: EVP_CIPHER --------------------------------------------------------- */

static void *xts_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const EVP_CIPHER *c = EVP_aes_256_xts();
    if (strcmp(self->alg, "aes-256-xts") || key_len != EVP_CIPHER_key_length(c))
        return NULL;
    return kit_evp_key_new(c, key);
}

/* --- the plugin --------------------------------------------------------------- */

#define CALLS_GCM                                                                            \
    "EVP_AEAD, key set once; per message one EVP_AEAD_CTX_seal_scatter / open_gather "       \
    "(same core as EVP_AEAD_CTX_seal/open, tag in its own buffer: no copy); "
#define CALLS_XTS "EVP per data unit: CipherInit(tweak) CipherUpdate; "

static aeslab_impl impls[4];
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, LIB_NAME, NULL, 0, impls};
static char gcm_name[64], xts_name[64];

static void add(const char *alg, int xts)
{
    aeslab_impl *d =
        kit_add(&plugin, impls, xts ? xts_name : gcm_name, LIB_NAME, PEER_VERSION, alg, xts);
    if (xts) {
        d->key_new = xts_key_new;
        d->key_free = kit_evp_key_free;
        d->xts_encrypt = kit_xts_encrypt;
        d->xts_decrypt = kit_xts_decrypt;
    } else {
        d->key_new = gcm_key_new;
        d->key_free = gcm_key_free;
        d->gcm_seal = gcm_seal;
        d->gcm_open = gcm_open;
    }
}

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    if (plugin.n_impls)
        return &plugin;
    CRYPTO_library_init();
    (void)EVP_has_aes_hardware(); /* runs the library's one-time CPU probe */
    kit_force_path(&path, lib_ia32cap);
    snprintf(gcm_name, sizeof gcm_name, "%s/%s", LIB_NAME, path.name);
#if defined(AEAD_BORINGSSL)
    /* BoringSSL's only XTS: name it for what it is, not for the GCM path. */
    snprintf(xts_name, sizeof xts_name, "%s/decrepit-xts", LIB_NAME);
#else
    snprintf(xts_name, sizeof xts_name, "%s/%s", LIB_NAME, path.name);
#endif
    kit_notes(CALLS_GCM, CALLS_XTS);
    plugin.name = gcm_name;
    add("aes-128-gcm", 0);
    add("aes-192-gcm", 0);
    add("aes-256-gcm", 0);
    if (path.xts)
        add("aes-256-xts", 1);
    return &plugin;
}
