/*
 * Expressions and SPARQL's value semantics: numeric promotion, effective
 * boolean value, comparison of typed literals, and ORDER BY's total order.
 * Values are Sord nodes; NULL stands for an error or an unbound variable.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sparql_internal.h"
#include "tinyscope/ptrmap.h"

static const char *node_str(sq_node n)
{
    return (const char *)sord_node_get_string(n);
}

static const char *dt_str(sq_node n)
{
    const SordNode *dt = sord_node_get_datatype(n);
    return dt ? (const char *)sord_node_get_string(dt) : NULL;
}

static bool is_literal(sq_node n)
{
    return n && sord_node_get_type(n) == SORD_LITERAL;
}

bool sq_is_string_literal(sq_ctx *cx, sq_node n)
{
    (void)cx;
    if (!is_literal(n)) {
        return false;
    }
    const char *lang = sord_node_get_language(n);
    if (lang && *lang) {
        return false;
    }
    const char *dt = dt_str(n);
    return !dt || !strcmp(dt, TS_NS_XSD "string");
}

bool sq_is_plain_or_lang(sq_ctx *cx, sq_node n)
{
    if (!is_literal(n)) {
        return false;
    }
    const char *lang = sord_node_get_language(n);
    return (lang && *lang) || sq_is_string_literal(cx, n);
}

/* ---- numbers ---- */

static sq_numtype numtype_of(const char *dt)
{
    if (!dt || strncmp(dt, TS_NS_XSD, sizeof TS_NS_XSD - 1)) {
        return NUM_NONE;
    }
    const char *l = dt + sizeof TS_NS_XSD - 1;
    static const char *const ints[] = {
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!strcmp(l, ints[i])) {
            return NUM_INTEGER;
        }
    }
    if (!strcmp(l, "decimal")) {
        return NUM_DECIMAL;
    }
    if (!strcmp(l, "float")) {
        return NUM_FLOAT;
    }
    if (!strcmp(l, "double")) {
        return NUM_DOUBLE;
    }
    return NUM_NONE;
}

static bool valid_integer(const char *s)
{
    if (*s == '+' || *s == '-') {
        s++;
    }
    if (!isdigit((unsigned char)*s)) {
        return false;
    }
    while (isdigit((unsigned char)*s)) {
        s++;
    }
    return *s == '\0';
}

static bool valid_decimal(const char *s)
{
    if (*s == '+' || *s == '-') {
        s++;
    }
    bool digits = false;
    while (isdigit((unsigned char)*s)) {
        s++;
        digits = true;
    }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            s++;
            digits = true;
        }
    }
    return digits && *s == '\0';
}

static bool valid_double(const char *s)
{
    if (!strcmp(s, "INF") || !strcmp(s, "-INF") || !strcmp(s, "+INF") || !strcmp(s, "NaN")) {
        return true;
    }
    const char *e = strpbrk(s, "eE");
    if (!e) {
        return valid_decimal(s);
    }
    char mant[128];
    size_t n = (size_t)(e - s);
    if (n >= sizeof mant) {
        return false;
    }
    memcpy(mant, s, n);
    mant[n] = '\0';
    return valid_decimal(mant) && valid_integer(e + 1);
}

static bool parse_num(sq_node n, sq_num *out);

/* Numbers are read once per node and evaluation: filters compare the same
   values again and again. */
bool sq_node_num(sq_ctx *cx, sq_node n, sq_num *out)
{
    if (!is_literal(n)) {
        return false;
    }
    size_t *slot = ts_ptrmap_get(&cx->num_cache, n);
    if (slot) {
        if (*slot == SIZE_MAX) {
            return false;
        }
        *out = cx->nums[*slot];
        return true;
    }
    bool ok = parse_num(n, out);
    slot = ts_ptrmap_slot(&cx->num_cache, n);
    if (!ok) {
        *slot = SIZE_MAX;
        return false;
    }
    if (cx->n_nums == cx->cap_nums) {
        cx->cap_nums = cx->cap_nums ? cx->cap_nums * 2 : 256;
        cx->nums = ts_reallocarray(cx->nums, cx->cap_nums, sizeof *cx->nums);
    }
    cx->nums[cx->n_nums] = *out;
    *slot = cx->n_nums++;
    return true;
}

