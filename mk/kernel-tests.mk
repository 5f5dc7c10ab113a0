# Correctness tests of the own x86 VAES kernels (vaes256, vaes512, fused,
# auto), linked straight from their sources with own/portable as the
# reference (tests/kernels/x86_vaes_test.c says what is covered):
#   x86_vaes_test       the kernels as own.so builds them
#   x86_vaes_test_asan  the same under ASan + UBSan
#   x86_vaes_ctr_test   a build whose J0 counter is a variable: counter wrap
# Each runs the kernels this CPU has the ISA for.  The rest run on a
# software emulation of VAES/AVX-512 (tests/kernels/emu/: SIMDe + a small
# shim, checked first by emu_shim_test against this CPU's AES-NI and
# PCLMULQDQ): emu/x86_vaes_test and emu/x86_vaes_ctr_test, the same
# sources with -DOWN_X86_EMULATED.  Emulated builds are for these tests
# only, never timed, never part of own.so.
#
# Tuning knobs of the kernels (KTEST_VARIANTS) are each built once more and
# put through the every-length GCM test (the XTS ones, x512-*, the XTS
# test), natively where the CPU can run the kernel (nat/x86_vaes_test-ID),
# emulated otherwise (emu/x86_vaes_test-ID).
# Only the objects a knob changes are rebuilt per variant.
#
# tests/kernels/x86-kernel-tests.sh decides what runs where and builds the
# variant and emulated binaries it needs; a check that cannot run prints
# one line starting with "skip: ".
ifeq ($(ARCH),x86_64)

KTEST_SRCS := tests/kernels/x86_vaes_test.c kernels/common/common.c kernels/auto/auto.c kernels/auto/picks.c \
              $(wildcard kernels/portable/*.c) $(wildcard kernels/x86/*/*.c)
KTEST_DIR := $(BUILD)/tests

