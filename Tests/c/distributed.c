/* The collectives through the C API on 2 ranks (make c-test runs it under
 * mpirun -np 2): all-reduce of float32 and int64 against the arithmetic,
 * average, broadcast, all-gather, send/recv, and the errors a C program
 * gets instead of a hang or an abort. */
#include <stdio.h>
#include <string.h>

#include "cajal.h"
#include "check.h"

static int run(void) {
    CHECK(cajal_dist_init());
    int32_t rank = -1, size = 0;
    CHECK(cajal_dist_rank(&rank));
    CHECK(cajal_dist_world_size(&size));
    EXPECT(size == 2 && (rank == 0 || rank == 1), "2 ranks");

    /* float32: [r, r + 1, ..., r + 4] summed is [1, 3, 5, 7, 9]. */
    float values[5];
    for (int i = 0; i < 5; i++) values[i] = (float)(rank + i);
    const int64_t shape[1] = {5};
    cajal_tensor x;
    CHECK(cajal_tensor_from_data(values, sizeof values, shape, 1, CAJAL_FLOAT32, &x));
    CHECK(cajal_dist_all_reduce(x, CAJAL_REDUCE_SUM));
    CHECK(cajal_tensor_copy_to(x, values, sizeof values));
    for (int i = 0; i < 5; i++) EXPECT(values[i] == (float)(2 * i + 1), "float32 sum");
    CHECK(cajal_dist_all_reduce(x, CAJAL_REDUCE_AVG));
    CHECK(cajal_tensor_copy_to(x, values, sizeof values));
    for (int i = 0; i < 5; i++) EXPECT(values[i] == (float)(2 * i + 1), "the average of equal values");

    /* int64 beyond 2^53: max keeps every bit. */
    int64_t big[2] = {(int64_t)1 << 60, rank ? ((int64_t)1 << 60) + 1 : 0};
    const int64_t two[1] = {2};
    cajal_tensor y;
    CHECK(cajal_tensor_from_data(big, sizeof big, two, 1, CAJAL_INT64, &y));
    CHECK(cajal_dist_all_reduce(y, CAJAL_REDUCE_MAX));
    CHECK(cajal_tensor_copy_to(y, big, sizeof big));
    EXPECT(big[0] == (int64_t)1 << 60 && big[1] == ((int64_t)1 << 60) + 1, "int64 max");

    /* Started in the background, finished by wait: [r, 2r] summed is [1, 2]. */
    float pair[2] = {(float)rank, 2.0f * rank};
    const int64_t pair_shape[1] = {2};
    cajal_tensor z;
    int64_t work = 0;
    int32_t done = 0;
    CHECK(cajal_tensor_from_data(pair, sizeof pair, pair_shape, 1, CAJAL_FLOAT32, &z));
    CHECK(cajal_dist_all_reduce_start(z, CAJAL_REDUCE_SUM, &work));
    CHECK(cajal_dist_work_test(work, &done));
    if (!done) CHECK(cajal_dist_work_wait(work));
    CHECK(cajal_tensor_copy_to(z, pair, sizeof pair));
    EXPECT(pair[0] == 1.0f && pair[1] == 2.0f, "the started all-reduce");
    EXPECT(cajal_dist_work_wait(work) == CAJAL_ERR_VALUE, "a spent work number");
    EXPECT(cajal_dist_work_test(12345, &done) == CAJAL_ERR_VALUE, "a work number never given");
    cajal_tensor_free(z);

    /* Broadcast from rank 1, then all-gather the ranks. */
    cajal_tensor b, g[2];
    CHECK(cajal_tensor_full(shape, 1, 10.0 + rank, CAJAL_FLOAT32, &b));
    CHECK(cajal_dist_broadcast(b, 1));
    CHECK(cajal_tensor_copy_to(b, values, sizeof values));
    EXPECT(values[0] == 11.0f && values[4] == 11.0f, "broadcast");
    cajal_tensor r;
    const int64_t one[1] = {1};
    CHECK(cajal_tensor_full(one, 1, (double)rank, CAJAL_FLOAT32, &r));
    size_t count = 0;
    CHECK(cajal_dist_all_gather(r, g, 2, &count));
    float first = -1, second = -1;
    CHECK(cajal_tensor_copy_to(g[0], &first, sizeof first));
    CHECK(cajal_tensor_copy_to(g[1], &second, sizeof second));
    EXPECT(count == 2 && first == 0.0f && second == 1.0f, "all-gather in rank order");

    /* Point to point. */
    if (rank == 0) {
        CHECK(cajal_dist_send(x, 1, 5));
    } else {
        cajal_tensor into;
        int32_t sender = -1;
        CHECK(cajal_tensor_full(shape, 1, 0.0, CAJAL_FLOAT32, &into));
        CHECK(cajal_dist_recv(into, -1, 5, &sender));
        CHECK(cajal_tensor_copy_to(into, values, sizeof values));
        EXPECT(sender == 0 && values[2] == 5.0f, "recv");
        cajal_tensor_free(into);
    }

    /* Errors: sizes that differ across ranks, a rank outside the world, a bad op code. */
    cajal_tensor uneven;
    const int64_t uneven_shape[1] = {3 + rank};
    CHECK(cajal_tensor_full(uneven_shape, 1, 1.0, CAJAL_FLOAT32, &uneven));
    EXPECT(cajal_dist_all_reduce(uneven, CAJAL_REDUCE_SUM) == CAJAL_ERR_VALUE, "mismatched sizes are an error");
    EXPECT(strstr(cajal_last_error(), "differ in size") != NULL, "the message says why");
    EXPECT(cajal_dist_broadcast(b, 7) == CAJAL_ERR_VALUE, "src outside the world");
    EXPECT(cajal_dist_all_reduce(b, 99) == CAJAL_ERR_VALUE, "an unknown reduce op");
    EXPECT(cajal_dist_rank(NULL) == CAJAL_ERR_NULL_ARGUMENT, "a NULL output");

    CHECK(cajal_dist_barrier());
    CHECK(cajal_dist_finalize());
    EXPECT(!cajal_dist_is_initialized(), "finalized");
    EXPECT(cajal_dist_init() != CAJAL_OK, "MPI cannot start again after finalize");
    cajal_tensor_free(x); cajal_tensor_free(y); cajal_tensor_free(b); cajal_tensor_free(r);
    cajal_tensor_free(g[0]); cajal_tensor_free(g[1]); cajal_tensor_free(uneven);
    if (rank == 0 && failures == 0) printf("distributed: collectives on 2 ranks match the arithmetic\n");
    return failures != 0;
}

int main(void) {
    /* Before init: an error, not an abort. */
    EXPECT(cajal_dist_barrier() == CAJAL_ERR_RUNTIME, "a collective before init");
    return run();
}
