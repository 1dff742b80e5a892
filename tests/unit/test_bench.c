/* Benchmark sessions over pseudo-terminals and TCP against the simulated
 * board; protocol parsers; the results file; discovery in a fake sysfs. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/bench.h"
#include "tinyscope/discover.h"
#include "tinyscope/loader.h"
#include "tinyscope/port.h"
#include "tinyscope/results.h"
#include "tinyscope/sim.h"

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    return ts_asprintf("%s/%s", tmpdir, name);
}

/* ---- helpers ---- */

typedef struct {
    ts_bench_result res[32];
    size_t n_res;
    size_t windows;
    size_t skipped;
    bool saw_disconnected;
    bool saw_detect;
    bool all_saved;
} collect;

static void on_event(void *ctx, const ts_bench_event *ev)
{
    collect *c = ctx;
    switch (ev->kind) {
    case TS_BENCH_EV_RESULT:
        if (c->n_res < 32) {
            ts_bench_result_copy(&c->res[c->n_res++], ev->result);
        }
        if (!ev->saved) {
            c->all_saved = false;
        }
        break;
    case TS_BENCH_EV_WINDOW: c->windows++; break;
    case TS_BENCH_EV_SKIPPED: c->skipped++; break;
    case TS_BENCH_EV_STATE:
        c->saw_disconnected |= ev->state == TS_BENCH_DISCONNECTED;
        c->saw_detect |= ev->state == TS_BENCH_DETECTING;
        break;
    default: break;
    }
}

static void collect_init(collect *c)
{
    memset(c, 0, sizeof *c);
    c->all_saved = true;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->n_res; i++) {
        ts_bench_result_clear(&c->res[i]);
    }
}

/* Step a session the way a UI does, until it ends or max_ms pass. */
static ts_bench_state drive(ts_bench *b, int max_ms)
{
    int64_t end = ts_bench_now_ms() + max_ms;
    while (ts_bench_get_state(b) != TS_BENCH_DONE && ts_bench_get_state(b) != TS_BENCH_FAILED &&
           ts_bench_now_ms() < end) {
        struct pollfd pfd;
        bool have = ts_bench_pollfd(b, &pfd);
        int t = ts_bench_timeout_ms(b, ts_bench_now_ms());
        if (t < 0 || t > 50) {
            t = 50;
        }
        int rc = poll(have ? &pfd : NULL, have ? 1 : 0, t);
        ts_bench_step(b, rc > 0 ? pfd.revents : 0, ts_bench_now_ms());
    }
    return ts_bench_get_state(b);
}

static ts_sim *spawn(ts_bench_proto proto, const char *link, void (*tweak)(ts_sim_opts *))
{
    ts_sim_opts o;
    ts_sim_opts_init(&o);
    o.protocol = proto;
    o.link = link;
    o.speed = 0.01;
    o.jitter = 0.03;
    o.seed = 7;
    if (tweak) {
        tweak(&o);
    }
    ts_sim *sim = NULL;
    ts_error err;
    if (ts_sim_spawn(&o, &sim, &err) != TS_OK) {
        char msg[2600];
        fprintf(stderr, "cannot start the simulator: %s\n", ts_error_format(&err, msg, sizeof msg));
        exit(1);
    }
    return sim;
}

static ts_store *load_kg(void)
{
    const char *root = getenv("TS_SOURCE_ROOT");
    char *path = ts_asprintf("%s/tests/data/bench/boards.ttl", root ? root : ".");
    ts_store *store = ts_store_new();
    ts_load_opts lo = {.strict = true};
    CHECK(ts_load_file(store, path, TS_FMT_UNKNOWN, &lo, NULL) == TS_OK);
    free(path);
    return store;
}

static size_t count_runs(ts_store *store)
{
    SordWorld *w = ts_store_world(store);
    SordNode *type = sord_new_uri(w, (const uint8_t *)TS_NS_RDF "type");
    SordNode *run = sord_new_uri(w, (const uint8_t *)TS_NS_TINY "BenchmarkRun");
    size_t n = 0;
    SordIter *it = sord_search(ts_store_model(store), NULL, type, run, NULL);
    for (; it && !sord_iter_end(it); sord_iter_next(it)) {
        n++;
    }
    sord_iter_free(it);
    sord_node_free(w, type);
    sord_node_free(w, run);
    return n;
}

static size_t runs_in_file(const char *path, ts_diags *diags)
{
    ts_store *store = ts_store_new();
    ts_diags local = {0};
    ts_results_load(store, path, diags ? diags : &local, NULL);
    size_t n = count_runs(store);
    ts_diags_clear(&local);
    ts_store_free(store);
    return n;
}

/* ---- pure parts ---- */

