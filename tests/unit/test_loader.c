#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/loader.h"

static char dir[] = "/tmp/ts_loader_XXXXXX";

static char *write_file(const char *name, const char *content, size_t len)
{
    char *path = ts_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(content, 1, len, f);
    fclose(f);
    return path;
}

#define WRITE(name, text) write_file(name, text, sizeof(text) - 1)

/* Load one file leniently; check the first diagnostic's position and text. */
static void check_broken(const char *name, const char *text, size_t len, unsigned line,
                         unsigned col, const char *msg_part, size_t kept)
{
    char *path = write_file(name, text, len);
    ts_store *st = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    ts_source *src = NULL;
    CHECK_INT(ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
    CHECK(src && src->errors > 0);
    CHECK(diags.errors > 0);
    if (diags.count) {
        const ts_error *e = &diags.items[0].err;
        CHECK_STR(e->source, path);
        CHECK_INT(e->line, line);
        CHECK_INT(e->col, col);
        if (!strstr(e->message, msg_part)) {
            fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", name, e->message, msg_part);
            CHECK(0);
        }
    }
    /* What could be read is kept. */
    CHECK_INT(src ? src->triples : 0, kept);
    ts_diags_clear(&diags);
    ts_store_free(st);

    /* Strict: the same file is an error. */
    st = ts_store_new();
    opts.strict = true;
    CHECK(ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, NULL) != TS_OK);
    ts_diags_clear(&diags);
    ts_store_free(st);
    unlink(path);
    free(path);
}

#define BROKEN(name, text, line, col, msg, kept) \
    check_broken(name, text, sizeof(text) - 1, line, col, msg, kept)

struct progress_seen {
    size_t calls, done, total;
};

static void on_progress(void *ctx, const char *path, size_t done, size_t total)
{
    struct progress_seen *seen = ctx;
    (void)path;
    seen->calls++;
    seen->done = done;
    seen->total = total;
}

