/*
 * null_plugin.c - lab/null: an implementation of every algorithm that does
 * nothing, so the lab can state its own floor.
 *
 * Every figure at 16 bytes includes the call through the plugin ABI (an
 * indirect call into another shared object), the harness's per-message IV
 * bump and its loop.  lab/null goes through exactly that path and returns,
 * so its ns per message is the part of every other figure that is the
 * harness's, not the implementation's.  `aesbench run` measures it beside
 * whatever it times and prints the floor under its tables; reports quote it
 * as a share of each 16-byte figure.
 *
 * It is never a result: verification reports it as "baseline" (it cannot
 * pass a known-answer test), and the reports keep it out of every ranking.
 * The output buffer is left untouched, as the cheapest honest "nothing".
 */
#include <stdlib.h>

#include "aeslab_abi.h"

static void *key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    (void)self, (void)key, (void)key_len;
    return malloc(1);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    (void)key, (void)iv, (void)aad, (void)aad_len, (void)in, (void)len, (void)out, (void)tag;
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    (void)key, (void)iv, (void)aad, (void)aad_len, (void)in, (void)len, (void)out, (void)tag;
    return AESLAB_OK;
}

static int xts_crypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                     uint8_t *out)
{
    (void)key, (void)tweak, (void)in, (void)len, (void)out;
    return AESLAB_OK;
}

#define NOTE "does nothing: the harness's own cost per message (ABI call, IV bump, loop); " \
             "a baseline, never verified and never a result"
#define GCM(a)                                                                            \
    {.name = "lab/null", .library = "lab", .version = "1", .alg = a, .isa = "none",       \
     .note = NOTE, .key_new = key_new, .key_free = free, .gcm_seal = gcm_seal,           \
     .gcm_open = gcm_open}
#define XTS(a)                                                                            \
    {.name = "lab/null", .library = "lab", .version = "1", .alg = a, .isa = "none",       \
     .note = NOTE, .key_new = key_new, .key_free = free, .xts_encrypt = xts_crypt,       \
     .xts_decrypt = xts_crypt}

static const aeslab_impl impls[] = {GCM("aes-128-gcm"), GCM("aes-192-gcm"), GCM("aes-256-gcm"),
                                    XTS("aes-128-xts"), XTS("aes-256-xts")};

static const aeslab_plugin plugin = {AESLAB_ABI_VERSION, "lab", NULL,
                                     sizeof impls / sizeof impls[0], impls};

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    return &plugin;
}
