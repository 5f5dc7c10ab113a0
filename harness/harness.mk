# The harness: build/aesbench.
HARNESS_SRCS := $(wildcard harness/src/*.c)
HARNESS_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(HARNESS_SRCS)))

$(BUILD)/obj/harness/src/%.o: harness/src/%.c $(wildcard harness/src/*.h) harness/include/aeslab_abi.h | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/aesbench: $(HARNESS_OBJS)
	$(CC) -o $@ $^ -ldl -lpthread -lm $(LDFLAGS_SAN)
