/* tinyscope fits NAME: the boards a model fits, or the models a board runs. */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_internal.h"
#include "tinyscope/matrix.h"
#include "tinyscope/text_table.h"

static void fits_usage(FILE *f)
{
    fputs("usage: tinyscope fits NAME [--sort KEY] [--only-fits] [--format table|csv|json]\n"
          "                     [--strict] [--base IRI] [FILE|DIR ...]\n"
          "\n"
          "NAME is a model or a board: its name (case and '_', '-', ' ' ignored),\n"
          "identifier or IRI, or a part of its name when that is unambiguous.\n"
          "For a model: every board, whether the model fits it and why not.\n"
          "For a board: every model, those that fit first, ranked by --sort.\n"
          "\n"
          "  --sort KEY    for a board's models: accuracy (default), macs, ram, flash\n"
          "                or name; -KEY reverses\n"
          "  --only-fits   leave out the pairs that do not fit or are unknown\n"
          "  --format F    table (default), csv or json (records as in 'matrix')\n"
          TS_CLI_ENDPOINT_HELP,
          f);
}

typedef struct {
    const ts_catalog *cat;
    ts_model *model;
    ts_device *board;
    ts_cell cell;
} pair;

/* In the order of sort_names. */
enum { SORT_ACCURACY, SORT_MACS, SORT_RAM, SORT_FLASH, SORT_NAME };
static const char *const sort_names[] = {"accuracy", "macs", "ram", "flash", "name"};
static int key = SORT_ACCURACY;
static int direction = 1;

/* Fitting pairs first, then unknown, then those that do not fit. */
static int verdict_rank(ts_verdict v)
{
    return v == TS_FITS ? 0 : v == TS_UNKNOWN ? 1 : 2;
}

static int compare_boards(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    int c = verdict_rank(a->cell.verdict) - verdict_rank(b->cell.verdict);
    if (c) {
        return c;
    }
    /* Most headroom first among boards that fit. */
    c = ts_cli_cmp_num(a->cell.ram_pct, b->cell.ram_pct, 1);
    return c ? c : strcasecmp(a->board->name, b->board->name);
}

static int compare_models(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    int c = verdict_rank(a->cell.verdict) - verdict_rank(b->cell.verdict);
    if (c) {
        return c;
    }
    switch (key) {
    case SORT_ACCURACY: c = ts_cli_cmp_num(a->model->metric_value, b->model->metric_value, -direction); break;
    case SORT_MACS: c = ts_cli_cmp_num(a->model->macs, b->model->macs, direction); break;
    case SORT_RAM: c = ts_cli_cmp_num(a->model->ram_kb, b->model->ram_kb, direction); break;
    case SORT_FLASH: c = ts_cli_cmp_num(a->model->flash_kb, b->model->flash_kb, direction); break;
    case SORT_NAME: c = direction * strcasecmp(a->model->name, b->model->name); break;
    }
    return c ? c : strcasecmp(a->model->name, b->model->name);
}

/* Edit distance between two names, ignoring case; for suggestions. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 200 || m > 200) {
        return (size_t)-1;
    }
    size_t *row = ts_calloc(m + 1, sizeof *row);
    for (size_t j = 0; j <= m; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[m];
    free(row);
    return d;
}

/* How far text is from a name: the closer of the whole name and any one of
 * its words, so that "pearson" suggests "Person_Detection". */
static size_t name_distance(const char *text, const char *name)
{
    size_t best = distance(text, name);
    char *copy = ts_strdup(name);
    for (char *word = strtok(copy, "_- ."); word; word = strtok(NULL, "_- .")) {
        size_t d = distance(text, word);
        if (d < best) {
            best = d;
        }
    }
    free(copy);
    return best;
}

