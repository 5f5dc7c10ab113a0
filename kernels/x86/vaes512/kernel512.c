/*
 * kernel512.c - own/vaes512: the table that makes gcm512.c and xts512.c a
 * kernel (see own_kernel.h).
 */
#include "own_kernel.h"
#include "../common/x86_aes.h"
#include "../vaes256/vaes_ctx.h"
#include "gcm512.h"

const own_kernel own_kernel_vaes512 = {
    .name = "vaes512",
    OWN_VAES512_GCM_FIELDS(own_v512),
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(vaes_xts_ctx),
    .xts_init = own_vaes_xts_init,
    .xts_encrypt = own_v512_xts_encrypt,
    .xts_decrypt = own_v512_xts_decrypt,
};
