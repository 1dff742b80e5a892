/* Fuzz the quick filter language: compile, then match against a small catalog. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tinyscope/buf.h"
#include "tinyscope/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ts_catalog *catalog(void)
{
    static ts_catalog *cat;
    if (!cat) {
        cat = ts_catalog_new();
        ts_catalog_subclass(cat, "http://e/Camera", "http://www.w3.org/ns/sosa/Sensor");
        ts_device *d = ts_catalog_device(cat, "http://e/board");
        ts_set_str(&d->name, "Board One");
        d->ram_kb = 256;
        ts_device_add_sensor(cat, d, "http://e/Camera");
        ts_device_add_runtime(d, "TFLite Micro");
        ts_model *m = ts_catalog_model(cat, "http://e/model");
        ts_set_str(&m->name, "Model One");
        m->ram_kb = 100;
        m->flash_kb = 200;
        ts_model_add_sensor(cat, m, "http://e/Camera");
        ts_catalog_finish(cat);
    }
    return cat;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    ts_catalog *cat = catalog();
    char *text = ts_strndup((const char *)data + 1, size - 1);
    ts_filter_target target = (data[0] & 1) ? TS_FILTER_MODELS : TS_FILTER_DEVICES;
    ts_error err;
    ts_filter *f = ts_filter_compile(text, target, cat, &err);
    if (f) {
        ts_filter_match_device(f, cat, cat->devices[0]);
        ts_filter_match_model(f, cat, cat->models[0]);
    }
    ts_filter_free(f);
    free(text);
    return 0;
}
