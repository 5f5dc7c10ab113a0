/*
 * aesni_kernel.h - the own 128-bit x86 kernels: AES-GCM (128/192/256) and
 * AES-XTS (128/256) with AES-NI and PCLMULQDQ, C intrinsics.  One body,
 * instantiated by each kernel folder with one compile-time parameter:
 *
 *     AESNI_VEX  0 or 1   the encoding the compiler emits
 *
 *   kernels/x86/aesni      VEX 0: legacy SSE encoding (AES, PCLMULQDQ,
 *                          SSSE3, SSE4.1; runs on every AES-NI CPU)
 *   kernels/x86/aesni-avx  VEX 1: the same code for a target with AVX, so
 *                          every instruction is VEX-encoded (needs AVX too)
 *
 * Why two: SSE's two-operand forms overwrite a source, so wherever a value
 * is still needed after an AESENC, PCLMULQDQ or PXOR the compiler adds a
 * register copy; VEX's three-operand forms name the destination apart and
 * need none, and a memory operand no longer has to be 16-byte aligned.
 * Linux builds its AES-NI GCM and XTS twice the same way (aesni and
 * aesni-avx), so each pairs with the Linux path of its encoding.
 *
 * Shape.  The round count is read from the context at run time.  In GCM the
 * rounds past the stitched ones, the AAD's GHASH, the encrypting tail's
 * round loop and the decrypting tail's block loop are rolled loops over
 * memory operands (with 16 XMM registers and 8 AES states in flight there
 * is no room to keep round keys or hash-key powers in registers anyway);
 * what stays unrolled is what measured faster: the stitched rounds of a
 * batch, the rounds of a lone block, and the encrypting tail's per-block
 * steps, whose key stream, output and GHASH input stay in registers.
 *
 * GCM
 *   Counter: the J0 block is kept byte-reversed in a register, so GCM's
 *   32-bit big-endian counter is the low dword; PADDD bumps it modulo 2^32
 *   exactly as GCM's inc32 asks (never a 128-bit add), and one PSHUFB per
 *   block restores memory order before the AES rounds.
 *
 *   Bulk: batches of 8 counter blocks (one copy of the batch per
 *   direction, plus the unhashed first batch of an encryption).  In round
 *   j (j = 1..8) of a batch
 *   one of 8 GHASH input blocks is multiplied by its power of H (block 0 by
 *   H^8, after the running hash is folded into it, ..., block 7 by H^1);
 *   the products are summed unreduced and reduced once per batch, so the
 *   CLMULs ride in the shadow of the AESENC latency chains.
 *     encrypt: the GHASH input is the previous batch's ciphertext, read
 *              back from out (the first batch hashes nothing);
 *     decrypt: the current batch's ciphertext, read before out is written
 *              (so in == out works).
 *   Multiplication is Karatsuba: lo*lo, hi*hi and (lo^hi)*(lo^hi) with the
 *   key's lo^hi precomputed, 3 CLMULs instead of 4, the three sums
 *   recombined once per batch; the reduction is the two-fold Montgomery step
 *   of x86_aes.h (powers stored as H^i * x^-1, reflected).  The input is
 *   XORed into the last round key, so AESENCLAST emits the output directly.
 *
 *   Tail, encrypting: the last 1..128 payload bytes (a message of 113
 *   bytes or more) or the whole payload (up to 112 bytes) get their key
 *   stream from one 2-, 4- or 8-wide pass (about the latency of one block);
 *   for a short message the pass's last lane encrypts J0, so E(J0) costs no
 *   chain of its own (longer messages encrypt J0 first, overlapping the
 *   bulk).  After the rounds each block is finished in a step of its own,
 *   and only the blocks there are take one, so a short message runs few
 *   instructions.  Their GHASH, zero padded, and the length block's are one
 *   aggregated multiply (H^9..H^1) taken from the ciphertext in registers,
 *   and one reduction, so the tag's path after the last AES round is short.
 *
 *   Tail, decrypting: the last 0..127 bytes (whole batches go to the bulk
 *   code), one block per iteration of a rolled loop, its key stream (the
 *   rounds unrolled, their count read at run time) and its multiply
 *   together: the iterations are independent but for the unreduced sums,
 *   so the out-of-order core overlaps them as it would lanes, and no lane
 *   is computed that is not used.  A short message's AAD of one block
 *   shares that reduction; a longer one's is multiplied by H^9 into the
 *   first batch's sums, so it adds no reduction to the tag's path.
 *
 *   Partial blocks are read and written with word-sized moves (never past
 *   the end, no byte copy that a 16-byte reload would stall on).  AAD: one
 *   block is a single multiply; longer, a rolled aggregated multiply, 8
 *   blocks per reduction.
 *
 *   Streaming (gcm_stream_*): whole batches go through the same bulk code;
 *   a block split across updates is finished from saved key stream.
 *
 * XTS
 *   Bulk: groups of 4 blocks, each block in ^ T_i ^ rk0, rounds, then
 *   AESENCLAST with rk_last ^ T_i; the next group's rounds overlap this
 *   one's out of order (Linux's AES-NI XTS shape).  Tweak doubling is SIMD
 *   (shift each qword, carries selected by an arithmetic-shift mask, no
 *   branches); the next group's 4 tweaks are computed during the current
 *   group, one doubling after each of its rounds 1, 3, 5, 7.  A message of 4
 *   blocks takes one 4-wide pass instead; the 1..3 blocks left after the
 *   groups (or of a short message) go a block at a time, overlapping out
 *   of order, rather than through lanes that would run rounds on blocks
 *   that do not exist.
 *   Only the group loop has a copy per direction.  The rest (tweak
 *   encryption, single blocks, the 4-wide pass, stealing) is one
 *   out-of-line copy for both directions: the direction is public and
 *   chosen by a branch outside the round loops; the 4-wide pass's round
 *   loop is rolled two rounds an iteration, a single block's rounds are
 *   unrolled.
 *   Ciphertext stealing (len % 16 != 0) handles the last full block and the
 *   partial one apart: encrypt uses T_{m-1} then T_m, decrypt T_m then
 *   T_{m-1} (IEEE 1619 order), in registers (the stolen bytes merged by a
 *   mask, the partial block read and written with word-sized moves); the
 *   partial input is read before any output overlapping it is written, so
 *   in == out works.
 *
 * Constant time: no branch or index depends on key or data; lengths are
 * public; tags are compared by own_gcm_finish_open.  This code makes no
 * stack copy of secret values on purpose; registers the compiler spills
 * are not wiped.
 */
