/* SPARQL tokens, with line and column of each (columns count characters). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparql_internal.h"

void sq_lexer_init(sq_lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
}

void sq_token_clear(sq_token *tok)
{
    free(tok->text);
    free(tok->text2);
    tok->text = tok->text2 = NULL;
}

static int peek(const sq_lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->src[lx->pos + ahead] : -1;
}

static void advance(sq_lexer *lx, size_t n)
{
    while (n-- && lx->pos < lx->len) {
        unsigned char c = (unsigned char)lx->src[lx->pos++];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++;
        }
    }
}

static void skip_space(sq_lexer *lx)
{
    for (;;) {
        int c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance(lx, 1);
        } else if (c == '#') {
            while (peek(lx, 0) != -1 && peek(lx, 0) != '\n') {
                advance(lx, 1);
            }
        } else {
            return;
        }
    }
}


/* \uXXXX or \UXXXXXXXX at pos (after the backslash and letter); false if bad. */
static bool read_hex(sq_lexer *lx, size_t digits, unsigned *cp)
{
    unsigned v = 0;
    for (size_t i = 0; i < digits; i++) {
        int c = peek(lx, i);
        if (c == -1 || !isxdigit(c)) {
            return false;
        }
        v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return false;
    }
    advance(lx, digits);
    *cp = v;
    return true;
}

static bool is_pn_chars_base(int c)
{
    return isalpha(c) || c >= 0x80;
}

static bool is_pn_chars_u(int c)
{
    return is_pn_chars_base(c) || c == '_';
}

static bool is_pn_chars(int c)
{
    return is_pn_chars_u(c) || c == '-' || isdigit(c);
}

static void set_error(sq_lexer *lx, sq_token *tok, const char *msg)
{
    tok->kind = TK_ERROR;
    snprintf(lx->errmsg, sizeof lx->errmsg, "%s", msg);
}

static bool lex_iri(sq_lexer *lx, sq_token *tok)
{
    /* Look ahead first: '<' is also an operator. */
    size_t i = 1;
    for (;;) {
        int c = peek(lx, i);
        if (c == '>') {
            break;
        }
        if (c == -1 || c == '<' || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' ||
            c == '`' || c <= 0x20) {
            return false;
        }
        if (c == '\\') {
            i++;
        }
        i++;
    }
    ts_buf b = {0};
    advance(lx, 1);
    while (peek(lx, 0) != '>') {
        int c = peek(lx, 0);
        if (c == '\\') {
            int e = peek(lx, 1);
            advance(lx, 2);
            unsigned cp;
            if ((e == 'u' && read_hex(lx, 4, &cp)) || (e == 'U' && read_hex(lx, 8, &cp))) {
                ts_buf_put_utf8(&b, cp);
                continue;
            }
            ts_buf_free(&b);
            set_error(lx, tok, "bad escape in IRI");
            return true;
        }
        ts_buf_putc(&b, (char)c);
        advance(lx, 1);
    }
    advance(lx, 1);
    tok->kind = TK_IRIREF;
    tok->len = b.len;
    tok->text = ts_buf_steal(&b);
    return true;
}

static void lex_string(sq_lexer *lx, sq_token *tok)
{
    int q = peek(lx, 0);
    bool longq = peek(lx, 1) == q && peek(lx, 2) == q;
    advance(lx, longq ? 3 : 1);
    ts_buf b = {0};
    for (;;) {
        int c = peek(lx, 0);
        if (c == -1) {
            ts_buf_free(&b);
            set_error(lx, tok, "unterminated string");
            return;
        }
        if (longq) {
            if (c == q && peek(lx, 1) == q && peek(lx, 2) == q) {
                /* """a"""" ends at the last three quotes */
                if (peek(lx, 3) == q) {
                    ts_buf_putc(&b, (char)c);
                    advance(lx, 1);
                    continue;
                }
                advance(lx, 3);
                break;
            }
        } else {
            if (c == q) {
                advance(lx, 1);
                break;
            }
            if (c == '\n' || c == '\r') {
                ts_buf_free(&b);
                set_error(lx, tok, "line break in string (use \"\"\" for long strings)");
                return;
            }
        }
        if (c == '\\') {
            int e = peek(lx, 1);
            advance(lx, 2);
            unsigned cp;
            switch (e) {
            case 't': ts_buf_putc(&b, '\t'); continue;
            case 'n': ts_buf_putc(&b, '\n'); continue;
            case 'r': ts_buf_putc(&b, '\r'); continue;
            case 'b': ts_buf_putc(&b, '\b'); continue;
            case 'f': ts_buf_putc(&b, '\f'); continue;
            case '"': ts_buf_putc(&b, '"'); continue;
            case '\'': ts_buf_putc(&b, '\''); continue;
            case '\\': ts_buf_putc(&b, '\\'); continue;
            case 'u':
                if (read_hex(lx, 4, &cp)) {
                    ts_buf_put_utf8(&b, cp);
                    continue;
                }
                break;
            case 'U':
                if (read_hex(lx, 8, &cp)) {
                    ts_buf_put_utf8(&b, cp);
                    continue;
                }
                break;
            default: break;
            }
            ts_buf_free(&b);
            set_error(lx, tok, "bad escape in string");
            return;
        }
        ts_buf_putc(&b, (char)c);
        advance(lx, 1);
    }
    tok->kind = TK_STRING;
    tok->len = b.len;
    tok->text = ts_buf_steal(&b);
}

