/*
 * A model as RDF in the published KG's shape. The triples are built once
 * into a list, then either written as Turtle through Serd or added to the
 * store, so an imported file and a .tflite loaded as a source say the same.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <serd/serd.h>

#include "tflite_internal.h"
#include "tinyscope/buf.h"

typedef enum { OBJ_IRI, OBJ_LITERAL } obj_kind;

typedef struct {
    char *s, *p, *o;
    obj_kind kind;
    const char *datatype; /* for literals; NULL: plain string */
} triple;

typedef struct {
    triple *items;
    size_t n, cap;
} triples;

#define XSD_DOUBLE TS_NS_XSD "double"
#define XSD_INTEGER TS_NS_XSD "integer"
#define XSD_BOOLEAN TS_NS_XSD "boolean"

static void add(triples *ts, const char *s, const char *p, obj_kind kind, const char *o,
                const char *datatype)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 64;
        ts->items = ts_reallocarray(ts->items, ts->cap, sizeof *ts->items);
    }
    triple *t = &ts->items[ts->n++];
    t->s = ts_strdup(s);
    t->p = ts_strdup(p);
    t->o = ts_strdup(o);
    t->kind = kind;
    t->datatype = datatype;
}

static void add_iri(triples *ts, const char *s, const char *p, const char *o)
{
    add(ts, s, p, OBJ_IRI, o, NULL);
}

static void add_str(triples *ts, const char *s, const char *p, const char *o)
{
    add(ts, s, p, OBJ_LITERAL, o, NULL);
}

/* A double as the KG wrote it: printf %e with the mantissa's trailing
 * zeros (and a dangling point) removed: 336000 -> 3.36e+05. */
static void kg_double(double x, char out[48])
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%e", x);
    char *e = strchr(tmp, 'e');
    if (!e) {
        snprintf(out, 48, "%s", tmp);
        return;
    }
    char *end = e;
    while (end > tmp && end[-1] == '0') {
        end--;
    }
    if (end > tmp && end[-1] == '.') {
        end--;
    }
    snprintf(out, 48, "%.*s%s", (int)(end - tmp), tmp, e);
}

static void add_double(triples *ts, const char *s, const char *p, double v)
{
    char buf[48];
    kg_double(v, buf);
    add(ts, s, p, OBJ_LITERAL, buf, XSD_DOUBLE);
}

static void add_int(triples *ts, const char *s, const char *p, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    add(ts, s, p, OBJ_LITERAL, buf, XSD_INTEGER);
}

static void triples_free(triples *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->items[i].s);
        free(ts->items[i].p);
        free(ts->items[i].o);
    }
    free(ts->items);
}

/* A shape as numpy prints an array: "[   1 1960]", "[ 1 32 32  1]". */
static char *numpy_shape(const ts_tflite_tensor *t)
{
    int width = 1;
    for (size_t k = 0; k < t->rank; k++) {
        int w = snprintf(NULL, 0, "%" PRId32, t->shape[k]);
        if (w > width) {
            width = w;
        }
    }
    ts_buf b = {0};
    ts_buf_putc(&b, '[');
    for (size_t k = 0; k < t->rank; k++) {
        ts_buf_printf(&b, "%s%*" PRId32, k ? " " : "", width, t->shape[k]);
    }
    ts_buf_putc(&b, ']');
    return ts_buf_steal(&b);
}

static char *default_name(const char *path)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path ? path : "model";
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return ts_strndup(base, n);
}

/* A stable id from the file's bytes and the model's name: the same file
 * imported again gets the same IRIs, and two files with the same bytes but
 * different names (the published set has such a pair) stay two models. */
static char *make_id(const ts_tflite *m, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *c = name; *c; c++) {
        h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
    }
    uint64_t d[2] = {m->digest[0] ^ h, m->digest[1] ^ (h * 0x9e3779b97f4a7c15ULL)};
    uint8_t b[16];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(d[0] >> (8 * i));
        b[8 + i] = (uint8_t)(d[1] >> (8 * i));
    }
    /* RFC 9562 version 8 (custom), variant 10. */
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x80);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    return ts_asprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                       "%02x%02x%02x%02x%02x%02x",
                       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                       b[11], b[12], b[13], b[14], b[15]);
}