#include <string.h>

#include "own_kernel.h"
#include "x86_aes.h"

#if !defined(AESNI_VEX) || !defined(AESNI_KERNEL) || !defined(AESNI_NAME)
#error "define AESNI_VEX (0/1), AESNI_KERNEL (symbol) and AESNI_NAME (string)"
#endif

#if AESNI_VEX
#define TGT OWN_X86_TARGET("avx,aes,pclmul,sse4.1,ssse3")
#define AESNI_MASK OWN_X86_AESNI_AVX_MASK
#else
#define TGT OWN_X86_TGT_AES
#define AESNI_MASK OWN_X86_AESNI_MASK
#endif
#define INL __attribute__((always_inline)) static inline
/* Out of line: one copy serves both directions, or every key set-up. */
#define NOINL __attribute__((noinline)) static
/* GCM's functions and XTS's each in a section of their own: with functions
 * in source order and aligned (kernels.mk), the distances between one
 * mode's hot functions then change only when that mode's code does. */
#define GCM_TEXT __attribute__((section(".text.own_" AESNI_NAME "_gcm")))
#define XTS_TEXT __attribute__((section(".text.own_" AESNI_NAME "_xts")))

/* Key expansion, one copy for the GCM key, the header-protection key and
 * both XTS keys. */
NOINL TGT int aesni_expand(const uint8_t *key, size_t key_len, __m128i rk[15])
{
    return own_x86_aes_expand_enc(key, key_len, rk);
}

/* ---- contexts ---------------------------------------------------------- */

struct gcm_ctx {
    __m128i rk[15];
    __m128i h[9];    /* h[i] = H^(i+1) * x^-1, register form (x86_aes.h) */
    __m128i hk[9];   /* low qword: h[i].lo ^ h[i].hi, for Karatsuba */
    __m128i hp_rk[15]; /* QUIC header-protection key schedule */
    int rounds, hp_rounds;
};

struct xts_ctx {
    __m128i ek[15]; /* data key, encryption */
    __m128i dk[15]; /* data key, equivalent inverse cipher */
    __m128i tk[15]; /* tweak key, encryption */
    int rounds;
};

static int aesni_cpu_ok(void)
{
    return own_x86_has(AESNI_MASK);
}

/* ---- loads and stores ---------------------------------------------------- */

#define LD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define ST(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))

/* r < 8 bytes into the low bytes of a word (branches on the public r only). */
static inline uint64_t load_upto7(const uint8_t *p, size_t r)
{
    uint64_t v = 0;
    size_t o = 0;
    if (r & 4) { uint32_t w; memcpy(&w, p, 4); v = w; o = 4; }
    if (r & 2) { uint16_t w; memcpy(&w, p + o, 2); v |= (uint64_t)w << (8 * o); o += 2; }
    if (r & 1) v |= (uint64_t)p[o] << (8 * o);
    return v;
}

/* A partial block (0 < r < 16 bytes) as a zero-padded register. */
TGT INL __m128i load_partial(const uint8_t *p, size_t r)
{
    uint64_t lo, hi = 0;
    if (r >= 8) {
        memcpy(&lo, p, 8);
        hi = load_upto7(p + 8, r - 8);
    } else {
        lo = load_upto7(p, r);
    }
    return _mm_set_epi64x((long long)hi, (long long)lo);
}

TGT INL void store_partial(uint8_t *p, __m128i v, size_t r)
{
    uint64_t w = (uint64_t)_mm_cvtsi128_si64(v);
    if (r >= 8) {
        memcpy(p, &w, 8);
        p += 8; r -= 8;
        w = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
    }
    if (r & 4) { uint32_t x = (uint32_t)w; memcpy(p, &x, 4); p += 4; w >>= 32; }
    if (r & 2) { uint16_t x = (uint16_t)w; memcpy(p, &x, 2); p += 2; w >>= 16; }
    if (r & 1) *p = (uint8_t)w;
}

/* Bytes 16..31 all-ones: loadu(zero_ones + 16 - r) is all-ones in bytes r..15. */
static const uint8_t zero_ones[32] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* All-ones in bytes r..15 (0 < r < 16): the part of a block past a partial
 * block's r bytes. */
TGT INL __m128i ones_from(size_t r)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(zero_ones + 16 - r));
}

#define AES8(op, k)                                                            \
    do {                                                                       \
        const __m128i k_ = (k);                                                \
        b0 = op(b0, k_); b1 = op(b1, k_); b2 = op(b2, k_); b3 = op(b3, k_);    \
        b4 = op(b4, k_); b5 = op(b5, k_); b6 = op(b6, k_); b7 = op(b7, k_);    \
    } while (0)

#define AES4(op, k)                                                            \
    do {                                                                       \
        const __m128i k_ = (k);                                                \
        b0 = op(b0, k_); b1 = op(b1, k_); b2 = op(b2, k_); b3 = op(b3, k_);    \
    } while (0)

#define AES1(op, k) (b = op(b, (k)))

/* Rounds 1..rounds-1 of op on the states AESN names, unrolled, the round
 * count read at run time: the last nine at fixed offsets from the last key
 * (k = rk + rounds), AES-192's and AES-256's extra ones in front. */
#define ROUNDS_UNROLLED(AESN, op, k, rounds)                                   \
    do {                                                                       \
        if ((rounds) > 12) { AESN(op, (k)[-13]); AESN(op, (k)[-12]); }         \
        if ((rounds) > 10) { AESN(op, (k)[-11]); AESN(op, (k)[-10]); }         \
        _Pragma("GCC unroll 9") for (int i_ = 9; i_ > 0; i_--)                 \
            AESN(op, (k)[-i_]);                                                \
    } while (0)

