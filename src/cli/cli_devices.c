/* tinyscope devices: the boards, with memory, sensors and runtimes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_internal.h"
#include "tinyscope/filter.h"
#include "tinyscope/text_table.h"

static void devices_usage(FILE *f)
{
    fputs("usage: tinyscope devices [--filter EXPR] [--sort KEY] [--format table|csv|json]\n"
          "                         [--strict] [--base IRI] [FILE|DIR ...]\n"
          "\n"
          "List the boards (s3n:SmartSensor) with RAM and Flash in kB, sensors,\n"
          "runtimes, processor and USB ids.\n"
          "\n"
          "  --filter EXPR   keep boards matching the quick filter language, e.g.\n"
          "                  'ram>=256 sensor:camera' (see tinyscope(1))\n"
          "  --sort KEY      name, ram, flash, clock or sensors; -KEY sorts descending\n"
          "  --format F      table (default), csv or json\n"
          TS_CLI_ENDPOINT_HELP,
          f);
}

/* In the order of sort_names. */
enum { SORT_NAME, SORT_RAM, SORT_FLASH, SORT_CLOCK, SORT_SENSORS };

static int key;
static int direction = 1;

static int compare(const void *x, const void *y)
{
    const ts_device *a = *(ts_device *const *)x, *b = *(ts_device *const *)y;
    int c = 0;
    switch (key) {
    case SORT_RAM: c = ts_cli_cmp_num(a->ram_kb, b->ram_kb, direction); break;
    case SORT_FLASH: c = ts_cli_cmp_num(a->flash_kb, b->flash_kb, direction); break;
    case SORT_CLOCK: c = ts_cli_cmp_num(a->clock_mhz, b->clock_mhz, direction); break;
    case SORT_SENSORS: c = ts_cli_cmp_num((double)a->n_sensors, (double)b->n_sensors, direction); break;
    case SORT_NAME: c = direction * strcasecmp(a->name, b->name); break;
    }
    return c ? c : strcmp(a->iri, b->iri);
}

static const char *const sort_names[] = {"name", "ram", "flash", "clock", "sensors"};

/* Sensor short names, comma-separated, in class order. */
static char *sensor_list(const ts_catalog *cat, const ts_device *d)
{
    ts_buf b = {0};
    for (size_t i = 0; i < d->n_sensors; i++) {
        if (i) {
            ts_buf_puts(&b, ", ");
        }
        ts_buf_puts(&b, ts_class_short_name(cat->classes[d->sensors[i]]));
    }
    return ts_buf_steal(&b);
}

static char *runtime_list(const ts_device *d)
{
    ts_buf b = {0};
    for (size_t i = 0; i < d->n_runtimes; i++) {
        if (i) {
            ts_buf_puts(&b, ", ");
        }
        ts_buf_puts(&b, d->runtimes[i]);
    }
    return ts_buf_steal(&b);
}

static json_t *device_json(const ts_catalog *cat, const ts_device *d)
{
    json_t *sensors = json_array(), *classes = json_array(), *runtimes = json_array();
    for (size_t i = 0; i < d->n_sensors; i++) {
        const char *iri = cat->classes[d->sensors[i]];
        json_array_append_new(sensors, ts_cli_json_text(ts_class_short_name(iri)));
        json_array_append_new(classes, ts_cli_json_text(iri));
    }
    for (size_t i = 0; i < d->n_runtimes; i++) {
        json_array_append_new(runtimes, ts_cli_json_text(d->runtimes[i]));
    }
    json_t *o = json_object();
    json_object_set_new(o, "iri", ts_cli_json_text(d->iri));
    json_object_set_new(o, "name", ts_cli_json_text(d->name));
    json_object_set_new(o, "description", ts_cli_json_text(d->description));
    json_object_set_new(o, "ram_kb", ts_cli_json_num(d->ram_kb));
    json_object_set_new(o, "flash_kb", ts_cli_json_num(d->flash_kb));
    json_object_set_new(o, "sensors", sensors);
    json_object_set_new(o, "sensor_classes", classes);
    json_object_set_new(o, "runtimes", runtimes);
    json_object_set_new(o, "cpu", ts_cli_json_text(d->cpu));
    json_object_set_new(o, "clock_mhz", ts_cli_json_num(d->clock_mhz));
    json_object_set_new(o, "usb_vendor_id", ts_cli_json_text(d->usb_vid));
    json_object_set_new(o, "usb_product_id", ts_cli_json_text(d->usb_pid));
    return o;
}

int ts_cmd_devices(int argc, char **argv)
{
    ts_cli_listing l;
    int status;
    const size_t n_sort = sizeof sort_names / sizeof *sort_names;
    if (!ts_cli_listing_open("devices", argc, argv, devices_usage, sort_names, n_sort,
                             TS_FILTER_DEVICES, &l, &status)) {
        return status;
    }
    key = l.sort_key;
    direction = l.direction;
    ts_cli_format format = l.format;
    const ts_catalog *cat = l.cd.cat;
    ts_device **list = ts_calloc(cat->n_devices + 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < cat->n_devices; i++) {
        if (ts_filter_match_device(l.filter, cat, cat->devices[i])) {
            list[n++] = cat->devices[i];
        }
    }
    ts_cli_listing_check_filter(&l);
    if (n) {
        qsort(list, n, sizeof *list, compare);
    }

    static const char *const heads[] = {"name", "ram_kb",    "flash_kb", "sensors", "runtimes",
                                        "cpu",  "clock_mhz", "usb",      "iri"};
    ts_cli_rows *rows = ts_cli_rows_new(format, heads, 9);
    ts_text_table *table = ts_cli_rows_table(rows);
    if (table) {
        ts_text_table_align_right(table, 1);
        ts_text_table_align_right(table, 2);
        ts_text_table_align_right(table, 6);
        ts_text_table_max_width(table, 3, 40);
        ts_text_table_max_width(table, 4, 24);
        ts_text_table_max_width(table, 5, 28);
    }
    for (size_t i = 0; i < n; i++) {
        const ts_device *d = list[i];
        if (ts_cli_rows_json(rows)) {
            ts_cli_rows_add_json(rows, device_json(cat, d));
            continue;
        }
        char ram[32], flash[32], clock[32], usb[16] = "";
        if (d->usb_vid && d->usb_pid) {
            snprintf(usb, sizeof usb, "%.4s:%.4s", d->usb_vid, d->usb_pid);
        }
        char *sensors = sensor_list(cat, d), *runtimes = runtime_list(d);
        const char *cells[] = {d->name,
                               ts_cli_num(d->ram_kb, ram, sizeof ram),
                               ts_cli_num(d->flash_kb, flash, sizeof flash),
                               sensors,
                               runtimes,
                               d->cpu,
                               ts_cli_num(d->clock_mhz, clock, sizeof clock),
                               usb,
                               d->iri};
        ts_cli_rows_add(rows, cells);
        free(sensors);
        free(runtimes);
    }
    ts_cli_rows_finish(rows, "board", "boards");
    free(list);
    ts_cli_listing_close(&l);
    return TS_EXIT_OK;
}
