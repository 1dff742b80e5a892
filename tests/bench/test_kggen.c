/* kggen: the same arguments give the same bytes, and what it writes loads
 * with no error and holds the models and boards it was asked for.
 * argv[1] is the kggen binary; TINYSCOPE_BIN the tinyscope binary. */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "../unit/test.h"

extern char **environ;

static const char *kggen;
static const char *tinyscope;
static char dir[] = "/tmp/test_kggen_XXXXXX";

/* Run argv with stdout and stderr to files (NULL: /dev/null); the exit status. */
static int run(char *const argv[], const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int status = -1;
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0) {
        waitpid(pid, &status, 0);
    }
    posix_spawn_file_actions_destroy(&fa);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *len = 0;
        return NULL;
    }
    char *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 65536;
            data = realloc(data, cap + 1);
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

static char *path_in(const char *name)
{
    static char paths[16][512];
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

/* kggen's summary on stderr: "kggen: N models, M boards, T triples". */
static void read_summary(const char *err, long long *models, long long *boards,
                         long long *triples)
{
    size_t len;
    char *text = slurp(err, &len);
    *models = *boards = *triples = -1;
    CHECK(text && sscanf(text, "kggen: %lld models, %lld boards, %lld triples", models,
                         boards, triples) == 3);
    free(text);
}

static long long class_count(json_t *total, const char *iri)
{
    json_t *classes = json_object_get(total, "classes");
    size_t i;
    json_t *c;
    json_array_foreach(classes, i, c) {
        if (!strcmp(json_string_value(json_object_get(c, "iri")), iri)) {
            return json_integer_value(json_object_get(c, "count"));
        }
    }
    return 0;
}

/* Load path with tinyscope stats --strict; the "total" object (caller
 * decrefs its root, returned in *root). */
static json_t *stats_of(const char *path, json_t **root)
{
    char *json_path = path_in("stats.json");
    char *err_path = path_in("stats.err");
    char *argv[] = {(char *)tinyscope, "stats", "--strict", "--format", "json",
                    (char *)path, NULL};
    CHECK_INT(run(argv, json_path, err_path), 0);
    size_t len;
    char *err = slurp(err_path, &len);
    CHECK_INT(len, 0);
    if (len) {
        fprintf(stderr, "%s", err);
    }
    free(err);
    json_error_t error;
    *root = json_load_file(json_path, 0, &error);
    CHECK(*root != NULL);
    return json_object_get(*root, "total");
}

static void test_deterministic(void)
{
    char *argv_a[] = {(char *)kggen, "--models", "30", "--boards", "6", "--seed", "7",
                      "-o", path_in("a.ttl"), NULL};
    char *argv_b[] = {(char *)kggen, "--models", "30", "--boards", "6", "--seed", "7",
                      "-o", path_in("b.ttl"), NULL};
    char *argv_c[] = {(char *)kggen, "--models", "30", "--boards", "6", "--seed", "8",
                      "-o", path_in("c.ttl"), NULL};
    CHECK_INT(run(argv_a, NULL, NULL), 0);
    CHECK_INT(run(argv_b, NULL, NULL), 0);
    CHECK_INT(run(argv_c, NULL, NULL), 0);
    size_t la, lb, lc;
    char *a = slurp(path_in("a.ttl"), &la);
    char *b = slurp(path_in("b.ttl"), &lb);
    char *c = slurp(path_in("c.ttl"), &lc);
    CHECK(a && b && c);
    CHECK(la > 1000);
    CHECK_INT(la, lb);
    CHECK(a && b && la == lb && !memcmp(a, b, la));
    /* Another seed, another graph. */
    CHECK(a && c && (la != lc || memcmp(a, c, la)));
    /* To stdout, the same bytes as to a file. */
    char *argv_d[] = {(char *)kggen, "--models", "30", "--boards", "6", "--seed", "7", NULL};
    CHECK_INT(run(argv_d, path_in("d.ttl"), NULL), 0);
    size_t ld;
    char *d = slurp(path_in("d.ttl"), &ld);
    CHECK(a && d && la == ld && !memcmp(a, d, la));
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_loads(const char *format, const char *name)
{
    char *argv[] = {(char *)kggen, "--models", "30", "--boards", "6", "--seed", "7",
                    "--format", (char *)format, "-o", path_in(name), NULL};
    CHECK_INT(run(argv, NULL, path_in("kggen.err")), 0);
    long long models, boards, triples;
    read_summary(path_in("kggen.err"), &models, &boards, &triples);
    CHECK_INT(models, 30);
    CHECK_INT(boards, 6);

    json_t *root;
    json_t *total = stats_of(path_in(name), &root);
    CHECK_INT(json_integer_value(json_object_get(total, "errors")), 0);
    /* Every triple kggen counted is a distinct one. */
    CHECK_INT(json_integer_value(json_object_get(total, "triples")), triples);
    CHECK_INT(class_count(total, "http://tinyml-schema.org/networkschema#NeuralNetwork"), 30);
    CHECK_INT(class_count(total, "http://w3id.org/s3n/SmartSensor"), 6);
    CHECK_INT(class_count(total, "http://w3id.org/s3n/MicroController"), 6);
    /* Two requirements per model; boards state Flash and (mostly) RAM. */
    long long flash = class_count(total, "http://tinyml-schema.org/s3n_extend/Flash");
    long long ram = class_count(total, "http://tinyml-schema.org/s3n_extend/RAM");
    CHECK_INT(flash, 30 + 6);
    CHECK(ram >= 30 && ram <= 30 + 6);
    CHECK_INT(class_count(total, "http://tinyml-schema.org/networkschema#Metric"), 30);
    json_decref(root);
}

static void test_triples_target(void)
{
    char *argv[] = {(char *)kggen, "--triples", "20k", "--seed", "3", "-o",
                    path_in("t.ttl"), NULL};
    CHECK_INT(run(argv, NULL, path_in("kggen.err")), 0);
    long long models, boards, triples;
    read_summary(path_in("kggen.err"), &models, &boards, &triples);
    /* It stops after the model that reaches the target. */
    CHECK(triples >= 20000 && triples < 20000 + 400);
    CHECK(models > 0 && boards > 0 && models > boards);
    json_t *root;
    json_t *total = stats_of(path_in("t.ttl"), &root);
    CHECK_INT(json_integer_value(json_object_get(total, "triples")), triples);
    CHECK_INT(class_count(total, "http://tinyml-schema.org/networkschema#NeuralNetwork"),
              models);
    CHECK_INT(class_count(total, "http://w3id.org/s3n/SmartSensor"), boards);
    json_decref(root);
}

static void test_usage(void)
{
    char *bad_count[] = {(char *)kggen, "--models", "many", NULL};
    char *bad_format[] = {(char *)kggen, "--format", "rdfxml", NULL};
    char *both[] = {(char *)kggen, "--models", "3", "--triples", "100", NULL};
    char *extra[] = {(char *)kggen, "file.ttl", NULL};
    char *help[] = {(char *)kggen, "--help", NULL};
    char *unwritable[] = {(char *)kggen, "-o", "/nonexistent/dir/x.ttl", NULL};
    CHECK_INT(run(bad_count, NULL, NULL), 2);
    CHECK_INT(run(bad_format, NULL, NULL), 2);
    CHECK_INT(run(both, NULL, NULL), 2);
    CHECK_INT(run(extra, NULL, NULL), 2);
    CHECK_INT(run(help, NULL, NULL), 0);
    CHECK_INT(run(unwritable, NULL, NULL), 1);
}

static void cleanup(void)
{
    static const char *const names[] = {"a.ttl", "b.ttl", "c.ttl", "d.ttl", "g.ttl",
                                        "g.nt", "t.ttl", "kggen.err", "stats.json",
                                        "stats.err"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        unlink(path_in(names[i]));
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    kggen = argc > 1 ? argv[1] : getenv("KGGEN_BIN");
    tinyscope = getenv("TINYSCOPE_BIN");
    if (!kggen || !tinyscope) {
        fprintf(stderr, "usage: test_kggen KGGEN (with TINYSCOPE_BIN set)\n");
        return 1;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_deterministic();
    test_loads("turtle", "g.ttl");
    test_loads("ntriples", "g.nt");
    test_triples_target();
    test_usage();
    cleanup();
    return test_done();
}
