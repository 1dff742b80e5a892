#include <math.h>

#include "test.h"
#include "tinyscope/compat.h"

#define SOSA "http://www.w3.org/ns/sosa/"
#define EXT "http://tinyml-schema.org/sosa_extend/"

static ts_catalog *build(void)
{
    ts_catalog *cat = ts_catalog_new();
    ts_catalog_subclass(cat, EXT "Camera", SOSA "Sensor");
    ts_catalog_subclass(cat, EXT "Microphone", SOSA "Sensor");
    ts_catalog_subclass(cat, EXT "Accelerometer", SOSA "Sensor");
    /* A more specific class satisfies a need for its superclass. */
    ts_catalog_subclass(cat, "http://e/PDMMicrophone", EXT "Microphone");
    /* A cycle must not hang the closure. */
    ts_catalog_subclass(cat, "http://e/A", "http://e/B");
    ts_catalog_subclass(cat, "http://e/B", "http://e/A");

    ts_device *big = ts_catalog_device(cat, "http://e/big");
    ts_set_str(&big->name, "Big Board");
    big->ram_kb = 256;
    big->flash_kb = 1024;
    ts_device_add_sensor(cat, big, EXT "Camera");
    ts_device_add_sensor(cat, big, "http://e/PDMMicrophone");
    ts_device_add_runtime(big, "TensorFlow Lite Micro");

    ts_device *small = ts_catalog_device(cat, "http://e/small");
    ts_set_str(&small->name, "Small_Board");
    small->ram_kb = 25;
    small->flash_kb = 128;
    ts_device_add_sensor(cat, small, EXT "Microphone");
    ts_device_add_runtime(small, "Syntiant NDP");

    ts_device *vague = ts_catalog_device(cat, "http://e/vague");
    ts_set_str(&vague->name, "Vague Board");
    vague->flash_kb = 2048; /* RAM not stated */
    ts_device_add_sensor(cat, vague, EXT "Camera");

    ts_model *person = ts_catalog_model(cat, "http://e/person");
    ts_set_str(&person->name, "Person_Detection");
    person->ram_kb = 136;
    person->flash_kb = 300.5;
    ts_set_str(&person->runtime, "TFLite Micro");
    ts_model_add_sensor(cat, person, EXT "Camera");
    ts_model_add_sensor(cat, person, "https://schema.org/Sensor"); /* generic: ignored */

    ts_model *kws = ts_catalog_model(cat, "http://e/kws");
    ts_set_str(&kws->name, "Micro_Speech");
    ts_set_str(&kws->identifier, "02ed1b17");
    kws->ram_kb = 10;
    kws->flash_kb = 20;
    ts_set_str(&kws->runtime, "TFLite Micro");
    ts_model_add_sensor(cat, kws, EXT "Microphone");

    ts_model *anon = ts_catalog_model(cat, "http://e/anon_model");
    anon->flash_kb = 1; /* RAM unknown */
    ts_catalog_finish(cat);
    return cat;
}

static void check_cell(ts_catalog *cat, const char *model, const char *device,
                       ts_verdict verdict, const char *reasons)
{
    ts_model *m = ts_catalog_get_model(cat, model);
    ts_device *d = ts_catalog_get_device(cat, device);
    CHECK(m && d);
    if (!m || !d) {
        return;
    }
    ts_cell c = ts_compat_check(cat, m, d);
    CHECK_STR(ts_verdict_name(c.verdict), ts_verdict_name(verdict));
    ts_buf b = {0};
    ts_compat_reasons(cat, m, d, &c, &b);
    CHECK_STR(ts_buf_str(&b), reasons);
    ts_buf_free(&b);
}

