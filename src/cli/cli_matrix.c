/* tinyscope matrix: every model against every board. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "tinyscope/filter.h"
#include "tinyscope/matrix.h"
#include "tinyscope/text_table.h"

static void matrix_usage(FILE *f)
{
    fputs("usage: tinyscope matrix [--format table|csv|json] [--models EXPR] [--boards EXPR]\n"
          "                        [--strict] [--base IRI] [FILE|DIR ...]\n"
          "\n"
          "For each model and board: fits, no (with the failing constraints) or\n"
          "unknown (a fact is not stated), and the share of the board's RAM and\n"
          "Flash the model uses. csv and json give one record per pair with the\n"
          "fields model, model_name, board, board_name, verdict, reasons, ram_pct,\n"
          "flash_pct.\n"
          "\n"
          "  --models EXPR   only models matching this quick filter\n"
          "  --boards EXPR   only boards matching this quick filter\n"
          TS_CLI_ENDPOINT_HELP,
          f);
}

/* The records of the models and boards kept by the filters. */
typedef struct {
    ts_model **models;
    size_t n_models;
    ts_device **boards;
    size_t n_boards;
} selection;

static bool select_records(const ts_catalog *cat, const char *model_filter,
                           const char *board_filter, selection *sel)
{
    ts_error err;
    ts_filter *mf = ts_filter_compile(model_filter, TS_FILTER_MODELS, cat, &err);
    if (!mf) {
        ts_cli_error("matrix: --models column %u: %s", err.col, err.message);
        return false;
    }
    ts_filter *bf = ts_filter_compile(board_filter, TS_FILTER_DEVICES, cat, &err);
    if (!bf) {
        ts_cli_error("matrix: --boards column %u: %s", err.col, err.message);
        ts_filter_free(mf);
        return false;
    }
    sel->models = ts_calloc(cat->n_models + 1, sizeof *sel->models);
    sel->boards = ts_calloc(cat->n_devices + 1, sizeof *sel->boards);
    for (size_t i = 0; i < cat->n_models; i++) {
        if (ts_filter_match_model(mf, cat, cat->models[i])) {
            sel->models[sel->n_models++] = cat->models[i];
        }
    }
    for (size_t i = 0; i < cat->n_devices; i++) {
        if (ts_filter_match_device(bf, cat, cat->devices[i])) {
            sel->boards[sel->n_boards++] = cat->devices[i];
        }
    }
    ts_filter_free(mf);
    ts_filter_free(bf);
    return true;
}

/* Boards as numbered columns (names in a legend below), models as rows. */
static void write_table(const ts_catalog *cat, const selection *sel)
{
    size_t name_w = 5;
    for (size_t m = 0; m < sel->n_models; m++) {
        size_t w = ts_display_width(sel->models[m]->name);
        if (w > name_w) {
            name_w = w;
        }
    }
    if (name_w > 36) {
        name_w = 36;
    }
    size_t n_cols = sel->n_boards + 1;
    const char **heads = ts_calloc(n_cols, sizeof *heads);
    char **nums = ts_calloc(n_cols, sizeof *nums);
    heads[0] = "model";
    for (size_t b = 0; b < sel->n_boards; b++) {
        nums[b + 1] = ts_asprintf("%zu", b + 1);
        heads[b + 1] = nums[b + 1];
    }
    ts_text_table *t = ts_text_table_new(heads, n_cols);
    ts_text_table_max_width(t, 0, name_w);
    const char **cells = ts_calloc(n_cols, sizeof *cells);
    size_t counts[3] = {0, 0, 0};
    for (size_t m = 0; m < sel->n_models; m++) {
        cells[0] = sel->models[m]->name;
        for (size_t b = 0; b < sel->n_boards; b++) {
            ts_cell cell = ts_compat_check(cat, sel->models[m], sel->boards[b]);
            cells[b + 1] = ts_cli_verdict_glyph(cell.verdict);
            counts[cell.verdict]++;
        }
        ts_text_table_add(t, cells);
    }
    for (size_t b = 1; b < n_cols; b++) {
        ts_text_table_align_right(t, b);
    }
    ts_text_table_print(t, stdout);
    printf("\n%s fits  %s does not fit  ? unknown      %zu fit, %zu do not, %zu unknown\n\n",
           ts_cli_verdict_glyph(TS_FITS), ts_cli_verdict_glyph(TS_NO), counts[TS_FITS],
           counts[TS_NO], counts[TS_UNKNOWN]);
    for (size_t b = 0; b < sel->n_boards; b++) {
        printf("%3zu  ", b + 1);
        ts_cli_put(stdout, sel->boards[b]->name);
        fputc('\n', stdout);
    }
    ts_text_table_free(t);
    for (size_t b = 0; b < n_cols; b++) {
        free(nums[b]);
    }
    free(nums);
    free(heads);
    free(cells);
}

int ts_cmd_matrix(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"models", required_argument, NULL, 'M'},
        {"boards", required_argument, NULL, 'B'},
        TS_CLI_DATA_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    ts_cli_format format = TS_CLI_TABLE;
    const char *model_filter = "", *board_filter = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': matrix_usage(stdout); return TS_EXIT_OK;
        case 'f':
            if (!ts_cli_format_parse("matrix", optarg, &format)) {
                return TS_EXIT_USAGE;
            }
            break;
        case 'M': model_filter = optarg; break;
        case 'B': board_filter = optarg; break;
        default:
            if (ts_cli_data_option(&data, c, optarg)) {
                break;
            }
            matrix_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    ts_cli_catalog_data cd;
    int opened = ts_cli_catalog_open("matrix", &data, argv + optind, (size_t)(argc - optind), &cd);
    if (opened != TS_EXIT_OK) {
        return opened;
    }
    const ts_catalog *cat = cd.cat;
    selection sel = {0};
    int rc = TS_EXIT_OK;
    if (!select_records(cat, model_filter, board_filter, &sel)) {
        rc = TS_EXIT_USAGE;
    } else if (format == TS_CLI_TABLE) {
        write_table(cat, &sel);
    } else if (!ts_matrix_write(stdout, cat, sel.models, sel.n_models, sel.boards, sel.n_boards,
                                format == TS_CLI_JSON)) {
        ts_cli_error("matrix: write error");
        rc = TS_EXIT_FAILURE;
    }
    free(sel.models);
    free(sel.boards);
    ts_cli_catalog_close(&cd);
    return rc;
}
