/*
 * glue_common.h - what the Linux-derived plugins' glue shares (glue_61.c,
 * glue_612.c, glue_72.c): small helpers, the CPU-feature record behind
 * supported(), the code_bytes lookup, the XTS key and aesni-intel_asm.S's
 * XTS calls, the implementation rows and the plugin entry, and the
 * per-message calling sequence of the GCM and XTS assembly that 6.11
 * introduced and later series keep (glue_612.c, glue_72.c).
 */
#ifndef AESLAB_LINUX_GLUE_COMMON_H
#define AESLAB_LINUX_GLUE_COMMON_H

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aeslab_abi.h"
#include "cpu_x86.h"

/* Wipe that the compiler cannot drop as a dead store. */
static inline void lx_wipe(void *p, size_t n)
{
    if (!n)
        return;
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* Constant-time 16-byte comparison: 0 if equal, 1 otherwise. */
static inline int lx_tag_differs(const uint8_t a[16], const uint8_t b[16])
{
    uint8_t d = 0;
    for (int i = 0; i < 16; i++)
        d |= a[i] ^ b[i];
    /* d is 0..255; (d - 1) >> 8 is all ones only for d == 0 */
    return (int)(1 & ~(((unsigned)d - 1) >> 8));
}

/* Key objects hold round keys and hash-key powers that the assembly reads
 * with aligned loads in places: allocate on a 64-byte boundary. */
static inline void *lx_alloc(size_t n)
{
    void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
    if (p)
        memset(p, 0, n);
    return p;
}

/* The assembly takes int or unsigned int lengths. */
#define LX_LEN_OK(n) ((n) <= (size_t)INT_MAX)

/* static void fn(void *key): wipe a key object of type `type`, then free it. */
#define LX_KEY_FREE(fn, type)                                                            \
    static void fn(void *key)                                                            \
    {                                                                                    \
        if (key)                                                                         \
            lx_wipe(key, sizeof(type));                                                  \
        free(key);                                                                       \
    }

/* ---- what each path needs from the CPU --------------------------------- */

#define NEED_AESNI (CPU_AES | CPU_PCLMUL | CPU_SSE41)
#define NEED_AVX (NEED_AESNI | CPU_AVX)
#define NEED_VAES_AVX2 (NEED_AVX | CPU_AVX2 | CPU_VAES | CPU_VPCLMUL)
#define NEED_VAES_AVX512 (NEED_VAES_AVX2 | CPU_AVX512 | CPU_BMI2)

/* An implementation's priv: CPU_* bits it needs, and for GCM the size of
 * its key object and the assembly that precomputes the hash-key powers. */
struct lx_path {
    unsigned cpu;
    size_t key_bytes;
    void (*precompute)(void *key);
};

static inline int lx_supported(const aeslab_impl *self)
{
    return cpu_x86_has(((const struct lx_path *)self->priv)->cpu);
}

/* ---- machine-code size of each path ------------------------------------- */

/* {symbol, bytes} of every function in a plugin's kernel objects, from
 * `nm -S` at build time (build.sh writes linux-SERIES-syms.inc). */
struct lx_sym {
    const char *name;
    size_t bytes;
};

/* Sum of the sizes of the NULL-terminated list of functions `names`. */
static inline size_t lx_code_bytes(const struct lx_sym *tab, const char *const *names)
{
    size_t total = 0;
    for (; *names; names++)
        for (const struct lx_sym *s = tab; s->name; s++)
            if (!strcmp(s->name, *names))
                total += s->bytes;
    return total;
}

/* The functions each path runs, by path name (the part after "lib/"). */
struct lx_path_syms {
    const char *path;
    const char *syms[24];
};

/* Set code_bytes of every implementation from its path's function list. */
static inline void lx_fill_code_bytes(aeslab_impl *impls, size_t n, const struct lx_path_syms *ps,
                                      size_t n_ps, const struct lx_sym *tab)
{
    for (size_t i = 0; i < n; i++) {
        const char *path = strchr(impls[i].name, '/') + 1;
        for (size_t j = 0; j < n_ps; j++)
            if (!strcmp(path, ps[j].path))
                impls[i].code_bytes = lx_code_bytes(tab, ps[j].syms);
    }
}

/* `needs` of every row from its path's CPU bits (cpu_x86.h names them). */
static inline void lx_fill_needs(aeslab_impl *impls, size_t n)
{
    static char buf[64][96];
    for (size_t i = 0; i < n && i < 64; i++)
        impls[i].needs = cpu_x86_needs(((const struct lx_path *)impls[i].priv)->cpu, buf[i],
                                       sizeof buf[i]);
}

/* ---- GCM, the 6.11+ assembly interface ----------------------------------
 *
 * Per message, exactly the sequence aesni-intel_glue.c's gcm_crypt() runs
 * for a linear buffer:
 *     le_ctr = {2, IV words byte-swapped}
 *     ghash_acc = 0; aes_gcm_aad_update_<tail>(aad)      (if aad_len)
 *     aes_gcm_{enc,dec}_update_<upd>(payload)            (always, even empty)
 *     aes_gcm_enc_final_<tail>() -> tag | aes_gcm_dec_final_<tail>() -> match?
 * dec_final compares the tag in constant time inside the assembly; the
 * kernel leaves the plaintext in place on a mismatch (its caller discards
 * it), here it is wiped before returning AESLAB_ETAG. */

/* The counter block in the form the assembly takes: 32-bit words, least
 * significant first, each in CPU order; the low word starts at 2 (1 is the
 * block that encrypts the tag). */
static inline void lx_gcm_le_ctr(uint32_t le_ctr[4], const uint8_t iv[12])
{
    uint32_t w[3];
    memcpy(w, iv, 12);
    le_ctr[0] = 2;
    le_ctr[1] = __builtin_bswap32(w[2]);
    le_ctr[2] = __builtin_bswap32(w[1]);
    le_ctr[3] = __builtin_bswap32(w[0]);
}

/* Prototypes of one path's entry points (the key pointer is the path's key
 * struct).  update and final have separate suffixes because in 6.12 the two
 * AVX10 widths share their aad_update and final functions. */
#define LX_GCM_UPDATE_PROTOS(sfx)                                                        \
    void aes_gcm_precompute_##sfx(void *key);                                            \
    void aes_gcm_enc_update_##sfx(const void *key, const uint32_t le_ctr[4],             \
                                  uint8_t acc[16], const uint8_t *src, uint8_t *dst,     \
                                  int len);                                              \
    void aes_gcm_dec_update_##sfx(const void *key, const uint32_t le_ctr[4],             \
                                  uint8_t acc[16], const uint8_t *src, uint8_t *dst,     \
                                  int len);
