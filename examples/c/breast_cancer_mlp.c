/* The tumour MLP of examples/mlp, written against the C API: 30 -> 64 -> 32 -> 1
 * on the Wisconsin breast-cancer data, mini-batches of 32, Adam, binary
 * cross-entropy on logits, then the accuracy on held-out tumours.
 *
 *   make examples-c        (or: cc ... && ./breast_cancer_mlp path/to/breast_cancer.csv)
 *
 * The data is scikit-learn's own copy (sklearn/datasets/data/breast_cancer.csv:
 * a header line, then 30 features and the class, 0 malignant / 1 benign). */
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

enum { FEATURES = 30, MAX_ROWS = 600, LAYERS = 3, BATCH = 32, EPOCHS = 60 };

/* Every intermediate tensor of a step, freed together at its end. */
static cajal_tensor scratch[64];
static int scratch_count = 0;
static cajal_tensor temp(cajal_tensor t) { return scratch[scratch_count++] = t; }
static void free_scratch(void) {
    while (scratch_count > 0) cajal_tensor_free(scratch[--scratch_count]);
}

/* One nn.Linear: weight (out x in), bias (out), uniform in +-1/sqrt(in) as torch starts them, and Adam's state. */
typedef struct {
    cajal_tensor params[2], steps[2], exp_avgs[2], exp_avg_sqs[2];
} Linear;

static Linear linear_layer(int64_t in, int64_t out) {
    Linear layer;
    const int64_t shapes[2][2] = {{out, in}, {out, 0}};
    const size_t ranks[2] = {2, 1};
    for (int i = 0; i < 2; i++) {
        CHECK(cajal_tensor_zeros(shapes[i], ranks[i], CAJAL_FLOAT32, &layer.params[i]));
        CHECK(cajal_tensor_uniform_inplace(layer.params[i], -1.0 / sqrt((double)in), 1.0 / sqrt((double)in), NULL));
        CHECK(cajal_tensor_set_requires_grad(layer.params[i], 1));
        CHECK(cajal_tensor_zeros(NULL, 0, CAJAL_FLOAT32, &layer.steps[i]));
        CHECK(cajal_tensor_zeros(shapes[i], ranks[i], CAJAL_FLOAT32, &layer.exp_avgs[i]));
        CHECK(cajal_tensor_zeros(shapes[i], ranks[i], CAJAL_FLOAT32, &layer.exp_avg_sqs[i]));
    }
    return layer;
}

/* logits (n x 1) = the MLP on x (n x 30). */
static cajal_tensor forward(Linear *layers, cajal_tensor x) {
    cajal_tensor h = x, out;
    for (int l = 0; l < LAYERS; l++) {
        CHECK(cajal_nn_linear(h, layers[l].params[0], layers[l].params[1], &out));
        h = temp(out);
        if (l < LAYERS - 1) {
            CHECK(cajal_tensor_relu(h, &out));
            h = temp(out);
        }
    }
    return h;
}

