# Tests of the harness and the Python side (run by scripts/run-tests.sh).
TEST_PLUGIN_DIR := $(BUILD)/test-plugins

$(TEST_PLUGIN_DIR)/%.so: tests/harness/plugins/%.c harness/include/aeslab_abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden -shared -o $@ $< -lcrypto $(LDFLAGS_SAN)

.PHONY: test-plugins test-harness test-asan test-py
test-plugins: $(TEST_PLUGIN_DIR)/broken.so $(TEST_PLUGIN_DIR)/wrong_abi.so

# aesbench end to end: every plugin verifies, faults are caught, the timing
# arithmetic is right, bad arguments are one-line errors, `vector` agrees
# with Python's cryptography for every implementation.
test-harness: build test-plugins
	AESLAB_BUILD=$(BUILD) $(PY) -m pytest -q tests/harness

# The harness and own kernels under ASan+UBSan.
test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 build-asan/aesbench build-asan/plugins/own.so build-asan/test-plugins/broken.so
	AESLAB_BUILD=build-asan AESLAB_ASAN=1 ASAN_OPTIONS=detect_leaks=0 $(PY) -m pytest -q tests/harness -k "asan"

test-py:
	@if ls tests/python/test_*.py >/dev/null 2>&1; then $(PY) -m pytest -q tests/python; \
	 else echo "no Python tests yet"; fi
