/*
 * gcm512sb.h - entry points of the vaes512-sb kernel (gcm512.c's, renamed),
 * also called by own/auto.
 */
#ifndef OWN_GCM512SB_H
#define OWN_GCM512SB_H

#include <stddef.h>
#include <stdint.h>

void own_v512sb_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                         uint8_t tag[16]);
int own_v512sb_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                        size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                        uint8_t *out);
void own_v512sb_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                            size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                            uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16]);

#endif /* OWN_GCM512SB_H */
