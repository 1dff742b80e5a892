/*
 * A bounds-checked FlatBuffers reader for the TFLite schema. Every offset
 * read from the file is checked against the image size before use, and
 * references are followed only in schema order (Model -> SubGraph -> Tensor
 * -> QuantizationParameters), so a hostile file can neither read out of
 * bounds nor make the reader loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tflite_internal.h"
#include "tinyscope/buf.h"

typedef struct {
    const uint8_t *p;
    size_t n;
    const char *source;
    ts_error *err;
    bool failed;
} fb;

typedef struct {
    size_t t;  /* table start */
    size_t vt; /* vtable start */
    uint16_t vt_bytes;
} fb_table;

typedef struct {
    size_t start; /* first element */
    uint32_t count;
} fb_vec;

static bool fb_fail(fb *b, size_t pos, const char *what)
{
    if (!b->failed) {
        ts_error_set(b->err, TS_ERR_BAD_DATA, b->source, 0, 0,
                     "not a valid TFLite model: %s (at byte %zu)", what, pos);
    }
    b->failed = true;
    return false;
}

static bool fb_has(const fb *b, size_t pos, size_t width)
{
    return pos <= b->n && width <= b->n - pos;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

static bool fb_table_at(fb *b, size_t t, fb_table *out, const char *what)
{
    if (!fb_has(b, t, 4)) {
        return fb_fail(b, t, what);
    }
    int32_t soff = (int32_t)rd32(b->p + t);
    long long vt = (long long)t - (long long)soff;
    if (vt < 0 || !fb_has(b, (size_t)vt, 4)) {
        return fb_fail(b, t, "vtable out of range");
    }
    uint16_t vbytes = rd16(b->p + vt);
    if (vbytes < 4 || (vbytes & 1) || !fb_has(b, (size_t)vt, vbytes)) {
        return fb_fail(b, (size_t)vt, "bad vtable size");
    }
    out->t = t;
    out->vt = (size_t)vt;
    out->vt_bytes = vbytes;
    return true;
}

/* The position of field id, or 0 when it is absent. */
static size_t fb_field(const fb_table *tb, const fb *b, unsigned id)
{
    size_t at = 4 + 2 * (size_t)id;
    if (at + 2 > tb->vt_bytes) {
        return 0;
    }
    uint16_t slot = rd16(b->p + tb->vt + at);
    return slot ? tb->t + slot : 0;
}

static bool fb_scalar(fb *b, const fb_table *tb, unsigned id, size_t width, uint64_t *v,
                      uint64_t dflt)
{
    size_t pos = fb_field(tb, b, id);
    if (!pos) {
        *v = dflt;
        return true;
    }
    if (!fb_has(b, pos, width)) {
        return fb_fail(b, pos, "field out of range");
    }
    switch (width) {
    case 1: *v = b->p[pos]; break;
    case 2: *v = rd16(b->p + pos); break;
    case 4: *v = rd32(b->p + pos); break;
    default: *v = rd64(b->p + pos); break;
    }
    return true;
}

/* Follow the uoffset stored at pos. */
static bool fb_deref(fb *b, size_t pos, size_t *target)
{
    if (!fb_has(b, pos, 4)) {
        return fb_fail(b, pos, "reference out of range");
    }
    uint64_t t = (uint64_t)pos + rd32(b->p + pos);
    if (t > b->n || !fb_has(b, (size_t)t, 4)) {
        return fb_fail(b, pos, "reference target out of range");
    }
    *target = (size_t)t;
    return true;
}

/* A vector field; absent reads as empty. */
static bool fb_vector(fb *b, const fb_table *tb, unsigned id, size_t elem, fb_vec *out)
{
    out->start = 0;
    out->count = 0;
    size_t pos = fb_field(tb, b, id);
    if (!pos) {
        return true;
    }
    size_t v;
    if (!fb_deref(b, pos, &v)) {
        return false;
    }
    uint32_t count = rd32(b->p + v);
    /* count * elem cannot overflow 64 bits; compare against what is left. */
    if ((uint64_t)count * elem > (uint64_t)(b->n - v - 4)) {
        return fb_fail(b, v, "vector runs past the end");
    }
    out->start = v + 4;
    out->count = count;
    return true;
}

static bool fb_vec_table(fb *b, const fb_vec *v, uint32_t k, fb_table *out, const char *what)
{
    size_t t;
    return fb_deref(b, v->start + 4 * (size_t)k, &t) && fb_table_at(b, t, out, what);
}

static bool fb_sub_table(fb *b, const fb_table *tb, unsigned id, fb_table *out, bool *present)
{
    size_t pos = fb_field(tb, b, id);
    *present = pos != 0;
    if (!pos) {
        return true;
    }
    size_t t;
    return fb_deref(b, pos, &t) && fb_table_at(b, t, out, "table out of range");
}

/* --- the model --- */

static char *keep(ts_tflite *m, char *s)
{
    m->strings = ts_reallocarray(m->strings, m->n_strings + 1, sizeof *m->strings);
    m->strings[m->n_strings++] = s;
    return s;
}

/* A string field as an owned C string ("" when absent). */
static bool fb_string(fb *b, ts_tflite *m, const fb_table *tb, unsigned id, const char **out)
{
    fb_vec v;
    if (!fb_vector(b, tb, id, 1, &v)) {
        return false;
    }
    if (v.count && !fb_has(b, v.start, (size_t)v.count + 1)) {
        return fb_fail(b, v.start, "string runs past the end");
    }
    *out = keep(m, ts_strndup(v.count ? (const char *)b->p + v.start : "", v.count));
    return true;
}

static bool fb_int_vector(fb *b, ts_tflite *m, const fb_table *tb, unsigned id,
                          const int32_t **out, size_t *n, size_t limit, const char *what)
{
    fb_vec v;
    if (!fb_vector(b, tb, id, 4, &v)) {
        return false;
    }
    if (v.count > limit) {
        if (!b->failed) {
            ts_error_set(b->err, TS_ERR_LIMIT, b->source, 0, 0,
                         "%s has %u entries (limit %zu)", what, v.count, limit);
        }
        b->failed = true;
        return false;
    }
    *n = v.count;
    *out = NULL;
    if (v.count) {
        int32_t *a = ts_calloc(v.count, sizeof *a);
        for (uint32_t i = 0; i < v.count; i++) {
            a[i] = (int32_t)rd32(b->p + v.start + 4 * (size_t)i);
        }
        *out = (const int32_t *)keep(m, (char *)a);
    }
    return true;
}

static bool too_many(fb *b, const char *what, uint32_t n, size_t limit)
{
    if (n <= limit) {
        return false;
    }
    if (!b->failed) {
        ts_error_set(b->err, TS_ERR_LIMIT, b->source, 0, 0, "%u %s (limit %zu)", n, what,
                     limit);
    }
    b->failed = true;
    return true;
}

typedef struct {
    int code;
    const char *custom;
    int version;
} opcode;

static bool read_opcodes(fb *b, ts_tflite *m, const fb_table *model, opcode **out,
                         size_t *n_out)
{
    fb_vec v;
    if (!fb_vector(b, model, 1, 4, &v)) {
        return false;
    }
    if (too_many(b, "operator codes", v.count, TS_TFLITE_MAX_OPS)) {
        return false;
    }
    opcode *codes = ts_calloc(v.count ? v.count : 1, sizeof *codes);
    *out = codes;
    *n_out = v.count;
    for (uint32_t i = 0; i < v.count; i++) {
        fb_table t;
        uint64_t dep, ver, code;
        if (!fb_vec_table(b, &v, i, &t, "operator code out of range") ||
            !fb_scalar(b, &t, 0, 1, &dep, 0) || !fb_scalar(b, &t, 2, 4, &ver, 1) ||
            !fb_scalar(b, &t, 3, 4, &code, 0)) {
            return false;
        }
        /* Old files hold only the byte; newer ones cap it at 127 and put the
         * real code in the int32 field. */
        int d = (int8_t)(uint8_t)dep;
        int c = (int32_t)(uint32_t)code;
        codes[i].code = c > d ? c : d;
        codes[i].version = (int32_t)(uint32_t)ver;
        if (codes[i].code == TS_TFLITE_OP_CUSTOM) {
            if (!fb_string(b, m, &t, 1, &codes[i].custom)) {
                return false;
            }
        }
    }
    return true;
}

static bool read_quantization(fb *b, const fb_table *tensor, ts_tflite_tensor *out)
{
    fb_table q;
    bool present;
    if (!fb_sub_table(b, tensor, 4, &q, &present)) {
        return false;
    }
    if (!present) {
        return true;
    }
    fb_vec scale, zp;
    uint64_t dim;
    if (!fb_vector(b, &q, 2, 4, &scale) || !fb_vector(b, &q, 3, 8, &zp) ||
        !fb_scalar(b, &q, 6, 4, &dim, 0)) {
        return false;
    }
    out->n_scale = scale.count;
    out->n_zero_point = zp.count;
    out->quantized_dimension = (int32_t)(uint32_t)dim;
    if (scale.count) {
        uint32_t bits = rd32(b->p + scale.start);
        float f;
        memcpy(&f, &bits, sizeof f);
        out->scale0 = f;
    }
    if (zp.count) {
        out->zero_point0 = (int64_t)rd64(b->p + zp.start);
    }
    return true;
}

static bool read_tensors(fb *b, ts_tflite *m, const fb_table *sg, const bool *buffer_has_data,
                         size_t n_buffers)
{
    fb_vec v;
    if (!fb_vector(b, sg, 0, 4, &v) || too_many(b, "tensors", v.count, TS_TFLITE_MAX_TENSORS)) {
        return false;
    }
    m->tensors = ts_calloc(v.count ? v.count : 1, sizeof *m->tensors);
    m->g.n_tensors = v.count;
    for (uint32_t i = 0; i < v.count; i++) {
        ts_tflite_tensor *t = &m->tensors[i];
        fb_table tb;
        uint64_t type, buffer, var;
        if (!fb_vec_table(b, &v, i, &tb, "tensor out of range") ||
            !fb_int_vector(b, m, &tb, 0, &t->shape, &t->rank, TS_TFLITE_MAX_RANK,
                           "a tensor shape") ||
            !fb_scalar(b, &tb, 1, 1, &type, 0) || !fb_scalar(b, &tb, 2, 4, &buffer, 0) ||
            !fb_string(b, m, &tb, 3, &t->name) || !fb_scalar(b, &tb, 5, 1, &var, 0) ||
            !read_quantization(b, &tb, t)) {
            return false;
        }
        t->type = (int8_t)(uint8_t)type;
        t->buffer = (uint32_t)buffer;
        t->is_variable = var != 0;
        if (t->buffer >= n_buffers && !(t->buffer == 0 && n_buffers == 0)) {
            ts_error_set(b->err, TS_ERR_BAD_DATA, b->source, 0, 0,
                         "tensor %u refers to buffer %u of %zu", i, t->buffer, n_buffers);
            b->failed = true;
            return false;
        }
        t->has_data = t->buffer < n_buffers && buffer_has_data[t->buffer];
        uint64_t elems = 1;
        for (size_t k = 0; k < t->rank; k++) {
            if (t->shape[k] < 0) {
                ts_error_set(b->err, TS_ERR_BAD_DATA, b->source, 0, 0,
                             "tensor %u has a negative dimension", i);
                b->failed = true;
                return false;
            }
            /* Dimensions are below 2^31, so staying below 2^40 cannot overflow. */
            elems *= (uint64_t)t->shape[k];
            if (elems > ((uint64_t)1 << 40)) {
                ts_error_set(b->err, TS_ERR_LIMIT, b->source, 0, 0,
                             "tensor %u has more than 2^40 elements", i);
                b->failed = true;
                return false;
            }
        }
        t->elements = elems;
        t->bytes = elems * ts_tflite_type_size(t->type);
    }
    return true;
}

static bool check_index(fb *b, int32_t idx, size_t n, bool optional, const char *what,
                        size_t where)
{
    if ((idx >= 0 && (size_t)idx < n) || (optional && idx == -1)) {
        return true;
    }
    if (!b->failed) {
        ts_error_set(b->err, TS_ERR_BAD_DATA, b->source, 0, 0,
                     "%s %zu refers to tensor %d of %zu", what, where, idx, n);
    }
    b->failed = true;
    return false;
}

static bool read_options(fb *b, const fb_table *op, ts_tflite_op *out)
{
    fb_table o;
    bool present;
    if (!fb_sub_table(b, op, 4, &o, &present)) {
        return false;
    }
    out->stride_w = out->stride_h = 1;
    if (!present) {
        return true;
    }
    /* Field ids of fused_activation_function, padding, strides and filter
     * per options table; -1 when the table has no such field. */
    int act = -1, pad = -1, stride = -1, filter = -1;
    switch (out->options_type) {
    case 1: act = 3; pad = 0; stride = 1; break;             /* Conv2DOptions */
    case 2: act = 4; pad = 0; stride = 1; break;             /* DepthwiseConv2DOptions */
    case 5: act = 5; pad = 0; stride = 1; filter = 3; break; /* Pool2DOptions */
    case 6: act = 1; break;                                  /* SVDFOptions */
    case 8: act = 0; break;                                  /* FullyConnectedOptions */
    case 10: act = 1; break;                                 /* ConcatenationOptions */
    case 11: case 21: case 28: case 29: act = 0; break;      /* Add, Mul, Sub, Div */
    case 49: act = 3; pad = 0; stride = 1; break;            /* TransposeConvOptions */
    default: break;
    }
    uint64_t v;
    if (act >= 0) {
        if (!fb_scalar(b, &o, (unsigned)act, 1, &v, 0)) {
            return false;
        }
        out->activation = (int8_t)(uint8_t)v;
    }
    if (pad >= 0) {
        if (!fb_scalar(b, &o, (unsigned)pad, 1, &v, 0)) {
            return false;
        }
        out->padding = (int8_t)(uint8_t)v;
    }
    if (stride >= 0) {
        uint64_t w, h;
        if (!fb_scalar(b, &o, (unsigned)stride, 4, &w, 0) ||
            !fb_scalar(b, &o, (unsigned)stride + 1, 4, &h, 0)) {
            return false;
        }
        out->stride_w = (int32_t)(uint32_t)w;
        out->stride_h = (int32_t)(uint32_t)h;
    }
    if (filter >= 0) {
        uint64_t w, h;
        if (!fb_scalar(b, &o, (unsigned)filter, 4, &w, 0) ||
            !fb_scalar(b, &o, (unsigned)filter + 1, 4, &h, 0)) {
            return false;
        }
        out->filter_w = (int32_t)(uint32_t)w;
        out->filter_h = (int32_t)(uint32_t)h;
    }
    return true;
}

static bool read_ops(fb *b, ts_tflite *m, const fb_table *sg, const opcode *codes,
                     size_t n_codes)
{
    fb_vec v;
    if (!fb_vector(b, sg, 3, 4, &v) || too_many(b, "operators", v.count, TS_TFLITE_MAX_OPS)) {
        return false;
    }
    m->ops = ts_calloc(v.count ? v.count : 1, sizeof *m->ops);
    m->g.n_ops = v.count;
    for (uint32_t i = 0; i < v.count; i++) {
        ts_tflite_op *op = &m->ops[i];
        fb_table tb;
        uint64_t opcode_index, otype;
        if (!fb_vec_table(b, &v, i, &tb, "operator out of range") ||
            !fb_scalar(b, &tb, 0, 4, &opcode_index, 0) ||
            !fb_int_vector(b, m, &tb, 1, &op->inputs, &op->n_inputs, TS_TFLITE_MAX_TENSORS,
                           "operator inputs") ||
            !fb_int_vector(b, m, &tb, 2, &op->outputs, &op->n_outputs,
                           TS_TFLITE_MAX_TENSORS, "operator outputs") ||
            !fb_scalar(b, &tb, 3, 1, &otype, 0)) {
            return false;
        }
        if (opcode_index >= n_codes) {
            ts_error_set(b->err, TS_ERR_BAD_DATA, b->source, 0, 0,
                         "operator %u uses operator code %llu of %zu", i,
                         (unsigned long long)opcode_index, n_codes);
            b->failed = true;
            return false;
        }
        op->code = codes[opcode_index].code;
        op->custom_code = codes[opcode_index].custom;
        op->version = codes[opcode_index].version;
        op->options_type = (int)otype;
        for (size_t k = 0; k < op->n_inputs; k++) {
            if (!check_index(b, op->inputs[k], m->g.n_tensors, true, "operator", i)) {
                return false;
            }
        }
        for (size_t k = 0; k < op->n_outputs; k++) {
            if (!check_index(b, op->outputs[k], m->g.n_tensors, false, "operator", i)) {
                return false;
            }
        }
        if (!read_options(b, &tb, op)) {
            return false;
        }
    }
    return true;
}

static bool read_buffers(fb *b, const fb_table *model, bool **has_data, size_t *n)
{
    fb_vec v;
    if (!fb_vector(b, model, 4, 4, &v)) {
        return false;
    }
    *n = v.count;
    *has_data = ts_calloc(v.count ? v.count : 1, sizeof **has_data);
    for (uint32_t i = 0; i < v.count; i++) {
        fb_table t;
        fb_vec data;
        uint64_t offset, size;
        if (!fb_vec_table(b, &v, i, &t, "buffer out of range") ||
            !fb_vector(b, &t, 0, 1, &data) || !fb_scalar(b, &t, 1, 8, &offset, 0) ||
            !fb_scalar(b, &t, 2, 8, &size, 0)) {
            return false;
        }
        /* Models over 2 GB keep data outside the flatbuffer (offset > 1). */
        (*has_data)[i] = data.count > 0 || (offset > 1 && size > 0);
    }
    return true;
}

static bool read_metadata(fb *b, ts_tflite *m, const fb_table *model)
{
    fb_vec v;
    if (!fb_vector(b, model, 6, 4, &v)) {
        return false;
    }
    for (uint32_t i = 0; i < v.count; i++) {
        fb_table t;
        const char *name;
        if (!fb_vec_table(b, &v, i, &t, "metadata out of range") ||
            !fb_string(b, m, &t, 0, &name)) {
            return false;
        }
        if (!strcmp(name, "OfflineMemoryAllocation")) {
            m->g.offline_plan = true;
        }
    }
    return true;
}

static void digest(ts_tflite *m, const uint8_t *p, size_t n)
{
    /* Two FNV-1a lanes with different offsets: a stable 128-bit fingerprint. */
    uint64_t a = 0xcbf29ce484222325ULL, c = 0x84222325cbf29ce4ULL;
    for (size_t i = 0; i < n; i++) {
        a = (a ^ p[i]) * 0x100000001b3ULL;
        c = (c ^ p[i] ^ (i & 0xff)) * 0x100000001b3ULL;
    }
    m->digest[0] = a;
    m->digest[1] = c ^ (uint64_t)n;
}

static bool parse(fb *b, ts_tflite *m)
{
    if (b->n < 8) {
        return fb_fail(b, 0, "file too short");
    }
    if (memcmp(b->p + 4, "TFL3", 4) != 0) {
        return fb_fail(b, 4, "no TFL3 file identifier");
    }
    fb_table model;
    uint64_t version;
    if (!fb_table_at(b, rd32(b->p), &model, "root table out of range") ||
        !fb_scalar(b, &model, 0, 4, &version, 0)) {
        return false;
    }
    m->g.version = (uint32_t)version;
    if (version != 3) {
        ts_error_set(b->err, TS_ERR_UNSUPPORTED, b->source, 0, 0,
                     "TFLite schema version %llu (only version 3 is known)",
                     (unsigned long long)version);
        b->failed = true;
        return false;
    }
    const char *desc;
    if (!fb_string(b, m, &model, 3, &desc) || !read_metadata(b, m, &model)) {
        return false;
    }
    m->g.description = desc;

    bool *has_data = NULL;
    opcode *codes = NULL;
    size_t n_buffers = 0, n_codes = 0;
    bool ok = read_buffers(b, &model, &has_data, &n_buffers) &&
              read_opcodes(b, m, &model, &codes, &n_codes);
    m->g.n_buffers = n_buffers;
    fb_vec subgraphs = {0};
    fb_table sg;
    ok = ok && fb_vector(b, &model, 2, 4, &subgraphs);
    if (ok && subgraphs.count == 0) {
        ok = fb_fail(b, model.t, "no subgraph");
    }
    ok = ok && fb_vec_table(b, &subgraphs, 0, &sg, "subgraph out of range") &&
         read_tensors(b, m, &sg, has_data, n_buffers) &&
         fb_int_vector(b, m, &sg, 1, &m->g.inputs, &m->g.n_inputs, TS_TFLITE_MAX_TENSORS,
                       "graph inputs") &&
         fb_int_vector(b, m, &sg, 2, &m->g.outputs, &m->g.n_outputs, TS_TFLITE_MAX_TENSORS,
                       "graph outputs") &&
         read_ops(b, m, &sg, codes, n_codes);
    m->g.n_subgraphs = subgraphs.count;
    for (size_t k = 0; ok && k < m->g.n_inputs; k++) {
        ok = check_index(b, m->g.inputs[k], m->g.n_tensors, false, "graph input", k);
    }
    for (size_t k = 0; ok && k < m->g.n_outputs; k++) {
        ok = check_index(b, m->g.outputs[k], m->g.n_tensors, false, "graph output", k);
    }
    free(has_data);
    free(codes);
    return ok;
}

ts_status ts_tflite_parse(const void *data, size_t size, const char *source,
                          ts_tflite **out, ts_error *err)
{
    *out = NULL;
    ts_error_clear(err);
    ts_tflite *m = ts_calloc(1, sizeof *m);
    fb b = {.p = data, .n = size, .source = source ? source : "<tflite>", .err = err};
    if (!parse(&b, m)) {
        ts_status st = err ? err->status : TS_ERR_BAD_DATA;
        ts_tflite_free(m);
        return st != TS_OK ? st : TS_ERR_BAD_DATA;
    }
    m->g.tensors = m->tensors;
    m->g.ops = m->ops;
    m->g.file_size = size;
    digest(m, data, size);
    *out = m;
    return TS_OK;
}

ts_status ts_tflite_load(const char *path, ts_tflite **out, ts_error *err)
{
    *out = NULL;
    ts_buf data = {0};
    if (!ts_read_file(path, &data)) {
        int e = errno;
        ts_status st = e == ENOENT ? TS_ERR_NOT_FOUND
                       : e == EACCES ? TS_ERR_PERMISSION
                                     : TS_ERR_IO;
        ts_buf_free(&data);
        return ts_error_set(err, st, path, 0, 0, "cannot read: %s", strerror(e));
    }
    ts_status st = ts_tflite_parse(data.data, data.len, path, out, err);
    ts_buf_free(&data);
    return st;
}

void ts_tflite_free(ts_tflite *model)
{
    if (!model) {
        return;
    }
    for (size_t i = 0; i < model->n_strings; i++) {
        free(model->strings[i]);
    }
    free(model->strings);
    free(model->tensors);
    free(model->ops);
    free(model);
}

const ts_tflite_graph *ts_tflite_graph_of(const ts_tflite *model)
{
    return &model->g;
}