$(KTEST_DIR)/x86_vaes_test: $(KTEST_SRCS) $(OWN_HDRS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $(KTEST_SRCS)

$(KTEST_DIR)/x86_vaes_test_asan: $(KTEST_SRCS) $(OWN_HDRS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined -o $@ $(KTEST_SRCS)

$(KTEST_DIR)/x86_vaes_ctr_test: $(KTEST_SRCS) $(OWN_HDRS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DOWN_VAES_TEST_CTR -o $@ $(KTEST_SRCS)

# ---- emulated builds ---------------------------------------------------------
# tests/kernels/emu/ comes first on the include path, so the kernels'
# <immintrin.h> is SIMDe's.  SIMDE_NO_INLINE keeps the emulated intrinsics
# out of line: inlined, the fully unrolled kernels take minutes per file to
# compile at -O2.  own/aesni is in: own/auto's measured picks name it beside
# the VAES kernels on some CPU models (auto-FAMILY-MODEL in x86_vaes_test.c).
KTEST_EMU_HDRS := $(wildcard tests/kernels/emu/*.h)
KTEST_EMU_CFLAGS = -Itests/kernels/emu $(CFLAGS_ALL) -DOWN_X86_EMULATED -DSIMDE_NO_INLINE -Wno-psabi
KTEST_OBJS_emu := $(patsubst %.c,$(KTEST_DIR)/emu/obj/%.o,$(KTEST_SRCS))
KTEST_EMU_CTR_OBJS := $(patsubst %.c,$(KTEST_DIR)/emu/ctr/%.o,$(KTEST_SRCS))
KTEST_OBJS_nat := $(patsubst %.c,$(KTEST_DIR)/nat/obj/%.o,$(KTEST_SRCS))

$(KTEST_DIR)/emu/obj/%.o: %.c $(OWN_HDRS) $(KTEST_EMU_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_EMU_CFLAGS) -c $< -o $@

$(KTEST_DIR)/emu/ctr/%.o: %.c $(OWN_HDRS) $(KTEST_EMU_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_EMU_CFLAGS) -DOWN_VAES_TEST_CTR -c $< -o $@

$(KTEST_DIR)/nat/obj/%.o: %.c $(OWN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(KTEST_DIR)/emu/x86_vaes_test: $(KTEST_OBJS_emu)
	$(CC) -o $@ $^

$(KTEST_DIR)/emu/x86_vaes_ctr_test: $(KTEST_EMU_CTR_OBJS)
	$(CC) -o $@ $^

$(KTEST_DIR)/emu_shim_test: tests/kernels/emu_shim_test.c $(KTEST_EMU_HDRS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-psabi -o $@ $<

# ---- knob variants -----------------------------------------------------------
# ID: the -D flags, the source they change, the kernel that shows it.
KTEST_VARIANTS := v512-v4 v512-half v512-v4h v512-p257 v256-w2 v256-w4 v256-w8 auto-fmax \
                  x512-mul x512-shift
KTEST_V_v512-v4 := GCM512_V=4
KTEST_V_v512-half := GCM512_SEAL_HALF=1
KTEST_V_v512-v4h := GCM512_V=4 GCM512_SEAL_HALF=1
KTEST_V_v512-p257 := GCM512_PART=257
KTEST_V_v256-w2 := GCM256_W=2
KTEST_V_v256-w4 := GCM256_W=4
KTEST_V_v256-w8 := GCM256_W=8
KTEST_V_auto-fmax := AUTO_FUSED_MAX=4096
KTEST_V_x512-mul := XTS512_TWEAK=1
KTEST_V_x512-shift := XTS512_TWEAK=2
KTEST_VSRC_v512 := kernels/x86/vaes512/gcm512.c
KTEST_VSRC_v256 := kernels/x86/vaes256/gcm256.c
KTEST_VSRC_auto := kernels/auto/auto.c
KTEST_VSRC_x512 := kernels/x86/vaes512/xts512.c
KTEST_VK_v512 := vaes512
KTEST_VK_v256 := vaes256
KTEST_VK_auto := auto
KTEST_VK_x512 := vaes512
# The half of the test a family's knobs change (x86_vaes_test --gcm-only or
# --xts-only): gcm unless named here.
KTEST_VONLY_x512 := xts
kvfam = $(firstword $(subst -, ,$(1)))
kvsrc = $(KTEST_VSRC_$(call kvfam,$(1)))
kvonly = $(or $(KTEST_VONLY_$(call kvfam,$(1))),gcm)

# $(1) = nat|emu, $(2) = variant ID
define KTEST_VARIANT_RULES
$(KTEST_DIR)/$(1)/$(2)/%.o: %.c $(OWN_HDRS) $(if $(filter emu,$(1)),$(KTEST_EMU_HDRS))
	@mkdir -p $$(dir $$@)
	$(CC) $(if $(filter emu,$(1)),$$(KTEST_EMU_CFLAGS),$$(CFLAGS_ALL)) \
	  $(addprefix -D,$(KTEST_V_$(2))) -DOWN_VAES_TEST_VARIANT='"$(KTEST_V_$(2))"' -c $$< -o $$@
$(KTEST_DIR)/$(1)/x86_vaes_test-$(2): $(patsubst %.c,$(KTEST_DIR)/$(1)/$(2)/%.o,tests/kernels/x86_vaes_test.c $(call kvsrc,$(2))) \
    $(filter-out %/tests/kernels/x86_vaes_test.o %/$(basename $(call kvsrc,$(2))).o,$(KTEST_OBJS_$(1)))
	$(CC) -o $$@ $$^
endef
$(foreach f,nat emu,$(foreach v,$(KTEST_VARIANTS),$(eval $(call KTEST_VARIANT_RULES,$(f),$(v)))))

.PHONY: test-kernels-x86
# The MAKE reference makes the driver's own builds share this make's jobs.
test-kernels-x86: $(KTEST_DIR)/x86_vaes_test $(KTEST_DIR)/x86_vaes_test_asan $(KTEST_DIR)/x86_vaes_ctr_test
	@MAKE='$(MAKE)' CC='$(CC)' KTEST_DIR='$(KTEST_DIR)' \
	  KTEST_VARIANTS='$(foreach v,$(KTEST_VARIANTS),$(v):$(KTEST_VK_$(call kvfam,$(v))):$(call kvonly,$(v)))' \
	  tests/kernels/x86-kernel-tests.sh

TEST_TARGETS += test-kernels-x86
endif
