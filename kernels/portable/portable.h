/*
 * portable.h - contexts and entry points of the own/portable kernel
 * (bitsliced AES + ctmul GHASH in plain C11).  kernel.c puts these in the
 * own_kernel table; gcm.c and xts.c implement them.
 */
#ifndef OWN_PORTABLE_H
#define OWN_PORTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "aes_bitsliced.h"
#include "ghash_ctmul.h"

typedef struct {
    own_pt_aes_key aes;
    own_pt_ghash_key gh;
    own_pt_aes_key hp; /* QUIC header-protection key, set by gcm_hp_init */
} own_pt_gcm_ctx;

typedef struct {
    const own_pt_gcm_ctx *ctx;
    int encrypt;
    uint8_t iv[12];
    uint32_t next_ctr;   /* counter of the first block of the next batch */
    unsigned ks_len;     /* bytes of keystream in ks (64 or 128) */
    unsigned ks_used;    /* bytes of ks already consumed */
    unsigned gbuf_len;   /* ciphertext bytes in gbuf not yet hashed */
    uint64_t y[2];       /* GHASH state */
    uint64_t aad_len, len;
    uint8_t ks[16 * OWN_PT_MAX_BLOCKS]; /* keystream of the current batch */
    uint8_t gbuf[16];
    uint8_t tag_mask[16]; /* E(K, J0) */
} own_pt_gcm_stream;

typedef struct {
    own_pt_aes_key data;  /* key 1: the data units */
    own_pt_aes_key tweak; /* key 2: encrypts the tweak */
} own_pt_xts_ctx;

void own_pt_gcm_init(void *ctx, const uint8_t *key, size_t key_len);
void own_pt_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len);
void own_pt_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                     uint8_t tag[16]);
int own_pt_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                    uint8_t *out);
void own_pt_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                        size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                        uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16]);
void own_pt_gcm_stream_init(void *st, const void *ctx, int encrypt, const uint8_t iv[12],
                            const uint8_t *aad, size_t aad_len);
void own_pt_gcm_stream_update(void *st, const uint8_t *in, size_t len, uint8_t *out);
int own_pt_gcm_stream_final(void *st, uint8_t tag[16]);

void own_pt_xts_init(void *ctx, const uint8_t *key, size_t key_len);
void own_pt_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                        size_t len, uint8_t *out);
void own_pt_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                        size_t len, uint8_t *out);

#endif /* OWN_PORTABLE_H */
