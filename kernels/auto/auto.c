/*
 * auto.c - own/auto: the best own kernel for this CPU and message length.
 *
 * The choice of ISA is made once per process (CPUID does not change) and
 * stored in the key context; the choice by length is one compare.  On the
 * VAES paths the chosen kernel is called directly - no function pointer
 * between the plugin's call and the kernel's code - and the context is the
 * VAES kernels' shared layout (vaes_ctx.h), so one key set-up serves the
 * fused kernel and the bulk kernel alike and a message never re-derives
 * anything.  CPUs without VAES go through the aesni or portable kernel's
 * own table.
 *
 * GCM, this CPU family first:
 *   AVX-512 + VAES      len <= AUTO_FUSED_MAX: fused (one pass, one
 *                       reduction); longer: vaes512 (16 KiB-class bulk
 *                       loop).  seal_hp: fused at every length.
 *   AVX2 + VAES         vaes256
 *   AES-NI + PCLMULQDQ  aesni
 *   otherwise           portable
 * XTS: vaes512, else vaes256, else aesni, else portable, at every length.
 *
 * Other architectures: the first kernel of kernel_list.c's order among the
 * arm64 ones whose cpu_ok() holds, else portable, through its table (see the
 * end of this file).
 *
 * AUTO_FUSED_MAX was set from `aesbench run` on Zen 4 (see the report in
 * results/): the single pass wins while its straight-line schedule and the
 * saved reductions outweigh the bulk loop's better AES/GHASH pipe balance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "own_kernel.h"

#if defined(__x86_64__)
#include "../x86/common/x86_aes.h"
#include "../x86/vaes256/vaes_ctx.h"
#include "../x86/vaes256/gcm256.h"
#include "../x86/vaes512/gcm512.h"
#include "../x86/fused/fused.h"

#ifndef AUTO_FUSED_MAX
#define AUTO_FUSED_MAX 511
#endif

extern const own_kernel own_kernel_aesni __attribute__((weak));
extern const own_kernel own_kernel_portable __attribute__((weak));

enum { P_PORTABLE, P_AESNI, P_VAES256, P_VAES512 };

/* The first 64 bytes of an auto context; the chosen kernel's context
 * follows, 64-byte aligned. */
typedef struct {
    int path;
    const own_kernel *k; /* P_AESNI / P_PORTABLE: the kernel's table */
} auto_hdr;

#define AUTO_HDR 64
#define AUTO_ROOM 4096 /* >= every candidate's context (checked at init) */
_Static_assert(sizeof(auto_hdr) <= AUTO_HDR, "header");
_Static_assert(sizeof(vaes_gcm_ctx) <= AUTO_ROOM && sizeof(vaes_xts_ctx) <= AUTO_ROOM, "room");

static int cpu_path(void)
{
    if (own_x86_cpu_vaes512())
        return P_VAES512;
    if (own_x86_cpu_vaes256())
        return P_VAES256;
    if (&own_kernel_aesni && own_x86_cpu_aesni())
        return P_AESNI;
    return P_PORTABLE;
}

static void *kctx(void *ctx)
{
    return (uint8_t *)ctx + AUTO_HDR;
}

static const void *kctxc(const void *ctx)
{
    return (const uint8_t *)ctx + AUTO_HDR;
}

static const own_kernel *table_for(int path, int xts)
{
    const own_kernel *k = path == P_AESNI ? &own_kernel_aesni : &own_kernel_portable;
    size_t need = xts ? k->xts_ctx_bytes : k->gcm_ctx_bytes;
    if (need > AUTO_ROOM) {
        /* A layout change that outgrew the room is a build bug, not a
         * run-time condition to recover from. */
        fprintf(stderr, "own/auto: kernel %s needs %zu context bytes > %d\n", k->name, need,
                AUTO_ROOM);
        abort();
    }
    return k;
}

static void auto_gcm_init(void *ctx, const uint8_t *key, size_t key_len)
{
    auto_hdr *h = ctx;
    h->path = cpu_path();
    h->k = NULL;
    if (h->path >= P_VAES256) {
        own_vaes_gcm_init(kctx(ctx), key, key_len);
    } else {
        h->k = table_for(h->path, 0);
        h->k->gcm_init(kctx(ctx), key, key_len);
    }
}

