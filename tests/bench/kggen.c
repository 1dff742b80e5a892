/*
 * kggen: a deterministic generator of TinyML knowledge graphs for tests and
 * benchmarks, in the vocabulary of the published TinyML graph (models as
 * nnet:NeuralNetwork, boards as s3n:SmartSensor) and tinyscope's own tiny:.
 *
 * The same arguments give the same bytes on every machine: the generator
 * uses its own PRNG (splitmix64), integer arithmetic only, and no locale.
 * Model i and board j each draw from a stream seeded by (seed, i) or
 * (seed, j), so a smaller graph is a prefix of a larger one with the same
 * seed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ---- */

typedef struct {
    uint64_t state;
} rng;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static rng rng_for(uint64_t seed, uint64_t kind, uint64_t index)
{
    uint64_t s = seed ^ (kind * 0xD1B54A32D192ED03ULL);
    uint64_t a = splitmix64(&s);
    s = a ^ (index * 0xA24BAED4963EE407ULL);
    rng r = {splitmix64(&s)};
    return r;
}

static uint64_t rnd(rng *r) { return splitmix64(&r->state); }

/* Uniform in [0, n). The modulo bias is far below what the figures need. */
static uint64_t rnd_below(rng *r, uint64_t n) { return n ? rnd(r) % n : 0; }

/* Uniform in [lo, hi]. */
static uint64_t rnd_range(rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rnd_below(r, hi - lo + 1);
}

/* True with probability pct percent. */
static bool rnd_pct(rng *r, unsigned pct) { return rnd_below(r, 100) < pct; }

/* Spread over [lo, hi] evenly per octave (a log-uniform law without libm):
 * pick an octave [lo*2^k, lo*2^(k+1)), then a value inside it. */
static uint64_t rnd_log(rng *r, uint64_t lo, uint64_t hi)
{
    if (lo == 0) {
        lo = 1;
    }
    unsigned octaves = 0;
    while ((lo << (octaves + 1)) <= hi) {
        octaves++;
    }
    unsigned k = (unsigned)rnd_below(r, octaves + 1);
    uint64_t a = lo << k;
    uint64_t b = (lo << (k + 1)) - 1;
    if (b > hi) {
        b = hi;
    }
    return rnd_range(r, a, b);
}

/* Index into weights[n] (sum > 0) drawn with those weights. */
static size_t rnd_weighted(rng *r, const unsigned *weights, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += weights[i];
    }
    uint64_t x = rnd_below(r, sum);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i]) {
            return i;
        }
        x -= weights[i];
    }
    return n - 1;
}

#define PICK(r, arr) ((arr)[rnd_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- namespaces and names ---- */

enum {
    NS_RDF,
    NS_RDFS,
    NS_XSD,
    NS_SCHEMA,
    NS_SSN,
    NS_SSNS,
    NS_TD,
    NS_OM,
    NS_S3N,
    NS_NNET,
    NS_S3NX,
    NS_SOSAX,
    NS_SSNX,
    NS_TINY,
    NS_COUNT
};

