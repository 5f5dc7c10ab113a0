/*
 * kernel.c - the own/portable kernel table.
 *
 * own/portable is plain C11 with no intrinsics: AES is bitsliced four
 * blocks at a time (aes_bitsliced.c), GHASH multiplies with integer
 * multiplies and holes (ghash_ctmul.c), GCM and XTS are in gcm.c and xts.c.
 * It runs on every CPU and is the differential reference for every other
 * implementation, so it is also the simplest to check by reading.
 */
#include "own_kernel.h"
#include "portable.h"

const own_kernel own_kernel_portable = {
    .name = "portable",
    .isa = "generic",
    .cpu_ok = NULL,

    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(own_pt_gcm_ctx),
    .gcm_init = own_pt_gcm_init,
    .gcm_seal = own_pt_gcm_seal,
    .gcm_open = own_pt_gcm_open,

    .gcm_stream_bytes = sizeof(own_pt_gcm_stream),
    .gcm_stream_init = own_pt_gcm_stream_init,
    .gcm_stream_update = own_pt_gcm_stream_update,
    .gcm_stream_final = own_pt_gcm_stream_final,

    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(own_pt_xts_ctx),
    .xts_init = own_pt_xts_init,
    .xts_encrypt = own_pt_xts_encrypt,
    .xts_decrypt = own_pt_xts_decrypt,

    .gcm_hp_init = own_pt_gcm_hp_init,
    .gcm_seal_hp = own_pt_gcm_seal_hp,

    .describe = NULL,
};
