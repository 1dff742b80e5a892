#include "tinyscope/results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tinyscope/loader.h"
#include "tinyscope/rdfout.h"
#include "tinyscope/strmap.h"
#include "tinyscope/term.h"

#define XSD "http://www.w3.org/2001/XMLSchema#"

void ts_results_new_iri(char *out)
{
    unsigned char u[16];
    size_t got = 0;
    while (got < sizeof u) {
        ssize_t n = getrandom(u + got, sizeof u - got, 0);
        if (n <= 0) {
            /* No entropy source: fall back to time and pid, still unique enough
             * for one machine's results file. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            unsigned long long x = (unsigned long long)ts.tv_sec * 1000000007ULL ^
                                   (unsigned long long)ts.tv_nsec ^
                                   ((unsigned long long)getpid() << 32);
            for (size_t i = got; i < sizeof u; i++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                u[i] = (unsigned char)(x >> 56);
            }
            break;
        }
        got += (size_t)n;
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    sprintf(out,
            "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
            "%02x%02x%02x%02x%02x%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
            u[14], u[15]);
}

void ts_bench_result_init(ts_bench_result *r)
{
    memset(r, 0, sizeof *r);
    char iri[64];
    ts_results_new_iri(iri);
    r->iri = ts_strdup(iri);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->started_at, sizeof r->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    r->latency_min_us = r->latency_median_us = r->latency_max_us = NAN;
    r->inferences_per_second = r->macs_per_second = NAN;
    r->accuracy = r->energy_uj = NAN;
}

void ts_bench_result_clear(ts_bench_result *r)
{
    if (!r) {
        return;
    }
    free(r->iri);
    free(r->port);
    free(r->protocol);
    free(r->device_iri);
    free(r->device_name);
    free(r->model_iri);
    free(r->model_name);
    memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s)
{
    return s ? ts_strdup(s) : NULL;
}

void ts_bench_result_copy(ts_bench_result *dst, const ts_bench_result *src)
{
    *dst = *src;
    dst->iri = dup_or_null(src->iri);
    dst->port = dup_or_null(src->port);
    dst->protocol = dup_or_null(src->protocol);
    dst->device_iri = dup_or_null(src->device_iri);
    dst->device_name = dup_or_null(src->device_name);
    dst->model_iri = dup_or_null(src->model_iri);
    dst->model_name = dup_or_null(src->model_name);
}

char *ts_results_default_path(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && xdg[0] == '/') {
        return ts_asprintf("%s/tinyscope/bench.nt", xdg);
    }
    const char *home = getenv("HOME");
    if (home && home[0]) {
        return ts_asprintf("%s/.local/share/tinyscope/bench.nt", home);
    }
    return NULL;
}

/* ---- N-Triples ---- */

char *ts_results_board_iri(const char *name)
{
    ts_buf b = {0};
    ts_buf_puts(&b, "urn:tinyscope:board:");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            ts_buf_putc(&b, (char)*p);
        } else {
            ts_buf_printf(&b, "%%%02X", *p);
        }
    }
    return ts_buf_steal(&b);
}

/* A run's statements go to the results file (through the project's RDF
 * writer, which does the N-Triples escaping) or straight into a store. */
typedef struct {
    ts_rdfout *out; /* the file's lines, or */
    ts_store *store; /* the store, into src's graph */
    ts_source *src;
} run_sink;

static void triple(run_sink *w, const char *s, const char *p, ts_term o)
{
    ts_term ts = ts_term_iri(s), tp = ts_term_iri(p);
    if (w->out) {
        ts_rdfout_write(w->out, &ts, &tp, &o, NULL);
    } else {
        SordWorld *world = ts_store_world(w->store);
        SordNode *ns = ts_term_to_sord(world, &ts), *np = ts_term_to_sord(world, &tp),
                 *no = ts_term_to_sord(world, &o);
        ts_store_add(w->store, w->src, ns, np, no, NULL);
        sord_node_free(world, ns);
        sord_node_free(world, np);
        sord_node_free(world, no);
    }
    ts_term_clear(&ts);
    ts_term_clear(&tp);
    ts_term_clear(&o);
}

static void triple_iri(run_sink *w, const char *s, const char *p, const char *o)
{
    triple(w, s, p, ts_term_iri(o));
}

static void triple_lit(run_sink *w, const char *s, const char *p, const char *lex, const char *dt)
{
    triple(w, s, p, ts_term_literal(lex, dt, NULL));
}

static void triple_decimal(run_sink *w, const char *s, const char *p, double v)
{
    if (!isfinite(v)) {
        return;
    }
    char lex[64];
    snprintf(lex, sizeof lex, "%.3f", v);
    triple_lit(w, s, p, lex, XSD "decimal");
}

static void write_run(const ts_bench_result *r, run_sink *out)
{
    const char *s = r->iri;
    triple_iri(out, s, TS_NS_RDF "type", TS_NS_TINY "BenchmarkRun");
    if (r->device_iri) {
        triple_iri(out, s, TS_NS_TINY "device", r->device_iri);
    } else if (r->device_name) {
        /* tiny:device wants a board IRI: a board the graph does not know is
         * named by what it calls itself, and labelled so. */
        char *board = ts_results_board_iri(r->device_name);
        triple_iri(out, s, TS_NS_TINY "device", board);
        triple_lit(out, board, TS_NS_RDFS "label", r->device_name, NULL);
        free(board);
    }
    if (r->model_iri) {
        triple_iri(out, s, TS_NS_TINY "model", r->model_iri);
    } else if (r->model_name) {
        triple_lit(out, s, TS_NS_TINY "model", r->model_name, NULL);
    }
    char *label = ts_asprintf("%s on %s", r->model_name ? r->model_name : "model",
                              r->device_name ? r->device_name : (r->port ? r->port : "board"));
    triple_lit(out, s, TS_NS_RDFS "label", label, NULL);
    free(label);
    if (r->port) {
        triple_lit(out, s, TS_NS_TINY "port", r->port, NULL);
    }
    if (r->protocol) {
        triple_lit(out, s, TS_NS_TINY "protocol", r->protocol, NULL);
    }
    triple_lit(out, s, TS_NS_TINY "startedAt", r->started_at, XSD "dateTime");
    char lex[32];
    snprintf(lex, sizeof lex, "%lld", r->inferences);
    triple_lit(out, s, TS_NS_TINY "inferences", lex, XSD "integer");
    triple_decimal(out, s, TS_NS_TINY "latencyMinUs", r->latency_min_us);
    triple_decimal(out, s, TS_NS_TINY "latencyMedianUs", r->latency_median_us);
    triple_decimal(out, s, TS_NS_TINY "latencyMaxUs", r->latency_max_us);
    triple_decimal(out, s, TS_NS_TINY "inferencesPerSecond", r->inferences_per_second);
    triple_decimal(out, s, TS_NS_TINY "macsPerSecond", r->macs_per_second);
    triple_decimal(out, s, TS_NS_TINY "accuracy", r->accuracy);
    triple_decimal(out, s, TS_NS_TINY "energyUj", r->energy_uj);
    triple_lit(out, s, TS_NS_TINY "complete", r->complete ? "true" : "false", XSD "boolean");
}

void ts_bench_result_ntriples(const ts_bench_result *r, ts_buf *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fputs("tinyscope: out of memory\n", stderr);
        exit(70);
    }
    run_sink w = {.out = ts_rdfout_new(f, TS_OUT_NTRIPLES, NULL)};
    write_run(r, &w);
    ts_rdfout_free(w.out);
    fclose(f);
    ts_buf_append(out, text, len);
    free(text);
}

