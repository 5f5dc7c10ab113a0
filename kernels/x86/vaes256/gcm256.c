/*
 * gcm256.c - AES-GCM with VAES + VPCLMULQDQ on 256-bit vectors and AVX2
 * only (no AVX-512: for CPUs without it, or where 512-bit vectors cost
 * clock speed), AES-128/192/256.
 *
 * Same data layout and GHASH form as gcm512.c (byte-reflected counters with
 * a fast path that adds to the counter's last byte directly, 64 powers of H
 * in the context, Karatsuba middle products), at half the width: a ymm
 * holds two blocks.
 *
 * One body for seal and open, and for every key size: the two directions
 * differ only in which data is hashed (a pointer chosen at run time in the
 * main loop, a blend in the tail) and in seal's first chunk, and the round
 * count is read from the context, so a key size costs a few more rounds on
 * the same path rather than another copy of the code.
 *
 * Main loop: 12 blocks (6 ymm, 192 bytes) per iteration.  Six AESENC
 * chains, interleaved round by round, are the most that fit beside the
 * round key and the GHASH temporaries in AVX2's 16 ymm registers (eight
 * would fill two 256-bit AES pipes with a four-cycle latency completely,
 * but spill; measured on Zen 4, six is fastest).  There is no room to keep
 * the blocks to be hashed in registers, so the GHASH operands are loaded
 * from memory when they are multiplied:
 *   - seal hashes the previous iteration's ciphertext, re-read from the
 *     output buffer (just written, so it comes from the store buffer or L1),
 *     which keeps AES and GHASH of one iteration independent; its first
 *     chunk has nothing to hash and runs alone, the rounds a loop (once per
 *     message);
 *   - open hashes the ciphertext it is decrypting in the same iteration
 *     (input, nothing to wait for); the loads precede the stores, so
 *     in-place operation is safe.
 * The round keys are addressed from a base pointer that puts the last nine
 * rounds and the last round key at the same offsets for every key size;
 * the loop reads them from the context's 16-byte copies, one broadcast
 * load per round for all six vectors.
 * The rounds AES-192/256 have beyond AES-128's go first, skipped by forward
 * branches as far as the key size needs; the GHASH work is slotted between
 * the nine fixed rounds.  The 12 products of an iteration (blocks times
 * H^12..H^1, Karatsuba middle products, the running value XORed into the
 * first block), a pair of vectors at a time, are summed unreduced and
 * reduced once; the reduction's result is the running value for the next
 * iteration.
 *
 * Final step: the pending chunk (seal), the tail (under 12 blocks) and the
 * length block are multiplied by their powers of H and reduced once.  The
 * tail's keystream is made as many vectors at a time as the bytes left
 * need, up to four (eight blocks), interleaved round by round, so the AES
 * latency is paid once per four vectors rather than once per vector; the
 * rounds are a loop for two or four vectors (the tail is short and once
 * per message: the loop keeps the code small), unrolled for one.  Each
 * vector is then XORed and hashed in turn, the rest shifting down so they
 * stay in registers.  A last partial vector (AVX2 has no byte masks) is
 * read and written without touching a byte outside the caller's buffers:
 * over 16 bytes, as its first block and the 16 bytes that end where it
 * ends, shifted into place, and stored in the opposite order so that the
 * first block's store overwrites the overlap; under 16, in pieces of 8, 4,
 * 2 and 1 bytes chosen by the bits of its length.  It is zero-padded so
 * the padding adds nothing to GHASH.
 *
 * AAD: 8 blocks per reduction, then its last blocks as above; in a message
 * with no main loop (under 12 blocks), those last blocks join the final
 * step's sum instead, so the whole message costs one reduction.  E(K, J0)
 * runs at entry, independent of the rest.
 *
 * Constant time: branches and addresses depend on lengths only (and on the
 * direction and the key size, both public); the tag comparison is a PTEST
 * of the XOR of both tags.
 */
#include <string.h>

#include "own_kernel.h"
#include "v256.h"
#include "gcm256.h"

#ifndef GCM256_W
#define GCM256_W 6
#endif
#define W GCM256_W /* ymm vectors per main-loop iteration (even) */
#define WB (32 * W)