static const struct {
    const char *prefix;
    const char *iri;
} namespaces[NS_COUNT] = {
    [NS_RDF] = {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    [NS_RDFS] = {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
    [NS_XSD] = {"xsd", "http://www.w3.org/2001/XMLSchema#"},
    [NS_SCHEMA] = {"schema", "https://schema.org/"},
    [NS_SSN] = {"ssn", "http://www.w3.org/ns/ssn/"},
    [NS_SSNS] = {"ssn-system", "http://www.w3.org/ns/ssn/systems/"},
    [NS_TD] = {"td", "https://www.w3.org/2019/wot/td#"},
    [NS_OM] = {"om", "http://www.ontology-of-units-of-measure.org/resource/om-2/"},
    [NS_S3N] = {"s3n", "http://w3id.org/s3n/"},
    [NS_NNET] = {"nnet", "http://tinyml-schema.org/networkschema#"},
    [NS_S3NX] = {"s3n_extend", "http://tinyml-schema.org/s3n_extend/"},
    [NS_SOSAX] = {"sosa_extend", "http://tinyml-schema.org/sosa_extend/"},
    [NS_SSNX] = {"ssn_extend", "http://tinyml-schema.org/ssn_extend/"},
    [NS_TINY] = {"tiny", "https://w3id.org/tinyscope/ns#"},
};

#define MODEL_NS "http://tinyml-schema.org/neuralnetwork/"
#define BOARD_NS "http://tinyml-schema.org/tinyml-demo/"
#define DATASET_NS "https://w3id.org/tinyscope/dataset/"

/* ---- the writer: Turtle grouped by subject, or N-Triples ---- */

typedef enum { L_STR, L_EN, L_INT, L_DEC, L_DBL, L_BOOL } lit_kind;

typedef struct {
    FILE *f;
    bool turtle;
    uint64_t triples;
    bool open;           /* a Turtle subject block is open */
    int last_ns;         /* the predicate of the last triple (Turtle) */
    const char *last_local;
    char subject[256];   /* the subject as written ("<iri>" or "_:id") */
} writer;

static void put(writer *w, const char *s) { fputs(s, w->f); }

static void put_name(writer *w, int ns, const char *local)
{
    if (w->turtle) {
        fputs(namespaces[ns].prefix, w->f);
        putc(':', w->f);
        fputs(local, w->f);
    } else {
        putc('<', w->f);
        fputs(namespaces[ns].iri, w->f);
        fputs(local, w->f);
        putc('>', w->f);
    }
}

static void end_block(writer *w)
{
    if (w->turtle && w->open) {
        put(w, " .\n");
    }
    w->open = false;
}

static void subject_iri(writer *w, const char *iri)
{
    end_block(w);
    snprintf(w->subject, sizeof w->subject, "<%s>", iri);
}

static void subject_blank(writer *w, const char *label)
{
    end_block(w);
    snprintf(w->subject, sizeof w->subject, "_:%s", label);
}

/* Write everything of a triple up to its object. */
static void begin_triple(writer *w, int pns, const char *plocal)
{
    w->triples++;
    bool is_type = pns == NS_RDF && !strcmp(plocal, "type");
    if (!w->turtle) {
        put(w, w->subject);
        putc(' ', w->f);
        put_name(w, pns, plocal);
        putc(' ', w->f);
        return;
    }
    if (!w->open) {
        put(w, w->subject);
        putc(' ', w->f);
        w->open = true;
    } else if (pns == w->last_ns && !strcmp(plocal, w->last_local)) {
        put(w, ",\n        ");
        return;
    } else {
        put(w, " ;\n    ");
    }
    if (is_type) {
        putc('a', w->f);
    } else {
        put_name(w, pns, plocal);
    }
    putc(' ', w->f);
    w->last_ns = pns;
    w->last_local = plocal;
}

static void end_triple(writer *w)
{
    if (!w->turtle) {
        put(w, " .\n");
    }
}

static void obj_iri(writer *w, int pns, const char *plocal, const char *iri)
{
    begin_triple(w, pns, plocal);
    putc('<', w->f);
    put(w, iri);
    putc('>', w->f);
    end_triple(w);
}

static void obj_name(writer *w, int pns, const char *plocal, int ns, const char *local)
{
    begin_triple(w, pns, plocal);
    put_name(w, ns, local);
    end_triple(w);
}

static void obj_blank(writer *w, int pns, const char *plocal, const char *label)
{
    begin_triple(w, pns, plocal);
    put(w, "_:");
    put(w, label);
    end_triple(w);
}

/* The generator writes only text that needs no escaping in either syntax. */
static void obj_lit(writer *w, int pns, const char *plocal, lit_kind kind, const char *text)
{
    static const char *const datatypes[] = {
        [L_INT] = "integer", [L_DEC] = "decimal", [L_DBL] = "double", [L_BOOL] = "boolean",
    };
    begin_triple(w, pns, plocal);
    if (kind == L_STR || kind == L_EN || !w->turtle) {
        putc('"', w->f);
        put(w, text);
        putc('"', w->f);
    } else {
        put(w, text);
    }
    if (kind == L_EN) {
        put(w, "@en");
    } else if (kind != L_STR && !w->turtle) {
        put(w, "^^");
        put_name(w, NS_XSD, datatypes[kind]);
    }
    end_triple(w);
}

static void obj_int(writer *w, int pns, const char *plocal, uint64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRIu64, v);
    obj_lit(w, pns, plocal, L_INT, text);
}

/* v / 100 as an xsd:decimal ("8.08"). */
static void fmt_centi(char *out, size_t size, uint64_t v)
{
    snprintf(out, size, "%" PRIu64 ".%02u", v / 100, (unsigned)(v % 100));
}

/* v * 10^-scale as an xsd:double with digits significant digits
 * ("3.36e+05"), rounded half up, in integer arithmetic. */
static void fmt_sci(char *out, size_t size, uint64_t v, int scale, int digits)
{
    if (v == 0) {
        snprintf(out, size, "0.0e+00");
        return;
    }
    int ndig = 0;
    for (uint64_t t = v; t; t /= 10) {
        ndig++;
    }
    uint64_t m = v;
    int drop = ndig - digits;
    int exp10 = ndig - 1 - scale;
    if (drop > 0) {
        uint64_t p = 1;
        for (int i = 0; i < drop; i++) {
            p *= 10;
        }
        m = (v + p / 2) / p;
        /* Rounding may carry into a new digit (999.5 -> 1000). */
        uint64_t lim = 1;
        for (int i = 0; i < digits; i++) {
            lim *= 10;
        }
        if (m >= lim) {
            m /= 10;
            exp10++;
        }
    } else {
        for (int i = 0; i < -drop; i++) {
            m *= 10;
        }
    }
    char mant[24];
    snprintf(mant, sizeof mant, "%" PRIu64, m);
    snprintf(out, size, "%c.%se%c%02d", mant[0], mant[1] ? mant + 1 : "0",
             exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
}

/* ---- the TinyML vocabulary ---- */

enum { S_ACC, S_GYR, S_MAG, S_MIC, S_CAM, S_THERM, S_COUNT };

static const struct {
    const char *cls;
    const char *info[3];
    const char *title;
    const char *unit;
} sensors[S_COUNT] = {
    [S_ACC] = {"Accelerometer", {"tested on LSM9DS1 119 Hz", "tested on BMI270 100 Hz",
                                 "tested on ADXL345 200 Hz"}, "Acceleration", "om:gravity"},
    [S_GYR] = {"Gyroscope", {"tested on LSM9DS1 119 Hz", "tested on BMI270 100 Hz",
                             "tested on L3GD20 95 Hz"}, "Orientation", "om:degree_per_second"},
    [S_MAG] = {"Magnetometer", {"tested on LSM9DS1 20 Hz", "tested on BMM150 30 Hz",
                                "tested on LIS3MDL 80 Hz"}, "MagneticField", "om:microtesla"},
    [S_MIC] = {"Microphone", {"tested on MP34DT05 16000 sps", "tested on SPH0645 16000 sps",
                              "tested on ICS-43434 20000 sps"}, "Sound", "om:decibel"},
    [S_CAM] = {"Camera", {"tested on OV7675 96x96 grayscale", "tested on HM01B0 96x96",
                          "tested on OV2640 320x240"}, "Image", "om:pixel"},
    [S_THERM] = {"Thermometer", {"tested on HTS221 1 Hz", "tested on BME280 1 Hz",
                                 "tested on TMP117 4 Hz"}, "Temperature", "om:degree_Celsius"},
};

typedef enum { FAM_AUDIO, FAM_VISION, FAM_MOTION, FAM_TINY } layer_family;

typedef struct {
    unsigned weight;         /* in percent of the models */
    const char *stem;
    const char *description;
    const char *category;
    unsigned sensors;        /* bit mask over S_*; 0: only a generic schema:Sensor */
    const char *dataset;
    const char *input_info;
    const char *output_info;
    const char *shape_in;
    const char *shape_out;
    const char *metric;
    unsigned metric_lo, metric_hi;   /* tenths of a percent */
    unsigned ram_lo, ram_hi;         /* kB */
    unsigned flash_lo, flash_hi;     /* kB */
    uint64_t macs_lo, macs_hi;
    unsigned layers_lo, layers_hi;   /* all layers, input and output included */
    layer_family family;
} task;

#define BIT(s) (1u << (s))

static const task tasks[] = {
    {22, "Keyword_Spotting", "a NN for speech commands recognition", "Classification",
     BIT(S_MIC), "http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz",
     "a flattened MFCC feature on 30 ms sliding windows of 1000 ms microphone data",
     "0: silence, 1: unknown, 2: yes, 3: no", "[   1 1960]", "[1 4]", "Top_1_accuracy",
     800, 960, 4, 160, 16, 512, 100000, 30000000, 3, 20, FAM_AUDIO},
    {15, "Person_Detection", "a NN that tells whether a person is in the image",
     "Classification", BIT(S_CAM), "https://arxiv.org/abs/1906.05721",
     "a 96x96 grayscale image", "0: no person, 1: person", "[ 1 96 96  1]", "[1 2]",
     "Top_1_accuracy", 750, 900, 60, 600, 150, 2000, 1000000, 100000000, 10, 40, FAM_VISION},
    {14, "Magic_Wand", "a NN for gesture recognition from motion data", "Classification",
     BIT(S_ACC) | BIT(S_GYR), "https://tinyml.seas.harvard.edu/magic_wand/",
     "128 samples of 3-axis acceleration and angular rate", "0: wing, 1: ring, 2: slope, 3: none",
     "[  1 128   3   1]", "[1 4]", "Top_1_accuracy", 800, 980, 4, 64, 16, 256, 10000,
     2000000, 4, 15, FAM_MOTION},
    {8, "Motion_Anomaly", "a NN for anomaly detection by an autoencoder on 3d accelerometer data",
     "Unsupervised", BIT(S_ACC), DATASET_NS "vibration",
     "a window of 3-axis acceleration", "reconstruction error", "[ 1 90]", "[ 1 90]",
     "Other_metric", 800, 980, 2, 32, 16, 128, 1000, 100000, 3, 8, FAM_TINY},
    {6, "Sound_Anomaly", "a NN for anomalous machine sound detection", "Unsupervised",
     BIT(S_MIC), "http://dcase.community/challenge2020/task-unsupervised-detection-of-anomalous-sounds",
     "log-mel spectrogram frames", "anomaly score", "[  1 640]", "[  1 640]", "Other_metric",
     700, 950, 16, 256, 64, 1024, 100000, 10000000, 5, 20, FAM_AUDIO},
    {10, "Image_Classification", "a NN for image classification of ten classes",
     "Classification", BIT(S_CAM), "https://www.cs.toronto.edu/~kriz/cifar.html",
     "a 32x32 colour image", "ten class scores", "[ 1 32 32  3]", "[ 1 10]",
     "Top_1_accuracy", 700, 920, 30, 400, 64, 1500, 1000000, 50000000, 8, 40, FAM_VISION},
    {6, "Temperature_Forecast", "a NN forecasting the next hour of temperature",
     "OtherCategory", BIT(S_THERM), DATASET_NS "room-climate",
     "the last 24 temperature readings", "the predicted temperature", "[ 1 24]", "[1 1]",
     "Other_metric", 850, 990, 2, 16, 16, 64, 1000, 50000, 3, 6, FAM_TINY},
    {6, "Heading_Estimation", "a NN estimating heading from magnetic field and tilt",
     "Classification", BIT(S_MAG) | BIT(S_ACC), DATASET_NS "compass",
     "3-axis magnetic field and 3-axis acceleration", "eight compass sectors", "[1 6]",
     "[1 8]", "Top_1_accuracy", 850, 990, 2, 24, 16, 96, 1000, 100000, 3, 8, FAM_TINY},
    {3, "Hello_World", "a NN that approximates a sine wave", "OtherCategory", 0,
     DATASET_NS "sine", "x in [0, 2 pi]", "sin(x)", "[1 1]", "[1 1]", "Other_metric",
     900, 999, 2, 8, 16, 32, 1000, 5000, 3, 5, FAM_TINY},
    {10, "Object_Detection", "a NN detecting and locating objects in images",
     "ObjectDetection", BIT(S_CAM), DATASET_NS "coco-subset", "a 160x160 colour image",
     "boxes and class scores", "[  1 160 160   3]", "[ 1 10  6]", "Top_1_accuracy", 500,
     800, 200, 1024, 500, 2048, 10000000, 100000000, 20, 40, FAM_VISION},
};
#define N_TASKS (sizeof tasks / sizeof tasks[0])

static const char *const creators[] = {
    "Google", "Arm", "Harvard_TinyMLx", "Edge Impulse", "Author_Me", "MIT HAN Lab",
    "STMicroelectronics", "Syntiant", "Nordic Semiconductor", "Espressif",
};

static const char *const middle_types[][6] = {
    [FAM_AUDIO] = {"Conv2D", "DepthwiseConv2D", "DepthwiseConv2D", "FullyConnected",
                   "AveragePool2D", "Reshape"},
    [FAM_VISION] = {"Conv2D", "DepthwiseConv2D", "DepthwiseConv2D", "Conv2D", "Add",
                    "AveragePool2D"},
    [FAM_MOTION] = {"Conv2D", "MaxPool2D", "FullyConnected", "Conv2D", "Reshape",
                    "FullyConnected"},
    [FAM_TINY] = {"FullyConnected", "FullyConnected", "FullyConnected", "Quantize",
                  "Dequantize", "Logistic"},
};

static const struct {
    const char *name;
    const char *cpu;
    unsigned mhz_lo, mhz_hi;
    const char *usb_vendor;
} families[] = {
    {"Arduino-Nano-33-BLE-Sense", "Cortex-M4F", 64, 64, "2341"},
    {"Arduino-Nicla-Vision", "Cortex-M7", 480, 480, "2341"},
    {"STM32F746-Discovery", "Cortex-M7", 216, 216, "0483"},
    {"STM32L4-IoT-Node", "Cortex-M4F", 80, 80, "0483"},
    {"ESP32-S3-EYE", "Xtensa LX7", 240, 240, "303a"},
    {"nRF52840-DK", "Cortex-M4F", 64, 64, "1915"},
    {"nRF5340-Audio", "Cortex-M33", 128, 128, "1915"},
    {"Raspberry-Pi-Pico", "Cortex-M0+", 125, 133, "2e8a"},
    {"Adafruit-PyBadge", "Cortex-M4F", 120, 120, "239a"},
    {"Seeed-XIAO-nRF52840", "Cortex-M4F", 64, 64, "2886"},
    {"Wio-Terminal", "Cortex-M4F", 120, 200, "2886"},
    {"SparkFun-Edge", "Cortex-M4F", 48, 96, "1366"},
    {"Syntiant-TinyML", "Cortex-M0+", 48, 48, "2341"},
    {"Kendryte-K210-Dock", "RISC-V RV64GC", 400, 600, "1a86"},
    {"GD32VF103-Eval", "RISC-V RV32IMAC", 108, 108, "28e9"},
    {"ATmega-Sensor-Tag", "AVR", 16, 20, "03eb"},
};
#define N_FAMILIES (sizeof families / sizeof families[0])

static const unsigned board_ram[] = {2, 4, 8, 16, 20, 32, 48, 64, 96, 128, 192,
                                     256, 264, 320, 384, 512, 520, 1024};
static const unsigned board_flash[] = {16, 32, 64, 128, 192, 256, 384, 512,
                                       785, 1024, 1536, 2048};

typedef struct {
    uint64_t models;
    uint64_t boards;
} counts;

/* ---- models ---- */

static void uuid_for(rng *r, char out[37])
{
    uint64_t a = rnd(r), b = rnd(r);
    a = (a & ~0xF000ULL) | 0x4000ULL;                    /* version 4 */
    b = (b & ~(0xC000ULL << 48)) | (0x8000ULL << 48);    /* variant 1 */
    snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
             a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48, b & (uint64_t)0xFFFFFFFFFFFF);
}

static void write_layer(writer *w, rng *r, const char *iri, unsigned index, const char *type,
                        const char *quant, bool activation, const char *shape_pred,
                        const char *shape)
{
    char text[24];
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_NNET, "Layer");
    if (activation && rnd_pct(r, 55)) {
        obj_name(w, NS_NNET, "hasActivation", NS_NNET, rnd_pct(r, 60) ? "Relu6" : "Relu");
    }
    snprintf(text, sizeof text, "%u", index);
    obj_lit(w, NS_NNET, "hasIndex", L_INT, text);
    if (quant) {
        obj_name(w, NS_NNET, "hasQuantization", NS_NNET, quant);
    }
    obj_name(w, NS_NNET, "hasType", NS_NNET, type);
    if (shape_pred) {
        obj_lit(w, NS_NNET, shape_pred, L_STR, shape);
    }
}

