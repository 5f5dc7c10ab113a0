/*
 * kernel256.c - own/vaes256: the table that makes gcm256.c and xts256.c a
 * kernel (see own_kernel.h).
 */
#include "own_kernel.h"
#include "../common/x86_aes.h"
#include "vaes_ctx.h"
#include "gcm256.h"

static int cpu_ok(void)
{
    return own_x86_cpu_vaes256();
}

const own_kernel own_kernel_vaes256 = {
    .name = "vaes256",
    .isa = "vaes256",
    .cpu_ok = cpu_ok,
    .needs = "aes pclmul ssse3 sse4.1 avx avx2 vaes vpclmulqdq",
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(vaes_gcm_ctx),
    .gcm_init = own_vaes_gcm_init,
    .gcm_seal = own_v256_gcm_seal,
    .gcm_open = own_v256_gcm_open,
    .gcm_hp_init = own_vaes_gcm_hp_init,
    .gcm_seal_hp = own_v256_gcm_seal_hp,
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(vaes_xts_ctx),
    .xts_init = own_vaes_xts_init,
    .xts_encrypt = own_v256_xts_encrypt,
    .xts_decrypt = own_v256_xts_decrypt,
};
