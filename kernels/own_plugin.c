/*
 * own_plugin.c - the project's own kernels as one aeslab plugin.
 *
 * Every kernel in kernel_list.c becomes one aeslab_impl per algorithm it
 * supports, named own/<kernel>.  This file is the only place where the
 * kernel shape (own_kernel.h) meets the harness ABI (aeslab_abi.h): it owns
 * allocation, argument checks and the AESLAB_* return codes, so kernels stay
 * pure functions over their contexts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeslab_abi.h"
#include "own_kernel.h"

#ifndef AESLAB_OWN_VERSION
#define AESLAB_OWN_VERSION "unknown"
#endif

extern const own_kernel *const own_kernel_candidates[];
extern const unsigned own_kernel_n_candidates;

struct own_codesize { const char *kernel; size_t bytes; };
extern const struct own_codesize own_codesizes[];

#define MAX_IMPLS 64

static const struct {
    const char *name;
    int xts;
    size_t key_len; /* full key length passed to key_new */
    unsigned keymask;
} algs[] = {
    {"aes-128-gcm", 0, 16, OWN_K128}, {"aes-192-gcm", 0, 24, OWN_K192},
    {"aes-256-gcm", 0, 32, OWN_K256}, {"aes-128-xts", 1, 32, OWN_K128},
    {"aes-256-xts", 1, 64, OWN_K256},
};

/* What the harness hands back to us as `void *key`. */
struct own_key {
    const own_kernel *k;
    size_t key_len;
    int xts;
    void *ctx; /* points into the same allocation, OWN_CTX_ALIGN aligned */
};

struct own_stream {
    const own_kernel *k;
    void *st;
};

static int impl_supported(const aeslab_impl *self)
{
    const own_kernel *k = self->priv;
    return k->cpu_ok == NULL || k->cpu_ok();
}

static void *key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const own_kernel *k = self->priv;
    int xts = self->gcm_seal == NULL;
    size_t want = 0;
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (strcmp(algs[i].name, self->alg) == 0)
            want = algs[i].key_len;
    if (key_len != want)
        return NULL;
    size_t ctx_bytes = xts ? k->xts_ctx_bytes : k->gcm_ctx_bytes;
    size_t head = (sizeof(struct own_key) + OWN_CTX_ALIGN - 1) & ~(size_t)(OWN_CTX_ALIGN - 1);
    void *mem = NULL;
    if (posix_memalign(&mem, OWN_CTX_ALIGN, head + ctx_bytes) != 0)
        return NULL;
    memset(mem, 0, head + ctx_bytes);
    struct own_key *ok = mem;
    ok->k = k;
    ok->key_len = key_len;
    ok->xts = xts;
    ok->ctx = (uint8_t *)mem + head;
    if (xts)
        k->xts_init(ok->ctx, key, key_len);
    else
        k->gcm_init(ok->ctx, key, key_len);
    return ok;
}

static void key_free(void *key)
{
    struct own_key *ok = key;
    if (!ok)
        return;
    own_wipe(ok->ctx, ok->xts ? ok->k->xts_ctx_bytes : ok->k->gcm_ctx_bytes);
    free(ok);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    struct own_key *ok = key;
    ok->k->gcm_seal(ok->ctx, iv, aad, aad_len, in, len, out, tag);
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    struct own_key *ok = key;
    return ok->k->gcm_open(ok->ctx, iv, aad, aad_len, in, len, tag, out) ? AESLAB_ETAG
                                                                          : AESLAB_OK;
}

static int xts_encrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                       uint8_t *out)
{
    struct own_key *ok = key;
    if (len < 16)
        return AESLAB_EINVAL;
    ok->k->xts_encrypt(ok->ctx, tweak, in, len, out);
    return AESLAB_OK;
}

static int xts_decrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                       uint8_t *out)
{
    struct own_key *ok = key;
    if (len < 16)
        return AESLAB_EINVAL;
    ok->k->xts_decrypt(ok->ctx, tweak, in, len, out);
    return AESLAB_OK;
}

