/*
 * ipsecmb_plugin.c - intel-ipsec-mb's AES-GCM behind the aeslab ABI, one
 * implementation per architecture the library can be initialised for.
 *
 * The library (Debian libipsec-mb-dev, linked statically, every symbol
 * hidden) chooses its code through a manager: alloc_mb_mgr() then
 * init_mb_mgr_{sse,avx,avx2,avx512}() fills a table of function pointers
 * for that architecture.  Each row here is one such manager, called through
 * its direct GCM API (the IMB_AES*_GCM_* macros), as an application doing
 * single-buffer GCM would; the job API would add a submit/flush round trip
 * around the very same functions:
 *     key setup, once:  IMB_AES<n>_GCM_PRE(mgr, key, &key_data)
 *                       (round keys and the powers of H)
 *     per message:      IMB_AES<n>_GCM_ENC / _DEC(mgr, &key_data, &ctx,
 *                            out, in, len, iv, aad, aad_len, tag, 16)
 *     open:             the computed tag is compared here in constant time
 *                       and the plaintext wiped on a mismatch.
 * On a CPU with VAES and VPCLMULQDQ, init_mb_mgr_avx512() selects the
 * library's VAES code (aes_gcm_*_vaes_avx512, 48 blocks of hash-key powers)
 * rather than its AVX-512 "by8" code: that VAES code is the Intel-derived
 * AVX-512 GCM the seeds compare Linux's vaes_avx10 with (it stands in for the
 * never-merged 2021 Linux proposal).  The by8 AVX-512 code is still in the
 * library and is exposed as ipsec-mb/avx512-novaes by calling its entry
 * points directly (the ones init_mb_mgr_avx512() picks on an AVX-512 CPU
 * without VAES; the library exports them but its header does not declare
 * them, so they are declared below).
 *
 * intel-ipsec-mb 1.3 has no AES-XTS (its AES modes are ECB, CBC, CTR,
 * CFB, DOCSIS, GCM, CCM, CMAC, XCBC, GMAC), so there are only GCM rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "aeslab_abi.h"

/* By8 AVX-512 (no VAES) entry points: exported by libIPSec_MB, absent from
 * its header; same signatures as the _sse/_avx_gen4 ones it declares. */
#define NOVAES_PROTOS(n)                                                                 \
    void aes_gcm_pre_##n##_avx512(const void *key, struct gcm_key_data *key_data);       \
    void aes_gcm_enc_##n##_avx512(const struct gcm_key_data *key_data,                   \
                                  struct gcm_context_data *ctx, uint8_t *out,            \
                                  const uint8_t *in, uint64_t len, const uint8_t *iv,    \
                                  const uint8_t *aad, uint64_t aad_len, uint8_t *tag,    \
                                  uint64_t tag_len);                                     \
    void aes_gcm_dec_##n##_avx512(const struct gcm_key_data *key_data,                   \
                                  struct gcm_context_data *ctx, uint8_t *out,            \
                                  const uint8_t *in, uint64_t len, const uint8_t *iv,    \
                                  const uint8_t *aad, uint64_t aad_len, uint8_t *tag,    \
                                  uint64_t tag_len);
NOVAES_PROTOS(128)
NOVAES_PROTOS(192)
NOVAES_PROTOS(256)

/* The VAES entry points, only to name what a manager picked. */
void aes_gcm_enc_256_vaes_avx512(const struct gcm_key_data *, struct gcm_context_data *,
                                 uint8_t *, const uint8_t *, uint64_t, const uint8_t *,
                                 const uint8_t *, uint64_t, uint8_t *, uint64_t);
void aes_gcm_enc_256_avx512(const struct gcm_key_data *, struct gcm_context_data *,
                            uint8_t *, const uint8_t *, uint64_t, const uint8_t *,
                            const uint8_t *, uint64_t, uint8_t *, uint64_t);

enum arch { A_SSE, A_AVX, A_AVX2, A_AVX512, A_AVX512_NOVAES, A_N };

static const uint64_t arch_needs[A_N] = {
    [A_SSE] = IMB_CPUFLAGS_SSE,
    [A_AVX] = IMB_CPUFLAGS_AVX,
    [A_AVX2] = IMB_CPUFLAGS_AVX2,
    [A_AVX512] = IMB_CPUFLAGS_AVX512,
    [A_AVX512_NOVAES] = IMB_CPUFLAGS_AVX512,
};

/* One manager per architecture, made on first use. */
static IMB_MGR *mgrs[A_N];

