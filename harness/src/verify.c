/*
 * verify.c - nothing is timed until it has been verified.
 *
 * Each implementation, for its algorithm, must pass in order:
 *  1. every applicable NIST CAVP vector (GCM encrypt and decrypt incl. the
 *     FAIL cases; XTS encrypt and decrypt, both tweak formats);
 *  2. a differential check against own/portable (the constant-time
 *     reference) on reproducible random keys, IVs, AAD and every length
 *     0..300 plus random lengths up to 64 KiB, with misaligned and in-place
 *     buffers;
 *  3. tamper checks: a flipped bit in ciphertext, tag or AAD must be
 *     rejected, and the rejected plaintext must not be released;
 *  4. streaming (where offered) at random split points, and the QUIC
 *     header-protection mask (where offered).
 * The first failing case is reported.  verify_impl() runs the checks in a
 * child process so that a crash or a hang is a failure, not a lost run.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aesbench.h"
#include "emulation.h"

#define FAILF(...) (snprintf(msg, VERIFY_MSG, __VA_ARGS__), 0)

static const char *rc_name(int rc)
{
    switch (rc) {
    case AESLAB_OK: return "ok";
    case AESLAB_ETAG: return "tag mismatch";
    case AESLAB_EINVAL: return "EINVAL";
    default: return "library error";
    }
}

/* ---- 1. CAVP known answers ---------------------------------------------- */

struct kat_ctx {
    const aeslab_impl *im;
    char *msg;
    int n;
};

static int kat_one(const cavp_case *c, void *arg)
{
    struct kat_ctx *k = arg;
    const aeslab_impl *im = k->im;
    char *msg = k->msg;
    k->n++;
    void *key = im->key_new(im, c->key, c->key_len);
    if (!key)
        return !FAILF("%s Count=%d: key setup failed", c->file, c->count);
    size_t len = c->pt ? c->pt_len : c->ct_len;
    uint8_t *out = xmalloc(len + 16), tag[16];
    int bad = 0;
    if (!im->gcm_seal) { /* XTS */
        int rc = im->xts_encrypt(key, c->iv, c->pt, len, out);
        if (rc || memcmp(out, c->ct, len))
            bad = !FAILF("%s %s COUNT=%d (%zu bytes): encrypt %s", c->file,
                         c->encrypt ? "ENCRYPT" : "DECRYPT", c->count, len,
                         rc ? rc_name(rc) : "wrong ciphertext");
        else if ((rc = im->xts_decrypt(key, c->iv, c->ct, len, out)) || memcmp(out, c->pt, len))
            bad = !FAILF("%s %s COUNT=%d (%zu bytes): decrypt %s", c->file,
                         c->encrypt ? "ENCRYPT" : "DECRYPT", c->count, len,
                         rc ? rc_name(rc) : "wrong plaintext");
    } else if (c->encrypt) {
        int rc = im->gcm_seal(key, c->iv, c->aad, c->aad_len, c->pt, len, out, tag);
        if (rc || memcmp(out, c->ct, len) || memcmp(tag, c->tag, 16))
            bad = !FAILF("%s Count=%d (pt %zu, aad %zu bytes): seal %s", c->file, c->count,
                         len, c->aad_len,
                         rc ? rc_name(rc) : memcmp(out, c->ct, len) ? "wrong ciphertext"
                                                                    : "wrong tag");
        else if ((rc = im->gcm_open(key, c->iv, c->aad, c->aad_len, c->ct, len, c->tag, out)) ||
                 memcmp(out, c->pt, len))
            bad = !FAILF("%s Count=%d: open of a valid message %s", c->file, c->count,
                         rc ? rc_name(rc) : "gave wrong plaintext");
    } else {
        int rc = im->gcm_open(key, c->iv, c->aad, c->aad_len, c->ct, len, c->tag, out);
        if (c->fail && rc != AESLAB_ETAG)
            bad = !FAILF("%s Count=%d: forged message %s", c->file, c->count,
                         rc == AESLAB_OK ? "accepted" : rc_name(rc));
        else if (!c->fail && (rc || memcmp(out, c->pt, len)))
            bad = !FAILF("%s Count=%d: open %s", c->file, c->count,
                         rc ? rc_name(rc) : "gave wrong plaintext");
    }
    free(out);
    im->key_free(key);
    return bad;
}

static int check_kats(const aeslab_impl *im, const alg_info *alg, char *msg)
{
    struct kat_ctx k = {im, msg, 0};
    int rc = cavp_foreach(alg, kat_one, &k);
    if (rc < 0)
        return FAILF("no CAVP vectors for %s under '%s' (install cryptography-vectors: make deps,"
                     " or set AESLAB_VECTORS)",
                     alg->name, cavp_dir());
    return rc == 0;
}

