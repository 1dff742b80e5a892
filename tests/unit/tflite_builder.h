/*
 * A minimal FlatBuffers writer for tests: builds small .tflite images from a
 * plain description (tensors, operators, graph inputs and outputs), so the
 * suite needs no model files. Objects are laid out parent first; every
 * reference is an unsigned offset to a later position, patched once the
 * target is written, which is what the format requires.
 */
#ifndef TINYSCOPE_TFLITE_BUILDER_H
#define TINYSCOPE_TFLITE_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *d;
    size_t len, cap;
} fbb;

static void fbb_put(fbb *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->d = realloc(b->d, b->cap);
        if (!b->d) {
            abort();
        }
    }
    if (p) {
        memcpy(b->d + b->len, p, n);
    } else {
        memset(b->d + b->len, 0, n);
    }
    b->len += n;
}

static void fbb_align(fbb *b, size_t a)
{
    while (b->len % a) {
        fbb_put(b, NULL, 1);
    }
}

static void fbb_w16(fbb *b, size_t at, uint16_t v)
{
    b->d[at] = (uint8_t)v;
    b->d[at + 1] = (uint8_t)(v >> 8);
}

static void fbb_w32(fbb *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        b->d[at + i] = (uint8_t)(v >> (8 * i));
    }
}

static void fbb_u32(fbb *b, uint32_t v)
{
    size_t at = b->len;
    fbb_put(b, NULL, 4);
    fbb_w32(b, at, v);
}

/* Point the uoffset at slot to target (target > slot). */
static void fbb_patch(fbb *b, size_t slot, size_t target)
{
    fbb_w32(b, slot, (uint32_t)(target - slot));
}

enum { FB_ABSENT, FB_SCALAR, FB_REF };

typedef struct {
    int kind;
    int width; /* scalars: 1, 2, 4 or 8 */
    uint64_t value;
} fbf;

/* Write a vtable and its table; slots[i] receives the position of field i
 * (the uoffset slot to patch for a reference). Returns the table start. */
static size_t fbb_table(fbb *b, int n, const fbf *f, size_t *slots)
{
    /* Inline layout: soffset, then fields by descending width (aligned). */
    uint16_t off[32] = {0};
    size_t size = 4;
    for (int w = 8; w >= 1; w /= 2) {
        for (int i = 0; i < n; i++) {
            int fw = f[i].kind == FB_REF ? 4 : f[i].width;
            if (f[i].kind == FB_ABSENT || fw != w) {
                continue;
            }
            size = (size + (size_t)fw - 1) / (size_t)fw * (size_t)fw;
            off[i] = (uint16_t)size;
            size += (size_t)fw;
        }
    }
    size_t vt_bytes = 4 + 2 * (size_t)n;
    /* The table must start 8-aligned for 8-byte fields; pad before the vtable. */
    while ((b->len + vt_bytes) % 8) {
        fbb_put(b, NULL, 1);
    }
    size_t vt = b->len;
    fbb_put(b, NULL, vt_bytes);
    fbb_w16(b, vt, (uint16_t)vt_bytes);
    fbb_w16(b, vt + 2, (uint16_t)size);
    for (int i = 0; i < n; i++) {
        fbb_w16(b, vt + 4 + 2 * (size_t)i, off[i]);
    }
    size_t t = b->len;
    fbb_put(b, NULL, size);
    fbb_w32(b, t, (uint32_t)(int32_t)(t - vt));
    for (int i = 0; i < n; i++) {
        if (slots) {
            slots[i] = f[i].kind == FB_ABSENT ? 0 : t + off[i];
        }
        if (f[i].kind == FB_SCALAR) {
            for (int k = 0; k < f[i].width; k++) {
                b->d[t + off[i] + (size_t)k] = (uint8_t)(f[i].value >> (8 * k));
            }
        }
    }
    return t;
}

/* A vector of n elements of width w (filled from data, or zeros). */
static size_t fbb_vector(fbb *b, uint32_t n, size_t w, const void *data)
{
    fbb_align(b, 4);
    while ((b->len + 4) % (w > 4 ? w : 4)) {
        fbb_put(b, NULL, 1);
    }
    size_t v = b->len;
    fbb_u32(b, n);
    fbb_put(b, data, n * w);
    return v;
}

