/*
 * needs.h - the text of aeslab_impl.needs ("aes pclmul avx2 ...") from a
 * plugin's own CPU-feature bits.  Shared by kit/ia32cap.h (the OpenSSL
 * family's capability-vector words) and linux/cpu_x86.h (CPUID bits of the
 * Linux-derived plugins): each keeps its table of bit -> name(s), in the
 * order the names are to appear.
 */
#ifndef AESLAB_KIT_NEEDS_H
#define AESLAB_KIT_NEEDS_H

#include <stddef.h>
#include <stdio.h>

/* `names` (one or more, space-separated) when bit `bit` of need[word] is set. */
struct kit_need_name {
    int word;
    unsigned bit;
    const char *names;
};

/* The names of the bits set in need[] into buf; NULL if none. */
static inline const char *kit_needs(const struct kit_need_name *t, size_t n_t,
                                    const unsigned *need, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n_t; i++)
        if (need[t[i].word] & t[i].bit) {
            int k = snprintf(buf + used, n - used, "%s%s", used ? " " : "", t[i].names);
            if (k < 0 || (size_t)k >= n - used)
                break;
            used += (size_t)k;
        }
    return used ? buf : NULL;
}

#endif /* AESLAB_KIT_NEEDS_H */
