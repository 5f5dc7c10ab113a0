/*
 * Helpers every own kernel shares: constant-time tag check, the GCM length
 * block, and a wipe the compiler cannot drop.
 */
#include <string.h>
#include "own_kernel.h"

int own_tag_differs(const uint8_t a[16], const uint8_t b[16])
{
    /* OR of all byte differences, folded to one bit without a branch. */
    uint32_t d = 0;
    for (int i = 0; i < 16; i++)
        d |= (uint32_t)(a[i] ^ b[i]);
    return (int)((d + 0xffu) >> 8); /* 0 if d == 0, else 1 */
}

void own_wipe(void *p, size_t n)
{
    memset(p, 0, n);
    /* Tell the compiler the zeroes are observed. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

int own_gcm_finish_open(const uint8_t computed[16], const uint8_t expected[16],
                        uint8_t *out, size_t len)
{
    int bad = own_tag_differs(computed, expected);
    /* The result of the comparison is public once returned; wiping on a
     * mismatch is the one place a branch on it is allowed. */
    if (bad && len)
        own_wipe(out, len);
    return bad;
}

void own_gcm_len_block(uint8_t block[16], uint64_t aad_len, uint64_t len)
{
    uint64_t a = aad_len * 8, c = len * 8;
    for (int i = 0; i < 8; i++) {
        block[i] = (uint8_t)(a >> (56 - 8 * i));
        block[8 + i] = (uint8_t)(c >> (56 - 8 * i));
    }
}
