#include "tinyscope/matrix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tinyscope/buf.h"
#include "tinyscope/compat.h"
#include "tinyscope/text_table.h"

/* A percentage with one decimal, without printf: the matrix can have tens
 * of millions of cells. */
static void put_pct(ts_buf *out, double pct)
{
    if (isnan(pct) || isinf(pct) || pct > 1e12) {
        return;
    }
    unsigned long long tenths = (unsigned long long)(pct * 10.0 + 0.5);
    char tmp[32];
    size_t n = 0;
    tmp[n++] = (char)('0' + tenths % 10);
    tmp[n++] = '.';
    tenths /= 10;
    do {
        tmp[n++] = (char)('0' + tenths % 10);
        tenths /= 10;
    } while (tenths);
    while (n) {
        ts_buf_putc(out, tmp[--n]);
    }
}

static void flush_if_full(ts_buf *out, FILE *f, bool *failed)
{
    if (out->len >= (1u << 20)) {
        if (fwrite(out->data, 1, out->len, f) != out->len) {
            *failed = true;
        }
        ts_buf_truncate(out, 0);
    }
}

bool ts_matrix_write(FILE *f, const ts_catalog *cat, ts_model *const *models, size_t n_models,
                     ts_device *const *boards, size_t n_boards, bool json)
{
    /* Each model's and board's fixed part of a record, encoded once. */
    char **mpart = ts_calloc(n_models + 1, sizeof *mpart);
    char **bpart = ts_calloc(n_boards + 1, sizeof *bpart);
    size_t *mlen = ts_calloc(n_models + 1, sizeof *mlen);
    size_t *blen = ts_calloc(n_boards + 1, sizeof *blen);
    for (size_t i = 0; i < n_models; i++) {
        ts_buf b = {0};
        if (json) {
            ts_buf_puts(&b, "{\"model\":");
            ts_json_string(&b, models[i]->iri);
            ts_buf_puts(&b, ",\"model_name\":");
            ts_json_string(&b, models[i]->name);
            ts_buf_puts(&b, ",\"board\":");
        } else {
            ts_csv_append(&b, models[i]->iri);
            ts_buf_putc(&b, ',');
            ts_csv_append(&b, models[i]->name);
            ts_buf_putc(&b, ',');
        }
        mlen[i] = b.len;
        mpart[i] = ts_buf_steal(&b);
    }
    for (size_t i = 0; i < n_boards; i++) {
        ts_buf b = {0};
        if (json) {
            ts_json_string(&b, boards[i]->iri);
            ts_buf_puts(&b, ",\"board_name\":");
            ts_json_string(&b, boards[i]->name);
            ts_buf_puts(&b, ",\"verdict\":");
        } else {
            ts_csv_append(&b, boards[i]->iri);
            ts_buf_putc(&b, ',');
            ts_csv_append(&b, boards[i]->name);
            ts_buf_putc(&b, ',');
        }
        blen[i] = b.len;
        bpart[i] = ts_buf_steal(&b);
    }
    ts_buf out = {0}, reasons = {0};
    bool failed = false, first = true;
    ts_buf_puts(&out, json ? "[\n" : "model,model_name,board,board_name,verdict,reasons,"
                                     "ram_pct,flash_pct\n");
    for (size_t m = 0; m < n_models; m++) {
        for (size_t b = 0; b < n_boards; b++) {
            ts_cell cell = ts_compat_check(cat, models[m], boards[b]);
            ts_buf_truncate(&reasons, 0);
            if (cell.verdict != TS_FITS) {
                ts_compat_reasons(cat, models[m], boards[b], &cell, &reasons);
            }
            if (json) {
                if (!first) {
                    ts_buf_puts(&out, ",\n");
                }
                first = false;
                ts_buf_puts(&out, mpart[m]);
                ts_buf_puts(&out, bpart[b]);
                ts_buf_putc(&out, '"');
                ts_buf_puts(&out, ts_verdict_name(cell.verdict));
                ts_buf_puts(&out, "\",\"reasons\":");
                ts_json_string(&out, ts_buf_str(&reasons));
                ts_buf_puts(&out, ",\"ram_pct\":");
                size_t before = out.len;
                put_pct(&out, cell.ram_pct);
                if (out.len == before) {
                    ts_buf_puts(&out, "null");
                }
                ts_buf_puts(&out, ",\"flash_pct\":");
                before = out.len;
                put_pct(&out, cell.flash_pct);
                if (out.len == before) {
                    ts_buf_puts(&out, "null");
                }
                ts_buf_putc(&out, '}');
            } else {
                static const char *const verdicts[] = {"fits,", "no,", "unknown,"};
                static const size_t verdict_len[] = {5, 3, 8};
                ts_buf_reserve(&out, mlen[m] + blen[b] + 8 + reasons.len + 64);
                char *p = out.data + out.len;
                memcpy(p, mpart[m], mlen[m]);
                p += mlen[m];
                memcpy(p, bpart[b], blen[b]);
                p += blen[b];
                memcpy(p, verdicts[cell.verdict], verdict_len[cell.verdict]);
                p += verdict_len[cell.verdict];
                out.len = (size_t)(p - out.data);
                if (reasons.len) {
                    ts_csv_append(&out, reasons.data);
                }
                ts_buf_putc(&out, ',');
                put_pct(&out, cell.ram_pct);
                ts_buf_putc(&out, ',');
                put_pct(&out, cell.flash_pct);
                ts_buf_putc(&out, '\n');
            }
            flush_if_full(&out, f, &failed);
        }
    }
    if (json) {
        ts_buf_puts(&out, first ? "]\n" : "\n]\n");
    }
    if (out.len && fwrite(out.data, 1, out.len, f) != out.len) {
        failed = true;
    }
    if (fflush(f) != 0) {
        failed = true;
    }
    ts_buf_free(&out);
    ts_buf_free(&reasons);
    for (size_t i = 0; i < n_models; i++) {
        free(mpart[i]);
    }
    for (size_t i = 0; i < n_boards; i++) {
        free(bpart[i]);
    }
    free(mpart);
    free(bpart);
    free(mlen);
    free(blen);
    return !failed;
}

