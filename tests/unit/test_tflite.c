/* The TFLite reader, counts, arena planner and RDF output on models built here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "tflite_builder.h"
#include "tinyscope/loader.h"
#include "tinyscope/tflite.h"

enum { F32 = 0, I32 = 2, U8 = 3, I8 = 9, STRING = 5 };

/* input [1,8,8,1] -> CONV_2D 4x3x3x1 (RELU6) -> [1,8,8,4] -> DEPTHWISE 1x3x3x4 (RELU)
 * -> [1,4,4,4] -> RESHAPE [1,64] -> FULLY_CONNECTED 10x64 -> [1,10] -> SOFTMAX */
static const tb_tensor small_tensors[] = {
    /* 0 */ {{1, 8, 8, 1}, 4, I8, false, 1, false, "input"},
    /* 1 */ {{4, 3, 3, 1}, 4, I8, true, 4, false, "conv/w"},
    /* 2 */ {{4}, 1, I32, true, 4, false, "conv/b"},
    /* 3 */ {{1, 8, 8, 4}, 4, I8, false, 1, false, "conv/out"},
    /* 4 */ {{1, 3, 3, 4}, 4, I8, true, 4, false, "dw/w"},
    /* 5 */ {{4}, 1, I32, true, 4, false, "dw/b"},
    /* 6 */ {{1, 4, 4, 4}, 4, I8, false, 1, false, "dw/out"},
    /* 7 */ {{2}, 1, I32, true, 0, false, "shape"},
    /* 8 */ {{1, 64}, 2, I8, false, 1, false, "flat"},
    /* 9 */ {{10, 64}, 2, I8, true, 1, false, "fc/w"},
    /* 10 */ {{10}, 1, I32, true, 1, false, "fc/b"},
    /* 11 */ {{1, 10}, 2, I8, false, 1, false, "logits"},
    /* 12 */ {{1, 10}, 2, I8, false, 1, false, "probs\x1b[31m"},
};

static const tb_op small_ops[] = {
    {3, {0, 1, 2}, 3, {3}, 1, 1, 3, 3},    /* CONV_2D, Conv2DOptions, RELU6 */
    {4, {3, 4, 5}, 3, {6}, 1, 2, 1, 4},    /* DEPTHWISE_CONV_2D, RELU */
    {22, {6, 7}, 2, {8}, 1, 0, 0, 0},      /* RESHAPE, no options */
    {9, {8, 9, 10}, 3, {11}, 1, 8, 0, 0},  /* FULLY_CONNECTED, options, no act */
    {25, {11}, 1, {12}, 1, 9, 0, 0},       /* SOFTMAX */
};

static const int small_in[] = {0}, small_out[] = {12};

static tb_model small_model(void)
{
    return (tb_model){small_tensors, 13, small_ops, 5, small_in, 1, small_out, 1, 0, false, 0};
}

static ts_tflite *parse_or_die(const uint8_t *img, size_t n)
{
    ts_tflite *m = NULL;
    ts_error err;
    ts_status st = ts_tflite_parse(img, n, "built.tflite", &m, &err);
    if (st != TS_OK) {
        fprintf(stderr, "parse failed: %s\n", err.message);
        exit(1);
    }
    return m;
}