/* ---- 2.-4. differential, tamper, streaming ------------------------------ */

static const size_t aad_lens[] = {16, 0, 1, 13, 15, 17, 31, 32, 48, 64, 100, 255, 256, 1000};

/* Does out release the plaintext?  (An untouched or wiped buffer does not.) */
static int released(const uint8_t *out, const uint8_t *pt, size_t len)
{
    if (len == 0)
        return 0;
    if (len < 16)
        return memcmp(out, pt, len) == 0 && len >= 4;
    for (size_t i = 0; i + 16 <= len; i += 16)
        if (memcmp(out + i, pt + i, 16) == 0)
            return 1;
    return 0;
}

static int check_gcm_case(const aeslab_impl *im, const aeslab_impl *ref, void *key, void *rkey,
                          prng *r, size_t len, size_t aad_len, int inplace, size_t off,
                          int tamper, char *msg)
{
    void *b1, *b2, *b3, *b4;
    uint8_t *pt = alloc_at(len, off, &b1), *buf = alloc_at(len, off + 3, &b2);
    uint8_t *aad = alloc_at(aad_len, off + 1, &b3), *exp = alloc_at(len, 0, &b4);
    uint8_t iv[12], tag[16], etag[16];
    prng_fill(r, pt, len);
    prng_fill(r, aad, aad_len);
    prng_fill(r, iv, 12);
    int ok = 1, rc;
    const char *mode = inplace ? "in place" : "out of place";

    /* expected ciphertext: the reference, or (no reference) our own seal */
    const aeslab_impl *e = ref ? ref : im;
    rc = e->gcm_seal(ref ? rkey : key, iv, aad, aad_len, pt, len, exp, etag);
    if (rc) {
        ok = FAILF("reference seal failed at len=%zu (%s)", len, rc_name(rc));
        goto out;
    }
    uint8_t *dst = inplace ? pt : buf;
    uint8_t *keep = xmalloc(len + 1);
    memcpy(keep, pt, len);
    rc = im->gcm_seal(key, iv, aad, aad_len, pt, len, dst, tag);
    if (rc || memcmp(dst, exp, len) || memcmp(tag, etag, 16)) {
        ok = FAILF("differential seal len=%zu aad=%zu %s: %s vs own/portable", len, aad_len,
                   mode, rc ? rc_name(rc) : memcmp(dst, exp, len) ? "ciphertext differs"
                                                                  : "tag differs");
        free(keep);
        goto out;
    }
    /* open what the reference sealed */
    uint8_t *src = inplace ? pt : exp;
    if (inplace)
        memcpy(pt, exp, len);
    dst = inplace ? pt : buf;
    rc = im->gcm_open(key, iv, aad, aad_len, src, len, etag, dst);
    if (rc || memcmp(dst, keep, len)) {
        ok = FAILF("differential open len=%zu aad=%zu %s: %s", len, aad_len, mode,
                   rc ? rc_name(rc) : "wrong plaintext");
        free(keep);
        goto out;
    }
    if (tamper) {
        /* flip one bit of the ciphertext, the tag or the AAD */
        int what = (int)(prng_next(r) % 3);
        if (what == 0 && len == 0) what = 1;
        if (what == 2 && aad_len == 0) what = 1;
        memcpy(pt, exp, len); /* pt now holds the ciphertext */
        uint8_t ttag[16];
        memcpy(ttag, etag, 16);
        size_t pos = 0;
        const char *where = what == 0 ? "ciphertext" : what == 1 ? "tag" : "aad";
        if (what == 0) pos = prng_next(r) % len, pt[pos] ^= (uint8_t)(1u << (prng_next(r) % 8));
        if (what == 1) pos = prng_next(r) % 16, ttag[pos] ^= (uint8_t)(1u << (prng_next(r) % 8));
        if (what == 2) pos = prng_next(r) % aad_len, aad[pos] ^= 1;
        dst = inplace ? pt : buf;
        if (!inplace)
            for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)~keep[i];
        rc = im->gcm_open(key, iv, aad, aad_len, pt, len, ttag, dst);
        if (rc != AESLAB_ETAG)
            ok = FAILF("tampered %s (len=%zu, byte %zu) was %s", where, len, pos,
                       rc == AESLAB_OK ? "accepted" : rc_name(rc));
        else if (released(dst, keep, len))
            ok = FAILF("tampered %s (len=%zu): plaintext released despite the bad tag", where,
                       len);
    }
    free(keep);
