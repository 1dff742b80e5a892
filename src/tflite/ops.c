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
    "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT", "STABLEHLO_LOGISTIC",
    "STABLEHLO_ADD", "STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM",
    "STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE",
    "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE",
    "STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND",
    "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", "STABLEHLO_LOG",
    "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER",
    "STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT",
    "STABLEHLO_TANH", "STABLEHLO_SCATTER", "STABLEHLO_COMPARE", "STABLEHLO_CONVERT",
    "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD",
    "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW",
    "STABLEHLO_SORT", "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE",
    "DILATE", "STABLEHLO_RNG_BIT_GENERATOR",
};

const char *ts_tflite_op_name(int code)
{
    if (code >= 0 && (size_t)code < sizeof op_names / sizeof op_names[0]) {
        return op_names[code];
    }
    return "UNKNOWN";
}

/*
 * The nnet: layer type of each op, as ontology/nnet.ttl names them (the
 * published KG's names: the TFLite name in CamelCase with "2D" kept
 * together, AVERAGE_POOL_2D as AvgPool2D), except SPLIT, which the
 * published KG's pipeline wrote as "Split_".
 */
static const char *const layer_names[] = {
    "Add", "AvgPool2D", "Concatenation", "Conv2D", "DepthwiseConv2D", "DepthToSpace",
    "Dequantize", "EmbeddingLookup", "Floor", "FullyConnected", "HashtableLookup",
    "L2Normalization", "L2Pool2D", "LocalResponseNormalization", "Logistic",
    "LSHProjection", "LSTM", "MaxPool2D", "Mul", "Relu", "ReluN1To1", "Relu6", "Reshape",
    "ResizeBilinear", "RNN", "Softmax", "SpaceToDepth", "SVDF", "Tanh",
    "ConcatEmbeddings", "SkipGram", "Call", "Custom", "EmbeddingLookupSparse", "Pad",
    "UnidirectionalSequenceRNN", "Gather", "BatchToSpaceND", "SpaceToBatchND",
    "Transpose", "Mean", "Sub", "Div", "Squeeze", "UnidirectionalSequenceLSTM",
    "StridedSlice", "BidirectionalSequenceRNN", "Exp", "TopKV2", "Split_", "LogSoftmax",
    "Delegate", "BidirectionalSequenceLSTM", "Cast", "PRelu", "Maximum", "ArgMax",
    "Minimum", "Less", "Neg", "PadV2", "Greater", "GreaterEqual", "LessEqual", "Select",
    "Slice", "Sin", "TransposeConv", "SparseToDense", "Tile", "ExpandDims", "Equal",
    "NotEqual", "Log", "Sum", "Sqrt", "Rsqrt", "Shape", "Pow", "ArgMin", "FakeQuant",
    "ReduceProd", "ReduceMax", "Pack", "LogicalOr", "OneHot", "LogicalAnd", "LogicalNot",
    "Unpack", "ReduceMin", "FloorDiv", "ReduceAny", "Square", "ZerosLike", "Fill",
    "FloorMod", "Range", "ResizeNearestNeighbor", "LeakyRelu", "SquaredDifference",
    "MirrorPad", "Abs", "SplitV", "Unique", "Ceil", "ReverseV2", "AddN", "GatherND",
    "Cos", "Where", "Rank", "Elu", "ReverseSequence", "MatrixDiag", "Quantize",
    "MatrixSetDiag", "Round", "HardSwish", "If", "While", "NonMaxSuppressionV4",
    "NonMaxSuppressionV5", "ScatterND", "SelectV2", "Densify", "SegmentSum",
    "BatchMatMul", NULL, "CumSum", "CallOnce", "BroadcastTo", "RFFT2D", "Conv3D", "Imag",
    "Real", "ComplexAbs", "Hashtable", "HashtableFind", "HashtableImport",
    "HashtableSize", "ReduceAll", "Conv3DTranspose", "VarHandle", "ReadVariable",
    "AssignVariable", "BroadcastArgs", "RandomStandardNormal", "Bucketize",
    "RandomUniform", "Multinomial", "Gelu", "DynamicUpdateSlice", "Relu0To1",
    "UnsortedSegmentProd", "UnsortedSegmentMax", "UnsortedSegmentSum", "Atan2",
    "UnsortedSegmentMin", "Sign", "Bitcast", "BitwiseXor", "RightShift",
    "StablehloLogistic", "StablehloAdd", "StablehloDivide", "StablehloMultiply",
    "StablehloMaximum", "StablehloReshape", "StablehloClamp", "StablehloConcatenate",
    "StablehloBroadcastInDim", "StablehloConvolution", "StablehloSlice",
    "StablehloCustomCall", "StablehloReduce", "StablehloAbs", "StablehloAnd",
    "StablehloCosine", "StablehloExponential", "StablehloFloor", "StablehloLog",
    "StablehloMinimum", "StablehloNegate", "StablehloOr", "StablehloPower",
    "StablehloRemainder", "StablehloRsqrt", "StablehloSelect", "StablehloSubtract",
    "StablehloTanh", "StablehloScatter", "StablehloCompare", "StablehloConvert",
    "StablehloDynamicSlice", "StablehloDynamicUpdateSlice", "StablehloPad",
    "StablehloIota", "StablehloDotGeneral", "StablehloReduceWindow", "StablehloSort",
    "StablehloWhile", "StablehloGather", "StablehloTranspose", "Dilate",
    "StablehloRngBitGenerator",
};

