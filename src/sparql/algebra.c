/* The parsed algebra as an S-expression, for tests and debugging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparql_internal.h"

typedef struct {
    ts_buf b;
    const sq_select *sel;
} printer;

static void put_term(printer *pr, const sq_term *t)
{
    switch (t->kind) {
    case SQ_T_VAR:
        if (t->var < 0) {
            ts_buf_puts(&pr->b, "UNDEF");
        } else {
            ts_buf_printf(&pr->b, "?%s", pr->sel->var_names[t->var]);
        }
        break;
    case SQ_T_IRI: ts_buf_printf(&pr->b, "<%s>", t->value); break;
    case SQ_T_BLANK: ts_buf_printf(&pr->b, "_:%s", t->value); break;
    case SQ_T_LITERAL:
        ts_buf_printf(&pr->b, "\"%s\"", t->value);
        if (t->lang) {
            ts_buf_printf(&pr->b, "@%s", t->lang);
        } else if (t->dt) {
            ts_buf_printf(&pr->b, "^^<%s>", t->dt);
        }
        break;
    }
}

static const char *op_name(sq_expr_op op)
{
    static const char *const names[] = {
        [E_OR] = "||", [E_AND] = "&&", [E_EQ] = "=",   [E_NE] = "!=",  [E_LT] = "<",
        [E_GT] = ">",  [E_LE] = "<=",  [E_GE] = ">=",  [E_IN] = "in",  [E_NOTIN] = "notin",
        [E_ADD] = "+", [E_SUB] = "-",  [E_MUL] = "*",  [E_DIV] = "/",  [E_NOT] = "!",
        [E_NEG] = "-", [E_PLUS] = "+",
    };
    return op < sizeof names / sizeof names[0] && names[op] ? names[op] : "?";
}

static void put_pattern(printer *pr, const sq_pattern *p);

static void put_expr(printer *pr, const sq_expr *e)
{
    switch (e->op) {
    case E_TERM: put_term(pr, &e->term); return;
    case E_AGG: ts_buf_printf(&pr->b, "?%s", pr->sel->var_names[e->term.var]); return;
    case E_EXISTS:
    case E_NOTEXISTS:
        ts_buf_puts(&pr->b, e->op == E_EXISTS ? "(exists " : "(notexists ");
        put_pattern(pr, e->pattern);
        ts_buf_putc(&pr->b, ')');
        return;
    case E_CALL: ts_buf_printf(&pr->b, "(%s", e->fname); break;
    case E_FUNC: ts_buf_printf(&pr->b, "(<%s>", e->fname); break;
    default: ts_buf_printf(&pr->b, "(%s", op_name(e->op)); break;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        ts_buf_putc(&pr->b, ' ');
        put_expr(pr, e->args[i]);
    }
    ts_buf_putc(&pr->b, ')');
}

static void put_path(printer *pr, const sq_path *p)
{
    switch (p->op) {
    case PATH_LINK: put_term(pr, &p->iri); return;
    case PATH_INV: ts_buf_puts(&pr->b, "(reverse "); break;
    case PATH_SEQ: ts_buf_puts(&pr->b, "(seq "); break;
    case PATH_ALT: ts_buf_puts(&pr->b, "(alt "); break;
    case PATH_STAR: ts_buf_puts(&pr->b, "(path* "); break;
    case PATH_PLUS: ts_buf_puts(&pr->b, "(path+ "); break;
    case PATH_OPT: ts_buf_puts(&pr->b, "(path? "); break;
    case PATH_NEG:
        ts_buf_puts(&pr->b, "(notoneof");
        for (size_t i = 0; i < p->n_neg; i++) {
            ts_buf_putc(&pr->b, ' ');
            put_term(pr, &p->neg[i]);
        }
        for (size_t i = 0; i < p->n_neg_inv; i++) {
            ts_buf_puts(&pr->b, " ^");
            put_term(pr, &p->neg_inv[i]);
        }
        ts_buf_putc(&pr->b, ')');
        return;
    }
    put_path(pr, p->a);
    if (p->b) {
        ts_buf_putc(&pr->b, ' ');
        put_path(pr, p->b);
    }
    ts_buf_putc(&pr->b, ')');
}

static void put_pattern(printer *pr, const sq_pattern *p)
{
    switch (p->kind) {
    case P_GROUP:
        ts_buf_puts(&pr->b, "(group");
        for (size_t i = 0; i < p->n_steps; i++) {
            ts_buf_putc(&pr->b, ' ');
            put_pattern(pr, p->steps[i]);
        }
        ts_buf_putc(&pr->b, ')');
        return;
    case P_BGP:
        ts_buf_puts(&pr->b, "(bgp");
        for (size_t i = 0; i < p->n_triples; i++) {
            const sq_triple *t = &p->triples[i];
            ts_buf_puts(&pr->b, t->path ? " (path " : " (triple ");
            put_term(pr, &t->s);
            ts_buf_putc(&pr->b, ' ');
            if (t->path) {
                put_path(pr, t->path);
            } else {
                put_term(pr, &t->p);
            }
            ts_buf_putc(&pr->b, ' ');
            put_term(pr, &t->o);
            ts_buf_putc(&pr->b, ')');
        }
        ts_buf_putc(&pr->b, ')');
        return;
    case P_OPTIONAL:
    case P_MINUS:
        ts_buf_puts(&pr->b, p->kind == P_OPTIONAL ? "(optional " : "(minus ");
        put_pattern(pr, p->a);
        ts_buf_putc(&pr->b, ')');
        return;
    case P_UNION:
        ts_buf_puts(&pr->b, "(union ");
        put_pattern(pr, p->a);
        ts_buf_putc(&pr->b, ' ');
        put_pattern(pr, p->b);
        ts_buf_putc(&pr->b, ')');
        return;
    case P_FILTER:
        ts_buf_puts(&pr->b, "(filter ");
        put_expr(pr, p->expr);
        ts_buf_putc(&pr->b, ')');
        return;
    case P_BIND:
        ts_buf_printf(&pr->b, "(extend ?%s ", pr->sel->var_names[p->var]);
        put_expr(pr, p->expr);
        ts_buf_putc(&pr->b, ')');
        return;
    case P_VALUES:
        ts_buf_puts(&pr->b, "(table");
        for (size_t r = 0; r < p->n_rows; r++) {
            ts_buf_puts(&pr->b, " (row");
            for (size_t i = 0; i < p->n_vars; i++) {
                ts_buf_putc(&pr->b, ' ');
                put_term(pr, &p->rows[r][i]);
            }
            ts_buf_putc(&pr->b, ')');
        }
        ts_buf_putc(&pr->b, ')');
        return;
    case P_GRAPH:
    case P_SERVICE:
        ts_buf_puts(&pr->b, p->kind == P_GRAPH ? "(graph " : "(service ");
        put_term(pr, &p->graph);
        ts_buf_putc(&pr->b, ' ');
        put_pattern(pr, p->a);
        ts_buf_putc(&pr->b, ')');
        return;
    case P_SUBQUERY: {
        const sq_select *outer = pr->sel;
        pr->sel = p->sub;
        ts_buf_puts(&pr->b, "(subquery (project");
        for (size_t i = 0; i < p->sub->n_proj; i++) {
            ts_buf_printf(&pr->b, " ?%s", p->sub->var_names[p->sub->proj[i].var]);
        }
        ts_buf_puts(&pr->b, ") ");
        put_pattern(pr, p->sub->where);
        ts_buf_putc(&pr->b, ')');
        pr->sel = outer;
        return;
    }
    }
}

char *sq_algebra_string(const ts_sparql_query *q)
{
    printer pr = {.sel = q->sel};
    static const char *const forms[] = {"select", "ask", "construct", "describe"};
    const sq_select *s = q->sel;
    ts_buf_printf(&pr.b, "(%s", forms[q->form]);
    if (s->distinct) {
        ts_buf_puts(&pr.b, " distinct");
    }
    if (s->reduced) {
        ts_buf_puts(&pr.b, " reduced");
    }
    if (q->form == TS_SPARQL_SELECT) {
        ts_buf_puts(&pr.b, " (project");
        for (size_t i = 0; i < s->n_proj; i++) {
            if (s->proj[i].expr) {
                ts_buf_printf(&pr.b, " (?%s ", s->var_names[s->proj[i].var]);
                put_expr(&pr, s->proj[i].expr);
                ts_buf_putc(&pr.b, ')');
            } else {
                ts_buf_printf(&pr.b, " ?%s", s->var_names[s->proj[i].var]);
            }
        }
        ts_buf_putc(&pr.b, ')');
    }
    ts_buf_putc(&pr.b, ' ');
    put_pattern(&pr, s->where);
    if (s->n_group) {
        ts_buf_puts(&pr.b, " (group-by");
        for (size_t i = 0; i < s->n_group; i++) {
            ts_buf_putc(&pr.b, ' ');
            put_expr(&pr, s->group_by[i]);
        }
        ts_buf_putc(&pr.b, ')');
    }
    for (size_t i = 0; i < s->n_having; i++) {
        ts_buf_puts(&pr.b, " (having ");
        put_expr(&pr, s->having[i]);
        ts_buf_putc(&pr.b, ')');
    }
    if (s->n_order) {
        ts_buf_puts(&pr.b, " (order");
        for (size_t i = 0; i < s->n_order; i++) {
            ts_buf_puts(&pr.b, s->order[i].desc ? " (desc " : " (asc ");
            put_expr(&pr, s->order[i].expr);
            ts_buf_putc(&pr.b, ')');
        }
        ts_buf_putc(&pr.b, ')');
    }
    if (s->limit >= 0) {
        ts_buf_printf(&pr.b, " (limit %lld)", s->limit);
    }
    if (s->offset > 0) {
        ts_buf_printf(&pr.b, " (offset %lld)", s->offset);
    }
    ts_buf_putc(&pr.b, ')');
    return ts_buf_steal(&pr.b);
}

char *ts_sparql_algebra(const ts_sparql_query *q)
{
    return sq_algebra_string(q);
}
