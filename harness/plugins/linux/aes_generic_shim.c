/*
 * aes_generic_shim.c - reach the block functions of crypto/aes_generic.c.
 *
 * The kernel file keeps its encrypt/decrypt functions static and hands them
 * to the crypto API in a cipher descriptor (aes_alg), which the ecb and xts
 * templates then call once per block through a transform object.  This unit
 * includes the unchanged kernel file (from the build cache) and exports one
 * wrapper per direction that calls through that same descriptor, with the
 * transform pointing at a crypto_aes_ctx that aes_expandkey() filled (what
 * the driver's own setkey does).
 */
#include "crypto/aes_generic.c"

void lx_aes_generic_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);
void lx_aes_generic_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);

void lx_aes_generic_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in)
{
    struct crypto_tfm tfm = {(void *)ctx};
    aes_alg.cra_u.cipher.cia_encrypt(&tfm, out, in);
}

void lx_aes_generic_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in)
{
    struct crypto_tfm tfm = {(void *)ctx};
    aes_alg.cra_u.cipher.cia_decrypt(&tfm, out, in);
}
