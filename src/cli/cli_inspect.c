/* tinyscope inspect: a .tflite model's layers, MACs and predicted arena. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "tinyscope/tflite.h"

static void inspect_usage(FILE *f)
{
    fputs("usage: tinyscope inspect [--abi mcu32|host64] MODEL.tflite\n"
          "\n"
          "Print a TFLite model's layer table (op, fused activation, weight type,\n"
          "output shape, MACs), its counts (MACs, parameters, Flash) and the\n"
          "TFLite Micro tensor arena predicted for both ABIs, head (activations)\n"
          "and tail (interpreter overhead) apart. --abi picks the ABI whose tail\n"
          "is broken down.\n",
          f);
}

static void put_shape(ts_buf *b, const ts_tflite_tensor *t)
{
    ts_buf_putc(b, '[');
    for (size_t k = 0; k < t->rank; k++) {
        ts_buf_printf(b, "%s%d", k ? "," : "", (int)t->shape[k]);
    }
    ts_buf_putc(b, ']');
}

static const char *activation_name(int act)
{
    static const char *const names[] = {"", "RELU", "RELU_N1_TO_1", "RELU6", "TANH",
                                        "SIGN_BIT"};
    return act >= 0 && (size_t)act < sizeof names / sizeof names[0] ? names[act] : "?";
}

static void print_io(const char *what, const ts_tflite_graph *g, const int32_t *idx, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const ts_tflite_tensor *t = &g->tensors[idx[k]];
        ts_buf b = {0};
        put_shape(&b, t);
        printf("%-8s %s %s  ", what, ts_tflite_type_name(t->type), ts_buf_str(&b));
        ts_cli_put(stdout, t->name);
        fputc('\n', stdout);
        ts_buf_free(&b);
    }
}

static void print_layers(const ts_tflite *model)
{
    const ts_tflite_graph *g = ts_tflite_graph_of(model);
    printf("\n  #  %-24s %-8s %-8s %-18s %12s\n", "operator", "act", "weights", "output",
           "MACs");
    for (size_t j = 0; j < g->n_ops; j++) {
        const ts_tflite_op *op = &g->ops[j];
        ts_buf name = {0};
        if (op->code == TS_TFLITE_OP_CUSTOM && op->custom_code) {
            ts_buf_printf(&name, "CUSTOM:%s", op->custom_code);
        } else {
            ts_buf_puts(&name, ts_tflite_op_name(op->code));
        }
        const char *wtype = "";
        if (op->n_inputs > 1 && op->inputs[1] >= 0) {
            wtype = ts_tflite_type_name(g->tensors[op->inputs[1]].type);
        }
        ts_buf shape = {0};
        if (op->n_outputs) {
            put_shape(&shape, &g->tensors[op->outputs[0]]);
        }
        printf("%3zu  ", j);
        ts_buf_printf(&name, "%*s", name.len < 24 ? (int)(24 - name.len) : 0, "");
        ts_cli_put(stdout, ts_buf_str(&name));
        printf(" %-8s %-8s %-18s %12llu\n", activation_name(op->activation), wtype,
               ts_buf_str(&shape), (unsigned long long)ts_tflite_op_macs(model, j));
        ts_buf_free(&name);
        ts_buf_free(&shape);
    }
}

typedef struct {
    long long offset;
    size_t tensor;
} placed;

static int by_offset(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    if (x->offset != y->offset) {
        return x->offset < y->offset ? -1 : 1;
    }
    return x->tensor < y->tensor ? -1 : x->tensor > y->tensor;
}

/* The buffers live while the peak is reached, by offset: what sets the head. */
static void print_peak(const ts_tflite_graph *g, const ts_tflite_memory *mem,
                       const ts_tflite_placement *pl)
{
    placed *live = ts_calloc(g->n_tensors ? g->n_tensors : 1, sizeof *live);
    size_t n = 0, bytes = 0;
    for (size_t i = 0; i < g->n_tensors; i++) {
        if (pl[i].offset >= 0 && pl[i].first <= (int)mem->peak_op &&
            pl[i].last >= (int)mem->peak_op) {
            live[n++] = (placed){pl[i].offset, i};
            bytes += pl[i].size;
        }
    }
    qsort(live, n, sizeof *live, by_offset);
    printf("\nhead at its peak (op %zu), by offset:\n", mem->peak_op);
    printf("  %8s %8s  %-9s %s\n", "offset", "bytes", "lifetime", "tensor");
    for (size_t k = 0; k < n; k++) {
        const ts_tflite_placement *p = &pl[live[k].tensor];
        char life[32];
        snprintf(life, sizeof life, "%d-%d", p->first, p->last);
        printf("  %8lld %8zu  %-9s %zu ", p->offset, p->size, life, live[k].tensor);
        ts_cli_put(stdout, g->tensors[live[k].tensor].name);
        fputc('\n', stdout);
    }
    if (bytes < mem->head) {
        printf("  %zu bytes of the head are gaps the greedy placement leaves here\n",
               mem->head - bytes);
    }
    free(live);
}