static void test_reader(void)
{
    tb_model d = small_model();
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    const ts_tflite_graph *g = ts_tflite_graph_of(m);
    CHECK_INT(g->version, 3);
    CHECK_INT(g->n_tensors, 13);
    CHECK_INT(g->n_ops, 5);
    CHECK_INT(g->n_buffers, 8);
    CHECK_STR(g->description, "built by the test suite");
    CHECK_INT(g->file_size, n);
    CHECK_INT(g->n_inputs, 1);
    CHECK_INT(g->inputs[0], 0);
    CHECK_INT(g->outputs[0], 12);
    CHECK_INT(g->ops[0].code, TS_TFLITE_OP_CONV_2D);
    CHECK_INT(g->ops[0].activation, 3);
    CHECK_INT(g->ops[1].activation, 1);
    CHECK_INT(g->ops[2].options_type, 0);
    CHECK_INT(g->ops[3].code, TS_TFLITE_OP_FULLY_CONNECTED);
    CHECK_INT(g->ops[4].code, TS_TFLITE_OP_SOFTMAX);
    CHECK_STR(g->tensors[1].name, "conv/w");
    CHECK(g->tensors[1].has_data);
    CHECK(!g->tensors[3].has_data);
    CHECK_INT(g->tensors[1].n_scale, 4);
    CHECK_INT(g->tensors[1].n_zero_point, 4);
    CHECK_NEAR(g->tensors[1].scale0, 0.5, 1e-9);
    CHECK_INT(g->tensors[3].rank, 4);
    CHECK_INT(g->tensors[3].elements, 256);
    CHECK_INT(g->tensors[3].bytes, 256);
    CHECK_INT(g->tensors[2].bytes, 16);
    CHECK_STR(ts_tflite_op_name(g->ops[1].code), "DEPTHWISE_CONV_2D");
    CHECK_STR(ts_tflite_op_kg_name(g->ops[1].code), "DepthwiseConv2D");
    CHECK_STR(ts_tflite_op_kg_name(49), "Split_");
    CHECK_STR(ts_tflite_op_kg_name(1), "AvgPool2D");
    CHECK_STR(ts_tflite_op_kg_name(126), "BatchMatMul");
    CHECK_STR(ts_tflite_op_kg_name(67), "TransposeConv");
    CHECK(ts_tflite_op_kg_name(127) == NULL);
    CHECK(ts_tflite_op_kg_name(-1) == NULL);
    CHECK_STR(ts_tflite_op_name(126), "BATCH_MATMUL");
    CHECK_STR(ts_tflite_op_name(9999), "UNKNOWN");
    CHECK_STR(ts_tflite_type_kg_name(I8), "Int8");
    CHECK_STR(ts_tflite_activation_kg_name(3), "Relu6");
    CHECK(ts_tflite_activation_kg_name(0) == NULL);
    ts_tflite_free(m);

    /* Old files carry only the deprecated byte. */
    d.only_deprecated = true;
    free(img);
    img = tb_build(&d, &n);
    m = parse_or_die(img, n);
    CHECK_INT(ts_tflite_graph_of(m)->ops[3].code, TS_TFLITE_OP_FULLY_CONNECTED);
    ts_tflite_free(m);
    free(img);
    ts_tflite_free(NULL);
}

static void test_counts(void)
{
    tb_model d = small_model();
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    ts_tflite_counts c;
    ts_tflite_count(m, &c);
    /* conv 8*8 * 4*3*3*1, depthwise 4*4 * 1*3*3*4, fc 10*64 */
    CHECK_INT(c.macs_paper, 8 * 8 * 36 + 4 * 4 * 36 + 640);
    CHECK_INT(c.macs_complete, 8 * 8 * 36 + 4 * 4 * 36 + 640);
    /* weights and biases, not the reshape's shape operand */
    CHECK_INT(c.parameters, 36 + 4 + 36 + 4 + 640 + 10);
    CHECK_INT(c.flash_bytes, n);
    CHECK_INT(ts_tflite_op_macs(m, 0), 8 * 8 * 36);
    CHECK_INT(ts_tflite_op_macs(m, 1), 4 * 4 * 36);
    CHECK_INT(ts_tflite_op_macs(m, 2), 0);
    CHECK_INT(ts_tflite_op_macs(m, 3), 640);
    CHECK_INT(ts_tflite_op_macs(m, 99), 0);
    ts_tflite_free(m);
    free(img);

    /* A batch of 3 counts once under the KG's rule, three times in full. */
    static const tb_tensor t[] = {
        {{3, 16}, 2, F32, false, 0, false, "x"},
        {{5, 16}, 2, F32, true, 0, false, "w"},
        {{3, 5}, 2, F32, false, 0, false, "y"},
    };
    static const tb_op ops[] = {{9, {0, 1, -1}, 3, {2}, 1, 8, 0, 0}};
    static const int in[] = {0}, out[] = {2};
    tb_model fc = {t, 3, ops, 1, in, 1, out, 1, 0, false, 0};
    img = tb_build(&fc, &n);
    m = parse_or_die(img, n);
    ts_tflite_count(m, &c);
    CHECK_INT(c.macs_paper, 80);
    CHECK_INT(c.macs_complete, 240);
    CHECK_INT(c.parameters, 80);
    ts_tflite_free(m);
    free(img);
}