/*
 * The persistent allocations of the TFLite Micro interpreter
 * the KG's RAM figures come from (late-2020 snapshot, reference kernels):
 * the parsed builtin options (size, alignment; the same on both ABIs), the
 * OpData a kernel's Init() allocates (16-aligned; per ABI), and whether
 * Prepare() allocates two per-channel int32 arrays. covered says these were
 * measured; for the other ops the builtin sizes come from the structs alone
 * and kernel allocations are unknown, so an estimate using them is marked
 * approximate.
 */
static const ts_tflite_opinfo opinfo[] = {
    /* code, covered, builtin size/align, opdata host64/mcu32, per-channel */
    {0, true, 4, 4, 0, 0, false}, /* ADD */
    {1, true, 40, 4, 0, 0, false}, /* AVERAGE_POOL_2D */
    {2, false, 8, 4, 0, 0, false}, /* CONCATENATION */
    {3, true, 24, 4, 48, 40, true}, /* CONV_2D */
    {4, true, 28, 4, 48, 40, true}, /* DEPTHWISE_CONV_2D */
    {6, true, 0, 0, 8, 8, false}, /* DEQUANTIZE */
    {9, true, 12, 4, 20, 20, false}, /* FULLY_CONNECTED */
    {12, false, 40, 4, 0, 0, false}, /* L2_POOL_2D */
    {14, true, 0, 0, 0, 0, false}, /* LOGISTIC */
    {17, true, 40, 4, 0, 0, false}, /* MAX_POOL_2D */
    {18, false, 4, 4, 0, 0, false}, /* MUL */
    {22, true, 36, 4, 0, 0, false}, /* RESHAPE */
    {23, false, 2, 1, 0, 0, false}, /* RESIZE_BILINEAR */
    {25, true, 4, 4, 0, 0, false}, /* SOFTMAX */
    {28, false, 0, 0, 0, 0, false}, /* TANH */
    {34, true, 0, 0, 0, 0, false}, /* PAD */
    {40, true, 1, 1, 0, 0, false}, /* MEAN */
    {41, false, 4, 4, 0, 0, false}, /* SUB */
    {42, false, 4, 4, 0, 0, false}, /* DIV */
    {49, false, 0, 0, 0, 0, false}, /* SPLIT */
    {74, false, 1, 1, 0, 0, false}, /* SUM */
    {80, false, 0, 0, 0, 0, false}, /* FAKE_QUANT */
    {82, false, 1, 1, 0, 0, false}, /* REDUCE_MAX */
    {83, false, 0, 0, 0, 0, false}, /* PACK */
    {88, false, 0, 0, 0, 0, false}, /* UNPACK */
    {89, false, 1, 1, 0, 0, false}, /* REDUCE_MIN */
    {97, true, 2, 1, 0, 0, false}, /* RESIZE_NEAREST_NEIGHBOR */
    {102, false, 0, 0, 0, 0, false}, /* SPLIT_V */
    {114, true, 0, 0, 8, 8, false}, /* QUANTIZE */
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
    if (code >= 0 && (size_t)code < sizeof layer_names / sizeof layer_names[0]) {
        return layer_names[code];
    }
    return NULL;
}

/* Type names as the published KG's pipeline wrote them, and as
 * ontology/nnet.ttl names the types the pipeline never met. */
static const struct {
    const char *name;
    const char *kg;
    unsigned size; /* as TfLiteTypeSizeOf counts it; 0: unsupported */
} types[] = {
    {"FLOAT32", "Float32", 4},  {"FLOAT16", "Float16", 2},   {"INT32", "Int32", 4},
    {"UINT8", "Uint8", 1},      {"INT64", "Int64", 8},       {"STRING", "String", 0},
    {"BOOL", "Bool", 1},        {"INT16", "Int16", 2},       {"COMPLEX64", "Complex64", 8},
    {"INT8", "Int8", 1},        {"FLOAT64", "Float64", 8},   {"COMPLEX128", "Complex128", 0},
    {"UINT64", "Uint64", 0},    {"RESOURCE", NULL, 0},       {"VARIANT", NULL, 0},
    {"UINT32", "Uint32", 0},    {"UINT16", "Uint16", 0},     {"INT4", "Int4", 0},
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

/* As the published KG's pipeline wrote them (ontology/nnet.ttl knows the
 * last two as nnet:ReluN1To1 and nnet:SignBit; none occurs in the KG). */
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
