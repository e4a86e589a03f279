/* A training step captured as a plan (cajal_plan_*) through the C API: the
 * same losses as the eager step, run after run, and refused inputs that do
 * not fit. Built and run by `make test`. */
#include <math.h>
#include <stdio.h>

#include "cajal.h"
#include "check.h"

enum { N = 32 };

/* loss = mean((x w + b - y)^2); backward; p -= lr * p.grad under no_grad; grads cleared. */
static int step(cajal_tensor x, cajal_tensor y, cajal_tensor w, cajal_tensor b, cajal_tensor lr, cajal_tensor *loss) {
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
    CHECK(cajal_tensor_backward(*loss, NULL, 0));
    cajal_tensor parameters[2] = {w, b};
    for (int i = 0; i < 2; i++) {
        cajal_tensor grad, update;
        CHECK(cajal_tensor_grad(parameters[i], &grad));
        CHECK(cajal_tensor_mul(grad, lr, &update));
        cajal_set_grad_enabled(0);
        CHECK(cajal_tensor_sub_inplace(parameters[i], update));
        cajal_set_grad_enabled(1);
        CHECK(cajal_tensor_set_grad(parameters[i], NULL));
        cajal_tensor_free(grad);
        cajal_tensor_free(update);
    }
    return 0;
}

static int parameters(cajal_tensor *w, cajal_tensor *b) {
    const int64_t one_by_one[2] = {1, 1}, one[1] = {1};
    CHECK(cajal_tensor_zeros(one_by_one, 2, CAJAL_FLOAT32, w));
    CHECK(cajal_tensor_zeros(one, 1, CAJAL_FLOAT32, b));
    CHECK(cajal_tensor_set_requires_grad(*w, 1));
    CHECK(cajal_tensor_set_requires_grad(*b, 1));
    return 0;
}

static int run(void) {
    float xs[N], ys[N];
    for (int i = 0; i < N; i++) {
        xs[i] = (float)i / N * 2.0f - 1.0f;
        ys[i] = 3.0f * xs[i] - 2.0f;
    }
    const int64_t column[2] = {N, 1};
    cajal_tensor x, y, lr, w, b, w2, b2;
    CHECK(cajal_tensor_from_data(xs, sizeof xs, column, 2, CAJAL_FLOAT32, &x));
    CHECK(cajal_tensor_from_data(ys, sizeof ys, column, 2, CAJAL_FLOAT32, &y));
    CHECK(cajal_tensor_scalar(0.1, CAJAL_FLOAT64, &lr));
    if (parameters(&w, &b) || parameters(&w2, &b2)) return 1;

    /* Eager: 100 steps. */
    double eager[100];
    for (int i = 0; i < 100; i++) {
        cajal_tensor loss;
        if (step(x, y, w, b, lr, &loss)) return 1;
        CHECK(cajal_tensor_item(loss, &eager[i]));
        cajal_tensor_free(loss);
    }

    /* Captured: the first step is recorded while it runs, then 99 runs of the plan. */
    cajal_tensor inputs[2] = {x, y}, loss;
    CHECK(cajal_plan_begin(inputs, 2));
    if (step(x, y, w2, b2, lr, &loss)) return 1;
    cajal_plan plan;
    CHECK(cajal_plan_end(&loss, 1, &plan));
    size_t steps = 0;
    CHECK(cajal_plan_step_count(plan, &steps));
    EXPECT(steps >= 15, "the plan holds the forward, backward and both updates");
    double captured[100];
    CHECK(cajal_tensor_item(loss, &captured[0]));
    cajal_tensor_free(loss);
    for (int i = 1; i < 100; i++) {
        cajal_tensor out;
        CHECK(cajal_plan_run(plan, inputs, 2, &out, 1));
        CHECK(cajal_tensor_item(out, &captured[i]));
        cajal_tensor_free(out);
    }
    int same = 1;
    for (int i = 0; i < 100; i++) same &= captured[i] == eager[i];
    printf("plan of %zu calls: loss %.6f -> %.8f, eager %.6f -> %.8f\n", steps, captured[0], captured[99], eager[0],
           eager[99]);
    EXPECT(same, "the plan's losses differ from the eager step's");
    EXPECT(captured[99] < captured[0] * 1e-3, "the captured step did not train");

    /* Inputs of another shape are refused before any call runs; the parameters stay as they were. */
    double before, after;
    CHECK(cajal_tensor_item(w2, &before));
    const int64_t other[2] = {N / 2, 1};
    cajal_tensor half, half_inputs[2], out = NULL;
    CHECK(cajal_tensor_from_data(xs, sizeof xs / 2, other, 2, CAJAL_FLOAT32, &half));
    half_inputs[0] = half;
    half_inputs[1] = y;
    EXPECT(cajal_plan_run(plan, half_inputs, 2, &out, 1) == CAJAL_ERR_VALUE && out == NULL, "another shape is refused");
    CHECK(cajal_tensor_item(w2, &after));
    EXPECT(before == after, "a refused run changed nothing");
    cajal_set_grad_enabled(0);
    EXPECT(cajal_plan_run(plan, inputs, 2, &out, 1) == CAJAL_ERR_VALUE, "another grad mode is refused");
    cajal_set_grad_enabled(1);

    /* A capture that reads a value cannot become a plan; the calls still ran. */
    double value;
    CHECK(cajal_plan_begin(inputs, 2));
    CHECK(cajal_tensor_item(w2, &value));
    cajal_plan refused = NULL;
    EXPECT(cajal_plan_end(NULL, 0, &refused) == CAJAL_ERR_NOT_IMPLEMENTED && refused == NULL, "item is refused");
    printf("refused: %s\n", cajal_last_error());

    cajal_plan_free(plan);
    cajal_tensor_free(half);
    cajal_tensor_free(x);
    cajal_tensor_free(y);
    cajal_tensor_free(lr);
    cajal_tensor_free(w);
    cajal_tensor_free(b);
    cajal_tensor_free(w2);
    cajal_tensor_free(b2);
    return 0;
}

int main(void) {
    if (run()) return 1;
    if (failures) fprintf(stderr, "%d failures\n", failures);
    return failures != 0;
}