#define LX_GCM_TAIL_PROTOS(sfx)                                                          \
    void aes_gcm_aad_update_##sfx(const void *key, uint8_t acc[16], const uint8_t *aad,  \
                                  int len);                                              \
    void aes_gcm_enc_final_##sfx(const void *key, const uint32_t le_ctr[4],              \
                                 uint8_t acc[16], uint64_t aad_len, uint64_t len);       \
    _Bool aes_gcm_dec_final_##sfx(const void *key, const uint32_t le_ctr[4],             \
                                  const uint8_t acc[16], uint64_t aad_len, uint64_t len, \
                                  const uint8_t tag[16], int taglen);

/* gcm_seal_<path> and gcm_open_<path>, with direct calls (the kernel
 * avoids indirect calls here for the same reason: they cost at 16-byte
 * sizes). */
#define LX_GCM_PATH(path, upd, tail)                                                     \
    static int gcm_seal_##path(void *key, const uint8_t iv[12], const uint8_t *aad,      \
                               size_t aad_len, const uint8_t *in, size_t len,            \
                               uint8_t *out, uint8_t tag[16])                            \
    {                                                                                    \
        uint32_t le_ctr[4];                                                              \
        uint8_t acc[16] = {0};                                                           \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        lx_gcm_le_ctr(le_ctr, iv);                                                       \
        if (aad_len)                                                                     \
            aes_gcm_aad_update_##tail(key, acc, aad, (int)aad_len);                      \
        aes_gcm_enc_update_##upd(key, le_ctr, acc, in, out, (int)len);                   \
        aes_gcm_enc_final_##tail(key, le_ctr, acc, aad_len, len);                        \
        memcpy(tag, acc, 16);                                                            \
        return AESLAB_OK;                                                                \
    }                                                                                    \
    static int gcm_open_##path(void *key, const uint8_t iv[12], const uint8_t *aad,      \
                               size_t aad_len, const uint8_t *in, size_t len,            \
                               const uint8_t tag[16], uint8_t *out)                      \
    {                                                                                    \
        uint32_t le_ctr[4];                                                              \
        uint8_t acc[16] = {0};                                                           \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        lx_gcm_le_ctr(le_ctr, iv);                                                       \
        if (aad_len)                                                                     \
            aes_gcm_aad_update_##tail(key, acc, aad, (int)aad_len);                      \
        aes_gcm_dec_update_##upd(key, le_ctr, acc, in, out, (int)len);                   \
        if (!aes_gcm_dec_final_##tail(key, le_ctr, acc, aad_len, len, tag, 16)) {        \
            lx_wipe(out, len); /* release nothing */                                     \
            return AESLAB_ETAG;                                                          \
        }                                                                                \
        return AESLAB_OK;                                                                \
    }