static void write_model(writer *w, uint64_t seed, uint64_t index)
{
    rng r = rng_for(seed, 1, index);
    unsigned weights[N_TASKS];
    for (size_t i = 0; i < N_TASKS; i++) {
        weights[i] = tasks[i].weight;
    }
    const task *t = &tasks[rnd_weighted(&r, weights, N_TASKS)];
    char id[37], iri[192], ref[192], text[96];
    uuid_for(&r, id);
    unsigned n_layers = (unsigned)rnd_range(&r, t->layers_lo, t->layers_hi);
    unsigned n_middle = n_layers - 2;
    static const char *const quants[] = {"Int8", "Int8", "Int8", "Int8", "Int8",
                                         "Int8", "Uint8", "Float32", "Float32", "Int16"};
    const char *quant = PICK(&r, quants);

    snprintf(iri, sizeof iri, MODEL_NS "%s", id);
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_NNET, "NeuralNetwork");
    obj_name(w, NS_NNET, "hasCategory", NS_NNET, t->category);
    snprintf(ref, sizeof ref, MODEL_NS "metric_1_%s", id);
    obj_iri(w, NS_NNET, "hasMetric", ref);
    fmt_sci(text, sizeof text, rnd_log(&r, t->macs_lo, t->macs_hi), 0, 3);
    obj_lit(w, NS_NNET, "hasMultiplyAccumulateOps", L_DBL, text);
    snprintf(ref, sizeof ref, MODEL_NS "inputLayer_%s", id);
    obj_iri(w, NS_NNET, "inputLayer", ref);
    for (unsigned k = 1; k <= n_middle; k++) {
        snprintf(ref, sizeof ref, MODEL_NS "middleLayer_%u_%s", k, id);
        obj_iri(w, NS_NNET, "middleLayer", ref);
    }
    snprintf(ref, sizeof ref, MODEL_NS "outputLayer_%s", id);
    obj_iri(w, NS_NNET, "outputLayer", ref);
    obj_iri(w, NS_NNET, "trainingDataset", t->dataset);
    /* The published graph has a double slash in one of the two. */
    snprintf(ref, sizeof ref, MODEL_NS "/procedureFeature_2_%s", id);
    obj_iri(w, NS_S3N, "hasProcedureFeature", ref);
    snprintf(ref, sizeof ref, MODEL_NS "procedureFeature_1_%s", id);
    obj_iri(w, NS_S3N, "hasProcedureFeature", ref);
    snprintf(ref, sizeof ref, MODEL_NS "input_%s", id);
    obj_iri(w, NS_SSN, "hasInput", ref);
    snprintf(ref, sizeof ref, MODEL_NS "output_%s", id);
    obj_iri(w, NS_SSN, "hasOutput", ref);
    if (rnd_pct(&r, 60)) {
        snprintf(ref, sizeof ref, "https://w3id.org/tinyscope/paper/%s", id);
        obj_iri(w, NS_SCHEMA, "citation", ref);
    }
    obj_iri(w, NS_SCHEMA, "codeRepository", "https://w3id.org/tinyscope/model-zoo");
    obj_lit(w, NS_SCHEMA, "creator", L_STR, PICK(&r, creators));
    snprintf(text, sizeof text, "%04u-%02u-%02u", (unsigned)rnd_range(&r, 2019, 2025),
             (unsigned)rnd_range(&r, 1, 12), (unsigned)rnd_range(&r, 1, 28));
    obj_lit(w, NS_SCHEMA, "dateCreated", L_STR, text);
    obj_lit(w, NS_SCHEMA, "description", L_STR, t->description);
    obj_lit(w, NS_SCHEMA, "identifier", L_STR, id);
    snprintf(text, sizeof text, "%s_%" PRIu64, t->stem, index + 1);
    obj_lit(w, NS_SCHEMA, "name", L_STR, text);
    obj_lit(w, NS_SCHEMA, "runtimePlatform", L_STR,
            rnd_pct(&r, 95) ? "TFLite Micro" : "microTVM");

    /* The sensors that provide the input; a model that needs no sensor class
     * still has a generic sensor node, as in the published graph. */
    snprintf(ref, sizeof ref, MODEL_NS "input_%s", id);
    unsigned k = 0;
    for (unsigned s = 0; s <= S_COUNT; s++) {
        bool generic = s == S_COUNT;
        if (generic ? k > 0 : !((t->sensors >> s) & 1)) {
            continue;
        }
        snprintf(iri, sizeof iri, MODEL_NS "sensor_%u_%s", ++k, id);
        subject_iri(w, iri);
        if (!generic) {
            obj_name(w, NS_RDF, "type", NS_SOSAX, sensors[s].cls);
        }
        obj_name(w, NS_RDF, "type", NS_SCHEMA, "Sensor");
        obj_lit(w, NS_SOSAX, "hasSensorInfo", L_STR,
                generic ? "any signal source" : PICK(&r, sensors[s].info));
        obj_iri(w, NS_SSNX, "provideInput", ref);
    }

    /* Requirements: procedure feature 1 is Flash, 2 is RAM. */
    static const char *const mem[2] = {"Flash", "RAM"};
    uint64_t flash = rnd_log(&r, (uint64_t)t->flash_lo * 1000, (uint64_t)t->flash_hi * 1000);
    uint64_t ram = rnd_log(&r, (uint64_t)t->ram_lo * 100, (uint64_t)t->ram_hi * 100);
    bool as_decimal = rnd_pct(&r, 30);
    for (unsigned i = 1; i <= 2; i++) {
        snprintf(iri, sizeof iri, MODEL_NS "%sprocedureFeature_%u_%s", i == 2 ? "/" : "", i, id);
        snprintf(ref, sizeof ref, MODEL_NS "condition_%u_%s", i, id);
        subject_iri(w, iri);
        obj_name(w, NS_RDF, "type", NS_S3N, "ProcedureFeature");
        snprintf(text, sizeof text, "procedureFeature_%u", i);
        obj_lit(w, NS_RDFS, "label", L_STR, text);
        obj_iri(w, NS_SSNS, "inCondition", ref);

        subject_iri(w, ref);
        obj_name(w, NS_RDF, "type", NS_S3NX, mem[i - 1]);
        obj_name(w, NS_RDF, "type", NS_S3N, "Memory");
        obj_lit(w, NS_RDFS, "label", L_STR, i == 1 ? "Flash requirement." : "RAM requirement.");
        if (i == 1) {
            fmt_sci(text, sizeof text, flash, 3, 5);
            obj_lit(w, NS_SCHEMA, "minValue", L_DBL, text);
        } else if (as_decimal) {
            fmt_centi(text, sizeof text, ram);
            obj_lit(w, NS_SCHEMA, "minValue", L_DEC, text);
        } else {
            fmt_sci(text, sizeof text, ram, 2, 3);
            obj_lit(w, NS_SCHEMA, "minValue", L_DBL, text);
        }
        obj_name(w, NS_SCHEMA, "unitCode", NS_OM, "kilobyte");
    }

    /* Layers. */
    snprintf(iri, sizeof iri, MODEL_NS "inputLayer_%s", id);
    write_layer(w, &r, iri, 0, t->family == FAM_TINY ? "FullyConnected" : "Reshape", NULL,
                false, "shapeIn", t->shape_in);
    for (unsigned m = 1; m <= n_middle; m++) {
        snprintf(iri, sizeof iri, MODEL_NS "middleLayer_%u_%s", m, id);
        const char *type = PICK(&r, middle_types[t->family]);
        write_layer(w, &r, iri, m, type, rnd_pct(&r, 95) ? quant : NULL,
                    strcmp(type, "Reshape") != 0, NULL, NULL);
    }
    snprintf(iri, sizeof iri, MODEL_NS "outputLayer_%s", id);
    write_layer(w, &r, iri, n_layers - 1,
                !strcmp(t->category, "Classification") ? "Softmax" : "FullyConnected", NULL,
                false, "shapeOut", t->shape_out);

    /* Metric, input and output. */
    snprintf(iri, sizeof iri, MODEL_NS "metric_1_%s", id);
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_NNET, "Metric");
    obj_name(w, NS_RDF, "type", NS_NNET, t->metric);
    fmt_sci(text, sizeof text, rnd_range(&r, t->metric_lo, t->metric_hi), 1, 3);
    obj_lit(w, NS_NNET, "hasMetricValue", L_DBL, text);

    snprintf(iri, sizeof iri, MODEL_NS "input_%s", id);
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_NNET, "NetworkInput");
    obj_lit(w, NS_NNET, "hasInputInfo", L_STR, t->input_info);

    snprintf(iri, sizeof iri, MODEL_NS "output_%s", id);
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_NNET, "NetworkOutput");
    obj_lit(w, NS_NNET, "hasOutputInfo", L_STR, t->output_info);
}

