/*
 * The C boundary refuses what it cannot use: counts past their limits (size_t
 * values a negative number became), NULL arrays, freed, foreign and wrong-kind
 * handles, geometry beyond its bound, layouts whose span overflows, requests
 * beyond memory. Each is a status code with a message; out-params stay
 * untouched; the process lives on and the engine still computes.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"

#define EXPECT_STATUS(call, expected, fragment)                                                            \
    do {                                                                                                   \
        int status_ = (call);                                                                              \
        if (status_ != (expected) || !strstr(cajal_last_error(), (fragment))) {                            \
            fprintf(stderr, "%s:%d: %s gave %d '%s', expected %d with '%s'\n", __FILE__, __LINE__, #call, \
                    status_, cajal_last_error(), (expected), (fragment));                                  \
            failures++;                                                                                    \
        }                                                                                                  \
    } while (0)

int main(void) {
    const int64_t shape[2] = {2, 3};
    cajal_tensor sentinel = (cajal_tensor)(uintptr_t)0x5e17, out = sentinel;

    /* Counts: (size_t)-1 and friends are refused before they are read. */
    EXPECT_STATUS(cajal_tensor_zeros(shape, (size_t)-1, CAJAL_FLOAT32, &out), CAJAL_ERR_VALUE,
                  "shape has 18446744073709551615 entries");
    EXPECT_STATUS(cajal_tensor_zeros(shape, 65, CAJAL_FLOAT32, &out), CAJAL_ERR_VALUE, "at most 64");
    EXPECT_STATUS(cajal_tensor_zeros(NULL, 2, CAJAL_FLOAT32, &out), CAJAL_ERR_NULL_ARGUMENT, "shape pointer is NULL");
    EXPECT(out == sentinel, "a failed call wrote its out-param");

    cajal_tensor a, b;
    CHECK(cajal_tensor_ones(shape, 2, CAJAL_FLOAT32, &a));
    CHECK(cajal_tensor_ones(shape, 2, CAJAL_FLOAT32, &b));
    cajal_tensor pair[2] = {a, b};
    EXPECT_STATUS(cajal_tensor_cat(pair, SIZE_MAX, 0, &out), CAJAL_ERR_VALUE, "at most 1048576");
    EXPECT_STATUS(cajal_tensor_cat(NULL, 2, 0, &out), CAJAL_ERR_NULL_ARGUMENT, "NULL");
    const int64_t items[4] = {0, 0, 0, 0};
    EXPECT_STATUS(cajal_tensor_getitem(a, items, (size_t)-1, NULL, 0, &out), CAJAL_ERR_VALUE, "index items");
    const double scales[1] = {2.0};
    const int64_t size[1] = {4};
    EXPECT_STATUS(cajal_nn_interpolate(a, size, 1, scales, (size_t)-2, CAJAL_INTERPOLATION_NEAREST, 0, &out), CAJAL_ERR_VALUE, "scales");
    /* A code outside a named constant's enumeration. */
    EXPECT_STATUS(cajal_nn_mse_loss(a, b, (cajal_reduction)9, &out), CAJAL_ERR_VALUE,
                  "[mse_loss] reduction 9 is not one of 0 (none), 1 (mean), 2 (sum), 3 (batchmean)");
    EXPECT_STATUS(cajal_nn_rnn(-1, a, NULL, NULL, NULL, NULL, 0, 1, 1, 0, 0.0, 0, 0, &out, &out, NULL), CAJAL_ERR_VALUE,
                  "[rnn] mode -1 is not one of 0 (RNN_TANH)");
    EXPECT_STATUS(cajal_safetensors_save("/tmp/cajal-bad-input.safetensors", NULL, NULL, 0, NULL, NULL, SIZE_MAX),
                  CAJAL_ERR_VALUE, "metadata");

    /* Handles: freed, foreign and of the wrong kind are errors, not crashes. */
    cajal_tensor freed;
    CHECK(cajal_tensor_zeros(shape, 2, CAJAL_FLOAT32, &freed));
    cajal_tensor_free(freed);
    cajal_tensor_free(freed); /* a double free is ignored */
    cajal_tensor_free(NULL);
    size_t numel = 0;
    EXPECT_STATUS(cajal_tensor_numel(freed, &numel), CAJAL_ERR_NULL_ARGUMENT, "is not a live cajal_tensor");
    EXPECT_STATUS(cajal_tensor_add(a, freed, &out), CAJAL_ERR_NULL_ARGUMENT, "is not a live cajal_tensor");
    int64_t local = 0;
    EXPECT_STATUS(cajal_tensor_numel((cajal_tensor)&local, &numel), CAJAL_ERR_NULL_ARGUMENT, "not made by cajal");
    cajal_generator generator;
    CHECK(cajal_generator_new(1, &generator));
    EXPECT_STATUS(cajal_tensor_numel((cajal_tensor)generator, &numel), CAJAL_ERR_NULL_ARGUMENT, "cajal_tensor");
    EXPECT_STATUS(cajal_tensor_rand(shape, 2, CAJAL_FLOAT32, (cajal_generator)a, &out), CAJAL_ERR_NULL_ARGUMENT,
                  "is not a live cajal_generator");
    cajal_generator_free((cajal_generator)a); /* the wrong kind: ignored, a stays alive */
    CHECK(cajal_tensor_numel(a, &numel));
    EXPECT(numel == 6, "freeing a tensor as a generator changed it");
    cajal_generator_free(generator);
    EXPECT(out == sentinel, "a failed call wrote its out-param");

    /* Geometry beyond its bound, and spans that overflow. */
    const int64_t image[4] = {1, 1, 3, 3}, kernel[4] = {1, 1, 1, 1}, one[1] = {1}, huge[1] = {(int64_t)1 << 62};
    cajal_tensor x, w;
    CHECK(cajal_tensor_zeros(image, 4, CAJAL_FLOAT32, &x));
    CHECK(cajal_tensor_zeros(kernel, 4, CAJAL_FLOAT32, &w));
    EXPECT_STATUS(cajal_nn_conv2d(x, w, NULL, one, 1, CAJAL_CONV_PADDING_EXPLICIT, huge, 1, one, 1, 1, &out), CAJAL_ERR_VALUE,
                  "[conv2d] padding 4611686018427387904 is too large");
    EXPECT_STATUS(cajal_nn_max_pool2d(x, one, 1, NULL, 0, one, 1, huge, 1, 0, &out, &out), CAJAL_ERR_VALUE,
                  "[max_pool2d] dilation 4611686018427387904 is too large");
    float data[16] = {0};
    const int64_t span_shape[2] = {3, 3}, span_strides[2] = {(int64_t)1 << 62, 1};
    EXPECT_STATUS(cajal_tensor_from_blob(data, span_shape, span_strides, 2, CAJAL_FLOAT32, NULL, NULL, &out),
                  CAJAL_ERR_VALUE, "[from_blob]");

    /* Requests beyond memory are refused before any memory is taken. */
    size_t available = cajal_memory_available();
    EXPECT(available > 0, "cajal_memory_available gave 0");
    const int64_t beyond[1] = {(int64_t)(available / 4 + 1)};
    EXPECT_STATUS(cajal_tensor_zeros(beyond, 1, CAJAL_FLOAT32, &out), CAJAL_ERR_OUT_OF_MEMORY, "cannot allocate");
    EXPECT(out == sentinel, "a failed call wrote its out-param");

    /* And the engine still computes: (2x3 ones) + (2x3 ones) sums to 12. */
    cajal_tensor total, sum;
    double value = 0;
    CHECK(cajal_tensor_add(a, b, &sum));
    CHECK(cajal_tensor_sum_all(sum, &total));
    CHECK(cajal_tensor_item(total, &value));
    EXPECT(value == 12.0, "ones + ones did not sum to 12");
    cajal_tensor garbage[] = {a, b, x, w, sum, total};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) cajal_tensor_free(garbage[i]);
    if (failures) return 1;
    printf("bad_input: every bad count, handle, geometry and size was refused with a message\n");
    return 0;
}