static bool parse_num(sq_node n, sq_num *out)
{
    sq_numtype t = numtype_of(dt_str(n));
    if (t == NUM_NONE) {
        return false;
    }
    const char *s = node_str(n);
    out->type = t;
    out->i = 0;
    out->d = 0;
    switch (t) {
    case NUM_INTEGER: {
        if (!valid_integer(s)) {
            return false;
        }
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno) {
            out->type = NUM_DECIMAL;
            out->d = strtod(s, NULL);
            return true;
        }
        out->i = v;
        out->d = (double)v;
        return true;
    }
    case NUM_DECIMAL:
        if (!valid_decimal(s)) {
            return false;
        }
        out->d = strtod(s, NULL);
        return true;
    case NUM_FLOAT:
    case NUM_DOUBLE:
        if (!valid_double(s)) {
            return false;
        }
        if (!strcmp(s, "INF") || !strcmp(s, "+INF")) {
            out->d = INFINITY;
        } else if (!strcmp(s, "-INF")) {
            out->d = -INFINITY;
        } else if (!strcmp(s, "NaN")) {
            out->d = NAN;
        } else {
            out->d = strtod(s, NULL);
        }
        if (t == NUM_FLOAT) {
            out->d = (double)(float)out->d;
        }
        return true;
    case NUM_NONE: break;
    }
    return false;
}

static double num_d(sq_num n)
{
    return n.type == NUM_INTEGER ? (double)n.i : n.d;
}

sq_node sq_num_node(sq_ctx *cx, sq_num v)
{
    char buf[64];
    switch (v.type) {
    case NUM_INTEGER:
        snprintf(buf, sizeof buf, "%lld", v.i);
        return sq_literal(cx, buf, cx->xsd_integer, NULL);
    case NUM_DECIMAL: {
        if (!isfinite(v.d)) {
            return NULL;
        }
        snprintf(buf, sizeof buf, "%.15g", v.d);
        if (strpbrk(buf, "eE")) {
            snprintf(buf, sizeof buf, "%.6f", v.d);
        }
        if (!strchr(buf, '.')) {
            strcat(buf, ".0");
        } else {
            size_t n = strlen(buf);
            while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.') {
                buf[--n] = '\0';
            }
        }
        return sq_literal(cx, buf, cx->xsd_decimal, NULL);
    }
    case NUM_FLOAT:
    case NUM_DOUBLE:
        if (isnan(v.d)) {
            snprintf(buf, sizeof buf, "NaN");
        } else if (isinf(v.d)) {
            snprintf(buf, sizeof buf, "%sINF", v.d < 0 ? "-" : "");
        } else {
            /* canonical form: the shortest mantissa that reads back, as 1.5E3 */
            char tmp[64] = "";
            for (int prec = 0; prec <= 17; prec++) {
                snprintf(tmp, sizeof tmp, "%.*e", prec, v.d);
                double back = strtod(tmp, NULL);
                if ((v.type == NUM_FLOAT && (float)back == (float)v.d) || back == v.d) {
                    break;
                }
            }
            char *e = strchr(tmp, 'e');
            int exp10 = e ? atoi(e + 1) : 0;
            if (e) {
                *e = '\0';
            }
            snprintf(buf, sizeof buf, "%s%sE%d", tmp, strchr(tmp, '.') ? "" : ".0", exp10);
        }
        return sq_literal(cx, buf, v.type == NUM_FLOAT ? cx->xsd_float : cx->xsd_double, NULL);
    case NUM_NONE: break;
    }
    return NULL;
}

