/*
 * asm_plugin.c - OpenSSL's AES-GCM assembly called directly, without EVP:
 * the "-asm" rows beside the EVP rows of evp_plugin.c.
 *
 * Why: EVP re-initialises the IV through the provider on every message and
 * dispatches every Update/Final/ctrl through it; a benchmark that calls the
 * assembly directly (as Intel's did for the AVX-512 GCM) does none of that.
 * These rows call exactly what OpenSSL's provider calls underneath EVP, in
 * the same order, on the same structures (AES_KEY, struct gcm128_context:
 * layout in ossl_gcm_compat.h), so the difference between a row here and
 * its EVP row is the EVP + provider layer and nothing else.
 *
 *  aesni-asm (3.0 and 4.0): the provider's aesni_gcm (cipher_aes_gcm_hw.c
 *    with cipher_aes_gcm_hw_aesni.inc) on a CPU with AVX and MOVBE:
 *      key:  aesni_set_encrypt_key; CRYPTO_gcm128_init(gcm, ks, aesni_encrypt)
 *            (which picks gcm_init_avx / gcm_ghash_avx on this CPU)
 *      msg:  CRYPTO_gcm128_setiv; CRYPTO_gcm128_aad; then, as
 *            generic_aes_gcm_cipher_update: from 32 B (seal) / 16 B (open)
 *            aesni_gcm_{en,de}crypt on the bulk (whole 6-block chunks; it
 *            returns how much it did, added to len.u[1]), the rest through
 *            CRYPTO_gcm128_{en,de}crypt_ctr32 with aesni_ctr32_encrypt_blocks
 *            (+ gcm_ghash_avx); CRYPTO_gcm128_tag (seal) or
 *            CRYPTO_gcm128_finish (open: CRYPTO_memcmp, constant time).
 *    CRYPTO_gcm128_* are OpenSSL's own C driver (public in <openssl/modes.h>,
 *    linked from the archive): that is how the provider does it.
 *
 *  vaes512-asm (4.0 only: 3.6+ has aes-gcm-avx512.pl): the provider's
 *    vaes_gcm (cipher_aes_gcm_hw_vaes_avx512.inc), its C glue re-done here
 *    line for line:
 *      key:  aesni_set_encrypt_key; zero gcm; gcm.key = ks;
 *            ossl_aes_gcm_init_avx512(ks, gcm)
 *      msg:  zero Yi Xi len ares mres; ossl_aes_gcm_setiv_avx512;
 *            AAD: whole blocks ossl_aes_gcm_update_aad_avx512, a partial
 *            block XORed into Xi (stored reflected), ares = its length;
 *            data: ossl_gcm_gmult_avx512 if ares, then
 *            ossl_aes_gcm_{en,de}crypt_avx512(ks, gcm, &mres, ...);
 *            ossl_aes_gcm_finalize_avx512(gcm, ares ? ares : mres);
 *            tag = Xi; open compares with CRYPTO_memcmp.
 *
 * An open whose tag does not match wipes `out` (OPENSSL_cleanse) before
 * returning AESLAB_ETAG, as the ABI requires.
 *
 * Build-time parameters:
 *   ASM_LIB_NAME       "openssl-4.0"     implementation prefix
 *   ASM_VERSION_EXTRA  " (crate ...)"    appended to OpenSSL_version()
 *   ASM_SYMS_INC       "file"            {name, bytes} of the archive's
 *                                        assembly functions (nm -S), for
 *                                        code_bytes; optional
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aeslab_abi.h"
#include "ossl_gcm_compat.h"
#include "../kit/ia32cap.h"

#ifndef ASM_LIB_NAME
#define ASM_LIB_NAME "openssl"
#endif
#ifndef ASM_VERSION_EXTRA
#define ASM_VERSION_EXTRA ""
#endif

struct asm_sym {
    const char *name;
    size_t bytes;
};
static const struct asm_sym asm_syms[] = {
#ifdef ASM_SYMS_INC
#include ASM_SYMS_INC
#endif
    {NULL, 0}};

/* The assembly behind each row, key setup included (code_bytes). */
static const char *const syms_aesni[] = {
    "aesni_set_encrypt_key", "aesni_encrypt",      "gcm_init_avx",   "aesni_gcm_encrypt",
    "aesni_gcm_decrypt",     "_aesni_ctr32_ghash_6x", "_aesni_ctr32_6x", "aesni_ctr32_encrypt_blocks",
    "gcm_ghash_avx",         "gcm_gmult_avx",      "gcm_gmult_clmul", NULL};