static const char *const prefixes[][2] = {
    {"nnet", TS_NS_NNET},
    {"s3n", TS_NS_S3N},
    {"s3n_extend", TS_NS_S3N_EXTEND},
    {"sosa_extend", TS_NS_SOSA_EXTEND},
    {"sosa", TS_NS_SOSA},
    {"ssn", TS_NS_SSN},
    {"ssn-system", TS_NS_SSN_SYSTEM},
    {"ssn_extend", TS_NS_SSN_EXTEND},
    {"schema", TS_NS_SCHEMA},
    {"om", TS_NS_OM},
    {"rdfs", TS_NS_RDFS},
    {"xsd", TS_NS_XSD},
    {"tiny", TS_NS_TINY},
};

/* A user's term: an absolute IRI as given, a prefixed name with one of the
 * prefixes above, else a local name in ns. */
static char *term_iri(const char *ns, const char *v)
{
    if (strstr(v, "://") || !strncmp(v, "urn:", 4)) {
        return ts_strdup(v);
    }
    const char *colon = strchr(v, ':');
    if (colon) {
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            if (strlen(prefixes[i][0]) == (size_t)(colon - v) &&
                !strncmp(v, prefixes[i][0], (size_t)(colon - v))) {
                return ts_asprintf("%s%s", prefixes[i][1], colon + 1);
            }
        }
    }
    return ts_asprintf("%s%s", ns, v);
}

static char *camel_case(const char *schema_name)
{
    ts_buf b = {0};
    bool up = true;
    for (const char *c = schema_name; *c; c++) {
        if (*c == '_') {
            up = true;
            continue;
        }
        ts_buf_putc(&b, up ? *c : (char)tolower((unsigned char)*c));
        up = false;
    }
    return ts_buf_steal(&b);
}

/* Ops whose layers carry hasQuantization/hasActivation in the KG. */
static bool quant_gate(int code)
{
    static const int codes[] = {0, 2, 3, 4, 6, 9, 18, 34, 41, 49, 83, 88, 97, 102, 114};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (codes[i] == code) {
            return true;
        }
    }
    return false;
}

static bool activation_gate(int code)
{
    return code == TS_TFLITE_OP_ADD || code == TS_TFLITE_OP_CONCATENATION ||
           code == TS_TFLITE_OP_CONV_2D || code == TS_TFLITE_OP_DEPTHWISE_CONV_2D ||
           code == TS_TFLITE_OP_FULLY_CONNECTED || code == TS_TFLITE_OP_MUL ||
           code == TS_TFLITE_OP_SUB;
}

#define NNET TS_NS_NNET
#define SCHEMA TS_NS_SCHEMA
#define TINY TS_NS_TINY
#define RDF_TYPE TS_NS_RDF "type"

static void add_layer(triples *ts, const ts_tflite *m, size_t j, const char *id,
                      const char *model)
{
    const ts_tflite_graph *g = &m->g;
    const ts_tflite_op *op = &g->ops[j];
    size_t n = g->n_ops;
    char *layer;
    const char *rel;
    long long index;
    if (j == 0) {
        layer = ts_asprintf("%sinputLayer_%s", TS_NS_NNET_DATA, id);
        rel = NNET "inputLayer";
        index = 1;
    } else if (j == n - 1) {
        layer = ts_asprintf("%soutputLayer_%s", TS_NS_NNET_DATA, id);
        rel = NNET "outputLayer";
        index = (long long)n;
    } else {
        layer = ts_asprintf("%smiddleLayer_%zu_%s", TS_NS_NNET_DATA, j, id);
        rel = NNET "middleLayer";
        index = (long long)j;
    }
    add_iri(ts, model, rel, layer);
    add_iri(ts, layer, RDF_TYPE, NNET "Layer");
    add_int(ts, layer, NNET "hasIndex", index);

    const char *kg = ts_tflite_op_kg_name(op->code);
    char *type = kg ? ts_asprintf("%s%s", NNET, kg) : NULL;
    if (!type) {
        char *cc = camel_case(op->code == TS_TFLITE_OP_CUSTOM && op->custom_code
                                  ? op->custom_code
                                  : ts_tflite_op_name(op->code));
        type = ts_asprintf("%s%s", NNET, cc);
        free(cc);
    }
    add_iri(ts, layer, NNET "hasType", type);
    free(type);

    if (op->options_type != 0 && quant_gate(op->code)) {
        if (op->n_inputs > 1 && op->inputs[1] >= 0) {
            const char *q = ts_tflite_type_kg_name(g->tensors[op->inputs[1]].type);
            if (q) {
                char *qi = ts_asprintf("%s%s", NNET, q);
                add_iri(ts, layer, NNET "hasQuantization", qi);
                free(qi);
            }
        }
        const char *act = ts_tflite_activation_kg_name(op->activation);
        if (act && activation_gate(op->code)) {
            char *ai = ts_asprintf("%s%s", NNET, act);
            add_iri(ts, layer, NNET "hasActivation", ai);
            free(ai);
        }
    }
    if (j == 0 && g->n_inputs) {
        char *s = numpy_shape(&g->tensors[g->inputs[0]]);
        add_str(ts, layer, NNET "shapeIn", s);
        free(s);
    } else if (j == n - 1 && g->n_outputs) {
        char *s = numpy_shape(&g->tensors[g->outputs[0]]);
        add_str(ts, layer, NNET "shapeOut", s);
        free(s);
    }
    /* The true position and op, since hasIndex repeats 1 and skips n-1. */
    add_int(ts, layer, TINY "position", (long long)j);
    add_str(ts, layer, TINY "operator",
            op->code == TS_TFLITE_OP_CUSTOM && op->custom_code ? op->custom_code
                                                               : ts_tflite_op_name(op->code));
    if (op->n_outputs) {
        char *s = numpy_shape(&g->tensors[op->outputs[0]]);
        add_str(ts, layer, TINY "outputShape", s);
        free(s);
    }
    add_int(ts, layer, TINY "macs", (long long)ts_tflite_op_macs(m, j));
    free(layer);
}

