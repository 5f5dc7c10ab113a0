# OpenSSL peers: the distro OpenSSL 3.0 (Debian libssl-dev) and the newest
# release from the crate openssl-src (versions.mk), each linked statically,
# one shared object per code path (see evp_plugin.c for why and how a path
# is forced).  Plugin files: openssl-<M.m>.so is the library as shipped,
# openssl-<M.m>-<path>.so a forced path.
#
# The distro 3.0 plugins must build (libssl-dev is a dependency); the
# source build is optional: the target peer-openssl-<M.m> in
# OPTIONAL_PLUGINS leaves it out with a message when it fails.
#
# What the OpenSSL family shares (link flags, the crate-peer and per-path
# rules, the path checker) is in harness/plugins/kit/kit.mk.

include harness/plugins/kit/kit.mk
include harness/plugins/openssl/versions.mk

OSSL_SRCDIR := harness/plugins/openssl

# --- distro OpenSSL 3.0 ------------------------------------------------------
OSSL_DISTRO_A := $(firstword $(wildcard /usr/lib/$(ARCH)-linux-gnu/libcrypto.a))
DEB_ARCH_x86_64 := amd64
DEB_ARCH_aarch64 := arm64
OSSL_DISTRO_DEB := $(shell dpkg-query -W -f='$${Version}' libssl-dev:$(DEB_ARCH_$(ARCH)) 2>/dev/null)
ifeq ($(ARCH),x86_64)
OSSL30_PATHS := aesni-avx aesni noaesni
endif
ifneq ($(OSSL_DISTRO_A),)
PLUGINS += $(PLUGIN_DIR)/openssl-3.0.so $(foreach p,$(OSSL30_PATHS),$(PLUGIN_DIR)/openssl-3.0-$(p).so)
endif

OSSL30_BUILD = $(CC) $(CFLAGS_ALL) -fvisibility=hidden -shared -o $@ $< \
	  -DEVP_LIB_NAME='"openssl-3.0"' -DEVP_VERSION_EXTRA='" (Debian libssl-dev $(OSSL_DISTRO_DEB))"' \
	  $(OSSL_DISTRO_A) -lpthread -ldl $(PEER_LINK_FLAGS)

$(eval $(call KIT_PATH_PLUGINS,openssl-3.0,$(OSSL_SRCDIR)/evp_plugin.c $(KIT_EVP_DEPS) $(OSSL_DISTRO_A),OSSL30_BUILD,EVP_PATH,evp))

# --- newest OpenSSL, from the crate openssl-src --------------------------------
# 400.0.2+4.0.3 -> release 4.0.3 -> implementation prefix openssl-4.0
OSSL_NEW_RELEASE := $(lastword $(subst +, ,$(OPENSSL_SRC_CRATE_VERSION)))
OSSL_NEW_MM := $(word 1,$(subst ., ,$(OSSL_NEW_RELEASE))).$(word 2,$(subst ., ,$(OSSL_NEW_RELEASE)))
OSSL_NEW_DIR := $(call kit_crate_dir,openssl-src,$(OPENSSL_SRC_CRATE_VERSION))
OSSL_NEW_A := $(OSSL_NEW_DIR)/lib/libcrypto.a
# Everything build.sh leaves in the cache that the plugins use.
OSSL_NEW_OUT := $(OSSL_NEW_A) $(OSSL_NEW_DIR)/include/openssl/opensslv.h
OSSL_NEW_PATHS := $(if $(filter x86_64,$(ARCH)),vaes512 aesni-avx aesni noaesni)
OSSL_NEW_SOS := $(PLUGIN_DIR)/openssl-$(OSSL_NEW_MM).so \
                $(foreach p,$(OSSL_NEW_PATHS),$(PLUGIN_DIR)/openssl-$(OSSL_NEW_MM)-$(p).so)
$(eval $(call KIT_CRATE_PEER,peer-openssl-$(OSSL_NEW_MM),$(OSSL_NEW_SOS),$(OSSL_NEW_OUT),$(OSSL_SRCDIR)/build.sh,$(OPENSSL_SRC_CRATE_VERSION)))

OSSL_NEW_BUILD = $(CC) $(CFLAGS_ALL) -I$(OSSL_NEW_DIR)/include -fvisibility=hidden -shared -o $@ $< \
	  -DEVP_LIB_NAME='"openssl-$(OSSL_NEW_MM)"' \
	  -DEVP_VERSION_EXTRA='" (crate openssl-src $(OPENSSL_SRC_CRATE_VERSION))"' \
	  $(OSSL_NEW_A) -lpthread -ldl $(PEER_LINK_FLAGS)