/* The last len < 128 bytes of a GHASH input, whose first block needs H^e,
 * each block times its own power into lo/mi/hi, unreduced; the running
 * value is added to the first block, then zeroed. */
V256_INL void ghash_part(const vaes_gcm_ctx *c, const uint8_t *p, size_t len, int e, __m128i *acc,
                         __m256i *lo, __m256i *mi, __m256i *hi, __m256i bswap)
{
    for (size_t off = 0; off < len; off += 32, e -= 2) {
        size_t k = len - off;
        __m256i d = k >= 32 ? _mm256_loadu_si256((const __m256i *)(const void *)(p + off))
                            : v256_load_part(p + off, k);
        d = _mm256_xor_si256(_mm256_shuffle_epi8(d, bswap), v256_zext(*acc));
        *acc = _mm_setzero_si128();
        v256_gmul(d, v256_hpow(c, e), lo, mi, hi);
    }
}

/* The AAD's whole 8-block chunks, one reduction each. */
V256_INL __m128i ghash_aad8(const vaes_gcm_ctx *c, const uint8_t *aad, size_t alen, __m256i bswap,
                            __m256i poly)
{
    __m128i acc = _mm_setzero_si128();
    for (; alen >= 128; aad += 128, alen -= 128) {
        __m256i lo = _mm256_setzero_si256(), mi = lo, hi = lo;
        for (int j = 0; j < 4; j++) {
            __m256i d = _mm256_shuffle_epi8(
                _mm256_loadu_si256((const __m256i *)(const void *)(aad + 32 * j)), bswap);
            if (j == 0)
                d = _mm256_xor_si256(d, v256_zext(acc));
            v256_gmul(d, v256_hpow(c, 8 - 2 * j), &lo, &mi, &hi);
        }
        acc = v256_reduce(lo, mi, hi, poly);
    }
    return acc;
}

#define ROUNDW(k)                                                \
    do {                                                         \
        __m256i k_ = (k);                                        \
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++)      \
            x[j] = _mm256_aesenc_epi128(x[j], k_);               \
    } while (0)

#define LASTW(k)                                                 \
    do {                                                         \
        __m256i k_ = (k);                                        \
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++)      \
            x[j] = _mm256_aesenclast_epi128(x[j], k_);           \
    } while (0)

/* W counter vectors, whitened (see CTRV in gcm512.c). */
#define CTRW()                                                                          \
    do {                                                                                \
        __m256i k0_ = v256_rk(rk, 0);                                                   \
        if ((cnt & 0xff) <= 256 - 2 * W) {                                              \
            __m256i be_ = _mm256_shuffle_epi8(ctr, bswap);                              \
            _Pragma("GCC unroll 8") for (int j = 0; j < W; j++)                         \
                x[j] = _mm256_xor_si256(j ? _mm256_add_epi32(be_, v256_incbe(2 * j)) : be_, k0_); \
        } else {                                                                        \
            _Pragma("GCC unroll 8") for (int j = 0; j < W; j++)                         \
                x[j] = _mm256_xor_si256(                                                \
                    _mm256_shuffle_epi8(_mm256_add_epi32(ctr, v256_incall(2 * j)), bswap), k0_); \
        }                                                                               \
        ctr = _mm256_add_epi32(ctr, v256_incall(2 * W));                                \
        cnt += 2 * W;                                                                   \
    } while (0)

