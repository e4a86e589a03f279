/* Fits y = 3x - 2 by gradient descent through the C API alone, and checks
 * that bad input returns an error code with a message instead of crashing.
 * Built and run by `make test`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cajal.h"
#include "check.h"

/* loss = mean((x @ w + b - y)^2) */
static int mse_loss(cajal_tensor x, cajal_tensor w, cajal_tensor b, cajal_tensor y, cajal_tensor *loss) {
    cajal_tensor xw, prediction, error, squared;
    CHECK(cajal_tensor_matmul(x, w, &xw));
    CHECK(cajal_tensor_add(xw, b, &prediction));
    CHECK(cajal_tensor_sub(prediction, y, &error));
    CHECK(cajal_tensor_mul(error, error, &squared));
    CHECK(cajal_tensor_mean_all(squared, loss));
    cajal_tensor_free(xw);
    cajal_tensor_free(prediction);
    cajal_tensor_free(error);
    cajal_tensor_free(squared);
    return 0;
}

/* parameter -= lr * parameter.grad, then clear the grad (under no_grad). */
static int sgd_step(cajal_tensor parameter, cajal_tensor lr) {
    cajal_tensor grad, step;
    CHECK(cajal_tensor_grad(parameter, &grad));
    CHECK(cajal_tensor_mul(grad, lr, &step));
    cajal_set_grad_enabled(0);
    CHECK(cajal_tensor_sub_inplace(parameter, step));
    cajal_set_grad_enabled(1);
    CHECK(cajal_tensor_set_grad(parameter, NULL));
    cajal_tensor_free(grad);
    cajal_tensor_free(step);
    return 0;
}

static int train(void) {
    enum { N = 32 };
    float xs[N], ys[N];
    for (int i = 0; i < N; i++) {
        xs[i] = (float)i / N * 2.0f - 1.0f;
        ys[i] = 3.0f * xs[i] - 2.0f;
    }
    const int64_t column[2] = {N, 1};
    const int64_t one_by_one[2] = {1, 1};
    const int64_t one[1] = {1};
    cajal_tensor x, y, w, b, lr;
    CHECK(cajal_tensor_from_data(xs, sizeof xs, column, 2, CAJAL_FLOAT32, &x));
    CHECK(cajal_tensor_from_data(ys, sizeof ys, column, 2, CAJAL_FLOAT32, &y));
    CHECK(cajal_tensor_zeros(one_by_one, 2, CAJAL_FLOAT32, &w));
    CHECK(cajal_tensor_zeros(one, 1, CAJAL_FLOAT32, &b));
    CHECK(cajal_tensor_set_requires_grad(w, 1));
    CHECK(cajal_tensor_set_requires_grad(b, 1));
    CHECK(cajal_tensor_scalar(0.1, CAJAL_FLOAT64, &lr));

    double first = 0, last = 0;
    for (int epoch = 0; epoch < 300; epoch++) {
        cajal_tensor loss;
        if (mse_loss(x, w, b, y, &loss)) return 1;
        CHECK(cajal_tensor_item(loss, &last));
        if (epoch == 0) first = last;
        CHECK(cajal_tensor_backward(loss, NULL, 0));
        cajal_tensor_free(loss);
        if (sgd_step(w, lr) || sgd_step(b, lr)) return 1;
    }
    double weight, bias;
    CHECK(cajal_tensor_item(w, &weight));
    CHECK(cajal_tensor_item(b, &bias));
    printf("loss %.6f -> %.8f, w = %.4f, b = %.4f\n", first, last, weight, bias);
    EXPECT(last < first * 1e-4, "the loss did not fall");
    EXPECT(fabs(weight - 3.0) < 1e-2 && fabs(bias + 2.0) < 1e-2, "w and b did not reach 3 and -2");

    const char *name = NULL;
    CHECK(cajal_tensor_grad_fn_name(w, &name));
    EXPECT(name == NULL, "a leaf has no grad_fn");

    cajal_tensor_free(x);
    cajal_tensor_free(y);
    cajal_tensor_free(w);
    cajal_tensor_free(b);
    cajal_tensor_free(lr);
    return 0;
}

static int bad_input(void) {
    const int64_t shape_a[2] = {2, 3}, shape_b[1] = {4};
    cajal_tensor a, b;
    CHECK(cajal_tensor_ones(shape_a, 2, CAJAL_FLOAT32, &a));
    CHECK(cajal_tensor_ones(shape_b, 1, CAJAL_FLOAT32, &b));

    cajal_tensor untouched = (cajal_tensor)0x1;  /* out-params stay untouched on failure */
    int status = cajal_tensor_add(a, b, &untouched);
    EXPECT(status == CAJAL_ERR_SHAPE, "a shape mismatch returns CAJAL_ERR_SHAPE");
    EXPECT(strstr(cajal_last_error(), "[add] shapes (2x3) and (4)") != NULL, "the message names the op and the shapes");
    EXPECT(untouched == (cajal_tensor)0x1, "the out-param is untouched on failure");

    status = cajal_tensor_matmul(a, b, &untouched);
    EXPECT(status == CAJAL_ERR_SHAPE && strstr(cajal_last_error(), "[matmul]"), "matmul mismatch");

    double value;
    EXPECT(cajal_tensor_item(a, &value) == CAJAL_ERR_RUNTIME, "item on 6 elements fails");
    EXPECT(cajal_tensor_sum(a, (const int64_t[]){5}, 1, 0, &untouched) == CAJAL_ERR_INDEX, "dim 5 is out of range");
    EXPECT(cajal_tensor_zeros(shape_a, 2, 42, &untouched) == CAJAL_ERR_VALUE, "unknown dtype code");
    EXPECT(cajal_tensor_add(NULL, b, &untouched) == CAJAL_ERR_NULL_ARGUMENT, "NULL handle");
    EXPECT(cajal_tensor_add(a, b, NULL) != CAJAL_OK, "NULL out-param");
    cajal_tensor_free(NULL);  /* a no-op */

    cajal_tensor_free(a);
    cajal_tensor_free(b);
    return 0;
}

int main(void) {
    if (cajal_api_version() != CAJAL_API_VERSION) {
        fprintf(stderr, "library API version %d, header %d\n", cajal_api_version(), CAJAL_API_VERSION);
        return 1;
    }
    size_t tensors_before = cajal_live_tensor_count();
    if (train() || bad_input()) return 1;
    EXPECT(cajal_live_tensor_count() == tensors_before, "every tensor handle was freed");
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("C API test passed\n");
    return 0;
}
