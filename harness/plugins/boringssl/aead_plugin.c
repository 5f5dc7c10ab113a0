/*
 * aead_plugin.c - BoringSSL or AWS-LC behind the aeslab ABI, one code path
 * per shared object.  Shared by harness/plugins/boringssl and
 * harness/plugins/awslc (the two libraries keep BoringSSL's API).
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
 * harness/plugins/openssl/pathcheck.py (`make test`), and the harness
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

#include "../kit/ia32cap.h"

/* need[] = CPU bits the path requires; clear[] = bits cleared in this copy.
 * xts == NULL: this path has no XTS row (same code as another row, or the
 * library has a single XTS). */
struct path {
    const char *name, *isa, *gcm, *xts;
    uint32_t need[4], clear[4];
};

#if defined(AEAD_PATH_auto)
static const struct path path = {
    "auto", "auto", "as shipped: the library picks the code from the CPU",
#if defined(AEAD_BORINGSSL)
    "as shipped: " XTS_WHAT " (AES-NI, vpaes or C blocks as the CPU allows)",
#else
    "as shipped: the library picks the code from the CPU",
#endif
    {0}, {0}};
#elif defined(AEAD_PATH_vaes512) && defined(AEAD_BORINGSSL)
static const struct path path = {
    "vaes512", "vaes512",
    "aes_gcm_{enc,dec}_update_vaes_avx512 (aes-gcm-avx512-x86_64: VAES + VPCLMULQDQ on zmm); "
    "requires AES-NI, AVX2, BMI2, AVX512BW/VL, VAES, VPCLMULQDQ; the library's avoid-zmm "
    "bit is cleared (it sets it on Skylake-X..Tiger Lake)",
    NULL,
    {0, W1_AESNI, W2_AVX2 | W2_BMI2 | W2_AVX512BW | W2_AVX512VL, W3_WIDE},
    {0, 0, W2_NOZMM, 0}};
#elif defined(AEAD_PATH_vaes256) && defined(AEAD_BORINGSSL)
static const struct path path = {
    "vaes256", "vaes256",
    "aes_gcm_{enc,dec}_update_vaes_avx2 (aes-gcm-avx2-x86_64: VAES + VPCLMULQDQ on ymm); "
    "forced by clearing AVX512BW/VL (what a VAES CPU without AVX-512 looks like)",
    NULL,
    {0, W1_AESNI, W2_AVX2, W3_WIDE},
    {0, 0, W2_AVX512, 0}};
#elif defined(AEAD_PATH_vaes512) && defined(AEAD_AWSLC)
static const struct path path = {
    "vaes512", "vaes512",
    "aes_gcm_{en,de}crypt_avx512 (aesni-gcm-avx512: Intel's VAES + VPCLMULQDQ zmm GCM, the "
    "OpenSSL 3.x code); requires AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ",
    "aes_hw_xts_{en,de}crypt_avx512 (aesni-xts-avx512: VAES zmm XTS); requires "
    "AVX512F/DQ/BW/VL, VAES, VPCLMULQDQ, VBMI2",
    {0, W1_AESNI, W2_AVX512, W3_WIDE | W3_VBMI2},
    {0}};
#elif defined(AEAD_PATH_aesni_avx)
static const struct path path = {
    "aesni-avx", "aesni-avx",
    "aesni_gcm_{en,de}crypt (the stitched AES-NI + PCLMULQDQ AVX GCM, 6 blocks in flight) for "
    "the bulk, aes_hw_ctr32_encrypt_blocks + gcm_ghash_avx around it; forced by clearing AVX2, "
    "AVX-512, VAES, VPCLMULQDQ",
    NULL,
    {0, W1_AESNI | W1_PCLMUL | W1_AVX | W1_MOVBE, 0, 0},
    {0, 0, W2_AVX2 | W2_AVX512, W3_WIDE | W3_VBMI2}};