static sq_node arith(sq_ctx *cx, sq_expr_op op, sq_node a, sq_node b)
{
    sq_num x, y;
    if (!sq_node_num(cx, a, &x) || !sq_node_num(cx, b, &y)) {
        return NULL;
    }
    sq_num r = {x.type > y.type ? x.type : y.type, 0, 0};
    if (op == E_DIV && r.type == NUM_INTEGER) {
        r.type = NUM_DECIMAL;
    }
    if (r.type == NUM_INTEGER) {
        bool ovf = false;
        switch (op) {
        case E_ADD: ovf = __builtin_add_overflow(x.i, y.i, &r.i); break;
        case E_SUB: ovf = __builtin_sub_overflow(x.i, y.i, &r.i); break;
        case E_MUL: ovf = __builtin_mul_overflow(x.i, y.i, &r.i); break;
        default: break;
        }
        if (!ovf) {
            return sq_num_node(cx, r);
        }
        r.type = NUM_DECIMAL;
    }
    double p = num_d(x), q = num_d(y);
    switch (op) {
    case E_ADD: r.d = p + q; break;
    case E_SUB: r.d = p - q; break;
    case E_MUL: r.d = p * q; break;
    case E_DIV:
        if (q == 0 && r.type == NUM_DECIMAL) {
            return NULL;
        }
        r.d = p / q;
        break;
    default: return NULL;
    }
    if (r.type == NUM_FLOAT) {
        r.d = (double)(float)r.d;
    }
    return sq_num_node(cx, r);
}

/* ---- dates ---- */

/* Seconds since 1970 (UTC when a zone is given); false when malformed. */
static bool parse_datetime(const char *s, double *secs, bool *has_tz)
{
    int y, mo, d, h = 0, mi = 0, n = 0;
    double sec = 0;
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6) {
        n = 0;
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) < 3) {
            return false;
        }
    }
    if (neg) {
        y = -y;
    }
    const char *tz = s + n;
    int off = 0;
    *has_tz = false;
    if (*tz == 'Z') {
        *has_tz = true;
    } else if (*tz == '+' || *tz == '-') {
        int th, tm;
        if (sscanf(tz + 1, "%2d:%2d", &th, &tm) != 2) {
            return false;
        }
        off = (th * 60 + tm) * (*tz == '-' ? -1 : 1);
        *has_tz = true;
    } else if (*tz) {
        return false;
    }
    /* days from civil (proleptic Gregorian) */
    long yy = y - (mo <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    *secs = (double)days * 86400.0 + h * 3600.0 + mi * 60.0 + sec - off * 60.0;
    return true;
}

static bool is_dt(sq_node n, const char *local)
{
    const char *dt = is_literal(n) ? dt_str(n) : NULL;
    return dt && !strncmp(dt, TS_NS_XSD, sizeof TS_NS_XSD - 1) &&
           !strcmp(dt + sizeof TS_NS_XSD - 1, local);
}

static int bool_value(sq_node n)
{
    const char *s = node_str(n);
    if (!strcmp(s, "true") || !strcmp(s, "1")) {
        return 1;
    }
    if (!strcmp(s, "false") || !strcmp(s, "0")) {
        return 0;
    }
    return -1;
}

/* ---- comparison ---- */

static int sgn(double d)
{
    return d < 0 ? -1 : d > 0;
}

/* A well-formed literal of a datatype whose values the engine knows
 * (numeric is what sq_node_num made of it). */
static bool known_value(sq_ctx *cx, sq_node n, bool numeric)
{
    if (numeric || sq_is_plain_or_lang(cx, n)) {
        return true;
    }
    if (is_dt(n, "boolean")) {
        return bool_value(n) >= 0;
    }
    double t;
    bool tz;
    return (is_dt(n, "dateTime") || is_dt(n, "date")) && parse_datetime(node_str(n), &t, &tz);
}

