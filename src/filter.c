#include "tinyscope/filter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tinyscope/buf.h"
#include "tinyscope/compat.h"
#include "tinyscope/store.h"

typedef enum {
    F_NAME, F_DESCRIPTION, F_IRI, F_CREATOR, F_IDENTIFIER, F_DATASET, F_CITATION, F_CPU,
    F_USB, F_RAM, F_FLASH, F_MACS, F_ACCURACY, F_CLOCK, F_SENSOR, F_CATEGORY, F_RUNTIME,
    F_FITS,
} field_id;

typedef enum { K_TEXT, K_NUMBER, K_MEMBER } field_kind;

typedef struct {
    const char *name;
    field_id id;
    field_kind kind;
    unsigned targets; /* bit 0: devices, bit 1: models */
} field_def;

static const field_def fields[] = {
    {"name", F_NAME, K_TEXT, 3},          {"description", F_DESCRIPTION, K_TEXT, 3},
    {"iri", F_IRI, K_TEXT, 3},            {"creator", F_CREATOR, K_TEXT, 2},
    {"identifier", F_IDENTIFIER, K_TEXT, 2}, {"id", F_IDENTIFIER, K_TEXT, 2},
    {"dataset", F_DATASET, K_TEXT, 2},    {"citation", F_CITATION, K_TEXT, 2},
    {"cpu", F_CPU, K_TEXT, 1},            {"usb", F_USB, K_TEXT, 1},
    {"ram", F_RAM, K_NUMBER, 3},          {"flash", F_FLASH, K_NUMBER, 3},
    {"macs", F_MACS, K_NUMBER, 2},        {"accuracy", F_ACCURACY, K_NUMBER, 2},
    {"metric", F_ACCURACY, K_NUMBER, 2},  {"clock", F_CLOCK, K_NUMBER, 1},
    {"sensor", F_SENSOR, K_MEMBER, 3},    {"category", F_CATEGORY, K_MEMBER, 2},
    {"runtime", F_RUNTIME, K_MEMBER, 3},  {"fits", F_FITS, K_MEMBER, 3},
};

typedef enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_MATCH, OP_HAS } op_kind;

typedef struct {
    bool negate;
    const field_def *field;
    op_kind op;
    char *text;
    double number;
    pcre2_code *re;
    /* fits: the records named, resolved at compile time */
    ts_device **devices;
    ts_model **models;
    size_t n_named;
} term;

struct ts_filter {
    ts_filter_target target;
    term *terms;
    size_t n_terms;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    bool *gave_up; /* set through a const filter by a match that hit the limit */
};

bool ts_filter_gave_up(const ts_filter *f)
{
    return f && f->gave_up && *f->gave_up;
}

const char *ts_filter_fields(ts_filter_target target)
{
    return target == TS_FILTER_DEVICES
               ? "name description iri cpu usb ram flash clock sensor runtime fits"
               : "name description iri creator identifier dataset citation ram flash macs "
                 "accuracy sensor category runtime fits";
}

static void term_free(term *t)
{
    free(t->text);
    pcre2_code_free(t->re);
    free(t->devices);
    free(t->models);
}

void ts_filter_free(ts_filter *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->n_terms; i++) {
        term_free(&f->terms[i]);
    }
    free(f->terms);
    pcre2_match_data_free(f->md);
    pcre2_match_context_free(f->mctx);
    free(f->gave_up);
    free(f);
}

/* A number with an optional k, M or G multiplier. */
static bool parse_quantity(const char *s, double *out)
{
    size_t n = strlen(s);
    double mult = 1;
    char buf[64];
    if (n && n < sizeof buf) {
        char last = s[n - 1];
        if (last == 'k' || last == 'K') {
            mult = 1e3;
        } else if (last == 'M') {
            mult = 1e6;
        } else if (last == 'G') {
            mult = 1e9;
        }
        if (mult != 1) {
            memcpy(buf, s, n - 1);
            buf[n - 1] = '\0';
            s = buf;
        }
    }
    if (!ts_parse_number(s, out) || isnan(*out)) {
        return false;
    }
    *out *= mult;
    return true;
}

