#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cajal_mpi.h"

/* Open MPI's types as its ABI has them: every handle is a pointer, MPI_Status
 * is five fields (mpi.h's struct ompi_status_public_t). */
typedef void *handle;
typedef struct {
    int source, tag, error, cancelled;
    size_t ucount;
} mpi_status;

#define MPI_IN_PLACE ((void *)1)
#define MPI_THREAD_SERIALIZED 2
#define MPI_MAX_ERROR_STRING 256

static struct {
    int (*init_thread)(int *, char ***, int, int *);
    int (*initialized)(int *);
    int (*finalized)(int *);
    int (*finalize)(void);
    int (*comm_rank)(handle, int *);
    int (*comm_size)(handle, int *);
    int (*comm_set_errhandler)(handle, handle);
    int (*error_string)(int, char *, int *);
    int (*barrier)(handle);
    int (*allreduce)(const void *, void *, int, handle, handle, handle);
    int (*iallreduce)(const void *, void *, int, handle, handle, handle, handle *);
    int (*bcast)(void *, int, handle, int, handle);
    int (*allgather)(const void *, int, handle, void *, int, handle, handle);
    int (*reduce_scatter_block)(const void *, void *, int, handle, handle, handle);
    int (*send)(const void *, int, handle, int, int, handle);
    int (*recv)(void *, int, handle, int, int, handle, mpi_status *);
    int (*get_count)(const mpi_status *, handle, int *);
    int (*test)(handle *, int *, mpi_status *);
    int (*wait)(handle *, mpi_status *);
    handle world, errors_return;
    handle types[5];
    handle ops[4];
} mpi;

static char load_error[512] = "";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
/* Whether cajal_mpi_init has run: MPI may also have been initialised by
 * someone else in the process (mpi4py), which is not joining cajal's group. */
static int joined = 0;
/* Calls are serialised here: MPI is initialised with MPI_THREAD_SERIALIZED. */
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;

static void *open_libmpi(void) {
    /* RTLD_GLOBAL: Open MPI's plugins (mca_*.so) resolve libmpi's symbols from the global scope. */
    const char *names[] = {getenv("CAJAL_MPI_LIBRARY"), "libmpi.so.40", "libmpi.so"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!names[i] || !*names[i]) continue;
        void *lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
        if (lib) return lib;
        snprintf(load_error, sizeof load_error, "%s", dlerror());
    }
    return NULL;
}

static void load(void) {
    void *lib = open_libmpi();
    if (!lib) {
        char reason[400];
        snprintf(reason, sizeof reason, "%s", load_error);
        snprintf(load_error, sizeof load_error,
                 "MPI is not installed or could not be loaded (apt-get install openmpi-bin libopenmpi3, or set "
                 "CAJAL_MPI_LIBRARY to Open MPI's libmpi.so): %s", reason);
        return;
    }
    if (!dlsym(lib, "ompi_mpi_comm_world")) {
        snprintf(load_error, sizeof load_error,
                 "the libmpi.so found is not Open MPI's (no ompi_mpi_comm_world); cajal speaks Open MPI's ABI");
        return;
    }
#define FIND(field, name)                                                                   \
    do {                                                                                    \
        *(void **)&mpi.field = dlsym(lib, name);                                            \
        if (!mpi.field) {                                                                   \
            snprintf(load_error, sizeof load_error, "Open MPI's libmpi lacks %s", name);    \
            return;                                                                         \
        }                                                                                   \
    } while (0)
    FIND(init_thread, "MPI_Init_thread");
    FIND(initialized, "MPI_Initialized");
    FIND(finalized, "MPI_Finalized");
    FIND(finalize, "MPI_Finalize");
    FIND(comm_rank, "MPI_Comm_rank");
    FIND(comm_size, "MPI_Comm_size");
    FIND(comm_set_errhandler, "MPI_Comm_set_errhandler");
    FIND(error_string, "MPI_Error_string");
    FIND(barrier, "MPI_Barrier");
    FIND(allreduce, "MPI_Allreduce");
    FIND(iallreduce, "MPI_Iallreduce");
    FIND(bcast, "MPI_Bcast");
    FIND(allgather, "MPI_Allgather");
    FIND(reduce_scatter_block, "MPI_Reduce_scatter_block");
    FIND(send, "MPI_Send");
    FIND(recv, "MPI_Recv");
    FIND(get_count, "MPI_Get_count");
    FIND(test, "MPI_Test");
    FIND(wait, "MPI_Wait");
    /* The predefined handles are the addresses of these objects. */
    FIND(world, "ompi_mpi_comm_world");
    FIND(errors_return, "ompi_mpi_errors_return");
    FIND(types[CAJAL_MPI_FLOAT], "ompi_mpi_float");
    FIND(types[CAJAL_MPI_DOUBLE], "ompi_mpi_double");
    FIND(types[CAJAL_MPI_INT64], "ompi_mpi_int64_t");
    FIND(types[CAJAL_MPI_INT32], "ompi_mpi_int32_t");
    FIND(types[CAJAL_MPI_UINT8], "ompi_mpi_uint8_t");
    FIND(ops[CAJAL_MPI_SUM], "ompi_mpi_op_sum");
    FIND(ops[CAJAL_MPI_MAX], "ompi_mpi_op_max");
    FIND(ops[CAJAL_MPI_MIN], "ompi_mpi_op_min");
    FIND(ops[CAJAL_MPI_PROD], "ompi_mpi_op_prod");
#undef FIND
    loaded = 1;
}