void ts_results_add(ts_store *store, const char *path, const ts_bench_result *r)
{
    run_sink w = {.store = store};
    for (size_t i = 0; i < ts_store_source_count(store) && !w.src; i++) {
        ts_source *src = ts_store_source(store, i);
        if (!strcmp(src->path, path)) {
            w.src = src;
        }
    }
    if (!w.src) {
        w.src = ts_store_add_source(store, path, NULL, TS_FMT_NTRIPLES);
    }
    write_run(r, &w);
}

bool ts_results_in_store(const ts_store *store, const char *iri)
{
    SordWorld *world = ts_store_world(store);
    SordNode *s = sord_new_uri(world, (const uint8_t *)iri);
    SordNode *p = sord_new_uri(world, (const uint8_t *)(TS_NS_RDF "type"));
    SordNode *o = sord_new_uri(world, (const uint8_t *)(TS_NS_TINY "BenchmarkRun"));
    SordQuad pat = {s, p, o, NULL};
    bool found = sord_contains(ts_store_model(store), pat);
    sord_node_free(world, s);
    sord_node_free(world, p);
    sord_node_free(world, o);
    return found;
}

/* ---- the file ---- */

static bool mkdirs(const char *path)
{
    char *dir = ts_strdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return true;
    }
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                free(dir);
                return false;
            }
            *p = '/';
        }
    }
    bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
    free(dir);
    return ok;
}