static void test_mlperf_parse(void)
{
    ts_mlperf_line m;
    ts_mlperf_parse("m-name-dut-[nucleo l4r5]", &m);
    CHECK_INT(m.kind, TS_MLPERF_NAME);
    CHECK_STR(m.value, "nucleo l4r5");
    ts_mlperf_parse("m-lap-us-4294967000", &m);
    CHECK_INT(m.kind, TS_MLPERF_LAP);
    CHECK(m.number == 4294967000ULL);
    ts_mlperf_parse("m-lap-us-12x", &m);
    CHECK_INT(m.kind, TS_MLPERF_OTHER);
    ts_mlperf_parse("m-ready ", &m);
    CHECK_INT(m.kind, TS_MLPERF_READY);
    ts_mlperf_parse("e-[Unknown command: foo]", &m);
    CHECK_INT(m.kind, TS_MLPERF_ERROR);
    CHECK_STR(m.value, "Unknown command: foo");
    ts_mlperf_parse("m-model-[ic01]", &m);
    CHECK_INT(m.kind, TS_MLPERF_MODEL);
    CHECK_STR(m.value, "ic01");
    ts_mlperf_parse("m-infer-start-20", &m);
    CHECK_INT(m.kind, TS_MLPERF_INFER_START);
    CHECK_INT(m.number, 20);
    ts_mlperf_parse("hello", &m);
    CHECK_INT(m.kind, TS_MLPERF_NONE);
    ts_mlperf_parse("m-", &m);
    CHECK_INT(m.kind, TS_MLPERF_NONE);

    double v[] = {5, 1, 4, 2, 3};
    CHECK_NEAR(ts_bench_median(v, 5), 3, 1e-9);
    double w[] = {4, 1, 3, 2};
    CHECK_NEAR(ts_bench_median(w, 4), 2.5, 1e-9);
    CHECK(isnan(ts_bench_median(NULL, 0)));
    unsigned n, warm;
    ts_mlperf_default_infer("ad01", &n, &warm);
    CHECK_INT(n, 1500);
    CHECK_INT(warm, 10);
}

static void test_jsonl_parse(void)
{
    ts_jsonl_msg m;
    const char *line = "{\"v\":1,\"board\":\"nano\",\"model\":\"Person_Detection\","
                       "\"latency_us\":95123,\"inferences\":10,\"accuracy\":0.86,"
                       "\"energy_uj\":null,\"extra\":[1,2]}";
    CHECK(ts_jsonl_parse(line, strlen(line), &m));
    CHECK(m.is_result);
    CHECK_INT(m.version, 1);
    CHECK_STR(m.board, "nano");
    CHECK_STR(m.model, "Person_Detection");
    CHECK_NEAR(m.latency_us, 95123, 1e-9);
    CHECK_INT(m.inferences, 10);
    CHECK_NEAR(m.accuracy, 0.86, 1e-9);
    CHECK(isnan(m.energy_uj));
    ts_jsonl_msg_clear(&m);

    line = "{\"latency_us\":100,\"accuracy\":86}";
    CHECK(ts_jsonl_parse(line, strlen(line), &m));
    CHECK(isnan(m.accuracy)); /* a percentage is not a fraction: dropped */
    CHECK(m.problem[0] != '\0');
    CHECK_INT(m.inferences, 1);
    ts_jsonl_msg_clear(&m);

    line = "{\"event\":\"start\",\"board\":\"b\"}";
    CHECK(ts_jsonl_parse(line, strlen(line), &m));
    CHECK(!m.is_result);
    ts_jsonl_msg_clear(&m);

    line = "{\"latency_us\": 12";
    CHECK(!ts_jsonl_parse(line, strlen(line), &m));
    ts_jsonl_msg_clear(&m);
    CHECK(!ts_jsonl_parse("[1,2]", 5, &m));
    ts_jsonl_msg_clear(&m);
}

/* ---- the results file ---- */

static void fill_result(ts_bench_result *r, const char *device)
{
    ts_bench_result_init(r);
    r->port = ts_strdup("/dev/ttyACM0");
    r->protocol = ts_strdup("jsonl");
    r->device_name = ts_strdup(device);
    r->model_name = ts_strdup("kws01");
    r->inferences = 10;
    r->latency_min_us = r->latency_median_us = r->latency_max_us = 19500;
    r->inferences_per_second = 1e6 / 19500;
    r->complete = true;
}