#if OSSL_COMPAT_HAS_AVX512_GCM
static const char *const syms_vaes512[] = {
    "aesni_set_encrypt_key",         "ossl_aes_gcm_init_avx512",
    "ossl_aes_gcm_setiv_avx512",     "ossl_aes_gcm_update_aad_avx512",
    "ossl_aes_gcm_encrypt_avx512",   "ossl_aes_gcm_decrypt_avx512",
    "ossl_aes_gcm_finalize_avx512",  "ossl_gcm_gmult_avx512", NULL};
#endif

static size_t code_bytes_of(const char *const *names)
{
    size_t total = 0;
    for (; *names; names++)
        for (const struct asm_sym *s = asm_syms; s->name; s++)
            if (!strcmp(s->name, *names)) {
                total += s->bytes;
                break;
            }
    return total;
}

enum { PATH_AESNI, PATH_VAES512 };

struct path {
    int id;
    const char *name, *isa, *note;
    const char *const *syms;
    unsigned need[4];
};

#define EVP_ADDS                                                                          \
    " EVP adds per message: EVP_{En,De}cryptInit_ex(iv) into the provider (IV buffered, " \
    "key state checks), provider dispatch of each Update and Final (gcm_stream_update -> " \
    "gcm_cipher_internal -> hw->setiv on the first Update), and the tag through "         \
    "EVP_CIPHER_CTX_ctrl GET_TAG/SET_TAG (OSSL_PARAM get/set_ctx_params)."

static const struct path paths[] = {
    {PATH_AESNI, "aesni-asm", "aesni-avx",
     "direct, no EVP, as the provider's aesni_gcm calls it: per message CRYPTO_gcm128_setiv, "
     "CRYPTO_gcm128_aad, then (generic_aes_gcm_cipher_update) aesni_gcm_{en,de}crypt on the "
     "bulk (stitched AES-NI+PCLMULQDQ AVX, whole 6-block chunks) and the rest in "
     "CRYPTO_gcm128_{en,de}crypt_ctr32 (aesni_ctr32_encrypt_blocks + gcm_ghash_avx), then "
     "CRYPTO_gcm128_tag / CRYPTO_gcm128_finish (CRYPTO_memcmp); CRYPTO_gcm128_* is "
     "OpenSSL's own C driver, linked from libcrypto.a, as the provider uses it; key: "
     "aesni_set_encrypt_key + CRYPTO_gcm128_init (gcm_init_avx), once." EVP_ADDS,
     syms_aesni, {0, W1_AESNI | W1_PCLMUL | W1_AVX | W1_MOVBE, 0, 0}},
#if OSSL_COMPAT_HAS_AVX512_GCM
    {PATH_VAES512, "vaes512-asm", "vaes512",
     "direct, no EVP, as the provider's vaes_gcm calls it: per message "
     "ossl_aes_gcm_setiv_avx512, ossl_aes_gcm_update_aad_avx512 (whole blocks; a partial "
     "block XORed into Xi, ossl_gcm_gmult_avx512 before the data), "
     "ossl_aes_gcm_{en,de}crypt_avx512, ossl_aes_gcm_finalize_avx512, tag = Xi "
     "(open: CRYPTO_memcmp); the provider's C glue re-done in the plugin; key: "
     "aesni_set_encrypt_key + ossl_aes_gcm_init_avx512, once." EVP_ADDS,
     syms_vaes512,
     {0, W1_AESNI | W1_PCLMUL | W1_AVX, W2_AVX2 | W2_AVX512, W3_WIDE}},
#endif
};
#define N_PATHS (sizeof paths / sizeof paths[0])

static unsigned cpu_caps[4];

struct asm_key {
    struct ossl_gcm128 gcm; /* first: 64-byte aligned */
    ossl_aes_key ks __attribute__((aligned(64)));
    int path;
};

