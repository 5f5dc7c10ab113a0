# The harness: build/aesbench.
HARNESS_SRCS := $(wildcard harness/src/*.c)
HARNESS_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(HARNESS_SRCS)))

$(BUILD)/obj/harness/src/%.o: harness/src/%.c $(wildcard harness/src/*.h) harness/include/aeslab_abi.h | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/aesbench: $(HARNESS_OBJS)
	$(CC) -o $@ $^ -ldl -lpthread -lm $(LDFLAGS_SAN)

# The --cold disturbance: ~1 MiB of generated machine code in one unit.
# -O1 without debug info keeps its compile near 15 s (-O2 -g takes 4x as
# long for the same kind of code); it depends on aesbench.h only.
$(BUILD)/obj/harness/src/coldcode.o: harness/src/coldcode.c harness/src/aesbench.h harness/include/aeslab_abi.h | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O1 -g0 -c $< -o $@
