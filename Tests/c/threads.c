/*
 * Distinct tensors used from several threads at once, through the header
 * alone: each thread fits its own linear model (y = k t + 1), checks that
 * grad mode and the last error are its own, runs products and convolutions
 * large enough for the engine's worker pool (which then is shared by
 * callers), and makes and frees handles by the thousand (the handle table).
 * `make sanitize` runs it under ThreadSanitizer too.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

enum { THREADS = 4, STEPS = 300 };

typedef struct {
    int k;
    double slope, intercept;
    int status;
    char error[256];
} Work;

/* A (rows x cols) tensor of value. */
static int filled(int64_t rows, int64_t cols, double value, cajal_tensor *out) {
    const int64_t shape[2] = {rows, cols};
    return cajal_tensor_full(shape, 2, value, CAJAL_FLOAT32, out);
}

static int fit(Work *w) {
    /* x: 100 rows of (t, 1); y = x @ [k, 1]. */
    float data[200];
    for (int i = 0; i < 100; i++) data[2 * i] = (float)i / 100, data[2 * i + 1] = 1;
    const int64_t xs[2] = {100, 2}, ts[2] = {2, 1};
    float truth[2] = {(float)w->k, 1};
    cajal_tensor x, t, y, weights;
    CHECK(cajal_tensor_from_data(data, sizeof data, xs, 2, CAJAL_FLOAT32, &x));
    CHECK(cajal_tensor_from_data(truth, sizeof truth, ts, 2, CAJAL_FLOAT32, &t));
    CHECK(cajal_tensor_matmul(x, t, &y));
    CHECK(filled(2, 1, 0, &weights));
    CHECK(cajal_tensor_set_requires_grad(weights, 1));
    for (int step = 0; step < STEPS; step++) {
        cajal_tensor prediction, difference, squared, loss, grad, scaled, updated;
        CHECK(cajal_tensor_matmul(x, weights, &prediction));
        CHECK(cajal_tensor_sub(prediction, y, &difference));
        CHECK(cajal_tensor_mul(difference, difference, &squared));
        CHECK(cajal_tensor_mean_all(squared, &loss));
        CHECK(cajal_tensor_backward(loss, NULL, 0));
        CHECK(cajal_tensor_grad(weights, &grad));
        /* The update runs without the graph, on this thread only. */
        cajal_set_grad_enabled(0);
        cajal_tensor rate;
        CHECK(cajal_tensor_scalar(-0.5, CAJAL_FLOAT32, &rate));
        CHECK(cajal_tensor_mul(grad, rate, &scaled));
        CHECK(cajal_tensor_add(weights, scaled, &updated));
        cajal_set_grad_enabled(1);
        cajal_tensor_free(weights);
        CHECK(cajal_tensor_detach(updated, &weights));
        CHECK(cajal_tensor_set_requires_grad(weights, 1));
        cajal_tensor garbage[] = {prediction, difference, squared, loss, grad, scaled, updated, rate};
        for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) cajal_tensor_free(garbage[i]);
        if (!cajal_grad_enabled()) snprintf(w->error, sizeof w->error, "grad mode of thread %d changed", w->k);
    }
    float result[2];
    CHECK(cajal_tensor_copy_to(weights, result, sizeof result));
    w->slope = result[0], w->intercept = result[1];
    cajal_tensor_free(x), cajal_tensor_free(t), cajal_tensor_free(y), cajal_tensor_free(weights);
    return 0;
}

/* Work large enough for the worker pool: a 256 x 256 product, a convolution,
 * an elementwise op over 1M elements; checked against their known values. */