static void add_memory(triples *ts, const char *model, const char *id, int which,
                       double kb, const ts_tflite_memory *mem)
{
    /* The KG's RAM feature IRI has a double slash; kept so the two agree. */
    char *pf = ts_asprintf("%s%sprocedureFeature_%d_%s", TS_NS_NNET_DATA,
                           which == 2 ? "/" : "", which, id);
    char *cond = ts_asprintf("%scondition_%d_%s", TS_NS_NNET_DATA, which, id);
    char *label = ts_asprintf("procedureFeature_%d", which);
    add_iri(ts, model, TS_NS_S3N "hasProcedureFeature", pf);
    add_iri(ts, pf, RDF_TYPE, TS_NS_S3N "ProcedureFeature");
    add_str(ts, pf, TS_NS_RDFS "label", label);
    add_iri(ts, pf, TS_NS_SSN_SYSTEM "inCondition", cond);
    add_iri(ts, cond, RDF_TYPE, which == 1 ? TS_NS_S3N_EXTEND "Flash" : TS_NS_S3N_EXTEND "RAM");
    add_iri(ts, cond, RDF_TYPE, TS_NS_S3N "Memory");
    add_str(ts, cond, TS_NS_RDFS "label", which == 1 ? "Flash requirement." : "RAM requirement.");
    add_double(ts, cond, SCHEMA "minValue", kb);
    add_iri(ts, cond, SCHEMA "unitCode", TS_NS_OM "kilobyte");
    if (mem) {
        add_str(ts, cond, TINY "abi", ts_tflite_abi_name(mem->abi));
        add_int(ts, cond, TINY "arenaHeadBytes", (long long)mem->head);
        add_int(ts, cond, TINY "arenaTailBytes", (long long)mem->tail);
        if (mem->approximate) {
            add(ts, cond, TINY "approximate", OBJ_LITERAL, "true", XSD_BOOLEAN);
        }
    }
    free(pf);
    free(cond);
    free(label);
}

static void add_io(triples *ts, const ts_tflite_graph *g, const char *model, const char *id,
                   bool input)
{
    char *node = ts_asprintf("%s%s_%s", TS_NS_NNET_DATA, input ? "input" : "output", id);
    add_iri(ts, model, input ? TS_NS_SSN "hasInput" : TS_NS_SSN "hasOutput", node);
    add_iri(ts, node, RDF_TYPE, input ? NNET "NetworkInput" : NNET "NetworkOutput");
    const int32_t *idx = input ? g->inputs : g->outputs;
    if (input ? g->n_inputs : g->n_outputs) {
        const ts_tflite_tensor *t = &g->tensors[idx[0]];
        char *s = numpy_shape(t);
        add_str(ts, node, TINY "shape", s);
        add_str(ts, node, TINY "dataType", ts_tflite_type_name(t->type));
        free(s);
    }
    free(node);
}