int sq_value_cmp(sq_ctx *cx, sq_node a, sq_node b, bool eq_only)
{
    if (!a || !b) {
        return 2;
    }
    sq_num x, y;
    bool xn = sq_node_num(cx, a, &x), yn = sq_node_num(cx, b, &y);
    if (xn && yn) {
        if (x.type == NUM_INTEGER && y.type == NUM_INTEGER) {
            return x.i < y.i ? -1 : x.i > y.i;
        }
        double p = num_d(x), q = num_d(y);
        if (isnan(p) || isnan(q)) {
            return eq_only ? 1 : 2;
        }
        return sgn(p - q) == 0 ? (p < q ? -1 : p > q) : (p < q ? -1 : 1);
    }
    bool al = is_literal(a), bl = is_literal(b);
    if (al && bl) {
        if (sq_is_string_literal(cx, a) && sq_is_string_literal(cx, b)) {
            int c = strcmp(node_str(a), node_str(b));
            return c < 0 ? -1 : c > 0;
        }
        const char *la = sord_node_get_language(a), *lb = sord_node_get_language(b);
        if (la && *la && lb && *lb) {
            if (!strcasecmp(la, lb) && !strcmp(node_str(a), node_str(b))) {
                return 0;
            }
            return eq_only ? 1 : 2;
        }
        if (is_dt(a, "boolean") && is_dt(b, "boolean")) {
            int p = bool_value(a), q = bool_value(b);
            if (p < 0 || q < 0) {
                return a == b ? 0 : 2;
            }
            return p < q ? -1 : p > q;
        }
        if ((is_dt(a, "dateTime") && is_dt(b, "dateTime")) ||
            (is_dt(a, "date") && is_dt(b, "date"))) {
            double p, q;
            bool tp, tq;
            if (parse_datetime(node_str(a), &p, &tp) && parse_datetime(node_str(b), &q, &tq)) {
                if (tp != tq && fabs(p - q) < 14 * 3600) {
                    return 2; /* indeterminate: one has a time zone, one not */
                }
                return p < q ? -1 : p > q;
            }
        }
        if (a == b) {
            return 0;
        }
        if (eq_only) {
            /* A language-tagged string is a value of no other datatype. */
            if ((la && *la) != (lb && *lb)) {
                return 1;
            }
            /* Well-formed values of known, different types are unequal; an
             * ill-formed value or an unknown type is an error. */
            if (known_value(cx, a, xn) && known_value(cx, b, yn)) {
                return 1;
            }
            return 2;
        }
        return 2;
    }
    if (eq_only) {
        return a == b ? 0 : 1;
    }
    return 2;
}

int sq_value_equal(sq_ctx *cx, sq_node a, sq_node b)
{
    int c = sq_value_cmp(cx, a, b, true);
    if (c == 2) {
        return -1;
    }
    return c == 0;
}

static int kind_rank(sq_node n)
{
    if (!n) {
        return 0;
    }
    switch (sord_node_get_type(n)) {
    case SORD_BLANK: return 1;
    case SORD_URI: return 2;
    default: return 3;
    }
}

int sq_order_cmp(sq_ctx *cx, sq_node a, sq_node b)
{
    if (a == b) {
        return 0;
    }
    int ra = kind_rank(a), rb = kind_rank(b);
    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    if (ra == 0) {
        return 0;
    }
    if (ra == 3) {
        int c = sq_value_cmp(cx, a, b, false);
        if (c == -1 || c == 1) {
            return c;
        }
        /* plain literals before typed ones, then lexically */
        bool sa = sq_is_string_literal(cx, a), sb = sq_is_string_literal(cx, b);
        if (sa != sb && c != 0) {
            return sa ? -1 : 1;
        }
    }
    int c = strcmp(node_str(a), node_str(b));
    if (c) {
        return c < 0 ? -1 : 1;
    }
    const char *da = dt_str(a), *db = dt_str(b);
    c = strcmp(da ? da : "", db ? db : "");
    if (c) {
        return c < 0 ? -1 : 1;
    }
    const char *la = sord_node_get_language(a), *lb = sord_node_get_language(b);
    c = strcmp(la ? la : "", lb ? lb : "");
    return c < 0 ? -1 : c > 0;
}

int sq_ebv(sq_ctx *cx, sq_node v)
{
    if (!is_literal(v)) {
        return -1;
    }
    if (is_dt(v, "boolean")) {
        return bool_value(v) == 1;
    }
    sq_num n;
    if (numtype_of(dt_str(v)) != NUM_NONE) {
        if (!sq_node_num(cx, v, &n)) {
            return 0;
        }
        return n.type == NUM_INTEGER ? n.i != 0 : (n.d != 0 && !isnan(n.d));
    }
    if (sq_is_string_literal(cx, v)) {
        return node_str(v)[0] != '\0';
    }
    return -1;
}