static ts_filter *fail(ts_filter *f, ts_error *err, size_t col, const char *fmt,
                       const char *arg)
{
    ts_error_set(err, TS_ERR_SYNTAX, "filter", 1, (unsigned)col + 1, fmt, arg);
    ts_filter_free(f);
    return NULL;
}

/* Read a value at *p: "quoted" (with \" and \\) or up to the next space. */
static char *read_value(const char **p, bool *ok)
{
    const char *s = *p;
    ts_buf b = {0};
    *ok = true;
    if (*s == '"') {
        s++;
        while (*s && *s != '"') {
            if (*s == '\\' && (s[1] == '"' || s[1] == '\\')) {
                s++;
            }
            ts_buf_putc(&b, *s++);
        }
        if (*s != '"') {
            *ok = false;
        } else {
            s++;
        }
    } else {
        while (*s && !isspace((unsigned char)*s)) {
            ts_buf_putc(&b, *s++);
        }
    }
    *p = s;
    return ts_buf_steal(&b);
}

static const field_def *find_field(const char *name, size_t n, ts_filter_target target)
{
    unsigned bit = target == TS_FILTER_DEVICES ? 1 : 2;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strlen(fields[i].name) == n && !strncasecmp(fields[i].name, name, n) &&
            (fields[i].targets & bit)) {
            return &fields[i];
        }
    }
    return NULL;
}

static bool resolve_fits(term *t, ts_filter_target target, const ts_catalog *cat)
{
    if (target == TS_FILTER_MODELS) {
        size_t n = ts_catalog_find_devices(cat, t->text, NULL, 0, NULL);
        t->devices = ts_calloc(n ? n : 1, sizeof *t->devices);
        t->n_named = ts_catalog_find_devices(cat, t->text, t->devices, n, NULL);
    } else {
        size_t n = ts_catalog_find_models(cat, t->text, NULL, 0, NULL);
        t->models = ts_calloc(n ? n : 1, sizeof *t->models);
        t->n_named = ts_catalog_find_models(cat, t->text, t->models, n, NULL);
    }
    return t->n_named > 0;
}

ts_filter *ts_filter_compile(const char *text, ts_filter_target target,
                             const ts_catalog *cat, ts_error *err)
{
    ts_filter *f = ts_calloc(1, sizeof *f);
    f->target = target;
    const char *p = text;
    while (true) {
        while (isspace((unsigned char)*p)) {
            p++;
        }
        if (!*p) {
            break;
        }
        size_t col = (size_t)(p - text);
        term t = {0};
        if (*p == '-' || *p == '!') {
            t.negate = true;
            p++;
        }
        const char *name = p;
        while (isalpha((unsigned char)*p) || *p == '_') {
            p++;
        }
        size_t name_len = (size_t)(p - name);
        op_kind op = OP_HAS;
        bool has_op = true;
        if (name_len && *p == ':') {
            p++;
        } else if (name_len && (p[0] == '<' || p[0] == '>')) {
            op = p[1] == '=' ? (p[0] == '<' ? OP_LE : OP_GE) : (p[0] == '<' ? OP_LT : OP_GT);
            p += p[1] == '=' ? 2 : 1;
        } else if (name_len && p[0] == '!' && p[1] == '=') {
            op = OP_NE;
            p += 2;
        } else if (name_len && p[0] == '=') {
            op = OP_EQ;
            p += p[1] == '=' ? 2 : 1;
        } else if (name_len && p[0] == '~') {
            op = OP_MATCH;
            p++;
        } else {
            has_op = false;
        }
        if (!has_op) {
            /* A bare word: the name contains it. */
            p = name;
            t.field = find_field("name", 4, target);
            t.op = OP_HAS;
        } else {
            t.field = find_field(name, name_len, target);
            if (!t.field) {
                char *nm = ts_strndup(name, name_len);
                ts_buf msg = {0};
                ts_buf_printf(&msg, "unknown field '%s' (known: %s)", nm,
                              ts_filter_fields(target));
                free(nm);
                ts_filter *r = fail(f, err, col, "%s", msg.data);
                ts_buf_free(&msg);
                return r;
            }
            t.op = op;
        }
        bool ok;
        size_t vcol = (size_t)(p - text);
        t.text = read_value(&p, &ok);
        if (!ok) {
            free(t.text);
            return fail(f, err, vcol, "%s", "unterminated quoted value");
        }
        if (!*t.text) {
            free(t.text);
            return fail(f, err, vcol, "missing value after '%s'",
                        t.field ? t.field->name : "");
        }
        field_kind kind = t.field->kind;
        if (kind == K_NUMBER) {
            if (t.op == OP_HAS || t.op == OP_MATCH) {
                free(t.text);
                return fail(f, err, col, "'%s' is a number: use < <= > >= = or !=",
                            t.field->name);
            }
            if (!parse_quantity(t.text, &t.number)) {
                ts_filter *r = fail(f, err, vcol, "not a number: '%s'", t.text);
                free(t.text);
                return r;
            }
        } else if (t.op == OP_LT || t.op == OP_LE || t.op == OP_GT || t.op == OP_GE) {
            free(t.text);
            return fail(f, err, col, "'%s' is not a number: use : = != or ~", t.field->name);
        }
        if (t.op == OP_MATCH) {
            int code;
            PCRE2_SIZE off;
            t.re = pcre2_compile((PCRE2_SPTR)t.text, PCRE2_ZERO_TERMINATED,
                                 PCRE2_CASELESS | PCRE2_UTF, &code, &off, NULL);
            if (!t.re) {
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(code, msg, sizeof msg);
                free(t.text);
                return fail(f, err, vcol + off, "bad regular expression: %s",
                            (const char *)msg);
            }
        }
        if (t.field->id == F_FITS && !resolve_fits(&t, target, cat)) {
            ts_filter *r = fail(f, err, vcol,
                                target == TS_FILTER_MODELS ? "no board matches '%s'"
                                                           : "no model matches '%s'",
                                t.text);
            term_free(&t);
            return r;
        }
        f->terms = ts_reallocarray(f->terms, f->n_terms + 1, sizeof *f->terms);
        f->terms[f->n_terms++] = t;
    }
    f->md = pcre2_match_data_create(1, NULL);
    f->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(f->mctx, TS_FILTER_MATCH_LIMIT);
    f->gave_up = ts_calloc(1, sizeof *f->gave_up);
    return f;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        if (!strncasecmp(hay, needle, n)) {
            return true;
        }
    }
    return n == 0;
}

