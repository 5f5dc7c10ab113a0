/* algs.c - the algorithms the lab measures. */
#include <string.h>

#include "aesbench.h"

const alg_info alg_table[] = {
    {"aes-128-gcm", 0, 16, 128}, {"aes-192-gcm", 0, 24, 192}, {"aes-256-gcm", 0, 32, 256},
    {"aes-128-xts", 1, 32, 128}, {"aes-256-xts", 1, 64, 256},
};
const size_t alg_count = sizeof alg_table / sizeof alg_table[0];

const alg_info *alg_find(const char *name)
{
    for (size_t i = 0; i < alg_count; i++)
        if (strcmp(alg_table[i].name, name) == 0)
            return &alg_table[i];
    return NULL;
}
