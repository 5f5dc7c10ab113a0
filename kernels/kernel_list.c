/*
 * The own kernels this build offers, best first within an ISA family.  A
 * kernel whose folder is absent from this build (other architecture) is a
 * weak reference that resolves to NULL and is skipped.
 */
#include "own_kernel.h"

#define OWN_KERNEL(n) extern const own_kernel own_kernel_##n __attribute__((weak));
OWN_KERNEL(portable)
OWN_KERNEL(auto)
OWN_KERNEL(aesni)
OWN_KERNEL(aesni_avx)
OWN_KERNEL(vaes256)
OWN_KERNEL(vaes512)
OWN_KERNEL(vaes512_sb)
OWN_KERNEL(fused)
OWN_KERNEL(armv8_ce)
OWN_KERNEL(armv8_ce_eor3)
OWN_KERNEL(armv8_ce_u4)
#undef OWN_KERNEL

const own_kernel *const own_kernel_candidates[] = {
    &own_kernel_auto,
    &own_kernel_portable,
    &own_kernel_aesni,
    &own_kernel_aesni_avx,
    &own_kernel_vaes256,
    &own_kernel_vaes512,
    &own_kernel_vaes512_sb,
    &own_kernel_fused,
    &own_kernel_armv8_ce,
    &own_kernel_armv8_ce_eor3,
    &own_kernel_armv8_ce_u4,
};
const unsigned own_kernel_n_candidates =
    sizeof own_kernel_candidates / sizeof own_kernel_candidates[0];
