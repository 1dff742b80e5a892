/* Shared by the files of the tflite module. */
#ifndef TINYSCOPE_TFLITE_INTERNAL_H
#define TINYSCOPE_TFLITE_INTERNAL_H

#include "tinyscope/tflite.h"

struct ts_tflite {
    ts_tflite_graph g;
    ts_tflite_tensor *tensors;
    ts_tflite_op *ops;
    char **strings; /* every owned string and array, freed together */
    size_t n_strings;
    uint64_t digest[2]; /* of the file's bytes, for a stable default id */
};

/* Builtin options storage and kernel allocations of TFLite Micro per op. */
typedef struct {
    int code;
    /* Persistent allocations of the 2020 interpreter with reference kernels;
     * covered == false means the op's allocations are not known. */
    bool covered;
    unsigned builtin_size, builtin_align; /* 0: nothing parsed */
    unsigned opdata_host64, opdata_mcu32; /* Init(), align 16; 0: none */
    bool per_channel;                     /* Prepare(): two int32 arrays */
} ts_tflite_opinfo;

/* The table entry for code, or NULL for an op not in the table. */
const ts_tflite_opinfo *ts_tflite_opinfo_for(int code);

#endif
