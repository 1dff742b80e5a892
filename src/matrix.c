#include "tinyscope/matrix.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinyscope/buf.h"
#include "tinyscope/compat.h"
#include "tinyscope/sanitize.h"
#include "tinyscope/text_table.h"

/* Records are formatted by up to MAX_THREADS threads, CELLS_PER_BLOCK cells
 * each per round, which bounds the memory held at once. */
#define MAX_THREADS 8
#define CELLS_PER_BLOCK 16384

/* Without printf: the matrix can have tens of millions of cells. */
void ts_matrix_put_pct(ts_buf *out, double pct)
{
    if (!(pct >= 0 && pct <= 1e12)) {
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


/* The part of a record after the board: verdict, reasons and percentages.
 * plain_reasons: the reasons need no CSV quoting (checked once per run). */
static void put_record_tail(ts_buf *out, const ts_cell *cell, const ts_buf *reasons, bool json,
                            bool plain_reasons)
{
    if (json) {
        ts_buf_putc(out, '"');
        ts_buf_puts(out, ts_verdict_name(cell->verdict));
        ts_buf_puts(out, "\",\"reasons\":");
        ts_json_string(out, reasons->len ? reasons->data : "");
        ts_buf_puts(out, ",\"ram_pct\":");
        size_t before = out->len;
        ts_matrix_put_pct(out, cell->ram_pct);
        if (out->len == before) {
            ts_buf_puts(out, "null");
        }
        ts_buf_puts(out, ",\"flash_pct\":");
        before = out->len;
        ts_matrix_put_pct(out, cell->flash_pct);
        if (out->len == before) {
            ts_buf_puts(out, "null");
        }
        ts_buf_putc(out, '}');
        return;
    }
    static const char *const verdicts[] = {"fits,", "no,", "unknown,"};
    static const size_t verdict_len[] = {5, 3, 8};
    ts_buf_append(out, verdicts[cell->verdict], verdict_len[cell->verdict]);
    if (reasons->len && plain_reasons) {
        ts_buf_append(out, reasons->data, reasons->len);
    } else if (reasons->len) {
        ts_csv_append(out, reasons->data);
    }
    ts_buf_putc(out, ',');
    ts_matrix_put_pct(out, cell->ram_pct);
    ts_buf_putc(out, ',');
    ts_matrix_put_pct(out, cell->flash_pct);
    ts_buf_putc(out, '\n');
}

/* A model's fixed part of a record, up to the board. */
static void put_model_part(ts_buf *b, const ts_model *model, bool json)
{
    if (json) {
        ts_buf_puts(b, "{\"model\":");
        ts_json_string(b, model->iri);
        ts_buf_puts(b, ",\"model_name\":");
        ts_json_string(b, model->name);
        ts_buf_puts(b, ",\"board\":");
    } else {
        ts_csv_append(b, model->iri);
        ts_buf_putc(b, ',');
        ts_csv_append(b, model->name);
        ts_buf_putc(b, ',');
    }
}

/* A board's fixed part of a record, up to the verdict. */
static void put_board_part(ts_buf *b, const ts_device *board, bool json)
{
    if (json) {
        ts_json_string(b, board->iri);
        ts_buf_puts(b, ",\"board_name\":");
        ts_json_string(b, board->name);
        ts_buf_puts(b, ",\"verdict\":");
    } else {
        ts_csv_append(b, board->iri);
        ts_buf_putc(b, ',');
        ts_csv_append(b, board->name);
        ts_buf_putc(b, ',');
    }
}

static const char csv_head[] = "model,model_name,board,board_name,verdict,reasons,ram_pct,flash_pct\n";

/* What every writer of a block of rows shares (read-only). */
typedef struct {
    const ts_catalog *cat;
    ts_model *const *models;
    ts_device *const *boards;
    size_t n_boards;
    char **mpart, **bpart;
    size_t *mlen, *blen;
    bool json;
    bool plain_reasons;
} matrix_ctx;

/* One thread's share of a round: rows [begin, end) into its own buffer. */
typedef struct {
    const matrix_ctx *mx;
    size_t begin, end;
    ts_buf out;
    ts_buf reasons;
} row_block;

static void format_rows(row_block *blk)
{
    const matrix_ctx *mx = blk->mx;
    ts_buf *out = &blk->out, *reasons = &blk->reasons;
    for (size_t m = blk->begin; m < blk->end; m++) {
        for (size_t b = 0; b < mx->n_boards; b++) {
            ts_cell cell = ts_compat_check(mx->cat, mx->models[m], mx->boards[b]);
            ts_buf_truncate(reasons, 0);
            if (cell.verdict != TS_FITS) {
                ts_compat_reasons(mx->cat, mx->models[m], mx->boards[b], &cell, reasons);
            }
            if (mx->json && (m != 0 || b != 0)) {
                ts_buf_puts(out, ",\n");
            }
            ts_buf_append(out, mx->mpart[m], mx->mlen[m]);
            ts_buf_append(out, mx->bpart[b], mx->blen[b]);
            put_record_tail(out, &cell, reasons, mx->json, mx->plain_reasons);
        }
    }
}

static void *format_rows_thread(void *arg)
{
    format_rows(arg);
    return NULL;
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
        put_model_part(&b, models[i], json);
        mlen[i] = b.len;
        mpart[i] = ts_buf_steal(&b);
    }
    for (size_t i = 0; i < n_boards; i++) {
        ts_buf b = {0};
        put_board_part(&b, boards[i], json);
        blen[i] = b.len;
        bpart[i] = ts_buf_steal(&b);
    }
    /* Reasons are made of numbers, class names and runtime names: when none
     * of those has a character CSV must quote, no reason needs quoting. */
    bool plain_reasons = true;
    for (size_t c = 0; c < cat->n_classes && plain_reasons; c++) {
        plain_reasons = !strpbrk(cat->classes[c], ",\"\r\n");
    }
    for (size_t i = 0; i < n_models && plain_reasons; i++) {
        plain_reasons = !models[i]->runtime || !strpbrk(models[i]->runtime, ",\"\r\n");
    }
    /* Names reach a terminal escaped; files and pipes get the bytes. */
    bool tty = ts_sanitize_is_tty(f);
    matrix_ctx mx = {cat,  models, boards, n_boards, mpart,
                     bpart, mlen,   blen,   json,     plain_reasons};
    bool failed = false;
    const char *head = json ? "[\n" : csv_head;
    if (fputs(head, f) == EOF) {
        failed = true;
    }
    /* Rounds of row blocks, one per core, formatted in parallel and written
     * in order: the records are the same as one thread would write. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (size_t)cores;
    size_t rows_per_block = n_boards ? (CELLS_PER_BLOCK + n_boards - 1) / n_boards : n_models;
    if (rows_per_block == 0) {
        rows_per_block = 1;
    }
    row_block blocks[MAX_THREADS];
    memset(blocks, 0, sizeof blocks);
    for (size_t m = 0; m < n_models && !failed;) {
        size_t used = 0;
        for (; used < n_threads && m < n_models; used++) {
            blocks[used].mx = &mx;
            blocks[used].begin = m;
            blocks[used].end = m + rows_per_block < n_models ? m + rows_per_block : n_models;
            ts_buf_truncate(&blocks[used].out, 0);
            m = blocks[used].end;
        }
        pthread_t threads[MAX_THREADS];
        bool started[MAX_THREADS] = {false};
        for (size_t t = 1; t < used; t++) {
            started[t] = pthread_create(&threads[t], NULL, format_rows_thread, &blocks[t]) == 0;
            if (!started[t]) {
                format_rows(&blocks[t]);
            }
        }
        format_rows(&blocks[0]);
        for (size_t t = 1; t < used; t++) {
            if (started[t]) {
                pthread_join(threads[t], NULL);
            }
        }
        for (size_t t = 0; t < used; t++) {
            if (blocks[t].out.len &&
                !ts_sanitize_fwrite(f, blocks[t].out.data, blocks[t].out.len, tty)) {
                failed = true;
            }
        }
    }
    for (size_t t = 0; t < MAX_THREADS; t++) {
        ts_buf_free(&blocks[t].out);
        ts_buf_free(&blocks[t].reasons);
    }
    if (json && fputs(n_models && n_boards ? "\n]\n" : "]\n", f) == EOF) {
        failed = true;
    }
    if (fflush(f) != 0) {
        failed = true;
    }
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


bool ts_matrix_write_pairs(FILE *f, const ts_catalog *cat, ts_model *const *models,
                           ts_device *const *boards, size_t n, bool json)
{
    ts_buf out = {0}, reasons = {0};
    ts_buf_puts(&out, json ? "[\n" : csv_head);
    for (size_t i = 0; i < n; i++) {
        ts_cell cell = ts_compat_check(cat, models[i], boards[i]);
        ts_buf_truncate(&reasons, 0);
        if (cell.verdict != TS_FITS) {
            ts_compat_reasons(cat, models[i], boards[i], &cell, &reasons);
        }
        if (json && i) {
            ts_buf_puts(&out, ",\n");
        }
        put_model_part(&out, models[i], json);
        put_board_part(&out, boards[i], json);
        put_record_tail(&out, &cell, &reasons, json, false);
    }
    ts_buf_puts(&out, json ? (n ? "\n]\n" : "]\n") : "");
    bool ok = ts_sanitize_fwrite(f, out.data, out.len, ts_sanitize_is_tty(f)) && fflush(f) == 0;
    ts_buf_free(&out);
    ts_buf_free(&reasons);
    return ok;
}