static ts_status build(const ts_tflite *m, const char *path, const ts_tflite_meta *meta,
                       ts_tflite_abi abi, triples *ts, ts_error *err)
{
    static const ts_tflite_meta none = {0};
    if (!meta) {
        meta = &none;
    }
    const ts_tflite_graph *g = &m->g;
    ts_tflite_memory mem;
    ts_status st = ts_tflite_plan(m, abi, &mem, NULL, err);
    if (st != TS_OK) {
        if (err && path) {
            snprintf(err->source, sizeof err->source, "%s", path);
        }
        return st;
    }
    ts_tflite_counts counts;
    ts_tflite_count(m, &counts);

    char *name = meta->name ? ts_strdup(meta->name) : default_name(path);
    char *id = meta->id ? ts_strdup(meta->id) : make_id(m, name);
    char *model = ts_asprintf("%s%s", TS_NS_NNET_DATA, id);

    add_iri(ts, model, RDF_TYPE, NNET "NeuralNetwork");
    add_str(ts, model, SCHEMA "name", name);
    add_str(ts, model, SCHEMA "identifier", id);
    add_str(ts, model, SCHEMA "runtimePlatform", "TFLite Micro");
    if (meta->description) {
        add_str(ts, model, SCHEMA "description", meta->description);
    }
    if (meta->creator) {
        add_str(ts, model, SCHEMA "creator", meta->creator);
    }
    if (meta->category) {
        char *c = term_iri(NNET, meta->category);
        add_iri(ts, model, NNET "hasCategory", c);
        free(c);
    }
    if (meta->dataset) {
        add_iri(ts, model, NNET "trainingDataset", meta->dataset);
    }
    if (meta->citation) {
        add_iri(ts, model, SCHEMA "citation", meta->citation);
    }
    add_double(ts, model, NNET "hasMultiplyAccumulateOps", (double)counts.macs_paper);
    add_int(ts, model, TINY "macsComplete", (long long)counts.macs_complete);
    add_int(ts, model, TINY "parameterCount", (long long)counts.parameters);
    add_int(ts, model, TINY "operatorCount", (long long)g->n_ops);
    for (size_t j = 0; j < g->n_ops; j++) {
        add_layer(ts, m, j, id, model);
    }
    add_io(ts, g, model, id, true);
    add_io(ts, g, model, id, false);
    if (meta->sensor) {
        char *sensor = ts_asprintf("%ssensor_1_%s", TS_NS_NNET_DATA, id);
        char *cls = term_iri(TS_NS_SOSA_EXTEND, meta->sensor);
        char *input = ts_asprintf("%sinput_%s", TS_NS_NNET_DATA, id);
        add_iri(ts, sensor, RDF_TYPE, cls);
        add_iri(ts, sensor, RDF_TYPE, SCHEMA "Sensor");
        add_iri(ts, sensor, TS_NS_SSN_EXTEND "provideInput", input);
        free(sensor);
        free(cls);
        free(input);
    }
    if (meta->metric[0]) {
        char *metric = ts_asprintf("%smetric_1_%s", TS_NS_NNET_DATA, id);
        const char *cls = !strcmp(meta->metric, "top1")   ? NNET "Top_1_accuracy"
                          : !strcmp(meta->metric, "top5") ? NNET "Top_5_accuracy"
                          : !strcmp(meta->metric, "auc")  ? NNET "AUC"
                                                          : NNET "Other_metric";
        add_iri(ts, model, NNET "hasMetric", metric);
        add_iri(ts, metric, RDF_TYPE, NNET "Metric");
        add_iri(ts, metric, RDF_TYPE, cls);
        add_double(ts, metric, NNET "hasMetricValue", meta->metric_value);
        if (!strcmp(cls, NNET "Other_metric")) {
            add_str(ts, metric, TS_NS_RDFS "label", meta->metric);
        }
        free(metric);
    }
    add_memory(ts, model, id, 1, (double)counts.flash_bytes / 1000.0, NULL);
    add_memory(ts, model, id, 2, (double)mem.total / 1000.0, &mem);
    /* The model's own statements first, so Turtle groups them in one block. */
    triple *sorted = ts_calloc(ts->n ? ts->n : 1, sizeof *sorted);
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ts->n; i++) {
            if ((strcmp(ts->items[i].s, model) == 0) == (pass == 0)) {
                sorted[k++] = ts->items[i];
            }
        }
    }
    free(ts->items);
    ts->items = sorted;
    ts->cap = ts->n;
    free(model);
    free(name);
    free(id);
    return TS_OK;
}

bool ts_tflite_meta_parse_metric(ts_tflite_meta *meta, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        return false;
    }
    char *end;
    double v = strtod(eq + 1, &end);
    if (*end || end == eq + 1) {
        return false;
    }
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof meta->metric) {
        return false;
    }
    memcpy(meta->metric, arg, n);
    meta->metric[n] = '\0';
    meta->metric_value = v;
    return true;
}

/* ---- Turtle ---- */

