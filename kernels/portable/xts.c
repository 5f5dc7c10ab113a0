/*
 * xts.c - AES-XTS (IEEE 1619) for own/portable: one data unit per call,
 * up to eight blocks per bitsliced batch, ciphertext stealing for a partial
 * last block.
 *
 * Tweaks: T0 = AES(key2, tweak), T(j+1) = T(j) * x in GF(2^128), the block
 * read as a little-endian 128-bit integer (two 64-bit words); the carry out
 * of bit 127 becomes 0x87 in byte 0 through a mask computed arithmetically,
 * never a branch.
 *
 * Loop structure: whole blocks go eight at a time (two bitsliced plane
 * sets, see aes_bitsliced.c): the next eight tweaks are computed, XORed
 * into the data words, the batch is encrypted (or decrypted) with key 1 and
 * XORed with the same tweaks again.  The last batch of a unit is padded
 * with zero blocks to four or eight, computed and thrown away.  Each batch
 * is read completely before its output is written, so in == out works.
 *
 * Ciphertext stealing (len = 16 m + r, 0 < r < 16, blocks 0..m):
 *   encrypt: blocks 0..m-1 as usual, giving CC = C(m-1); the partial output
 *     block is C(m) = CC[0..r); then C(m-1) = E(P(m) || CC[r..16)) with T(m).
 *   decrypt: the last whole block is decrypted first with the later tweak,
 *     PP = D(C(m-1)) with T(m); P(m) = PP[0..r); then
 *     P(m-1) = D(C(m) || PP[r..16)) with T(m-1).
 * These two blocks run one at a time (each depends on the previous), which
 * is a fixed cost per unit.
 */
#include <string.h>

#include "own_kernel.h"
#include "portable.h"

void own_pt_xts_init(void *ctx_, const uint8_t *key, size_t key_len)
{
    own_pt_xts_ctx *ctx = ctx_;
    own_pt_aes_init(&ctx->data, key, key_len / 2);
    own_pt_aes_init(&ctx->tweak, key + key_len / 2, key_len / 2);
}

/* t = t * x: t[0] is the low word (bytes 0..7), t[1] the high. */
static inline void mul_x(uint64_t t[2])
{
    uint64_t carry = t[1] >> 63;
    t[1] = (t[1] << 1) | (t[0] >> 63);
    t[0] = (t[0] << 1) ^ (0x87 & (0 - carry));
}

/* One block through E or D with tweak t. */
static void one_block(const own_pt_aes_key *k, int decrypt, const uint64_t t[2],
                      const uint8_t in[16], uint8_t out[16])
{
    uint64_t w[2 * OWN_PT_MAX_BLOCKS] = {own_pt_load64le(in) ^ t[0],
                                         own_pt_load64le(in + 8) ^ t[1]};
    if (decrypt)
        own_pt_aes_decrypt(k, w, 1);
    else
        own_pt_aes_encrypt(k, w, 1);
    own_pt_store64le(out, w[0] ^ t[0]);
    own_pt_store64le(out + 8, w[1] ^ t[1]);
}

static void xts_crypt(const own_pt_xts_ctx *ctx, int decrypt, const uint8_t tweak[16],
                      const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t t0[16];
    own_pt_aes_encrypt1(&ctx->tweak, tweak, t0);
    uint64_t t[2] = {own_pt_load64le(t0), own_pt_load64le(t0 + 8)};

    size_t m = len / 16, r = len % 16;
    /* Decryption with stealing keeps the last whole block for the end. */
    size_t bulk = (decrypt && r) ? m - 1 : m;

    for (size_t i = 0; i < bulk; i += OWN_PT_MAX_BLOCKS) {
        unsigned g = bulk - i < OWN_PT_MAX_BLOCKS ? (unsigned)(bulk - i) : OWN_PT_MAX_BLOCKS;
        uint64_t w[2 * OWN_PT_MAX_BLOCKS] = {0}, tw[2 * OWN_PT_MAX_BLOCKS] = {0};
        for (unsigned b = 0; b < g; b++) {
            tw[2 * b] = t[0];
            tw[2 * b + 1] = t[1];
            mul_x(t);
            w[2 * b] = own_pt_load64le(in + 16 * (i + b)) ^ tw[2 * b];
            w[2 * b + 1] = own_pt_load64le(in + 16 * (i + b) + 8) ^ tw[2 * b + 1];
        }
        if (decrypt)
            own_pt_aes_decrypt(&ctx->data, w, g);
        else
            own_pt_aes_encrypt(&ctx->data, w, g);
        for (unsigned b = 0; b < g; b++) {
            own_pt_store64le(out + 16 * (i + b), w[2 * b] ^ tw[2 * b]);
            own_pt_store64le(out + 16 * (i + b) + 8, w[2 * b + 1] ^ tw[2 * b + 1]);
        }
    }

    if (r) {
        /* t is now T(m) for encryption, T(m-1) for decryption. */
        uint8_t *last = out + 16 * (m - 1), *part = out + 16 * m;
        uint8_t buf[16], tail[16];
        memcpy(tail, in + 16 * m, r); /* P(m) or C(m), before out overwrites it */
        if (!decrypt) {
            memcpy(buf, last, 16);                    /* CC */
            memcpy(part, buf, r);                     /* C(m) = CC[0..r) */
            memcpy(buf, tail, r);                     /* P(m) || CC[r..16) */
            one_block(&ctx->data, 0, t, buf, last);   /* C(m-1) */
        } else {
            uint64_t tm[2] = {t[0], t[1]};
            mul_x(tm);
            one_block(&ctx->data, 1, tm, in + 16 * (m - 1), buf); /* PP */
            memcpy(part, buf, r);                     /* P(m) = PP[0..r) */
            memcpy(buf, tail, r);                     /* C(m) || PP[r..16) */
            one_block(&ctx->data, 1, t, buf, last);   /* P(m-1) */
        }
        own_wipe(buf, sizeof buf);
        own_wipe(tail, sizeof tail);
    }
    own_wipe(t0, sizeof t0);
}

void own_pt_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                        size_t len, uint8_t *out)
{
    xts_crypt(ctx, 0, tweak, in, len, out);
}

void own_pt_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                        size_t len, uint8_t *out)
{
    xts_crypt(ctx, 1, tweak, in, len, out);
}
