/*
 * TensorFlow Lite models: a bounds-checked reader for the .tflite FlatBuffers
 * schema, the facts the knowledge graph records about a model (layers,
 * types, quantization, shapes, parameters, MACs, Flash) and a RAM estimate
 * made by replaying TFLite Micro's arena planning: tensor lifetimes, the
 * greedy offset planner (head) and the interpreter's persistent
 * allocations (tail), for a 32-bit MCU or a 64-bit host ABI.
 */
#ifndef TINYSCOPE_TFLITE_H
#define TINYSCOPE_TFLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tinyscope/status.h"
#include "tinyscope/store.h"

/** Limits a hostile file cannot exceed (reported as TS_ERR_LIMIT). */
#define TS_TFLITE_MAX_TENSORS 20000
#define TS_TFLITE_MAX_OPS 20000
#define TS_TFLITE_MAX_RANK 16

/* TensorType values of the schema used by name in the code. */
enum {
    TS_TFLITE_FLOAT32 = 0,
    TS_TFLITE_INT32 = 2,
    TS_TFLITE_UINT8 = 3,
    TS_TFLITE_INT8 = 9,
};

/* BuiltinOperator codes used by name in the code. */
enum {
    TS_TFLITE_OP_ADD = 0,
    TS_TFLITE_OP_AVERAGE_POOL_2D = 1,
    TS_TFLITE_OP_CONCATENATION = 2,
    TS_TFLITE_OP_CONV_2D = 3,
    TS_TFLITE_OP_DEPTHWISE_CONV_2D = 4,
    TS_TFLITE_OP_DEQUANTIZE = 6,
    TS_TFLITE_OP_FULLY_CONNECTED = 9,
    TS_TFLITE_OP_L2_POOL_2D = 12,
    TS_TFLITE_OP_LOGISTIC = 14,
    TS_TFLITE_OP_MAX_POOL_2D = 17,
    TS_TFLITE_OP_MUL = 18,
    TS_TFLITE_OP_RESHAPE = 22,
    TS_TFLITE_OP_SOFTMAX = 25,
    TS_TFLITE_OP_CUSTOM = 32,
    TS_TFLITE_OP_PAD = 34,
    TS_TFLITE_OP_MEAN = 40,
    TS_TFLITE_OP_SUB = 41,
    TS_TFLITE_OP_TRANSPOSE_CONV = 67,
    TS_TFLITE_OP_RESIZE_NEAREST_NEIGHBOR = 97,
    TS_TFLITE_OP_QUANTIZE = 114,
    TS_TFLITE_OP_BATCH_MATMUL = 126,
};

/** One tensor of the main subgraph. Strings and arrays are owned by the model. */
typedef struct {
    const char *name;      /**< "" when the file has none */
    int type;              /**< TensorType */
    const int32_t *shape;  /**< rank dimensions (NULL when rank is 0: a scalar) */
    size_t rank;
    uint32_t buffer;       /**< index into the model's buffers */
    bool has_data;         /**< constant data in the file (a weight) */
    bool is_variable;
    size_t n_scale;        /**< quantization scales (per channel when > 1) */
    size_t n_zero_point;
    double scale0;         /**< first scale, 0 when none */
    int64_t zero_point0;   /**< first zero point, 0 when none */
    int quantized_dimension;
    uint64_t elements;     /**< product of the shape (1 for a scalar) */
    uint64_t bytes;        /**< elements x element size; 0 for types without one */
} ts_tflite_tensor;

/** One operator of the main subgraph, in execution order. */
typedef struct {
    int code;                /**< resolved BuiltinOperator */
    const char *custom_code; /**< for CUSTOM, else NULL */
    int version;
    const int32_t *inputs;   /**< tensor indices; -1 for an omitted optional input */
    size_t n_inputs;
    const int32_t *outputs;
    size_t n_outputs;
    int options_type;        /**< BuiltinOptions discriminator, 0 = none */
    int activation;          /**< fused ActivationFunctionType, 0 = none */
    int padding;             /**< 0 SAME, 1 VALID (conv, depthwise, pool) */
    int stride_w, stride_h;
    int filter_w, filter_h;  /**< pooling window */
} ts_tflite_op;

