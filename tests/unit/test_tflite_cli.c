/* `tinyscope import` and `tinyscope inspect`, driving the real binary. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "tflite_builder.h"
#include "tinyscope/buf.h"
#include "tinyscope/loader.h"

static const char *bin;
static char dir[] = "/tmp/ts_tflite_cli_XXXXXX";

/* Run a shell command; its stdout and stderr go to out (caller frees). */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
    ts_buf cmd = {0};
    va_list ap;
    va_start(ap, fmt);
    ts_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    ts_buf_puts(&cmd, " 2>&1");
    FILE *p = popen(cmd.data, "r");
    ts_buf text = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        ts_buf_append(&text, chunk, n);
    }
    int status = pclose(p);
    ts_buf_free(&cmd);
    *out = ts_buf_steal(&text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static size_t count_files(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

int main(void)
{
    bin = getenv("TINYSCOPE_BIN");
    if (!bin) {
        TEST_SKIP("TINYSCOPE_BIN is not set");
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* x [1,8] -> FULLY_CONNECTED 4x8 (RELU) -> y [1,4] -> SOFTMAX -> z */
    static const tb_tensor t[] = {
        {{1, 8}, 2, 9, false, 1, false, "x"},
        {{4, 8}, 2, 9, true, 1, false, "w"},
        {{4}, 1, 2, true, 1, false, "b"},
        {{1, 4}, 2, 9, false, 1, false, "y"},
        {{1, 4}, 2, 9, false, 1, false, "z\x1b]0;owned\x07"},
    };
    static const tb_op ops[] = {{9, {0, 1, 2}, 3, {3}, 1, 8, 1, 0},
                                {25, {3}, 1, {4}, 1, 0, 0, 0}};
    static const int in[] = {0}, out[] = {4};
    tb_model d = {t, 5, ops, 2, in, 1, out, 1, 0, false, 0};
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    char *model = ts_asprintf("%s/Tiny_Net.tflite", dir);
    FILE *f = fopen(model, "wb");
    fwrite(img, 1, n, f);
    fclose(f);
    free(img);
    char *bad = ts_asprintf("%s/bad.tflite", dir);
    f = fopen(bad, "wb");
    fputs("not a model at all", f);
    fclose(f);
    char *ttl = ts_asprintf("%s/out.ttl", dir);
    char *text;

    /* import to stdout */
    CHECK_INT(run(&text, "'%s' import '%s'", bin, model), 0);
    CHECK(strstr(text, "schema:name \"Tiny_Net\"") != NULL);
    CHECK(strstr(text, "nnet:hasMultiplyAccumulateOps \"3.2e+01\"^^xsd:double") != NULL);
    CHECK(strstr(text, "tiny:abi \"mcu32\"") != NULL);
    free(text);

    /* import to a file, with metadata */
    CHECK_INT(run(&text,
                  "'%s' import '%s' --abi host64 --name 'Tiny' --creator Lab "
                  "--category Classification --sensor Accelerometer --metric top1=0.9 "
                  "--dataset http://example.org/d --citation http://example.org/c -o '%s'",
                  bin, model, ttl),
              0);
    CHECK_STR(text, "");
    free(text);
    struct stat sb;
    CHECK(stat(ttl, &sb) == 0 && sb.st_size > 0 && (sb.st_mode & 0444) == 0444);
    ts_store *store = ts_store_new();
    ts_load_opts opts = {.strict = true};
    ts_source *src;
    CHECK_INT(ts_load_file(store, ttl, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
    CHECK(src && src->triples > 30);
    ts_store_free(store);
    ts_buf content = {0};
    CHECK(ts_read_file(ttl, &content));
    CHECK(strstr(content.data, "tiny:abi \"host64\"") != NULL);
    CHECK(strstr(content.data, "a sosa_extend:Accelerometer") != NULL);
    ts_buf_free(&content);
    CHECK_INT(count_files(), 3); /* no temporary file left behind */

    /* inspect */
    CHECK_INT(run(&text, "'%s' inspect '%s'", bin, model), 0);
    CHECK(strstr(text, "FULLY_CONNECTED") != NULL);
    CHECK(strstr(text, "SOFTMAX") != NULL);
    CHECK(strstr(text, "mcu32") != NULL && strstr(text, "host64") != NULL);
    CHECK(strstr(text, "head") != NULL && strstr(text, "tail") != NULL);
    CHECK(strstr(text, "head at its peak (op 0)") != NULL);
    CHECK(strstr(text, "\x1b") == NULL); /* the hostile tensor name is escaped */
    free(text);

    /* errors */
    CHECK_INT(run(&text, "'%s' import '%s'", bin, bad), 1);
    CHECK(strstr(text, "bad.tflite") != NULL && strstr(text, "TFL3") != NULL);
    free(text);
    CHECK_INT(run(&text, "'%s' import '%s/missing.tflite'", bin, dir), 1);
    CHECK(strstr(text, "missing.tflite") != NULL);
    free(text);
    CHECK_INT(run(&text, "'%s' import '%s' -o '%s/no/such/dir/x.ttl'", bin, model, dir), 1);
    free(text);
    CHECK_INT(run(&text, "'%s' import '%s' --abi arm", bin, model), 2);
    CHECK(strstr(text, "mcu32") != NULL);
    free(text);
    CHECK_INT(run(&text, "'%s' import '%s' --metric top1", bin, model), 2);
    free(text);
    CHECK_INT(run(&text, "'%s' import", bin), 2);
    free(text);
    CHECK_INT(run(&text, "'%s' inspect '%s'", bin, bad), 1);
    free(text);
    CHECK_INT(run(&text, "'%s' import --help", bin), 0);
    CHECK(strstr(text, "usage: tinyscope import") != NULL);
    free(text);
    CHECK_INT(run(&text, "'%s' inspect --help", bin), 0);
    CHECK(strstr(text, "usage: tinyscope inspect") != NULL);
    free(text);
    /* Loaded directly as a source. */
    CHECK_INT(run(&text, "'%s' '%s'", bin, model), 0);
    CHECK(strstr(text, "(tflite)") != NULL);
    free(text);
    CHECK_INT(count_files(), 3);

    unlink(model);
    unlink(bad);
    unlink(ttl);
    rmdir(dir);
    free(model);
    free(bad);
    free(ttl);
    return test_done();
}