static bool match_text(const ts_filter *f, const term *t, const char *value)
{
    if (!value) {
        return t->op == OP_NE;
    }
    switch (t->op) {
    case OP_EQ: return !strcasecmp(value, t->text);
    case OP_NE: return strcasecmp(value, t->text) != 0;
    case OP_MATCH: {
        int rc = pcre2_match(t->re, (PCRE2_SPTR)value, strlen(value), 0, 0, f->md, f->mctx);
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT) {
            *f->gave_up = true;
        }
        return rc >= 0;
    }
    default: return contains_ci(value, t->text);
    }
}

static bool match_number(const term *t, double v)
{
    if (isnan(v)) {
        return false;
    }
    switch (t->op) {
    case OP_LT: return v < t->number;
    case OP_LE: return v <= t->number;
    case OP_GT: return v > t->number;
    case OP_GE: return v >= t->number;
    case OP_EQ: return v == t->number;
    case OP_NE: return v != t->number;
    default: return false;
    }
}

/* Whether a class (or one of its superclasses) is the one the user named:
 * by short name ("camera"), prefixed name or full IRI. */
static bool class_named(const ts_catalog *cat, size_t c, const char *text)
{
    const uint64_t *anc = cat->ancestors + c * cat->words;
    for (size_t k = 0; k < cat->n_classes; k++) {
        if (!((anc[k / 64] >> (k % 64)) & 1)) {
            continue;
        }
        const char *iri = cat->classes[k];
        if (!strcasecmp(ts_class_short_name(iri), text) || !strcmp(iri, text)) {
            return true;
        }
        const char *colon = strchr(text, ':');
        if (colon && !strcasecmp(ts_class_short_name(iri), colon + 1)) {
            return true;
        }
    }
    return false;
}

static bool match_sensors(const ts_filter *f, const term *t, const ts_catalog *cat,
                          const size_t *classes, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n && !any; i++) {
        any = t->op == OP_MATCH
                  ? match_text(f, t, ts_class_short_name(cat->classes[classes[i]]))
                  : class_named(cat, classes[i], t->text);
    }
    return t->op == OP_NE ? !any : any;
}

