/*
 * MACs, parameters, and the TFLite Micro arena replayed step by step: tensor
 * lifetimes as AllocationInfoBuilder computes them, GreedyMemoryPlanner's
 * placement with its exact tie-break (the head), and the interpreter's
 * persistent allocations in the order it makes them (the tail).
 */
#include <stdlib.h>
#include <string.h>

#include "tflite_internal.h"
#include "tinyscope/buf.h"

static const ts_tflite_tensor *tensor_at(const ts_tflite_graph *g, const int32_t *idx,
                                         size_t n, size_t k)
{
    if (k >= n || idx[k] < 0 || (size_t)idx[k] >= g->n_tensors) {
        return NULL;
    }
    return &g->tensors[idx[k]];
}

static uint64_t dim(const ts_tflite_tensor *t, size_t k)
{
    return t && k < t->rank ? (uint64_t)t->shape[k] : 0;
}

/* Ops whose inputs from position 1 on are shapes, axes or sizes, not weights. */
static bool shape_operands(int code)
{
    switch (code) {
    case 22: case 34: case 60: case 40: case 74: case 81: case 82: case 89: case 91:
    case 23: case 97: case 45: case 65: case 39: case 70: case 69: case 36: case 102:
    case 37: case 38: case 100: case 130:
        return true;
    default:
        return false;
    }
}

uint64_t ts_tflite_op_macs(const ts_tflite *model, size_t j)
{
    const ts_tflite_graph *g = &model->g;
    if (j >= g->n_ops) {
        return 0;
    }
    const ts_tflite_op *op = &g->ops[j];
    const ts_tflite_tensor *w = tensor_at(g, op->inputs, op->n_inputs, 1);
    const ts_tflite_tensor *out0 = tensor_at(g, op->outputs, op->n_outputs, 0);
    switch (op->code) {
    case TS_TFLITE_OP_CONV_2D:
    case TS_TFLITE_OP_DEPTHWISE_CONV_2D:
        return out0 && w && out0->rank == 4 ? dim(out0, 1) * dim(out0, 2) * w->elements : 0;
    case TS_TFLITE_OP_FULLY_CONNECTED:
        /* The KG's rule ignores the batch and keep_num_dims. */
        return w && w->rank >= 2 ? dim(w, 0) * dim(w, 1) : 0;
    default:
        return 0;
    }
}