static const char *prefix = "@prefix ex: <http://example.org/> .\n";

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)prefix;

    BROKEN("unterminated.ttl",
           "@prefix ex: <http://example.org/> .\nex:a ex:p \"ok\" .\n"
           "ex:b ex:p \"unterminated .\nex:c ex:p \"fine\" .\n",
           3, 26, "short string", 2);
    BROKEN("badiri.ttl",
           "@prefix ex: <http://example.org/> .\nex:a ex:p <http://exa mple.org/x> .\n",
           2, 23, "invalid IRI character", 0);
    BROKEN("undefined.ttl",
           "@prefix ex: <http://example.org/> .\nex:a ex:p \"ok\" .\n"
           "# foo:p in a comment, \"foo:p\" in a string, <foo:p> an IRI\n"
           "ex:b ex:p \"\"\"foo:x\n'foo:y'\"\"\" .\n"
           "ex:b  foo:p \"x\" .\nex:c ex:p \"fine\" .\n",
           6, 7, "undefined prefix \"foo:\"", 3);
    BROKEN("truncated.ttl",
           "@prefix ex: <http://example.org/> .\nex:a ex:p \"ok\" .\nex:b ex:p [ ex:q ",
           3, 18, "expected object", 2);
    BROKEN("utf8.ttl",
           "@prefix ex: <http://example.org/> .\nex:a ex:p \"ok\xff\xfe\" .\n"
           "ex:c ex:p \"fine\" .\n",
           2, 16, "invalid UTF-8", 1);
    BROKEN("garbage.nt", "<http://e/s> <http://e/p> \"o\" .\n\x01\x02garbage\n"
                         "<http://e/s> <http://e/p> \"o2\" .\n",
           2, 1, "", 2);

    /* An IRI cut short by the end of the file: an error, not a hang. */
    BROKEN("cut.nq", "<http://e/s> <http://e/p> \"o\" .\n<http://e/s> <http://e/p> <http://e", 2, 37,
           "end of file inside an IRI", 1);
    /* Reading resumes on the line after each error, many times over. */
    {
        ts_buf b = {0};
        for (int i = 0; i < 300; i++) {
            ts_buf_printf(&b, "<http://e/s> <http://e/p> %s .\n", i % 3 ? "\"1\"" : "\"bad");
        }
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags};
        ts_source *src = NULL;
        CHECK_INT(ts_load_string(st, "many.nt", TS_FMT_NTRIPLES, b.data, &opts, &src), TS_OK);
        CHECK_INT(src->errors, 100);
        CHECK_INT(src->statements, 200);
        CHECK_INT(diags.items[99].err.line, 298);
        ts_diags_clear(&diags);
        ts_store_free(st);
        ts_buf_free(&b);
    }

    /* The truncated file says where the input ended. */
    {
        char *path = WRITE("trunc2.ttl", "<http://e/s> <http://e/p> [ <http://e/q> ");
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags};
        ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, NULL);
        int says_eof = 0;
        for (size_t i = 0; i < diags.count; i++) {
            says_eof |= strstr(diags.items[i].err.message, "end of file") != NULL;
        }
        CHECK(says_eof);
        ts_diags_clear(&diags);
        ts_store_free(st);
        free(path);
    }

    /* A 10 MB literal loads whole. */
    {
        size_t n = 10 * 1000 * 1000;
        ts_buf b = {0};
        ts_buf_puts(&b, "<http://e/s> <http://e/p> \"");
        ts_buf_reserve(&b, n);
        memset(b.data + b.len, 'x', n);
        b.len += n;
        ts_buf_puts(&b, "\" .\n<http://e/s> <http://e/p> \"after\" .\n");
        char *path = write_file("big.ttl", b.data, b.len);
        ts_buf_free(&b);
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags, .strict = true};
        ts_source *src = NULL;
        CHECK_INT(ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
        CHECK_INT(src->triples, 2);
        SordIter *it = sord_begin(ts_store_model(st));
        size_t longest = 0;
        for (; !sord_iter_end(it); sord_iter_next(it)) {
            size_t len = 0;
            sord_node_get_string_counted(sord_iter_get_node(it, SORD_OBJECT), &len);
            if (len > longest) {
                longest = len;
            }
        }
        sord_iter_free(it);
        CHECK_INT(longest, n);
        ts_diags_clear(&diags);
        ts_store_free(st);
        unlink(path);
        free(path);
    }

    /* A missing file is an error naming it, in both modes. */
    {
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags};
        CHECK_INT(ts_load_path(st, "/nonexistent/x.ttl", &opts), TS_ERR_NOT_FOUND);
        CHECK_INT(diags.count, 1);
        CHECK_STR(diags.items[0].err.source, "/nonexistent/x.ttl");
        CHECK(strstr(diags.items[0].err.message, "No such file") != NULL);
        CHECK_INT(ts_store_source_count(st), 0);
        /* An explicit file whose format cannot be told. */
        char *path = WRITE("data.xyz", "whatever");
        CHECK_INT(ts_load_path(st, path, &opts), TS_ERR_UNSUPPORTED);
        free(path);
        ts_diags_clear(&diags);
        ts_store_free(st);
    }

    /* Directories: recursive, name order, known extensions, hidden skipped;
     * each file its own graph; N-Quads and TriG keep their named graphs. */
    {
        char *sub = ts_asprintf("%s/tree", dir);
        char *subsub = ts_asprintf("%s/tree/deeper", dir);
        char *hidden = ts_asprintf("%s/tree/.hidden", dir);
        mkdir(sub, 0700);
        mkdir(subsub, 0700);
        mkdir(hidden, 0700);
        free(WRITE("tree/b.ttl", "<http://e/b> <http://e/p> 1 .\n"));
        free(WRITE("tree/a.nt", "<http://e/a> <http://e/p> \"1\" .\n"));
        free(WRITE("tree/deeper/c.nq",
                   "<http://e/c> <http://e/p> \"1\" <http://e/g1> .\n"
                   "<http://e/c> <http://e/p> \"2\" .\n"));
        free(WRITE("tree/deeper/d.trig",
                   "@prefix e: <http://e/> .\ne:g2 { e:d e:p 1 . }\ne:d e:p 2 .\n"));
        free(WRITE("tree/.hidden/x.ttl", "<http://e/x> <http://e/p> 1 .\n"));
        free(WRITE("tree/.dot.ttl", "<http://e/x> <http://e/p> 1 .\n"));
        free(WRITE("tree/notes.txt", "not rdf"));
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags, .strict = true};
        CHECK_INT(ts_load_path(st, sub, &opts), TS_OK);
        CHECK_INT(diags.count, 0);
        CHECK_INT(ts_store_source_count(st), 4);
        const char *want[] = {"/tree/a.nt", "/tree/b.ttl", "/tree/deeper/c.nq",
                              "/tree/deeper/d.trig"};
        for (size_t i = 0; i < 4 && i < ts_store_source_count(st); i++) {
            const ts_source *src = ts_store_source(st, i);
            const char *tail = src->path + strlen(src->path) - strlen(want[i]);
            CHECK_STR(tail, want[i]);
            CHECK(!strncmp(src->uri, "file:///", 8));
            CHECK_STR((const char *)sord_node_get_string(src->graph), src->uri);
        }
        const ts_source *nq = ts_store_source(st, 2);
        CHECK_INT(nq->n_graphs, 2);
        CHECK_STR((const char *)sord_node_get_string(nq->graphs[1]), "http://e/g1");
        const ts_source *trig = ts_store_source(st, 3);
        CHECK_INT(trig->n_graphs, 2);
        CHECK_INT(trig->triples, 2);
        SordNode *g1 = ts_store_iri(st, "http://e/g1");
        CHECK(ts_store_source_of_graph(st, g1) == nq);
        CHECK_INT(sord_count(ts_store_model(st), NULL, NULL, NULL, g1), 1);
        sord_node_free(ts_store_world(st), g1);
        CHECK_INT(sord_num_quads(ts_store_model(st)), 6);
        ts_diags_clear(&diags);
        ts_store_free(st);
        free(sub);
        free(subsub);
        free(hidden);
    }

    /* A symbolic link back up the tree is skipped with a warning, not followed. */
    {
        char *loop = ts_asprintf("%s/loop", dir);
        char *self = ts_asprintf("%s/loop/self", dir);
        mkdir(loop, 0700);
        free(WRITE("loop/a.nt", "<http://e/a> <http://e/p> \"1\" .\n"));
        CHECK_INT(symlink(".", self), 0);
        ts_store *st = ts_store_new();
        ts_diags diags = {0};
        ts_load_opts opts = {.diags = &diags};
        CHECK_INT(ts_load_path(st, loop, &opts), TS_OK);
        CHECK_INT(ts_store_source_count(st), 1);
        CHECK_INT(diags.warnings, 1);
        CHECK_INT(diags.errors, 0);
        ts_diags_clear(&diags);
        ts_store_free(st);
        free(loop);
        free(self);
    }

    /* Relative IRIs resolve against the file's URI, or the given base. */
    {
        char *path = WRITE("rel.ttl", "<http://e/m> <http://e/dataset> <None> .\n");
        ts_store *st = ts_store_new();
        ts_source *src = NULL;
        ts_load_opts opts = {0};
        CHECK_INT(ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
        char *want = ts_asprintf("file://%s/None", dir);
        SordNode *m = ts_store_iri(st, "http://e/m");
        SordNode *dataset = ts_store_iri(st, "http://e/dataset");
        SordNode *o = sord_get(ts_store_model(st), m, dataset, NULL, NULL);
        sord_node_free(ts_store_world(st), dataset);
        CHECK_STR((const char *)sord_node_get_string(o), want);
        sord_node_free(ts_store_world(st), o);
        free(want);
        opts.base = "http://base.example/dir/";
        CHECK_INT(ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
        SordNode *none = ts_store_iri(st, "http://base.example/dir/None");
        CHECK(sord_ask(ts_store_model(st), m, NULL, none, NULL));
        sord_node_free(ts_store_world(st), none);
        sord_node_free(ts_store_world(st), m);
        ts_store_free(st);
        free(path);
    }

    /* Blank node labels are scoped to their document. */
    {
        ts_store *st = ts_store_new();
        ts_load_opts opts = {0};
        ts_load_string(st, "x.ttl", TS_FMT_TURTLE, "_:b <http://e/p> 1 .\n", &opts, NULL);
        ts_load_string(st, "y.ttl", TS_FMT_TURTLE, "_:b <http://e/p> 2 .\n", &opts, NULL);
        SordIter *it = sord_begin(ts_store_model(st));
        const SordNode *first = sord_iter_get_node(it, SORD_SUBJECT);
        sord_iter_next(it);
        CHECK(first != sord_iter_get_node(it, SORD_SUBJECT));
        sord_iter_free(it);
        ts_store_free(st);
    }

    /* Nodes reused from one statement to the next are the same text in
     * full: blank labels that share a beginning, prefixed names after the
     * prefix is bound again, full node strings in the store. */
    {
        ts_store *st = ts_store_new();
        ts_load_opts opts = {0};
        ts_source *src = NULL;
        CHECK_INT(ts_load_string(st, "memo.ttl", TS_FMT_TURTLE,
                                 "@prefix e: <http://e/> .\n"
                                 "_:b1 e:p 1 . _:b12 e:p 2 . _:b123 e:p 3 ; e:q _:b12 .\n"
                                 "e:s e:p 4 .\n"
                                 "@prefix e: <http://f/> .\n"
                                 "e:s e:p 5 .\n",
                                 &opts, &src),
                  TS_OK);
        CHECK_INT(src->triples, 6);
        SordNode *p1 = ts_store_iri(st, "http://e/p");
        SordNode *p2 = ts_store_iri(st, "http://f/p");
        ts_triple *t = NULL;
        size_t n = ts_store_match(st, NULL, p1, NULL, true, &t);
        CHECK_INT(n, 4);
        size_t blanks = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen((const char *)sord_node_get_string(t[i].s));
            blanks += sord_node_get_type(t[i].s) == SORD_BLANK;
            CHECK(len >= 2);
            for (size_t j = 0; j < i; j++) {
                CHECK(t[i].s != t[j].s);
            }
        }
        CHECK_INT(blanks, 3);
        free(t);
        CHECK_INT(ts_store_match(st, NULL, p2, NULL, false, NULL), 1);
        sord_node_free(ts_store_world(st), p1);
        sord_node_free(ts_store_world(st), p2);
        ts_store_free(st);
    }

    /* Progress is reported while reading. */
    {
        char *path = WRITE("progress.ttl", "<http://e/s> <http://e/p> 1 .\n");
        struct progress_seen seen = {0, 0, 0};
        ts_store *st = ts_store_new();
        ts_load_opts opts = {.progress = on_progress, .progress_ctx = &seen};
        ts_load_file(st, path, TS_FMT_UNKNOWN, &opts, NULL);
        CHECK(seen.calls > 0);
        CHECK_INT(seen.done, 30);
        CHECK_INT(seen.total, 30);
        ts_store_free(st);
        free(path);
    }

    CHECK_INT(ts_format_for_path("a/b.TTL"), TS_FMT_TURTLE);
    CHECK_INT(ts_format_for_path("a.d/b"), TS_FMT_UNKNOWN);
    CHECK_INT(ts_format_from_name("n-quads"), TS_FMT_NQUADS);
    CHECK_INT(ts_format_from_name("rdfxml"), TS_FMT_UNKNOWN);

    char *cmd = ts_asprintf("rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    free(cmd);
    return test_done();
}
