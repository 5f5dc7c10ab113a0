/*
 * fused.c - single-pass AES-GCM for short messages (the picotls "fusion"
 * idea on VAES + VPCLMULQDQ zmm), with optional QUIC header protection.
 *
 * A conventional GCM (gcm512.c included) hashes the AAD and reduces, then
 * runs the payload, then hashes the length block and reduces again, and
 * finally encrypts J0 for the tag: each step waits for the one before it,
 * which is what dominates a short message.  Here every block that GHASH will
 * see - AAD, ciphertext, the length block, T <= 64 in all - is multiplied by
 * its own power H^T .. H^1 (all 64 powers are in the key context), so no
 * product depends on another; the products are summed unreduced and reduced
 * exactly once per message.  The dependency chains left are:
 *   - AES of the counter blocks (one zmm of four blocks per 64 bytes, all
 *     vectors independent) -> XOR with the input -> GHASH multiply (seal
 *     only; open multiplies its input and does not wait for AES at all);
 *   - E(K, J0) and, for seal_hp, the header-protection mask
 *     AES(K_hp, sample): both in ONE ymm AES chain whose two lanes use
 *     different keys - the context stores each round's (K, K_hp) pair as a
 *     256-bit key - so the mask costs no extra instruction, only an extra
 *     lane;
 *   - the AAD's products, independent of all AES work.
 * The code issues the long AES chains first - the counter keystream of up
 * to eight vectors, round-major four at a time (v512_keystream, one call
 * per 512 bytes),
 * then the AAD products, then the payload vector by vector; the
 * out-of-order core overlaps them, which is the point of the design: the
 * AES and PCLMUL pipes stay busy from the first cycle instead of idling
 * while one stage finishes.
 *
 * Blocks in flight: the keystream of up to 32 blocks at once, then every
 * GHASH product of the message (up to 64 blocks) before the one reduction.
 * Tails: the last AAD vector and the last payload vector are byte-masked
 * (AVX512BW) loads/stores, so no byte past any buffer is touched and
 * masked-out lanes are zero, adding nothing to GHASH.
 *
 * This single pass beats the bulk kernel on short messages only: from a
 * few hundred bytes on, the bulk loop's Karatsuba GHASH interleaved with a
 * full 32-block AES batch wins.  Where the crossover lies is measured per
 * CPU and kept in own/auto's picks (kernels/auto/picks.c).
 *
 * Longer messages (more than 64 GHASH blocks) go to own/vaes512's bulk code
 * (same context layout).  own/auto calls vaes512 for them directly unless
 * a CPU's measured picks name fused there; on a CPU without a row it
 * switches at AUTO_FUSED_MAX.
 *
 * Constant time: branches and addresses depend on lengths only; the tag
 * comparison is a PTEST of the XOR of both tags.
 */
#include <string.h>

#include "own_kernel.h"
#include "../vaes512/v512.h"
#include "../vaes512/v512_ks.h"
#include "../vaes512/gcm512.h"
#include "fused.h"

