/*
 * own/aesni - AES-GCM (128/192/256) and AES-XTS (128/256) with AES-NI and
 * PCLMULQDQ on 128-bit registers, legacy SSE encoding: runs on every CPU
 * with AES-NI, PCLMULQDQ and SSE4.1, AVX or not.
 *
 * The algorithm is described at the top of ../common/aesni_kernel.h.
 */
#define AESNI_VEX 0
#define AESNI_KERNEL own_kernel_aesni
#define AESNI_NAME "aesni"
#include "../common/aesni_kernel.h"
