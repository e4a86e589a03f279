#ifndef CAJAL_SPIN_H
#define CAJAL_SPIN_H

/* A hint to the CPU that this thread is busy-waiting (x86 PAUSE, ARM YIELD):
 * it saves power and frees the core's resources for a sibling thread.
 * Swift has no inline assembly, hence this header. */
static inline void cajal_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