static void suggest(const ts_catalog *cat, const char *text)
{
    const char *best[3] = {NULL, NULL, NULL};
    size_t dist[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    size_t total = cat->n_models + cat->n_devices;
    for (size_t i = 0; i < total; i++) {
        const char *name = i < cat->n_models ? cat->models[i]->name
                                             : cat->devices[i - cat->n_models]->name;
        size_t d = name_distance(text, name);
        for (size_t k = 0; k < 3; k++) {
            if (d < dist[k]) {
                for (size_t j = 2; j > k; j--) {
                    best[j] = best[j - 1];
                    dist[j] = dist[j - 1];
                }
                best[k] = name;
                dist[k] = d;
                break;
            }
        }
    }
    if (best[0]) {
        fputs("tinyscope: did you mean: ", stderr);
        for (size_t k = 0; k < 3 && best[k]; k++) {
            if (k) {
                fputs(", ", stderr);
            }
            ts_cli_put(stderr, best[k]);
        }
        fputc('\n', stderr);
    }
}

static void put_pct_cell(char *buf, size_t n, double pct)
{
    ts_buf b = {0};
    ts_matrix_put_pct(&b, pct);
    snprintf(buf, n, "%s", ts_buf_str(&b));
    ts_buf_free(&b);
}

/* CSV and JSON: the records of 'matrix', in this command's order. */
static bool write_records(const ts_catalog *cat, const pair *pairs, size_t n, bool json)
{
    ts_model **models = ts_calloc(n + 1, sizeof *models);
    ts_device **boards = ts_calloc(n + 1, sizeof *boards);
    for (size_t i = 0; i < n; i++) {
        models[i] = pairs[i].model;
        boards[i] = pairs[i].board;
    }
    bool ok = ts_matrix_write_pairs(stdout, cat, models, boards, n, json);
    free(models);
    free(boards);
    return ok;
}

static void print_table(const ts_catalog *cat, pair *pairs, size_t n, bool for_model)
{
    static const char *const model_heads[] = {"board", "", "verdict", "ram_%", "flash_%",
                                              "why not"};
    static const char *const board_heads[] = {"model", "", "verdict", "accuracy", "macs",
                                              "ram_%", "flash_%", "why not"};
    ts_text_table *table =
        for_model ? ts_text_table_new(model_heads, 6) : ts_text_table_new(board_heads, 8);
    for (size_t c = 3; c < (for_model ? 5u : 7u); c++) {
        ts_text_table_align_right(table, c);
    }
    ts_buf reasons = {0};
    for (size_t i = 0; i < n; i++) {
        pair *p = &pairs[i];
        ts_buf_truncate(&reasons, 0);
        ts_compat_reasons(cat, p->model, p->board, &p->cell, &reasons);
        char ram[32], flash[32];
        put_pct_cell(ram, sizeof ram, p->cell.ram_pct);
        put_pct_cell(flash, sizeof flash, p->cell.flash_pct);
        const char *verdict = ts_verdict_name(p->cell.verdict);
        if (for_model) {
            const char *row[] = {p->board->name, ts_cli_verdict_glyph(p->cell.verdict),
                                 verdict, ram, flash, ts_buf_str(&reasons)};
            ts_text_table_add(table, row);
        } else {
            char acc[32], macs[32];
            const char *row[] = {p->model->name,
                                 ts_cli_verdict_glyph(p->cell.verdict),
                                 verdict,
                                 ts_cli_num(p->model->metric_value, acc, sizeof acc),
                                 ts_cli_num(p->model->macs, macs, sizeof macs),
                                 ram,
                                 flash,
                                 ts_buf_str(&reasons)};
            ts_text_table_add(table, row);
        }
    }
    ts_text_table_print(table, stdout);
    ts_text_table_free(table);
    ts_buf_free(&reasons);
}

int ts_cmd_fits(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"sort", required_argument, NULL, 'S'},
        {"only-fits", no_argument, NULL, 'o'},
        TS_CLI_DATA_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    ts_cli_format format = TS_CLI_TABLE;
    bool only_fits = false;
    key = SORT_ACCURACY;
    direction = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': fits_usage(stdout); return TS_EXIT_OK;
        case 'f':
            if (!ts_cli_format_parse("fits", optarg, &format)) {
                return TS_EXIT_USAGE;
            }
            break;
        case 'S':
            if (!ts_cli_sort_parse("fits", optarg, sort_names, 5, &key, &direction)) {
                return TS_EXIT_USAGE;
            }
            break;
        case 'o': only_fits = true; break;
        default:
            if (ts_cli_data_option(&data, c, optarg)) {
                break;
            }
            fits_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        ts_cli_error("fits: which model or board? (tinyscope fits NAME)");
        return TS_EXIT_USAGE;
    }
    const char *name = argv[optind++];
    ts_cli_catalog_data cd;
    int opened = ts_cli_catalog_open("fits", &data, argv + optind, (size_t)(argc - optind), &cd);
    if (opened != TS_EXIT_OK) {
        return opened;
    }
    const ts_catalog *cat = cd.cat;
    ts_model *models[8];
    ts_device *boards[8];
    bool m_exact = false, b_exact = false;
    size_t nm = ts_catalog_find_models(cat, name, models, 8, &m_exact);
    size_t nb = ts_catalog_find_devices(cat, name, boards, 8, &b_exact);
    /* An exact match on one side outweighs partial matches on the other. */
    if (m_exact && !b_exact) {
        nb = 0;
    } else if (b_exact && !m_exact) {
        nm = 0;
    }
    int rc = TS_EXIT_OK;
    if (nm + nb == 0) {
        ts_cli_error("fits: no model or board matches '%s'", name);
        suggest(cat, name);
        rc = TS_EXIT_FAILURE;
    } else if (nm + nb > 1) {
        ts_cli_error("fits: '%s' is ambiguous; it matches:", name);
        for (size_t i = 0; i < nm && i < 8; i++) {
            fputs("  model  ", stderr);
            ts_cli_put(stderr, models[i]->name);
            fputc('\n', stderr);
        }
        for (size_t i = 0; i < nb && i < 8; i++) {
            fputs("  board  ", stderr);
            ts_cli_put(stderr, boards[i]->name);
            fputc('\n', stderr);
        }
        rc = TS_EXIT_FAILURE;
    } else {
        bool for_model = nm == 1;
        size_t n_other = for_model ? cat->n_devices : cat->n_models;
        pair *pairs = ts_calloc(n_other + 1, sizeof *pairs);
        size_t n = 0;
        for (size_t i = 0; i < n_other; i++) {
            pair p = {cat, for_model ? models[0] : cat->models[i],
                      for_model ? cat->devices[i] : boards[0], {0, 0, 0, 0, 0}};
            p.cell = ts_compat_check(cat, p.model, p.board);
            if (!only_fits || p.cell.verdict == TS_FITS) {
                pairs[n++] = p;
            }
        }
        if (n) {
            qsort(pairs, n, sizeof *pairs, for_model ? compare_boards : compare_models);
        }
        if (format == TS_CLI_TABLE) {
            size_t fit = 0;
            for (size_t i = 0; i < n; i++) {
                fit += pairs[i].cell.verdict == TS_FITS;
            }
            fputs(for_model ? "model " : "board ", stdout);
            ts_cli_put(stdout, for_model ? models[0]->name : boards[0]->name);
            fputs("  <", stdout);
            ts_cli_put(stdout, for_model ? models[0]->iri : boards[0]->iri);
            printf(">\n%zu of %zu %s fit%s\n\n", fit, n_other,
                   for_model ? "boards" : "models", for_model ? "" : " it");
        }
        if (format == TS_CLI_TABLE) {
            print_table(cat, pairs, n, for_model);
        } else if (!write_records(cat, pairs, n, format == TS_CLI_JSON)) {
            rc = TS_EXIT_FAILURE;
        }
        free(pairs);
    }
    ts_cli_catalog_close(&cd);
    return rc;
}