static int supported(const aeslab_impl *self)
{
    return ia32cap_covers(cpu_caps, ((const struct path *)self->priv)->need);
}

static void key_free(void *key)
{
    if (!key)
        return;
    OPENSSL_cleanse(key, sizeof(struct asm_key));
    free(key);
}

static size_t key_bytes_of(const char *alg)
{
    if (!strcmp(alg, "aes-128-gcm")) return 16;
    if (!strcmp(alg, "aes-192-gcm")) return 24;
    if (!strcmp(alg, "aes-256-gcm")) return 32;
    return 0;
}

static struct asm_key *key_alloc(void)
{
    size_t n = (sizeof(struct asm_key) + 63) & ~(size_t)63;
    struct asm_key *k = aligned_alloc(64, n);
    if (k)
        memset(k, 0, n);
    return k;
}

/* CRYPTO_gcm128_init on our struct; 0 if its writes do not land where
 * ossl_gcm_compat.h says they do. */
static int aesni_key_setup(struct asm_key *k, const uint8_t *key, size_t key_len)
{
    if (aesni_set_encrypt_key(key, (int)(key_len * 8), &k->ks) != 0)
        return 0;
    CRYPTO_gcm128_init((GCM128_CONTEXT *)&k->gcm, &k->ks, (block128_f)aesni_encrypt);
    return k->gcm.key == (void *)&k->ks && k->gcm.block == (block128_f)aesni_encrypt &&
           k->gcm.mres == 0 && k->gcm.ares == 0;
}

static void *key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const struct path *p = self->priv;
    if (key_len != key_bytes_of(self->alg) || !supported(self))
        return NULL;
    struct asm_key *k = key_alloc();
    if (!k)
        return NULL;
    k->path = p->id;
    if (p->id == PATH_AESNI) {
        if (!aesni_key_setup(k, key, key_len)) {
            key_free(k);
            return NULL;
        }
    }
#if OSSL_COMPAT_HAS_AVX512_GCM
    else {
        /* vaes_gcm_setkey */
        aesni_set_encrypt_key(key, (int)(key_len * 8), &k->ks);
        memset(&k->gcm, 0, sizeof k->gcm);
        k->gcm.key = &k->ks;
        ossl_aes_gcm_init_avx512(&k->ks, &k->gcm);
    }
#endif
    return k;
}

/* --- aesni-asm: the provider's aesni_gcm --------------------------------- */

/* generic_aes_gcm_cipher_update with ctx->ctr = aesni_ctr32_encrypt_blocks */
static int aesni_cipher_update(struct asm_key *k, int enc, const uint8_t *in, size_t len,
                               uint8_t *out)
{
    GCM128_CONTEXT *g = (GCM128_CONTEXT *)&k->gcm;
    ctr128_f ctr = (ctr128_f)aesni_ctr32_encrypt_blocks;
    size_t bulk = 0;
    /* AES_GCM_ENC_BYTES 32, AES_GCM_DEC_BYTES 16; AES_GCM_ASM(ctx) */
    if (len >= (enc ? 32u : 16u) && k->gcm.ghash == (ossl_ghash_fn)gcm_ghash_avx) {
        size_t res = (16 - k->gcm.mres) % 16;
        if (enc ? CRYPTO_gcm128_encrypt(g, in, out, res) : CRYPTO_gcm128_decrypt(g, in, out, res))
            return 0;
        bulk = enc ? aesni_gcm_encrypt(in + res, out + res, len - res, k->gcm.key,
                                       k->gcm.Yi.c, k->gcm.Xi.u)
                   : aesni_gcm_decrypt(in + res, out + res, len - res, k->gcm.key,
                                       k->gcm.Yi.c, k->gcm.Xi.u);
        k->gcm.len.u[1] += bulk;
        bulk += res;
    }
    if (enc ? CRYPTO_gcm128_encrypt_ctr32(g, in + bulk, out + bulk, len - bulk, ctr)
            : CRYPTO_gcm128_decrypt_ctr32(g, in + bulk, out + bulk, len - bulk, ctr))
        return 0;
    return 1;
}