static void test_results_file(void)
{
    char *path = tmp_path("data/tinyscope/bench.nt");
    ts_bench_result r;
    ts_error err;
    size_t torn = 99;
    fill_result(&r, "nano \"33\"\nline\\two\x01");
    CHECK(ts_results_append(path, &r, &torn, &err) == TS_OK);
    CHECK_INT(torn, 0);
    ts_bench_result_clear(&r);
    fill_result(&r, "second");
    CHECK(ts_results_append(path, &r, &torn, &err) == TS_OK);
    ts_bench_result_clear(&r);
    CHECK_INT(runs_in_file(path, NULL), 2);

    /* The awkward device name survives the round trip. */
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    CHECK(ts_results_load(store, path, &diags, NULL) == TS_OK);
    CHECK_INT(diags.count, 0);
    SordWorld *w = ts_store_world(store);
    const char *odd = "nano \"33\"\nline\\two\x01";
    char *board_iri = ts_results_board_iri(odd);
    CHECK_STR(board_iri, "urn:tinyscope:board:nano%20%2233%22%0Aline%5Ctwo%01");
    SordNode *p = sord_new_uri(w, (const uint8_t *)TS_NS_TINY "device");
    SordNode *label = sord_new_uri(w, (const uint8_t *)TS_NS_RDFS "label");
    SordNode *board = sord_new_uri(w, (const uint8_t *)board_iri);
    SordNode *o = sord_new_literal(w, NULL, (const uint8_t *)odd, NULL);
    CHECK(sord_ask(ts_store_model(store), NULL, p, board, NULL));
    CHECK(sord_ask(ts_store_model(store), board, label, o, NULL));
    sord_node_free(w, p);
    sord_node_free(w, label);
    sord_node_free(w, board);
    sord_node_free(w, o);
    free(board_iri);
    ts_diags_clear(&diags);
    ts_store_free(store);

    /* A write torn by a crash: the last line is incomplete. */
    FILE *f = fopen(path, "a");
    fputs("<urn:uuid:00000000-0000-4000-8000-000000000000> <https://w3id.org/tin", f);
    fclose(f);
    ts_diags d2 = {0};
    CHECK_INT(runs_in_file(path, &d2), 2);
    CHECK_INT(d2.warnings, 1);
    CHECK_INT(d2.errors, 0);
    if (d2.count) {
        CHECK(strstr(d2.items[0].err.source, "bench.nt") != NULL);
        CHECK(d2.items[0].err.line > 2);
        CHECK(strstr(d2.items[0].err.message, "incomplete last line") != NULL);
    }
    ts_diags_clear(&d2);

    /* The next run cuts the torn line off and lands on a line of its own. */
    fill_result(&r, "third");
    CHECK(ts_results_append(path, &r, &torn, &err) == TS_OK);
    CHECK(torn > 0);
    ts_bench_result_clear(&r);
    ts_diags d3 = {0};
    CHECK_INT(runs_in_file(path, &d3), 3);
    CHECK_INT(d3.count, 0);
    ts_diags_clear(&d3);

    /* A whole statement without its newline (an editor did that) is kept. */
    f = fopen(path, "a");
    fputs("<urn:x:note> <http://www.w3.org/2000/01/rdf-schema#comment> \"by hand\" .", f);
    fclose(f);
    ts_diags d5 = {0};
    CHECK_INT(runs_in_file(path, &d5), 3);
    CHECK_INT(d5.count, 0);
    ts_diags_clear(&d5);
    fill_result(&r, "fourth");
    CHECK(ts_results_append(path, &r, &torn, &err) == TS_OK);
    CHECK_INT(torn, 0);
    ts_bench_result_clear(&r);
    ts_buf whole = {0};
    CHECK(ts_read_file(path, &whole));
    CHECK(strstr(ts_buf_str(&whole), "\"by hand\" .\n<urn:uuid:") != NULL);
    ts_buf_free(&whole);
    CHECK_INT(runs_in_file(path, NULL), 4);

    /* The default file: XDG_DATA_HOME, and a missing file is fine. */
    char *data = tmp_path("data");
    setenv("XDG_DATA_HOME", data, 1);
    char *def = ts_results_default_path();
    CHECK_STR(def, path);
    free(def);
    store = ts_store_new();
    ts_diags d4 = {0};
    CHECK(ts_results_load_default(store, NULL, &d4) == TS_OK);
    CHECK_INT(count_runs(store), 4);
    ts_bench_result *list;
    size_t n_list;
    ts_results_from_store(store, &list, &n_list);
    CHECK_INT(n_list, 4);
    for (size_t i = 0; i < n_list; i++) {
        CHECK(list[i].complete);
        CHECK_INT(list[i].inferences, 10);
        CHECK_NEAR(list[i].latency_median_us, 19500, 1e-6);
        CHECK_STR(list[i].port, "/dev/ttyACM0");
        CHECK_STR(list[i].model_name, "kws01");
        CHECK(list[i].model_iri == NULL);
        CHECK(list[i].device_iri && !strncmp(list[i].device_iri, "urn:tinyscope:board:", 20));
        CHECK(isnan(list[i].accuracy));
        CHECK(i == 0 || strcmp(list[i - 1].started_at, list[i].started_at) <= 0);
    }
    bool third = false;
    for (size_t i = 0; i < n_list; i++) {
        third |= list[i].device_name && !strcmp(list[i].device_name, "third");
    }
    CHECK(third);
    ts_results_list_free(list, n_list);
    CHECK(ts_results_load_default(store, "/nonexistent/bench.nt", &d4) == TS_OK);
    ts_diags_clear(&d4);
    ts_store_free(store);
    unsetenv("XDG_DATA_HOME");
    free(data);

    /* A directory that cannot be created is an error naming the file. */
    fill_result(&r, "x");
    CHECK(ts_results_append("/proc/nonexistent/dir/bench.nt", &r, NULL, &err) != TS_OK);
    CHECK(strstr(err.source, "bench.nt") != NULL);
    ts_bench_result_clear(&r);
    free(path);
}

/* A result added to the store while the program runs reads back the same
 * as when the results file is loaded at the next start. */