static void test_plan_tail(void)
{
    /* One float FULLY_CONNECTED: 4 tensors, no quantization. */
    static const tb_tensor t[] = {
        {{1, 8}, 2, F32, false, 0, false, "x"},
        {{4, 8}, 2, F32, true, 0, false, "w"},
        {{4}, 1, F32, true, 0, false, "b"},
        {{1, 4}, 2, F32, false, 0, false, "y"},
    };
    static const tb_op ops[] = {{9, {0, 1, 2}, 3, {3}, 1, 8, 1, 0}};
    static const int in[] = {0}, out[] = {3};
    tb_model d = {t, 4, ops, 1, in, 1, out, 1, 0, false, 0};
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    ts_tflite_memory mem;
    ts_tflite_placement *offsets;
    ts_error err;
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &mem, &offsets, &err), TS_OK);
    /* x (32 B) and y (16 B) are live during op 0 together. */
    CHECK_INT(mem.head, 48);
    CHECK_INT(mem.planned, 2);
    CHECK_INT(offsets[0].offset, 0);
    CHECK_INT(offsets[3].offset, 32);
    CHECK_INT(offsets[1].offset, -1);
    CHECK_INT(offsets[0].size, 32);
    CHECK_INT(offsets[3].size, 16);
    CHECK_INT(offsets[3].first, 0);
    CHECK_INT(offsets[3].last, 0);
    free(offsets);
    /* 48+48 allocators, 4x112 tensors, 80 node, FC options 12 (align 4),
     * FC OpData 20 (align 16): 96, 544, 624, 636, 656. */
    CHECK_INT(mem.tail, 656);
    CHECK_INT(mem.total, 704);
    CHECK_INT(mem.tail_tensors, 448);
    CHECK(!mem.approximate);
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_MCU32, &mem, NULL, &err), TS_OK);
    /* 24+24, 4x64, 40, 12, 20 -> 48, 304, 344, 356, 384 */
    CHECK_INT(mem.tail, 384);
    CHECK_INT(mem.head, 48);
    ts_tflite_free(m);
    free(img);

    /* Only the first subgraph is planned, and the estimate says so. */
    d.extra_subgraphs = 1;
    img = tb_build(&d, &n);
    m = parse_or_die(img, n);
    CHECK_INT(ts_tflite_graph_of(m)->n_subgraphs, 2);
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_MCU32, &mem, NULL, &err), TS_OK);
    CHECK(mem.approximate);
    CHECK(strstr(mem.note, "2 subgraphs") != NULL);
    ts_tflite_free(m);
    free(img);
}

static void test_plan_greedy(void)
{
    /* A chain a -> op0 -> b -> op1 -> c -> op2 -> d, plus e written by op0 and
     * read by op2. Sizes (rounded to 16): a 64, b 32, c 32, d 16, e 48.
     * Order by size: a(64) e(48) c(32) b(32, lower index last) d(16).
     * a@0 [0,0]; e [0,2] overlaps a -> 64; c [1,2] overlaps e -> gap before e
     * (0..64) fits 32 -> 0; b [0,1] overlaps a, c, e -> after all: 112;
     * d [2,2] overlaps c@0, e@64 -> gap 32..64 fits 16 -> 32. Peak 144. */
    static const tb_tensor t[] = {
        {{64}, 1, U8, false, 0, false, "a"},
        {{30}, 1, U8, false, 0, false, "b"},
        {{32}, 1, U8, false, 0, false, "c"},
        {{5}, 1, U8, false, 0, false, "d"},
        {{48}, 1, U8, false, 0, false, "e"},
    };
    static const tb_op ops[] = {
        {19, {0}, 1, {1, 4}, 2, 0, 0, 0},
        {19, {1}, 1, {2}, 1, 0, 0, 0},
        {18, {2, 4}, 2, {3}, 1, 0, 0, 0},
    };
    static const int in[] = {0}, out[] = {3};
    tb_model d = {t, 5, ops, 3, in, 1, out, 1, 0, false, 0};
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    ts_tflite_memory mem;
    ts_tflite_placement *off;
    ts_error err;
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &mem, &off, &err), TS_OK);
    CHECK_INT(off[0].offset, 0);
    CHECK_INT(off[4].offset, 64);
    CHECK_INT(off[2].offset, 0);
    CHECK_INT(off[1].offset, 112);
    CHECK_INT(off[3].offset, 32);
    CHECK_INT(off[1].first, 0);
    CHECK_INT(off[1].last, 1);
    CHECK_INT(off[1].size, 32);
    CHECK_INT(mem.head, 144);
    /* RELU and MUL allocations are not in the tables. */
    CHECK(mem.approximate);
    CHECK(strstr(mem.note, "RELU") != NULL);
    CHECK(strstr(mem.note, "MUL") != NULL);
    free(off);
    ts_tflite_free(m);
    free(img);

    /* Equal sizes go in descending index order: x1 (index 1) before x0. */
    static const tb_tensor t2[] = {
        {{16}, 1, U8, false, 0, false, "x0"},
        {{16}, 1, U8, false, 0, false, "x1"},
        {{16}, 1, U8, false, 0, false, "y"},
    };
    static const tb_op ops2[] = {{0, {0, 1}, 2, {2}, 1, 0, 0, 0}};
    static const int in2[] = {0, 1}, out2[] = {2};
    tb_model d2 = {t2, 3, ops2, 1, in2, 2, out2, 1, 0, false, 0};
    img = tb_build(&d2, &n);
    m = parse_or_die(img, n);
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &mem, &off, &err), TS_OK);
    CHECK_INT(off[2].offset, 0);
    CHECK_INT(off[1].offset, 16);
    CHECK_INT(off[0].offset, 32);
    CHECK(!mem.approximate);
    free(off);
    ts_tflite_free(m);
    free(img);
}

