#ifndef CAJAL_SPIN_H
#define CAJAL_SPIN_H

#include <pthread.h>

/* Thread helpers for the worker pool that Swift cannot express: inline
 * assembly and glibc's CPU-set macros. */

/* A hint to the CPU that this thread is busy-waiting (x86 PAUSE, ARM YIELD):
 * it saves power and frees the core's resources for a sibling thread. */
static inline void cajal_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Internal to the engine: not part of libcajal.so's C API. */
#define CAJAL_INTERNAL __attribute__((visibility("hidden")))

/* The CPU the calling thread runs on, or -1. */
CAJAL_INTERNAL int cajal_current_cpu(void);

/* Records the CPUs the process may use; call it from a user thread before
 * any worker starts. */
CAJAL_INTERNAL void cajal_capture_process_cpus(void);

/* Restricts `thread` to the CPUs the process may use, minus `cpu` (which
 * moves it at once if it runs there). Returns 1 if the restriction is in place. */
CAJAL_INTERNAL int cajal_thread_avoid_cpu(pthread_t thread, int cpu);

#endif
