#define _GNU_SOURCE
#include <sched.h>
#include <pthread.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "cajal_spin.h"

int cajal_cpu_is_intel(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;
    char vendor[13];
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0;
    memcpy(vendor, &ebx, 4);
    memcpy(vendor + 4, &edx, 4);
    memcpy(vendor + 8, &ecx, 4);
    vendor[12] = 0;
    return strcmp(vendor, "GenuineIntel") == 0;
#else
    return 0;
#endif
}

int cajal_current_cpu(void) {
    return sched_getcpu();
}

/* The CPUs the process may use, as its first thread to ask saw them (a
 * worker's own mask may already be narrowed by an earlier avoid). */
static cpu_set_t process_cpus;
static pthread_once_t process_cpus_once = PTHREAD_ONCE_INIT;
static int have_process_cpus = 0;

static void capture_process_cpus(void) {
    have_process_cpus = sched_getaffinity(0, sizeof process_cpus, &process_cpus) == 0;
}

void cajal_capture_process_cpus(void) {
    pthread_once(&process_cpus_once, capture_process_cpus);
}

int cajal_thread_avoid_cpu(pthread_t thread, int cpu) {
    cajal_capture_process_cpus();
    if (!have_process_cpus || cpu < 0 || cpu >= CPU_SETSIZE) return 0;
    cpu_set_t allowed = process_cpus;
    CPU_CLR(cpu, &allowed);
    if (CPU_COUNT(&allowed) == 0) return 0;
    return pthread_setaffinity_np(thread, sizeof allowed, &allowed) == 0;
}