static sq_node bool_node(sq_ctx *cx, bool b)
{
    return b ? cx->true_node : cx->false_node;
}

sq_node sq_eval_expr(sq_ctx *cx, sq_expr *e, sq_node *row)
{
    switch (e->op) {
    case E_TERM:
    case E_AGG: return e->term.kind == SQ_T_VAR ? row[e->term.var] : e->term.node;
    case E_OR:
    case E_AND: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        int x = a ? sq_ebv(cx, a) : -1;
        if (e->op == E_OR && x == 1) {
            return cx->true_node;
        }
        if (e->op == E_AND && x == 0) {
            return cx->false_node;
        }
        sq_node b = sq_eval_expr(cx, e->args[1], row);
        int y = b ? sq_ebv(cx, b) : -1;
        if (e->op == E_OR) {
            if (y == 1) {
                return cx->true_node;
            }
            return (x == 0 && y == 0) ? cx->false_node : NULL;
        }
        if (y == 0) {
            return cx->false_node;
        }
        return (x == 1 && y == 1) ? cx->true_node : NULL;
    }
    case E_NOT: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        int x = a ? sq_ebv(cx, a) : -1;
        return x < 0 ? NULL : bool_node(cx, !x);
    }
    case E_EQ:
    case E_NE: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        sq_node b = sq_eval_expr(cx, e->args[1], row);
        if (!a || !b) {
            return NULL;
        }
        int eq = sq_value_equal(cx, a, b);
        if (eq < 0) {
            return NULL;
        }
        return bool_node(cx, e->op == E_EQ ? eq : !eq);
    }
    case E_LT:
    case E_GT:
    case E_LE:
    case E_GE: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        sq_node b = sq_eval_expr(cx, e->args[1], row);
        int c = sq_value_cmp(cx, a, b, false);
        if (c == 2) {
            return NULL;
        }
        bool r = e->op == E_LT ? c < 0 : e->op == E_GT ? c > 0 : e->op == E_LE ? c <= 0 : c >= 0;
        return bool_node(cx, r);
    }
    case E_IN:
    case E_NOTIN: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        if (!a) {
            return NULL;
        }
        bool error = false;
        for (size_t i = 1; i < e->n_args; i++) {
            sq_node b = sq_eval_expr(cx, e->args[i], row);
            int eq = b ? sq_value_equal(cx, a, b) : -1;
            if (eq == 1) {
                return bool_node(cx, e->op == E_IN);
            }
            if (eq < 0) {
                error = true;
            }
        }
        return error ? NULL : bool_node(cx, e->op == E_NOTIN);
    }
    case E_ADD:
    case E_SUB:
    case E_MUL:
    case E_DIV: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        sq_node b = a ? sq_eval_expr(cx, e->args[1], row) : NULL;
        return b ? arith(cx, e->op, a, b) : NULL;
    }
    case E_NEG:
    case E_PLUS: {
        sq_node a = sq_eval_expr(cx, e->args[0], row);
        sq_num x;
        if (!a || !sq_node_num(cx, a, &x)) {
            return NULL;
        }
        if (e->op == E_NEG) {
            if (x.type == NUM_INTEGER && x.i != LLONG_MIN) {
                x.i = -x.i;
            } else {
                x.d = -x.d;
                if (x.type == NUM_INTEGER) {
                    x.type = NUM_DECIMAL;
                }
            }
        }
        return sq_num_node(cx, x);
    }
    case E_EXISTS:
    case E_NOTEXISTS: {
        bool found = sq_exists(cx, e->pattern, row);
        return bool_node(cx, e->op == E_EXISTS ? found : !found);
    }
    case E_CALL: return sq_call_builtin(cx, e, row);
    case E_FUNC: return sq_call_iri(cx, e, row);
    }
    return NULL;
}