static int aesni_seal(struct asm_key *k, const uint8_t iv[12], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                      uint8_t tag[16])
{
    GCM128_CONTEXT *g = (GCM128_CONTEXT *)&k->gcm;
    CRYPTO_gcm128_setiv(g, iv, 12);
    if (aad_len && CRYPTO_gcm128_aad(g, aad, aad_len) != 0)
        return AESLAB_EFAIL;
    if (len && !aesni_cipher_update(k, 1, in, len, out))
        return AESLAB_EFAIL;
    CRYPTO_gcm128_tag(g, tag, 16);
    return AESLAB_OK;
}

static int aesni_open(struct asm_key *k, const uint8_t iv[12], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                      uint8_t *out)
{
    GCM128_CONTEXT *g = (GCM128_CONTEXT *)&k->gcm;
    CRYPTO_gcm128_setiv(g, iv, 12);
    if (aad_len && CRYPTO_gcm128_aad(g, aad, aad_len) != 0)
        return AESLAB_EFAIL;
    if (len && !aesni_cipher_update(k, 0, in, len, out)) {
        OPENSSL_cleanse(out, len);
        return AESLAB_EFAIL;
    }
    if (CRYPTO_gcm128_finish(g, tag, 16) != 0) { /* CRYPTO_memcmp inside */
        OPENSSL_cleanse(out, len);
        return AESLAB_ETAG;
    }
    return AESLAB_OK;
}

/* --- vaes512-asm: the provider's vaes_gcm --------------------------------- */
#if OSSL_COMPAT_HAS_AVX512_GCM
static void vaes_setiv(struct asm_key *k, const uint8_t iv[12])
{
    struct ossl_gcm128 *g = &k->gcm;
    g->Yi.u[0] = g->Yi.u[1] = 0;
    g->Xi.u[0] = g->Xi.u[1] = 0;
    g->len.u[0] = g->len.u[1] = 0;
    g->ares = 0;
    g->mres = 0;
    ossl_aes_gcm_setiv_avx512(g->key, g, iv, 12);
}

static int vaes_aad(struct asm_key *k, const uint8_t *aad, size_t aad_len)
{
    struct ossl_gcm128 *g = &k->gcm;
    uint64_t alen = g->len.u[0] + aad_len;
    unsigned ares;
    if (g->len.u[1] > 0 || alen > ((uint64_t)1 << 61) || alen < aad_len)
        return 0;
    g->len.u[0] = alen;
    ares = g->ares;
    if (ares > 0) { /* a partial block from an earlier call (never here: one call) */
        while (ares > 0 && aad_len > 0) {
            g->Xi.c[15 - ares] ^= *aad++;
            --aad_len;
            ares = (ares + 1) % 16;
        }
        if (ares == 0) {
            ossl_gcm_gmult_avx512(g->Xi.u, g);
        } else {
            g->ares = ares;
            return 1;
        }
    }
    size_t blocks = aad_len & ~(size_t)15;
    if (blocks) {
        ossl_aes_gcm_update_aad_avx512(g, aad, blocks);
        aad += blocks;
        aad_len -= blocks;
    }
    if (aad_len > 0) {
        ares = (unsigned)aad_len;
        for (size_t i = 0; i < aad_len; i++)
            g->Xi.c[15 - i] ^= aad[i];
    }
    g->ares = ares;
    return 1;
}

static int vaes_update(struct asm_key *k, int enc, const uint8_t *in, size_t len, uint8_t *out)
{
    struct ossl_gcm128 *g = &k->gcm;
    uint64_t mlen = g->len.u[1] + len;
    if (mlen > (((uint64_t)1 << 36) - 32) || mlen < len)
        return 0;
    g->len.u[1] = mlen;
    if (g->ares > 0) {
        ossl_gcm_gmult_avx512(g->Xi.u, g);
        g->ares = 0;
    }
    if (enc)
        ossl_aes_gcm_encrypt_avx512(g->key, g, &g->mres, in, len, out);
    else
        ossl_aes_gcm_decrypt_avx512(g->key, g, &g->mres, in, len, out);
    return 1;
}

/* vaes_gcm_cipherfinal, up to the tag */
static void vaes_final(struct asm_key *k, int enc)
{
    struct ossl_gcm128 *g = &k->gcm;
    unsigned *res = g->ares > 0 ? &g->ares : &g->mres;
    ossl_aes_gcm_finalize_avx512(g, *res);
    if (enc)
        *res = 0;
}