static aeslab_stream *stream_begin(void *key, int encrypt, const uint8_t iv[12],
                                   const uint8_t *aad, size_t aad_len)
{
    struct own_key *ok = key;
    void *mem = NULL;
    size_t head = (sizeof(struct own_stream) + OWN_CTX_ALIGN - 1) & ~(size_t)(OWN_CTX_ALIGN - 1);
    if (posix_memalign(&mem, OWN_CTX_ALIGN, head + ok->k->gcm_stream_bytes) != 0)
        return NULL;
    struct own_stream *s = mem;
    s->k = ok->k;
    s->st = (uint8_t *)mem + head;
    ok->k->gcm_stream_init(s->st, ok->ctx, encrypt, iv, aad, aad_len);
    return (aeslab_stream *)s;
}

static int stream_update(aeslab_stream *st, const uint8_t *in, size_t len, uint8_t *out)
{
    struct own_stream *s = (struct own_stream *)st;
    s->k->gcm_stream_update(s->st, in, len, out);
    return AESLAB_OK;
}

static int stream_end(aeslab_stream *st, uint8_t tag[16])
{
    struct own_stream *s = (struct own_stream *)st;
    int bad = s->k->gcm_stream_final(s->st, tag);
    own_wipe(s->st, s->k->gcm_stream_bytes);
    free(s);
    return bad ? AESLAB_ETAG : AESLAB_OK;
}

static int hp_init(void *key, const uint8_t *hp_key, size_t hp_key_len)
{
    struct own_key *ok = key;
    if (hp_key_len != ok->key_len)
        return AESLAB_EINVAL;
    ok->k->gcm_hp_init(ok->ctx, hp_key, hp_key_len);
    return AESLAB_OK;
}

static int gcm_seal_hp(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                       const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16],
                       const uint8_t sample[16], uint8_t mask[16])
{
    struct own_key *ok = key;
    ok->k->gcm_seal_hp(ok->ctx, iv, aad, aad_len, in, len, out, tag, sample, mask);
    return AESLAB_OK;
}

static aeslab_impl impls[MAX_IMPLS];
static char names[MAX_IMPLS][48];
static char notes[MAX_IMPLS][256];
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, "own", NULL, 0, impls};

static size_t code_bytes_of(const own_kernel *k)
{
    for (const struct own_codesize *c = own_codesizes; c->kernel; c++)
        if (strcmp(c->kernel, k->name) == 0) /* folder name == kernel name */
            return c->bytes;
    return 0;
}

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    if (plugin.n_impls)
        return &plugin;
    size_t n = 0;
    for (unsigned i = 0; i < own_kernel_n_candidates; i++) {
        const own_kernel *k = own_kernel_candidates[i];
        if (!k)
            continue;
        for (size_t a = 0; a < sizeof algs / sizeof algs[0] && n < MAX_IMPLS; a++) {
            unsigned mask = algs[a].xts ? k->xts_keys : k->gcm_keys;
            if (!(mask & algs[a].keymask))
                continue;
            aeslab_impl *im = &impls[n];
            snprintf(names[n], sizeof names[n], "own/%s", k->name);
            im->name = names[n];
            im->library = "own";
            im->version = AESLAB_OWN_VERSION;
            im->alg = algs[a].name;
            im->isa = k->isa;
            if (k->describe) {
                snprintf(notes[n], sizeof notes[n], "%s", k->describe(algs[a].name));
                im->note = notes[n];
            }
            im->code_bytes = code_bytes_of(k);
            im->priv = k;
            im->supported = impl_supported;
            im->needs = k->needs;
            im->key_new = key_new;
            im->key_free = key_free;
            if (algs[a].xts) {
                im->xts_encrypt = xts_encrypt;
                im->xts_decrypt = xts_decrypt;
            } else {
                im->gcm_seal = gcm_seal;
                im->gcm_open = gcm_open;
                if (k->gcm_stream_init) {
                    im->stream_begin = stream_begin;
                    im->stream_update = stream_update;
                    im->stream_end = stream_end;
                }
                if (k->gcm_seal_hp) {
                    im->hp_init = hp_init;
                    im->gcm_seal_hp = gcm_seal_hp;
                }
            }
            n++;
        }
    }
    plugin.n_impls = n;
    return &plugin;
}
