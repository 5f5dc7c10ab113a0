# own/auto's choice and every fallback of the x86-64 build under
# qemu-x86_64 CPU models without AVX, AVX2, VAES or AES-NI
# (tests/x86/qemu-models.sh says which and why).
ifeq ($(ARCH),x86_64)
.PHONY: test-x86-models
test-x86-models: $(BUILD)/aesbench $(PLUGIN_DIR)/own.so
	@tests/x86/qemu-models.sh $(BUILD)/aesbench $(PLUGIN_DIR)

TEST_TARGETS += test-x86-models
endif