static void test_bad_lifetime(void)
{
    /* Tensor 1 is written by op 0 but read by nobody and is no output. */
    static const tb_tensor t[] = {
        {{4}, 1, U8, false, 0, false, "a"},
        {{4}, 1, U8, false, 0, false, "dangling"},
        {{4}, 1, U8, false, 0, false, "b"},
    };
    static const tb_op ops[] = {{19, {0}, 1, {1}, 1, 0, 0, 0}, {19, {0}, 1, {2}, 1, 0, 0, 0}};
    static const int in[] = {0}, out[] = {2};
    tb_model d = {t, 3, ops, 2, in, 1, out, 1, 0, false, 0};
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    ts_tflite_memory mem;
    ts_error err;
    CHECK_INT(ts_tflite_plan(m, TS_TFLITE_ABI_MCU32, &mem, NULL, &err), TS_ERR_BAD_DATA);
    CHECK(strstr(err.message, "tensor 1") != NULL);
    ts_tflite_free(m);
    free(img);
}

static void test_hostile(void)
{
    tb_model d = small_model();
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m;
    ts_error err;

    /* Every truncation is an error, never a read past the end. */
    size_t errors = 0;
    for (size_t len = 0; len < n; len++) {
        uint8_t *cut = malloc(len ? len : 1);
        memcpy(cut, img, len);
        if (ts_tflite_parse(cut, len, "cut", &m, &err) != TS_OK) {
            errors++;
            CHECK(m == NULL);
        }
        ts_tflite_free(m);
        free(cut);
    }
    /* The tail holds tensor data no offset points into, so a few cuts may
     * still parse; most must not. */
    CHECK(errors > n / 2);

    /* Every byte flipped to a few values: parse and plan without crashing. */
    static const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
    uint8_t *copy = malloc(n);
    size_t parsed = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof values; k++) {
            memcpy(copy, img, n);
            copy[i] = values[k];
            if (ts_tflite_parse(copy, n, "flip", &m, &err) == TS_OK) {
                ts_tflite_memory mem;
                ts_tflite_counts c;
                parsed++;
                ts_tflite_count(m, &c);
                ts_tflite_plan(m, TS_TFLITE_ABI_HOST64, &mem, NULL, &err);
                FILE *null = fopen("/dev/null", "w");
                ts_tflite_write_turtle(m, "flip.tflite", NULL, TS_TFLITE_ABI_MCU32, null, &err);
                fclose(null);
                ts_tflite_free(m);
            } else {
                CHECK(err.message[0] != '\0');
                CHECK(err.status != TS_OK);
            }
        }
    }
    CHECK(parsed > 0);
    free(copy);

    /* Not a TFLite file. */
    CHECK_INT(ts_tflite_parse("hello, world", 12, "x.txt", &m, &err), TS_ERR_BAD_DATA);
    CHECK(strstr(err.message, "TFL3") != NULL);
    CHECK_STR(err.source, "x.txt");
    CHECK_INT(ts_tflite_parse("", 0, "empty", &m, &err), TS_ERR_BAD_DATA);

    /* A wrong schema version is named. */
    d.version = 2;
    free(img);
    img = tb_build(&d, &n);
    CHECK_INT(ts_tflite_parse(img, n, "v2", &m, &err), TS_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "version 2") != NULL);
    free(img);

    /* An operator naming a tensor that does not exist. */
    static const tb_tensor t[] = {{{4}, 1, U8, false, 0, false, "a"}};
    static const tb_op ops[] = {{19, {0}, 1, {7}, 1, 0, 0, 0}};
    static const int in[] = {0}, out[] = {0};
    tb_model bad = {t, 1, ops, 1, in, 1, out, 1, 0, false, 0};
    img = tb_build(&bad, &n);
    CHECK_INT(ts_tflite_parse(img, n, "bad", &m, &err), TS_ERR_BAD_DATA);
    CHECK(strstr(err.message, "tensor 7") != NULL);
    free(img);

    /* A root offset far past the end. */
    uint8_t tiny[8] = {0xff, 0xff, 0xff, 0x7f, 'T', 'F', 'L', '3'};
    CHECK_INT(ts_tflite_parse(tiny, 8, "root", &m, &err), TS_ERR_BAD_DATA);
    /* A vtable offset that points outside. */
    uint8_t vt[16] = {8, 0, 0, 0, 'T', 'F', 'L', '3', 0x00, 0x00, 0x00, 0x80};
    CHECK_INT(ts_tflite_parse(vt, 16, "vtable", &m, &err), TS_ERR_BAD_DATA);
}