/* GHASH of the ymm pair at src (blocks needing H^e .. H^(e-3)), Karatsuba. */
#define GHASH_PAIR(src, e, first)                                                        \
    do {                                                                                 \
        __m256i ga_ = _mm256_shuffle_epi8(                                               \
            _mm256_loadu_si256((const __m256i *)(const void *)(src)), bswap);            \
        __m256i gb_ = _mm256_shuffle_epi8(                                               \
            _mm256_loadu_si256((const __m256i *)(const void *)((src) + 32)), bswap);     \
        if (first)                                                                       \
            ga_ = _mm256_xor_si256(ga_, v256_zext(acc));                                 \
        __m256i ha_ = v256_hpow(c, (e)), hb_ = v256_hpow(c, (e) - 2);                     \
        lo = _mm256_xor_si256(lo, _mm256_xor_si256(_mm256_clmulepi64_epi128(ga_, ha_, 0x00), \
                                                   _mm256_clmulepi64_epi128(gb_, hb_, 0x00))); \
        hi = _mm256_xor_si256(hi, _mm256_xor_si256(_mm256_clmulepi64_epi128(ga_, ha_, 0x11), \
                                                   _mm256_clmulepi64_epi128(gb_, hb_, 0x11))); \
        ga_ = _mm256_xor_si256(ga_, _mm256_shuffle_epi32(ga_, 0x4e));                    \
        gb_ = _mm256_xor_si256(gb_, _mm256_shuffle_epi32(gb_, 0x4e));                    \
        mi = _mm256_xor_si256(mi, _mm256_xor_si256(                                      \
                                      _mm256_clmulepi64_epi128(ga_, v256_hkar(c, (e)), 0x00), \
                                      _mm256_clmulepi64_epi128(gb_, v256_hkar(c, (e) - 2), 0x00))); \
    } while (0)

/* The fixed round after which pair j is hashed: spread over rounds 1..8 of
 * the last nine, the reduction after the ninth. */
#define SLOT(j) (1 + ((j) * 8) / W)

/*
 * Rounds of x[] with the GHASH of the 2W blocks at gsrc slotted in.  ke[1..9]
 * are the last nine rounds and ke[10] the last round key for every key size;
 * the rounds AES-192/256 have beyond AES-128's go first, skipped by forward
 * branches (not a loop: a loop over W AES states made the compiler copy
 * them between registers every trip).
 */
#define AESW_GHASHW(gsrc)                                                              \
    do {                                                                               \
        __m256i lo = _mm256_setzero_si256(), mi = lo, hi = lo;                         \
        if (nr > 10) {                                                                 \
            if (nr > 12) {                                                             \
                ROUNDW(v256_bk(ke, -3));                                               \
                ROUNDW(v256_bk(ke, -2));                                               \
            }                                                                          \
            ROUNDW(v256_bk(ke, -1));                                                   \
            ROUNDW(v256_bk(ke, 0));                                                    \
        }                                                                              \
        _Pragma("GCC unroll 16") for (int r = 1; r < 10; r++)                          \
        {                                                                              \
            ROUNDW(v256_bk(ke, r));                                                    \
            _Pragma("GCC unroll 8") for (int j = 0; j < W; j += 2)                     \
                if (r == SLOT(j))                                                      \
                    GHASH_PAIR((gsrc) + 32 * j, 2 * (W - j), j == 0);                  \
            if (r == 9) {                                                              \
                mi = _mm256_xor_si256(mi, _mm256_xor_si256(lo, hi));                   \
                acc = v256_reduce(lo, mi, hi, poly);                                   \
            }                                                                          \
        }                                                                              \
        LASTW(v256_bk(ke, 10));                                                        \
    } while (0)

/* One vector through AES, rounds unrolled (OWN_X86_ROUNDS). */
V256_INL __m256i v256_aes_1(const __m512i *rk, int nr, __m256i b)
{
    b = _mm256_xor_si256(b, v256_rk(rk, 0));
    OWN_X86_ROUNDS(nr, b = _mm256_aesenc_epi128(b, v256_rk(rk, r_)));
    return _mm256_aesenclast_epi128(b, v256_rk(rk, nr));
}

/* The tail's keystream: NV (1, 2 or 4) counter vectors in y0..y3 through
 * every round but the last, interleaved, and nv = NV; the rounds a loop,
 * except for a lone vector, whose chain of dependent rounds has nothing to
 * hide the loop's branches behind. */
#define TAIL_CTR(j) \
    _mm256_xor_si256(_mm256_shuffle_epi8(_mm256_add_epi32(ctr, v256_incall(2 * (j))), bswap), k0_)