/* ---- GHASH ------------------------------------------------------------- */

/*
 * Accumulate the unreduced Karatsuba product x * h[i] into lo/mi/hi.
 * The empty asm pins the three sums: without it GCC reassociates the XOR
 * chains into trees, keeps every product alive at once and spills them
 * (16 XMM registers, 8 of them AES states); pinned, each product is folded
 * in as soon as it exists.
 */
#define GH_MUL(x, i)                                                           \
    do {                                                                       \
        const __m128i x_ = (x);                                                \
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(x_, c->h[i], 0x00));       \
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(x_, c->h[i], 0x11));       \
        mi = _mm_xor_si128(mi, _mm_clmulepi64_si128(                           \
                                   _mm_xor_si128(x_, _mm_shuffle_epi32(x_, 0x4e)), \
                                   c->hk[i], 0x00));                           \
        __asm__("" : "+x"(lo), "+x"(mi), "+x"(hi));                            \
    } while (0)

/* Karatsuba: the middle sum collected (a.lo^a.hi)(b.lo^b.hi); removing
 * lo and hi leaves the true cross terms, then one reduction. */
#define GH_REDUCE() own_x86_ghash_reduce(lo, _mm_xor_si128(mi, _mm_xor_si128(lo, hi)), hi)

/*
 * xi <- GHASH of len <= 128 bytes at p (the last block zero padded), then
 * of the length block if lens is given: (xi ^ x_1) * H^n ^ ... ^ x_n * H,
 * 1 <= n <= 9 blocks, one reduction.
 */
TGT GCM_TEXT
static __m128i ghash_chunk(const struct gcm_ctx *c, __m128i xi, const uint8_t *p, size_t len,
                           const __m128i *lens)
{
    const __m128i bswap = own_x86_bswap_mask();
    const size_t nfull = len / 16, r = len % 16;
    /* h index of the first block of p; the others count down to 0 */
    const size_t top = nfull + (r != 0) + (lens != NULL) - 1;
    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
#pragma GCC unroll 1
    for (size_t j = 0; j < nfull; j++) {
        const __m128i x = _mm_xor_si128(_mm_shuffle_epi8(LD(p + 16 * j), bswap), xi);
        xi = _mm_setzero_si128();
        GH_MUL(x, top - j);
    }
    if (r) {
        const __m128i x = _mm_shuffle_epi8(load_partial(p + 16 * nfull, r), bswap);
        GH_MUL(_mm_xor_si128(x, xi), top - nfull);
        xi = _mm_setzero_si128();
    }
    if (lens)
        GH_MUL(_mm_xor_si128(*lens, xi), 0);
    return GH_REDUCE();
}

/* GHASH over len bytes (the AAD), 8 blocks per reduction. */
TGT GCM_TEXT
static __m128i ghash(const struct gcm_ctx *c, __m128i xi, const uint8_t *p, size_t len)
{
    while (len) {
        const size_t n = len < 128 ? len : 128;
        xi = ghash_chunk(c, xi, p, n, NULL);
        p += n, len -= n;
    }
    return xi;
}

/* ---- CTR --------------------------------------------------------------- */

#define CTR_BLOCK(i) \
    _mm_xor_si128(_mm_shuffle_epi8(_mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, i)), bswap), k0)

/* E(K, b) for one block, its rounds unrolled (a lone block is all
 * latency; a loop's counting would sit on it). */
TGT INL __m128i aes_block(const struct gcm_ctx *c, __m128i b)
{
    const __m128i *k = c->rk + c->rounds;
    b = _mm_xor_si128(b, c->rk[0]);
    ROUNDS_UNROLLED(AES1, _mm_aesenc_si128, k, c->rounds);
    return _mm_aesenclast_si128(b, k[0]);
}

/*
 * One batch of 8 blocks: CTR on in -> out, and (if hash) GHASH of the 8
 * blocks at g interleaved with the rounds, plus (if aad) the block *aad
 * times H^9 in the same sums.  Always inlined with constant `hash`, so the
 * plain first batch of an encryption has no GHASH code.
 */
TGT INL void gcm_batch8(const struct gcm_ctx *c, __m128i *ctrp, __m128i *xip,
                        const uint8_t *g, const uint8_t *in, uint8_t *out, int hash,
                        const __m128i *aad)
{
    const __m128i bswap = own_x86_bswap_mask(), k0 = c->rk[0];
    const __m128i ctr = *ctrp;
    const int rounds = c->rounds;
    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
    __m128i b0 = CTR_BLOCK(0), b1 = CTR_BLOCK(1), b2 = CTR_BLOCK(2), b3 = CTR_BLOCK(3);
    __m128i b4 = CTR_BLOCK(4), b5 = CTR_BLOCK(5), b6 = CTR_BLOCK(6), b7 = CTR_BLOCK(7);
    *ctrp = _mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, 8));

#define GH_STEP(j)                                                             \
    if (hash) {                                                                \
        __m128i x = _mm_shuffle_epi8(LD(g + 16 * (j)), bswap);                 \
        if ((j) == 0)                                                          \
            x = _mm_xor_si128(x, *xip);                                        \
        GH_MUL(x, 7 - (j));                                                    \
        if ((j) == 0 && aad)                                                   \
            GH_MUL(*aad, 8);                                                   \
    }
    AES8(_mm_aesenc_si128, c->rk[1]); GH_STEP(0)
    AES8(_mm_aesenc_si128, c->rk[2]); GH_STEP(1)
    AES8(_mm_aesenc_si128, c->rk[3]); GH_STEP(2)
    AES8(_mm_aesenc_si128, c->rk[4]); GH_STEP(3)
    AES8(_mm_aesenc_si128, c->rk[5]); GH_STEP(4)
    AES8(_mm_aesenc_si128, c->rk[6]); GH_STEP(5)
    AES8(_mm_aesenc_si128, c->rk[7]); GH_STEP(6)
    AES8(_mm_aesenc_si128, c->rk[8]); GH_STEP(7)