int ts_cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"abi", required_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    ts_tflite_abi abi = TS_TFLITE_ABI_MCU32;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            inspect_usage(stdout);
            return TS_EXIT_OK;
        case 'a':
            if (!ts_cli_parse_abi(optarg, &abi)) {
                return TS_EXIT_USAGE;
            }
            break;
        default:
            inspect_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        inspect_usage(stderr);
        return TS_EXIT_USAGE;
    }
    const char *path = argv[optind];
    ts_tflite *model = ts_cli_load_tflite(path);
    if (!model) {
        return TS_EXIT_FAILURE;
    }
    ts_error err;
    char line[2600];
    const ts_tflite_graph *g = ts_tflite_graph_of(model);
    ts_tflite_memory mem[2];
    ts_tflite_abi abis[2] = {TS_TFLITE_ABI_MCU32, TS_TFLITE_ABI_HOST64};
    ts_tflite_placement *placements = NULL;
    for (int i = 0; i < 2; i++) {
        if (ts_tflite_plan(model, abis[i], &mem[i], i ? NULL : &placements, &err) != TS_OK) {
            snprintf(err.source, sizeof err.source, "%s", path);
            ts_cli_error("%s", ts_error_format(&err, line, sizeof line));
            ts_tflite_free(model);
            return TS_EXIT_FAILURE;
        }
    }
    ts_tflite_counts counts;
    ts_tflite_count(model, &counts);

    fputs("model    ", stdout);
    ts_cli_put(stdout, path);
    printf("\nschema   version %u, %zu subgraph%s, %zu tensors, %zu operators, %zu buffers\n",
           g->version, g->n_subgraphs, g->n_subgraphs == 1 ? "" : "s", g->n_tensors,
           g->n_ops, g->n_buffers);
    if (g->description[0]) {
        fputs("about    ", stdout);
        ts_cli_put(stdout, g->description);
        fputc('\n', stdout);
    }
    print_io("input", g, g->inputs, g->n_inputs);
    print_io("output", g, g->outputs, g->n_outputs);
    print_layers(model);

    printf("\nMACs        %llu (KG rule: conv, depthwise, fully connected)\n",
           (unsigned long long)counts.macs_paper);
    printf("MACs, all   %llu (every op that multiplies or accumulates, batch included)\n",
           (unsigned long long)counts.macs_complete);
    printf("parameters  %llu\n", (unsigned long long)counts.parameters);
    printf("Flash       %zu B = %.3f kB\n", counts.flash_bytes,
           (double)counts.flash_bytes / 1000.0);

    printf("\narena       %10s %10s\n", "mcu32", "host64");
    printf("  head      %10zu %10zu   activations, %zu planned tensors, peak at op %zu\n",
           mem[0].head, mem[1].head, mem[0].planned, mem[0].peak_op);
    printf("  tail      %10zu %10zu   interpreter overhead\n", mem[0].tail, mem[1].tail);
    printf("  total     %10zu %10zu   bytes\n", mem[0].total, mem[1].total);
    const ts_tflite_memory *m = &mem[abi == TS_TFLITE_ABI_HOST64];
    printf("\ntail (%s): allocators %zu, tensor structs %zu, quantization %zu, nodes %zu,\n"
           "  builtin options %zu, kernel data %zu, per-channel arrays %zu, variables %zu\n",
           ts_tflite_abi_name(abi), m->tail_allocators, m->tail_tensors, m->tail_quant,
           m->tail_nodes, m->tail_builtin, m->tail_opdata, m->tail_channels,
           m->tail_variables);
    if (m->approximate) {
        printf("approximate; not modelled: ");
        ts_cli_put(stdout, m->note);
        fputc('\n', stdout);
    }
    if (mem[0].head) {
        print_peak(g, &mem[0], placements);
    }
    free(placements);
    ts_tflite_free(model);
    return TS_EXIT_OK;
}
