# intel-ipsec-mb (Debian libipsec-mb-dev): its AES-GCM per architecture,
# the static library linked into the plugin with every symbol hidden.
IPSECMB_A := /usr/lib/$(ARCH)-linux-gnu/libIPSec_MB.a
ifeq ($(ARCH),x86_64)
OPTIONAL_PLUGINS += $(PLUGIN_DIR)/ipsec-mb.so
endif

$(BUILD)/gen/ipsecmb-objsizes.inc: $(wildcard $(IPSECMB_A)) | $(BUILD)/.dir
	@test -r $(IPSECMB_A) || { echo "ipsec-mb: $(IPSECMB_A) missing (Debian package libipsec-mb-dev)" >&2; exit 1; }
	@size -A $(IPSECMB_A) | awk '/\(ex / {o = $$1} $$1 == ".text" {printf "    {\"%s\", %s},\n", o, $$2}' > $@

$(PLUGIN_DIR)/ipsec-mb.so: harness/plugins/ipsec-mb/ipsecmb_plugin.c harness/include/aeslab_abi.h $(BUILD)/gen/ipsecmb-objsizes.inc | $(BUILD)/.dir
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden -I$(BUILD)/gen -shared -o $@ $< \
	  -DIPSECMB_DEB_VERSION='"$(shell dpkg-query -W -f='$${Version}' libipsec-mb-dev 2>/dev/null)"' \
	  $(IPSECMB_A) -Wl,-z,noexecstack \
	  -Wl,--version-script=$(ROOT)/harness/plugin.map -Wl,--exclude-libs,ALL $(LDFLAGS_SAN)