$(eval $(call KIT_PATH_PLUGINS,openssl-$(OSSL_NEW_MM),$(OSSL_SRCDIR)/evp_plugin.c $(KIT_EVP_DEPS) $(OSSL_NEW_OUT),OSSL_NEW_BUILD,EVP_PATH,evp))

# --- direct-assembly rows (asm_plugin.c): openssl-<M.m>-asm.so ----------------
# The GCM assembly called as the provider calls it, without EVP: aesni-asm
# (both releases) and vaes512-asm (3.6+).  Optional for both releases
# (peer-openssl-<M.m>-asm in OPTIONAL_PLUGINS): it links library-internal
# symbols whose names and context layout are release-specific
# (ossl_gcm_compat.h), so a release where they moved is left out with a
# note instead of failing the build.  code_bytes comes from `nm -S` of the
# archive's assembly objects (<plugin>.syms.inc).
OSSL_ASM_SYMS_CMD = nm -S --defined-only $(1) 2>/dev/null | \
	  awk '/:$$/ {m = $$1; next} m ~ /(aesni-x86_64|aesni-gcm-x86_64|ghash-x86_64|aes-gcm-avx512)\.o:$$/ \
	       && NF == 4 && ($$3 == "T" || $$3 == "t") {printf "{\"%s\", 0x%s},\n", $$4, $$2}' > $@.tmp && mv $@.tmp $@
OSSL_ASM_BUILD = $(CC) $(CFLAGS_ALL) -fvisibility=hidden -shared -o $@ $< \
	  -DASM_SYMS_INC='"$(abspath $(word 2,$^))"'

ifeq ($(ARCH),x86_64)
ifneq ($(OSSL_DISTRO_A),)
OPTIONAL_PLUGINS += peer-openssl-3.0-asm
endif
OPTIONAL_PLUGINS += peer-openssl-$(OSSL_NEW_MM)-asm
endif
.PHONY: peer-openssl-3.0-asm peer-openssl-$(OSSL_NEW_MM)-asm
peer-openssl-3.0-asm: $(PLUGIN_DIR)/openssl-3.0-asm.so
peer-openssl-$(OSSL_NEW_MM)-asm: $(PLUGIN_DIR)/openssl-$(OSSL_NEW_MM)-asm.so

$(BUILD)/openssl-3.0-asm.syms.inc: $(OSSL_DISTRO_A) | $(BUILD)/.dir
	@$(call OSSL_ASM_SYMS_CMD,$<)
$(BUILD)/openssl-$(OSSL_NEW_MM)-asm.syms.inc: $(OSSL_NEW_OUT) | $(BUILD)/.dir
	@$(call OSSL_ASM_SYMS_CMD,$(OSSL_NEW_A))

$(PLUGIN_DIR)/openssl-3.0-asm.so: $(OSSL_SRCDIR)/asm_plugin.c $(BUILD)/openssl-3.0-asm.syms.inc \
    $(OSSL_SRCDIR)/ossl_gcm_compat.h $(KIT_IA32CAP_DEPS) harness/include/aeslab_abi.h $(OSSL_DISTRO_A) | $(BUILD)/.dir
	$(OSSL_ASM_BUILD) -DASM_LIB_NAME='"openssl-3.0"' \
	  -DASM_VERSION_EXTRA='" (Debian libssl-dev $(OSSL_DISTRO_DEB))"' \
	  $(OSSL_DISTRO_A) -lpthread -ldl $(PEER_LINK_FLAGS)

$(PLUGIN_DIR)/openssl-$(OSSL_NEW_MM)-asm.so: $(OSSL_SRCDIR)/asm_plugin.c \
    $(BUILD)/openssl-$(OSSL_NEW_MM)-asm.syms.inc $(OSSL_SRCDIR)/ossl_gcm_compat.h \
    $(KIT_IA32CAP_DEPS) harness/include/aeslab_abi.h $(OSSL_NEW_OUT) | $(BUILD)/.dir
	$(OSSL_ASM_BUILD) -I$(OSSL_NEW_DIR)/include -DASM_LIB_NAME='"openssl-$(OSSL_NEW_MM)"' \
	  -DASM_VERSION_EXTRA='" (crate openssl-src $(OPENSSL_SRC_CRATE_VERSION))"' \
	  $(OSSL_NEW_A) -lpthread -ldl $(PEER_LINK_FLAGS)

# --- path checker (kit/kit.mk): test-paths-openssl -----------------------------
$(eval $(call KIT_TEST_PATHS,openssl,$(OSSL_SRCDIR)/paths.expect,openssl-*.so,--require openssl-3.0))
