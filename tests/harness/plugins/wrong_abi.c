/* wrong_abi.c - a plugin built for another ABI version must be left out. */
#include "aeslab_abi.h"
static aeslab_plugin plugin = {AESLAB_ABI_VERSION + 1, "wrong-abi", NULL, 0, 0};
AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void) { return &plugin; }