static bool eval_device_term(const ts_filter *f, const term *t, const ts_catalog *cat,
                             const ts_device *d)
{
    switch (t->field->id) {
    case F_NAME: return match_text(f, t, d->name);
    case F_DESCRIPTION: return match_text(f, t, d->description);
    case F_IRI: return match_text(f, t, d->iri);
    case F_CPU: return match_text(f, t, d->cpu);
    case F_USB: {
        char usb[32];
        snprintf(usb, sizeof usb, "%s:%s", d->usb_vid ? d->usb_vid : "",
                 d->usb_pid ? d->usb_pid : "");
        return match_text(f, t, d->usb_vid ? usb : NULL);
    }
    case F_RAM: return match_number(t, d->ram_kb);
    case F_FLASH: return match_number(t, d->flash_kb);
    case F_CLOCK: return match_number(t, d->clock_mhz);
    case F_SENSOR: return match_sensors(f, t, cat, d->sensors, d->n_sensors);
    case F_RUNTIME:
        for (size_t i = 0; i < d->n_runtimes; i++) {
            if (t->op == OP_MATCH ? match_text(f, t, d->runtimes[i])
                                  : ts_runtime_equal(d->runtimes[i], t->text)) {
                return t->op != OP_NE;
            }
        }
        return t->op == OP_NE;
    case F_FITS:
        for (size_t i = 0; i < t->n_named; i++) {
            if (ts_compat_check(cat, t->models[i], d).verdict == TS_FITS) {
                return true;
            }
        }
        return false;
    default: return false;
    }
}

static bool eval_model_term(const ts_filter *f, const term *t, const ts_catalog *cat,
                            const ts_model *m)
{
    switch (t->field->id) {
    case F_NAME: return match_text(f, t, m->name);
    case F_DESCRIPTION: return match_text(f, t, m->description);
    case F_IRI: return match_text(f, t, m->iri);
    case F_CREATOR: return match_text(f, t, m->creator);
    case F_IDENTIFIER: return match_text(f, t, m->identifier);
    case F_DATASET: return match_text(f, t, m->dataset);
    case F_CITATION: return match_text(f, t, m->citation);
    case F_RAM: return match_number(t, m->ram_kb);
    case F_FLASH: return match_number(t, m->flash_kb);
    case F_MACS: return match_number(t, m->macs);
    case F_ACCURACY: return match_number(t, m->metric_value);
    case F_SENSOR: return match_sensors(f, t, cat, m->sensors, m->n_sensors);
    case F_CATEGORY: {
        const char *short_name = m->category ? ts_class_short_name(m->category) : NULL;
        if (t->op == OP_HAS) {
            return short_name && !strcasecmp(short_name, t->text);
        }
        return match_text(f, t, short_name);
    }
    case F_RUNTIME:
        if (t->op == OP_HAS || t->op == OP_EQ) {
            return m->runtime && ts_runtime_equal(m->runtime, t->text);
        }
        if (t->op == OP_NE) {
            return !m->runtime || !ts_runtime_equal(m->runtime, t->text);
        }
        return match_text(f, t, m->runtime);
    case F_FITS:
        for (size_t i = 0; i < t->n_named; i++) {
            if (ts_compat_check(cat, m, t->devices[i]).verdict == TS_FITS) {
                return true;
            }
        }
        return false;
    default: return false;
    }
}

bool ts_filter_match_device(const ts_filter *f, const ts_catalog *cat, const ts_device *d)
{
    if (f->target != TS_FILTER_DEVICES) {
        return false;
    }
    for (size_t i = 0; i < f->n_terms; i++) {
        if (eval_device_term(f, &f->terms[i], cat, d) == f->terms[i].negate) {
            return false;
        }
    }
    return true;
}

bool ts_filter_match_model(const ts_filter *f, const ts_catalog *cat, const ts_model *m)
{
    if (f->target != TS_FILTER_MODELS) {
        return false;
    }
    for (size_t i = 0; i < f->n_terms; i++) {
        if (eval_model_term(f, &f->terms[i], cat, m) == f->terms[i].negate) {
            return false;
        }
    }
    return true;
}
