/* The LeNet of examples/cnn, written against the C API: handwritten digits
 * (scikit-learn's 1797 8x8 scans), two convolution + max-pool stages and three
 * linear layers, cross-entropy, SGD with momentum, then the held-out accuracy.
 *
 *   make examples-c        (or: cc ... && ./digits_lenet path/to/digits.csv [--quick])
 *
 * digits.csv is scikit-learn's sklearn/datasets/data/digits.csv.gz unpacked:
 * 64 pixel values (0-16) and the digit per line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cajal.h"

#define CHECK(call)                                                                                        \
    do {                                                                                                   \
        if ((call) != CAJAL_OK) {                                                                          \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cajal_last_error());      \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)

enum { PIXELS = 64, MAX_ROWS = 1800, BATCH = 32, PARAMS = 10 };

static cajal_tensor scratch[64];
static int scratch_count = 0;
static cajal_tensor temp(cajal_tensor t) { return scratch[scratch_count++] = t; }
static void free_scratch(void) {
    while (scratch_count > 0) cajal_tensor_free(scratch[--scratch_count]);
}

/* A parameter of `shape`, uniform in +-1/sqrt(fan_in) as torch starts Conv2d and Linear. */
static cajal_tensor parameter(const int64_t *shape, size_t rank, int64_t fan_in) {
    cajal_tensor t;
    CHECK(cajal_tensor_zeros(shape, rank, CAJAL_FLOAT32, &t));
    CHECK(cajal_tensor_uniform_inplace(t, -1.0 / sqrt((double)fan_in), 1.0 / sqrt((double)fan_in), NULL));
    CHECK(cajal_tensor_set_requires_grad(t, 1));
    return t;
}

/* conv 3x3 'same' -> ReLU -> 2x2 max-pool. */
static cajal_tensor conv_stage(cajal_tensor x, cajal_tensor weight, cajal_tensor bias) {
    const int64_t zero[1] = {0}, one[1] = {1}, two[1] = {2};
    cajal_tensor out, values, indices;
    CHECK(cajal_nn_conv2d(x, weight, bias, one, 1, CAJAL_CONV_PADDING_EXPLICIT, one, 1, one, 1, 1, &out));
    CHECK(cajal_tensor_relu(temp(out), &out));
    CHECK(cajal_nn_max_pool2d(temp(out), two, 1, two, 1, zero, 1, one, 1, 0, &values, &indices));
    temp(indices);
    return temp(values);
}