out:
    free(b1); free(b2); free(b3); free(b4);
    return ok;
}

static int check_stream(const aeslab_impl *im, void *key, prng *r, size_t len, char *msg)
{
    uint8_t iv[12], aad[16], tag[16], stag[16];
    uint8_t *pt = xmalloc(len + 1), *ct = xmalloc(len + 1), *st = xmalloc(len + 1);
    prng_fill(r, iv, 12);
    prng_fill(r, aad, 16);
    prng_fill(r, pt, len);
    int ok = 1;
    if (im->gcm_seal(key, iv, aad, 16, pt, len, ct, tag)) {
        ok = FAILF("seal failed before the streaming check");
        goto out;
    }
    for (int dir = 1; dir >= 0 && ok; dir--) {
        aeslab_stream *s = im->stream_begin(key, dir, iv, aad, 16);
        if (!s) {
            ok = FAILF("stream_begin failed");
            break;
        }
        size_t done = 0;
        while (done < len) {
            size_t step = 1 + prng_next(r) % (len - done < 100 ? len - done : 100);
            if (prng_next(r) % 4 == 0)
                step = ((step + 15) / 16) * 16 > len - done ? len - done : ((step + 15) / 16) * 16;
            im->stream_update(s, (dir ? pt : ct) + done, step, st + done);
            done += step;
        }
        memcpy(stag, tag, 16);
        int rc = im->stream_end(s, stag);
        if (memcmp(st, dir ? ct : pt, len))
            ok = FAILF("streaming %s len=%zu at random splits: output differs from one-shot",
                       dir ? "seal" : "open", len);
        else if (dir && memcmp(stag, tag, 16))
            ok = FAILF("streaming seal len=%zu: tag differs from one-shot", len);
        else if (!dir && rc != AESLAB_OK)
            ok = FAILF("streaming open len=%zu rejected a valid tag (%s)", len, rc_name(rc));
    }
out:
    free(pt); free(ct); free(st);
    return ok;
}

/* Streaming split in two at every block boundary (and one byte either side
 * of it) of a len-byte message, both directions, against one-shot seal. */
static int check_stream_boundaries(const aeslab_impl *im, void *key, prng *r, size_t len,
                                   char *msg)
{
    uint8_t iv[12], aad[13], tag[16], stag[16];
    uint8_t *pt = xmalloc(len + 1), *ct = xmalloc(len + 1), *st = xmalloc(len + 1);
    prng_fill(r, iv, 12);
    prng_fill(r, aad, 13);
    prng_fill(r, pt, len);
    int ok = im->gcm_seal(key, iv, aad, 13, pt, len, ct, tag) == AESLAB_OK;
    if (!ok)
        ok = FAILF("seal failed before the streaming check");
    for (size_t b = 0; ok && b <= len; b += 16)
        for (int d = -1; ok && d <= 1; d++) {
            size_t cut = (size_t)((long)b + d);
            if ((long)b + d < 0 || cut > len)
                continue;
            for (int dir = 1; dir >= 0 && ok; dir--) {
                aeslab_stream *s = im->stream_begin(key, dir, iv, aad, 13);
                if (!s) {
                    ok = FAILF("stream_begin failed");
                    break;
                }
                im->stream_update(s, dir ? pt : ct, cut, st);
                im->stream_update(s, (dir ? pt : ct) + cut, len - cut, st + cut);
                memcpy(stag, tag, 16);
                int rc = im->stream_end(s, stag);
                if (memcmp(st, dir ? ct : pt, len) || (dir && memcmp(stag, tag, 16)) ||
                    (!dir && rc != AESLAB_OK))
                    ok = FAILF("streaming %s len=%zu split at %zu differs from one-shot",
                               dir ? "seal" : "open", len, cut);
            }
        }
    free(pt); free(ct); free(st);
    return ok;
}

