# libsodium (Debian libsodium-dev): crypto_aead_aes256gcm, the static
# library linked into the plugin with every symbol hidden.
SODIUM_A := /usr/lib/$(ARCH)-linux-gnu/libsodium.a
ifeq ($(ARCH),x86_64)
OPTIONAL_PLUGINS += $(PLUGIN_DIR)/libsodium.so
endif

# SODIUM_AESGCM_TEXT: .text bytes of the library's AES-GCM object.
$(PLUGIN_DIR)/libsodium.so: harness/plugins/libsodium/sodium_plugin.c harness/include/aeslab_abi.h $(wildcard $(SODIUM_A)) | $(BUILD)/.dir
	@test -r $(SODIUM_A) || { echo "libsodium: $(SODIUM_A) missing (Debian package libsodium-dev)" >&2; exit 1; }
	@text=$$(size -A $(SODIUM_A) 2>/dev/null | \
	    awk '/\(ex / {o = $$1} $$1 == ".text" && o ~ /aes256gcm_aesni/ {print $$2; exit}'); \
	echo "$(CC) ... -o $@ $< $(SODIUM_A)"; \
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden -shared -o $@ $< \
	  -DSODIUM_DEB_VERSION='"$(shell dpkg-query -W -f='$${Version}' libsodium-dev 2>/dev/null)"' \
	  -DSODIUM_AESGCM_TEXT=$${text:-0} \
	  $(SODIUM_A) -lpthread -Wl,-z,noexecstack \
	  -Wl,--version-script=$(ROOT)/harness/plugin.map -Wl,--exclude-libs,ALL $(LDFLAGS_SAN)