static void test_results_add(void)
{
    char *path = tmp_path("added.nt");
    ts_bench_result r;
    ts_error err;
    fill_result(&r, "live-board");
    r.accuracy = 0.875;
    CHECK(ts_results_append(path, &r, NULL, &err) == TS_OK);

    ts_store *live = ts_store_new();
    CHECK(!ts_results_in_store(live, r.iri));
    ts_results_add(live, path, &r);
    CHECK(ts_results_in_store(live, r.iri));
    CHECK_INT(ts_store_source_count(live), 1);
    ts_results_add(live, path, &r); /* the same run again: no second source, no new triples */
    CHECK_INT(ts_store_source_count(live), 1);
    size_t quads = sord_num_quads(ts_store_model(live));

    ts_store *loaded = ts_store_new();
    ts_diags diags = {0};
    CHECK(ts_results_load(loaded, path, &diags, NULL) == TS_OK);
    CHECK_INT(sord_num_quads(ts_store_model(loaded)), quads);
    CHECK_STR(ts_store_source(live, 0)->uri, ts_store_source(loaded, 0)->uri);

    ts_bench_result a, b;
    CHECK(ts_results_get(live, r.iri, &a));
    CHECK(ts_results_get(loaded, r.iri, &b));
    CHECK_STR(a.device_iri, b.device_iri);
    CHECK_STR(a.device_name, "live-board");
    CHECK_STR(a.model_name, "kws01");
    CHECK_STR(a.started_at, r.started_at);
    CHECK(a.latency_median_us == 19500 && b.latency_median_us == 19500);
    CHECK(fabs(a.accuracy - 0.875) < 1e-9);
    CHECK(a.complete && b.complete);
    ts_bench_result c;
    CHECK(!ts_results_get(live, "urn:uuid:not-a-run", &c));

    ts_bench_result_clear(&a);
    ts_bench_result_clear(&b);
    ts_bench_result_clear(&r);
    ts_diags_clear(&diags);
    ts_store_free(live);
    ts_store_free(loaded);
    free(path);
}

static void test_summarize(void)
{
    ts_bench_result list[5];
    const char *boards[] = {"a", "b", "a", "a", "b"};
    const double med[] = {100, 200, 300, 110, 210};
    for (size_t i = 0; i < 5; i++) {
        fill_result(&list[i], boards[i]);
        list[i].latency_min_us = med[i] - 10;
        list[i].latency_median_us = med[i];
        list[i].latency_max_us = med[i] + 10;
        list[i].inferences_per_second = 1e6 / med[i];
        list[i].complete = i != 2;
        if (i == 3) {
            list[i].accuracy = 0.9;
            list[i].energy_uj = 12;
        }
    }
    ts_results_row *rows;
    size_t n;
    ts_results_summarize(list, 5, &rows, &n);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(rows[0].device_name, "a");
        CHECK_INT(rows[0].runs, 3);
        CHECK_INT(rows[0].complete_runs, 2);
        CHECK_INT(rows[0].inferences, 30);
        CHECK_NEAR(rows[0].latency_min_us, 90, 1e-9);
        CHECK_NEAR(rows[0].latency_median_us, 110, 1e-9);
        CHECK_NEAR(rows[0].latency_max_us, 310, 1e-9);
        CHECK_NEAR(rows[0].accuracy, 0.9, 1e-9);
        CHECK_NEAR(rows[0].energy_uj, 12, 1e-9);
        CHECK(isnan(rows[0].macs_per_second));
        CHECK_INT(rows[0].n_recent, 3);
        CHECK(rows[0].n_recent == 3 && rows[0].recent[2] == 110);
        CHECK_STR(rows[1].device_name, "b");
        CHECK_NEAR(rows[1].latency_median_us, 205, 1e-9);
        CHECK(isnan(rows[1].accuracy));
    }
    ts_results_rows_free(rows, n);
    ts_results_summarize(list, 0, &rows, &n);
    CHECK_INT(n, 0);
    ts_results_rows_free(rows, n);
    for (size_t i = 0; i < 5; i++) {
        ts_bench_result_clear(&list[i]);
    }
}

/* ---- discovery ---- */

