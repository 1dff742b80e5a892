#include <math.h>

#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/filter.h"

#define EXT "http://tinyml-schema.org/sosa_extend/"

static ts_catalog *build(void)
{
    ts_catalog *cat = ts_catalog_new();
    ts_catalog_subclass(cat, EXT "Camera", "http://www.w3.org/ns/sosa/Sensor");
    ts_catalog_subclass(cat, EXT "Microphone", "http://www.w3.org/ns/sosa/Sensor");
    ts_device *a = ts_catalog_device(cat, "http://e/nano");
    ts_set_str(&a->name, "Arduino Nano 33 BLE");
    a->ram_kb = 256;
    a->flash_kb = 1024;
    ts_device_add_sensor(cat, a, EXT "Microphone");
    ts_device_add_runtime(a, "TFLite Micro");
    ts_set_str(&a->usb_vid, "2341");
    ts_set_str(&a->usb_pid, "805a");
    ts_device *b = ts_catalog_device(cat, "http://e/eye");
    ts_set_str(&b->name, "ESP32-S3-EYE");
    b->ram_kb = 512;
    b->flash_kb = 8192;
    ts_device_add_sensor(cat, b, EXT "Camera");
    ts_device_add_sensor(cat, b, EXT "Microphone");
    ts_device *c = ts_catalog_device(cat, "http://e/tiny");
    ts_set_str(&c->name, "Tiny \"Quoted\" Board");
    c->flash_kb = 64;

    ts_model *m1 = ts_catalog_model(cat, "http://e/person");
    ts_set_str(&m1->name, "Person_Detection");
    ts_set_str(&m1->category, "http://tinyml-schema.org/networkschema#Classification");
    ts_set_str(&m1->creator, "Google");
    m1->ram_kb = 136;
    m1->flash_kb = 300;
    m1->macs = 7.2e6;
    m1->metric_value = 0.84;
    ts_model_add_sensor(cat, m1, EXT "Camera");
    ts_model *m2 = ts_catalog_model(cat, "http://e/speech");
    ts_set_str(&m2->name, "Micro_Speech_Yes_No");
    ts_set_str(&m2->category, "http://tinyml-schema.org/networkschema#Classification");
    ts_set_str(&m2->creator, "Google");
    ts_set_str(&m2->runtime, "TFLite Micro");
    m2->ram_kb = 10;
    m2->flash_kb = 18.7;
    m2->macs = 3.36e5;
    ts_model_add_sensor(cat, m2, EXT "Microphone");
    ts_model *m3 = ts_catalog_model(cat, "http://e/ad");
    ts_set_str(&m3->name, "Anomaly");
    ts_set_str(&m3->category, "http://tinyml-schema.org/networkschema#Unsupervised");
    ts_set_str(&m3->creator, "Arm");
    ts_catalog_finish(cat);
    return cat;
}

/* The names of the models (or devices) the filter keeps, space-separated. */
static char *kept(ts_catalog *cat, ts_filter_target target, const char *text)
{
    ts_error err;
    ts_filter *f = ts_filter_compile(text, target, cat, &err);
    if (!f) {
        return ts_asprintf("error %u: %s", err.col, err.message);
    }
    ts_buf b = {0};
    size_t n = target == TS_FILTER_MODELS ? cat->n_models : cat->n_devices;
    for (size_t i = 0; i < n; i++) {
        bool keep = target == TS_FILTER_MODELS
                        ? ts_filter_match_model(f, cat, cat->models[i])
                        : ts_filter_match_device(f, cat, cat->devices[i]);
        if (keep) {
            if (b.len) {
                ts_buf_putc(&b, ' ');
            }
            ts_buf_puts(&b, target == TS_FILTER_MODELS ? cat->models[i]->name
                                                       : cat->devices[i]->name);
        }
    }
    ts_filter_free(f);
    return ts_buf_steal(&b);
}

