#include "tinyscope/catalog.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/buf.h"

/* Classes every sensor belongs to: saying a model needs "a sensor" says
 * nothing a board could fail. */
static const char *const generic_classes[] = {
    "https://schema.org/Sensor",
    "http://schema.org/Sensor",
    "http://www.w3.org/ns/sosa/Sensor",
    "http://www.w3.org/ns/ssn/System",
    "http://tinyml-schema.org/sosa_extend/OtherSensor",
    "http://www.w3.org/2002/07/owl#Thing",
    "http://www.w3.org/2000/01/rdf-schema#Resource",
};

static bool is_generic_class(const char *iri)
{
    for (size_t i = 0; i < sizeof generic_classes / sizeof generic_classes[0]; i++) {
        if (!strcmp(iri, generic_classes[i])) {
            return true;
        }
    }
    return false;
}

ts_catalog *ts_catalog_new(void)
{
    return ts_calloc(1, sizeof(ts_catalog));
}

static void free_device(ts_device *d)
{
    free(d->iri);
    free(d->name);
    free(d->description);
    for (size_t i = 0; i < d->n_runtimes; i++) {
        free(d->runtimes[i]);
    }
    free(d->runtimes);
    free(d->cpu);
    free(d->usb_vid);
    free(d->usb_pid);
    free(d->sensors);
    free(d->runtime_ids);
    free(d);
}

static void free_model(ts_model *m)
{
    char **strs[] = {&m->iri,     &m->name,    &m->identifier, &m->description,
                     &m->creator, &m->category, &m->runtime,   &m->dataset,
                     &m->citation, &m->metric};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
    }
    free(m->sensors);
    for (size_t i = 0; i < m->n_layers; i++) {
        ts_layer *l = &m->layers[i];
        free(l->role);
        free(l->type);
        free(l->activation);
        free(l->quantization);
        free(l->shape_in);
        free(l->shape_out);
    }
    free(m->layers);
    free(m);
}

void ts_catalog_free(ts_catalog *cat)
{
    if (!cat) {
        return;
    }
    for (size_t i = 0; i < cat->n_devices; i++) {
        free_device(cat->devices[i]);
    }
    for (size_t i = 0; i < cat->n_models; i++) {
        free_model(cat->models[i]);
    }
    free(cat->devices);
    free(cat->models);
    for (size_t i = 0; i < cat->n_classes; i++) {
        free(cat->classes[i]);
    }
    free(cat->classes);
    free(cat->class_names);
    ts_strmap_free(&cat->class_index);
    ts_strmap_free(&cat->device_index);
    ts_strmap_free(&cat->model_index);
    ts_strmap_free(&cat->runtime_index);
    free(cat->sub);
    free(cat->super);
    free(cat->ancestors);
    free(cat->pool);
    free(cat);
}

void ts_set_str(char **field, const char *value)
{
    free(*field);
    *field = value ? ts_strdup(value) : NULL;
}

size_t ts_catalog_class(ts_catalog *cat, const char *iri)
{
    bool inserted;
    size_t *slot = ts_strmap_slot(&cat->class_index, iri, &inserted);
    if (inserted) {
        if (cat->n_classes == cat->cap_classes) {
            cat->cap_classes = cat->cap_classes ? cat->cap_classes * 2 : 32;
            cat->classes = ts_reallocarray(cat->classes, cat->cap_classes, sizeof *cat->classes);
        }
        *slot = cat->n_classes;
        cat->classes[cat->n_classes++] = ts_strdup(iri);
    }
    return *slot;
}

void ts_catalog_subclass(ts_catalog *cat, const char *sub, const char *super)
{
    size_t a = ts_catalog_class(cat, sub);
    size_t b = ts_catalog_class(cat, super);
    if (cat->n_edges == cat->cap_edges) {
        cat->cap_edges = cat->cap_edges ? cat->cap_edges * 2 : 32;
        cat->sub = ts_reallocarray(cat->sub, cat->cap_edges, sizeof *cat->sub);
        cat->super = ts_reallocarray(cat->super, cat->cap_edges, sizeof *cat->super);
    }
    cat->sub[cat->n_edges] = a;
    cat->super[cat->n_edges] = b;
    cat->n_edges++;
}

