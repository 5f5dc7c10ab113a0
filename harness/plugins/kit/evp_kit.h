/*
 * evp_kit.h - what the EVP-family plugins share: openssl/evp_plugin.c
 * (OpenSSL) and kit/aead_plugin.c (BoringSSL, AWS-LC).  Each of them forces
 * one code path per shared object by masking its private copy of the
 * library's capability vector; this header holds the path record, the
 * masking, supported(), XTS through EVP_CIPHER (the same calls in all three
 * libraries) and the fields of an implementation row that they fill alike.
 *
 * The including file includes the library's <openssl/crypto.h> and
 * <openssl/evp.h> (BoringSSL/AWS-LC: <openssl/cipher.h>) first.
 */
#ifndef AESLAB_KIT_EVP_KIT_H
#define AESLAB_KIT_EVP_KIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "aeslab_abi.h"
#include "ia32cap.h"

/*
 * A forced path.  need[] = CPU bits the path requires (it is reported as
 * not supported otherwise); clear[] = bits cleared in this copy's vector
 * (words as in ia32cap.h).  gcm/xts = what runs, in the library's own
 * function names (xts NULL: the path has no XTS row, because its XTS is the
 * same code as another row's or the library has a single XTS).
 */
struct kit_path {
    const char *name, *isa, *gcm, *xts;
    unsigned need[4], clear[4];
};

/* The plugin's one path and its vector as probed, before masking. */
static const struct kit_path *kit_path;
static unsigned kit_cpu_caps[4];

/* Keep the probed vector `caps` (the library's own, already filled) for
 * supported(), then clear p->clear in it.  Called from
 * aeslab_plugin_entry() before any key, hence any cipher context, exists:
 * every selection the libraries make reads the vector at key set-up or
 * later. */
static void kit_force_path(const struct kit_path *p, unsigned caps[4])
{
    kit_path = p;
    for (int w = 0; w < 4; w++) {
        kit_cpu_caps[w] = caps[w];
        caps[w] &= ~p->clear[w];
    }
}

static int kit_supported(const aeslab_impl *self)
{
    (void)self;
    return ia32cap_covers(kit_cpu_caps, kit_path->need);
}

/* The implementation notes: what the plugin calls (calls_*) followed by
 * what runs on this path. */
static char kit_gcm_note[640], kit_xts_note[640];

static void kit_notes(const char *calls_gcm, const char *calls_xts)
{
    snprintf(kit_gcm_note, sizeof kit_gcm_note, "%s%s", calls_gcm, kit_path->gcm);
    if (kit_path->xts)
        snprintf(kit_xts_note, sizeof kit_xts_note, "%s%s", calls_xts, kit_path->xts);
}

/* Appends a row for `alg` to `plugin` (whose impls array has room) with
 * the fields every EVP-family plugin fills alike; the caller sets the key
 * and cipher functions. */
static aeslab_impl *kit_add(aeslab_plugin *plugin, aeslab_impl *impls, const char *name,
                            const char *library, const char *version, const char *alg, int xts)
{
    aeslab_impl *d = &impls[plugin->n_impls++];
    d->name = name;
    d->library = library;
    d->version = version;
    d->alg = alg;
    d->isa = kit_path->isa;
    d->note = xts ? kit_xts_note : kit_gcm_note;
    d->supported = kit_supported;
#if defined(__x86_64__)
    static char needs[160];
    d->needs = ia32cap_needs(kit_path->need, needs, sizeof needs);
#endif
    return d;
}

/* --- a key as two EVP_CIPHER contexts (OpenSSL: GCM and XTS; BoringSSL and
 * AWS-LC: XTS).  The key schedule is done once per key object (Init with
 * the key and no IV), outside the timed loop. */

struct kit_evp_key {
    EVP_CIPHER_CTX *enc, *dec;
};

static void kit_evp_key_free(void *key)
{
    struct kit_evp_key *k = key;
    if (!k)
        return;
    EVP_CIPHER_CTX_free(k->enc);
    EVP_CIPHER_CTX_free(k->dec);
    free(k);
}

/* The caller has checked that key is c's key length. */
static void *kit_evp_key_new(const EVP_CIPHER *c, const uint8_t *key)
{
    struct kit_evp_key *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->enc = EVP_CIPHER_CTX_new();
    k->dec = EVP_CIPHER_CTX_new();
    if (!k->enc || !k->dec || EVP_EncryptInit_ex(k->enc, c, NULL, key, NULL) != 1 ||
        EVP_DecryptInit_ex(k->dec, c, NULL, key, NULL) != 1) {
        kit_evp_key_free(k);
        return NULL;
    }
    return k;
}

/* --- XTS per data unit, as an application calls it: CipherInit(tweak
 * only) ; CipherUpdate(data unit). */

static int kit_xts_run(EVP_CIPHER_CTX *c, int enc, const uint8_t tweak[16], const uint8_t *in,
                       size_t len, uint8_t *out)
{
    int n;
    if (len < 16 || len > (size_t)INT32_MAX)
        return AESLAB_EINVAL;
    if (EVP_CipherInit_ex(c, NULL, NULL, NULL, tweak, enc) != 1 ||
        EVP_CipherUpdate(c, out, &n, in, (int)len) != 1)
        return AESLAB_EFAIL;
    return AESLAB_OK;
}

static int kit_xts_encrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    return kit_xts_run(((struct kit_evp_key *)key)->enc, 1, tweak, in, len, out);
}

static int kit_xts_decrypt(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    return kit_xts_run(((struct kit_evp_key *)key)->dec, 0, tweak, in, len, out);
}

#endif /* AESLAB_KIT_EVP_KIT_H */
