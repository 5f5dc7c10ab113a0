# Correctness tests of the own x86 VAES kernels (vaes256, vaes512, fused,
# auto), linked straight from their sources with own/portable as the
# reference (tests/kernels/x86_vaes_test.c says what is covered):
#   x86_vaes_test       the kernels as own.so builds them
#   x86_vaes_test_asan  the same under ASan + UBSan
#   x86_vaes_ctr_test   a build whose J0 counter is a variable: counter wrap
ifeq ($(ARCH),x86_64)

KTEST_SRCS := tests/kernels/x86_vaes_test.c kernels/common/common.c kernels/auto/auto.c \
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

.PHONY: test-kernels-x86
# Exit status 77 (no VAES on this CPU) counts as a pass with a message.
test-kernels-x86: $(KTEST_DIR)/x86_vaes_test $(KTEST_DIR)/x86_vaes_test_asan $(KTEST_DIR)/x86_vaes_ctr_test
	@for t in $^; do \
	  ASAN_OPTIONS=detect_leaks=0 $$t; rc=$$?; \
	  if [ $$rc -eq 77 ]; then echo "$$t: skipped (no VAES)"; \
	  elif [ $$rc -ne 0 ]; then echo "$$t: FAILED"; exit 1; fi; \
	done

TEST_TARGETS += test-kernels-x86
endif
