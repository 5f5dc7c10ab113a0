/*
 * vaes_ctx.h - key contexts shared by the VAES kernels (vaes256, vaes512,
 * fused) and by own/auto, which initialises one context and then calls
 * whichever of them suits the CPU and the message length directly.
 *
 * Everything a message needs is precomputed here once per key, so that no
 * message re-derives anything: the round keys already broadcast to all four
 * 128-bit lanes (a 512-bit, 256-bit or 128-bit load of the same address
 * gives the key for a zmm, ymm or xmm AES round without a shuffle), and 48
 * powers of the GHASH key laid out for loading four at a time.
 *
 * GHASH powers: hpow[i] = H^(VAES_NPOW - i) * x^-1 in the register form of
 * kernels/x86/common/x86_aes.h, so hpow[VAES_NPOW - 1] is H' and a 64-byte
 * load at &hpow[VAES_NPOW - e] gives the multipliers (H^e, H^(e-1),
 * H^(e-2), H^(e-3)) for four consecutive blocks, the first of which must be
 * multiplied by H^e.  VAES_NPAD zero entries follow so that a partial
 * last vector of blocks, or the zero-filled end of the 512-bit open's
 * partial last chunk (gcm512.c), may load past H^1: its lanes there hold
 * zero data.
 * hkar[i] holds (hi ^ lo) of hpow[i] in both qwords, the precomputed half
 * of a Karatsuba middle product.
 */
#ifndef OWN_VAES_CTX_H
#define OWN_VAES_CTX_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define VAES_NPOW 64
#define VAES_NPAD 20

typedef struct vaes_gcm_ctx {
    __m512i rk[15];      /* AES round keys, each in all four lanes        */
    __m128i rk1[15];     /* the same, 16 bytes each: gcm256.c's main loop */
                         /* broadcasts one per round                      */
    __m256i hp_pair[15]; /* QUIC HP: (round key, hp round key) per round  */
    /* 64-byte aligned so that the main loops' four-power loads never split
     * a cache line. */
    __m128i hpow[VAES_NPOW + VAES_NPAD] __attribute__((aligned(64)));
    __m128i hkar[VAES_NPOW + VAES_NPAD] __attribute__((aligned(64)));
    int rounds;          /* 10, 12 or 14 */
    int hp_set;
} vaes_gcm_ctx;

typedef struct vaes_xts_ctx {
    __m512i ek[15];      /* data key, encryption, in all four lanes       */
    __m512i dk[15];      /* data key, Equivalent Inverse Cipher           */
    __m128i tk[15];      /* tweak key                                     */
    int rounds;
    int tweak_shift;     /* xts512.c: the x^16 tweak step by shifts       */
} vaes_xts_ctx;

/*
 * J0's 32-bit counter: 1 for every 96-bit IV, so with the public API the
 * counter cannot wrap below 2^32 blocks (64 GiB).  Test builds of the
 * kernels (tests/kernels/, never own.so) define OWN_VAES_TEST_CTR to make it
 * a variable and drive the counter across the 2^32 wrap and the byte
 * carries the counter fast path relies on.
 */
#ifdef OWN_VAES_TEST_CTR
extern uint32_t own_vaes_test_ctr0;
#define VAES_J0_CTR own_vaes_test_ctr0
#else
#define VAES_J0_CTR 1u
#endif

/* vaes_ctx.c: key set-up (AES-NI; runs on any CPU the kernels run on). */
void own_vaes_gcm_init(void *ctx, const uint8_t *key, size_t key_len);
void own_vaes_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len);
void own_vaes_gcm_hp_mask(const void *ctx, const uint8_t sample[16], uint8_t mask[16]);
void own_vaes_xts_init(void *ctx, const uint8_t *key, size_t key_len);

#endif /* OWN_VAES_CTX_H */