/* logits (n x 10) of images (n x 1 x 8 x 8). */
static cajal_tensor forward(cajal_tensor *p, cajal_tensor x, int64_t n) {
    cajal_tensor h = conv_stage(conv_stage(x, p[0], p[1]), p[2], p[3]), out;
    const int64_t flat[2] = {n, 64};
    CHECK(cajal_tensor_reshape(h, flat, 2, &out));
    h = temp(out);
    for (int l = 0; l < 3; l++) {
        CHECK(cajal_nn_linear(h, p[4 + 2 * l], p[5 + 2 * l], &out));
        h = temp(out);
        if (l < 2) {
            CHECK(cajal_tensor_relu(h, &out));
            h = temp(out);
        }
    }
    return h;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/digits.csv [--quick]\n", argv[0]);
        return 2;
    }
    int epochs = argc > 2 ? 10 : 30;
    static float pixels[MAX_ROWS * PIXELS];
    static int64_t labels[MAX_ROWS];
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    int rows = 0;
    while (rows < MAX_ROWS) {
        int read = 0;
        float digit;
        for (int j = 0; j < PIXELS; j++) read += fscanf(f, "%f,", &pixels[rows * PIXELS + j]);
        read += fscanf(f, "%f", &digit);
        if (read != PIXELS + 1) break;
        for (int j = 0; j < PIXELS; j++) pixels[rows * PIXELS + j] /= 16.0f;
        labels[rows++] = (int64_t)digit;
    }
    fclose(f);
    int order[MAX_ROWS];
    unsigned long long seed = 42;  /* a fixed shuffle, then 80 % to train */
    for (int i = 0; i < rows; i++) order[i] = i;
    for (int i = rows - 1; i > 0; i--) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int j = (int)((seed >> 33) % (unsigned long long)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int train = rows * 4 / 5, test = rows - train;
    printf("digits: %d training and %d held-out 8x8 images, 10 classes\n", train, test);

    cajal_manual_seed(0);
    const int64_t shapes[PARAMS][4] = {{6, 1, 3, 3}, {6}, {16, 6, 3, 3}, {16}, {120, 64}, {120}, {84, 120}, {84}, {10, 84}, {10}};
    const size_t ranks[PARAMS] = {4, 1, 4, 1, 2, 1, 2, 1, 2, 1};
    const int64_t fan_in[PARAMS] = {9, 9, 54, 54, 64, 64, 120, 120, 84, 84};
    cajal_tensor params[PARAMS], grads[PARAMS], momentum[PARAMS] = {0};
    for (int p = 0; p < PARAMS; p++) params[p] = parameter(shapes[p], ranks[p], fan_in[p]);

    static float batch_x[BATCH * PIXELS];
    static int64_t batch_y[BATCH];
    double first_loss = 0, last_loss = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
        double total = 0;
        for (int start = 0; start < train; start += BATCH) {
            int n = train - start < BATCH ? train - start : BATCH;
            for (int i = 0; i < n; i++) {
                int row = order[start + i];
                for (int j = 0; j < PIXELS; j++) batch_x[i * PIXELS + j] = pixels[row * PIXELS + j];
                batch_y[i] = labels[row];
            }
            const int64_t x_shape[4] = {n, 1, 8, 8}, y_shape[1] = {n};
            cajal_tensor xb, yb, loss;
            CHECK(cajal_tensor_from_data(batch_x, sizeof(float) * n * PIXELS, x_shape, 4, CAJAL_FLOAT32, &xb));
            CHECK(cajal_tensor_from_data(batch_y, sizeof(int64_t) * n, y_shape, 1, CAJAL_INT64, &yb));
            temp(xb);
            temp(yb);
            CHECK(cajal_nn_cross_entropy(forward(params, xb, n), yb, NULL, -100, CAJAL_REDUCTION_MEAN, 0.0, &loss));
            temp(loss);
            double value;
            CHECK(cajal_tensor_item(loss, &value));
            total += value * n;
            CHECK(cajal_tensor_backward(loss, NULL, 0));
            for (int p = 0; p < PARAMS; p++) CHECK(cajal_tensor_grad(params[p], &grads[p]));
            /* The first step creates the momentum buffers (torch's rule); later steps update them. */
            cajal_tensor created[PARAMS] = {0};
            CHECK(cajal_optim_sgd_step(params, grads, momentum, PARAMS, 0.02, 0.9, 0.0, 0.0, 0, 0, created));
            for (int p = 0; p < PARAMS; p++) {
                if (created[p]) momentum[p] = created[p];
                CHECK(cajal_tensor_set_grad(params[p], NULL));
                cajal_tensor_free(grads[p]);
            }
            free_scratch();
        }
        last_loss = total / train;
        if (epoch == 1) first_loss = last_loss;
        if (epoch == 1 || epoch % 5 == 0 || epoch == epochs) printf("epoch %3d  loss %.4f\n", epoch, last_loss);
    }

    static float test_x[MAX_ROWS * PIXELS], logits[MAX_ROWS * 10];
    for (int i = 0; i < test; i++)
        for (int j = 0; j < PIXELS; j++) test_x[i * PIXELS + j] = pixels[order[train + i] * PIXELS + j];
    const int64_t test_shape[4] = {test, 1, 8, 8};
    cajal_tensor xt;
    CHECK(cajal_tensor_from_data(test_x, sizeof(float) * test * PIXELS, test_shape, 4, CAJAL_FLOAT32, &xt));
    cajal_set_grad_enabled(0);
    CHECK(cajal_tensor_copy_to(forward(params, xt, test), logits, sizeof(float) * test * 10));
    int correct = 0;
    for (int i = 0; i < test; i++) {
        int best = 0;
        for (int k = 1; k < 10; k++)
            if (logits[i * 10 + k] > logits[i * 10 + best]) best = k;
        correct += best == labels[order[train + i]];
    }
    printf("loss %.4f -> %.4f; held-out accuracy %.4f on %d images\n", first_loss, last_loss, (double)correct / test, test);
    free_scratch();
    cajal_tensor_free(xt);
    for (int p = 0; p < PARAMS; p++) {
        cajal_tensor_free(params[p]);
        cajal_tensor_free(momentum[p]);
    }
    return 0;
}
