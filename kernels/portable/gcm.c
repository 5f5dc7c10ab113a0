/*
 * gcm.c - AES-GCM for own/portable: CTR on the bitsliced AES (up to eight
 * counter blocks per batch), GHASH with the ctmul multiply, one code path
 * for the one-shot and the streaming interfaces.
 *
 * Loop structure: the payload is cut at batch boundaries.  Each batch
 * encrypts eight counter blocks (two bitsliced plane sets, see
 * aes_bitsliced.c), or four when at most 64 bytes of the call are left,
 * into a keystream buffer; the payload is XORed with it and the ciphertext
 * fed to GHASH, which hashes whole blocks in groups of four with one
 * reduction per group (see ghash_ctmul.c) and buffers a partial block until
 * the next call completes it.  For sealing GHASH reads what was just
 * written, for opening it reads the input before it is overwritten, so
 * in == out works.  AES and GHASH are not interleaved at instruction
 * level: in portable C the compiler schedules each batch's straight-line
 * code, and there is no carry-less multiply unit to overlap with.
 *
 * Tails need no special case: a call that ends inside a batch leaves the
 * unused keystream in the state and the next call (or nothing) continues
 * from there, which is also what makes any split of a stream work.  The
 * first batch of a message starts at counter 1 (J0): its first block is
 * the tag mask, the other three are keystream for counters 2..4, so a
 * message of up to 48 bytes costs one batch in all.
 *
 * Constant time: the AES and GHASH cores are; lengths steer the loops and
 * are public; the tag comparison is own_tag_differs() and a failed open
 * wipes the plaintext through own_gcm_finish_open().
 */
#include <string.h>

#include "own_kernel.h"
#include "portable.h"

void own_pt_gcm_init(void *ctx_, const uint8_t *key, size_t key_len)
{
    own_pt_gcm_ctx *ctx = ctx_;
    uint8_t h[16] = {0};
    own_pt_aes_init(&ctx->aes, key, key_len);
    own_pt_aes_encrypt1(&ctx->aes, h, h);
    own_pt_ghash_init(&ctx->gh, h);
    own_wipe(h, sizeof h);
}

void own_pt_gcm_hp_init(void *ctx_, const uint8_t *hp_key, size_t key_len)
{
    own_pt_gcm_ctx *ctx = ctx_;
    own_pt_aes_init(&ctx->hp, hp_key, key_len);
}

/* Keystream for counters next_ctr .. next_ctr + nblocks - 1 (inc32: the
 * counter is the last four bytes, big endian, and wraps mod 2^32). */
static void next_batch(own_pt_gcm_stream *st, unsigned nblocks)
{
    uint64_t w[2 * OWN_PT_MAX_BLOCKS];
    uint64_t iv_lo = own_pt_load64le(st->iv);
    uint64_t iv_hi = (uint64_t)st->iv[8] | (uint64_t)st->iv[9] << 8 |
                     (uint64_t)st->iv[10] << 16 | (uint64_t)st->iv[11] << 24;
    for (unsigned b = 0; b < nblocks; b++) {
        uint32_t c = st->next_ctr + b;
        uint64_t c_be = (uint64_t)(c >> 24) | (uint64_t)((c >> 16) & 0xff) << 8 |
                        (uint64_t)((c >> 8) & 0xff) << 16 | (uint64_t)(c & 0xff) << 24;
        w[2 * b] = iv_lo;
        w[2 * b + 1] = iv_hi | c_be << 32;
    }
    own_pt_aes_encrypt(&st->ctx->aes, w, nblocks);
    for (unsigned i = 0; i < 2 * nblocks; i++)
        own_pt_store64le(st->ks + 8 * i, w[i]);
    st->next_ctr += nblocks;
    st->ks_len = 16 * nblocks;
    st->ks_used = 0;
}

/* Feed bytes to GHASH: complete a buffered partial block, hash whole blocks
 * in place, buffer what is left. */
static void absorb(own_pt_gcm_stream *st, const uint8_t *p, size_t n)
{
    if (st->gbuf_len) {
        size_t k = 16 - st->gbuf_len < n ? 16 - st->gbuf_len : n;
        memcpy(st->gbuf + st->gbuf_len, p, k);
        st->gbuf_len += (unsigned)k;
        p += k;
        n -= k;
        if (st->gbuf_len < 16)
            return;
        own_pt_ghash(&st->ctx->gh, st->y, st->gbuf, 1);
        st->gbuf_len = 0;
    }
    own_pt_ghash(&st->ctx->gh, st->y, p, n / 16);
    memcpy(st->gbuf, p + (n & ~(size_t)15), n & 15);
    st->gbuf_len = (unsigned)(n & 15);
}

