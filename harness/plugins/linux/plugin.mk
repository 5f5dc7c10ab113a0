# Linux-derived peers: the kernel's x86-64 AES-GCM / AES-XTS assembly (and
# its generic C AES) from Debian's linux-source-7.2 (sid), linux-source-6.12
# (backports) and linux-source-6.1,
# assembled here in user space behind our own glue.  Nothing from the
# kernel is kept in the tree: build.sh extracts the few files it needs into
# $(CACHE)/linux-<package version>/ (fetch-source.sh) at build time.
# Optional: a machine without the source package (or not x86-64) leaves
# these plugins out with a message.
ifeq ($(ARCH),x86_64)
LX_SOS := $(PLUGIN_DIR)/linux-7.2.so $(PLUGIN_DIR)/linux-6.12.so $(PLUGIN_DIR)/linux-6.1.so
OPTIONAL_PLUGINS += $(LX_SOS)
endif

LX_DEPS := $(wildcard harness/plugins/linux/*.c harness/plugins/linux/*.h) harness/plugins/kit/needs.h \
           harness/plugins/linux/build.sh harness/plugins/linux/fetch-source.sh \
           harness/include/aeslab_abi.h harness/plugin.map

# Rebuilt when an installed source package changes version (its dpkg file
# list); a downloaded one (6.12 from backports, 7.2 from sid) is looked up
# again whenever the plugin is rebuilt.
$(LX_SOS): $(PLUGIN_DIR)/linux-%.so: $(LX_DEPS) $(wildcard /var/lib/dpkg/info/linux-source-*.list) | $(BUILD)/.dir
	@CC="$(CC)" CFLAGS="$(CFLAGS_ALL)" LDFLAGS_SAN="$(LDFLAGS_SAN)" CACHE="$(CACHE)" ROOT="$(ROOT)" \
	  harness/plugins/linux/build.sh $* $@ $(BUILD)/obj/linux-$*

# make test: every row of the Linux-derived, ipsec-mb and libsodium plugins
# is present and verifies (check-rows.sh lists them).
ifeq ($(ARCH),x86_64)
TEST_TARGETS += test-peers-linux
endif
.PHONY: test-peers-linux
test-peers-linux: $(BUILD)/aesbench
	@harness/plugins/linux/check-rows.sh $(BUILD)/aesbench $(PLUGIN_DIR)