int cajal_mpi_available(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *cajal_mpi_load_error(void) {
    pthread_once(&load_once, load);
    return loaded ? "" : load_error;
}

void cajal_mpi_error_string(int code, char *buffer, size_t size) {
    if (size == 0) return;
    char text[MPI_MAX_ERROR_STRING + 1] = "";
    int length = 0;
    if (!cajal_mpi_available() || mpi.error_string(code, text, &length) != 0) {
        snprintf(buffer, size, "MPI error %d", code);
        return;
    }
    snprintf(buffer, size, "%s", text);
}

static int valid_dtype(int dtype) { return dtype >= 0 && dtype < 5; }
static int valid_op(int op) { return op >= 0 && op < 4; }

/* Runs one MPI call under the lock; -1 when MPI is not loaded, -2 once it is
 * finalized (Open MPI aborts the process on any call after MPI_Finalize: a
 * Work waited for too late must be an error instead). */
#define CALL(expression)                                \
    do {                                                \
        if (!cajal_mpi_available()) return -1;          \
        pthread_mutex_lock(&call_lock);                 \
        int finalized_ = 0;                             \
        mpi.finalized(&finalized_);                     \
        int code_ = finalized_ ? -2 : (expression);     \
        pthread_mutex_unlock(&call_lock);               \
        return code_;                                   \
    } while (0)

int cajal_mpi_is_initialized(void) {
    if (!cajal_mpi_available()) return 0;
    int initialized = 0, finalized = 0;
    pthread_mutex_lock(&call_lock);
    mpi.initialized(&initialized);
    mpi.finalized(&finalized);
    int result = joined && initialized && !finalized;
    pthread_mutex_unlock(&call_lock);
    return result;
}

static int init_locked(void) {
    int initialized = 0, finalized = 0, provided = 0;
    mpi.initialized(&initialized);
    mpi.finalized(&finalized);
    if (finalized) return -2;
    if (!initialized) {
        int code = mpi.init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
        if (code != 0) return code;
    }
    int code = mpi.comm_set_errhandler(mpi.world, mpi.errors_return);
    if (code == 0) joined = 1;
    return code;
}

int cajal_mpi_init(void) { CALL(init_locked()); }

static int finalize_locked(void) {
    joined = 0;
    return mpi.finalize();
}

int cajal_mpi_finalize(void) { CALL(finalize_locked()); }

int cajal_mpi_rank(int *rank) { CALL(mpi.comm_rank(mpi.world, rank)); }

int cajal_mpi_size(int *size) { CALL(mpi.comm_size(mpi.world, size)); }

int cajal_mpi_barrier(void) { CALL(mpi.barrier(mpi.world)); }

int cajal_mpi_allreduce(void *buffer, int count, int dtype, int op) {
    if (!valid_dtype(dtype) || !valid_op(op)) return -3;
    CALL(mpi.allreduce(MPI_IN_PLACE, buffer, count, mpi.types[dtype], mpi.ops[op], mpi.world));
}

int cajal_mpi_bcast(void *buffer, int count, int dtype, int root) {
    if (!valid_dtype(dtype)) return -3;
    CALL(mpi.bcast(buffer, count, mpi.types[dtype], root, mpi.world));
}

int cajal_mpi_allgather(const void *send, void *recv, int count, int dtype) {
    if (!valid_dtype(dtype)) return -3;
    CALL(mpi.allgather(send, count, mpi.types[dtype], recv, count, mpi.types[dtype], mpi.world));
}

int cajal_mpi_reduce_scatter_block(const void *send, void *recv, int count, int dtype, int op) {
    if (!valid_dtype(dtype) || !valid_op(op)) return -3;
    CALL(mpi.reduce_scatter_block(send, recv, count, mpi.types[dtype], mpi.ops[op], mpi.world));
}

int cajal_mpi_send(const void *buffer, int count, int dtype, int dest, int tag) {
    if (!valid_dtype(dtype)) return -3;
    CALL(mpi.send(buffer, count, mpi.types[dtype], dest, tag, mpi.world));
}

static int recv_locked(void *buffer, int count, int dtype, int source, int tag, int *received, int *sender) {
    mpi_status status;
    memset(&status, 0, sizeof status);
    int code = mpi.recv(buffer, count, mpi.types[dtype], source, tag, mpi.world, &status);
    if (code != 0) return code;
    *sender = status.source;
    return mpi.get_count(&status, mpi.types[dtype], received);
}

int cajal_mpi_recv(void *buffer, int count, int dtype, int source, int tag, int *received, int *sender) {
    if (!valid_dtype(dtype)) return -3;
    CALL(recv_locked(buffer, count, dtype, source, tag, received, sender));
}

int cajal_mpi_iallreduce(void *buffer, int count, int dtype, int op, void **request) {
    if (!valid_dtype(dtype) || !valid_op(op)) return -3;
    CALL(mpi.iallreduce(MPI_IN_PLACE, buffer, count, mpi.types[dtype], mpi.ops[op], mpi.world, request));
}

int cajal_mpi_test(void **request, int *done) { CALL(mpi.test(request, done, NULL)); }

int cajal_mpi_wait(void **request) { CALL(mpi.wait(request, NULL)); }