/* PN_LOCAL after the colon, with %HH and \-escapes; may be empty. */
static bool lex_local(sq_lexer *lx, ts_buf *b)
{
    bool first = true;
    for (;;) {
        int c = peek(lx, 0);
        if (c == '%') {
            if (!isxdigit(peek(lx, 1)) || !isxdigit(peek(lx, 2))) {
                return false;
            }
            ts_buf_append(b, lx->src + lx->pos, 3);
            advance(lx, 3);
        } else if (c == '\\') {
            int e = peek(lx, 1);
            if (e == -1 || !strchr("_~.-!$&'()*+,;=/?#@%", e)) {
                return false;
            }
            ts_buf_putc(b, (char)e);
            advance(lx, 2);
        } else if (is_pn_chars_u(c) || c == ':' || isdigit(c) || (!first && c == '-')) {
            ts_buf_putc(b, (char)c);
            advance(lx, 1);
        } else if (!first && c == '.') {
            /* a dot inside, never at the end */
            int n = peek(lx, 1);
            if (is_pn_chars(n) || n == ':' || n == '%' || n == '\\' || n == '.') {
                size_t k = 1;
                while (peek(lx, k) == '.') {
                    k++;
                }
                int after = peek(lx, k);
                if (is_pn_chars(after) || after == ':' || after == '%' || after == '\\') {
                    ts_buf_putc(b, '.');
                    advance(lx, 1);
                    continue;
                }
            }
            return true;
        } else {
            return true;
        }
        first = false;
    }
}

static void lex_number(sq_lexer *lx, sq_token *tok)
{
    size_t start = lx->pos, i = 0;
    bool dot = false, exp = false;
    while (isdigit(peek(lx, i))) {
        i++;
    }
    if (peek(lx, i) == '.' && isdigit(peek(lx, i + 1))) {
        dot = true;
        i++;
        while (isdigit(peek(lx, i))) {
            i++;
        }
    } else if (peek(lx, i) == '.' && i > 0 && (peek(lx, i + 1) == 'e' || peek(lx, i + 1) == 'E')) {
        dot = true;
        i++;
    }
    if (peek(lx, i) == 'e' || peek(lx, i) == 'E') {
        size_t j = i + 1;
        if (peek(lx, j) == '+' || peek(lx, j) == '-') {
            j++;
        }
        if (isdigit(peek(lx, j))) {
            exp = true;
            while (isdigit(peek(lx, j))) {
                j++;
            }
            i = j;
        }
    }
    tok->kind = exp ? TK_DOUBLE : dot ? TK_DECIMAL : TK_INTEGER;
    tok->text = ts_strndup(lx->src + start, i);
    tok->len = i;
    advance(lx, i);
}