/* ---- boards ---- */

/* Blank node labels of one board: fixed slots per part, numbered with the
 * board so that they stay unique across boards. */
enum { SLOT_SENSOR = 1, SLOT_MCU = 10, SLOT_CAPABILITY, SLOT_FLASH, SLOT_RAM,
       SLOT_AFFORDANCE = 20, SLOT_FORM = 30 };

static const char *blank_label(char *buf, size_t size, uint64_t board, unsigned slot)
{
    snprintf(buf, size, "b%" PRIu64 "_%u", board + 1, slot);
    return buf;
}

static void write_board(writer *w, uint64_t seed, uint64_t index)
{
    rng r = rng_for(seed, 2, index);
    const size_t fam = (size_t)rnd_below(&r, N_FAMILIES);
    char iri[192], label[48], text[256];
#define BLANK(slot) blank_label(label, sizeof label, index, (slot))

    static const unsigned sensor_pct[S_COUNT] = {
        [S_ACC] = 75, [S_GYR] = 50, [S_MAG] = 30, [S_MIC] = 55, [S_CAM] = 25, [S_THERM] = 50,
    };
    bool has[S_COUNT];
    for (unsigned s = 0; s < S_COUNT; s++) {
        has[s] = rnd_pct(&r, sensor_pct[s]);
    }
    /* RAM spread per octave over 2..1024 kB, then rounded down to a size
     * parts come in; Flash 2 to 32 times the RAM. */
    size_t ri = 0;
    const size_t n_ram = sizeof board_ram / sizeof board_ram[0];
    const size_t n_flash = sizeof board_flash / sizeof board_flash[0];
    uint64_t want = rnd_log(&r, 2, 1024);
    while (ri + 1 < n_ram && board_ram[ri + 1] <= want) {
        ri++;
    }
    const unsigned ram = board_ram[ri];
    size_t lo = 0;
    while (lo + 1 < n_flash && board_flash[lo] < 2 * ram) {
        lo++;
    }
    size_t hi = lo;
    while (hi + 1 < n_flash && board_flash[hi + 1] <= 32 * ram) {
        hi++;
    }
    const unsigned flash = board_flash[rnd_range(&r, lo, hi)];
    /* A few boards do not state their RAM: their verdicts are "unknown". */
    const bool ram_known = rnd_pct(&r, 97);

    snprintf(iri, sizeof iri, BOARD_NS "%s-%06" PRIu64, families[fam].name, index + 1);
    subject_iri(w, iri);
    obj_name(w, NS_RDF, "type", NS_S3N, "SmartSensor");
    for (unsigned s = 0; s < S_COUNT; s++) {
        if (has[s]) {
            obj_blank(w, NS_SSN, "hasSubSystem", BLANK(SLOT_SENSOR + s));
        }
    }
    obj_blank(w, NS_SSN, "hasSubSystem", BLANK(SLOT_MCU));
    snprintf(text, sizeof text, "%s board number %" PRIu64 ".", families[fam].name, index + 1);
    obj_lit(w, NS_TD, "description", L_EN, text);
    for (unsigned s = 0; s < S_COUNT; s++) {
        if (has[s]) {
            obj_blank(w, NS_TD, "hasPropertyAffordance", BLANK(SLOT_AFFORDANCE + s));
        }
    }
    snprintf(text, sizeof text, "%s_%" PRIu64, families[fam].name, index + 1);
    obj_lit(w, NS_TD, "title", L_EN, text);
    if (rnd_pct(&r, 90)) {
        obj_lit(w, NS_TINY, "usbVendorId", L_STR, families[fam].usb_vendor);
        snprintf(text, sizeof text, "%04x", (unsigned)rnd_below(&r, 0x10000));
        obj_lit(w, NS_TINY, "usbProductId", L_STR, text);
    }
    const unsigned rt = (unsigned)rnd_below(&r, 100);
    if (rt < 85) {
        obj_lit(w, NS_TINY, "runtime", L_STR, "TFLite Micro");
    } else if (rt < 90) {
        obj_lit(w, NS_TINY, "runtime", L_STR, "microTVM");
    }
    obj_lit(w, NS_TINY, "cpu", L_STR, families[fam].cpu);
    obj_int(w, NS_TINY, "clockMHz", rnd_range(&r, families[fam].mhz_lo, families[fam].mhz_hi));

    for (unsigned s = 0; s < S_COUNT; s++) {
        if (has[s]) {
            subject_blank(w, BLANK(SLOT_SENSOR + s));
            obj_name(w, NS_RDF, "type", NS_SOSAX, sensors[s].cls);
        }
    }

    /* The microcontroller and its memory. */
    subject_blank(w, BLANK(SLOT_MCU));
    obj_name(w, NS_RDF, "type", NS_S3N, "MicroController");
    obj_lit(w, NS_RDFS, "comment", L_EN, families[fam].cpu);
    obj_blank(w, NS_S3N, "hasSystemCapability", BLANK(SLOT_CAPABILITY));
    subject_blank(w, BLANK(SLOT_CAPABILITY));
    obj_blank(w, NS_SSNS, "hasSystemProperty", BLANK(SLOT_FLASH));
    if (ram_known) {
        obj_blank(w, NS_SSNS, "hasSystemProperty", BLANK(SLOT_RAM));
    }
    for (unsigned slot = SLOT_FLASH; slot <= (ram_known ? SLOT_RAM : SLOT_FLASH); slot++) {
        const bool is_flash = slot == SLOT_FLASH;
        subject_blank(w, BLANK(slot));
        obj_name(w, NS_RDF, "type", NS_S3NX, is_flash ? "Flash" : "RAM");
        obj_lit(w, NS_RDFS, "comment", L_EN, is_flash ? "Flash." : "RAM.");
        obj_name(w, NS_SCHEMA, "unitCode", NS_OM, "kilobyte");
        obj_int(w, NS_SCHEMA, "value", is_flash ? flash : ram);
    }

    /* What the board offers to read (Thing Description affordances). */
    for (unsigned s = 0; s < S_COUNT; s++) {
        if (!has[s]) {
            continue;
        }
        subject_blank(w, BLANK(SLOT_AFFORDANCE + s));
        snprintf(text, sizeof text, "%s data.", sensors[s].title);
        obj_lit(w, NS_TD, "description", L_EN, text);
        obj_blank(w, NS_TD, "hasForm", BLANK(SLOT_FORM + s));
        obj_lit(w, NS_TD, "isObservable", L_BOOL, "true");
        obj_lit(w, NS_TD, "readOnly", L_BOOL, "true");
        obj_lit(w, NS_TD, "title", L_EN, sensors[s].title);
        obj_lit(w, NS_TD, "type", L_EN, s == S_CAM ? "array" : "number");
        obj_lit(w, NS_TD, "unit", L_EN, sensors[s].unit);
        subject_blank(w, BLANK(SLOT_FORM + s));
        snprintf(text, sizeof text, "%s/%s", iri, sensors[s].title);
        obj_lit(w, NS_TD, "href", L_EN, text);
        obj_lit(w, NS_TD, "op", L_EN, "observeproperty");
        obj_lit(w, NS_TD, "op", L_EN, "readproperty");
    }
#undef BLANK
}