static int pooled_work(Work *w) {
    cajal_tensor a, b, c, total, image, kernel, convolved;
    double value;
    CHECK(filled(256, 256, 1, &a));
    CHECK(filled(256, 256, 2, &b));
    CHECK(cajal_tensor_matmul(a, b, &c));
    CHECK(cajal_tensor_sum_all(c, &total));
    CHECK(cajal_tensor_item(total, &value));
    if (value != 256.0 * 256 * 256 * 2) snprintf(w->error, sizeof w->error, "thread %d: product sum %g", w->k, value);
    cajal_tensor_free(total), cajal_tensor_free(c);
    const int64_t images[4] = {8, 4, 32, 32}, kernels[4] = {8, 4, 3, 3}, one[1] = {1};
    CHECK(cajal_tensor_full(images, 4, 1, CAJAL_FLOAT32, &image));
    CHECK(cajal_tensor_full(kernels, 4, 0.5, CAJAL_FLOAT32, &kernel));
    CHECK(cajal_nn_conv2d(image, kernel, NULL, one, 1, CAJAL_CONV_PADDING_VALID, NULL, 0, one, 1, 1, &convolved)); /* valid: 30 x 30 */
    CHECK(cajal_tensor_mean_all(convolved, &total));
    CHECK(cajal_tensor_item(total, &value));
    if (value != 18.0) snprintf(w->error, sizeof w->error, "thread %d: convolution mean %g", w->k, value);
    cajal_tensor_free(total), cajal_tensor_free(convolved), cajal_tensor_free(image), cajal_tensor_free(kernel);
    cajal_tensor big, doubled;
    CHECK(filled(1024, 1024, w->k, &big));
    CHECK(cajal_tensor_add(big, big, &doubled));
    CHECK(cajal_tensor_mean_all(doubled, &total));
    CHECK(cajal_tensor_item(total, &value));
    if (value != 2.0 * w->k) snprintf(w->error, sizeof w->error, "thread %d: mean %g", w->k, value);
    cajal_tensor_free(total), cajal_tensor_free(doubled), cajal_tensor_free(big), cajal_tensor_free(a), cajal_tensor_free(b);
    return 0;
}

/* A shape error's message stays on the thread that made it. */
static int own_error(Work *w) {
    const int64_t left[1] = {w->k + 2}, right[1] = {w->k + 3};
    cajal_tensor a, b, c = NULL;
    CHECK(cajal_tensor_ones(left, 1, CAJAL_FLOAT32, &a));
    CHECK(cajal_tensor_ones(right, 1, CAJAL_FLOAT32, &b));
    char expected[64];
    snprintf(expected, sizeof expected, "(%d) and (%d)", w->k + 2, w->k + 3);
    for (int i = 0; i < 200; i++) {
        if (cajal_tensor_add(a, b, &c) == CAJAL_OK || !strstr(cajal_last_error(), expected)) {
            snprintf(w->error, sizeof w->error, "thread %d read another thread's error: %s", w->k, cajal_last_error());
            break;
        }
    }
    cajal_tensor_free(a), cajal_tensor_free(b);
    return 0;
}

/* Handles by the thousand, some freed twice and some foreign: the table. */
static int churn(Work *w) {
    const int64_t shape[1] = {3};
    for (int i = 0; i < 5000; i++) {
        cajal_tensor t;
        CHECK(cajal_tensor_zeros(shape, 1, CAJAL_FLOAT32, &t));
        size_t numel = 0;
        CHECK(cajal_tensor_numel(t, &numel));
        cajal_tensor_free(t);
        if (i % 7 == 0) cajal_tensor_free(t); /* a double free is ignored */
        if (numel != 3 || cajal_tensor_numel(t, &numel) != CAJAL_ERR_NULL_ARGUMENT) {
            snprintf(w->error, sizeof w->error, "thread %d: a freed handle still answered", w->k);
            break;
        }
    }
    return 0;
}

static void *run(void *argument) {
    Work *w = argument;
    w->status = fit(w) || pooled_work(w) || own_error(w) || churn(w);
    return NULL;
}

int main(void) {
    pthread_t threads[THREADS];
    Work work[THREADS];
    for (int k = 0; k < THREADS; k++) {
        memset(&work[k], 0, sizeof work[k]);
        work[k].k = k + 1;
        if (pthread_create(&threads[k], NULL, run, &work[k]) != 0) return 1;
    }
    for (int k = 0; k < THREADS; k++) pthread_join(threads[k], NULL);
    for (int k = 0; k < THREADS; k++) {
        EXPECT(work[k].status == 0, "a thread's call failed");
        EXPECT(work[k].error[0] == '\0', work[k].error);
        EXPECT(fabs(work[k].slope - work[k].k) < 0.05 && fabs(work[k].intercept - 1) < 0.05,
               "a thread's model did not fit its own data");
        if (work[k].slope != work[k].slope || fabs(work[k].slope - work[k].k) >= 0.05)
            fprintf(stderr, "thread %d: slope %g intercept %g\n", work[k].k, work[k].slope, work[k].intercept);
    }
    if (failures) return 1;
    printf("threads: %d threads fitted their own models, shared the worker pool, kept their errors and grad mode\n", THREADS);
    return 0;
}