/** The main subgraph of a model, read-only, owned by the ts_tflite. */
typedef struct {
    uint32_t version;             /**< Model.version (3) */
    const char *description;      /**< "" when absent */
    size_t file_size;             /**< bytes */
    const ts_tflite_tensor *tensors;
    size_t n_tensors;
    const ts_tflite_op *ops;
    size_t n_ops;
    const int32_t *inputs;        /**< graph input tensor indices */
    size_t n_inputs;
    const int32_t *outputs;
    size_t n_outputs;
    size_t n_buffers;
    size_t n_subgraphs;
    bool offline_plan;            /**< OfflineMemoryAllocation metadata present */
} ts_tflite_graph;

typedef struct ts_tflite ts_tflite;

/**
 * Parse a .tflite image of size bytes. The data is copied where needed, so
 * the caller keeps ownership of it. source names the file in errors. On
 * success *out receives a model that the caller frees with ts_tflite_free().
 * A truncated, hostile or non-TFLite image gives TS_ERR_BAD_DATA (or
 * TS_ERR_LIMIT) with err filled; nothing is read out of bounds.
 */
ts_status ts_tflite_parse(const void *data, size_t size, const char *source,
                          ts_tflite **out, ts_error *err);

/** Read and parse the file at path; as ts_tflite_parse(), plus TS_ERR_IO/NOT_FOUND. */
ts_status ts_tflite_load(const char *path, ts_tflite **out, ts_error *err);

/** Free a model. NULL is allowed. */
void ts_tflite_free(ts_tflite *model);

/** The model's main graph, valid as long as the model. */
const ts_tflite_graph *ts_tflite_graph_of(const ts_tflite *model);

/** The schema name of a BuiltinOperator ("CONV_2D"); "UNKNOWN" when unknown. */
const char *ts_tflite_op_name(int code);
/** The KG's nnet: local name for an op ("Conv2D"), or NULL when it has none. */
const char *ts_tflite_op_kg_name(int code);
/** The schema name of a TensorType ("INT8"), "UNKNOWN" when unknown. */
const char *ts_tflite_type_name(int type);
/** The KG's nnet: local name for a tensor type ("Int8"), or NULL. */
const char *ts_tflite_type_kg_name(int type);
/** The KG's nnet: local name for a fused activation ("Relu6"), NULL for none. */
const char *ts_tflite_activation_kg_name(int act);
/** Bytes per element of a TensorType as TFLite Micro counts it, 0 when unsupported. */
size_t ts_tflite_type_size(int type);

/** Counts derived from the graph. */
typedef struct {
    /** MACs under the published KG's rule: CONV_2D and DEPTHWISE_CONV_2D as
     * out_h*out_w*prod(filter shape), FULLY_CONNECTED as w[0]*w[1]. */
    uint64_t macs_paper;
    /** MACs over every op that multiplies or accumulates (batch included). */
    uint64_t macs_complete;
    uint64_t parameters;  /**< elements of constant weight and bias tensors */
    size_t flash_bytes;   /**< the file size */
} ts_tflite_counts;

void ts_tflite_count(const ts_tflite *model, ts_tflite_counts *out);

/** The MACs of operator op under the KG's rule (0 for other ops or op out of range). */
uint64_t ts_tflite_op_macs(const ts_tflite *model, size_t op);

typedef enum {
    TS_TFLITE_ABI_MCU32,  /**< a 32-bit microcontroller (the default) */
    TS_TFLITE_ABI_HOST64, /**< a 64-bit host (the published KG's setting) */
} ts_tflite_abi;

/** "mcu32" / "host64". */
const char *ts_tflite_abi_name(ts_tflite_abi abi);
/** Parse "mcu32" / "host64"; false when neither. */
bool ts_tflite_abi_from_name(const char *name, ts_tflite_abi *abi);

