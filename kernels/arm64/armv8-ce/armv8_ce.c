/*
 * own/armv8-ce - AES-GCM (128/192/256) and AES-XTS (128/256) with the Armv8
 * Cryptographic Extension (AESE/AESMC + PMULL), the fused GCM loop unrolled
 * by 8 (Arm's recommendation for Neoverse V1/N2 and later), Karatsuba
 * multiplies, one GHASH reduction per 8 blocks.  Needs HWCAP AES + PMULL.
 *
 * The algorithm - loop structure, how AES and GHASH are interleaved, blocks
 * in flight, delayed reduction, tails, XTS - is described at the top of
 * ../common/ce_kernel.h, the one body the three arm64 kernels share.
 */
#define CE_UNROLL 8
#define CE_EOR3 0
#define CE_XTS 1
#define CE_KERNEL own_kernel_armv8_ce
#define CE_NAME "armv8-ce"
#include "../common/ce_kernel.h"
