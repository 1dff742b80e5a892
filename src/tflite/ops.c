/* Names of ops, types and activations, and what TFLite Micro allocates per op. */
#include <string.h>

#include "tflite_internal.h"

static const char *const op_names[] = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
    "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF",
    "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE",
    "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND",
    "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
    "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
    "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST",
    "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER",
    "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV",
    "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT",
    "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK",
    "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",
    "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE",
    "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
    "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE",
    "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG",
    "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4",
    "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
    "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE",
    "BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE",
    "HASHTABLE_FIND", "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL",
    "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE",
    "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM",
    "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD",
    "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN",
    "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
};

const char *ts_tflite_op_name(int code)
{
    if (code >= 0 && (size_t)code < sizeof op_names / sizeof op_names[0]) {
        return op_names[code];
    }
    return "UNKNOWN";
}

/*
 * The nnet: names the published KG uses for an op (SPLIT really is
 * "Split_"), and the persistent allocations of the TFLite Micro interpreter
 * the KG's RAM figures come from (late-2020 snapshot, reference kernels):
 * the parsed builtin options (size, alignment; the same on both ABIs), the
 * OpData a kernel's Init() allocates (16-aligned; per ABI), and whether
 * Prepare() allocates two per-channel int32 arrays. covered says these were
 * measured; for the other ops the builtin sizes come from the structs alone
 * and kernel allocations are unknown, so an estimate using them is marked
 * approximate.
 */
static const ts_tflite_opinfo opinfo[] = {
    /* code, name, kg, covered, builtin size/align, opdata host64/mcu32, per-channel */
    {0, "ADD", "Add", true, 4, 4, 0, 0, false},
    {1, "AVERAGE_POOL_2D", "AvgPool2D", true, 40, 4, 0, 0, false},
    {2, "CONCATENATION", "Concatenation", false, 8, 4, 0, 0, false},
    {3, "CONV_2D", "Conv2D", true, 24, 4, 48, 40, true},
    {4, "DEPTHWISE_CONV_2D", "DepthwiseConv2D", true, 28, 4, 48, 40, true},
    {6, "DEQUANTIZE", "Dequantize", true, 0, 0, 8, 8, false},
    {9, "FULLY_CONNECTED", "FullyConnected", true, 12, 4, 20, 20, false},
    {12, "L2_POOL_2D", NULL, false, 40, 4, 0, 0, false},
    {14, "LOGISTIC", "Logistic", true, 0, 0, 0, 0, false},
    {17, "MAX_POOL_2D", "MaxPool2D", true, 40, 4, 0, 0, false},
    {18, "MUL", "Mul", false, 4, 4, 0, 0, false},
    {22, "RESHAPE", "Reshape", true, 36, 4, 0, 0, false},
    {23, "RESIZE_BILINEAR", NULL, false, 2, 1, 0, 0, false},
    {25, "SOFTMAX", "Softmax", true, 4, 4, 0, 0, false},
    {28, "TANH", "Tanh", false, 0, 0, 0, 0, false},
    {34, "PAD", "Pad", true, 0, 0, 0, 0, false},
    {40, "MEAN", "Mean", true, 1, 1, 0, 0, false},
    {41, "SUB", "Sub", false, 4, 4, 0, 0, false},
    {42, "DIV", NULL, false, 4, 4, 0, 0, false},
    {49, "SPLIT", "Split_", false, 0, 0, 0, 0, false},
    {74, "SUM", NULL, false, 1, 1, 0, 0, false},
    {80, "FAKE_QUANT", "FakeQuant", false, 0, 0, 0, 0, false},
    {82, "REDUCE_MAX", NULL, false, 1, 1, 0, 0, false},
    {83, "PACK", "Pack", false, 0, 0, 0, 0, false},
    {88, "UNPACK", "Unpack", false, 0, 0, 0, 0, false},
    {89, "REDUCE_MIN", NULL, false, 1, 1, 0, 0, false},
    {97, "RESIZE_NEAREST_NEIGHBOR", "ResizeNearestNeighbor", true, 2, 1, 0, 0, false},
    {102, "SPLIT_V", "SplitV", false, 0, 0, 0, 0, false},
    {114, "QUANTIZE", "Quantize", true, 0, 0, 8, 8, false},
};

const ts_tflite_opinfo *ts_tflite_opinfo_for(int code)
{
    for (size_t i = 0; i < sizeof opinfo / sizeof opinfo[0]; i++) {
        if (opinfo[i].code == code) {
            return &opinfo[i];
        }
    }
    return NULL;
}

const char *ts_tflite_op_kg_name(int code)
{
    const ts_tflite_opinfo *info = ts_tflite_opinfo_for(code);
    return info ? info->kg_name : NULL;
}

static const struct {
    const char *name;
    const char *kg;
    unsigned size; /* as TfLiteTypeSizeOf counts it; 0: unsupported */
} types[] = {
    {"FLOAT32", "Float32", 4},  {"FLOAT16", "Float16", 2},   {"INT32", "Int32", 4},
    {"UINT8", "Uint8", 1},      {"INT64", "Int64", 8},       {"STRING", "String", 0},
    {"BOOL", "Bool", 1},        {"INT16", "Int16", 2},       {"COMPLEX64", "Complex64", 8},
    {"INT8", "Int8", 1},        {"FLOAT64", "Float64", 8},   {"COMPLEX128", "Complex128", 0},
    {"UINT64", NULL, 0},        {"RESOURCE", NULL, 0},       {"VARIANT", NULL, 0},
    {"UINT32", NULL, 0},        {"UINT16", NULL, 0},         {"INT4", NULL, 0},
};

const char *ts_tflite_type_name(int type)
{
    return type >= 0 && (size_t)type < sizeof types / sizeof types[0] ? types[type].name
                                                                     : "UNKNOWN";
}

const char *ts_tflite_type_kg_name(int type)
{
    return type >= 0 && (size_t)type < sizeof types / sizeof types[0] ? types[type].kg : NULL;
}

size_t ts_tflite_type_size(int type)
{
    return type >= 0 && (size_t)type < sizeof types / sizeof types[0] ? types[type].size : 0;
}

const char *ts_tflite_activation_kg_name(int act)
{
    static const char *const names[] = {NULL, "Relu", "Relu_n1_to_1", "Relu6", "Tanh",
                                        "Sign_bit"};
    return act > 0 && (size_t)act < sizeof names / sizeof names[0] ? names[act] : NULL;
}

const char *ts_tflite_abi_name(ts_tflite_abi abi)
{
    return abi == TS_TFLITE_ABI_HOST64 ? "host64" : "mcu32";
}

bool ts_tflite_abi_from_name(const char *name, ts_tflite_abi *abi)
{
    if (!strcmp(name, "mcu32")) {
        *abi = TS_TFLITE_ABI_MCU32;
    } else if (!strcmp(name, "host64")) {
        *abi = TS_TFLITE_ABI_HOST64;
    } else {
        return false;
    }
    return true;
}
