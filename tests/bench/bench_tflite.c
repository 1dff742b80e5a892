/*
 * Time importing .tflite models in process: read, parse, count, plan both
 * ABIs and write Turtle (to /dev/null), for every model given. Prints one
 * line per model and the total, best of `rounds` runs each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tinyscope/tflite.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int rounds = 5;
    FILE *null = fopen("/dev/null", "w");
    double total = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        double best = 1e30;
        for (int r = 0; r < rounds; r++) {
            double t0 = now_ms();
            ts_tflite *m;
            ts_error err;
            if (ts_tflite_load(argv[i], &m, &err) != TS_OK) {
                fprintf(stderr, "%s: %s\n", argv[i], err.message);
                failed = 1;
                break;
            }
            ts_tflite_counts c;
            ts_tflite_memory mem;
            ts_tflite_count(m, &c);
            ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &mem, NULL, &err);
            ts_tflite_write_turtle(m, argv[i], NULL, TS_TFLITE_ABI_MCU32, null, &err);
            ts_tflite_free(m);
            double dt = now_ms() - t0;
            if (dt < best) {
                best = dt;
            }
        }
        printf("%8.3f ms  %s\n", best, argv[i]);
        total += best;
    }
    printf("%8.3f ms  total for %d models (in process, best of %d)\n", total, argc - 1, rounds);
    fclose(null);
    return failed;
}