/** The predicted tensor arena of TFLite Micro. */
typedef struct {
    ts_tflite_abi abi;
    size_t head;          /**< planned activation memory: the planner's peak */
    size_t tail;          /**< persistent interpreter allocations */
    size_t total;         /**< head + tail = arena_used_bytes() */
    size_t planned;       /**< tensors the planner placed */
    size_t peak_op;       /**< an operator during which the peak is reached */
    /* The tail by kind, padding included in each. */
    size_t tail_allocators;   /**< allocator objects */
    size_t tail_tensors;      /**< TfLiteTensor structs */
    size_t tail_quant;        /**< quantization structs and zero-point arrays */
    size_t tail_nodes;        /**< node and registration structs */
    size_t tail_builtin;      /**< parsed builtin options */
    size_t tail_opdata;       /**< kernel Init() data */
    size_t tail_channels;     /**< kernel Prepare() per-channel arrays */
    size_t tail_variables;    /**< variable tensors */
    bool approximate;         /**< some op's allocations are not in the tables */
    char note[256];           /**< which ops made it approximate */
} ts_tflite_memory;

/** Where the planner put one tensor in the head. */
typedef struct {
    long long offset; /**< bytes from the arena start; -1: not planned */
    size_t size;      /**< bytes, rounded up to 16 */
    int first, last;  /**< operators between which it lives */
} ts_tflite_placement;

/**
 * Predict the TFLite Micro arena for abi. *placements (may be NULL)
 * receives a new array of n_tensors placements that the caller frees.
 * TS_ERR_BAD_DATA with err filled when the graph cannot be planned (an
 * activation tensor with a partial lifetime).
 */
ts_status ts_tflite_plan(const ts_tflite *model, ts_tflite_abi abi, ts_tflite_memory *out,
                         ts_tflite_placement **placements, ts_error *err);

/** What a user knows about a model beyond its file. Every pointer may be
 * NULL (unknown); the strings are borrowed. Zero-initialise, then fill. */
typedef struct {
    const char *name;         /**< default: the file name without extension */
    const char *description;
    const char *creator;
    const char *category;     /**< nnet local name ("Classification") or IRI */
    const char *sensor;       /**< sensor class: sosa_extend local name or IRI */
    char metric[64];          /**< "top1", "top5", "auc" or another name; "" for none */
    double metric_value;      /**< used when metric is set */
    const char *dataset;      /**< IRI */
    const char *citation;     /**< IRI */
    const char *id;           /**< UUID; default: from the file's bytes and the name */
} ts_tflite_meta;

/** Split "name=value" into meta->metric and metric_value; false when malformed
 * (no '=', an empty or over-long name, a value that is not a number). */
bool ts_tflite_meta_parse_metric(ts_tflite_meta *meta, const char *arg);

/**
 * Write the model as Turtle in the published KG's shape (nnet:NeuralNetwork,
 * layers, MACs, RAM and Flash conditions) with the RAM estimate for abi.
 * path names the model file (for the default name; may be NULL); meta may be
 * NULL; out is borrowed and flushed, not closed. TS_ERR_IO when writing
 * fails, TS_ERR_BAD_DATA when the arena cannot be planned.
 */
ts_status ts_tflite_write_turtle(const ts_tflite *model, const char *path,
                                 const ts_tflite_meta *meta, ts_tflite_abi abi, FILE *out,
                                 ts_error *err);

/**
 * Add the same triples to src's graph in store (the loader's reader for
 * .tflite sources), counted in src. Nodes are made in the store's world;
 * nothing is kept from model.
 */
ts_status ts_tflite_add_to_store(const ts_tflite *model, const char *path,
                                 const ts_tflite_meta *meta, ts_tflite_abi abi,
                                 ts_store *store, ts_source *src, ts_error *err);

/** The namespace of the published KG's model resources. */
#define TS_NS_NNET_DATA "http://tinyml-schema.org/neuralnetwork/"

#endif