/* ---- XTS, aes-xts-avx-x86_64.S (6.11+) ----------------------------------
 *
 * Two AES key schedules in struct crypto_aes_ctx form (data key, tweak
 * key); per data unit: aes_xts_encrypt_iv(tweak key, iv) then one call of
 * aes_xts_{en,de}crypt_<path>(data key, src, dst, len, tweak), which does
 * ciphertext stealing itself for len % 16 != 0 (the kernel's fast path for
 * a unit within one page).  The including file defines struct
 * crypto_aes_ctx (kcompat.h) before this point is used. */

#define LX_XTS_PROTOS(sfx)                                                               \
    void aes_xts_encrypt_##sfx(const struct crypto_aes_ctx *key, const uint8_t *src,     \
                               uint8_t *dst, int len, uint8_t tweak[16]);                \
    void aes_xts_decrypt_##sfx(const struct crypto_aes_ctx *key, const uint8_t *src,     \
                               uint8_t *dst, int len, uint8_t tweak[16]);

struct lx_xts_key {
    struct crypto_aes_ctx crypt __attribute__((aligned(16))); /* data key  */
    struct crypto_aes_ctx tweak __attribute__((aligned(16))); /* tweak key */
};

void aes_xts_encrypt_iv(const struct crypto_aes_ctx *tweak_key, uint8_t iv[16]);

/* One direction of a path: encrypt the tweak, then one call over the unit. */
#define LX_XTS_CRYPT(name, xfn)                                                          \
    static int name(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,   \
                    uint8_t *out)                                                        \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        uint8_t t[16];                                                                   \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        memcpy(t, tweak, 16);                                                            \
        aes_xts_encrypt_iv(&k->tweak, t);                                                \
        xfn(&k->crypt, in, out, (int)len, t);                                            \
        return AESLAB_OK;                                                                \
    }
#define LX_XTS_PATH(sfx)                                                                 \
    LX_XTS_CRYPT(xts_enc_##sfx, aes_xts_encrypt_##sfx)                                   \
    LX_XTS_CRYPT(xts_dec_##sfx, aes_xts_decrypt_##sfx)

LX_KEY_FREE(lx_xts_key_free, struct lx_xts_key)

/* xts_key_new(): the two key schedules with setkey (the series' own:
 * aes_expandkey or aesni_set_key); first half the data key, second half
 * the tweak key (the kernel's xts_setkey_aesni / xts_verify_key split). */
#define LX_XTS_KEY_NEW(setkey)                                                           \
    static void *xts_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)\
    {                                                                                    \
        const struct lx_path *p = self->priv;                                            \
        size_t half = key_len / 2;                                                       \
        if ((key_len != 32 && key_len != 64) || !cpu_x86_has(p->cpu))                    \
            return NULL;                                                                 \
        struct lx_xts_key *k = lx_alloc(sizeof *k);                                      \
        if (!k)                                                                          \
            return NULL;                                                                 \
        setkey(&k->crypt, key, (unsigned)half);                                          \
        setkey(&k->tweak, key + half, (unsigned)half);                                   \
        return k;                                                                        \
    }

/* aesni-intel_asm.S's XTS (6.1, and 7.2's xts-aesni): aesni_enc of the
 * tweak, then one aesni_xts_{en,de}crypt-style call over the unit (CTS
 * inside).  6.1's glue encrypts the tweak from the caller's buffer
 * (copy = 0); 7.2's aesni_xts_encrypt_iv copies it and encrypts in place
 * (copy = 1).  The including file declares aesni_enc and the crypt calls. */
#define LX_XTS_AESNI_CRYPT(name, copy, xfn)                                              \
    static int name(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,   \
                    uint8_t *out)                                                        \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        uint8_t t[16];                                                                   \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        if (copy) {                                                                      \
            memcpy(t, tweak, 16);                                                        \
            aesni_enc(&k->tweak, t, t);                                                  \
        } else {                                                                         \
            aesni_enc(&k->tweak, t, tweak);                                              \
        }                                                                                \
        xfn(&k->crypt, out, in, (unsigned)len, t);                                       \
        return AESLAB_OK;                                                                \
    }