static void mkfile(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void mkdirs(const char *path)
{
    char *cmd = ts_asprintf("mkdir -p '%s'", path);
    CHECK(system(cmd) == 0);
    free(cmd);
}

static void test_discover(void)
{
    char *root = tmp_path("sys");
    char *p;
    /* ttyACM0: CDC-ACM, the interface directory is the device's child. */
    p = ts_asprintf("%s/devices/pci0/usb1/1-2/1-2:1.0/tty/ttyACM0", root);
    mkdirs(p);
    free(p);
    p = ts_asprintf("%s/devices/pci0/usb1/1-2", root);
    char *f = ts_asprintf("%s/idVendor", p);
    mkfile(f, "2341\n");
    free(f);
    f = ts_asprintf("%s/idProduct", p);
    mkfile(f, "805A\n");
    free(f);
    f = ts_asprintf("%s/serial", p);
    mkfile(f, "ABC123\n");
    free(f);
    f = ts_asprintf("%s/product", p);
    mkfile(f, "Nano 33 BLE\n");
    free(f);
    free(p);
    /* ttyUSB0: a converter, one level deeper. */
    p = ts_asprintf("%s/devices/pci0/usb1/1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0", root);
    mkdirs(p);
    free(p);
    f = ts_asprintf("%s/devices/pci0/usb1/1-3/idVendor", root);
    mkfile(f, "0483\n");
    free(f);
    f = ts_asprintf("%s/devices/pci0/usb1/1-3/idProduct", root);
    mkfile(f, "374b\n");
    free(f);
    /* ttyS0: not USB; tty0: no device at all. */
    p = ts_asprintf("%s/devices/platform/serial8250/tty/ttyS0", root);
    mkdirs(p);
    free(p);
    p = ts_asprintf("%s/class/tty/tty0", root);
    mkdirs(p);
    free(p);
    static const char *const links[][2] = {
        {"ttyACM0", "../../../devices/pci0/usb1/1-2/1-2:1.0"},
        {"ttyUSB0", "../../../devices/pci0/usb1/1-3/1-3:1.0/ttyUSB0"},
        {"ttyS0", "../../../devices/platform/serial8250"},
    };
    for (size_t i = 0; i < 3; i++) {
        p = ts_asprintf("%s/class/tty/%s", root, links[i][0]);
        mkdirs(p);
        char *l = ts_asprintf("%s/device", p);
        CHECK(symlink(links[i][1], l) == 0);
        free(l);
        free(p);
    }

    ts_store *store = load_kg();
    ts_port_list list;
    ts_discover_scan(root, store, &list);
    CHECK_INT(list.count, 2);
    if (list.count == 2) {
        ts_port_info *a = &list.items[0], *u = &list.items[1];
        CHECK_STR(a->path, "/dev/ttyACM0");
        CHECK_STR(a->vendor_id, "2341");
        CHECK_STR(a->product_id, "805a");
        CHECK_STR(a->serial, "ABC123");
        CHECK_STR(a->product, "Nano 33 BLE");
        CHECK_STR(a->board_iri, "http://example.org/board/nano33ble");
        CHECK_STR(a->board_label, "Arduino Nano 33 BLE Sense");
        CHECK_INT(a->board_matches, 1);
        CHECK_STR(u->name, "ttyUSB0");
        CHECK_STR(u->vendor_id, "0483");
        CHECK(u->serial == NULL);
        CHECK_INT(u->board_matches, 2); /* "374B" and "0x0483" compare equal */
        CHECK_STR(u->board_iri, "http://example.org/board/nucleo-l4r5zi");
    }
    ts_port_list_free(&list);
    ts_port_list_free(NULL);
    ts_port_info_clear(NULL);

    char *iri = NULL;
    double macs;
    CHECK(ts_discover_match_model(store, "KWS01", &iri, &macs));
    CHECK_STR(iri, "http://example.org/model/kws");
    CHECK_NEAR(macs, 2656000, 1e-6);
    free(iri);
    CHECK(!ts_discover_match_model(store, "nothing", &iri, &macs));
    CHECK_INT(ts_discover_match_board(store, "dead", "beef", NULL, NULL), 0);
    ts_store_free(store);
    free(root);
}

/* ---- ports ---- */

static void test_port_errors(void)
{
    ts_port *port = NULL;
    ts_error err;
    CHECK(ts_port_open("/nonexistent/ttyACM9", NULL, &port, &err) == TS_ERR_NOT_FOUND);
    CHECK(port == NULL);
    CHECK_STR(err.source, "/nonexistent/ttyACM9");
    char *file = tmp_path("plain");
    mkfile(file, "x");
    CHECK(ts_port_open(file, NULL, &port, &err) == TS_ERR_BAD_ARG);
    CHECK(strstr(err.message, "not a serial port") != NULL);
    if (geteuid() != 0) {
        chmod(file, 0);
        CHECK(ts_port_open(file, NULL, &port, &err) == TS_ERR_PERMISSION);
        CHECK(strstr(err.message, "dialout") != NULL);
    }
    free(file);
    CHECK(ts_port_open("tcp:nohost", NULL, &port, &err) == TS_ERR_BAD_ARG);
    ts_port_opts bad = {.baud = 12345};
    CHECK(!ts_port_baud_valid(12345));
    CHECK(ts_port_baud_valid(115200));

    /* A port in use: the second opener is told it is busy. */
    char *link = tmp_path("busy");
    ts_sim *sim = spawn(TS_PROTO_MLPERF, link, NULL);
    ts_port *first = NULL;
    CHECK(ts_port_open(link, NULL, &first, &err) == TS_OK);
    CHECK(ts_port_open(link, &bad, &port, &err) == TS_ERR_BAD_ARG);
    CHECK(ts_port_open(link, NULL, &port, &err) == TS_ERR_BUSY);
    CHECK(strstr(err.message, "busy") != NULL);
    ts_port_free(first);
    CHECK(ts_port_open(link, NULL, &port, &err) == TS_OK);
    ts_port_free(port);
    ts_port_free(NULL);
    ts_sim_free(sim);
    ts_sim_free(NULL);
    free(link);
}

/* ---- sessions ---- */

static void opts_for(ts_bench_opts *o, const char *port, ts_bench_proto proto, collect *c,
                     const char *results, const ts_store *store)
{
    memset(o, 0, sizeof *o);
    o->port = port;
    o->protocol = proto;
    o->results_path = results;
    o->store = store;
    o->on_event = on_event;
    o->ctx = c;
    o->reconnect_ms = 50;
}

static void test_mlperf_session(ts_store *store)
{
    char *link = tmp_path("mlperf");
    char *results = tmp_path("mlperf.nt");
    ts_sim *sim = spawn(TS_PROTO_MLPERF, link, NULL);
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, link, TS_PROTO_MLPERF, &c, results, store);
    o.runs = 3;
    ts_bench *b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
    CHECK_INT(c.n_res, 1);
    CHECK_INT(c.windows, 3);
    CHECK(c.all_saved);
    CHECK_STR(ts_bench_board_name(b), "sim-board");
    if (c.n_res == 1) {
        ts_bench_result *r = &c.res[0];
        CHECK(r->complete);
        CHECK_INT(r->inferences, 60); /* 3 windows of `infer 20 5` */
        CHECK_STR(r->protocol, "mlperf");
        CHECK_STR(r->model_name, "kws01");
        CHECK_STR(r->model_iri, "http://example.org/model/kws");
        CHECK_STR(r->device_name, "sim-board");
        CHECK(r->latency_min_us <= r->latency_median_us);
        CHECK(r->latency_median_us <= r->latency_max_us);
        CHECK_NEAR(r->latency_median_us, 19500, 19500 * 0.05);
        CHECK_NEAR(r->inferences_per_second * r->latency_median_us, 1e6, 1);
        CHECK_NEAR(r->macs_per_second, 2656000 * r->inferences_per_second, 1);
        CHECK(isnan(r->accuracy));
    }
    CHECK_INT(runs_in_file(results, NULL), 1);
    ts_bench_free(b);
    collect_free(&c);

    /* The same board, --model given and detection left to the session. */
    collect_init(&c);
    opts_for(&o, link, TS_PROTO_AUTO, &c, NULL, store);
    o.runs = 1;
    o.model = "Keyword_Spotting";
    o.infer_count = 7;
    o.warmup = 1;
    b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
    CHECK(c.saw_detect);
    CHECK_INT(ts_bench_get_protocol(b), TS_PROTO_MLPERF);
    CHECK_INT(c.n_res, 1);
    if (c.n_res == 1) {
        CHECK_INT(c.res[0].inferences, 7);
        CHECK_STR(c.res[0].model_name, "Keyword_Spotting");
        CHECK_STR(c.res[0].model_iri, "http://example.org/model/kws");
    }
    ts_bench_free(b);
    collect_free(&c);
    ts_sim_free(sim);
    free(link);
    free(results);
}