/* Shared by devices and models: find or append a record by IRI. */
static void *record_for(ts_strmap *index, void ***arr, size_t *n, size_t *cap,
                        size_t size, const char *iri, bool *created)
{
    bool inserted;
    size_t *slot = ts_strmap_slot(index, iri, &inserted);
    *created = inserted;
    if (!inserted) {
        return (*arr)[*slot];
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *arr = ts_reallocarray(*arr, *cap, sizeof **arr);
    }
    void *rec = ts_calloc(1, size);
    *slot = *n;
    (*arr)[(*n)++] = rec;
    return rec;
}

ts_device *ts_catalog_device(ts_catalog *cat, const char *iri)
{
    bool created;
    ts_device *d = record_for(&cat->device_index, (void ***)&cat->devices, &cat->n_devices,
                              &cat->cap_devices, sizeof *d, iri, &created);
    if (created) {
        d->iri = ts_strdup(iri);
        d->ram_kb = d->flash_kb = d->clock_mhz = NAN;
    }
    return d;
}

ts_model *ts_catalog_model(ts_catalog *cat, const char *iri)
{
    bool created;
    ts_model *m = record_for(&cat->model_index, (void ***)&cat->models, &cat->n_models,
                             &cat->cap_models, sizeof *m, iri, &created);
    if (created) {
        m->iri = ts_strdup(iri);
        m->metric_value = m->macs = m->ram_kb = m->flash_kb = NAN;
    }
    return m;
}

ts_device *ts_catalog_get_device(const ts_catalog *cat, const char *iri)
{
    size_t *slot = ts_strmap_get(&cat->device_index, iri);
    return slot ? cat->devices[*slot] : NULL;
}

ts_model *ts_catalog_get_model(const ts_catalog *cat, const char *iri)
{
    size_t *slot = ts_strmap_get(&cat->model_index, iri);
    return slot ? cat->models[*slot] : NULL;
}

static void add_index(size_t **arr, size_t *n, size_t value)
{
    for (size_t i = 0; i < *n; i++) {
        if ((*arr)[i] == value) {
            return;
        }
    }
    *arr = ts_reallocarray(*arr, *n + 1, sizeof **arr);
    (*arr)[(*n)++] = value;
}

void ts_device_add_sensor(ts_catalog *cat, ts_device *d, const char *class_iri)
{
    add_index(&d->sensors, &d->n_sensors, ts_catalog_class(cat, class_iri));
}

void ts_device_add_runtime(ts_device *d, const char *runtime)
{
    for (size_t i = 0; i < d->n_runtimes; i++) {
        if (!strcmp(d->runtimes[i], runtime)) {
            return;
        }
    }
    d->runtimes = ts_reallocarray(d->runtimes, d->n_runtimes + 1, sizeof *d->runtimes);
    d->runtimes[d->n_runtimes++] = ts_strdup(runtime);
}

void ts_model_add_sensor(ts_catalog *cat, ts_model *m, const char *class_iri)
{
    if (!is_generic_class(class_iri)) {
        add_index(&m->sensors, &m->n_sensors, ts_catalog_class(cat, class_iri));
    }
}

ts_layer *ts_model_add_layer(ts_model *m)
{
    m->layers = ts_reallocarray(m->layers, m->n_layers + 1, sizeof *m->layers);
    ts_layer *l = &m->layers[m->n_layers++];
    memset(l, 0, sizeof *l);
    l->index = -1;
    return l;
}

