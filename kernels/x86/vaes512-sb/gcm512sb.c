/*
 * gcm512sb.c - own/vaes512-sb: the vaes512 GCM kernel (gcm512.c) built with
 * its main loop's GHASH in the plain schoolbook form (GCM512_SCHOOLBOOK),
 * for CPUs where that form is the faster one; gcm512.c's header says why
 * there are two.  XTS is vaes512's: this kernel offers GCM only.
 */
#define GCM512_SCHOOLBOOK 1
#define GCM512_FN(name) own_v512sb_##name
#include "../vaes512/gcm512.c"