#define LX_XTS_AESNI_PATH(sfx, copy, enc, dec)                                           \
    LX_XTS_AESNI_CRYPT(xts_enc_##sfx, copy, enc)                                         \
    LX_XTS_AESNI_CRYPT(xts_dec_##sfx, copy, dec)

/* Symbol lists for lx_path_syms. */
/* The functions of a GCM or XTS path; `keys` names the key-setup
 * functions the glue calls (a macro of one or more strings). */
#define LX_GCM_SYMS(keys, upd, tail)                                                     \
    {keys, "aes_gcm_precompute_" #upd, "aes_gcm_aad_update_" #tail,                      \
     "aes_gcm_enc_update_" #upd, "aes_gcm_dec_update_" #upd, "aes_gcm_enc_final_" #tail,  \
     "aes_gcm_dec_final_" #tail, NULL}
#define LX_XTS_SYMS(keys, sfx)                                                           \
    {keys, "aes_xts_encrypt_iv", "aes_xts_encrypt_" #sfx, "aes_xts_decrypt_" #sfx, NULL}

/* ---- GCM key set-up, the 6.11+ interface --------------------------------
 * gcm_key_new(): round keys with expand (the series' own) into the key
 * object's aes_key (of type base, the key's first member), then the
 * assembly's precompute of the hash-key powers. */
#define LX_GCM_KEY_NEW(base, expand)                                                     \
    static void *gcm_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)\
    {                                                                                    \
        const struct lx_path *p = self->priv;                                            \
        if (aes_check_keylen((unsigned)key_len) || !cpu_x86_has(p->cpu))                 \
            return NULL;                                                                 \
        base *k = lx_alloc(p->key_bytes);                                                \
        if (!k)                                                                          \
            return NULL;                                                                 \
        expand(&k->aes_key, key, (unsigned)key_len);                                     \
        p->precompute(k);                                                                \
        return k;                                                                        \
    }

/* The notes of the 6.11+ interface's rows (glue_612.c, glue_72.c). */
#define LX_NOTE_GCM                                                                      \
    "asm called directly as aesni-intel_glue.c does (aad_update, update, final); "      \
    "no kernel_fpu_begin/end or scatterlist walk in the loop"
#define LX_NOTE_XTS                                                                      \
    "asm called directly as aesni-intel_glue.c's single-page fast path does "           \
    "(encrypt_iv, one crypt call with CTS); no kernel_fpu_begin/end"

/* ---- implementation rows -------------------------------------------------
 * The including file defines LIB (the plugin name), LINUX_PKG_VERSION,
 * gcm_key_new() and xts_key_new() (XTS keys are struct lx_xts_key). */
#define LX_IMPL_GCM(path, alg_, isa_, note_, seal, open, freefn, pp)                     \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = note_, .priv = &pp, .supported = lx_supported,                  \
     .key_new = gcm_key_new, .key_free = freefn, .gcm_seal = seal, .gcm_open = open}
#define LX_IMPLS_GCM(path, isa_, note_, seal, open, freefn, pp)                          \
    LX_IMPL_GCM(path, "aes-128-gcm", isa_, note_, seal, open, freefn, pp),               \
        LX_IMPL_GCM(path, "aes-192-gcm", isa_, note_, seal, open, freefn, pp),           \
        LX_IMPL_GCM(path, "aes-256-gcm", isa_, note_, seal, open, freefn, pp)
/* The three GCM rows of an LX_GCM_PATH path. */
#define LX_GCM_IMPLS(path, isa_, fn, freefn, pp)                                         \
    LX_IMPLS_GCM(path, isa_, LX_NOTE_GCM, gcm_seal_##fn, gcm_open_##fn, freefn, pp)

#define LX_IMPL_XTS(path, alg_, isa_, note_, fn, pp)                                     \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = note_, .priv = &pp, .supported = lx_supported,                  \
     .key_new = xts_key_new, .key_free = lx_xts_key_free, .xts_encrypt = xts_enc_##fn,    \
     .xts_decrypt = xts_dec_##fn}
/* The two XTS rows of a path with functions xts_enc_<fn> / xts_dec_<fn>. */
#define LX_XTS_IMPLS(path, isa_, note_, fn, pp)                                          \
    LX_IMPL_XTS(path, "aes-128-xts", isa_, note_, fn, pp),                               \
        LX_IMPL_XTS(path, "aes-256-xts", isa_, note_, fn, pp)

/* ---- the plugin ----------------------------------------------------------
 * `plugin` over impls[] and aeslab_plugin_entry(), which fills in once
 * code_bytes (from path_syms[] and the series' lx_syms[]) and needs. */
#define LX_PLUGIN()                                                                      \
    static aeslab_plugin plugin = {AESLAB_ABI_VERSION, LIB, NULL,                        \
                                   sizeof impls / sizeof impls[0], impls};               \
    AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)                         \
    {                                                                                    \
        static int done;                                                                 \
        if (!done) {                                                                     \
            lx_fill_code_bytes(impls, plugin.n_impls, path_syms,                         \
                               sizeof path_syms / sizeof path_syms[0], lx_syms);         \
            lx_fill_needs(impls, plugin.n_impls);                                        \
            done = 1;                                                                    \
        }                                                                                \
        return &plugin;                                                                  \
    }

#endif /* AESLAB_LINUX_GLUE_COMMON_H */
