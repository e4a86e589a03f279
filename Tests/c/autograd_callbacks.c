/* Higher-order gradients, tensor hooks and custom functions through the C
 * API: d2/dx2 x^3 = 6x by differentiating a gradient made with create_graph;
 * a hook that doubles a gradient; a function y = 2x whose backward is a C
 * callback (gradient reversal: -grad); a failing callback fails the
 * backward with a message. Built and run by `make test`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cajal.h"
#include "check.h"

static int released = 0;
static void count_release(void *context) { (void)context; released++; }

/* hook: replaces the gradient by 2 * grad. */
static int doubling_hook(void *context, cajal_tensor grad, cajal_tensor *results) {
    cajal_tensor two;
    (void)context;
    if (cajal_tensor_scalar(2.0, CAJAL_FLOAT64, &two) != CAJAL_OK) return 1;
    int status = cajal_tensor_mul(grad, two, &results[0]);
    cajal_tensor_free(two);
    cajal_tensor_free(grad);
    return status;
}

/* backward of the reversal function: -grad for its one input. */
static int reverse_gradient(void *context, cajal_tensor grad, cajal_tensor *results) {
    (void)context;
    int status = cajal_tensor_neg(grad, &results[0]);
    cajal_tensor_free(grad);
    return status;
}

static int failing_backward(void *context, cajal_tensor grad, cajal_tensor *results) {
    (void)context, (void)results;
    cajal_tensor_free(grad);
    return 7;
}

static double value_at(cajal_tensor t, int64_t i) {
    double value = NAN;
    cajal_tensor element;
    if (cajal_tensor_select(t, 0, i, &element) != CAJAL_OK) return NAN;
    cajal_tensor_item(element, &value);
    cajal_tensor_free(element);
    return value;
}

static int second_derivative(void) {
    const double xs[3] = {1.0, -2.0, 0.5};
    const int64_t shape[1] = {3};
    cajal_tensor x, cube, total, first, first_sum, second, three;
    CHECK(cajal_tensor_from_data(xs, sizeof xs, shape, 1, CAJAL_FLOAT64, &x));
    CHECK(cajal_tensor_set_requires_grad(x, 1));
    CHECK(cajal_tensor_scalar(3.0, CAJAL_FLOAT64, &three));
    CHECK(cajal_tensor_pow(x, three, &cube));
    CHECK(cajal_tensor_sum_all(cube, &total));
    CHECK(cajal_autograd_grad_ex(&total, 1, NULL, &x, 1, 0, 1, 0, &first));
    CHECK(cajal_tensor_sum_all(first, &first_sum));
    CHECK(cajal_autograd_grad_ex(&first_sum, 1, NULL, &x, 1, 0, 0, 0, &second));
    for (int64_t i = 0; i < 3; i++) {
        EXPECT(fabs(value_at(first, i) - 3 * xs[i] * xs[i]) < 1e-12, "first derivative of x^3 is 3x^2");
        EXPECT(fabs(value_at(second, i) - 6 * xs[i]) < 1e-12, "second derivative of x^3 is 6x");
    }
    cajal_tensor handles[] = {x, cube, total, first, first_sum, second, three};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) cajal_tensor_free(handles[i]);
    return 0;
}

static int hooks_and_functions(void) {
    const double xs[2] = {1.0, 2.0};
    const int64_t shape[1] = {2};
    cajal_tensor x, two, doubled, reversed, total, grad;
    int64_t hook_id = 0;
    CHECK(cajal_tensor_from_data(xs, sizeof xs, shape, 1, CAJAL_FLOAT64, &x));
    CHECK(cajal_tensor_set_requires_grad(x, 1));
    CHECK(cajal_tensor_register_hook(x, doubling_hook, NULL, count_release, &hook_id));
    CHECK(cajal_tensor_scalar(2.0, CAJAL_FLOAT64, &two));
    CHECK(cajal_tensor_mul(x, two, &doubled));
    CHECK(cajal_autograd_function(doubled, &x, 1, "ReverseBackward", reverse_gradient, NULL, count_release, 0, &reversed));
    const char *name = NULL;
    CHECK(cajal_tensor_grad_fn_name(reversed, &name));
    EXPECT(name != NULL && name[0] == 'R', "the function's node carries its name");
    CHECK(cajal_tensor_sum_all(reversed, &total));
    CHECK(cajal_tensor_backward(total, NULL, 0));
    CHECK(cajal_tensor_grad(x, &grad));
    /* d/dx of sum(f(x)) with f's backward -grad, then the hook's doubling: -2. */
    EXPECT(value_at(grad, 0) == -2.0 && value_at(grad, 1) == -2.0, "hook and custom backward both applied");
    CHECK(cajal_tensor_remove_hook(x, hook_id));
    EXPECT(released == 1, "removing the hook releases its context");
    cajal_tensor_free(total);
    cajal_tensor_free(reversed);
    EXPECT(released == 2, "freeing the function's output releases its context");
    cajal_tensor_free(grad);

    /* A failing callback fails the backward with a message; the process lives on. */
    cajal_tensor failing, failing_sum;
    CHECK(cajal_autograd_function(doubled, &x, 1, "FailingBackward", failing_backward, NULL, NULL, 0, &failing));
    CHECK(cajal_tensor_sum_all(failing, &failing_sum));
    EXPECT(cajal_tensor_backward(failing_sum, NULL, 0) == CAJAL_ERR_RUNTIME, "a failing callback fails backward");
    EXPECT(strstr(cajal_last_error(), "FailingBackward") != NULL, "the message names the function");
    EXPECT(cajal_autograd_function(doubled, &x, 1, "NoCallback", NULL, NULL, NULL, 0, &failing) == CAJAL_ERR_NULL_ARGUMENT,
           "a NULL callback is refused");
    cajal_tensor handles[] = {x, two, doubled, failing, failing_sum};
    for (size_t i = 0; i < sizeof handles / sizeof *handles; i++) cajal_tensor_free(handles[i]);
    return 0;
}

int main(void) {
    if (second_derivative() || hooks_and_functions()) return 1;
    if (failures) {
        fprintf(stderr, "autograd_callbacks: %d checks failed\n", failures);
        return 1;
    }
    printf("autograd_callbacks: ok\n");
    return 0;
}