/* Bytes after the last newline: a line an interrupted write left behind. */
/* Whether a last line without its newline is nonetheless a whole
 * statement (a file saved by an editor), which must not be taken for a
 * torn write. */
static bool whole_statement(const char *text, size_t n)
{
    if (n == 0 || n > 65536) {
        return false;
    }
    char *line = ts_asprintf("%.*s\n", (int)n, text);
    ts_store *scratch = ts_store_new();
    ts_load_opts opts = {.strict = true};
    ts_source *src = NULL;
    bool ok = ts_load_string(scratch, "", TS_FMT_NTRIPLES, line, &opts, &src) == TS_OK && src &&
              src->errors == 0 && src->statements == 1;
    ts_store_free(scratch);
    free(line);
    return ok;
}

static ts_status torn_tail(int fd, off_t size, off_t *keep)
{
    *keep = size;
    char buf[4096];
    off_t end = size;
    while (end > 0) {
        size_t n = end < (off_t)sizeof buf ? (size_t)end : sizeof buf;
        ssize_t got = pread(fd, buf, n, end - (off_t)n);
        if (got != (ssize_t)n) {
            return TS_ERR_IO;
        }
        for (size_t i = n; i > 0; i--) {
            if (buf[i - 1] == '\n') {
                *keep = end - (off_t)n + (off_t)i;
                return TS_OK;
            }
        }
        end -= (off_t)n;
    }
    *keep = 0;
    return TS_OK;
}

ts_status ts_results_append(const char *path, const ts_bench_result *r, size_t *torn, ts_error *err)
{
    if (torn) {
        *torn = 0;
    }
    if (!mkdirs(path)) {
        return ts_error_set(err, errno == EACCES ? TS_ERR_PERMISSION : TS_ERR_IO, path, 0, 0,
                            "cannot create the directory: %s", strerror(errno));
    }
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return ts_error_set(err, errno == EACCES ? TS_ERR_PERMISSION : TS_ERR_IO, path, 0, 0,
                            "cannot open for writing: %s", strerror(errno));
    }
    ts_status st = TS_OK;
    ts_buf text = {0};
    if (flock(fd, LOCK_EX) != 0) {
        st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "cannot lock: %s", strerror(errno));
        goto done;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "%s", strerror(errno));
        goto done;
    }
    off_t keep;
    if (torn_tail(fd, sb.st_size, &keep) != TS_OK) {
        st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    bool newline = false;
    if (keep < sb.st_size && sb.st_size - keep <= 65536) {
        size_t n = (size_t)(sb.st_size - keep);
        char *tail = ts_malloc(n);
        newline = pread(fd, tail, n, keep) == (ssize_t)n && whole_statement(tail, n);
        free(tail);
    }
    if (newline) {
        ts_buf_putc(&text, '\n');
    } else if (keep < sb.st_size) {
        if (ftruncate(fd, keep) != 0) {
            st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "cannot cut the torn last line: %s",
                              strerror(errno));
            goto done;
        }
        if (torn) {
            *torn = (size_t)(sb.st_size - keep);
        }
    }
    ts_bench_result_ntriples(r, &text);
    /* One write, so that a run is either all there or ends in a torn line. */
    size_t off = 0;
    while (off < text.len) {
        ssize_t n = write(fd, text.data + off, text.len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "cannot write: %s",
                              strerror(n < 0 ? errno : EIO));
            goto done;
        }
        off += (size_t)n;
    }
    if (fdatasync(fd) != 0) {
        st = ts_error_set(err, TS_ERR_IO, path, 0, 0, "cannot flush to disk: %s", strerror(errno));
    }
