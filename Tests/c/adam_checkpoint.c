/* Fits y = 3x - 2 with the engine's Adam step (cajal_optim_adam_step), saves
 * the weights as a safetensors checkpoint, reads them back through a
 * cajal_archive, and checks that a missing or damaged file is an error code.
 * Built and run by `make test`. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cajal.h"
#include "check.h"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "adam_checkpoint.safetensors";
    enum { N = 32 };
    float xs[N], ys[N];
    for (int i = 0; i < N; i++) {
        xs[i] = (float)i / N * 2.0f - 1.0f;
        ys[i] = 3.0f * xs[i] - 2.0f;
    }
    const int64_t column[2] = {N, 1}, square[2] = {1, 1}, one[1] = {1};
    cajal_tensor x, y, params[2], grads[2], steps[2], exp_avgs[2], exp_avg_sqs[2];
    CHECK(cajal_tensor_from_data(xs, sizeof xs, column, 2, CAJAL_FLOAT32, &x));
    CHECK(cajal_tensor_from_data(ys, sizeof ys, column, 2, CAJAL_FLOAT32, &y));
    CHECK(cajal_tensor_zeros(square, 2, CAJAL_FLOAT32, &params[0]));
    CHECK(cajal_tensor_zeros(one, 1, CAJAL_FLOAT32, &params[1]));
    for (int i = 0; i < 2; i++) {
        CHECK(cajal_tensor_set_requires_grad(params[i], 1));
        CHECK(cajal_tensor_zeros(NULL, 0, CAJAL_FLOAT32, &steps[i]));
        CHECK(cajal_tensor_zeros(i == 0 ? square : one, i == 0 ? 2 : 1, CAJAL_FLOAT32, &exp_avgs[i]));
        CHECK(cajal_tensor_zeros(i == 0 ? square : one, i == 0 ? 2 : 1, CAJAL_FLOAT32, &exp_avg_sqs[i]));
    }
    double loss_value = 0;
    for (int step = 0; step < 400; step++) {
        cajal_tensor xw, prediction, error, squared, loss;
        CHECK(cajal_tensor_matmul(x, params[0], &xw));
        CHECK(cajal_tensor_add(xw, params[1], &prediction));
        CHECK(cajal_tensor_sub(prediction, y, &error));
        CHECK(cajal_tensor_mul(error, error, &squared));
        CHECK(cajal_tensor_mean_all(squared, &loss));
        CHECK(cajal_tensor_item(loss, &loss_value));
        CHECK(cajal_tensor_backward(loss, NULL, 0));
        for (int i = 0; i < 2; i++) CHECK(cajal_tensor_grad(params[i], &grads[i]));
        CHECK(cajal_optim_adam_step(params, grads, steps, exp_avgs, exp_avg_sqs, NULL, 2, 0.05, 0.9, 0.999, 1e-8, 0.0,
                                    0, 0, 0));
        for (int i = 0; i < 2; i++) {
            CHECK(cajal_tensor_set_grad(params[i], NULL));
            cajal_tensor_free(grads[i]);
        }
        cajal_tensor_free(xw);
        cajal_tensor_free(prediction);
        cajal_tensor_free(error);
        cajal_tensor_free(squared);
        cajal_tensor_free(loss);
    }
    double w, b, count;
    CHECK(cajal_tensor_item(params[0], &w));
    CHECK(cajal_tensor_item(params[1], &b));
    CHECK(cajal_tensor_item(steps[0], &count));
    printf("Adam: loss %.8f, w = %.4f, b = %.4f after %.0f steps\n", loss_value, w, b, count);
    EXPECT(fabs(w - 3.0) < 1e-2 && fabs(b + 2.0) < 1e-2, "Adam fits the line");
    EXPECT(count == 400.0, "the engine counts the steps");

    /* Save, then read back through an archive. */
    const char *names[2] = {"linear.weight", "linear.bias"};
    const char *keys[1] = {"epoch"}, *values[1] = {"400"};
    CHECK(cajal_safetensors_save(path, names, params, 2, keys, values, 1));
    cajal_archive archive;
    CHECK(cajal_safetensors_load(path, &archive));
    size_t tensor_count = 0, metadata_count = 0;
    CHECK(cajal_archive_count(archive, &tensor_count, &metadata_count));
    EXPECT(tensor_count == 2 && metadata_count == 2, "two tensors; epoch and the checksum");
    for (size_t i = 0; i < tensor_count; i++) {
        const char *name;
        cajal_tensor loaded;
        double value;
        CHECK(cajal_archive_tensor(archive, i, &name, &loaded));
        CHECK(cajal_tensor_item(loaded, &value));
        EXPECT(strcmp(name, names[i]) == 0, "names come back in file order");
        EXPECT(value == (i == 0 ? w : b), "values come back bit for bit");
        cajal_tensor_free(loaded);
    }
    const char *key, *value;
    CHECK(cajal_archive_metadata(archive, 1, &key, &value));
    EXPECT(strcmp(key, "epoch") == 0 && strcmp(value, "400") == 0, "metadata sorted by key");
    cajal_tensor untouched = (cajal_tensor)0x1;
    EXPECT(cajal_archive_tensor(archive, 7, NULL, &untouched) == CAJAL_ERR_INDEX && untouched == (cajal_tensor)0x1,
           "an index past the end is an error");
    cajal_archive_free(archive);
    cajal_archive_free(NULL);

    /* A truncated file and a missing one are errors with a message, not crashes. */
    FILE *f = fopen(path, "r+b");
    EXPECT(f != NULL, "reopen the checkpoint");
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fclose(f);
        EXPECT(truncate(path, size - 5) == 0, "truncate the checkpoint");
    }
    cajal_archive bad = NULL;
    EXPECT(cajal_safetensors_load(path, &bad) == CAJAL_ERR_RUNTIME && bad == NULL, "a truncated file is refused");
    EXPECT(strstr(cajal_last_error(), "not a valid safetensors checkpoint") != NULL, "the message says why");
    EXPECT(cajal_safetensors_load("/nonexistent/cajal.safetensors", &bad) == CAJAL_ERR_RUNTIME, "a missing file");
    remove(path);

    for (int i = 0; i < 2; i++) {
        cajal_tensor_free(params[i]);
        cajal_tensor_free(steps[i]);
        cajal_tensor_free(exp_avgs[i]);
        cajal_tensor_free(exp_avg_sqs[i]);
    }
    cajal_tensor_free(x);
    cajal_tensor_free(y);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("C optimizer and checkpoint test passed\n");
    return 0;
}
