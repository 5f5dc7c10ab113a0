/*
 * kernel512sb.c - own/vaes512-sb: the table that makes gcm512sb.c a kernel
 * (see own_kernel.h).  GCM only; the key context is vaes512's.
 */
#include "own_kernel.h"
#include "../common/x86_aes.h"
#include "../vaes256/vaes_ctx.h"
#include "../vaes512/gcm512.h"

const own_kernel own_kernel_vaes512_sb = {
    .name = "vaes512-sb",
    OWN_VAES512_GCM_FIELDS(own_v512sb),
};
