/*
 * own/armv8-ce-u4 - own/armv8-ce with the fused GCM loop unrolled by 4
 * instead of 8 (4 blocks in flight, one GHASH reduction per 4 blocks): the
 * "before" of the seeds' unroll-by-8 comparison, measured with the same
 * code otherwise.  GCM only (its XTS would be armv8-ce's).  Needs HWCAP
 * AES + PMULL.
 *
 * The algorithm is described at the top of ../common/ce_kernel.h.
 */
#define CE_UNROLL 4
#define CE_EOR3 0
#define CE_XTS 0
#define CE_KERNEL own_kernel_armv8_ce_u4
#define CE_NAME "armv8-ce-u4"
#include "../common/ce_kernel.h"
