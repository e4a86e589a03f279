#define _GNU_SOURCE
#include <sched.h>
#include <pthread.h>
#include "cajal_spin.h"

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
