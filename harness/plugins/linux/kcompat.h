/*
 * kcompat.h - just enough of the kernel's build environment to assemble
 * the assembly of arch/x86/crypto and compile lib/crypto/aes.c and crypto/aes_generic.c
 * in user space, unchanged.
 *
 * Every kernel source file is compiled with `-include kcompat.h` and an
 * include directory of EMPTY stand-ins for the headers it names
 * (<linux/linkage.h>, <linux/cfi_types.h>, <crypto/aes.h>, ...; the build
 * generates them, see plugin.mk), so whatever those headers would provide
 * comes from here.  The definitions are this project's own minimal ones,
 * not copies of the kernel's:
 *
 *  - SYM_FUNC_START/END and friends: a global, hidden, 16-byte-aligned
 *    function symbol with its ELF type and size.  Hidden, so that calls from
 *    the glue bind directly (no PLT) and nothing leaks out of the plugin.
 *  - SYM_TYPED_FUNC_START: kCFI type hashes only matter for indirect calls
 *    inside a kCFI kernel; here it is a plain function start.
 *  - RET: a plain `ret`.  In the kernel it may be a jump to the return
 *    thunk (retbleed / SLS mitigations); user space has no such thunk, and
 *    it only matters for the (tiny) per-call overhead.
 *  - ANNOTATE_NOENDBR (<linux/objtool.h>): tells objtool a function needs
 *    no ENDBR; user space has no objtool, so it expands to nothing.
 *  - FRAME_BEGIN/FRAME_END: empty, as in a kernel built without frame
 *    pointers (Debian's x86-64 kernels use the ORC unwinder).
 *  - kernel_fpu_begin()/end() are not needed: user space owns its vector
 *    registers.  Their cost in the kernel (an XSAVE/XRSTOR pair per return
 *    to user space, seed 004) is therefore NOT in these measurements.
 *
 * The C side provides the integer types, the unaligned little/big-endian
 * accessors, rotates, the attributes the sources use, struct crypto_aes_ctx
 * laid out as the assembly expects (key_enc at 0, key_dec at 240,
 * key_length at 480), and inert stand-ins for module/registration
 * boilerplate.
 */
#ifndef AESLAB_KCOMPAT_H
#define AESLAB_KCOMPAT_H

#ifdef __ASSEMBLER__

#define SYM_FUNC_START(name) \
    .globl name ; .hidden name ; .type name, @function ; .p2align 4 ; name:
#define SYM_FUNC_START_LOCAL(name) \
    .type name, @function ; .p2align 4 ; name:
#define SYM_TYPED_FUNC_START(name) SYM_FUNC_START(name)
#define SYM_FUNC_END(name) .size name, . - name
#define SYM_FUNC_ALIAS(alias, name) .globl alias ; .hidden alias ; .set alias, name
#define SYM_FUNC_ALIAS_LOCAL(alias, name) .set alias, name
#define RET ret
#define ANNOTATE_NOENDBR /* objtool's IBT marker: nothing to do here */
#define FRAME_BEGIN
#define FRAME_END

#else /* C */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;

#ifndef EINVAL
#define EINVAL 22
#endif

#define __aligned(x) __attribute__((aligned(x)))
#define ____cacheline_aligned __attribute__((aligned(64)))
#define __alias(sym) __attribute__((alias(#sym)))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __visible
#define __init
#define __exit

static inline u32 ror32(u32 w, unsigned s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
static inline u32 rol32(u32 w, unsigned s) { return (w << (s & 31)) | (w >> ((-s) & 31)); }

static inline u32 get_unaligned_le32(const void *p)
{
    u32 v;
    memcpy(&v, p, 4);
    return v; /* x86-64 is little-endian */
}
static inline void put_unaligned_le32(u32 v, void *p) { memcpy(p, &v, 4); }
static inline u32 get_unaligned_be32(const void *p) { return __builtin_bswap32(get_unaligned_le32(p)); }

/* Module and export boilerplate: declarations that declare nothing useful. */
#define KCOMPAT_NOTHING extern int aeslab_kcompat_unused
#define EXPORT_SYMBOL(sym) KCOMPAT_NOTHING
#define EXPORT_SYMBOL_GPL(sym) KCOMPAT_NOTHING
#define MODULE_DESCRIPTION(s) KCOMPAT_NOTHING
#define MODULE_AUTHOR(s) KCOMPAT_NOTHING
#define MODULE_LICENSE(s) KCOMPAT_NOTHING
#define MODULE_ALIAS_CRYPTO(s) KCOMPAT_NOTHING
#define subsys_initcall(fn) KCOMPAT_NOTHING
#define module_init(fn) KCOMPAT_NOTHING
#define module_exit(fn) KCOMPAT_NOTHING
#define THIS_MODULE NULL

/* <crypto/aes.h> */
#define AES_BLOCK_SIZE 16
#define AES_MIN_KEY_SIZE 16
#define AES_MAX_KEY_SIZE 32
#define AES_KEYSIZE_128 16
#define AES_KEYSIZE_192 24
#define AES_KEYSIZE_256 32
#define AES_MAX_KEYLENGTH_U32 60

/* Round keys for encryption, round keys for the Equivalent Inverse Cipher
 * (decryption), key length in bytes: the offsets the assembly hard-codes. */
struct crypto_aes_ctx {
    u32 key_enc[AES_MAX_KEYLENGTH_U32];
    u32 key_dec[AES_MAX_KEYLENGTH_U32];
    u32 key_length;
};
_Static_assert(offsetof(struct crypto_aes_ctx, key_length) == 480, "key_length offset");

static inline int aes_check_keylen(unsigned int len)
{
    return (len == 16 || len == 24 || len == 32) ? 0 : -EINVAL;
}
int aes_expandkey(struct crypto_aes_ctx *ctx, const u8 *in_key, unsigned int key_len);
void aes_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);
void aes_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);

/* <crypto/algapi.h>: aes_generic.c reaches its key schedule through a
 * transform object and registers a cipher descriptor; here the transform is
 * a pointer to the schedule and registration does nothing. */
struct crypto_tfm {
    void *ctx;
};
static inline void *crypto_tfm_ctx(struct crypto_tfm *tfm) { return tfm->ctx; }
#define CRYPTO_ALG_TYPE_CIPHER 1
struct cipher_alg {
    unsigned int cia_min_keysize, cia_max_keysize;
    int (*cia_setkey)(struct crypto_tfm *, const u8 *, unsigned int);
    void (*cia_encrypt)(struct crypto_tfm *, u8 *, const u8 *);
    void (*cia_decrypt)(struct crypto_tfm *, u8 *, const u8 *);
};
struct crypto_alg {
    const char *cra_name, *cra_driver_name;
    int cra_priority;
    u32 cra_flags;
    unsigned int cra_blocksize, cra_ctxsize;
    const void *cra_module;
    union {
        struct cipher_alg cipher;
    } cra_u;
};
static inline int crypto_register_alg(struct crypto_alg *alg) { (void)alg; return 0; }
static inline void crypto_unregister_alg(struct crypto_alg *alg) { (void)alg; }

#endif /* __ASSEMBLER__ */
#endif /* AESLAB_KCOMPAT_H */