static int check_hp(const aeslab_impl *im, const alg_info *alg, prng *r, char *msg)
{
    /* mask = AES(hp_key, sample).  With hp_key = the GCM key and
     * sample = IV || 00000002, the mask equals the first keystream block,
     * i.e. the ciphertext of a zero block: an independent check. */
    uint8_t key_bytes[32], iv[12], zero[16] = {0}, ct[16], tag[16], out[16], tag2[16], mask[16];
    uint8_t sample[16];
    prng_fill(r, key_bytes, sizeof key_bytes);
    prng_fill(r, iv, 12);
    void *key = im->key_new(im, key_bytes, alg->key_len);
    if (!key)
        return FAILF("key setup failed (hp check)");
    int ok = 1;
    if (im->hp_init(key, key_bytes, alg->key_len) ||
        im->gcm_seal(key, iv, NULL, 0, zero, 16, ct, tag)) {
        ok = FAILF("header protection: setup failed");
    } else {
        memcpy(sample, iv, 12);
        sample[12] = 0, sample[13] = 0, sample[14] = 0, sample[15] = 2;
        if (im->gcm_seal_hp(key, iv, NULL, 0, zero, 16, out, tag2, sample, mask))
            ok = FAILF("header protection: seal_hp failed");
        else if (memcmp(out, ct, 16) || memcmp(tag, tag2, 16))
            ok = FAILF("header protection: seal_hp output differs from seal");
        else if (memcmp(mask, ct, 16))
            ok = FAILF("header protection: wrong mask");
    }
    im->key_free(key);
    return ok;
}

static int check_xts_case(const aeslab_impl *im, const aeslab_impl *ref, void *key, void *rkey,
                          prng *r, size_t len, int inplace, size_t off, char *msg)
{
    void *b1, *b2, *b3;
    uint8_t *pt = alloc_at(len, off, &b1), *buf = alloc_at(len, off + 5, &b2);
    uint8_t *exp = alloc_at(len, 0, &b3), tweak[16];
    prng_fill(r, pt, len);
    prng_fill(r, tweak, 16);
    int ok = 1, rc;
    const char *mode = inplace ? "in place" : "out of place";
    uint8_t *keep = xmalloc(len);
    memcpy(keep, pt, len);
    rc = (ref ? ref : im)->xts_encrypt(ref ? rkey : key, tweak, pt, len, exp);
    if (rc) {
        ok = FAILF("reference XTS encrypt failed at len=%zu (%s)", len, rc_name(rc));
        goto out;
    }
    uint8_t *dst = inplace ? pt : buf;
    rc = im->xts_encrypt(key, tweak, pt, len, dst);
    if (rc || memcmp(dst, exp, len)) {
        ok = FAILF("differential XTS encrypt len=%zu %s: %s", len, mode,
                   rc ? rc_name(rc) : "ciphertext differs from own/portable");
        goto out;
    }
    if (inplace)
        memcpy(pt, exp, len);
    rc = im->xts_decrypt(key, tweak, inplace ? pt : exp, len, dst);
    if (rc || memcmp(dst, keep, len))
        ok = FAILF("differential XTS decrypt len=%zu %s: %s", len, mode,
                   rc ? rc_name(rc) : "wrong plaintext");
out:
    free(keep);
    free(b1); free(b2); free(b3);
    return ok;
}

/* Random lengths go up to 64 KiB natively.  Under an instruction-set
 * emulator every AES round and carry-less multiply is a helper call, and
 * the reference (own/portable's bitsliced C) is slowest of all, so the long
 * cases would take most of an hour: there they stop at 4 KiB, which still
 * runs every kernel's main loop several times and every tail. */
static size_t case_len(prng *r, int i, int n_small, size_t min)
{
    if (i < n_small)
        return min + (size_t)i;
    size_t max = emulation_reason() ? 4096 : 65536;
    return min + prng_next(r) % (max - min + 1);
}

int verify_impl_inproc(const aeslab_impl *im, char msg[VERIFY_MSG])
{
    const alg_info *alg = alg_find(im->alg);
    msg[0] = 0;
    if (!alg)
        return FAILF("unknown algorithm %s", im->alg);
    if (!check_kats(im, alg, msg))
        return 0;

    const aeslab_impl *ref = registry_find("own/portable", im->alg);
    if (ref == im || (ref && !impl_supported(ref)))
        ref = NULL;
    prng r;
    prng_seed(&r, 0xae51ab0000000000ull ^ (uint64_t)alg->key_len << 8 ^ (uint64_t)alg->xts);
    uint8_t kb[64];
    void *key = NULL, *rkey = NULL;
    int ok = 1;
    const int n_small = 301, n_random = 24;
    for (int i = 0; ok && i < n_small + n_random; i++) {
        if (i % 8 == 0) { /* a fresh random key every 8 cases */
            if (key) im->key_free(key);
            if (rkey) ref->key_free(rkey);
            prng_fill(&r, kb, alg->key_len);
            if (alg->xts) /* the two XTS halves must differ */
                kb[alg->key_len / 2] = (uint8_t)~kb[0];
            key = im->key_new(im, kb, alg->key_len);
            rkey = ref ? ref->key_new(ref, kb, alg->key_len) : NULL;
            if (!key || (ref && !rkey)) {
                ok = FAILF("key setup failed for a random %zu-byte key", alg->key_len);
                break;
            }
        }
        int inplace = i % 2;
        size_t off = (size_t)i % 7;
        if (alg->xts) {
            size_t len = case_len(&r, i, n_small - 16, 16);
            ok = check_xts_case(im, ref, key, rkey, &r, len, inplace, off, msg);
        } else {
            size_t len = case_len(&r, i, n_small, 0);
            size_t aad = aad_lens[(size_t)i % (sizeof aad_lens / sizeof aad_lens[0])];
            ok = check_gcm_case(im, ref, key, rkey, &r, len, aad, inplace, off, 1, msg);
        }
    }
    if (ok && !alg->xts && im->stream_begin) {
        for (size_t len = 0; ok && len < 600; len += 37)
            ok = check_stream(im, key, &r, len, msg);
        if (ok)
            ok = check_stream_boundaries(im, key, &r, 300, msg);
    }
    if (key) im->key_free(key);
    if (rkey) ref->key_free(rkey);
    if (ok && !alg->xts && im->gcm_seal_hp && im->hp_init)
        ok = check_hp(im, alg, &r, msg);
    return ok;
}