#elif defined(AEAD_PATH_aesni)
static const struct path path = {
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
static const struct path path = {
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

static uint32_t cpu_caps[4]; /* as probed, before masking */

static int supported(const aeslab_impl *self)
{
    (void)self;
    for (int w = 0; w < 4; w++)
        if ((cpu_caps[w] & path.need[w]) != path.need[w])
            return 0;
    return 1;
}

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

struct xts_key {
    EVP_CIPHER_CTX *enc, *dec;
};

static void xts_key_free(void *key)
{
    struct xts_key *k = key;
    if (!k)
        return;
    EVP_CIPHER_CTX_free(k->enc);
    EVP_CIPHER_CTX_free(k->dec);
    free(k);
}

static void *xts_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const EVP_CIPHER *c = EVP_aes_256_xts();
    if (strcmp(self->alg, "aes-256-xts") || key_len != EVP_CIPHER_key_length(c))
        return NULL;
    struct xts_key *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->enc = EVP_CIPHER_CTX_new();
    k->dec = EVP_CIPHER_CTX_new();
    if (!k->enc || !k->dec || !EVP_EncryptInit_ex(k->enc, c, NULL, key, NULL) ||
        !EVP_DecryptInit_ex(k->dec, c, NULL, key, NULL)) {
        xts_key_free(k);
        return NULL;
    }
    return k;
}

static int xts_run(EVP_CIPHER_CTX *c, int enc, const uint8_t tweak[16], const uint8_t *in,
                   size_t len, uint8_t *out)
{
    int n;
    if (len < 16 || len > (size_t)INT32_MAX)
        return AESLAB_EINVAL;
    if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, tweak, enc) ||
        !EVP_CipherUpdate(c, out, &n, in, (int)len))
        return AESLAB_EFAIL;
    return AESLAB_OK;
}

static int xts_encrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                       uint8_t *out)
{
    return xts_run(((struct xts_key *)key)->enc, 1, tweak, in, len, out);
}

static int xts_decrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                       uint8_t *out)
{
    return xts_run(((struct xts_key *)key)->dec, 0, tweak, in, len, out);
}

/* --- the plugin --------------------------------------------------------------- */

#define CALLS_GCM                                                                            \
    "EVP_AEAD, key set once; per message one EVP_AEAD_CTX_seal_scatter / open_gather "       \
    "(same core as EVP_AEAD_CTX_seal/open, tag in its own buffer: no copy); "
#define CALLS_XTS "EVP per data unit: CipherInit(tweak) CipherUpdate; "

static aeslab_impl impls[4];
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, LIB_NAME, NULL, 0, impls};
static char gcm_name[64], xts_name[64], gcm_note[640], xts_note[640];

static void add(const char *alg, int xts)
{
    aeslab_impl *d = &impls[plugin.n_impls++];
    d->name = xts ? xts_name : gcm_name;
    d->library = LIB_NAME;
    d->version = PEER_VERSION;
    d->alg = alg;
    d->isa = path.isa;
    d->note = xts ? xts_note : gcm_note;
    d->supported = supported;
#if defined(__x86_64__)
    static char needs[160];
    d->needs = ia32cap_needs(path.need, needs, sizeof needs);
#endif
    if (xts) {
        d->key_new = xts_key_new;
        d->key_free = xts_key_free;
        d->xts_encrypt = xts_encrypt;
        d->xts_decrypt = xts_decrypt;
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
    for (int w = 0; w < 4; w++) {
        cpu_caps[w] = lib_ia32cap[w];
        lib_ia32cap[w] &= ~path.clear[w];
    }
    snprintf(gcm_name, sizeof gcm_name, "%s/%s", LIB_NAME, path.name);
#if defined(AEAD_BORINGSSL)
    /* BoringSSL's only XTS: name it for what it is, not for the GCM path. */
    snprintf(xts_name, sizeof xts_name, "%s/decrepit-xts", LIB_NAME);
#else
    snprintf(xts_name, sizeof xts_name, "%s/%s", LIB_NAME, path.name);
#endif
    snprintf(gcm_note, sizeof gcm_note, "%s%s", CALLS_GCM, path.gcm);
    if (path.xts)
        snprintf(xts_note, sizeof xts_note, "%s%s", CALLS_XTS, path.xts);
    plugin.name = gcm_name;
    add("aes-128-gcm", 0);
    add("aes-192-gcm", 0);
    add("aes-256-gcm", 0);
    if (path.xts)
        add("aes-256-xts", 1);
    return &plugin;
}