static IMB_MGR *mgr_of(enum arch a)
{
    if (a == A_AVX512_NOVAES)
        a = A_AVX512; /* for its supported() check only */
    if (mgrs[a])
        return mgrs[a];
    if ((imb_get_feature_flags() & arch_needs[a]) != arch_needs[a])
        return NULL;
    IMB_MGR *m = alloc_mb_mgr(0);
    if (!m)
        return NULL;
    switch (a) {
    case A_SSE: init_mb_mgr_sse(m); break;
    case A_AVX: init_mb_mgr_avx(m); break;
    case A_AVX2: init_mb_mgr_avx2(m); break;
    default: init_mb_mgr_avx512(m); break;
    }
    if (imb_get_errno(m) != 0) {
        free_mb_mgr(m);
        return NULL;
    }
    return mgrs[a] = m;
}

struct path {
    enum arch arch;
    unsigned key_bytes; /* 16, 24, 32 */
};

static int supported(const aeslab_impl *self)
{
    return mgr_of(((const struct path *)self->priv)->arch) != NULL;
}

struct key {
    struct gcm_key_data kd; /* first: 64-byte aligned allocation */
    IMB_MGR *mgr;
    const struct path *p;
};

static void *key_new(const aeslab_impl *self, const uint8_t *raw, size_t key_len)
{
    const struct path *p = self->priv;
    IMB_MGR *m = mgr_of(p->arch);
    if (!m || key_len != p->key_bytes)
        return NULL;
    struct key *k = aligned_alloc(64, (sizeof *k + 63) & ~(size_t)63);
    if (!k)
        return NULL;
    memset(k, 0, sizeof *k);
    k->mgr = m;
    k->p = p;
    if (p->arch == A_AVX512_NOVAES) {
        switch (key_len) {
        case 16: aes_gcm_pre_128_avx512(raw, &k->kd); break;
        case 24: aes_gcm_pre_192_avx512(raw, &k->kd); break;
        default: aes_gcm_pre_256_avx512(raw, &k->kd); break;
        }
    } else {
        switch (key_len) {
        case 16: IMB_AES128_GCM_PRE(m, raw, &k->kd); break;
        case 24: IMB_AES192_GCM_PRE(m, raw, &k->kd); break;
        default: IMB_AES256_GCM_PRE(m, raw, &k->kd); break;
        }
    }
    return k;
}

