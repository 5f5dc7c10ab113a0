# lab/null: the harness's own floor (null_plugin.c says why).  Built on
# every architecture; `aesbench run` measures it beside what it times.
$(PLUGIN_DIR)/lab.so: harness/plugins/lab/null_plugin.c harness/include/aeslab_abi.h | $(BUILD)/.dir
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden -shared -o $@ $< \
	  -Wl,--version-script=$(ROOT)/harness/plugin.map $(LDFLAGS_SAN)

PLUGINS += $(PLUGIN_DIR)/lab.so
