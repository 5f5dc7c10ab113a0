# arm64 (aarch64): the own arm64 kernels' build flags, the every-length test
# program, and the tests that prove the arm64 build right (docs/arm64.md).
#
#   native aarch64 host (e.g. Graviton):  make / make test   - nothing special
#   x86-64 host:  make ARCH=arm64 deps    - cross compiler, qemu-user and the
#                                           distro OpenSSL for arm64 (multiarch)
#                 make ARCH=arm64 build   - build-aarch64/{aesbench,plugins/}
#                 make test-arm64         - (part of `make test`) the arm64
#                 build verified under qemu-aarch64 for three CPU models
#
# Nothing arm64 is ever timed on an x86 host: aesbench refuses to record
# throughput under emulation (harness/src/emulation.c).

# The fused GCM loop in kernels/arm64/common/ce_kernel.h is written with
# the GHASH work of a batch placed between its AES rounds.  GCC's pre-RA
# scheduler otherwise hoists all of a batch's GHASH above its first AES
# round (more live registers, no interleave in program order); the post-RA
# scheduler still runs.
$(BUILD)/obj/kernels/arm64/%.o: override CFLAGS += -fno-schedule-insns

# Every length 0..4096 for every own kernel (tests/arm64/lengths.c); built
# for the host too, where it computes the reference digests.
$(BUILD)/lengths: tests/arm64/lengths.c harness/include/aeslab_abi.h | $(BUILD)/.dir
	$(CC) $(CFLAGS_ALL) -o $@ $< -ldl $(LDFLAGS_SAN)

.PHONY: arm64-deps test-arm64 test-arm64-native
arm64-deps:
	@scripts/arm64-deps.sh

ifeq ($(ARCH),aarch64)
ifneq ($(HOST_ARCH),aarch64)
# `make ARCH=arm64 deps` also installs the cross toolchain, qemu and
# libssl-dev:arm64 (the distro OpenSSL plugin is built only when its
# libcrypto.a is there: run deps first, then build).
deps: arm64-deps
ifeq ($(OSSL_DISTRO_A),)
$(info note: /usr/lib/aarch64-linux-gnu/libcrypto.a is missing, so the distro OpenSSL arm64 plugin is left out (run `make ARCH=arm64 deps` first))
endif
endif
endif

ARM64_BUILD := build-aarch64
# One sub-make for the whole arm64 build, with every variable that would
# otherwise leak from this make's command line (BUILD, SANITIZE) pinned.
ARM64_MAKE = $(MAKE) --no-print-directory ARCH=aarch64 CROSS=aarch64-linux-gnu- \
             BUILD=$(ARM64_BUILD) SANITIZE= OPT=-O2

ifeq ($(HOST_ARCH),x86_64)
ifeq ($(ARCH),x86_64)
TEST_TARGETS += test-arm64
endif
endif

# Cross-build, then verify under qemu-aarch64 with -cpu max (AES, PMULL,
# SHA3), -cpu neoverse-n1 (AES, PMULL, no SHA3: EOR3 would trap) and -cpu
# max with AESLAB_ARMCAP=none (the portable fallback).  The every-length
# reference digests come from this host's own/portable.
test-arm64: $(BUILD)/lengths $(PLUGIN_DIR)/own.so
	@scripts/arm64-deps.sh
	@$(ARM64_MAKE) build $(ARM64_BUILD)/lengths
	@tests/arm64/run-qemu.sh --host-build $(BUILD) --arm64-build $(ARM64_BUILD)

# On an aarch64 host: the same checks natively (this CPU's dispatch path,
# and the fallbacks through AESLAB_ARMCAP), no emulator.
ifeq ($(HOST_ARCH),aarch64)
ifeq ($(ARCH),aarch64)
TEST_TARGETS += test-arm64-native
endif
endif
test-arm64-native: build $(BUILD)/lengths
	@tests/arm64/run-qemu.sh --native --arm64-build $(BUILD)