#undef GH_STEP
    AES8(_mm_aesenc_si128, c->rk[9]);
    if (hash)
        *xip = GH_REDUCE();
    for (int r = 10; r < rounds; r++)
        AES8(_mm_aesenc_si128, c->rk[r]);
    const __m128i kl = c->rk[rounds];
    b0 = _mm_aesenclast_si128(b0, _mm_xor_si128(kl, LD(in + 0)));
    b1 = _mm_aesenclast_si128(b1, _mm_xor_si128(kl, LD(in + 16)));
    b2 = _mm_aesenclast_si128(b2, _mm_xor_si128(kl, LD(in + 32)));
    b3 = _mm_aesenclast_si128(b3, _mm_xor_si128(kl, LD(in + 48)));
    b4 = _mm_aesenclast_si128(b4, _mm_xor_si128(kl, LD(in + 64)));
    b5 = _mm_aesenclast_si128(b5, _mm_xor_si128(kl, LD(in + 80)));
    b6 = _mm_aesenclast_si128(b6, _mm_xor_si128(kl, LD(in + 96)));
    b7 = _mm_aesenclast_si128(b7, _mm_xor_si128(kl, LD(in + 112)));
    ST(out + 0, b0); ST(out + 16, b1); ST(out + 32, b2); ST(out + 48, b3);
    ST(out + 64, b4); ST(out + 80, b5); ST(out + 96, b6); ST(out + 112, b7);
}

/*
 * nb whole batches (8 blocks each): CTR from *ctrp, GHASH folded into xi.
 * Decrypt hashes every batch; encrypt hashes each batch's ciphertext during
 * the next one and leaves the last batch (out + 128 * (nb - 1)) to the
 * caller, which aggregates it with what follows.  aad (decrypt, xi zero):
 * a one-block AAD in register form, hashed with the first batch.  Shared
 * by the one-shot path and streaming.
 */
TGT GCM_TEXT
static __m128i gcm_bulk(const struct gcm_ctx *c, __m128i *ctrp, __m128i xi,
                        const uint8_t *in, size_t nb, uint8_t *out, int enc,
                        const __m128i *aad)
{
    size_t i = 0;
    if (enc && nb) {
        gcm_batch8(c, ctrp, &xi, NULL, in, out, 0, NULL);
        i = 1;
    }
    /* one copy of the hashed batch for both directions: only where its
     * GHASH input is differs */
    for (; i < nb; i++, aad = NULL)
        gcm_batch8(c, ctrp, &xi, enc ? out + 128 * (i - 1) : in + 128 * i, in + 128 * i,
                   out + 128 * i, 1, aad);
    return xi;
}

/*
 * Encrypt the last len <= 128 payload bytes and return xi with their GHASH
 * (zero padded) and the length block's; ctr is the byte-reversed counter of
 * their first block.  If with_j0 (len <= 112), the pass's last lane
 * encrypts J0 and *ekj0 receives E(K, J0) (else ekj0 is not used).  2, 4
 * or 8 lanes (about the latency of one block at any of them); after the
 * rounds, one block per step and a step only for the blocks there are, so
 * a short message runs few instructions.  The GHASH input is taken from
 * registers in the same steps.
 */
TGT GCM_TEXT
static __m128i gcm_seal_tail(const struct gcm_ctx *c, __m128i ctr, __m128i xi,
                             const uint8_t *in, size_t len, uint8_t *out,
                             __m128i lens, __m128i j0, int with_j0, __m128i *ekj0)
{
    const __m128i bswap = own_x86_bswap_mask(), k0 = c->rk[0];
    const int rounds = c->rounds;
    const size_t nfull = len / 16, r = len % 16, nb = nfull + (r != 0);
    const size_t lanes = nb + (size_t)with_j0 <= 2 ? 2 : nb + (size_t)with_j0 <= 4 ? 4 : 8;
    __m128i b[8] = {0}; /* lanes past `lanes` are never read; zero for the compiler */
#define TAIL_ROUNDS(n)                                                         \
    do {                                                                       \
        _Pragma("GCC unroll 8") for (int i = 0; i < (n); i++)                  \
            b[i] = CTR_BLOCK(i);                                               \
        if (with_j0)                                                           \
            b[(n) - 1] = _mm_xor_si128(j0, k0);                                \
        _Pragma("GCC unroll 1") for (int j = 1; j < rounds; j++) {             \
            const __m128i k_ = c->rk[j];                                       \
            _Pragma("GCC unroll 8") for (int i = 0; i < (n); i++)              \
                b[i] = _mm_aesenc_si128(b[i], k_);                             \
        }                                                                      \
    } while (0)
    if (lanes == 2)
        TAIL_ROUNDS(2);
    else if (lanes == 4)
        TAIL_ROUNDS(4);
    else
        TAIL_ROUNDS(8);
#undef TAIL_ROUNDS
    const __m128i kl = c->rk[rounds];
    if (with_j0)
        *ekj0 = _mm_aesenclast_si128(lanes == 2 ? b[1] : lanes == 4 ? b[3] : b[7], kl);

    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
#define TAIL_HASH(y, i)                                                        \
    do {                                                                       \
        const __m128i t_ = _mm_shuffle_epi8((y), bswap);                       \
        GH_MUL((i) ? t_ : _mm_xor_si128(t_, xi), nb - (size_t)(i));            \
    } while (0)
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
        if ((size_t)i >= nfull)
            break;
        const __m128i y = _mm_aesenclast_si128(b[i], _mm_xor_si128(kl, LD(in + 16 * i)));
        ST(out + 16 * i, y);
        TAIL_HASH(y, i);
    }
    if (r) {
        /* past the input's end the lane is bare key stream: keep r bytes */
        __m128i y = b[0];
#pragma GCC unroll 8
        for (int i = 1; i < 8; i++)
            if ((size_t)i == nfull)
                y = b[i];
        y = _mm_aesenclast_si128(y, _mm_xor_si128(kl, load_partial(in + 16 * nfull, r)));
        y = _mm_andnot_si128(ones_from(r), y);
        store_partial(out + 16 * nfull, y, r);
        TAIL_HASH(y, nfull);
    }
#undef TAIL_HASH
    GH_MUL(nb ? lens : _mm_xor_si128(lens, xi), 0);
    return GH_REDUCE();
}