#define TAIL_KS(NV)                                                            \
    do {                                                                       \
        __m256i k0_ = v256_rk(rk, 0);                                          \
        y0 = TAIL_CTR(0);                                                      \
        if ((NV) > 1)                                                          \
            y1 = TAIL_CTR(1);                                                  \
        if ((NV) > 2)                                                          \
            y2 = TAIL_CTR(2), y3 = TAIL_CTR(3);                                \
        ctr = _mm256_add_epi32(ctr, v256_incall(2 * (NV)));                    \
        nv = (NV);                                                             \
        if ((NV) == 1)                                                         \
            OWN_X86_ROUNDS(nr, y0 = _mm256_aesenc_epi128(y0, v256_rk(rk, r_))); \
        else for (const __m512i *p_ = rk + 1; p_ < rk + nr; p_++) {            \
            __m256i k_ = _mm256_load_si256((const __m256i *)(const void *)p_); \
            y0 = _mm256_aesenc_epi128(y0, k_);                                 \
            if ((NV) > 1)                                                      \
                y1 = _mm256_aesenc_epi128(y1, k_);                             \
            if ((NV) > 2) {                                                    \
                y2 = _mm256_aesenc_epi128(y2, k_);                             \
                y3 = _mm256_aesenc_epi128(y3, k_);                             \
            }                                                                  \
        }                                                                      \
    } while (0)

/* The running value times H^e into lo/mi/hi, then zero: it is added to
 * the first block hashed after it. */
V256_INL void ghash_vec(const vaes_gcm_ctx *c, __m256i g, int e, __m128i *acc, __m256i *lo,
                        __m256i *mi, __m256i *hi)
{
    g = _mm256_xor_si256(_mm256_shuffle_epi8(g, v256_bswap()), v256_zext(*acc));
    *acc = _mm_setzero_si128();
    v256_gmul(g, v256_hpow(c, e), lo, mi, hi);
}

/*
 * Seal (enc = 1) and open (enc = 0) in one body: they differ only in which
 * data is hashed (the output or the input), chosen at run time by a pointer
 * in the main loop and a blend in the tail, and in seal's first chunk,
 * which has nothing to hash yet.
 */
