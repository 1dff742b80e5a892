/*
 * Converts JSON-LD documents to RDF, one document at a time as the loader
 * meets them (read the file, parse, expand, produce quads), with the
 * bundled contexts, and prints documents/s and triples/s.
 *
 * usage: bench_jsonld LISTFILE   (one path per line)
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tinyscope/buf.h"
#include "tinyscope/jsonld.h"

static void count_quad(void *ctx, const ts_term *s, const ts_term *p, const ts_term *o,
                       const ts_term *g)
{
    (void)s;
    (void)p;
    (void)o;
    (void)g;
    (*(size_t *)ctx)++;
}

/* The whole file in one read, as a loader with the size at hand does. */
static bool read_whole(const char *path, ts_buf *out)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    ts_buf_reserve(out, (size_t)sb.st_size + 1);
    ssize_t n = read(fd, out->data, (size_t)sb.st_size);
    close(fd);
    if (n != sb.st_size) {
        return false;
    }
    out->len = (size_t)n;
    out->data[n] = '\0';
    return true;
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_jsonld LISTFILE\n");
        return 2;
    }
    ts_buf list = {0};
    if (!ts_read_file(argv[1], &list)) {
        perror(argv[1]);
        return 1;
    }
    ts_jsonld_ctxstore *contexts = ts_jsonld_ctxstore_new();
    ts_jsonld_ctxstore_add_defaults(contexts);
    size_t docs = 0, quads = 0, errors = 0;
    ts_diags diags = {.max_kept = 1};
    double start = now(CLOCK_MONOTONIC), cpu_start = now(CLOCK_PROCESS_CPUTIME_ID);
    char *save = NULL;
    for (char *path = strtok_r(list.data, "\n", &save); path;
         path = strtok_r(NULL, "\n", &save)) {
        ts_buf text = {0};
        if (!read_whole(path, &text)) {
            perror(path);
            errors++;
            continue;
        }
        char *base = ts_asprintf("file://%s", path);
        ts_jsonld_opts o = {.source = path, .base = base, .contexts = contexts, .diags = &diags};
        ts_error err;
        if (ts_jsonld_text_to_rdf(text.data, text.len, &o, count_quad, &quads, &err) != TS_OK) {
            errors++;
        }
        docs++;
        free(base);
        ts_buf_free(&text);
    }
    double secs = now(CLOCK_MONOTONIC) - start;
    double cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    printf("tinyscope: %zu TDs, %zu triples, %zu errors in %.3f s (%.3f s CPU): "
           "%.0f TDs/s, %.0f triples/s; per CPU second: %.0f TDs/s, %.0f triples/s\n",
           docs, quads, errors, secs, cpu, (double)docs / secs, (double)quads / secs,
           (double)docs / cpu, (double)quads / cpu);
    ts_jsonld_ctxstore_free(contexts);
    ts_diags_clear(&diags);
    ts_buf_free(&list);
    return errors ? 1 : 0;
}
