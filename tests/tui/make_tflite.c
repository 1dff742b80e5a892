/*
 * Writes the small .tflite model the UI tests load: x [1,8] ->
 * FULLY_CONNECTED (RELU) -> [1,4] -> FULLY_CONNECTED -> [1,4] -> SOFTMAX,
 * int8 with int32 biases, built with the tests' FlatBuffers writer.
 * Usage: make_tflite OUT.tflite
 */
#include <stdio.h>

#include "../unit/tflite_builder.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: make_tflite OUT.tflite\n", stderr);
        return 2;
    }
    static const tb_tensor t[] = {
        {{1, 8}, 2, 9, false, 1, false, "x"},  {{4, 8}, 2, 9, true, 1, false, "w1"},
        {{4}, 1, 2, true, 1, false, "b1"},     {{1, 4}, 2, 9, false, 1, false, "h1"},
        {{4, 4}, 2, 9, true, 1, false, "w2"},  {{4}, 1, 2, true, 1, false, "b2"},
        {{1, 4}, 2, 9, false, 1, false, "h2"}, {{1, 4}, 2, 9, false, 1, false, "y"},
    };
    static const tb_op ops[] = {{9, {0, 1, 2}, 3, {3}, 1, 8, 1, 0},
                                {9, {3, 4, 5}, 3, {6}, 1, 8, 0, 0},
                                {25, {6}, 1, {7}, 1, 0, 0, 0}};
    static const int in[] = {0}, out[] = {7};
    tb_model d = {t, 8, ops, 3, in, 1, out, 1, 0, false, 0};
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(img, 1, n, f) != n || fclose(f) != 0) {
        perror(argv[1]);
        free(img);
        return 1;
    }
    free(img);
    return 0;
}