int main(void)
{
    ts_catalog *cat = build();
    /* Sorted by name after finish; names default to the IRI's last part. */
    CHECK_STR(cat->devices[0]->name, "Big Board");
    CHECK_STR(cat->devices[1]->name, "Small_Board");
    CHECK_STR(cat->models[0]->name, "anon_model");
    ts_model *person = ts_catalog_get_model(cat, "http://e/person");
    CHECK_INT(person->n_sensors, 1); /* schema:Sensor is not a requirement */

    size_t pdm = ts_catalog_class(cat, "http://e/PDMMicrophone");
    size_t mic = ts_catalog_class(cat, EXT "Microphone");
    size_t sensor = ts_catalog_class(cat, SOSA "Sensor");
    CHECK(ts_catalog_is_a(cat, pdm, mic));
    CHECK(ts_catalog_is_a(cat, pdm, sensor));
    CHECK(!ts_catalog_is_a(cat, mic, pdm));
    CHECK(ts_catalog_is_a(cat, ts_catalog_class(cat, "http://e/A"),
                          ts_catalog_class(cat, "http://e/B")));

    check_cell(cat, "http://e/person", "http://e/big", TS_FITS, "");
    check_cell(cat, "http://e/kws", "http://e/big", TS_FITS, ""); /* PDM mic is a mic */
    check_cell(cat, "http://e/person", "http://e/small", TS_NO,
               "RAM 136 kB > 25 kB; Flash 300.5 kB > 128 kB; no Camera; "
               "runtime TFLite Micro not supported");
    check_cell(cat, "http://e/kws", "http://e/small", TS_NO,
               "runtime TFLite Micro not supported");
    /* Unknown board RAM: unknown, never a silent yes. */
    check_cell(cat, "http://e/person", "http://e/vague", TS_UNKNOWN, "board RAM not stated");
    /* A definite failure outweighs an unknown. */
    check_cell(cat, "http://e/kws", "http://e/vague", TS_NO,
               "no Microphone; board RAM not stated");
    check_cell(cat, "http://e/anon_model", "http://e/big", TS_UNKNOWN, "model RAM not stated");

    ts_cell c = ts_compat_check(cat, person, ts_catalog_get_device(cat, "http://e/big"));
    CHECK_NEAR(c.ram_pct, 53.125, 1e-9);
    CHECK_NEAR(c.flash_pct, 300.5 / 1024 * 100, 1e-9);
    c = ts_compat_check(cat, person, ts_catalog_get_device(cat, "http://e/vague"));
    CHECK(isnan(c.ram_pct));
    CHECK(c.unknown == TS_NEED_RAM && c.failing == 0);

    CHECK(ts_runtime_equal("TFLite Micro", "tflm"));
    CHECK(ts_runtime_equal("TensorFlow Lite for Microcontrollers", "TFLite-Micro"));
    CHECK(!ts_runtime_equal("TFLite Micro", "Edge Impulse"));

    /* Finding by name, identifier or IRI; exact before partial. */
    ts_device *found[4];
    bool exact = false;
    CHECK_INT(ts_catalog_find_devices(cat, "small board", found, 4, &exact), 1);
    CHECK_STR(found[0]->iri, "http://e/small");
    CHECK(exact);
    CHECK_INT(ts_catalog_find_devices(cat, "board", found, 4, &exact), 3);
    CHECK(!exact);
    CHECK_INT(ts_catalog_find_devices(cat, "http://e/vague", found, 4, &exact), 1);
    CHECK_INT(ts_catalog_find_devices(cat, "nothing like it", found, 4, &exact), 0);
    ts_model *models[4];
    CHECK_INT(ts_catalog_find_models(cat, "02ED1B17", models, 4, &exact), 1);
    CHECK_STR(models[0]->name, "Micro_Speech");
    CHECK_INT(ts_catalog_find_models(cat, "micro speech", models, 4, &exact), 1);
    CHECK_STR(ts_class_short_name("http://e/x#Camera"), "Camera");
    CHECK_STR(ts_class_short_name("http://e/x/Mic"), "Mic");
    CHECK_STR(ts_class_short_name("noslash"), "noslash");

    ts_catalog_free(cat);
    ts_catalog_free(NULL);
    return test_done();
}