static char *turtle_of(const ts_tflite *m, const ts_tflite_meta *meta, ts_tflite_abi abi)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ts_error err;
    CHECK_INT(ts_tflite_write_turtle(m, "/some/dir/Small_Net.tflite", meta, abi, f, &err),
              TS_OK);
    fclose(f);
    return text;
}

static void test_turtle(void)
{
    tb_model d = small_model();
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    ts_tflite *m = parse_or_die(img, n);
    char *ttl = turtle_of(m, NULL, TS_TFLITE_ABI_MCU32);
    CHECK(strstr(ttl, "a nnet:NeuralNetwork") != NULL);
    CHECK(strstr(ttl, "schema:name \"Small_Net\"") != NULL);
    /* 2304 + 576 + 640 = 3520 MACs, written as the KG writes doubles. */
    CHECK(strstr(ttl, "nnet:hasMultiplyAccumulateOps \"3.52e+03\"^^xsd:double") != NULL);
    CHECK(strstr(ttl, "nnet:shapeIn \"[1 8 8 1]\"") != NULL);
    CHECK(strstr(ttl, "nnet:shapeOut \"[ 1 10]\"") != NULL);
    CHECK(strstr(ttl, "nnet:hasActivation nnet:Relu6") != NULL);
    CHECK(strstr(ttl, "nnet:hasType nnet:Reshape") != NULL);
    CHECK(strstr(ttl, "nnet:hasIndex 5") != NULL); /* the output layer */
    CHECK(strstr(ttl, "nnet:hasIndex 4") == NULL); /* n-1 never appears */
    CHECK(strstr(ttl, "neuralnetwork//procedureFeature_2_") != NULL);
    CHECK(strstr(ttl, "s3n_extend:RAM") != NULL);
    CHECK(strstr(ttl, "tiny:abi \"mcu32\"") != NULL);
    /* The Flash figure is the file size in kB of 1000 bytes. */
    char mant[32], flash[96];
    snprintf(mant, sizeof mant, "%e", (double)n / 1000.0);
    char *e = strchr(mant, 'e'), *z = e;
    while (z[-1] == '0') {
        z--;
    }
    if (z[-1] == '.') {
        z--;
    }
    snprintf(flash, sizeof flash, "schema:minValue \"%.*s%s\"^^xsd:double", (int)(z - mant),
             mant, e);
    CHECK(strstr(ttl, flash) != NULL);

    /* The output parses and says what the model says. */
    ts_store *store = ts_store_new();
    ts_load_opts opts = {.strict = true};
    CHECK_INT(ts_load_string(store, "import", TS_FMT_TURTLE, ttl, &opts, NULL), TS_OK);
    CHECK(sord_num_quads(ts_store_model(store)) > 40);
    ts_store_free(store);
    free(ttl);

    ts_tflite_meta meta = {.name = "Net", .creator = "Lab", .category = "Classification",
                           .sensor = "Microphone", .dataset = "http://example.org/ds",
                           .citation = "http://example.org/paper", .id = "1234"};
    CHECK(ts_tflite_meta_parse_metric(&meta, "top1=0.91"));
    CHECK(!ts_tflite_meta_parse_metric(&meta, "top1="));
    CHECK(!ts_tflite_meta_parse_metric(&meta, "=3"));
    CHECK(!ts_tflite_meta_parse_metric(&meta, "top1=abc"));
    ttl = turtle_of(m, &meta, TS_TFLITE_ABI_HOST64);
    CHECK(strstr(ttl, "<http://tinyml-schema.org/neuralnetwork/1234>") != NULL);
    CHECK(strstr(ttl, "nnet:hasCategory nnet:Classification") != NULL);
    CHECK(strstr(ttl, "a sosa_extend:Microphone") != NULL);
    CHECK(strstr(ttl, "nnet:Top_1_accuracy") != NULL);
    CHECK(strstr(ttl, "\"9.1e-01\"^^xsd:double") != NULL);
    CHECK(strstr(ttl, "nnet:trainingDataset <http://example.org/ds>") != NULL);
    CHECK(strstr(ttl, "tiny:abi \"host64\"") != NULL);
    free(ttl);
    ts_tflite_free(m);
    free(img);
}