/* Hash a buffered partial block, zero padded. */
static void absorb_pad(own_pt_gcm_stream *st)
{
    if (st->gbuf_len) {
        memset(st->gbuf + st->gbuf_len, 0, 16 - st->gbuf_len);
        own_pt_ghash(&st->ctx->gh, st->y, st->gbuf, 1);
        st->gbuf_len = 0;
    }
}

void own_pt_gcm_stream_init(void *st_, const void *ctx, int encrypt, const uint8_t iv[12],
                            const uint8_t *aad, size_t aad_len)
{
    own_pt_gcm_stream *st = st_;
    memset(st, 0, sizeof *st);
    st->ctx = ctx;
    st->encrypt = encrypt;
    memcpy(st->iv, iv, 12);
    st->aad_len = aad_len;

    st->next_ctr = 1; /* J0 = IV || 1 */
    next_batch(st, 4);
    memcpy(st->tag_mask, st->ks, 16);
    st->ks_used = 16; /* payload starts at counter 2 */

    if (aad_len) {
        absorb(st, aad, aad_len);
        absorb_pad(st);
    }
}

void own_pt_gcm_stream_update(void *st_, const uint8_t *in, size_t len, uint8_t *out)
{
    own_pt_gcm_stream *st = st_;
    st->len += len;
    while (len) {
        if (st->ks_used == st->ks_len)
            next_batch(st, len > 64 ? OWN_PT_MAX_BLOCKS : 4);
        size_t n = st->ks_len - st->ks_used;
        if (n > len)
            n = len;
        const uint8_t *ks = st->ks + st->ks_used;
        if (!st->encrypt)
            absorb(st, in, n);
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            own_pt_store64le(out + i, own_pt_load64le(in + i) ^ own_pt_load64le(ks + i));
        for (; i < n; i++)
            out[i] = in[i] ^ ks[i];
        if (st->encrypt)
            absorb(st, out, n);
        st->ks_used += (unsigned)n;
        in += n;
        out += n;
        len -= n;
    }
}

/* The tag this state computes. */
static void compute_tag(own_pt_gcm_stream *st, uint8_t tag[16])
{
    uint8_t lens[16];
    absorb_pad(st);
    own_gcm_len_block(lens, st->aad_len, st->len);
    own_pt_ghash(&st->ctx->gh, st->y, lens, 1);
    own_pt_store64be(tag, st->y[0]);
    own_pt_store64be(tag + 8, st->y[1]);
    for (int i = 0; i < 16; i++)
        tag[i] ^= st->tag_mask[i];
}

int own_pt_gcm_stream_final(void *st_, uint8_t tag[16])
{
    own_pt_gcm_stream *st = st_;
    if (st->encrypt) {
        compute_tag(st, tag);
        return 0;
    }
    uint8_t mine[16];
    compute_tag(st, mine);
    int bad = own_tag_differs(mine, tag);
    own_wipe(mine, sizeof mine);
    return bad;
}

void own_pt_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                     uint8_t tag[16])
{
    own_pt_gcm_stream st;
    own_pt_gcm_stream_init(&st, ctx, 1, iv, aad, aad_len);
    own_pt_gcm_stream_update(&st, in, len, out);
    compute_tag(&st, tag);
    own_wipe(&st, sizeof st);
}

int own_pt_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                    uint8_t *out)
{
    own_pt_gcm_stream st;
    uint8_t mine[16];
    own_pt_gcm_stream_init(&st, ctx, 0, iv, aad, aad_len);
    own_pt_gcm_stream_update(&st, in, len, out);
    compute_tag(&st, mine);
    own_wipe(&st, sizeof st);
    int bad = own_gcm_finish_open(mine, tag, out, len);
    own_wipe(mine, sizeof mine);
    return bad;
}

void own_pt_gcm_seal_hp(const void *ctx_, const uint8_t iv[12], const uint8_t *aad,
                        size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                        uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const own_pt_gcm_ctx *ctx = ctx_;
    own_pt_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
    own_pt_aes_encrypt1(&ctx->hp, sample, mask);
}