void ts_tflite_count(const ts_tflite *model, ts_tflite_counts *out)
{
    const ts_tflite_graph *g = &model->g;
    memset(out, 0, sizeof *out);
    out->flash_bytes = g->file_size;
    bool *counted = ts_calloc(g->n_tensors ? g->n_tensors : 1, sizeof *counted);
    for (size_t i = 0; i < g->n_ops; i++) {
        const ts_tflite_op *op = &g->ops[i];
        const ts_tflite_tensor *in0 = tensor_at(g, op->inputs, op->n_inputs, 0);
        const ts_tflite_tensor *w = tensor_at(g, op->inputs, op->n_inputs, 1);
        const ts_tflite_tensor *out0 = tensor_at(g, op->outputs, op->n_outputs, 0);
        out->macs_paper += ts_tflite_op_macs(model, i);
        switch (op->code) {
        case TS_TFLITE_OP_CONV_2D:
        case TS_TFLITE_OP_DEPTHWISE_CONV_2D:
            if (out0 && w && out0->rank == 4) {
                out->macs_complete += dim(out0, 0) * dim(out0, 1) * dim(out0, 2) * w->elements;
            }
            break;
        case TS_TFLITE_OP_FULLY_CONNECTED:
            if (w && w->rank >= 2 && out0 && dim(w, 0)) {
                out->macs_complete += out0->elements * (w->elements / dim(w, 0));
            }
            break;
        case TS_TFLITE_OP_TRANSPOSE_CONV: {
            /* inputs: output shape, filter [O,kh,kw,I], input */
            const ts_tflite_tensor *x = tensor_at(g, op->inputs, op->n_inputs, 2);
            if (x && w && w->rank == 4) {
                out->macs_complete += x->elements * dim(w, 0) * dim(w, 1) * dim(w, 2);
            }
            break;
        }
        case TS_TFLITE_OP_BATCH_MATMUL:
            if (in0 && out0 && in0->rank) {
                out->macs_complete += out0->elements * dim(in0, in0->rank - 1);
            }
            break;
        case TS_TFLITE_OP_AVERAGE_POOL_2D:
        case TS_TFLITE_OP_L2_POOL_2D:
            if (out0 && op->filter_w > 0 && op->filter_h > 0) {
                out->macs_complete +=
                    out0->elements * (uint64_t)op->filter_w * (uint64_t)op->filter_h;
            }
            break;
        case TS_TFLITE_OP_MEAN:
        case 74: /* SUM */
            if (in0) {
                out->macs_complete += in0->elements;
            }
            break;
        case TS_TFLITE_OP_ADD:
        case TS_TFLITE_OP_SUB:
        case TS_TFLITE_OP_MUL:
        case 42: /* DIV */
        case 99: /* SQUARED_DIFFERENCE */
            if (out0) {
                out->macs_complete += out0->elements;
            }
            break;
        default:
            break;
        }
        for (size_t k = 0; k < op->n_inputs; k++) {
            const ts_tflite_tensor *t = tensor_at(g, op->inputs, op->n_inputs, k);
            if (!t || !t->has_data || counted[op->inputs[k]]) {
                continue;
            }
            if (k >= 1 && shape_operands(op->code)) {
                continue;
            }
            if (k == 0 && (op->code == TS_TFLITE_OP_TRANSPOSE_CONV || op->code == 49)) {
                continue; /* output shape; split axis */
            }
            counted[op->inputs[k]] = true;
            out->parameters += t->elements;
        }
    }
    free(counted);
}

/* ---- the arena ---- */

typedef struct {
    size_t size;
    int first, last;
    int tensor;
    long long offset;
} plan_buf;

static void tail_alloc(size_t *used, size_t size, size_t align, size_t *bucket)
{
    size_t before = *used;
    size_t u = *used + size;
    if (align > 1) {
        u = (u + align - 1) / align * align;
    }
    *used = u;
    *bucket += u - before;
}

static int cmp_size_desc(const void *a, const void *b)
{
    const plan_buf *x = *(plan_buf *const *)a, *y = *(plan_buf *const *)b;
    if (x->size != y->size) {
        return x->size > y->size ? -1 : 1;
    }
    /* TFLM fills its sort array from the end and bubble-sorts stably, so
     * equal sizes come out in descending original order. */
    return x->tensor > y->tensor ? -1 : x->tensor < y->tensor;
}

/* GreedyMemoryPlanner: place by descending size, each at the lowest offset
 * that does not collide with a simultaneously live buffer already placed,
 * walking the placed buffers in offset order. Returns the peak. */
static size_t greedy_plan(plan_buf *bufs, size_t n)
{
    if (n == 0) {
        return 0;
    }
    plan_buf **order = ts_calloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++) {
        order[i] = &bufs[i];
    }
    qsort(order, n, sizeof *order, cmp_size_desc);

    /* The offset-ordered list of placed buffers. */
    size_t *next = ts_calloc(n, sizeof *next);
    plan_buf **placed = ts_calloc(n, sizeof *placed);
    const size_t END = (size_t)-1;
    size_t head = 0;
    placed[0] = order[0];
    order[0]->offset = 0;
    next[0] = END;
    for (size_t i = 1; i < n; i++) {
        plan_buf *want = order[i];
        size_t candidate = 0;
        for (size_t e = head; e != END; e = next[e]) {
            const plan_buf *p = placed[e];
            if (p->last < want->first || p->first > want->last) {
                continue;
            }
            if ((size_t)p->offset >= candidate && (size_t)p->offset - candidate >= want->size) {
                break;
            }
            if ((size_t)p->offset + p->size > candidate) {
                candidate = (size_t)p->offset + p->size;
            }
        }
        want->offset = (long long)candidate;
        placed[i] = want;
        if ((size_t)placed[head]->offset > candidate) {
            next[i] = head;
            head = i;
        } else {
            size_t cur = head;
            while (next[cur] != END && (size_t)placed[next[cur]]->offset <= candidate) {
                cur = next[cur];
            }
            next[i] = next[cur];
            next[cur] = i;
        }
    }
    size_t peak = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)bufs[i].offset + bufs[i].size > peak) {
            peak = (size_t)bufs[i].offset + bufs[i].size;
        }
    }
    free(order);
    free(next);
    free(placed);
    return peak;
}