V512_INL __m128i fused_body(const vaes_gcm_ctx *c, const int nr, const int enc, const int hp,
                            const uint8_t iv[12], const uint8_t *aad, size_t alen,
                            const uint8_t *in, size_t n, uint8_t *out,
                            const uint8_t sample[16], uint8_t mask[16])
{
    const __m512i bswap = v512_bswap(), poly = v512_poly();
    const __m512i *rk = c->rk;
    __m128i j0 = own_x86_gcm_j0(iv, VAES_J0_CTR);

    /* E(K, J0), and the HP mask in the other lane of the same chain. */
    __m128i ej0;
    if (hp) {
        const __m256i *pk = c->hp_pair;
        __m256i y = _mm256_inserti128_si256(
            _mm256_castsi128_si256(j0), _mm_loadu_si128((const __m128i *)(const void *)sample), 1);
        y = _mm256_xor_si256(y, _mm256_load_si256(&pk[0]));
        for (int r = 1; r < nr; r++)
            y = _mm256_aesenc_epi128(y, _mm256_load_si256(&pk[r]));
        y = _mm256_aesenclast_epi128(y, _mm256_load_si256(&pk[nr]));
        ej0 = _mm256_castsi256_si128(y);
        _mm_storeu_si128((__m128i *)(void *)mask, _mm256_extracti128_si256(y, 1));
    } else {
        ej0 = v512_aes_x1(rk, nr, j0);
    }

    __m512i ctr = _mm512_add_epi32(
        _mm512_broadcast_i32x4(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v512_inc(1));
    const int nb = (int)((n + 15) / 16);
    int e = (int)((alen + 15) / 16) + nb + 1;
    __m512i lo = _mm512_setzero_si512(), mi = lo, hi = lo;

    /* Keystream first: the longest chains.  One vector inline; more go
     * round-major through v512_keystream, up to eight vectors per call. */
    __m512i ks[8];
    const int nv = (int)((n + 63) / 64);
    if (nv > 1)
        v512_keystream(rk, nr, ctr, nv < 8 ? nv : 8, ks);
    else if (nv == 1)
        ks[0] = v512_aes_1(rk, nr, _mm512_shuffle_epi8(ctr, bswap));

    /* AAD products: independent of everything else. */
    for (size_t off = 0; off < alen; off += 64, e -= 4) {
        __m512i d = _mm512_maskz_loadu_epi8(v512_bytes(alen - off), aad + off);
        v512_gmul(_mm512_shuffle_epi8(d, bswap), v512_hpow(c, e), &lo, &mi, &hi);
    }
    e = nb + 1;

    /* Payload. */
    for (size_t off = 0; off < n; off += 64, e -= 4) {
        int j = (int)(off / 64) & 7;
        if (j == 0 && off) {
            ctr = _mm512_add_epi32(ctr, v512_incall(32));
            int left = (int)((n - off + 63) / 64);
            v512_keystream(rk, nr, ctr, left < 8 ? left : 8, ks);
        }
        __m512i g = v512_gcm_xor(ks[j], in + off, out + off, n - off, enc);
        v512_gmul(_mm512_shuffle_epi8(g, bswap), v512_hpow(c, e), &lo, &mi, &hi);
    }

    __m128i l = _mm_set_epi64x((long long)(alen * 8), (long long)(n * 8));
    v512_gmul(_mm512_zextsi128_si512(l), v512_hpow(c, 1), &lo, &mi, &hi);
    __m128i s = v512_reduce(lo, mi, hi, poly);
    return v512_tag(s, ej0);
}

/* Whether the message fits one pass: every GHASH block needs its power. */
static inline int fits(size_t alen, size_t n)
{
    return alen <= 16 * VAES_NPOW && n <= 16 * VAES_NPOW &&
           (alen + 15) / 16 + (n + 15) / 16 + 1 <= VAES_NPOW;
}

/* AES-128, where short messages spend most of their time, gets a body of
 * its own with the round count a constant (it measured faster so); AES-192
 * and AES-256 share one that takes the count at run time, half the code. */
#define DISPATCH(enc, hp)                                                                    \
    (t = c->rounds == 10                                                                     \
             ? fused_body(c, 10, enc, hp, iv, aad, aad_len, in, len, out, sample, mask)      \
             : fused_body(c, c->rounds, enc, hp, iv, aad, aad_len, in, len, out, sample, mask))

V512_TGT void own_fused_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                 size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                 uint8_t tag[16])
{
    const vaes_gcm_ctx *c = ctx;
    const uint8_t *sample = NULL;
    uint8_t *mask = NULL;
    __m128i t;
    if (!fits(aad_len, len)) {
        own_v512_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
        return;
    }
    DISPATCH(1, 0);
    _mm_storeu_si128((__m128i *)(void *)tag, t);
}

V512_TGT int own_fused_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                size_t aad_len, const uint8_t *in, size_t len,
                                const uint8_t tag[16], uint8_t *out)
{
    const vaes_gcm_ctx *c = ctx;
    const uint8_t *sample = NULL;
    uint8_t *mask = NULL;
    __m128i t;
    if (!fits(aad_len, len))
        return own_v512_gcm_open(ctx, iv, aad, aad_len, in, len, tag, out);
    DISPATCH(0, 0);
    t = _mm_xor_si128(t, _mm_loadu_si128((const __m128i *)(const void *)tag));
    int bad = !_mm_testz_si128(t, t);
    if (bad && len)
        own_wipe(out, len); /* the verdict is public once returned */
    return bad;
}

V512_TGT void own_fused_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                    uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const vaes_gcm_ctx *c = ctx;
    __m128i t;
    if (!fits(aad_len, len)) {
        /* Long message: the mask is one block beside the bulk code. */
        own_v512_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
        own_vaes_gcm_hp_mask(ctx, sample, mask);
        return;
    }
    DISPATCH(1, 1);
    _mm_storeu_si128((__m128i *)(void *)tag, t);
}

const own_kernel own_kernel_fused = {
    .name = "fused",
    OWN_VAES512_GCM_FIELDS(own_fused),
};