static void auto_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len)
{
    auto_hdr *h = ctx;
    if (h->path >= P_VAES256)
        own_vaes_gcm_hp_init(kctx(ctx), hp_key, key_len);
    else
        h->k->gcm_hp_init(kctx(ctx), hp_key, key_len);
}

static void auto_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                          uint8_t tag[16])
{
    const auto_hdr *h = ctx;
    if (h->path == P_VAES512) {
        if (len <= AUTO_FUSED_MAX)
            own_fused_gcm_seal(kctxc(ctx), iv, aad, aad_len, in, len, out, tag);
        else
            own_v512_gcm_seal(kctxc(ctx), iv, aad, aad_len, in, len, out, tag);
    } else if (h->path == P_VAES256) {
        own_v256_gcm_seal(kctxc(ctx), iv, aad, aad_len, in, len, out, tag);
    } else {
        h->k->gcm_seal(kctxc(ctx), iv, aad, aad_len, in, len, out, tag);
    }
}

static int auto_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                         uint8_t *out)
{
    const auto_hdr *h = ctx;
    if (h->path == P_VAES512) {
        if (len <= AUTO_FUSED_MAX)
            return own_fused_gcm_open(kctxc(ctx), iv, aad, aad_len, in, len, tag, out);
        return own_v512_gcm_open(kctxc(ctx), iv, aad, aad_len, in, len, tag, out);
    }
    if (h->path == P_VAES256)
        return own_v256_gcm_open(kctxc(ctx), iv, aad, aad_len, in, len, tag, out);
    return h->k->gcm_open(kctxc(ctx), iv, aad, aad_len, in, len, tag, out);
}

static void auto_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                             size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const auto_hdr *h = ctx;
    if (h->path == P_VAES512)
        own_fused_gcm_seal_hp(kctxc(ctx), iv, aad, aad_len, in, len, out, tag, sample, mask);
    else if (h->path == P_VAES256)
        own_v256_gcm_seal_hp(kctxc(ctx), iv, aad, aad_len, in, len, out, tag, sample, mask);
    else
        h->k->gcm_seal_hp(kctxc(ctx), iv, aad, aad_len, in, len, out, tag, sample, mask);
}

static void auto_xts_init(void *ctx, const uint8_t *key, size_t key_len)
{
    auto_hdr *h = ctx;
    h->path = cpu_path();
    h->k = NULL;
    if (h->path >= P_VAES256) {
        own_vaes_xts_init(kctx(ctx), key, key_len);
    } else {
        h->k = table_for(h->path, 1);
        h->k->xts_init(kctx(ctx), key, key_len);
    }
}

static void auto_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                             size_t len, uint8_t *out)
{
    const auto_hdr *h = ctx;
    if (h->path == P_VAES512)
        own_v512_xts_encrypt(kctxc(ctx), tweak, in, len, out);
    else if (h->path == P_VAES256)
        own_v256_xts_encrypt(kctxc(ctx), tweak, in, len, out);
    else
        h->k->xts_encrypt(kctxc(ctx), tweak, in, len, out);
}

static void auto_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                             size_t len, uint8_t *out)
{
    const auto_hdr *h = ctx;
    if (h->path == P_VAES512)
        own_v512_xts_decrypt(kctxc(ctx), tweak, in, len, out);
    else if (h->path == P_VAES256)
        own_v256_xts_decrypt(kctxc(ctx), tweak, in, len, out);
    else
        h->k->xts_decrypt(kctxc(ctx), tweak, in, len, out);
}

#define STR_(x) #x
#define STR(x) STR_(x)

static const char *auto_describe(const char *alg)
{
    int xts = alg && strstr(alg, "xts") != NULL;
    switch (cpu_path()) {
    case P_VAES512:
        return xts ? "vaes512 at every length (this CPU: AVX-512 + VAES)"
                   : "len<=" STR(AUTO_FUSED_MAX) ": fused; else vaes512; seal-hp: fused "
                     "(this CPU: AVX-512 + VAES)";
    case P_VAES256:
        return "vaes256 at every length (this CPU: AVX2 + VAES, no AVX-512)";
    case P_AESNI:
        return "aesni at every length (this CPU: AES-NI, no VAES)";
    default:
        return "portable at every length (this CPU: no AES-NI)";
    }
}