static void note_op(ts_tflite_memory *out, int code)
{
    const char *name = ts_tflite_op_name(code);
    if (strstr(out->note, name)) {
        return;
    }
    size_t len = strlen(out->note);
    snprintf(out->note + len, sizeof out->note - len, "%s%s", len ? ", " : "", name);
}

ts_status ts_tflite_plan(const ts_tflite *model, ts_tflite_abi abi, ts_tflite_memory *out,
                         ts_tflite_placement **placements, ts_error *err)
{
    const ts_tflite_graph *g = &model->g;
    const bool host = abi == TS_TFLITE_ABI_HOST64;
    memset(out, 0, sizeof *out);
    out->abi = abi;
    if (placements) {
        *placements = NULL;
    }
    size_t nt = g->n_tensors, nops = g->n_ops;

    /* Lifetimes (AllocationInfoBuilder). */
    int *first = ts_calloc(nt ? nt : 1, sizeof *first);
    int *last = ts_calloc(nt ? nt : 1, sizeof *last);
    for (size_t i = 0; i < nt; i++) {
        first[i] = last[i] = -1;
    }
    for (size_t k = 0; k < g->n_inputs; k++) {
        first[g->inputs[k]] = 0;
    }
    for (size_t k = 0; k < g->n_outputs; k++) {
        last[g->outputs[k]] = (int)nops - 1;
    }
    for (size_t j = nops; j-- > 0;) {
        const ts_tflite_op *op = &g->ops[j];
        for (size_t k = 0; k < op->n_inputs; k++) {
            int t = op->inputs[k];
            if (t >= 0 && (last[t] == -1 || last[t] < (int)j)) {
                last[t] = (int)j;
            }
        }
        for (size_t k = 0; k < op->n_outputs; k++) {
            int t = op->outputs[k];
            if (first[t] == -1 || first[t] > (int)j) {
                first[t] = (int)j;
            }
        }
    }

    plan_buf *bufs = ts_calloc(nt ? nt : 1, sizeof *bufs);
    size_t nb = 0;
    ts_status st = TS_OK;
    for (size_t i = 0; i < nt; i++) {
        const ts_tflite_tensor *t = &g->tensors[i];
        if (t->has_data || t->is_variable) {
            continue;
        }
        bool read_only = first[i] == -1 && last[i] != -1;
        if (read_only) {
            continue;
        }
        if (first[i] == -1 || last[i] == -1) {
            if (first[i] == -1 && last[i] == -1) {
                continue; /* never used */
            }
            st = ts_error_set(err, TS_ERR_BAD_DATA, "", 0, 0,
                              "tensor %zu has an invalid lifetime (created by op %d, "
                              "last used by op %d)",
                              i, first[i], last[i]);
            break;
        }
        if (ts_tflite_type_size(t->type) == 0) {
            out->approximate = true;
            snprintf(out->note + strlen(out->note), sizeof out->note - strlen(out->note),
                     "%stensor type %s", out->note[0] ? ", " : "",
                     ts_tflite_type_name(t->type));
        }
        bufs[nb].size = (size_t)((t->bytes + 15) / 16 * 16);
        bufs[nb].first = first[i];
        bufs[nb].last = last[i];
        bufs[nb].tensor = (int)i;
        bufs[nb].offset = -1;
        nb++;
    }
    if (st != TS_OK) {
        free(first);
        free(last);
        free(bufs);
        return st;
    }
    out->planned = nb;
    out->head = greedy_plan(bufs, nb);
    for (size_t i = 0; i < nb; i++) {
        if ((size_t)bufs[i].offset + bufs[i].size == out->head && out->head) {
            out->peak_op = (size_t)bufs[i].first;
            break;
        }
    }
    if (placements) {
        ts_tflite_placement *pl = ts_calloc(nt ? nt : 1, sizeof *pl);
        for (size_t i = 0; i < nt; i++) {
            pl[i].offset = -1;
            pl[i].first = first[i];
            pl[i].last = last[i];
        }
        for (size_t i = 0; i < nb; i++) {
            pl[bufs[i].tensor].offset = bufs[i].offset;
            pl[bufs[i].tensor].size = bufs[i].size;
        }
        *placements = pl;
    }
    free(bufs);
    free(first);
    free(last);
    if (g->n_subgraphs > 1) {
        out->approximate = true;
        snprintf(out->note + strlen(out->note), sizeof out->note - strlen(out->note),
                 "%s%zu subgraphs, only the first planned", out->note[0] ? ", " : "",
                 g->n_subgraphs);
    }
    if (g->offline_plan) {
        out->approximate = true;
        snprintf(out->note + strlen(out->note), sizeof out->note - strlen(out->note),
                 "%soffline memory plan ignored", out->note[0] ? ", " : "");
    }

    /* The tail, in the order the interpreter allocates. */
    size_t used = 0;
    const size_t ptr_align = host ? 8 : 4;
    tail_alloc(&used, host ? 48 : 24, ptr_align, &out->tail_allocators); /* SimpleMemoryAllocator */
    tail_alloc(&used, host ? 48 : 24, ptr_align, &out->tail_allocators); /* MicroAllocator */
    tail_alloc(&used, ts_mul_size(nt, host ? 112 : 64), ptr_align, &out->tail_tensors);
    for (size_t i = 0; i < nt; i++) {
        const ts_tflite_tensor *t = &g->tensors[i];
        if (t->n_scale && t->n_zero_point) {
            tail_alloc(&used, host ? 24 : 12, ptr_align, &out->tail_quant);
            tail_alloc(&used, 4 + 4 * t->n_scale, 4, &out->tail_quant);
        }
    }
    tail_alloc(&used, ts_mul_size(nops, host ? 80 : 40), ptr_align, &out->tail_nodes);
    for (size_t j = 0; j < nops; j++) {
        const ts_tflite_opinfo *info = ts_tflite_opinfo_for(g->ops[j].code);
        if (info && info->builtin_size) {
            tail_alloc(&used, info->builtin_size, info->builtin_align, &out->tail_builtin);
        }
        if (!info || !info->covered) {
            out->approximate = true;
            note_op(out, g->ops[j].code);
        }
    }
    for (size_t j = 0; j < nops; j++) {
        const ts_tflite_opinfo *info = ts_tflite_opinfo_for(g->ops[j].code);
        unsigned size = !info ? 0 : host ? info->opdata_host64 : info->opdata_mcu32;
        if (size) {
            tail_alloc(&used, size, 16, &out->tail_opdata);
        }
    }
    for (size_t j = 0; j < nops; j++) {
        const ts_tflite_op *op = &g->ops[j];
        const ts_tflite_opinfo *info = ts_tflite_opinfo_for(op->code);
        const ts_tflite_tensor *filter = tensor_at(g, op->inputs, op->n_inputs, 1);
        if (!info || !info->per_channel || !filter) {
            continue;
        }
        uint64_t channels =
            op->code == TS_TFLITE_OP_CONV_2D ? dim(filter, 0) : dim(filter, 3);
        tail_alloc(&used, (size_t)channels * 4, 16, &out->tail_channels);
        tail_alloc(&used, (size_t)channels * 4, 16, &out->tail_channels);
    }
    for (size_t i = 0; i < nt; i++) {
        if (g->tensors[i].is_variable) {
            tail_alloc(&used, (size_t)g->tensors[i].bytes, 16, &out->tail_variables);
        }
    }
    out->tail = used;
    out->total = out->head + out->tail;
    return TS_OK;
}
