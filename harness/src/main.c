/*
 * aesbench - load every AES-GCM / AES-XTS implementation behind the aeslab
 * ABI, verify each, and only then time them.
 */
#include <string.h>

#include "aesbench.h"

static const char usage[] =
    "usage: aesbench <command> [options]\n"
    "\n"
    "commands:\n"
    "  list [--json] [--no-verify] [--impl PATTERNS] [--alg ALGS]\n"
    "        every implementation found, with library, version, algorithm, ISA,\n"
    "        whether this CPU runs it and its verification status\n"
    "  verify [--impl PATTERNS] [--alg ALGS]\n"
    "        verify and print one line per implementation; exit 3 if any fails\n"
    "  vector --impl NAME --alg ALG --op seal|open|enc|dec --key HEX\n"
    "         [--iv HEX] [--aad HEX] [--tweak HEX] --in HEX\n"
    "        one operation, printed as one line of hex (seal: ciphertext||tag;\n"
    "        open takes ciphertext||tag and prints the plaintext, or exits 1)\n"
    "  run --impl PATTERNS [--alg ALGS] [--op OPS] [--sizes N,...] [--aad N]\n"
    "      [--threads N] [--min-time SEC] [--samples N] [--offset N] [--no-pin] [--smt]\n"
    "      [--format table|jsonl]\n"
    "        verify, then measure throughput\n"
    "  clock [--json] [--clock SRC]\n"
    "        the core-clock source `run` uses here and a calibrated clock reading\n"
    "  fpu-cost [--json] [--iters N]\n"
    "        user-space cost of XSAVE/XSAVEOPT/XSAVEC + XRSTOR, xmm/ymm/zmm state live\n"
    "  pipes [--json] [--iters N]\n"
    "        AES and carry-less-multiply throughput here, and the cycles-per-byte\n"
    "        bound it implies for AES-GCM and AES-XTS\n"
    "\n"
    "PATTERNS: comma-separated names or globs (own/*, */vaes512, all).\n"
    "ALGS: aes-128-gcm aes-192-gcm aes-256-gcm aes-128-xts aes-256-xts (or all).\n"
    "environment: AESLAB_PLUGINS (plugin folder), AESLAB_VECTORS (cryptography_vectors\n"
    "package folder), AESLAB_VERIFY_INPROC=1 (verify without a child process).\n"
    "Run `aesbench <command> --help` for details.\n";

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("aesbench %s (ABI %u)\n", AESBENCH_VERSION, AESLAB_ABI_VERSION);
        return 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "list")) return cmd_list(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify")) return cmd_verify(argc - 1, argv + 1);
    if (!strcmp(cmd, "vector")) return cmd_vector(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "clock")) return cmd_clock(argc - 1, argv + 1);
    if (!strcmp(cmd, "fpu-cost")) return cmd_fpu_cost(argc - 1, argv + 1);
    if (!strcmp(cmd, "pipes")) return cmd_pipes(argc - 1, argv + 1);
    die("unknown command '%s' (commands: list, verify, vector, run, clock, fpu-cost, pipes; see aesbench --help)", cmd);
}
