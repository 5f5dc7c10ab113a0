/*
 * gcm512.h - entry points of the vaes512 and vaes512-sb kernels, also called
 * directly by own/fused (for messages longer than its single pass) and
 * own/auto.
 */
#ifndef OWN_GCM512_H
#define OWN_GCM512_H

#include <stddef.h>
#include <stdint.h>

/* gcm512.c's GCM entry points under the name prefix it was built with:
 * own_v512 (vaes512) and own_v512sb (vaes512-sb, GCM512_SCHOOLBOOK). */
#define OWN_GCM512_ENTRY_POINTS(p)                                                       \
    void p##_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,          \
                      size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,        \
                      uint8_t tag[16]);                                                   \
    int p##_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,           \
                     size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16], \
                     uint8_t *out);                                                       \
    void p##_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,       \
                         size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,     \
                         uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16]);
/* The fields every 512-bit GCM kernel's table shares (vaes512, vaes512-sb,
 * fused): the CPU check, the VAES key context and its init functions, and
 * the entry points named p##_gcm_seal, p##_gcm_open, p##_gcm_seal_hp.
 * Expand inside an own_kernel initialiser where vaes_ctx.h and
 * x86_aes.h are included. */
#define OWN_VAES512_GCM_FIELDS(p)                                                \
    .isa = "vaes512", .cpu_ok = own_x86_cpu_vaes512, .needs = OWN_X86_VAES512_NEEDS, \
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256, .gcm_ctx_bytes = sizeof(vaes_gcm_ctx), \
    .gcm_init = own_vaes_gcm_init, .gcm_seal = p##_gcm_seal, .gcm_open = p##_gcm_open, \
    .gcm_hp_init = own_vaes_gcm_hp_init, .gcm_seal_hp = p##_gcm_seal_hp

OWN_GCM512_ENTRY_POINTS(own_v512)
OWN_GCM512_ENTRY_POINTS(own_v512sb)

void own_v512_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);
void own_v512_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);

#endif /* OWN_GCM512_H */
