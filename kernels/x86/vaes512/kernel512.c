/*
 * kernel512.c - own/vaes512: the table that makes gcm512.c and xts512.c a
 * kernel (see own_kernel.h).
 */
#include "own_kernel.h"
#include "../common/x86_aes.h"
#include "../vaes256/vaes_ctx.h"
#include "gcm512.h"

static int cpu_ok(void)
{
    return own_x86_cpu_vaes512();
}

const own_kernel own_kernel_vaes512 = {
    .name = "vaes512",
    .isa = "vaes512",
    .cpu_ok = cpu_ok,
    .needs = OWN_X86_VAES512_NEEDS,
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(vaes_gcm_ctx),
    .gcm_init = own_vaes_gcm_init,
    .gcm_seal = own_v512_gcm_seal,
    .gcm_open = own_v512_gcm_open,
    .gcm_hp_init = own_vaes_gcm_hp_init,
    .gcm_seal_hp = own_v512_gcm_seal_hp,
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(vaes_xts_ctx),
    .xts_init = own_vaes_xts_init,
    .xts_encrypt = own_v512_xts_encrypt,
    .xts_decrypt = own_v512_xts_decrypt,
};