static void jsonl_fast(ts_sim_opts *o)
{
    o->speed = 0.02;
}

static void test_jsonl_session(ts_store *store)
{
    char *link = tmp_path("jsonl");
    char *results = tmp_path("jsonl.nt");
    ts_sim *sim = spawn(TS_PROTO_JSONL, link, jsonl_fast);
    for (int pass = 0; pass < 2; pass++) {
        collect c;
        collect_init(&c);
        ts_bench_opts o;
        opts_for(&o, link, pass ? TS_PROTO_AUTO : TS_PROTO_JSONL, &c, results, store);
        o.runs = 4;
        ts_bench *b = ts_bench_new(&o);
        CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
        CHECK_INT(ts_bench_get_protocol(b), TS_PROTO_JSONL);
        CHECK_INT(c.n_res, 4);
        CHECK(c.all_saved);
        for (size_t i = 0; i < c.n_res; i++) {
            ts_bench_result *r = &c.res[i];
            CHECK(r->complete);
            CHECK_INT(r->inferences, 10);
            CHECK_STR(r->protocol, "jsonl");
            CHECK_STR(r->model_name, "Keyword_Spotting");
            CHECK_STR(r->model_iri, "http://example.org/model/kws");
            CHECK_NEAR(r->accuracy, 0.86, 1e-9);
            CHECK(r->energy_uj > 0);
            CHECK(r->latency_min_us <= r->latency_median_us &&
                  r->latency_median_us <= r->latency_max_us);
        }
        ts_bench_free(b);
        collect_free(&c);
    }
    CHECK_INT(runs_in_file(results, NULL), 8);
    ts_sim_free(sim);
    free(link);
    free(results);
}

static void over_tcp(ts_sim_opts *o)
{
    /* Ask the kernel for a free port, then let the simulator listen on it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    o->tcp_port = ntohs(a.sin_port);
    close(fd);
    o->link = NULL;
}

static void test_tcp_session(void)
{
    ts_sim *sim = spawn(TS_PROTO_MLPERF, NULL, over_tcp);
    CHECK(!strncmp(ts_sim_port(sim), "tcp:127.0.0.1:", 14));
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, ts_sim_port(sim), TS_PROTO_AUTO, &c, NULL, NULL);
    o.runs = 2;
    ts_bench *b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
    CHECK_INT(c.n_res, 1);
    CHECK(c.n_res == 1 && c.res[0].complete && c.res[0].inferences == 40);
    ts_bench_free(b);
    collect_free(&c);
    ts_sim_free(sim);
}

/* Host names are resolved on a thread: the open returns at once, and the
 * answer (or why there is none) comes through the port's descriptor. */
static void test_tcp_names(void)
{
    ts_sim *sim = spawn(TS_PROTO_MLPERF, NULL, over_tcp);
    char name[64];
    snprintf(name, sizeof name, "tcp:localhost:%s", ts_sim_port(sim) + strlen("tcp:127.0.0.1:"));
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, name, TS_PROTO_AUTO, &c, NULL, NULL);
    o.runs = 2;
    ts_bench *b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
    CHECK_INT(c.n_res, 1);
    ts_bench_free(b);
    collect_free(&c);
    ts_sim_free(sim);

    /* A name no resolver knows (RFC 2606 keeps .invalid for that). */
    ts_port *port = NULL;
    ts_error err;
    ts_error_clear(&err);
    CHECK(ts_port_open("tcp:no-such-board.invalid:7", NULL, &port, &err) == TS_OK);
    ts_status st = TS_OK;
    for (int i = 0; port && i < 600 && st == TS_OK; i++) {
        struct pollfd pfd = {.fd = ts_port_fd(port), .events = ts_port_events(port)};
        CHECK(pfd.events == POLLIN);
        if (poll(&pfd, 1, 100) > 0) {
            char buf[16];
            size_t got = 0;
            st = ts_port_read(port, buf, sizeof buf, &got, &err);
            CHECK_INT((int)got, 0);
        }
    }
    CHECK_INT(st, TS_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "cannot resolve") != NULL);
    CHECK_STR(err.source, "tcp:no-such-board.invalid:7");
    ts_port_free(port);

    /* Freed while the name resolves: the thread finishes on its own. */
    CHECK(ts_port_open("tcp:another-board.invalid:7", NULL, &port, &err) == TS_OK);
    ts_port_free(port);
}