static inline void bit_set(uint64_t *bits, size_t i)
{
    bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline bool bit_get(const uint64_t *bits, size_t i)
{
    return (bits[i / 64] >> (i % 64)) & 1;
}

bool ts_catalog_is_a(const ts_catalog *cat, size_t a, size_t b)
{
    return a < cat->n_classes && b < cat->n_classes &&
           bit_get(cat->ancestors + a * cat->words, b);
}

static int cmp_device(const void *a, const void *b)
{
    const ts_device *x = *(ts_device *const *)a, *y = *(ts_device *const *)b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : strcmp(x->iri, y->iri);
}

static int cmp_model(const void *a, const void *b)
{
    const ts_model *x = *(ts_model *const *)a, *y = *(ts_model *const *)b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : strcmp(x->iri, y->iri);
}

static int cmp_layer(const void *a, const void *b)
{
    const ts_layer *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Lowercase letters and digits only, with the names TFLite Micro goes by
 * folded to one. */
void ts_runtime_key(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++) {
        if (isalnum((unsigned char)*s)) {
            out[k++] = (char)tolower((unsigned char)*s);
        }
    }
    out[k] = '\0';
    static const char *const tflm[] = {
        "tflitemicro", "tflm", "tensorflowlitemicro", "tensorflowliteformicrocontrollers",
        "tflitemicrocontrollers", "litertmicro", "litertformicrocontrollers",
    };
    for (size_t i = 0; i < sizeof tflm / sizeof tflm[0]; i++) {
        if (!strcmp(out, tflm[i])) {
            snprintf(out, n, "tflm");
            return;
        }
    }
}

static size_t runtime_id(ts_catalog *cat, const char *name)
{
    char key[128];
    ts_runtime_key(name, key, sizeof key);
    bool inserted;
    size_t *slot = ts_strmap_slot(&cat->runtime_index, key, &inserted);
    if (inserted) {
        *slot = cat->runtime_index.count - 1;
    }
    return *slot;
}

const char *ts_class_short_name(const char *iri)
{
    const char *hash = strrchr(iri, '#');
    const char *slash = strrchr(iri, '/');
    const char *cut = hash > slash ? hash : slash;
    return (cut && cut[1]) ? cut + 1 : iri;
}

void ts_catalog_finish(ts_catalog *cat)
{
    size_t words = (cat->n_classes + 63) / 64;
    if (words == 0) {
        words = 1;
    }
    cat->words = words;
    free(cat->class_names);
    cat->class_names = ts_calloc(cat->n_classes + 1, sizeof *cat->class_names);
    for (size_t c = 0; c < cat->n_classes; c++) {
        cat->class_names[c] = ts_class_short_name(cat->classes[c]);
    }
    free(cat->ancestors);
    cat->ancestors = ts_calloc(ts_mul_size(cat->n_classes ? cat->n_classes : 1, words),
                               sizeof(uint64_t));
    for (size_t c = 0; c < cat->n_classes; c++) {
        bit_set(cat->ancestors + c * words, c);
    }
    /* Propagate superclass sets until nothing changes; class hierarchies are
     * shallow, and a cycle simply makes its members equivalent. */
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t e = 0; e < cat->n_edges; e++) {
            uint64_t *sub = cat->ancestors + cat->sub[e] * words;
            const uint64_t *sup = cat->ancestors + cat->super[e] * words;
            for (size_t w = 0; w < words; w++) {
                uint64_t merged = sub[w] | sup[w];
                if (merged != sub[w]) {
                    sub[w] = merged;
                    changed = true;
                }
            }
        }
    }
    free(cat->pool);
    cat->pool = ts_calloc(ts_mul_size(cat->n_devices + cat->n_models + 1, words),
                          sizeof(uint64_t));
    uint64_t *next = cat->pool;
    for (size_t i = 0; i < cat->n_devices; i++) {
        ts_device *d = cat->devices[i];
        d->has = next;
        next += words;
        for (size_t s = 0; s < d->n_sensors; s++) {
            const uint64_t *anc = cat->ancestors + d->sensors[s] * words;
            for (size_t w = 0; w < words; w++) {
                d->has[w] |= anc[w];
            }
        }
    }
    for (size_t i = 0; i < cat->n_models; i++) {
        ts_model *m = cat->models[i];
        m->needs = next;
        next += words;
        for (size_t s = 0; s < m->n_sensors; s++) {
            bit_set(m->needs, m->sensors[s]);
        }
        if (m->n_layers) {
            qsort(m->layers, m->n_layers, sizeof *m->layers, cmp_layer);
        }
    }
    /* Numbers as the reasons print them, formatted once: a large matrix
     * would otherwise spend most of its time in printf. */
    for (size_t i = 0; i < cat->n_devices; i++) {
        ts_device *d = cat->devices[i];
        free(d->runtime_ids);
        d->runtime_ids = ts_calloc(d->n_runtimes + 1, sizeof *d->runtime_ids);
        for (size_t r = 0; r < d->n_runtimes; r++) {
            d->runtime_ids[r] = runtime_id(cat, d->runtimes[r]);
        }
        snprintf(d->ram_text, sizeof d->ram_text, "%g", d->ram_kb);
        snprintf(d->flash_text, sizeof d->flash_text, "%g", d->flash_kb);
    }
    for (size_t i = 0; i < cat->n_models; i++) {
        ts_model *m = cat->models[i];
        m->runtime_id = m->runtime ? runtime_id(cat, m->runtime) : SIZE_MAX;
        snprintf(m->ram_text, sizeof m->ram_text, "%g", m->ram_kb);
        snprintf(m->flash_text, sizeof m->flash_text, "%g", m->flash_kb);
    }
    for (size_t i = 0; i < cat->n_devices; i++) {
        if (!cat->devices[i]->name) {
            cat->devices[i]->name = ts_strdup(ts_class_short_name(cat->devices[i]->iri));
        }
    }
    for (size_t i = 0; i < cat->n_models; i++) {
        if (!cat->models[i]->name) {
            cat->models[i]->name = ts_strdup(ts_class_short_name(cat->models[i]->iri));
        }
    }
    if (cat->n_devices) {
        qsort(cat->devices, cat->n_devices, sizeof *cat->devices, cmp_device);
    }
    if (cat->n_models) {
        qsort(cat->models, cat->n_models, sizeof *cat->models, cmp_model);
    }
    for (size_t i = 0; i < cat->n_devices; i++) {
        *ts_strmap_get(&cat->device_index, cat->devices[i]->iri) = i;
    }
    for (size_t i = 0; i < cat->n_models; i++) {
        *ts_strmap_get(&cat->model_index, cat->models[i]->iri) = i;
    }
    cat->finished = true;
}

