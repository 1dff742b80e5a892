/*
 * The Bench pane: serial ports with the board each one is, and live
 * results (min/median/max latency, inferences/s, MAC/s, accuracy, energy,
 * a sparkline of recent latencies). The serial side is not part of this
 * build yet: the pane shows its frame, an empty state and its keys.
 */
#include <stdlib.h>

#include "view.h"

typedef struct {
    ts_table ports;
} bench_pane;

static void bench_open(ts_view *v)
{
    bench_pane *b = v->priv;
    if (!b) {
        b = v->priv = ts_calloc(1, sizeof *b);
        ts_table_init(&b->ports);
    }
    static const char *const cols[] = {"Port", "Board", "State", "Protocol", "Runs"};
    static const bool numeric[] = {false, false, false, false, true};
    ts_table_set_columns(&b->ports, cols, numeric, 5);
    ts_table_refresh(&b->ports);
}

static void bench_draw(ts_view *v, ts_rect r)
{
    bench_pane *b = v->priv;
    int ph = r.h / 2;
    ts_rect ports = {r.y, r.x, ph, r.w};
    ts_rect results = {r.y + ph, r.x, r.h - ph, r.w};
    ts_draw_box(ports, "Ports", TS_EL_BORDER);
    ts_draw_box(results, "Results", TS_EL_BORDER);
    ts_rect pin = {ports.y + 1, ports.x + 1, ports.h - 2, ports.w - 2};
    ts_rect rin = {results.y + 1, results.x + 1, results.h - 2, results.w - 2};
    if (b->ports.n_rows) {
        ts_table_draw(&b->ports, pin);
    } else {
        ts_view_draw_empty(pin, "No boards attached\n"
                                "Serial benchmarking is not part of this build yet.");
    }
    ts_buf t = {0};
    ts_buf_puts(&t, "No results yet\n"
                    "Each run shows min/median/max latency, inferences/s, MAC/s,\n"
                    "accuracy and energy, with a sparkline of recent latencies.");
    ts_view_draw_empty(rin, ts_buf_str(&t));
    ts_buf_free(&t);
    (void)v;
}

static bool bench_request(ts_view *v, ts_action act)
{
    bench_pane *b = v->priv;
    return ts_table_request(&b->ports, act);
}

static void bench_status(ts_view *v, ts_buf *out)
{
    bench_pane *b = v->priv;
    ts_buf_printf(out, "Bench: %zu port%s", b->ports.n_rows, b->ports.n_rows == 1 ? "" : "s");
}

static bool bench_export(ts_view *v, FILE *f)
{
    bench_pane *b = v->priv;
    ts_table_write_csv(&b->ports, f);
    return true;
}

static void bench_done(ts_view *v)
{
    bench_pane *b = v->priv;
    if (b) {
        ts_table_free(&b->ports);
        free(b);
    }
}

const ts_view_ops ts_bench_ops = {
    .name = "Bench",
    .help = "Boards on USB serial: each port with the board it is (USB vendor and "
            "product matched to a board in the graph), connected or not; results "
            "stream in live with min/median/max latency, inferences per second, "
            "MAC/s, accuracy and energy where the board reports them, and a "
            "sparkline of recent latencies. Every result is written to the results "
            "file before it is shown.",
    .open = bench_open,
    .draw = bench_draw,
    .request = bench_request,
    .status = bench_status,
    .export_csv = bench_export,
    .done = bench_done,
};