static int read_csv(const char *path, float *x, float *y) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    char header[256];
    if (!fgets(header, sizeof header, f)) exit(1);
    int rows = 0;
    while (rows < MAX_ROWS) {
        int read = 0;
        for (int j = 0; j < FEATURES; j++) read += fscanf(f, "%f,", &x[rows * FEATURES + j]);
        read += fscanf(f, "%f", &y[rows]);
        if (read != FEATURES + 1) break;
        rows++;
    }
    fclose(f);
    return rows;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/sklearn/datasets/data/breast_cancer.csv [--quick]\n", argv[0]);
        return 2;
    }
    int epochs = argc > 2 ? 15 : EPOCHS;
    static float x[MAX_ROWS * FEATURES], y[MAX_ROWS];
    int rows = read_csv(argv[1], x, y);

    /* A fixed shuffle, then 80 % to train and 20 % held out; features standardized by the training rows. */
    int order[MAX_ROWS];
    unsigned long long seed = 42;
    for (int i = 0; i < rows; i++) order[i] = i;
    for (int i = rows - 1; i > 0; i--) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int j = (int)((seed >> 33) % (unsigned long long)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int train = rows * 4 / 5, test = rows - train;
    for (int j = 0; j < FEATURES; j++) {
        double mean = 0, var = 0;
        for (int i = 0; i < train; i++) mean += x[order[i] * FEATURES + j] / train;
        for (int i = 0; i < train; i++) var += pow(x[order[i] * FEATURES + j] - mean, 2) / train;
        for (int i = 0; i < rows; i++) x[i * FEATURES + j] = (float)((x[i * FEATURES + j] - mean) / sqrt(var));
    }
    printf("Wisconsin breast cancer: %d training and %d held-out tumours, %d features\n", train, test, FEATURES);

    cajal_manual_seed(0);
    Linear layers[LAYERS] = {linear_layer(FEATURES, 64), linear_layer(64, 32), linear_layer(32, 1)};
    cajal_tensor params[2 * LAYERS], steps[2 * LAYERS], exp_avgs[2 * LAYERS], exp_avg_sqs[2 * LAYERS], grads[2 * LAYERS];
    for (int l = 0; l < LAYERS; l++)
        for (int i = 0; i < 2; i++) {
            params[2 * l + i] = layers[l].params[i];
            steps[2 * l + i] = layers[l].steps[i];
            exp_avgs[2 * l + i] = layers[l].exp_avgs[i];
            exp_avg_sqs[2 * l + i] = layers[l].exp_avg_sqs[i];
        }

    static float batch_x[BATCH * FEATURES], batch_y[BATCH];
    double first_loss = 0, last_loss = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
        double total = 0;
        for (int start = 0; start < train; start += BATCH) {
            int n = train - start < BATCH ? train - start : BATCH;
            for (int i = 0; i < n; i++) {
                int row = order[start + i];
                for (int j = 0; j < FEATURES; j++) batch_x[i * FEATURES + j] = x[row * FEATURES + j];
                batch_y[i] = y[row];
            }
            const int64_t x_shape[2] = {n, FEATURES}, y_shape[2] = {n, 1};
            cajal_tensor xb, yb, loss;
            CHECK(cajal_tensor_from_data(batch_x, sizeof(float) * n * FEATURES, x_shape, 2, CAJAL_FLOAT32, &xb));
            CHECK(cajal_tensor_from_data(batch_y, sizeof(float) * n, y_shape, 2, CAJAL_FLOAT32, &yb));
            temp(xb);
            temp(yb);
            CHECK(cajal_nn_binary_cross_entropy_with_logits(forward(layers, xb), yb, NULL, NULL, CAJAL_REDUCTION_MEAN, &loss));
            temp(loss);
            double value;
            CHECK(cajal_tensor_item(loss, &value));
            total += value * n;
            CHECK(cajal_tensor_backward(loss, NULL, 0));
            for (int p = 0; p < 2 * LAYERS; p++) CHECK(cajal_tensor_grad(params[p], &grads[p]));
            CHECK(cajal_optim_adam_step(params, grads, steps, exp_avgs, exp_avg_sqs, NULL, 2 * LAYERS, 1e-3, 0.9, 0.999,
                                        1e-8, 1e-4, 0, 0, 0));
            for (int p = 0; p < 2 * LAYERS; p++) {
                CHECK(cajal_tensor_set_grad(params[p], NULL));
                cajal_tensor_free(grads[p]);
            }
            free_scratch();
        }
        last_loss = total / train;
        if (epoch == 1) first_loss = last_loss;
        if (epoch == 1 || epoch % 10 == 0 || epoch == epochs) printf("epoch %3d  loss %.4f\n", epoch, last_loss);
    }

    /* Held-out accuracy: a positive logit means benign. */
    static float test_x[MAX_ROWS * FEATURES], logits[MAX_ROWS];
    for (int i = 0; i < test; i++)
        for (int j = 0; j < FEATURES; j++) test_x[i * FEATURES + j] = x[order[train + i] * FEATURES + j];
    const int64_t test_shape[2] = {test, FEATURES};
    cajal_tensor xt;
    CHECK(cajal_tensor_from_data(test_x, sizeof(float) * test * FEATURES, test_shape, 2, CAJAL_FLOAT32, &xt));
    cajal_set_grad_enabled(0);
    CHECK(cajal_tensor_copy_to(forward(layers, xt), logits, sizeof(float) * test));
    int correct = 0;
    for (int i = 0; i < test; i++) correct += (logits[i] > 0) == (y[order[train + i]] > 0.5f);
    printf("loss %.4f -> %.4f; held-out accuracy %.4f on %d tumours\n", first_loss, last_loss, (double)correct / test, test);
    free_scratch();
    cajal_tensor_free(xt);
    for (int p = 0; p < 2 * LAYERS; p++) {
        cajal_tensor_free(params[p]);
        cajal_tensor_free(steps[p]);
        cajal_tensor_free(exp_avgs[p]);
        cajal_tensor_free(exp_avg_sqs[p]);
    }
    return 0;
}
