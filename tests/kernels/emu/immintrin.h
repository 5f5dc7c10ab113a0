/*
 * immintrin.h for the emulated kernel tests only (mk/kernel-tests.mk puts
 * this folder first on the include path of the *_emu builds): the kernels'
 * own `#include <immintrin.h>` then gets SIMDe's portable versions of the
 * intrinsics under their usual names, plus own_emu_shim.h for what SIMDe
 * lacks.  Those builds define OWN_X86_EMULATED, which empties the kernels'
 * target attributes (see x86_aes.h), so the compiler never emits the
 * emulated ISA itself.
 */
#ifndef OWN_EMU_IMMINTRIN_H
#define OWN_EMU_IMMINTRIN_H

#ifndef OWN_X86_EMULATED
#error "tests/kernels/emu/ is for builds with -DOWN_X86_EMULATED only"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <simde/x86/clmul.h>

#include "own_emu_shim.h"

#endif