#define KEPT(target, text, want)                 \
    do {                                         \
        char *got_ = kept(cat, target, text);    \
        CHECK_STR(got_, want);                   \
        free(got_);                              \
    } while (0)

int main(void)
{
    ts_catalog *cat = build();
    const ts_filter_target M = TS_FILTER_MODELS, D = TS_FILTER_DEVICES;
    KEPT(M, "", "Anomaly Micro_Speech_Yes_No Person_Detection");
    KEPT(M, "ram<=128", "Micro_Speech_Yes_No");
    KEPT(M, "ram>10", "Person_Detection");
    KEPT(M, "ram>=10 flash<600", "Micro_Speech_Yes_No Person_Detection");
    KEPT(M, "macs>1e6", "Person_Detection");
    KEPT(M, "macs<1M", "Micro_Speech_Yes_No");
    KEPT(M, "sensor:camera", "Person_Detection");
    KEPT(M, "sensor:sosa_extend:Microphone", "Micro_Speech_Yes_No");
    KEPT(M, "sensor:Sensor", "Micro_Speech_Yes_No Person_Detection");
    KEPT(M, "category:classification", "Micro_Speech_Yes_No Person_Detection");
    KEPT(M, "-category:classification", "Anomaly");
    KEPT(M, "name~speech", "Micro_Speech_Yes_No");
    KEPT(M, "name~^(anom|person)", "Anomaly Person_Detection");
    KEPT(M, "speech", "Micro_Speech_Yes_No");
    KEPT(M, "creator=google !name~person", "Micro_Speech_Yes_No");
    KEPT(M, "accuracy>0.5", "Person_Detection");
    KEPT(M, "runtime:tflm", "Micro_Speech_Yes_No");
    /* fits: resolves a board by name and keeps models that fit it. */
    KEPT(M, "fits:\"Arduino Nano 33 BLE\"", "Micro_Speech_Yes_No");
    KEPT(M, "fits:eye", "Micro_Speech_Yes_No Person_Detection");

    KEPT(D, "ram>=256", "Arduino Nano 33 BLE ESP32-S3-EYE");
    KEPT(D, "ram<1000", "Arduino Nano 33 BLE ESP32-S3-EYE"); /* unknown RAM never matches */
    KEPT(D, "sensor:camera", "ESP32-S3-EYE");
    KEPT(D, "-sensor:camera", "Arduino Nano 33 BLE Tiny \"Quoted\" Board");
    KEPT(D, "fits:Person_Detection", "ESP32-S3-EYE");
    KEPT(D, "name:\"\\\"Quoted\\\"\"", "Tiny \"Quoted\" Board");
    KEPT(D, "usb=2341:805a", "Arduino Nano 33 BLE");
    KEPT(D, "runtime:\"TensorFlow Lite Micro\"", "Arduino Nano 33 BLE");

    /* Errors name the column and what was expected. */
    KEPT(M, "ram<=lots", "error 6: not a number: 'lots'");
    KEPT(M, "colour:red", "error 1: unknown field 'colour' (known: name description iri "
                          "creator identifier dataset citation ram flash macs accuracy sensor "
                          "category runtime fits)");
    KEPT(M, "ram~12", "error 1: 'ram' is a number: use < <= > >= = or !=");
    KEPT(M, "name<3", "error 1: 'name' is not a number: use : = != or ~");
    KEPT(M, "name~(unclosed", "error 15: bad regular expression: missing closing parenthesis");
    KEPT(M, "ram<= ", "error 6: missing value after 'ram'");
    KEPT(M, "name:\"open", "error 6: unterminated quoted value");
    KEPT(M, "fits:\"No Such Board\"", "error 6: no board matches 'No Such Board'");
    KEPT(D, "macs>1", "error 1: unknown field 'macs' (known: name description iri cpu usb "
                      "ram flash clock sensor runtime fits)");
    ts_filter_free(NULL);
    ts_catalog_free(cat);
    return test_done();
}
