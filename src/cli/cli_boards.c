/* tinyscope boards: the serial ports and the boards behind them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_internal.h"
#include "tinyscope/discover.h"

static void boards_usage(FILE *f)
{
    fputs("usage: tinyscope boards [--format table|json] [--strict] [--base IRI] "
          "[FILE|DIR ...]\n"
          "\n"
          "List USB serial ports with vendor and product id, serial number and product\n"
          "string, and the board of the knowledge graph (FILE|DIR, default: the bundled\n"
          "sample graphs) whose tiny:usbVendorId and tiny:usbProductId match.\n",
          f);
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void cell(const char *s, int width)
{
    s = or_dash(s);
    ts_cli_put(stdout, s);
    for (int i = (int)strlen(s); i < width; i++) {
        fputc(' ', stdout);
    }
}

static json_t *str_or_null(const char *s)
{
    return ts_cli_json_text(s);
}

int ts_cmd_boards(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"base", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': boards_usage(stdout); return TS_EXIT_OK;
        case 'f':
            if (!strcmp(optarg, "json")) {
                json = true;
            } else if (strcmp(optarg, "table")) {
                ts_cli_error("boards: unknown format '%s' (table or json)", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 's': data.strict = true; break;
        case 'b': data.base = optarg; break;
        default: boards_usage(stderr); return TS_EXIT_USAGE;
        }
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    if (!ts_cli_load(store, &data, &diags)) {
        ts_diags_clear(&diags);
        ts_store_free(store);
        return TS_EXIT_FAILURE;
    }
    ts_port_list list;
    ts_discover_scan(NULL, store, &list);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < list.count; i++) {
            const ts_port_info *p = &list.items[i];
            json_array_append_new(
                arr,
                json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "port", p->path,
                          "vendor_id", str_or_null(p->vendor_id), "product_id",
                          str_or_null(p->product_id), "serial", str_or_null(p->serial),
                          "manufacturer", str_or_null(p->manufacturer), "product",
                          str_or_null(p->product), "driver", str_or_null(p->driver), "board",
                          str_or_null(p->board_iri), "board_label", str_or_null(p->board_label),
                          "board_matches", (json_int_t)p->board_matches));
        }
        char *text = json_dumps(arr, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        puts(text);
        free(text);
        json_decref(arr);
    } else if (list.count == 0) {
        fputs("no USB serial ports found\n", stdout);
    } else {
        printf("%-16s %-10s %-18s %-28s %s\n", "PORT", "USB ID", "SERIAL", "PRODUCT", "BOARD");
        for (size_t i = 0; i < list.count; i++) {
            const ts_port_info *p = &list.items[i];
            char id[32];
            snprintf(id, sizeof id, "%s:%s", or_dash(p->vendor_id), or_dash(p->product_id));
            cell(p->path, 16);
            fputc(' ', stdout);
            cell(id, 10);
            fputc(' ', stdout);
            cell(p->serial, 18);
            fputc(' ', stdout);
            cell(p->product, 28);
            fputc(' ', stdout);
            if (p->board_label) {
                ts_cli_put(stdout, p->board_label);
                if (p->board_matches > 1) {
                    printf(" (+%zu more with these ids)", p->board_matches - 1);
                }
            } else {
                fputs("(not in the knowledge graph)", stdout);
            }
            fputc('\n', stdout);
        }
    }
    ts_port_list_free(&list);
    ts_diags_clear(&diags);
    ts_store_free(store);
    return TS_EXIT_OK;
}
