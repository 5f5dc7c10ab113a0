/*
 * emulation.h - is this process running on the CPU it was built for, or
 * under an emulator?  Throughput measured under emulation says nothing
 * about any hardware, so `aesbench run` refuses to record it (see
 * emulation.c for how it is detected).
 */
#ifndef AESBENCH_EMULATION_H
#define AESBENCH_EMULATION_H

/* NULL on real hardware (or a hardware-virtualised VM), else a short
 * human-readable reason ("qemu-user: /usr/bin/qemu-aarch64", ...).  Cached;
 * AESLAB_EMULATED=1 forces "emulated", AESLAB_EMULATED=0 forces "not". */
const char *emulation_reason(void);

/* For `aesbench run`: if emulated and !allow, exit 2 with one line saying
 * why; if emulated and allow, warn once and remember that every point
 * must be labelled (emulation_labelled()). */
void emulation_gate_run(int allow);

/* 1 if `run` was allowed to proceed under emulation (label the points). */
int emulation_labelled(void);

#endif