static void wipe(void *p, size_t n)
{
    if (!n)
        return;
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

static void key_free(void *key)
{
    if (key)
        wipe(key, sizeof(struct key));
    free(key);
}

static void gcm(struct key *k, int enc, const uint8_t iv[12], const uint8_t *aad,
                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    struct gcm_context_data ctx;
    IMB_MGR *m = k->mgr;
    if (k->p->arch == A_AVX512_NOVAES) {
        void (*f)(const struct gcm_key_data *, struct gcm_context_data *, uint8_t *,
                  const uint8_t *, uint64_t, const uint8_t *, const uint8_t *, uint64_t,
                  uint8_t *, uint64_t);
        switch (k->p->key_bytes) {
        case 16: f = enc ? aes_gcm_enc_128_avx512 : aes_gcm_dec_128_avx512; break;
        case 24: f = enc ? aes_gcm_enc_192_avx512 : aes_gcm_dec_192_avx512; break;
        default: f = enc ? aes_gcm_enc_256_avx512 : aes_gcm_dec_256_avx512; break;
        }
        f(&k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16);
    } else if (enc) {
        switch (k->p->key_bytes) {
        case 16: IMB_AES128_GCM_ENC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        case 24: IMB_AES192_GCM_ENC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        default: IMB_AES256_GCM_ENC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        }
    } else {
        switch (k->p->key_bytes) {
        case 16: IMB_AES128_GCM_DEC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        case 24: IMB_AES192_GCM_DEC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        default: IMB_AES256_GCM_DEC(m, &k->kd, &ctx, out, in, len, iv, aad, aad_len, tag, 16); break;
        }
    }
    wipe(&ctx, sizeof ctx);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    gcm(key, 1, iv, aad, aad_len, in, len, out, tag);
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    uint8_t computed[16], d = 0;
    gcm(key, 0, iv, aad, aad_len, in, len, out, computed);
    for (int i = 0; i < 16; i++)
        d |= computed[i] ^ tag[i];
    wipe(computed, sizeof computed);
    if (d) { /* not secret-dependent timing: d is the public verdict */
        wipe(out, len);
        return AESLAB_ETAG;
    }
    return AESLAB_OK;
}

/* ---- the implementations ------------------------------------------------ */

#define P3(a) {a, 16}, {a, 24}, {a, 32}
static const struct path paths[] = {P3(A_SSE), P3(A_AVX), P3(A_AVX2), P3(A_AVX512),
                                    P3(A_AVX512_NOVAES)};

#define NOTE_MGR "direct GCM API of an IMB_MGR made by init_mb_mgr_"
/* What each IMB_CPUFLAGS_* set asks of the CPU (AVX512_SKX: F, DQ, CD, BW, VL). */
#define NEEDS_SSE "aes pclmul sse4.2"
#define NEEDS_AVX NEEDS_SSE " avx"
#define NEEDS_AVX2 NEEDS_AVX " avx2 bmi2"
#define NEEDS_AVX512 NEEDS_AVX2 " avx512f avx512dq avx512cd avx512bw avx512vl"
#define IMPL(path_, isa_, needs_, note_, idx, alg_)                                      \
    {.name = "ipsec-mb/" path_, .library = "ipsec-mb", .alg = alg_, .isa = isa_,         \
     .needs = needs_,                                                                    \
     .note = note_, .priv = &paths[idx], .supported = supported, .key_new = key_new,       \
     .key_free = key_free, .gcm_seal = gcm_seal, .gcm_open = gcm_open}
#define IMPLS(path_, isa_, needs_, note_, base)                                          \
    IMPL(path_, isa_, needs_, note_, base, "aes-128-gcm"),                               \
        IMPL(path_, isa_, needs_, note_, base + 1, "aes-192-gcm"),                       \
        IMPL(path_, isa_, needs_, note_, base + 2, "aes-256-gcm")

static aeslab_impl impls[] = {
    IMPLS("avx512", "vaes512", NEEDS_AVX512, NOTE_MGR "avx512 (VAES by48 code when the CPU has VAES)", 9),
    IMPLS("avx512-novaes", "avx512", NEEDS_AVX512,
          "aes_gcm_*_avx512 called directly: the by8 AVX-512 code init_mb_mgr_avx512 "
          "picks on CPUs without VAES", 12),
    IMPLS("avx2", "aesni-avx2", NEEDS_AVX2, NOTE_MGR "avx2 (avx_gen4 code)", 6),
    IMPLS("avx", "aesni-avx", NEEDS_AVX, NOTE_MGR "avx (avx_gen2 code)", 3),
    IMPLS("sse", "aesni", NEEDS_SSE, NOTE_MGR "sse", 0),
};

static aeslab_plugin plugin = {AESLAB_ABI_VERSION, "ipsec-mb", NULL,
                               sizeof impls / sizeof impls[0], impls};

/* .text bytes of each library object, generated at build time from
 * `size -A` on libIPSec_MB.a (see plugin.mk).  The library's assembly has
 * no symbol sizes, so a path's code size is that of the object holding its
 * one-shot GCM API for the key size: an upper bound that includes the
 * key setup and everything else assembled from the same macros. */
static const struct {
    const char *object;
    size_t bytes;
} objsizes[] = {
#include "ipsecmb-objsizes.inc"
    {NULL, 0}};

static size_t code_bytes_of(const char *isa, unsigned key_bytes)
{
    const char *fmt = !strcmp(isa, "vaes512")    ? "aes%u_gcm_by48_api_vaes_avx512.o"
                      : !strcmp(isa, "avx512")     ? "aes%u_gcm_by8_avx512.o"
                      : !strcmp(isa, "aesni-avx2") ? "aes%u_gcm_by8_avx2.o"
                      : !strcmp(isa, "aesni-avx")  ? "aes%u_gcm_by8_avx.o"
                                                   : "gcm%u_api_by8_sse.o";
    char name[64];
    snprintf(name, sizeof name, fmt, key_bytes * 8);
    for (size_t i = 0; objsizes[i].object; i++)
        if (!strcmp(objsizes[i].object, name))
            return objsizes[i].bytes;
    return 0;
}

#ifndef IPSECMB_DEB_VERSION
#define IPSECMB_DEB_VERSION "?"
#endif

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    static char version[64];
    /* Make every manager now, single-threaded, so that threads calling
     * key_new later only read them. */
    for (int a = 0; a < A_N; a++)
        mgr_of((enum arch)a);
    snprintf(version, sizeof version, "%s (Debian %s)", imb_get_version_str(),
             IPSECMB_DEB_VERSION);
    for (size_t i = 0; i < plugin.n_impls; i++) {
        impls[i].version = version;
        /* Say which code the avx512 manager really took on this CPU. */
        if (!strcmp(impls[i].name, "ipsec-mb/avx512")) {
            IMB_MGR *m = mgr_of(A_AVX512);
            if (m && m->gcm256_enc == aes_gcm_enc_256_avx512)
                impls[i].isa = "avx512";
        }
        impls[i].code_bytes =
            code_bytes_of(impls[i].isa, ((const struct path *)impls[i].priv)->key_bytes);
    }
    return &plugin;
}
