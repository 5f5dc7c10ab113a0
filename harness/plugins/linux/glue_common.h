/*
 * glue_common.h - small helpers shared by the Linux-derived plugins' glue.
 */
#ifndef AESLAB_LINUX_GLUE_COMMON_H
#define AESLAB_LINUX_GLUE_COMMON_H

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aeslab_abi.h"

/* Wipe that the compiler cannot drop as a dead store. */
static inline void lx_wipe(void *p, size_t n)
{
    if (!n)
        return;
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* Constant-time 16-byte comparison: 0 if equal, 1 otherwise. */
static inline int lx_tag_differs(const uint8_t a[16], const uint8_t b[16])
{
    uint8_t d = 0;
    for (int i = 0; i < 16; i++)
        d |= a[i] ^ b[i];
    /* d is 0..255; (d - 1) >> 8 is all ones only for d == 0 */
    return (int)(1 & ~(((unsigned)d - 1) >> 8));
}

/* Key objects hold round keys and hash-key powers that the assembly reads
 * with aligned loads in places: allocate on a 64-byte boundary. */
static inline void *lx_alloc(size_t n)
{
    void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
    if (p)
        memset(p, 0, n);
    return p;
}

/* The assembly takes int or unsigned int lengths. */
#define LX_LEN_OK(n) ((n) <= (size_t)INT_MAX)

#endif /* AESLAB_LINUX_GLUE_COMMON_H */