static int vaes_seal(struct asm_key *k, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                     uint8_t tag[16])
{
    vaes_setiv(k, iv);
    if (aad_len && !vaes_aad(k, aad, aad_len))
        return AESLAB_EFAIL;
    if (len && !vaes_update(k, 1, in, len, out))
        return AESLAB_EFAIL;
    vaes_final(k, 1);
    memcpy(tag, k->gcm.Xi.c, 16);
    return AESLAB_OK;
}

static int vaes_open(struct asm_key *k, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                     uint8_t *out)
{
    vaes_setiv(k, iv);
    if (aad_len && !vaes_aad(k, aad, aad_len))
        return AESLAB_EFAIL;
    if (len && !vaes_update(k, 0, in, len, out)) {
        OPENSSL_cleanse(out, len);
        return AESLAB_EFAIL;
    }
    vaes_final(k, 0);
    if (CRYPTO_memcmp(k->gcm.Xi.c, tag, 16) != 0) {
        OPENSSL_cleanse(out, len);
        return AESLAB_ETAG;
    }
    return AESLAB_OK;
}
#endif

/* --- the ABI ------------------------------------------------------------- */

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    struct asm_key *k = key;
#if OSSL_COMPAT_HAS_AVX512_GCM
    if (k->path == PATH_VAES512)
        return vaes_seal(k, iv, aad, aad_len, in, len, out, tag);
#endif
    return aesni_seal(k, iv, aad, aad_len, in, len, out, tag);
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    struct asm_key *k = key;
#if OSSL_COMPAT_HAS_AVX512_GCM
    if (k->path == PATH_VAES512)
        return vaes_open(k, iv, aad, aad_len, in, len, tag, out);
#endif
    return aesni_open(k, iv, aad, aad_len, in, len, tag, out);
}

static aeslab_impl impls[3 * N_PATHS];
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, ASM_LIB_NAME "-asm", NULL, 0, impls};
static char version[160];
static char names[N_PATHS][64], needs[N_PATHS][160];

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    static const char *const algs[] = {"aes-128-gcm", "aes-192-gcm", "aes-256-gcm"};
    if (plugin.n_impls || plugin.error)
        return &plugin;
    OPENSSL_cpuid_setup(); /* idempotent; normally already run from .init */
    for (int w = 0; w < 4; w++)
        cpu_caps[w] = OPENSSL_ia32cap_P[w];
    snprintf(version, sizeof version, "%s%s", OpenSSL_version(OPENSSL_VERSION),
             ASM_VERSION_EXTRA);

    /* The context layout of ossl_gcm_compat.h, checked against the library's
     * own CRYPTO_gcm128_init (needs AES-NI to run). */
    if ((cpu_caps[1] & W1_AESNI) != 0) {
        static const uint8_t zero[16];
        struct asm_key *k = key_alloc();
        int ok = k && aesni_key_setup(k, zero, 16);
        key_free(k);
        if (!ok) {
            plugin.error = "struct gcm128_context of this OpenSSL build does not match "
                           "ossl_gcm_compat.h (CRYPTO_gcm128_init wrote elsewhere)";
            return &plugin;
        }
    }

    for (size_t p = 0; p < N_PATHS; p++) {
        snprintf(names[p], sizeof names[p], "%s/%s", ASM_LIB_NAME, paths[p].name);
        size_t code = code_bytes_of(paths[p].syms);
        for (size_t a = 0; a < 3; a++) {
            aeslab_impl *d = &impls[plugin.n_impls++];
            d->name = names[p];
            d->library = ASM_LIB_NAME;
            d->version = version;
            d->alg = algs[a];
            d->isa = paths[p].isa;
            d->note = paths[p].note;
            d->code_bytes = code;
            d->priv = &paths[p];
            d->supported = supported;
            d->needs = ia32cap_needs(paths[p].need, needs[p], sizeof needs[p]);
            d->key_new = key_new;
            d->key_free = key_free;
            d->gcm_seal = gcm_seal;
            d->gcm_open = gcm_open;
        }
    }
    return &plugin;
}