static __attribute__((noinline)) V256_TGT __m128i crypt_body(const vaes_gcm_ctx *c, const int enc,
                                                             const uint8_t iv[12], const uint8_t *aad,
                                                             size_t alen, const uint8_t *in, size_t n,
                                                             uint8_t *out)
{
    const __m256i bswap = v256_bswap(), poly = v256_poly();
    const int nr = c->rounds;
    const __m512i *rk = c->rk;
    const __m128i *ke = c->rk1 + (nr - 10); /* the main loop broadcasts its keys */
    const size_t len = n;
    __m128i j0 = own_x86_gcm_j0(iv, VAES_J0_CTR);
    __m128i ej0 = _mm256_castsi256_si128(v256_aes_1(rk, nr, _mm256_castsi128_si256(j0)));
    __m256i ctr = _mm256_add_epi32(
        _mm256_broadcastsi128_si256(_mm_shuffle_epi8(j0, own_x86_bswap_mask())), v256_inc(1));
    /* The final sum: the tail, the length block and, for a message short
     * enough to have no main loop, the AAD's last blocks, so that one
     * reduction serves them all. */
    __m256i lo = _mm256_setzero_si256(), mi = lo, hi = lo;
    __m128i acc = ghash_aad8(c, aad, alen, bswap, poly);
    if (alen % 128) {
        const int fold = n < WB;
        const size_t r = alen % 128;
        const int e = (int)((r + 15) / 16) + (fold ? (int)((n + 15) / 16) + 1 : 0);
        ghash_part(c, aad + alen - r, r, e, &acc, &lo, &mi, &hi, bswap);
        if (!fold) {
            acc = v256_reduce(lo, mi, hi, poly);
            lo = mi = hi = _mm256_setzero_si256();
        }
    }
    __m256i x[W];
    uint32_t cnt = VAES_J0_CTR + 1; /* the next block's counter (its low byte matters) */
    const uint8_t *pending = NULL; /* seal: ciphertext chunk not yet hashed */

    if (enc && n >= WB) {
        /* seal's first chunk: nothing to hash yet; once per message, so
         * the rounds are a loop */
        CTRW();
        for (const __m512i *p = rk + 1; p < rk + nr; p++)
            ROUNDW(_mm256_load_si256((const __m256i *)(const void *)p));
        LASTW(v256_rk(rk, nr));
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++) {
            __m256i d = _mm256_loadu_si256((const __m256i *)(const void *)(in + 32 * j));
            _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), _mm256_xor_si256(x[j], d));
        }
        pending = out;
        in += WB, out += WB, n -= WB;
    }
    while (n >= WB) {
        /* seal: the previous chunk's ciphertext; open: this chunk's */
        const uint8_t *gsrc = enc ? pending : in;
        CTRW();
        AESW_GHASHW(gsrc);
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++) {
            __m256i d = _mm256_loadu_si256((const __m256i *)(const void *)(in + 32 * j));
            _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), _mm256_xor_si256(x[j], d));
        }
        pending = out;
        in += WB, out += WB, n -= WB;
    }

    /* Final step: everything left, each block times its own power, one
     * reduction. */
    int e = (int)((n + 15) / 16) + 1;
    if (enc && pending) {
        e += 2 * W;
        for (size_t off = 0; off < WB; off += 32, e -= 2)
            ghash_vec(c, _mm256_loadu_si256((const __m256i *)(const void *)(pending + off)), e, &acc,
                      &lo, &mi, &hi);
    }
    const __m256i encm = _mm256_set1_epi32(-enc);
    for (size_t off = 0; off < n;) {
        /* up to 4 vectors of keystream, consumed from y0 (the rest shift
         * down, so the vectors stay in registers) */
        __m256i y0, y1 = _mm256_setzero_si256(), y2 = y1, y3 = y1;
        int nv;
        if (n - off > 64)
            TAIL_KS(4);
        else if (n - off > 32)
            TAIL_KS(2);
        else
            TAIL_KS(1);
        for (;;) {
            size_t k = n - off;
            __m256i x1 = _mm256_aesenclast_epi128(y0, v256_rk(rk, nr));
            __m256i d;
            if (k >= 32) {
                d = _mm256_loadu_si256((const __m256i *)(const void *)(in + off));
                x1 = _mm256_xor_si256(x1, d);
                _mm256_storeu_si256((__m256i *)(void *)(out + off), x1);
            } else {
                d = v256_load_part(in + off, k);
                x1 = _mm256_xor_si256(x1, d);
                v256_store_part(out + off, x1, k);
                x1 = v256_keep(x1, k); /* ciphertext, zero-padded */
            }
            ghash_vec(c, _mm256_blendv_epi8(d, x1, encm), e, &acc, &lo, &mi, &hi);
            off += 32, e -= 2;
            if (off >= n || --nv == 0)
                break;
            y0 = y1, y1 = y2, y2 = y3;
        }
    }
    /* The length block, already in register form. */
    __m128i l = _mm_xor_si128(_mm_set_epi64x((long long)(alen * 8), (long long)(len * 8)), acc);
    v256_gmul(v256_zext(l), v256_hpow(c, 1), &lo, &mi, &hi);
    acc = v256_reduce(lo, mi, hi, poly);
    return _mm_xor_si128(_mm_shuffle_epi8(acc, own_x86_bswap_mask()), ej0);
}

V256_TGT void own_v256_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t tag[16])
{
    __m128i t = crypt_body(ctx, 1, iv, aad, aad_len, in, len, out);
    _mm_storeu_si128((__m128i *)(void *)tag, t);
}

V256_TGT int own_v256_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len,
                               const uint8_t tag[16], uint8_t *out)
{
    __m128i t = crypt_body(ctx, 0, iv, aad, aad_len, in, len, out);
    t = _mm_xor_si128(t, _mm_loadu_si128((const __m128i *)(const void *)tag));
    int bad = !_mm_testz_si128(t, t);
    if (bad && len)
        own_wipe(out, len); /* the verdict is public once returned */
    return bad;
}

/* Seal plus the QUIC header-protection mask, computed beside it (own/fused
 * is the kernel that folds the mask into its single pass). */
V256_TGT void own_v256_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                   uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    own_vaes_gcm_hp_mask(ctx, sample, mask);
    own_v256_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
}