#else /* !__x86_64__ */

/* Best first; absent kernels are NULL weak references. */
extern const own_kernel own_kernel_armv8_ce_eor3 __attribute__((weak));
extern const own_kernel own_kernel_armv8_ce __attribute__((weak));
extern const own_kernel own_kernel_portable __attribute__((weak));

typedef struct {
    const own_kernel *k;
} auto_hdr;

#define AUTO_HDR 64
#define AUTO_ROOM 4096

static const own_kernel *pick(int xts)
{
    /* armv8-ce-u4 is not a candidate: it is the unroll-by-4 baseline kept
     * for the seeds' comparison, not a better choice anywhere we know. */
    const own_kernel *c[] = {&own_kernel_armv8_ce_eor3, &own_kernel_armv8_ce,
                             &own_kernel_portable};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const own_kernel *k = c[i];
        if (!k || (k->cpu_ok && !k->cpu_ok()))
            continue;
        if ((xts ? k->xts_ctx_bytes : k->gcm_ctx_bytes) > AUTO_ROOM)
            continue;
        if (xts ? !k->xts_init : !k->gcm_init)
            continue;
        return k;
    }
    abort();
}

#define K(ctx) (((const auto_hdr *)(ctx))->k)
#define KC(ctx) ((const uint8_t *)(ctx) + AUTO_HDR)

static void auto_gcm_init(void *ctx, const uint8_t *key, size_t key_len)
{
    ((auto_hdr *)ctx)->k = pick(0);
    K(ctx)->gcm_init((uint8_t *)ctx + AUTO_HDR, key, key_len);
}

static void auto_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len)
{
    K(ctx)->gcm_hp_init((uint8_t *)ctx + AUTO_HDR, hp_key, key_len);
}

static void auto_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                          uint8_t tag[16])
{
    K(ctx)->gcm_seal(KC(ctx), iv, aad, aad_len, in, len, out, tag);
}

static int auto_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                         uint8_t *out)
{
    return K(ctx)->gcm_open(KC(ctx), iv, aad, aad_len, in, len, tag, out);
}

static void auto_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                             size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    K(ctx)->gcm_seal_hp(KC(ctx), iv, aad, aad_len, in, len, out, tag, sample, mask);
}

static void auto_xts_init(void *ctx, const uint8_t *key, size_t key_len)
{
    ((auto_hdr *)ctx)->k = pick(1);
    K(ctx)->xts_init((uint8_t *)ctx + AUTO_HDR, key, key_len);
}

static void auto_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                             size_t len, uint8_t *out)
{
    K(ctx)->xts_encrypt(KC(ctx), tweak, in, len, out);
}

static void auto_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                             size_t len, uint8_t *out)
{
    K(ctx)->xts_decrypt(KC(ctx), tweak, in, len, out);
}

static const char *auto_describe(const char *alg)
{
    static char buf[96];
    const own_kernel *k = pick(alg && strstr(alg, "xts") != NULL);
    snprintf(buf, sizeof buf, "%s at every length (this CPU)", k->name);
    return buf;
}

#endif /* __x86_64__ */

const own_kernel own_kernel_auto = {
    .name = "auto",
    .isa = "auto",
    .cpu_ok = NULL,
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = AUTO_HDR + AUTO_ROOM,
    .gcm_init = auto_gcm_init,
    .gcm_seal = auto_gcm_seal,
    .gcm_open = auto_gcm_open,
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = AUTO_HDR + AUTO_ROOM,
    .xts_init = auto_xts_init,
    .xts_encrypt = auto_xts_encrypt,
    .xts_decrypt = auto_xts_decrypt,
    .gcm_hp_init = auto_gcm_hp_init,
    .gcm_seal_hp = auto_gcm_seal_hp,
    .describe = auto_describe,
};