int verify_impl(const aeslab_impl *im, char msg[VERIFY_MSG])
{
    const char *inproc = getenv("AESLAB_VERIFY_INPROC");
    if (inproc && *inproc == '1')
        return verify_impl_inproc(im, msg);
    int fd[2];
    if (pipe(fd) != 0)
        return verify_impl_inproc(im, msg);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return verify_impl_inproc(im, msg);
    }
    if (pid == 0) {
        close(fd[0]);
        char m[VERIFY_MSG];
        int ok = verify_impl_inproc(im, m);
        char line[VERIFY_MSG + 4];
        line[0] = ok ? 'P' : 'F';
        size_t n = 1 + strlen(m);
        memcpy(line + 1, m, n);
        if (write(fd[1], line, n) < 0)
            _exit(3);
        _exit(0);
    }
    close(fd[1]);
    char buf[VERIFY_MSG + 2];
    size_t got = 0;
    /* Natively a run past the limit is a hang, i.e. a failure.  Under
     * emulation it only says the emulator is slow: the limit is longer and
     * running out of it is reported as "not verified", never as a wrong
     * kernel (verify_status). */
    const char *emu = emulation_reason();
    int timeout_ms = (emu ? 1800 : 600) * 1000;
    const char *t = getenv("AESLAB_VERIFY_TIMEOUT");
    if (t && atoi(t) > 0)
        timeout_ms = atoi(t) * 1000;
    struct pollfd p = {fd[0], POLLIN, 0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int timed_out = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        int left = timeout_ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
                                      (t1.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int pr = poll(&p, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = pr == 0;
            break;
        }
        ssize_t n = read(fd[0], buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    buf[got] = 0;
    if (timed_out && emu) {
        snprintf(msg, VERIFY_MSG, "not verified: still running after %d s under emulation (%s)",
                 timeout_ms / 1000, emu);
        return VERIFY_TIMEOUT_EMULATED;
    }
    if (timed_out)
        return FAILF("verification timed out after %d s", timeout_ms / 1000);
    if (WIFSIGNALED(status))
        return FAILF("crashed during verification (signal %d, %s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
    if (got == 0)
        return FAILF("verification process exited without a result (status %d)",
                     WEXITSTATUS(status));
    size_t m = strlen(buf + 1);
    if (m >= VERIFY_MSG)
        m = VERIFY_MSG - 1;
    memcpy(msg, buf + 1, m);
    msg[m] = 0;
    return buf[0] == 'P';
}

const char *verify_status(const aeslab_impl *im)
{
    static struct {
        const aeslab_impl *im;
        char status[VERIFY_MSG + 16];
    } cache[1024];
    static int n;
    for (int i = 0; i < n; i++)
        if (cache[i].im == im)
            return cache[i].status;
    if (n == 1024)
        n = 0;
    cache[n].im = im;
    if (!impl_supported(im)) {
        strcpy(cache[n].status, "unsupported");
    } else if (impl_is_baseline(im)) {
        strcpy(cache[n].status, "baseline");
    } else {
        char msg[VERIFY_MSG];
        int v = verify_impl(im, msg);
        if (v == VERIFY_TIMEOUT_EMULATED)
            snprintf(cache[n].status, sizeof cache[n].status, "timeout: %s", msg);
        else if (v)
            strcpy(cache[n].status, "pass");
        else
            snprintf(cache[n].status, sizeof cache[n].status, "fail: %s", msg);
    }
    return cache[n++].status;
}
