# Own kernels -> one plugin, $(PLUGIN_DIR)/own.so.
#
# Layout: kernels/<kernel>/ (portable) or kernels/<arch>/<kernel>/, one folder
# per kernel, named as the kernel (own/<kernel>).  Every .c/.S file in a
# kernel folder is compiled; ISA-specific code uses per-function target
# attributes, so one build runs on every CPU of the architecture and the
# plugin picks at run time.  kernels/kernel_list.c names the kernels.

OWN_ARCH_DIR_x86_64 := kernels/x86
OWN_ARCH_DIR_aarch64 := kernels/arm64
OWN_KERNEL_DIRS := kernels/portable kernels/auto $(sort $(dir $(wildcard $(OWN_ARCH_DIR_$(ARCH))/*/*.[cS])))
OWN_KERNEL_DIRS := $(patsubst %/,%,$(OWN_KERNEL_DIRS))
OWN_SRCS := kernels/common/common.c kernels/own_plugin.c kernels/kernel_list.c \
            $(foreach d,$(OWN_KERNEL_DIRS),$(wildcard $(d)/*.c $(d)/*.S))
OWN_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(OWN_SRCS)))
OWN_HDRS := $(wildcard kernels/include/*.h kernels/*/*.h kernels/*/*/*.h harness/include/*.h)
# Sources another kernel's source includes (vaes512-sb builds vaes512's
# gcm512.c): every object that lists the headers as prerequisites lists
# these too, so an edit there rebuilds the kernel that includes it.
OWN_HDRS += kernels/x86/vaes512/gcm512.c

# Functions in source order, starting on 64-byte lines, loops on 32-byte
# boundaries: where a kernel's hot code falls, inside a function and
# between its functions, then changes only when its own source does, not
# when the compiler reorders or the link puts more code before it (with
# the defaults, changing XTS code moved the unchanged GCM functions and
# their short-message timings; the commit that added this has figures).
OWN_KFLAGS := -fno-toplevel-reorder -falign-functions=64 -falign-loops=32

# The VAES kernels' key set-up runs once per key, and its bytes count in
# every VAES path's reachable code (aesbench list): compiled for size.
$(BUILD)/obj/kernels/x86/vaes256/vaes_ctx.o: OWN_KFLAGS += -Os

$(BUILD)/.dir:
	@mkdir -p $(BUILD)/obj $(PLUGIN_DIR) $(BUILD)/gen && touch $@

$(BUILD)/obj/%.o: %.c $(OWN_HDRS) kernels/kernels.mk | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(OWN_KFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S $(OWN_HDRS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# Machine-code size of each kernel, per algorithm family (GCM, XTS): the bytes
# of every function reachable from the kernel's entry points in the linked
# code (scripts/codesize.py), reported by `aesbench list`.  The code is read
# from a link of the same objects without the table (own-nosize.so), so the
# table never depends on itself.
OWN_KOBJS := $(filter-out $(BUILD)/obj/gen/%,$(OWN_OBJS))
$(BUILD)/gen/own-nosize.so: $(OWN_KOBJS) | $(BUILD)/.dir
	$(CC) -shared -o $@ $^ -Wl,--version-script=$(ROOT)/harness/plugin.map $(LDFLAGS_SAN)

$(BUILD)/gen/own_codesize.c: $(BUILD)/gen/own-nosize.so scripts/codesize.py
	@python3 scripts/codesize.py own --objdump "$(CROSS)objdump" --nm "$(CROSS)nm" \
	  --readelf "$(CROSS)readelf" --so $< --objroot $(BUILD)/obj \
	  $(foreach d,$(OWN_KERNEL_DIRS),$(notdir $(d))=$(d)) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/own_codesize.o: $(BUILD)/gen/own_codesize.c | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(PLUGIN_DIR)/own.so: $(OWN_OBJS) $(BUILD)/obj/gen/own_codesize.o
	$(CC) -shared -o $@ $^ -Wl,--version-script=$(ROOT)/harness/plugin.map $(LDFLAGS_SAN)

PLUGINS += $(PLUGIN_DIR)/own.so

# own kernels' version: the project's version and commit
AESLAB_VERSION := $(shell sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml 2>/dev/null | head -1)
AESLAB_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo nogit)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
$(BUILD)/obj/kernels/own_plugin.o: CFLAGS += -DAESLAB_OWN_VERSION='"$(AESLAB_VERSION)+$(AESLAB_COMMIT)"'
# The string is compiled into own_plugin.o, which nothing else makes stale:
# a stamp rewritten only when the string changes rebuilds it, so a build
# after a commit never reports the previous commit's version.
OWN_VERSION_STAMP := $(BUILD)/gen/own_version.txt
$(OWN_VERSION_STAMP): own-version-check
	@:
.PHONY: own-version-check
own-version-check:
	@mkdir -p $(BUILD)/gen
	@echo '$(AESLAB_VERSION)+$(AESLAB_COMMIT)' | cmp -s - $(OWN_VERSION_STAMP) || \
	  echo '$(AESLAB_VERSION)+$(AESLAB_COMMIT)' > $(OWN_VERSION_STAMP)
$(BUILD)/obj/kernels/own_plugin.o: $(OWN_VERSION_STAMP)