/* ---- sizes ---- */

/* Average triples of one model and of one board (kggen --models 10000
 * --boards 0, and the reverse); --triples uses them to pick the number of
 * boards, then writes models until the count is reached. */
#define AVG_MODEL_TRIPLES 126
#define AVG_BOARD_TRIPLES 59
#define MODELS_PER_BOARD 10

static counts generate(writer *w, uint64_t seed, uint64_t models, uint64_t boards,
                       uint64_t triples)
{
    counts c = {0, 0};
    if (w->turtle) {
        for (int i = 0; i < NS_COUNT; i++) {
            fprintf(w->f, "@prefix %s: <%s> .\n", namespaces[i].prefix, namespaces[i].iri);
        }
        putc('\n', w->f);
    }
    if (triples) {
        uint64_t per_board = AVG_BOARD_TRIPLES + MODELS_PER_BOARD * AVG_MODEL_TRIPLES;
        boards = (triples + per_board / 2) / per_board;
        if (boards == 0) {
            boards = 1;
        }
    }
    for (c.boards = 0; c.boards < boards; c.boards++) {
        write_board(w, seed, c.boards);
    }
    for (c.models = 0; triples ? w->triples < triples : c.models < models; c.models++) {
        write_model(w, seed, c.models);
    }
    end_block(w);
    return c;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
    fputs("usage: kggen [--models N --boards M | --triples T] [--seed S]\n"
          "             [--format turtle|ntriples] [-o FILE]\n"
          "\n"
          "Write a synthetic TinyML knowledge graph: N models (nnet:NeuralNetwork\n"
          "with layers, metric, sensors and RAM/Flash requirements) and M boards\n"
          "(s3n:SmartSensor with sensors and a microcontroller's RAM and Flash).\n"
          "--triples writes about T triples (one board per ten models).\n"
          "The same arguments always give the same output. A summary goes to stderr.\n"
          "\n"
          "  -m, --models N     models to write (default 20)\n"
          "  -b, --boards M     boards to write (default 5)\n"
          "  -t, --triples T    write about T triples instead\n"
          "  -s, --seed S       PRNG seed (default 1)\n"
          "  -f, --format F     turtle (default) or ntriples\n"
          "  -o, --output FILE  write to FILE instead of stdout\n"
          "  -h, --help         show this help\n",
          f);
}