static void test_loader(void)
{
    tb_model d = small_model();
    size_t n;
    uint8_t *img = tb_build(&d, &n);
    char dir[] = "/tmp/ts_tflite_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *good = ts_asprintf("%s/Good.tflite", dir);
    char *bad = ts_asprintf("%s/Bad.tflite", dir);
    FILE *f = fopen(good, "wb");
    fwrite(img, 1, n, f);
    fclose(f);
    f = fopen(bad, "wb");
    fwrite(img, 1, 40, f);
    fclose(f);
    CHECK_INT(ts_format_for_path(good), TS_FMT_TFLITE);

    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    ts_load_opts opts = {.diags = &diags};
    ts_source *src;
    CHECK_INT(ts_load_file(store, good, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
    CHECK(src && src->format == TS_FMT_TFLITE && src->triples > 40 && src->errors == 0);
    CHECK_INT(ts_load_file(store, bad, TS_FMT_UNKNOWN, &opts, &src), TS_OK);
    CHECK(src && src->errors == 1);
    CHECK_INT(diags.errors, 1);
    CHECK(diags.count == 1 && strstr(diags.items[0].err.source, "Bad.tflite") != NULL);
    /* The same bytes under another name are another model. */
    char *copy = ts_asprintf("%s/Copy.tflite", dir);
    f = fopen(copy, "wb");
    fwrite(img, 1, n, f);
    fclose(f);
    CHECK_INT(ts_load_file(store, copy, TS_FMT_UNKNOWN, &opts, NULL), TS_OK);
    SordNode *type = ts_store_iri(store, TS_NS_RDF "type");
    SordNode *nn = ts_store_iri(store, TS_NS_NNET "NeuralNetwork");
    SordIter *it = sord_search(ts_store_model(store), NULL, type, nn, NULL);
    size_t models = 0;
    for (; !sord_iter_end(it); sord_iter_next(it)) {
        models++;
    }
    sord_iter_free(it);
    sord_node_free(ts_store_world(store), type);
    sord_node_free(ts_store_world(store), nn);
    CHECK_INT(models, 2);
    unlink(copy);
    free(copy);
    opts.strict = true;
    CHECK_INT(ts_load_file(store, bad, TS_FMT_UNKNOWN, &opts, NULL), TS_ERR_BAD_DATA);
    ts_diags_clear(&diags);
    ts_store_free(store);

    /* The same model through the file reader. */
    ts_tflite *m;
    ts_error err;
    CHECK_INT(ts_tflite_load(good, &m, &err), TS_OK);
    ts_tflite_free(m);
    char *missing = ts_asprintf("%s/none.tflite", dir);
    CHECK_INT(ts_tflite_load(missing, &m, &err), TS_ERR_NOT_FOUND);
    unlink(good);
    unlink(bad);
    rmdir(dir);
    free(good);
    free(bad);
    free(missing);
    free(img);
}

static void test_abi_names(void)
{
    ts_tflite_abi abi;
    CHECK(ts_tflite_abi_from_name("host64", &abi) && abi == TS_TFLITE_ABI_HOST64);
    CHECK(ts_tflite_abi_from_name("mcu32", &abi) && abi == TS_TFLITE_ABI_MCU32);
    CHECK(!ts_tflite_abi_from_name("arm", &abi));
    CHECK_STR(ts_tflite_abi_name(TS_TFLITE_ABI_HOST64), "host64");
}

int main(void)
{
    test_reader();
    test_counts();
    test_plan_tail();
    test_plan_greedy();
    test_bad_lifetime();
    test_hostile();
    test_turtle();
    test_loader();
    test_abi_names();
    return test_done();
}