/*
 * Decrypt the last len < 128 payload bytes and return xi with their GHASH
 * and the length block's (and first, if pre is given, that of the block
 * *pre: a short message's one-block AAD, in register form, sharing the
 * reduction); ctr is the byte-reversed counter of their first block.  One
 * block per iteration, key stream and multiply together: the iterations
 * are independent but for the unreduced sums, so the out-of-order core
 * overlaps them, and no lane is computed that is not used.
 */
TGT GCM_TEXT
static __m128i gcm_open_tail(const struct gcm_ctx *c, __m128i ctr, __m128i xi,
                             const __m128i *pre, const uint8_t *in, size_t len, uint8_t *out,
                             __m128i lens)
{
    const __m128i bswap = own_x86_bswap_mask(), one = _mm_set_epi32(0, 0, 0, 1);
    const size_t nfull = len / 16, r = len % 16;
    const size_t top = nfull + (r != 0); /* h index of the first block; lens is 0 */
    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
    if (pre) {
        GH_MUL(_mm_xor_si128(*pre, xi), top + 1);
        xi = _mm_setzero_si128();
    }
#pragma GCC unroll 1
    for (size_t j = 0; j < nfull; j++) {
        const __m128i x = LD(in + 16 * j);
        ST(out + 16 * j, _mm_xor_si128(x, aes_block(c, _mm_shuffle_epi8(ctr, bswap))));
        ctr = _mm_add_epi32(ctr, one);
        GH_MUL(_mm_xor_si128(_mm_shuffle_epi8(x, bswap), xi), top - j);
        xi = _mm_setzero_si128();
    }
    if (r) {
        const __m128i x = load_partial(in + 16 * nfull, r);
        const __m128i ks = aes_block(c, _mm_shuffle_epi8(ctr, bswap));
        store_partial(out + 16 * nfull, _mm_xor_si128(x, ks), r);
        GH_MUL(_mm_xor_si128(_mm_shuffle_epi8(x, bswap), xi), 1);
        xi = _mm_setzero_si128();
    }
    GH_MUL(_mm_xor_si128(lens, xi), 0);
    return GH_REDUCE();
}

/* The tag (memory order) of a one-shot seal or open. */
TGT GCM_TEXT
static __m128i gcm_crypt(const struct gcm_ctx *c, const uint8_t iv[12], const uint8_t *aad,
                         size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, int enc)
{
    const __m128i bswap = own_x86_bswap_mask();
    const __m128i j0 = own_x86_gcm_j0(iv, 1);
    __m128i ctr = _mm_add_epi32(_mm_shuffle_epi8(j0, bswap), _mm_set_epi32(0, 0, 0, 1));
    /* length block in register form: the two big-endian bit counts */
    const __m128i lens = _mm_set_epi64x((long long)((uint64_t)aad_len * 8),
                                        (long long)((uint64_t)len * 8));
    __m128i ekj0;

    /* An AAD of one block (the usual case) is one multiply, not a loop;
     * decrypting a short message, it joins the tail's reduction instead. */
    const int aad1 = aad_len && aad_len <= 16;
    const __m128i a = !aad1         ? _mm_setzero_si128()
                      : aad_len == 16 ? _mm_shuffle_epi8(LD(aad), bswap)
                                      : _mm_shuffle_epi8(load_partial(aad, aad_len), bswap);
    const int pre = aad1 && !enc && len <= 112;
    /* decrypting a longer one, its product (by H^9) joins the first
     * batch's unreduced sums: no reduction of its own on the tag's path */
    const int defer = aad1 && !enc && len >= 128;
    __m128i xi = pre || defer ? _mm_setzero_si128()
                 : aad1 ? own_x86_ghash_mul(a, c->h[0])
                        : ghash(c, _mm_setzero_si128(), aad, aad_len);

    if (!enc) {
        const size_t nb = len / 128, done = 128 * nb;
        ekj0 = aes_block(c, j0);
        if (nb)
            xi = gcm_bulk(c, &ctr, xi, in, nb, out, 0, defer ? &a : NULL);
        xi = gcm_open_tail(c, ctr, xi, pre ? &a : NULL, in + done, len - done, out + done, lens);
    } else if (len <= 112) {
        xi = gcm_seal_tail(c, ctr, xi, in, len, out, lens, j0, 1, &ekj0);
    } else {
        const size_t nb = (len - 1) / 128, done = 128 * nb;
        ekj0 = own_x86_aes_enc_block(c->rk, c->rounds, j0);
        xi = gcm_bulk(c, &ctr, xi, in, nb, out, 1, NULL);
        if (nb)
            xi = ghash_chunk(c, xi, out + done - 128, 128, NULL);
        xi = gcm_seal_tail(c, ctr, xi, in + done, len - done, out + done, lens, j0, 0, NULL);
    }
    return _mm_xor_si128(_mm_shuffle_epi8(xi, bswap), ekj0);
}

/* ---- GCM entry points ------------------------------------------------- */

TGT GCM_TEXT
static void aesni_gcm_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->rounds = aesni_expand(key, key_len, c->rk);
    __m128i h = own_x86_ghash_key(c->rk, c->rounds), p = h;
    for (int i = 0; i < 9; i++) {
        c->h[i] = p;
        c->hk[i] = _mm_xor_si128(p, _mm_shuffle_epi32(p, 0x4e));
        p = own_x86_ghash_mul(p, h);
    }
}

TGT GCM_TEXT
static void aesni_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                           size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                           uint8_t tag[16])
{
    ST(tag, gcm_crypt(ctx, iv, aad, aad_len, in, len, out, 1));
}

TGT GCM_TEXT
static int aesni_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                          uint8_t *out)
{
    uint8_t computed[16];
    ST(computed, gcm_crypt(ctx, iv, aad, aad_len, in, len, out, 0));
    return own_gcm_finish_open(computed, tag, out, len);
}

TGT GCM_TEXT
static void aesni_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->hp_rounds = aesni_expand(hp_key, key_len, c->hp_rk);
}

/* The mask is independent of the payload; issued first, its AES rounds
 * overlap the start of the seal. */
