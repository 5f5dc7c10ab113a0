# kit.mk - make helpers shared by the OpenSSL-family fragments (openssl/,
# boringssl/, awslc/ plugin.mk include it; read once however many do).
# A peer built from a crate and forced onto one code path per shared object
# needs only its variables and four calls:
#   XX_DIR := $(call kit_crate_dir,<crate>,<version>)
#   $(eval $(call KIT_CRATE_PEER,peer-xx,<plugins>,<cache outputs>,<build.sh>,<version>))
#   $(eval $(call KIT_PATH_PLUGINS,xx,<source> <deps>,XX_BUILD,<MACRO>,<as-shipped path>))
#   $(eval $(call KIT_TEST_PATHS,xx,<paths.expect>,xx*.so))
ifndef KIT_MK
KIT_MK := 1

KIT_DIR := harness/plugins/kit
# The kit headers a plugin source includes: the capability vector
# (ia32cap.h, needs.h) and, for the EVP family, evp_kit.h.
KIT_IA32CAP_DEPS := $(KIT_DIR)/ia32cap.h $(KIT_DIR)/needs.h
KIT_EVP_DEPS := $(KIT_DIR)/evp_kit.h $(KIT_IA32CAP_DEPS) harness/include/aeslab_abi.h

# Every library symbol stays inside the plugin; only aeslab_plugin_entry is
# exported, so several copies of OpenSSL (and BoringSSL, AWS-LC) coexist.
PEER_LINK_FLAGS = -Wl,--version-script=$(ROOT)/harness/plugin.map -Wl,--exclude-libs,ALL \
                  -Wl,--no-undefined $(LDFLAGS_SAN)

# The cache entry of a crate build: $(CACHE)/<crate>-<version>, and for
# other architectures a separate entry <crate>-<version>-<arch>.
kit_crate_dir = $(CACHE)/$(1)-$(2)$(if $(filter x86_64,$(ARCH)),,-$(ARCH))

# $(call KIT_CRATE_PEER,<target>,<plugins>,<cache outputs>,<build.sh>,<crate version>)
# An optional peer: <target> (in OPTIONAL_PLUGINS on x86-64 and aarch64)
# builds <plugins>; a failure leaves them out with a message.  The cache
# outputs have no prerequisites: the cache is keyed by version, so existing
# outputs are never rebuilt (build.sh itself also skips a finished build).
define KIT_CRATE_PEER
ifneq ($$(filter x86_64 aarch64,$$(ARCH)),)
OPTIONAL_PLUGINS += $(1)
endif
.PHONY: $(1)
$(1): $(2)

$(3) &:
	@$(4) $$(CACHE) $(5) $$(ARCH)
endef

# $(call KIT_PATH_PLUGINS,<prefix>,<source> <deps>,<compile variable>,<MACRO>,<as-shipped>)
# One shared object per code path: <prefix>.so is compiled with
# -D<MACRO>_<as-shipped>, <prefix>-<path>.so with -D<MACRO>_<path> (dashes
# become underscores).  The compile variable is a recursively expanded
# command that uses $@ and $<.
define KIT_PATH_PLUGINS
$$(PLUGIN_DIR)/$(1).so: $(2) | $$(BUILD)/.dir
	$$($(3)) -D$(4)_$(5)

$$(PLUGIN_DIR)/$(1)-%.so: $(2) | $$(BUILD)/.dir
	$$($(3)) -D$(4)_$$(subst -,_,$$*)
endef

# --- path checker (pathcheck.c + pathcheck.py) ---------------------------------
$(BUILD)/pathcheck: $(KIT_DIR)/pathcheck.c harness/include/aeslab_abi.h | $(BUILD)/.dir
	$(CC) $(CFLAGS_ALL) -o $@ $< -ldl

# $(call KIT_TEST_PATHS,<lib>,<paths.expect>,<plugin glob>[,<pathcheck.py options>])
# test-paths-<lib>: run every plugin of <lib> under gdb and check that each
# path runs the library functions it claims (paths.expect) and not the
# others.  Plugins that were not built here are reported and skipped.
define KIT_TEST_PATHS
ifeq ($$(ARCH),x86_64)
TEST_TARGETS += test-paths-$(1)
endif
.PHONY: test-paths-$(1)
test-paths-$(1): $$(BUILD)/pathcheck
	@$$(PY) $$(KIT_DIR)/pathcheck.py --driver $$(BUILD)/pathcheck \
	  --expect $(2)$(if $(4), $(4)) $$(wildcard $$(PLUGIN_DIR)/$(3))
endef

endif # KIT_MK