static size_t fbb_string(fbb *b, const char *s)
{
    size_t n = strlen(s);
    size_t v = fbb_vector(b, (uint32_t)n, 1, s);
    fbb_put(b, "", 1);
    return v;
}

/* ---- TFLite ---- */

typedef struct {
    int32_t shape[6];
    int rank;
    int type;
    bool constant;   /* gets a buffer with (zero) data */
    int n_scale;     /* quantization channels, 0 for none */
    bool is_variable;
    const char *name;
} tb_tensor;

typedef struct {
    int code;
    int in[4], nin;
    int out[2], nout;
    int options_type; /* 0: no options */
    int activation;   /* fused activation; written at the options' field */
    int act_field;    /* field id of fused_activation_function */
} tb_op;

typedef struct {
    const tb_tensor *tensors;
    int nt;
    const tb_op *ops;
    int nops;
    const int *inputs;
    int nin;
    const int *outputs;
    int nout;
    uint32_t version;      /* 0: 3 */
    bool only_deprecated;  /* write only deprecated_builtin_code */
    int extra_subgraphs;   /* more subgraph entries, aliasing the first */
} tb_model;

static size_t tb_elem_size(int type)
{
    switch (type) {
    case 0: case 2: return 4;
    case 4: return 8;
    case 7: return 2;
    default: return 1;
    }
}