TGT GCM_TEXT
static void aesni_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                              size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                              uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const struct gcm_ctx *c = ctx;
    ST(mask, own_x86_aes_enc_block(c->hp_rk, c->hp_rounds, LD(sample)));
    ST(tag, gcm_crypt(c, iv, aad, aad_len, in, len, out, 1));
}

/* ---- GCM streaming ---------------------------------------------------- */

/*
 * Any split of the payload over updates.  Whole batches go through the same
 * bulk body as one-shot; a block cut by an update boundary is finished
 * byte by byte from the saved key stream, its ciphertext collected in pend
 * and hashed once complete (or zero padded in final).  The state holds key
 * stream: the plugin wipes it in stream_end.
 */
struct gcm_stream {
    __m128i xi;       /* GHASH over complete blocks */
    __m128i ctr;      /* byte-reversed counter of the next key-stream block */
    __m128i ekj0;     /* E(K, J0), the tag mask */
    uint8_t ks[16];   /* key stream of the open partial block */
    uint8_t pend[16]; /* its ciphertext so far, zero beyond `used` */
    const struct gcm_ctx *c;
    uint64_t aad_len, len;
    unsigned used;    /* bytes of ks consumed; 0 = no block open */
    int enc;
};

TGT GCM_TEXT
static void aesni_gcm_stream_init(void *st_, const void *ctx, int encrypt,
                                  const uint8_t iv[12], const uint8_t *aad, size_t aad_len)
{
    struct gcm_stream *st = st_;
    const struct gcm_ctx *c = ctx;
    const __m128i j0 = own_x86_gcm_j0(iv, 1);
    memset(st, 0, sizeof *st);
    st->c = c;
    st->enc = encrypt;
    st->aad_len = aad_len;
    st->ekj0 = own_x86_aes_enc_block(c->rk, c->rounds, j0);
    st->ctr = _mm_add_epi32(_mm_shuffle_epi8(j0, own_x86_bswap_mask()), _mm_set_epi32(0, 0, 0, 1));
    st->xi = ghash(c, _mm_setzero_si128(), aad, aad_len);
}

TGT GCM_TEXT
static void aesni_gcm_stream_update(void *st_, const uint8_t *in, size_t len, uint8_t *out)
{
    struct gcm_stream *st = st_;
    const struct gcm_ctx *c = st->c;
    const __m128i bswap = own_x86_bswap_mask(), one = _mm_set_epi32(0, 0, 0, 1);
    st->len += len;

    /* finish an open block */
    while (st->used && len) {
        uint8_t o = (uint8_t)(*in ^ st->ks[st->used]);
        st->pend[st->used++] = st->enc ? o : *in;
        *out++ = o;
        in++, len--;
        if (st->used == 16) {
            st->xi = ghash_chunk(c, st->xi, st->pend, 16, NULL);
            st->used = 0;
        }
    }
    size_t nb = len / 128;
    st->xi = gcm_bulk(c, &st->ctr, st->xi, in, nb, out, st->enc, NULL);
    if (nb && st->enc)
        st->xi = ghash_chunk(c, st->xi, out + 128 * (nb - 1), 128, NULL);
    in += 128 * nb, out += 128 * nb, len -= 128 * nb;

    /* whole blocks left (< 8), one at a time: streaming is not the fast path */
    size_t n = len / 16;
    if (n && !st->enc)
        st->xi = ghash_chunk(c, st->xi, in, 16 * n, NULL);
    for (size_t i = 0; i < n; i++) {
        const __m128i ks = own_x86_aes_enc_block(c->rk, c->rounds, _mm_shuffle_epi8(st->ctr, bswap));
        st->ctr = _mm_add_epi32(st->ctr, one);
        ST(out + 16 * i, _mm_xor_si128(LD(in + 16 * i), ks));
    }
    if (n && st->enc)
        st->xi = ghash_chunk(c, st->xi, out, 16 * n, NULL);
    in += 16 * n, out += 16 * n, len -= 16 * n;

    /* open a new partial block */
    if (len) {
        ST(st->ks, own_x86_aes_enc_block(c->rk, c->rounds, _mm_shuffle_epi8(st->ctr, bswap)));
        st->ctr = _mm_add_epi32(st->ctr, one);
        memset(st->pend, 0, sizeof st->pend);
        for (size_t i = 0; i < len; i++) {
            uint8_t o = (uint8_t)(in[i] ^ st->ks[i]);
            st->pend[i] = st->enc ? o : in[i];
            out[i] = o;
        }
        st->used = (unsigned)len;
    }
}

TGT GCM_TEXT
static int aesni_gcm_stream_final(void *st_, uint8_t tag[16])
{
    struct gcm_stream *st = st_;
    const struct gcm_ctx *c = st->c;
    const __m128i lens = _mm_set_epi64x((long long)(st->aad_len * 8), (long long)(st->len * 8));
    /* pend is zero beyond `used`, so a whole block hashes the padded one */
    const __m128i xi = ghash_chunk(c, st->xi, st->pend, st->used ? 16 : 0, &lens);
    uint8_t computed[16];
    ST(computed, _mm_xor_si128(_mm_shuffle_epi8(xi, own_x86_bswap_mask()), st->ekj0));
    if (st->enc) {
        memcpy(tag, computed, 16);
        return 0;
    }
    return own_tag_differs(computed, tag);
}

/* ---- XTS --------------------------------------------------------------- */

/* T * x in GF(2^128), XTS (little-endian) convention: shift each qword left,
 * carry bit 63 into bit 64 and fold bit 127 back as 0x87. */
TGT INL __m128i xts_mul_x(__m128i t)
{
    __m128i m = _mm_srai_epi32(_mm_shuffle_epi32(t, 0x13), 31);
    m = _mm_and_si128(m, _mm_set_epi32(0, 1, 0, 0x87));
    return _mm_xor_si128(_mm_add_epi64(t, t), m);
}

TGT XTS_TEXT
static void aesni_xts_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct xts_ctx *c = ctx;
    size_t half = key_len / 2;
    c->rounds = aesni_expand(key, half, c->ek);
    aesni_expand(key + half, half, c->tk);
    own_x86_aes_expand_dec(c->ek, c->rounds, c->dk);
}