static void unplug_mlperf(ts_sim_opts *o)
{
    o->speed = 0.1;
    o->disconnect_after = 2;
    o->replug_ms = 200;
}

static void unplug_jsonl(ts_sim_opts *o)
{
    o->speed = 0.2;
    o->disconnect_after = 2;
    o->replug_ms = 200;
}

static void test_disconnect(ts_store *store)
{
    char *link = tmp_path("unplug");
    char *results = tmp_path("unplug.nt");
    ts_sim *sim = spawn(TS_PROTO_MLPERF, link, unplug_mlperf);
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, link, TS_PROTO_MLPERF, &c, results, store);
    o.runs = 4;
    ts_bench *b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
    CHECK(c.saw_disconnected);
    CHECK(ts_bench_get_stats(b)->reconnects >= 1);
    /* The run cut short is kept, marked incomplete; the next one is whole. */
    CHECK_INT(c.n_res, 2);
    if (c.n_res == 2) {
        CHECK(!c.res[0].complete);
        CHECK(c.res[0].inferences >= 20 && c.res[0].inferences < 80);
        CHECK(c.res[1].complete);
        CHECK_INT(c.res[1].inferences, 80);
    }
    CHECK_INT(runs_in_file(results, NULL), 2);
    ts_bench_free(b);
    collect_free(&c);
    ts_sim_free(sim);

    /* Without reconnecting, the session fails and says why. */
    sim = spawn(TS_PROTO_JSONL, link, unplug_jsonl);
    collect_init(&c);
    opts_for(&o, link, TS_PROTO_JSONL, &c, NULL, NULL);
    o.no_reconnect = true;
    b = ts_bench_new(&o);
    CHECK_INT(drive(b, 20000), TS_BENCH_FAILED);
    /* The simulator hangs up right after its second line; a pseudo-terminal
     * may drop that line when the hang-up wins the race (as a real unplug
     * may), so one or two results arrive, never more. */
    CHECK(c.n_res >= 1 && c.n_res <= 2);
    CHECK(ts_bench_error(b)->status == TS_ERR_IO);
    CHECK(strstr(ts_bench_error(b)->message, "disconnected") != NULL);
    ts_bench_free(b);
    collect_free(&c);
    ts_sim_free(sim);
    free(link);
    free(results);
}

static void noisy(ts_sim_opts *o)
{
    o->garbage = 2;
}
static void noisy_jsonl(ts_sim_opts *o)
{
    o->garbage = 1;
    o->speed = 0.02;
}

static void test_garbage(void)
{
    char *link = tmp_path("noisy");
    for (int pass = 0; pass < 2; pass++) {
        ts_sim *sim =
            pass ? spawn(TS_PROTO_JSONL, link, noisy_jsonl) : spawn(TS_PROTO_MLPERF, link, noisy);
        collect c;
        collect_init(&c);
        ts_bench_opts o;
        opts_for(&o, link, TS_PROTO_AUTO, &c, NULL, NULL);
        o.runs = pass ? 6 : 3;
        ts_bench *b = ts_bench_new(&o);
        CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
        const ts_bench_stats *st = ts_bench_get_stats(b);
        CHECK_INT(c.n_res, pass ? 6 : 1);
        CHECK(c.n_res >= 1 && c.res[0].complete);
        CHECK(st->binary > 0);
        CHECK(st->invalid_utf8 > 0);
        CHECK(st->overlong > 0);
        CHECK(st->garbage > 0);
        CHECK_INT(c.skipped, st->binary + st->invalid_utf8 + st->overlong + st->garbage);
        ts_bench_free(b);
        collect_free(&c);
        ts_sim_free(sim);
    }
    free(link);
}

static void silent(ts_sim_opts *o)
{
    o->silent = true;
}

