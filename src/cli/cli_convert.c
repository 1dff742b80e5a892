/* tinyscope convert: JSON-LD (or any RDF the loader reads) to Turtle, N-Triples or N-Quads. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_internal.h"
#include "tinyscope/outfile.h"
#include "tinyscope/rdfout.h"

static void convert_usage(FILE *f)
{
    fputs("usage: tinyscope convert [--to turtle|ntriples|nquads] [-o OUT] [--base IRI]\n"
          "                         [--context URL=FILE] [--rdf-direction MODE] FILE...\n"
          "\n"
          "Read the files (JSON-LD Thing Descriptions, or any format tinyscope loads)\n"
          "and write their statements as Turtle (the default), N-Triples or N-Quads.\n"
          "Each file's default graph is the output's default graph; graphs a document\n"
          "names keep their names in N-Quads. Any error in the input is fatal and\n"
          "leaves OUT untouched: the output is written to a temporary file that\n"
          "replaces OUT only when complete.\n"
          "\n"
          "  --to FORMAT          turtle (ttl), ntriples (nt) or nquads (nq)\n"
          "  -o, --output OUT     write to OUT instead of standard output\n"
          "  --base IRI           base IRI for relative IRIs (default: each file's URI)\n"
          "  --context URL=FILE   answer the JSON-LD context URL from FILE\n"
          "  --rdf-direction MODE JSON-LD @direction as RDF: i18n-datatype (default),\n"
          "                       compound-literal, or none (dropped)\n",
          f);
}

/* Write every statement of store; a source's own graph becomes the default graph. */
static ts_status write_store(ts_store *store, ts_rdfout *w)
{
    SordModel *model = ts_store_model(store);
    SordIter *it = sord_begin(model);
    ts_status st = TS_OK;
    for (; it && !sord_iter_end(it) && st == TS_OK; sord_iter_next(it)) {
        SordQuad q;
        sord_iter_get(it, q);
        const SordNode *g = q[SORD_GRAPH];
        const ts_source *src = g ? ts_store_source_of_graph(store, g) : NULL;
        if (src && sord_node_equals(src->graph, g)) {
            g = NULL;
        }
        st = ts_rdfout_write_sord(w, q[SORD_SUBJECT], q[SORD_PREDICATE], q[SORD_OBJECT], g);
    }
    sord_iter_free(it);
    return st;
}

static int write_output(ts_store *store, ts_out_format fmt, const char *out_path)
{
    if (!out_path) {
        ts_rdfout *w = ts_rdfout_new(stdout, fmt, store);
        ts_status st = write_store(store, w);
        ts_status fin = ts_rdfout_finish(w);
        ts_rdfout_free(w);
        if (st != TS_OK || fin != TS_OK || fflush(stdout) != 0) {
            ts_cli_error("convert: cannot write to standard output");
            return TS_EXIT_FAILURE;
        }
        return TS_EXIT_OK;
    }
    /* OUT is replaced whole once complete, or left as it was. */
    ts_outfile *out = ts_outfile_open(out_path);
    if (!out) {
        ts_cli_error("convert: cannot write %s: %s", out_path, strerror(errno));
        return TS_EXIT_FAILURE;
    }
    ts_rdfout *w = ts_rdfout_new(ts_outfile_stream(out), fmt, store);
    ts_status st = write_store(store, w);
    ts_status fin = ts_rdfout_finish(w);
    ts_rdfout_free(w);
    bool ok;
    if (st == TS_OK && fin == TS_OK) {
        ok = ts_outfile_commit(out);
    } else {
        ok = false;
        ts_outfile_abort(out);
        errno = EIO;
    }
    if (!ok) {
        ts_cli_error("convert: cannot write %s: %s", out_path, strerror(errno));
    }
    return ok ? TS_EXIT_OK : TS_EXIT_FAILURE;
}

int ts_cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"base", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    ts_cli_data data = {0};
    ts_out_format fmt = TS_OUT_TURTLE;
    const char *out_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': convert_usage(stdout); return TS_EXIT_OK;
        case 't':
            if (!ts_out_format_from_name(optarg, &fmt)) {
                ts_cli_error("convert: unknown output format '%s' (turtle, ntriples or nquads)",
                             optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case 'o': out_path = optarg; break;
        case 'b': data.base = optarg; break;
        default: convert_usage(stderr); return TS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        ts_cli_error("convert: no input files");
        convert_usage(stderr);
        return TS_EXIT_USAGE;
    }
    data.paths = argv + optind;
    data.n_paths = (size_t)(argc - optind);
    data.strict = true;

    ts_store *store = ts_store_new();
    ts_diags diags = {0};
    bool ok = ts_cli_load(store, &data, &diags);
    for (size_t i = 0; ok && i < ts_store_source_count(store); i++) {
        ok = ts_store_source(store, i)->errors == 0;
    }
    int rc = TS_EXIT_FAILURE;
    if (ok) {
        rc = write_output(store, fmt, out_path);
    } else {
        ts_cli_error("convert: errors in the input; nothing written");
    }
    ts_diags_clear(&diags);
    ts_store_free(store);
    return rc;
}