/* "prefix:local" for an IRI in a known namespace whose local part is a
 * plain name, else NULL. Done here rather than by Serd, whose writer keeps
 * full IRIs for names with underscores or prefixes like "s3n_extend". */
static char *qualify(const char *iri)
{
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i][1]);
        if (strncmp(iri, prefixes[i][1], n) != 0 || !iri[n]) {
            continue;
        }
        const char *local = iri + n;
        bool plain = local[0] != '-';
        for (const char *c = local; *c && plain; c++) {
            plain = isalnum((unsigned char)*c) || *c == '_' || *c == '-';
        }
        if (plain) {
            return ts_asprintf("%s:%s", prefixes[i][0], local);
        }
    }
    return NULL;
}

static SerdNode node(const char *iri, const char *curie)
{
    return curie ? serd_node_from_string(SERD_CURIE, (const uint8_t *)curie)
                 : serd_node_from_string(SERD_URI, (const uint8_t *)iri);
}

static size_t sink(const void *buf, size_t len, void *stream)
{
    return fwrite(buf, 1, len, stream);
}

ts_status ts_tflite_write_turtle(const ts_tflite *model, const char *path,
                                 const ts_tflite_meta *meta, ts_tflite_abi abi, FILE *out,
                                 ts_error *err)
{
    triples ts = {0};
    ts_status st = build(model, path, meta, abi, &ts, err);
    if (st != TS_OK) {
        triples_free(&ts);
        return st;
    }
    SerdEnv *env = serd_env_new(NULL);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        serd_env_set_prefix_from_strings(env, (const uint8_t *)prefixes[i][0],
                                         (const uint8_t *)prefixes[i][1]);
    }
    /* Curied so that Serd writes xsd numbers bare. */
    SerdWriter *w = serd_writer_new(SERD_TURTLE,
                                    (SerdStyle)(SERD_STYLE_ABBREVIATED | SERD_STYLE_CURIED),
                                    env, NULL, sink, out);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        SerdNode name = serd_node_from_string(SERD_LITERAL, (const uint8_t *)prefixes[i][0]);
        SerdNode uri = serd_node_from_string(SERD_URI, (const uint8_t *)prefixes[i][1]);
        serd_writer_set_prefix(w, &name, &uri);
    }
    for (size_t i = 0; i < ts.n; i++) {
        const triple *t = &ts.items[i];
        char *qs = qualify(t->s), *qp = qualify(t->p);
        char *qo = t->kind == OBJ_IRI ? qualify(t->o) : NULL;
        SerdNode s = node(t->s, qs), p = node(t->p, qp);
        SerdNode o = t->kind == OBJ_IRI ? node(t->o, qo)
                                        : serd_node_from_string(SERD_LITERAL,
                                                                (const uint8_t *)t->o);
        SerdNode dt = t->datatype ? node(t->datatype, NULL) : SERD_NODE_NULL;
        serd_writer_write_statement(w, 0, NULL, &s, &p, &o, t->datatype ? &dt : NULL, NULL);
        free(qs);
        free(qp);
        free(qo);
    }
    serd_writer_finish(w);
    serd_writer_free(w);
    serd_env_free(env);
    triples_free(&ts);
    if (fflush(out) != 0 || ferror(out)) {
        return ts_error_set(err, TS_ERR_IO, path ? path : "", 0, 0, "write error");
    }
    return TS_OK;
}

ts_status ts_tflite_add_to_store(const ts_tflite *model, const char *path,
                                 const ts_tflite_meta *meta, ts_tflite_abi abi,
                                 ts_store *store, ts_source *src, ts_error *err)
{
    triples ts = {0};
    ts_status st = build(model, path, meta, abi, &ts, err);
    if (st != TS_OK) {
        triples_free(&ts);
        return st;
    }
    SordWorld *world = ts_store_world(store);
    for (size_t i = 0; i < ts.n; i++) {
        const triple *t = &ts.items[i];
        SordNode *s = ts_store_iri(store, t->s);
        SordNode *p = ts_store_iri(store, t->p);
        SordNode *o;
        if (t->kind == OBJ_IRI) {
            o = ts_store_iri(store, t->o);
        } else {
            SordNode *dt = t->datatype ? ts_store_iri(store, t->datatype) : NULL;
            o = sord_new_literal(world, dt, (const uint8_t *)t->o, NULL);
            sord_node_free(world, dt);
        }
        ts_store_add(store, src, s, p, o, NULL);
        sord_node_free(world, s);
        sord_node_free(world, p);
        sord_node_free(world, o);
    }
    triples_free(&ts);
    return TS_OK;
}