done:
    ts_buf_free(&text);
    close(fd); /* releases the lock */
    return st;
}

ts_status ts_results_load(ts_store *store, const char *path, ts_diags *diags, ts_source **out)
{
    if (out) {
        *out = NULL;
    }
    ts_buf text = {0};
    if (!ts_read_file(path, &text)) {
        int e = errno;
        ts_buf_free(&text);
        if (e == ENOENT) {
            return TS_ERR_NOT_FOUND;
        }
        if (diags) {
            ts_diags_addf(diags, TS_DIAG_ERROR, e == EACCES ? TS_ERR_PERMISSION : TS_ERR_IO, path,
                          0, 0, "cannot read the results file: %s", strerror(e));
        }
        return e == EACCES ? TS_ERR_PERMISSION : TS_ERR_IO;
    }
    size_t complete = text.len;
    while (complete > 0 && text.data[complete - 1] != '\n') {
        complete--;
    }
    bool torn = complete < text.len && !whole_statement(text.data + complete, text.len - complete);
    if (torn) {
        unsigned line = 1;
        for (size_t i = 0; i < complete; i++) {
            line += text.data[i] == '\n';
        }
        if (diags) {
            ts_diags_addf(diags, TS_DIAG_WARNING, TS_ERR_BAD_DATA, path, line, 1,
                          "incomplete last line (%zu bytes, left by an interrupted "
                          "write) skipped; the runs before it are kept",
                          text.len - complete);
        }
        ts_buf_truncate(&text, complete);
    }
    ts_load_opts opts = {.diags = diags};
    ts_source *src = NULL;
    ts_status st = ts_load_string(store, path, TS_FMT_NTRIPLES, ts_buf_str(&text), &opts, &src);
    if (src && torn) {
        src->warnings++;
    }
    ts_buf_free(&text);
    if (out) {
        *out = src;
    }
    return st;
}

ts_status ts_results_load_default(ts_store *store, const char *path, ts_diags *diags)
{
    char *def = path ? NULL : ts_results_default_path();
    const char *p = path ? path : def;
    ts_status st = TS_OK;
    if (p) {
        st = ts_results_load(store, p, diags, NULL);
        if (st == TS_ERR_NOT_FOUND) {
            st = TS_OK;
        }
    }
    free(def);
    return st;
}

/* ---- reading runs back from the store ---- */

static const SordNode *first_object(SordModel *model, const SordNode *s, SordNode *p)
{
    SordIter *it = sord_search(model, s, p, NULL, NULL);
    const SordNode *o = it && !sord_iter_end(it) ? sord_iter_get_node(it, SORD_OBJECT) : NULL;
    sord_iter_free(it);
    return o; /* interned in the world: stays valid while the quad does */
}

static double number_of(SordModel *model, SordWorld *w, const SordNode *s, const char *local)
{
    char *iri = ts_asprintf(TS_NS_TINY "%s", local);
    SordNode *p = sord_new_uri(w, (const uint8_t *)iri);
    free(iri);
    const SordNode *o = first_object(model, s, p);
    double v = NAN;
    if (o && ts_node_number(o, &v) != TS_OK) {
        v = NAN;
    }
    sord_node_free(w, p);
    return v;
}