/* Matching by name for `fits NAME` and fits: filters. Names compare
 * case-insensitively with '_', '-' and ' ' treated alike, so that
 * "Arduino Nano 33 BLE" finds "Arduino-Nano-BLE-33"-style titles only when
 * the words agree. */
static bool name_char_eq(char a, char b)
{
    if (a == '_' || a == '-') {
        a = ' ';
    }
    if (b == '_' || b == '-') {
        b = ' ';
    }
    return (a | 0x20) == (b | 0x20) || a == b;
}

static bool name_equal(const char *a, const char *b)
{
    if (!a || !b) {
        return false;
    }
    while (*a && *b && name_char_eq(*a, *b)) {
        a++;
        b++;
    }
    return !*a && !*b;
}

static bool name_contains(const char *hay, const char *needle)
{
    if (!hay) {
        return false;
    }
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && name_char_eq(hay[i], needle[i])) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

#define FIND_RECORDS(type, arr, count, extra_exact)                                    \
    size_t found = 0;                                                                  \
    int pass = 0;                                                                      \
    for (; pass < 2 && found == 0; pass++) {                                           \
        for (size_t i = 0; i < (count); i++) {                                         \
            const type *r = (arr)[i];                                                  \
            bool hit = pass == 0 ? (!strcmp(r->iri, text) || name_equal(r->name, text) \
                                    || (extra_exact))                                  \
                                 : name_contains(r->name, text);                       \
            if (hit) {                                                                 \
                if (found < max) {                                                     \
                    out[found] = (arr)[i];                                             \
                }                                                                      \
                found++;                                                               \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
    if (exact) {                                                                       \
        *exact = found && pass == 1;                                                   \
    }                                                                                  \
    return found

size_t ts_catalog_find_devices(const ts_catalog *cat, const char *text, ts_device **out,
                               size_t max, bool *exact)
{
    FIND_RECORDS(ts_device, cat->devices, cat->n_devices, false);
}

size_t ts_catalog_find_models(const ts_catalog *cat, const char *text, ts_model **out,
                              size_t max, bool *exact)
{
    FIND_RECORDS(ts_model, cat->models, cat->n_models,
                 (r->identifier && !strcasecmp(r->identifier, text)));
}
