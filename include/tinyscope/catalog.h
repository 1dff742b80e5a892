/*
 * The catalog: boards (devices) and models as plain records, built from the
 * view queries in ontology/views, plus the sensor class hierarchy that the
 * compatibility engine needs. Records are owned by the catalog.
 */
#ifndef TINYSCOPE_CATALOG_H
#define TINYSCOPE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tinyscope/strmap.h"

typedef struct {
    long index;         /**< position in the model, -1 if not stated */
    char *role;         /**< "input", "middle" or "output" (may be NULL) */
    char *type;         /**< e.g. "CONV_2D" */
    char *activation;
    char *quantization;
    char *shape_in;
    char *shape_out;
} ts_layer;

typedef struct {
    char *iri;
    char *name;         /**< TD title, label or shortened IRI; never NULL */
    char *description;
    double ram_kb;      /**< NAN when not stated */
    double flash_kb;    /**< NAN when not stated */
    char **runtimes;    /**< runtimes the board supports */
    size_t n_runtimes;
    char *cpu;
    double clock_mhz;   /**< NAN when not stated */
    char *usb_vid;      /**< 4 lowercase hex digits, or NULL */
    char *usb_pid;
    size_t *sensors;    /**< sensor class indices of its subsystems */
    size_t n_sensors;
    uint64_t *has;      /**< classes it has: its sensors and all their superclasses */
    char ram_text[24];  /**< ram_kb as text ("%g"), set by ts_catalog_finish */
    char flash_text[24];
    size_t *runtime_ids; /**< runtimes as ids of equal meaning (after finish) */
} ts_device;

typedef struct {
    char *iri;
    char *name;         /**< never NULL */
    char *identifier;
    char *description;
    char *creator;
    char *category;     /**< category IRI */
    char *runtime;
    char *dataset;
    char *citation;
    char *metric;       /**< metric class IRI, e.g. nnet:Top_1_accuracy */
    double metric_value; /**< NAN when not stated */
    double macs;        /**< NAN when not stated */
    double ram_kb;      /**< NAN when not stated */
    double flash_kb;    /**< NAN when not stated */
    size_t *sensors;    /**< sensor classes that must provide its input */
    size_t n_sensors;
    uint64_t *needs;    /**< the same as a bitset */
    ts_layer *layers;   /**< by index */
    size_t n_layers;
    char ram_text[24];  /**< ram_kb as text ("%g"), set by ts_catalog_finish */
    char flash_text[24];
    size_t runtime_id;  /**< the runtime's id (after finish); SIZE_MAX: none */
} ts_model;

typedef struct ts_catalog ts_catalog;

struct ts_catalog {
    ts_device **devices;
    size_t n_devices;
    ts_model **models;
    size_t n_models;
    char **classes;     /**< sensor (and other) class IRIs by index */
    const char **class_names; /**< their short names (after finish; point into classes) */
    size_t n_classes;
    size_t words;       /**< uint64_t words in each class bitset (after finish) */
    /* private */
    ts_strmap class_index, device_index, model_index, runtime_index;
    size_t cap_devices, cap_models, cap_classes;
    size_t *sub, *super; /**< subclass edges */
    size_t n_edges, cap_edges;
    uint64_t *ancestors; /**< per class: itself and every superclass */
    uint64_t *pool;      /**< device and model bitsets */
    bool finished;
};

ts_catalog *ts_catalog_new(void);
/** Free the catalog and all its records. NULL is allowed. */
void ts_catalog_free(ts_catalog *cat);

/** The index of a class IRI, interning it. */
size_t ts_catalog_class(ts_catalog *cat, const char *iri);
/** Record that sub is a subclass of super (rdfs:subClassOf). */
void ts_catalog_subclass(ts_catalog *cat, const char *sub, const char *super);

/** The device (or model) with this IRI, created empty when new. */
ts_device *ts_catalog_device(ts_catalog *cat, const char *iri);
ts_model *ts_catalog_model(ts_catalog *cat, const char *iri);
/** Lookups that never create; NULL when absent. */
ts_device *ts_catalog_get_device(const ts_catalog *cat, const char *iri);
ts_model *ts_catalog_get_model(const ts_catalog *cat, const char *iri);

void ts_device_add_sensor(ts_catalog *cat, ts_device *d, const char *class_iri);
void ts_device_add_runtime(ts_device *d, const char *runtime);
/** Generic classes (sosa:Sensor, schema:Sensor, ...) are not requirements and are ignored. */
void ts_model_add_sensor(ts_catalog *cat, ts_model *m, const char *class_iri);
ts_layer *ts_model_add_layer(ts_model *m);

/** Set a string field, replacing (and freeing) the old value. */
void ts_set_str(char **field, const char *value);

/**
 * Compute the class closure (rdfs:subClassOf*, cycles tolerated) and each
 * record's bitsets; sort devices and models by name and layers by index.
 * Call once after all records are added.
 */
void ts_catalog_finish(ts_catalog *cat);

/** True when class a is b or a subclass of b (after finish). */
bool ts_catalog_is_a(const ts_catalog *cat, size_t a, size_t b);

/**
 * A runtime name reduced to what identifies it: lowercase letters and digits,
 * with the names TFLite Micro goes by ("TFLite Micro", "TFLM", "TensorFlow
 * Lite for Microcontrollers", ...) folded to "tflm".
 */
void ts_runtime_key(const char *name, char *out, size_t n);

/** The short name of a class IRI: the part after the last '#' or '/'. */
const char *ts_class_short_name(const char *iri);

/**
 * Find devices (or models) by name, identifier or IRI: exact matches
 * (case-insensitive on names, '_', '-' and ' ' alike) if there are any,
 * else those whose name contains the text. Fills out (capacity max),
 * returns how many matched in all, and tells in *exact (may be NULL)
 * whether they were exact matches.
 */
size_t ts_catalog_find_devices(const ts_catalog *cat, const char *text, ts_device **out,
                               size_t max, bool *exact);
size_t ts_catalog_find_models(const ts_catalog *cat, const char *text, ts_model **out,
                              size_t max, bool *exact);

#endif