/*
 * Rounds 1..rounds-1 of op on the states AESN names, as a loop over two
 * rounds at a time (round 1, then pairs; rounds is even, 10 or 14 here):
 * half the loop counting of one round an iteration, for the 4-wide pass.
 */
#define ROUNDS_ROLLED(AESN, op, rk, rounds)                                    \
    do {                                                                       \
        const __m128i *kp_ = (rk) + 2, *const ep_ = (rk) + (rounds);           \
        AESN(op, (rk)[1]);                                                     \
        do {                                                                   \
            AESN(op, kp_[0]);                                                  \
            AESN(op, kp_[1]);                                                  \
        } while ((kp_ += 2) != ep_);                                           \
    } while (0)

/* One block, E(b ^ t) ^ t or D(b ^ t) ^ t: the tweak (t = 0), single
 * blocks, the two stealing blocks; its rounds unrolled as in aes_block.
 * dec picks the sequence once, not each round.  Inlined at its uses: a
 * 16-byte message is two dependent blocks, and calls in front of each cost
 * it more than the bytes they save. */
TGT INL __m128i xts_block(const __m128i *rk, int rounds, __m128i b, __m128i t, int dec)
{
    b = _mm_xor_si128(_mm_xor_si128(b, t), rk[0]);
    const __m128i *k = rk + rounds;
    if (dec) {
        ROUNDS_UNROLLED(AES1, _mm_aesdec_si128, k, rounds);
        b = _mm_aesdeclast_si128(b, k[0]);
    } else {
        ROUNDS_UNROLLED(AES1, _mm_aesenc_si128, k, rounds);
        b = _mm_aesenclast_si128(b, k[0]);
    }
    return _mm_xor_si128(b, t);
}

/*
 * nq groups of 4 blocks from in to out with tweaks starting at t; returns
 * the tweak of the block after the last.  Inlined with a constant dec into
 * xts_quads_enc/dec: the hot loop gets a copy per direction.
 *
 * The next group's 4 tweaks are computed one doubling after each of
 * rounds 1, 3, 5 and 7, so the doubling chain hides under the rounds and
 * its vector ops are spread out rather than competing with the AES
 * rounds for the same pipes in a few rounds; the last-round
 * operands rk_last ^ T_i are formed just before the last round.  Four
 * blocks are only half the AES-NI latency x throughput of a core like Zen
 * 2's (4 cycles, 2 a cycle): the other half is the next group, which the
 * out-of-order core starts while this one finishes, as nothing but the
 * tweaks links them.  With 8 blocks an iteration the 8 tweaks, 8 states
 * and the next tweaks do not fit 16 XMM registers, and the spills and the
 * stack-parked last-round operands cost more than the wider batch gains.
 */
TGT INL __m128i xts_quads(const struct xts_ctx *c, __m128i t, const uint8_t *in, size_t nq,
                          uint8_t *out, int dec)
{
    const __m128i *rk = dec ? c->dk : c->ek;
    const int rounds = c->rounds;
    __m128i t0 = t, t1 = xts_mul_x(t0), t2 = xts_mul_x(t1), t3 = xts_mul_x(t2);
    for (; nq; nq--, in += 64, out += 64) {
        const __m128i k0 = rk[0];
        __m128i b0 = _mm_xor_si128(LD(in + 0), _mm_xor_si128(t0, k0));
        __m128i b1 = _mm_xor_si128(LD(in + 16), _mm_xor_si128(t1, k0));
        __m128i b2 = _mm_xor_si128(LD(in + 32), _mm_xor_si128(t2, k0));
        __m128i b3 = _mm_xor_si128(LD(in + 48), _mm_xor_si128(t3, k0));
        __m128i n0, n1, n2, n3;
        /* all rounds unrolled, the count read at run time (a loop here
         * would count once per 4 AESENCs); a doubling after rounds 1, 3,
         * 5 and 7 */
#define Q_ROUNDS(op, oplast)                                                   \
        do {                                                                   \
            AES4(op, rk[1]); n0 = xts_mul_x(t3);                               \
            AES4(op, rk[2]);                                                   \
            AES4(op, rk[3]); n1 = xts_mul_x(n0);                               \
            AES4(op, rk[4]);                                                   \
            AES4(op, rk[5]); n2 = xts_mul_x(n1);                               \
            AES4(op, rk[6]);                                                   \
            AES4(op, rk[7]); n3 = xts_mul_x(n2);                               \
            AES4(op, rk[8]); AES4(op, rk[9]);                                  \
            if (rounds > 10) { AES4(op, rk[10]); AES4(op, rk[11]); }           \
            if (rounds > 12) { AES4(op, rk[12]); AES4(op, rk[13]); }           \
            const __m128i kl = rk[rounds];                                     \
            b0 = oplast(b0, _mm_xor_si128(kl, t0));                            \
            b1 = oplast(b1, _mm_xor_si128(kl, t1));                            \
            b2 = oplast(b2, _mm_xor_si128(kl, t2));                            \
            b3 = oplast(b3, _mm_xor_si128(kl, t3));                            \
        } while (0)
        if (dec)
            Q_ROUNDS(_mm_aesdec_si128, _mm_aesdeclast_si128);
        else
            Q_ROUNDS(_mm_aesenc_si128, _mm_aesenclast_si128);
#undef Q_ROUNDS
        ST(out + 0, b0); ST(out + 16, b1); ST(out + 32, b2); ST(out + 48, b3);
        t0 = n0, t1 = n1, t2 = n2, t3 = n3;
    }
    return t0;
}

NOINL TGT XTS_TEXT
__m128i xts_quads_enc(const struct xts_ctx *c, __m128i t, const uint8_t *in,
                      size_t nq, uint8_t *out)
{
    return xts_quads(c, t, in, nq, out, 0);
}

NOINL TGT XTS_TEXT
__m128i xts_quads_dec(const struct xts_ctx *c, __m128i t, const uint8_t *in,
                      size_t nq, uint8_t *out)
{
    return xts_quads(c, t, in, nq, out, 1);
}

