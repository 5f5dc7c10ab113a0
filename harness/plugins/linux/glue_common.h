/*
 * glue_common.h - what the Linux-derived plugins' glue shares: small
 * helpers, the CPU-feature record behind supported(), the code_bytes
 * lookup, and the per-message calling sequence of the GCM and XTS assembly
 * that 6.11 introduced and later series keep (glue_612.c, glue_72.c).
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
    const char *syms[16];
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

#define LX_XTS_PATH(sfx)                                                                 \
    static int xts_enc_##sfx(void *key, const uint8_t tweak[16], const uint8_t *in,      \
                             size_t len, uint8_t *out)                                   \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        uint8_t t[16];                                                                   \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        memcpy(t, tweak, 16);                                                            \
        aes_xts_encrypt_iv(&k->tweak, t);                                                \
        aes_xts_encrypt_##sfx(&k->crypt, in, out, (int)len, t);                          \
        return AESLAB_OK;                                                                \
    }                                                                                    \
    static int xts_dec_##sfx(void *key, const uint8_t tweak[16], const uint8_t *in,      \
                             size_t len, uint8_t *out)                                   \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        uint8_t t[16];                                                                   \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        memcpy(t, tweak, 16);                                                            \
        aes_xts_encrypt_iv(&k->tweak, t);                                                \
        aes_xts_decrypt_##sfx(&k->crypt, in, out, (int)len, t);                          \
        return AESLAB_OK;                                                                \
    }

static inline void lx_xts_key_free(void *key)
{
    if (key)
        lx_wipe(key, sizeof(struct lx_xts_key));
    free(key);
}

/* Symbol lists for lx_path_syms. */
/* The functions of a GCM or XTS path; `keys` names the key-setup
 * functions the glue calls (a macro of one or more strings). */
#define LX_GCM_SYMS(keys, upd, tail)                                                     \
    {keys, "aes_gcm_precompute_" #upd, "aes_gcm_aad_update_" #tail,                      \
     "aes_gcm_enc_update_" #upd, "aes_gcm_dec_update_" #upd, "aes_gcm_enc_final_" #tail,  \
     "aes_gcm_dec_final_" #tail, NULL}
#define LX_XTS_SYMS(keys, sfx)                                                           \
    {keys, "aes_xts_encrypt_iv", "aes_xts_encrypt_" #sfx, "aes_xts_decrypt_" #sfx, NULL}

/* ---- implementation rows -------------------------------------------------
 * The including file defines LIB (the plugin name), LINUX_PKG_VERSION,
 * NOTE_GCM, gcm_key_new() and xts_key_new(). */
#define LX_GCM_IMPL(path, alg_, isa_, fn, freefn, pp)                                    \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = NOTE_GCM, .priv = &pp, .supported = lx_supported,               \
     .key_new = gcm_key_new, .key_free = freefn, .gcm_seal = gcm_seal_##fn,               \
     .gcm_open = gcm_open_##fn}
#define LX_GCM_IMPLS(path, isa_, fn, freefn, pp)                                         \
    LX_GCM_IMPL(path, "aes-128-gcm", isa_, fn, freefn, pp),                              \
        LX_GCM_IMPL(path, "aes-192-gcm", isa_, fn, freefn, pp),                          \
        LX_GCM_IMPL(path, "aes-256-gcm", isa_, fn, freefn, pp)

#define LX_XTS_IMPL(path, alg_, isa_, note_, fn, pp)                                     \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = note_, .priv = &pp, .supported = lx_supported,                  \
     .key_new = xts_key_new, .key_free = lx_xts_key_free, .xts_encrypt = xts_enc_##fn,    \
     .xts_decrypt = xts_dec_##fn}
#define LX_XTS_IMPLS(path, isa_, note_, fn, pp)                                          \
    LX_XTS_IMPL(path, "aes-128-xts", isa_, note_, fn, pp),                               \
        LX_XTS_IMPL(path, "aes-256-xts", isa_, note_, fn, pp)

#endif /* AESLAB_LINUX_GLUE_COMMON_H */
