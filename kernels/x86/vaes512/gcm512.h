/*
 * gcm512.h - entry points of the vaes512 kernel, also called directly by
 * own/fused (for messages longer than its single pass) and own/auto.
 */
#ifndef OWN_GCM512_H
#define OWN_GCM512_H

#include <stddef.h>
#include <stdint.h>

void own_v512_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                       size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                       uint8_t tag[16]);
int own_v512_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                      uint8_t *out);
void own_v512_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                          uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16]);
void own_v512_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);
void own_v512_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                          size_t len, uint8_t *out);

#endif /* OWN_GCM512_H */
