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
OWN_GCM512_ENTRY_POINTS(own_v512)
OWN_GCM512_ENTRY_POINTS(own_v512sb)

void own_v512_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);
void own_v512_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);

#endif /* OWN_GCM512_H */