void sq_lexer_next(sq_lexer *lx, sq_token *tok)
{
    memset(tok, 0, sizeof *tok);
    skip_space(lx);
    tok->line = lx->line;
    tok->col = lx->col;
    tok->offset = lx->pos;
    int c = peek(lx, 0);
    if (c == -1) {
        tok->kind = TK_EOF;
        return;
    }
    if (c == '<' && lex_iri(lx, tok)) {
        return;
    }
    if (c == '"' || c == '\'') {
        lex_string(lx, tok);
        return;
    }
    if (c == '?' || c == '$') {
        size_t i = 1;
        int d = peek(lx, 1);
        if (is_pn_chars_u(d) || isdigit(d)) {
            while (is_pn_chars_u(peek(lx, i)) || isdigit(peek(lx, i)) || peek(lx, i) == 0xB7) {
                i++;
            }
            tok->kind = TK_VAR;
            tok->text = ts_strndup(lx->src + lx->pos + 1, i - 1);
            advance(lx, i);
            return;
        }
    }
    if (c == '_' && peek(lx, 1) == ':') {
        advance(lx, 2);
        ts_buf b = {0};
        int d = peek(lx, 0);
        if (!(is_pn_chars_u(d) || isdigit(d))) {
            set_error(lx, tok, "bad blank node label");
            return;
        }
        while (is_pn_chars(peek(lx, 0)) ||
               (peek(lx, 0) == '.' && is_pn_chars(peek(lx, 1)))) {
            ts_buf_putc(&b, (char)peek(lx, 0));
            advance(lx, 1);
        }
        tok->kind = TK_BLANK;
        tok->text = ts_buf_steal(&b);
        return;
    }
    if (c == '@' && isalpha(peek(lx, 1))) {
        size_t i = 1;
        while (isalpha(peek(lx, i))) {
            i++;
        }
        while (peek(lx, i) == '-' && isalnum(peek(lx, i + 1))) {
            i++;
            while (isalnum(peek(lx, i))) {
                i++;
            }
        }
        tok->kind = TK_LANGTAG;
        tok->text = ts_strndup(lx->src + lx->pos + 1, i - 1);
        advance(lx, i);
        return;
    }
    if (isdigit(c) || (c == '.' && isdigit(peek(lx, 1)))) {
        lex_number(lx, tok);
        return;
    }
    if (c == '(' || c == '[') {
        int close = c == '(' ? ')' : ']';
        size_t i = 1;
        while (peek(lx, i) == ' ' || peek(lx, i) == '\t' || peek(lx, i) == '\r' ||
               peek(lx, i) == '\n') {
            i++;
        }
        if (peek(lx, i) == close) {
            tok->kind = c == '(' ? TK_NIL : TK_ANON;
            tok->text = ts_strdup(c == '(' ? "()" : "[]");
            advance(lx, i + 1);
            return;
        }
    }
    /* prefixed names and keywords */
    if (is_pn_chars_base(c) || c == ':') {
        size_t i = 0;
        if (c != ':') {
            while (is_pn_chars(peek(lx, i)) ||
                   (peek(lx, i) == '.' && (is_pn_chars(peek(lx, i + 1)) || peek(lx, i + 1) == '.'))) {
                i++;
            }
            while (i > 0 && lx->src[lx->pos + i - 1] == '.') {
                i--;
            }
        }
        if (peek(lx, i) == ':') {
            char *prefix = ts_strndup(lx->src + lx->pos, i);
            advance(lx, i + 1);
            ts_buf local = {0};
            if (!lex_local(lx, &local)) {
                free(prefix);
                ts_buf_free(&local);
                set_error(lx, tok, "bad local name");
                return;
            }
            tok->text = prefix;
            if (local.len == 0) {
                tok->kind = TK_PNAME_NS;
                ts_buf_free(&local);
            } else {
                tok->kind = TK_PNAME_LN;
                tok->text2 = ts_buf_steal(&local);
            }
            return;
        }
        /* a keyword: letters, digits and '_' only */
        size_t k = 0;
        while (isalnum(peek(lx, k)) || peek(lx, k) == '_') {
            k++;
        }
        if (k > 0) {
            tok->kind = TK_WORD;
            tok->text = ts_strndup(lx->src + lx->pos, k);
            advance(lx, k);
            return;
        }
    }
    static const char *const two[] = {"!=", "<=", ">=", "&&", "||", "^^"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        if (c == two[i][0] && peek(lx, 1) == two[i][1]) {
            tok->kind = TK_PUNCT;
            tok->text = ts_strdup(two[i]);
            advance(lx, 2);
            return;
        }
    }
    if (strchr("{}()[].,;*/|^?+!=<>-", c)) {
        tok->kind = TK_PUNCT;
        tok->text = ts_strndup(lx->src + lx->pos, 1);
        advance(lx, 1);
        return;
    }
    char msg[64];
    if (c >= 0x20 && c < 0x7F) {
        snprintf(msg, sizeof msg, "unexpected character '%c'", c);
    } else {
        snprintf(msg, sizeof msg, "unexpected byte 0x%02X", (unsigned)c);
    }
    set_error(lx, tok, msg);
}
