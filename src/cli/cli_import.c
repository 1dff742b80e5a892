/* tinyscope import: a .tflite model as Turtle in the nnet vocabulary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_internal.h"
#include "tinyscope/outfile.h"
#include "tinyscope/tflite.h"

static void import_usage(FILE *f)
{
    fputs("usage: tinyscope import MODEL.tflite [--abi mcu32|host64] [--name NAME]\n"
          "                        [--description TEXT] [--creator TEXT] [--category CAT]\n"
          "                        [--sensor CLASS] [--metric NAME=VALUE] [--dataset IRI]\n"
          "                        [--citation IRI] [--id UUID] [-o FILE]\n"
          "\n"
          "Read a TFLite model and write it as Turtle in the shape of the published\n"
          "TinyML knowledge graph: layers, MACs, Flash (file size) and the RAM that\n"
          "TFLite Micro's tensor arena needs, predicted for the chosen ABI.\n"
          "\n"
          "  --abi ABI          mcu32 (a 32-bit board, default) or host64 (the\n"
          "                     64-bit host setting of the published RAM figures)\n"
          "  --name NAME        schema:name (default: the file name)\n"
          "  --category CAT     nnet category, e.g. Classification, Unsupervised\n"
          "  --sensor CLASS     sensor class providing the input, e.g. Microphone\n"
          "  --metric N=V       top1=0.91, top5=..., auc=..., or another name\n"
          "  --id UUID          identifier (default: from the file's bytes and the name)\n"
          "  -o, --output FILE  write to FILE (atomically) instead of stdout\n",
          f);
}

/* path is replaced whole once complete, or left as it was. */
static bool write_atomically(const char *path, const ts_tflite *model, const char *model_path,
                             const ts_tflite_meta *meta, ts_tflite_abi abi)
{
    ts_outfile *out = ts_outfile_open(path);
    if (!out) {
        ts_cli_error("%s: cannot write: %s", path, strerror(errno));
        return false;
    }
    ts_error err;
    ts_status st =
        ts_tflite_write_turtle(model, model_path, meta, abi, ts_outfile_stream(out), &err);
    if (st != TS_OK && st != TS_ERR_IO) {
        ts_outfile_abort(out);
        char line[2600];
        ts_cli_error("%s", ts_error_format(&err, line, sizeof line));
        return false;
    }
    if (st != TS_OK) {
        ts_outfile_abort(out);
        ts_cli_error("%s: cannot write", path);
        return false;
    }
    if (!ts_outfile_commit(out)) {
        ts_cli_error("%s: cannot write: %s", path, strerror(errno));
        return false;
    }
    return true;
}

ts_tflite *ts_cli_load_tflite(const char *path)
{
    ts_tflite *model;
    ts_error err;
    if (ts_tflite_load(path, &model, &err) != TS_OK) {
        char line[2600];
        ts_cli_error("%s", ts_error_format(&err, line, sizeof line));
        return NULL;
    }
    return model;
}

bool ts_cli_parse_abi(const char *arg, ts_tflite_abi *abi)
{
    if (!ts_tflite_abi_from_name(arg, abi)) {
        ts_cli_error("--abi: expected mcu32 or host64, not \"%s\"", arg);
        return false;
    }
    return true;
}

int ts_cmd_import(int argc, char **argv)
{
    enum { O_ABI = 256, O_NAME, O_DESC, O_CREATOR, O_CATEGORY, O_SENSOR, O_METRIC,
           O_DATASET, O_CITATION, O_ID };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"abi", required_argument, NULL, O_ABI},
        {"name", required_argument, NULL, O_NAME},
        {"description", required_argument, NULL, O_DESC},
        {"creator", required_argument, NULL, O_CREATOR},
        {"category", required_argument, NULL, O_CATEGORY},
        {"sensor", required_argument, NULL, O_SENSOR},
        {"metric", required_argument, NULL, O_METRIC},
        {"dataset", required_argument, NULL, O_DATASET},
        {"citation", required_argument, NULL, O_CITATION},
        {"id", required_argument, NULL, O_ID},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    ts_tflite_meta meta = {0};
    ts_tflite_abi abi = TS_TFLITE_ABI_MCU32;
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            import_usage(stdout);
            return TS_EXIT_OK;
        case 'o': output = optarg; break;
        case O_ABI:
            if (!ts_cli_parse_abi(optarg, &abi)) {
                return TS_EXIT_USAGE;
            }
            break;
        case O_NAME: meta.name = optarg; break;
        case O_DESC: meta.description = optarg; break;
        case O_CREATOR: meta.creator = optarg; break;
        case O_CATEGORY: meta.category = optarg; break;
        case O_SENSOR: meta.sensor = optarg; break;
        case O_METRIC:
            if (!ts_tflite_meta_parse_metric(&meta, optarg)) {
                ts_cli_error("--metric: expected NAME=NUMBER, not \"%s\"", optarg);
                return TS_EXIT_USAGE;
            }
            break;
        case O_DATASET: meta.dataset = optarg; break;
        case O_CITATION: meta.citation = optarg; break;
        case O_ID: meta.id = optarg; break;
        default:
            import_usage(stderr);
            return TS_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        import_usage(stderr);
        return TS_EXIT_USAGE;
    }
    const char *path = argv[optind];
    ts_tflite *model = ts_cli_load_tflite(path);
    if (!model) {
        return TS_EXIT_FAILURE;
    }
    ts_error err;
    char line[2600];
    bool ok;
    if (output) {
        ok = write_atomically(output, model, path, &meta, abi);
    } else {
        ts_status st = ts_tflite_write_turtle(model, path, &meta, abi, stdout, &err);
        ok = st == TS_OK;
        if (st == TS_ERR_IO) {
            ts_cli_error("standard output: write error");
        } else if (!ok) {
            ts_cli_error("%s", ts_error_format(&err, line, sizeof line));
        }
    }
    ts_tflite_free(model);
    return ok ? TS_EXIT_OK : TS_EXIT_FAILURE;
}