static void test_silent(void)
{
    char *link = tmp_path("silent");
    ts_sim *sim = spawn(TS_PROTO_MLPERF, link, silent);
    for (int pass = 0; pass < 3; pass++) {
        collect c;
        collect_init(&c);
        ts_bench_opts o;
        ts_bench_proto protos[] = {TS_PROTO_MLPERF, TS_PROTO_AUTO, TS_PROTO_JSONL};
        opts_for(&o, link, protos[pass], &c, NULL, NULL);
        o.timeout_ms = 100;
        o.detect_ms = 100;
        ts_bench *b = ts_bench_new(&o);
        CHECK_INT(drive(b, 10000), TS_BENCH_FAILED);
        CHECK_INT(ts_bench_error(b)->status, TS_ERR_TIMEOUT);
        CHECK_STR(ts_bench_error(b)->source, link);
        CHECK(strstr(ts_bench_error(b)->message, pass == 0 ? "no answer" : "silent") != NULL);
        CHECK_INT(c.n_res, 0);
        ts_bench_free(b);
        collect_free(&c);
    }
    ts_sim_free(sim);
    free(link);
}

/* Lines that merely look like MLPerf Tiny do not decide the protocol. */
static void test_detect_not_fooled(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
    char *link = tmp_path("lookalike");
    CHECK(symlink(ptsname(m), link) == 0);
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, link, TS_PROTO_AUTO, &c, NULL, NULL);
    o.runs = 1;
    ts_bench *b = ts_bench_new(&o);
    ts_bench_step(b, 0, ts_bench_now_ms()); /* opens the port */
    CHECK_INT(ts_bench_get_state(b), TS_BENCH_DETECTING);
    const char *lines = "e-junk\r\nm-ostly harmless\r\n"
                        "{\"board\":\"b\",\"latency_us\":1000}\r\n";
    CHECK(write(m, lines, strlen(lines)) == (ssize_t)strlen(lines));
    CHECK_INT(drive(b, 10000), TS_BENCH_DONE);
    CHECK_INT(ts_bench_get_protocol(b), TS_PROTO_JSONL);
    CHECK_INT(c.n_res, 1);
    ts_bench_free(b);
    collect_free(&c);
    close(m);
    free(link);
}

static void slow(ts_sim_opts *o)
{
    o->speed = 0.2;
}

static void test_stop_keeps_partial(void)
{
    char *link = tmp_path("stop");
    ts_sim *sim = spawn(TS_PROTO_MLPERF, link, slow);
    collect c;
    collect_init(&c);
    ts_bench_opts o;
    opts_for(&o, link, TS_PROTO_MLPERF, &c, NULL, NULL);
    o.runs = 50;
    ts_bench *b = ts_bench_new(&o);
    int64_t end = ts_bench_now_ms() + 20000;
    while (c.windows < 2 && ts_bench_now_ms() < end && ts_bench_get_state(b) != TS_BENCH_FAILED) {
        drive(b, 50);
    }
    ts_bench_stop(b);
    CHECK_INT(ts_bench_get_state(b), TS_BENCH_DONE);
    CHECK_INT(c.n_res, 1);
    /* Every window measured before the stop is in the partial run. */
    CHECK(c.windows >= 2);
    CHECK(c.n_res == 1 && !c.res[0].complete && c.res[0].inferences == 20 * (long long)c.windows);
    CHECK_INT(ts_bench_timeout_ms(b, ts_bench_now_ms()), -1);
    ts_bench_free(b);
    ts_bench_free(NULL);
    collect_free(&c);
    ts_sim_free(sim);
    free(link);
}

static void test_demo(void)
{
    ts_sim *sims[4];
    size_t n = 0;
    ts_error err;
    CHECK(ts_sim_demo_start(tmpdir, sims, 4, &n, &err) == TS_OK);
    CHECK_INT(n, 2);
    for (size_t i = 0; i < n; i++) {
        collect c;
        collect_init(&c);
        ts_bench_opts o;
        opts_for(&o, ts_sim_port(sims[i]), TS_PROTO_AUTO, &c, NULL, NULL);
        o.runs = 1;
        o.infer_count = 2;
        o.warmup = 1;
        ts_bench *b = ts_bench_new(&o);
        CHECK_INT(drive(b, 20000), TS_BENCH_DONE);
        CHECK_INT(ts_bench_get_protocol(b), i == 0 ? TS_PROTO_MLPERF : TS_PROTO_JSONL);
        CHECK_INT(c.n_res, 1);
        CHECK(ts_sim_pid(sims[i]) > 0);
        ts_bench_free(b);
        collect_free(&c);
        ts_sim_free(sims[i]);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ts-bench-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_mlperf_parse();
    test_jsonl_parse();
    test_results_file();
    test_results_add();
    test_summarize();
    test_discover();
    int ptm = posix_openpt(O_RDWR | O_NOCTTY);
    if (ptm < 0) {
        /* A container without /dev/ptmx: the simulated boards need ptys. */
        if (test_failures) {
            return test_done();
        }
        TEST_SKIP("no pseudo-terminals here (%s): sessions not tested", strerror(errno));
    }
    close(ptm);
    test_port_errors();
    ts_store *store = load_kg();
    test_mlperf_session(store);
    test_jsonl_session(store);
    test_tcp_session();
    test_tcp_names();
    test_disconnect(store);
    test_garbage();
    test_silent();
    test_detect_not_fooled();
    test_stop_keeps_partial();
    test_demo();
    ts_store_free(store);
    char *cmd = ts_asprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    free(cmd);
    return test_done();
}