static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '\0') {
        return false;
    }
    unsigned long long v = strtoull(s, &end, 10);
    /* Allow a k or M suffix for sizes: --triples 1M. */
    if (*end == 'k' || *end == 'K') {
        v *= 1000;
        end++;
    } else if (*end == 'M') {
        v *= 1000000;
        end++;
    }
    if (errno || *end || v > max) {
        return false;
    }
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"models", required_argument, NULL, 'm'}, {"boards", required_argument, NULL, 'b'},
        {"triples", required_argument, NULL, 't'}, {"seed", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    uint64_t models = 20, boards = 5, triples = 0, seed = 1;
    bool sized_by_count = false;
    const char *output = NULL;
    bool turtle = true;
    int c;
    while ((c = getopt_long(argc, argv, "m:b:t:s:f:o:h", longopts, NULL)) != -1) {
        const uint64_t limit = 100000000; /* a bound on what one run may write */
        switch (c) {
        case 'm':
        case 'b':
            if (!parse_count(optarg, limit, c == 'm' ? &models : &boards)) {
                fprintf(stderr, "kggen: bad count '%s'\n", optarg);
                return 2;
            }
            sized_by_count = true;
            break;
        case 't':
            if (!parse_count(optarg, 10 * limit, &triples) || triples == 0) {
                fprintf(stderr, "kggen: bad triple count '%s'\n", optarg);
                return 2;
            }
            break;
        case 's':
            if (!parse_count(optarg, UINT64_MAX, &seed)) {
                fprintf(stderr, "kggen: bad seed '%s'\n", optarg);
                return 2;
            }
            break;
        case 'f':
            if (!strcmp(optarg, "turtle") || !strcmp(optarg, "ttl")) {
                turtle = true;
            } else if (!strcmp(optarg, "ntriples") || !strcmp(optarg, "nt")) {
                turtle = false;
            } else {
                fprintf(stderr, "kggen: unknown format '%s' (turtle or ntriples)\n", optarg);
                return 2;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc || (triples && sized_by_count)) {
        usage(stderr);
        return 2;
    }

    FILE *f = output ? fopen(output, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "kggen: %s: %s\n", output, strerror(errno));
        return 1;
    }
    static char buffer[1 << 16];
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    writer w = {.f = f, .turtle = turtle, .last_ns = -1};
    counts n = generate(&w, seed, models, boards, triples);
    int failed = ferror(f);
    if (output) {
        failed |= fclose(f);
    } else {
        failed |= fflush(f);
    }
    if (failed) {
        fprintf(stderr, "kggen: %s: write error\n", output ? output : "stdout");
        return 1;
    }
    fprintf(stderr, "kggen: %" PRIu64 " models, %" PRIu64 " boards, %" PRIu64 " triples\n",
            n.models, n.boards, w.triples);
    return 0;
}