static const char *string_of(SordModel *model, SordWorld *w, const SordNode *s, const char *local,
                             const SordNode **node)
{
    char *iri = ts_asprintf(TS_NS_TINY "%s", local);
    SordNode *p = sord_new_uri(w, (const uint8_t *)iri);
    free(iri);
    const SordNode *o = first_object(model, s, p);
    sord_node_free(w, p);
    if (node) {
        *node = o;
    }
    return o ? (const char *)sord_node_get_string(o) : NULL;
}

static void iri_or_name(const ts_store *store, const SordNode *o, char **iri, char **name)
{
    if (!o) {
        return;
    }
    if (sord_node_get_type(o) == SORD_URI) {
        *iri = ts_strdup((const char *)sord_node_get_string(o));
        *name = ts_store_label(store, o, NULL);
    } else {
        *name = ts_strdup((const char *)sord_node_get_string(o));
    }
}

static int cmp_result(const void *a, const void *b)
{
    const ts_bench_result *x = a, *y = b;
    int c = strcmp(x->started_at, y->started_at);
    return c ? c : strcmp(x->iri, y->iri);
}

/* One run, as ts_results_from_store reads it. */
static void read_run(const ts_store *store, const SordNode *s, ts_bench_result *r)
{
    SordWorld *w = ts_store_world(store);
    SordModel *model = ts_store_model(store);
    memset(r, 0, sizeof *r);
    r->iri = ts_strdup((const char *)sord_node_get_string(s));
    const SordNode *node;
    string_of(model, w, s, "device", &node);
    iri_or_name(store, node, &r->device_iri, &r->device_name);
    string_of(model, w, s, "model", &node);
    iri_or_name(store, node, &r->model_iri, &r->model_name);
    const char *v = string_of(model, w, s, "port", NULL);
    r->port = v ? ts_strdup(v) : NULL;
    v = string_of(model, w, s, "protocol", NULL);
    r->protocol = v ? ts_strdup(v) : NULL;
    v = string_of(model, w, s, "startedAt", NULL);
    snprintf(r->started_at, sizeof r->started_at, "%s", v ? v : "");
    double inf = number_of(model, w, s, "inferences");
    r->inferences = isfinite(inf) ? (long long)inf : 0;
    r->latency_min_us = number_of(model, w, s, "latencyMinUs");
    r->latency_median_us = number_of(model, w, s, "latencyMedianUs");
    r->latency_max_us = number_of(model, w, s, "latencyMaxUs");
    r->inferences_per_second = number_of(model, w, s, "inferencesPerSecond");
    r->macs_per_second = number_of(model, w, s, "macsPerSecond");
    r->accuracy = number_of(model, w, s, "accuracy");
    r->energy_uj = number_of(model, w, s, "energyUj");
    v = string_of(model, w, s, "complete", NULL);
    r->complete = v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

void ts_results_from_store(const ts_store *store, ts_bench_result **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    SordWorld *w = ts_store_world(store);
    SordModel *model = ts_store_model(store);
    SordNode *type = sord_new_uri(w, (const uint8_t *)TS_NS_RDF "type");
    SordNode *run = sord_new_uri(w, (const uint8_t *)TS_NS_TINY "BenchmarkRun");
    size_t cap = 0;
    ts_strmap seen = {0}; /* the same run in two graphs is one run */
    SordIter *it = sord_search(model, NULL, type, run, NULL);
    for (; it && !sord_iter_end(it); sord_iter_next(it)) {
        const SordNode *s = sord_iter_get_node(it, SORD_SUBJECT);
        bool added;
        ts_strmap_slot(&seen, (const char *)sord_node_get_string(s), &added);
        if (!added) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = ts_reallocarray(*out, cap, sizeof **out);
        }
        read_run(store, s, &(*out)[(*n)++]);
    }
    sord_iter_free(it);
    ts_strmap_free(&seen);
    sord_node_free(w, type);
    sord_node_free(w, run);
    if (*n > 1) {
        qsort(*out, *n, sizeof **out, cmp_result);
    }
}

