/*
 * own/aesni-avx - own/aesni's code compiled for a target with AVX: the same
 * algorithm on 128-bit registers, every instruction VEX-encoded, so the
 * three-operand forms spare the register copies SSE's two-operand forms
 * need.  Needs AVX (and the OS saving YMM state) besides AES-NI and
 * PCLMULQDQ; only entered after cpu_ok() has checked that.
 *
 * The algorithm is described at the top of ../common/aesni_kernel.h.
 */
#define AESNI_VEX 1
#define AESNI_KERNEL own_kernel_aesni_avx
#define AESNI_NAME "aesni-avx"
#include "../common/aesni_kernel.h"
