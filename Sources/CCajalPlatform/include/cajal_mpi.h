#ifndef CAJAL_MPI_H
#define CAJAL_MPI_H

#include <stddef.h>
#include <stdint.h>

/* MPI, loaded by the engine at run time rather than linked: a program that
 * never calls a distributed function needs no MPI installed. Open MPI's ABI
 * (Debian's libopenmpi3: libmpi.so.40), whose handles (MPI_COMM_WORLD,
 * MPI_FLOAT, MPI_SUM, ...) are the addresses of exported objects found with
 * dlsym; CAJAL_MPI_LIBRARY names another copy of it. MPICH's integer handles
 * would need a second table here.
 *
 * Every call returns 0 on success, -1 when MPI could not be loaded (see
 * cajal_mpi_load_error), or MPI's own error code: errors return instead of
 * aborting (MPI_ERRORS_RETURN on MPI_COMM_WORLD). Counts are elements; the
 * caller splits above INT32_MAX. Internal: not part of libcajal.so's API. */

#define CAJAL_MPI_INTERNAL __attribute__((visibility("hidden")))

enum { CAJAL_MPI_FLOAT = 0, CAJAL_MPI_DOUBLE = 1, CAJAL_MPI_INT64 = 2, CAJAL_MPI_INT32 = 3, CAJAL_MPI_UINT8 = 4 };
enum { CAJAL_MPI_SUM = 0, CAJAL_MPI_MAX = 1, CAJAL_MPI_MIN = 2, CAJAL_MPI_PROD = 3 };

/* 1 when libmpi is loaded (loading it on the first call), 0 otherwise. */
CAJAL_MPI_INTERNAL int cajal_mpi_available(void);
/* Why it could not be loaded ("" if it was). */
CAJAL_MPI_INTERNAL const char *cajal_mpi_load_error(void);
/* MPI's text for an error code, into buffer. */
CAJAL_MPI_INTERNAL void cajal_mpi_error_string(int code, char *buffer, size_t size);

/* MPI_Init_thread (MPI_THREAD_SERIALIZED) unless MPI is initialised already. */
CAJAL_MPI_INTERNAL int cajal_mpi_init(void);
/* 1 between cajal_mpi_init and cajal_mpi_finalize (MPI initialised by another
 * library in the process does not count). */
CAJAL_MPI_INTERNAL int cajal_mpi_is_initialized(void);
CAJAL_MPI_INTERNAL int cajal_mpi_finalize(void);
CAJAL_MPI_INTERNAL int cajal_mpi_rank(int *rank);
CAJAL_MPI_INTERNAL int cajal_mpi_size(int *size);
CAJAL_MPI_INTERNAL int cajal_mpi_barrier(void);

CAJAL_MPI_INTERNAL int cajal_mpi_allreduce(void *buffer, int count, int dtype, int op);
CAJAL_MPI_INTERNAL int cajal_mpi_bcast(void *buffer, int count, int dtype, int root);
/* Each rank's count elements of send, in rank order, into recv (size * count). */
CAJAL_MPI_INTERNAL int cajal_mpi_allgather(const void *send, void *recv, int count, int dtype);
/* send holds size blocks of count elements; block r, reduced over the ranks, lands in rank r's recv. */
CAJAL_MPI_INTERNAL int cajal_mpi_reduce_scatter_block(const void *send, void *recv, int count, int dtype, int op);
CAJAL_MPI_INTERNAL int cajal_mpi_send(const void *buffer, int count, int dtype, int dest, int tag);
/* Receives at most count elements from source (-1: any rank); *received is
 * how many arrived, *sender from which rank. */
CAJAL_MPI_INTERNAL int cajal_mpi_recv(void *buffer, int count, int dtype, int source, int tag, int *received,
                                      int *sender);

/* A non-blocking in-place all-reduce and its completion (DDP's buckets):
 * *request is MPI's handle until cajal_mpi_wait or a finished cajal_mpi_test
 * clears it. */
CAJAL_MPI_INTERNAL int cajal_mpi_iallreduce(void *buffer, int count, int dtype, int op, void **request);
CAJAL_MPI_INTERNAL int cajal_mpi_test(void **request, int *done);
CAJAL_MPI_INTERNAL int cajal_mpi_wait(void **request);

#endif