/* Everything but the group loop, for both directions (dec is public). */
NOINL TGT XTS_TEXT
void aesni_xts_crypt(const struct xts_ctx *c, const uint8_t tweak[16],
                     const uint8_t *in, size_t len, uint8_t *out, int dec)
{
    if (len < 16) /* XTS needs one whole block; the plugin rejects these */
        return;
    const __m128i *rk = dec ? c->dk : c->ek;
    const int rounds = c->rounds;
    const size_t r = len % 16;
    size_t n = len / 16 - (r != 0); /* blocks before any stealing */
    __m128i t = xts_block(c->tk, rounds, own_x86_xts_tweak(tweak), _mm_setzero_si128(), 0);
    if (n == 1) {
        /* a lone block (a 16-byte message's only one): the shortest path
         * through cold code */
        ST(out, xts_block(rk, rounds, LD(in), t, dec));
        t = xts_mul_x(t);
        in += 16, out += 16, n = 0;
    } else if (n > 4) {
        const size_t nq = n / 4;
        t = dec ? xts_quads_dec(c, t, in, nq, out) : xts_quads_enc(c, t, in, nq, out);
        in += 64 * nq, out += 64 * nq, n %= 4;
    } else if (n == 4) {
        /* 4 blocks alone: one 4-wide pass, fewer instructions than a group
         * of the loop above and the same latency as one block */
        const __m128i t0 = t, t1 = xts_mul_x(t0), t2 = xts_mul_x(t1), t3 = xts_mul_x(t2);
        __m128i b0 = _mm_xor_si128(LD(in + 0), _mm_xor_si128(t0, rk[0]));
        __m128i b1 = _mm_xor_si128(LD(in + 16), _mm_xor_si128(t1, rk[0]));
        __m128i b2 = _mm_xor_si128(LD(in + 32), _mm_xor_si128(t2, rk[0]));
        __m128i b3 = _mm_xor_si128(LD(in + 48), _mm_xor_si128(t3, rk[0]));
        const __m128i kl = rk[rounds];
        if (dec) {
            ROUNDS_ROLLED(AES4, _mm_aesdec_si128, rk, rounds);
            b0 = _mm_aesdeclast_si128(b0, _mm_xor_si128(kl, t0));
            b1 = _mm_aesdeclast_si128(b1, _mm_xor_si128(kl, t1));
            b2 = _mm_aesdeclast_si128(b2, _mm_xor_si128(kl, t2));
            b3 = _mm_aesdeclast_si128(b3, _mm_xor_si128(kl, t3));
        } else {
            ROUNDS_ROLLED(AES4, _mm_aesenc_si128, rk, rounds);
            b0 = _mm_aesenclast_si128(b0, _mm_xor_si128(kl, t0));
            b1 = _mm_aesenclast_si128(b1, _mm_xor_si128(kl, t1));
            b2 = _mm_aesenclast_si128(b2, _mm_xor_si128(kl, t2));
            b3 = _mm_aesenclast_si128(b3, _mm_xor_si128(kl, t3));
        }
        ST(out + 0, b0); ST(out + 16, b1); ST(out + 32, b2); ST(out + 48, b3);
        t = xts_mul_x(t3);
        in += 64, out += 64, n = 0;
    }
    /* 1..3 blocks left (after the groups, or a short message): a block at a
     * time, independent but for the tweak, so they overlap out of order;
     * lanes for them would run rounds on blocks that do not exist. */
    while (n) {
        ST(out, xts_block(rk, rounds, LD(in), t, dec));
        t = xts_mul_x(t);
        in += 16, out += 16, n--;
    }
    if (r) {
        /* in/out at the last whole block, t = T_{m-1}.  Encrypting: CC =
         * E(P_{m-1}) under T_{m-1}; C_m = CC[0..r); C_{m-1} = E(P_m ||
         * CC[r..16)) under T_m.  Decrypting, the same with D and the tweaks
         * in the other order (IEEE 1619): PP = D(C_{m-1}) under T_m, P_{m-1}
         * under T_{m-1}.  The partial input is read before the partial
         * output may overwrite it. */
        const __m128i tn = xts_mul_x(t);
        const __m128i ta = dec ? tn : t, tb = dec ? t : tn;
        const __m128i cc = xts_block(rk, rounds, LD(in), ta, dec);
        const __m128i pm = load_partial(in + 16, r);
        store_partial(out + 16, cc, r);
        const __m128i b = _mm_or_si128(pm, _mm_and_si128(cc, ones_from(r)));
        ST(out, xts_block(rk, rounds, b, tb, dec));
    }
}

TGT XTS_TEXT
static void aesni_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                              size_t len, uint8_t *out)
{
    aesni_xts_crypt(ctx, tweak, in, len, out, 0);
}

TGT XTS_TEXT
static void aesni_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                              size_t len, uint8_t *out)
{
    aesni_xts_crypt(ctx, tweak, in, len, out, 1);
}

/* ---- kernel table ------------------------------------------------------ */

const own_kernel AESNI_KERNEL = {
    .name = AESNI_NAME,
    .isa = AESNI_NAME,
    .cpu_ok = aesni_cpu_ok,
    .needs = AESNI_VEX ? "aes pclmul ssse3 sse4.1 avx" : "aes pclmul ssse3 sse4.1",
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(struct gcm_ctx),
    .gcm_init = aesni_gcm_init,
    .gcm_seal = aesni_gcm_seal,
    .gcm_open = aesni_gcm_open,
    .gcm_stream_bytes = sizeof(struct gcm_stream),
    .gcm_stream_init = aesni_gcm_stream_init,
    .gcm_stream_update = aesni_gcm_stream_update,
    .gcm_stream_final = aesni_gcm_stream_final,
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(struct xts_ctx),
    .xts_init = aesni_xts_init,
    .xts_encrypt = aesni_xts_encrypt,
    .xts_decrypt = aesni_xts_decrypt,
    .gcm_hp_init = aesni_gcm_hp_init,
    .gcm_seal_hp = aesni_gcm_seal_hp,
};