bool ts_results_get(const ts_store *store, const char *iri, ts_bench_result *out)
{
    if (!ts_results_in_store(store, iri)) {
        return false;
    }
    SordNode *s = sord_new_uri(ts_store_world(store), (const uint8_t *)iri);
    read_run(store, s, out);
    sord_node_free(ts_store_world(store), s);
    return true;
}

void ts_results_list_free(ts_bench_result *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ts_bench_result_clear(&list[i]);
    }
    free(list);
}

/* ---- summaries ---- */

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static const char *key_of(const char *iri, const char *name)
{
    return iri ? iri : name;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values of field over the runs of one row. */
static double median_of(const ts_bench_result *list, const size_t *idx, size_t m, size_t offset)
{
    double *v = ts_malloc((m ? m : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        double x = *(const double *)((const char *)&list[idx[i]] + offset);
        if (isfinite(x)) {
            v[k++] = x;
        }
    }
    double r = NAN;
    if (k) {
        qsort(v, k, sizeof *v, cmp_dbl);
        r = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
    free(v);
    return r;
}

void ts_results_summarize(const ts_bench_result *list, size_t n, ts_results_row **rows,
                          size_t *n_rows)
{
    *rows = NULL;
    *n_rows = 0;
    size_t *group = ts_malloc((n ? n : 1) * sizeof *group);
    for (size_t i = 0; i < n; i++) {
        const ts_bench_result *r = &list[i];
        size_t g = 0;
        for (; g < *n_rows; g++) {
            const ts_results_row *row = &(*rows)[g];
            if (same_str(key_of(row->device_iri, row->device_name),
                         key_of(r->device_iri, r->device_name)) &&
                same_str(key_of(row->model_iri, row->model_name),
                         key_of(r->model_iri, r->model_name))) {
                break;
            }
        }
        if (g == *n_rows) {
            *rows = ts_reallocarray(*rows, *n_rows + 1, sizeof **rows);
            ts_results_row *row = &(*rows)[(*n_rows)++];
            memset(row, 0, sizeof *row);
            row->device_iri = r->device_iri;
            row->device_name = r->device_name;
            row->model_iri = r->model_iri;
            row->model_name = r->model_name;
        }
        group[i] = g;
    }
    size_t *idx = ts_malloc((n ? n : 1) * sizeof *idx);
    for (size_t g = 0; g < *n_rows; g++) {
        ts_results_row *row = &(*rows)[g];
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (group[i] == g) {
                idx[m++] = i;
            }
        }
        row->latency_min_us = row->latency_max_us = row->accuracy = NAN;
        row->recent = ts_malloc(TS_RESULTS_RECENT * sizeof *row->recent);
        for (size_t k = 0; k < m; k++) {
            const ts_bench_result *r = &list[idx[k]];
            row->runs++;
            row->complete_runs += r->complete;
            row->inferences += r->inferences;
            if (isfinite(r->latency_min_us) && !(r->latency_min_us >= row->latency_min_us)) {
                row->latency_min_us = r->latency_min_us;
            }
            if (isfinite(r->latency_max_us) && !(r->latency_max_us <= row->latency_max_us)) {
                row->latency_max_us = r->latency_max_us;
            }
            if (isfinite(r->accuracy)) {
                row->accuracy = r->accuracy;
            }
            row->last_started_at = r->started_at;
            if (isfinite(r->latency_median_us) && m - k <= TS_RESULTS_RECENT) {
                row->recent[row->n_recent++] = r->latency_median_us;
            }
        }
        row->latency_median_us =
            median_of(list, idx, m, offsetof(ts_bench_result, latency_median_us));
        row->inferences_per_second =
            median_of(list, idx, m, offsetof(ts_bench_result, inferences_per_second));
        row->macs_per_second = median_of(list, idx, m, offsetof(ts_bench_result, macs_per_second));
        row->energy_uj = median_of(list, idx, m, offsetof(ts_bench_result, energy_uj));
    }
    free(idx);
    free(group);
}

void ts_results_rows_free(ts_results_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].recent);
    }
    free(rows);
}
