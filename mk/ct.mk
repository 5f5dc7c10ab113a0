# Constant-time check of the own kernels under valgrind memcheck (tests/ct/).
CT_SRCS := tests/ct/ct_check.c kernels/common/common.c kernels/kernel_list.c \
           $(foreach d,$(OWN_KERNEL_DIRS),$(wildcard $(d)/*.c $(d)/*.S))
# Kernels valgrind can execute (no AVX-512/VAES in valgrind 3.19).
CT_KERNELS_x86_64 := portable aesni aesni-avx
CT_KERNELS_aarch64 := portable
CT_KERNELS := $(CT_KERNELS_$(ARCH))

$(BUILD)/ct_check: $(CT_SRCS) $(OWN_HDRS) | $(BUILD)/.dir
	$(CC) $(OPT) -g -std=gnu11 -D_GNU_SOURCE -I$(ROOT)/kernels/include -o $@ $(CT_SRCS)

.PHONY: test-ct
CT_UNCHECKED := $(filter-out $(CT_KERNELS) auto,$(notdir $(OWN_KERNEL_DIRS)))
test-ct: $(BUILD)/ct_check
	valgrind -q --error-exitcode=1 --track-origins=yes --suppressions=tests/ct/ct.supp \
	  $(BUILD)/ct_check $(CT_KERNELS)
	@for k in $(CT_UNCHECKED); do \
	  echo "skip: constant-time check of own/$$k: valgrind cannot execute its instructions" \
	       "(README, Constant time, says what covers it)"; done

TEST_TARGETS += test-ct