/* Build the model; returns the image (caller frees) and its size. */
static uint8_t *tb_build(const tb_model *m, size_t *size)
{
    fbb b = {0};
    fbb_put(&b, NULL, 8);
    memcpy(b.d + 4, "TFL3", 4);

    /* Model: 0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers */
    fbf mf[5] = {{FB_SCALAR, 4, m->version ? m->version : 3},
                 {FB_REF, 4, 0}, {FB_REF, 4, 0}, {FB_REF, 4, 0}, {FB_REF, 4, 0}};
    size_t ms[5];
    size_t model = fbb_table(&b, 5, mf, ms);
    fbb_w32(&b, 0, (uint32_t)model);

    size_t v = fbb_string(&b, "built by the test suite");
    fbb_patch(&b, ms[3], v);

    /* Operator codes: one per op. */
    size_t codes = fbb_vector(&b, (uint32_t)m->nops, 4, NULL);
    fbb_patch(&b, ms[1], codes);
    for (int i = 0; i < m->nops; i++) {
        int c = m->ops[i].code;
        fbf f[4] = {{FB_SCALAR, 1, (uint64_t)(c < 127 ? c : 127)},
                    {FB_ABSENT, 0, 0},
                    {FB_ABSENT, 0, 0},
                    {m->only_deprecated ? FB_ABSENT : FB_SCALAR, 4, (uint64_t)c}};
        size_t t = fbb_table(&b, 4, f, NULL);
        fbb_patch(&b, codes + 4 + 4 * (size_t)i, t);
    }

    /* Buffers: 0 is the empty sentinel, then one per constant tensor. */
    int nbuf = 1;
    for (int i = 0; i < m->nt; i++) {
        nbuf += m->tensors[i].constant;
    }
    size_t bufs = fbb_vector(&b, (uint32_t)nbuf, 4, NULL);
    fbb_patch(&b, ms[4], bufs);
    {
        fbf f[1] = {{FB_ABSENT, 0, 0}};
        fbb_patch(&b, bufs + 4, fbb_table(&b, 1, f, NULL));
    }
    for (int i = 0, k = 1; i < m->nt; i++) {
        const tb_tensor *t = &m->tensors[i];
        if (!t->constant) {
            continue;
        }
        fbf f[1] = {{FB_REF, 4, 0}};
        size_t s[1];
        size_t bt = fbb_table(&b, 1, f, s);
        fbb_patch(&b, bufs + 4 + 4 * (size_t)k, bt);
        size_t n = tb_elem_size(t->type);
        for (int d = 0; d < t->rank; d++) {
            n *= (size_t)t->shape[d];
        }
        fbb_align(&b, 16);
        while ((b.len + 4) % 16) {
            fbb_put(&b, NULL, 1);
        }
        fbb_patch(&b, s[0], fbb_vector(&b, (uint32_t)n, 1, NULL));
        k++;
    }

    /* One subgraph: 0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name. */
    size_t sgs = fbb_vector(&b, (uint32_t)(1 + m->extra_subgraphs), 4, NULL);
    fbb_patch(&b, ms[2], sgs);
    fbf sf[5] = {{FB_REF, 4, 0}, {FB_REF, 4, 0}, {FB_REF, 4, 0}, {FB_REF, 4, 0},
                 {FB_REF, 4, 0}};
    size_t ss[5];
    size_t sg = fbb_table(&b, 5, sf, ss);
    for (int i = 0; i <= m->extra_subgraphs; i++) {
        fbb_patch(&b, sgs + 4 + 4 * (size_t)i, sg);
    }
    fbb_patch(&b, ss[4], fbb_string(&b, "main"));
    fbb_patch(&b, ss[1], fbb_vector(&b, (uint32_t)m->nin, 4, m->inputs));
    fbb_patch(&b, ss[2], fbb_vector(&b, (uint32_t)m->nout, 4, m->outputs));

    size_t tv = fbb_vector(&b, (uint32_t)m->nt, 4, NULL);
    fbb_patch(&b, ss[0], tv);
    for (int i = 0, k = 1; i < m->nt; i++) {
        const tb_tensor *t = &m->tensors[i];
        /* Tensor: 0 shape, 1 type, 2 buffer, 3 name, 4 quantization, 5 is_variable */
        fbf f[6] = {{FB_REF, 4, 0},
                    {FB_SCALAR, 1, (uint64_t)t->type},
                    {FB_SCALAR, 4, t->constant ? (uint64_t)k : 0},
                    {FB_REF, 4, 0},
                    {t->n_scale ? FB_REF : FB_ABSENT, 4, 0},
                    {t->is_variable ? FB_SCALAR : FB_ABSENT, 1, 1}};
        k += t->constant;
        size_t s[6];
        size_t tt = fbb_table(&b, 6, f, s);
        fbb_patch(&b, tv + 4 + 4 * (size_t)i, tt);
        fbb_patch(&b, s[0], fbb_vector(&b, (uint32_t)t->rank, 4, t->shape));
        fbb_patch(&b, s[3], fbb_string(&b, t->name ? t->name : ""));
        if (t->n_scale) {
            /* QuantizationParameters: 2 scale, 3 zero_point */
            fbf q[4] = {{FB_ABSENT, 0, 0}, {FB_ABSENT, 0, 0}, {FB_REF, 4, 0}, {FB_REF, 4, 0}};
            size_t qs[4];
            fbb_patch(&b, s[4], fbb_table(&b, 4, q, qs));
            float scales[64];
            int64_t zps[64];
            for (int c = 0; c < t->n_scale && c < 64; c++) {
                scales[c] = 0.5f;
                zps[c] = 0;
            }
            fbb_patch(&b, qs[2], fbb_vector(&b, (uint32_t)t->n_scale, 4, scales));
            fbb_patch(&b, qs[3], fbb_vector(&b, (uint32_t)t->n_scale, 8, zps));
        }
    }

    size_t ov = fbb_vector(&b, (uint32_t)m->nops, 4, NULL);
    fbb_patch(&b, ss[3], ov);
    for (int i = 0; i < m->nops; i++) {
        const tb_op *op = &m->ops[i];
        /* Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 options type, 4 options */
        fbf f[5] = {{FB_SCALAR, 4, (uint64_t)i},
                    {FB_REF, 4, 0},
                    {FB_REF, 4, 0},
                    {op->options_type ? FB_SCALAR : FB_ABSENT, 1, (uint64_t)op->options_type},
                    {op->options_type ? FB_REF : FB_ABSENT, 4, 0}};
        size_t s[5];
        size_t ot = fbb_table(&b, 5, f, s);
        fbb_patch(&b, ov + 4 + 4 * (size_t)i, ot);
        fbb_patch(&b, s[1], fbb_vector(&b, (uint32_t)op->nin, 4, op->in));
        fbb_patch(&b, s[2], fbb_vector(&b, (uint32_t)op->nout, 4, op->out));
        if (op->options_type) {
            fbf of[8] = {{0}};
            of[op->act_field] = (fbf){FB_SCALAR, 1, (uint64_t)op->activation};
            fbb_patch(&b, s[4], fbb_table(&b, op->act_field + 1, of, NULL));
        }
    }
    *size = b.len;
    return b.d;
}

#endif
