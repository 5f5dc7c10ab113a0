/*
 * own/armv8-ce-eor3 - own/armv8-ce (fused GCM loop unrolled by 8) with the
 * three-way XOR EOR3 of the Armv8.2 SHA3 extension: the closing
 * state ^ last-round-key ^ input of every CTR and XTS block, the pairwise
 * accumulation of the GHASH partial products, the Karatsuba fix-up and the
 * two folds of the reduction are one instruction each instead of two.
 * Needs HWCAP AES + PMULL + SHA3; compiled with target("arch=armv8.2-a+
 * crypto+sha3") per function, so it is only ever entered after that check.
 *
 * The algorithm is described at the top of ../common/ce_kernel.h.
 */
#define CE_UNROLL 8
#define CE_EOR3 1
#define CE_XTS 1
#define CE_KERNEL own_kernel_armv8_ce_eor3
#define CE_NAME "armv8-ce-eor3"
#include "../common/ce_kernel.h"
