/*
 * Times the catalog and the compatibility matrix on a graph file:
 *   bench_catalog FILE.ttl
 * prints ms to load, ms to build the catalog from the views, ms to write the
 * full matrix as CSV (to /dev/null), and ms for one 40x20 screen of cells
 * (verdicts and reasons, the median of many screens). Times are CPU time of
 * the process, so that other load on the machine does not count; the matrix,
 * written by one thread per core, also gets its wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tinyscope/buf.h"
#include "tinyscope/catalog_views.h"
#include "tinyscope/compat.h"
#include "tinyscope/loader.h"
#include "tinyscope/matrix.h"

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process: a busy machine slows the wall clock, not this. */
static double now_ms(void)
{
    return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_catalog FILE\n");
        return 2;
    }
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    double t0 = now_ms();
    if (ts_load_path(store, argv[1], &opts) != TS_OK || diags.errors) {
        fprintf(stderr, "bench_catalog: cannot load %s\n", argv[1]);
        return 1;
    }
    double t1 = now_ms();
    ts_dataset *ds = ts_dataset_local(store);
    ts_catalog *cat = ts_catalog_new();
    ts_error err;
    if (ts_catalog_load(cat, ds, &err) != TS_OK) {
        char msg[2600];
        fprintf(stderr, "bench_catalog: %s\n", ts_error_format(&err, msg, sizeof msg));
        return 1;
    }
    double t2 = now_ms();
    double w2 = clock_ms(CLOCK_MONOTONIC);
    FILE *null = fopen("/dev/null", "w");
    ts_matrix_write(null, cat, cat->models, cat->n_models, cat->devices, cat->n_devices, false);
    fclose(null);
    double t3 = now_ms();
    double w3 = clock_ms(CLOCK_MONOTONIC);

    /* One screen: 40 models by 20 boards, somewhere in the middle. */
    enum { ROWS = 40, COLS = 20, SCREENS = 200 };
    double times[SCREENS];
    ts_buf reasons = {0};
    size_t fits = 0;
    for (int s = 0; s < SCREENS; s++) {
        size_t m0 = cat->n_models > ROWS ? (size_t)s * 97 % (cat->n_models - ROWS) : 0;
        size_t b0 = cat->n_devices > COLS ? (size_t)s * 31 % (cat->n_devices - COLS) : 0;
        double a = now_ms();
        for (size_t m = m0; m < m0 + ROWS && m < cat->n_models; m++) {
            for (size_t b = b0; b < b0 + COLS && b < cat->n_devices; b++) {
                ts_cell c = ts_compat_check(cat, cat->models[m], cat->devices[b]);
                ts_buf_truncate(&reasons, 0);
                ts_compat_reasons(cat, cat->models[m], cat->devices[b], &c, &reasons);
                fits += c.verdict == TS_FITS;
            }
        }
        times[s] = now_ms() - a;
    }
    qsort(times, SCREENS, sizeof times[0], cmp_double);
    printf("graph:           %zu triples, %zu models x %zu boards (%zu cells)\n",
           sord_num_quads(ts_store_model(store)), cat->n_models, cat->n_devices,
           cat->n_models * cat->n_devices);
    printf("load:            %.0f ms\n", t1 - t0);
    printf("catalog:         %.0f ms\n", t2 - t1);
    printf("matrix csv:      %.0f ms wall, %.0f ms CPU (all threads)\n", w3 - w2, t3 - t2);
    printf("one 40x20 screen: %.3f ms (median of %d)\n", times[SCREENS / 2], SCREENS);
    (void)fits;
    ts_buf_free(&reasons);
    ts_catalog_free(cat);
    ts_dataset_free(ds);
    ts_diags_clear(&diags);
    ts_store_free(store);
    return 0;
}
