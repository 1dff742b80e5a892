#include "test.h"
#include "tinyscope/sanitize.h"
#include "tinyscope/text_table.h"

static void expect(const char *in, size_t n, const char *want)
{
    ts_buf b = {0};
    ts_sanitize_append(&b, in, n);
    CHECK_STR(ts_buf_str(&b), want);
    CHECK(ts_is_terminal_safe(b.data, b.len));
    ts_buf_free(&b);
}

int main(void)
{
    expect("plain text", 10, "plain text");
    expect("caf\xc3\xa9 \xe2\x9c\x93", 9, "caf\xc3\xa9 \xe2\x9c\x93");
    /* Cursor movement, title setting and colour changes are made visible. */
    expect("\x1b[2J\x1b]0;owned\x07", 14, "\\e[2J\\e]0;owned\\x07");
    expect("a\nb\tc\rd", 7, "a\\nb\\tc\\rd");
    expect("\x7f", 1, "\\x7F");
    /* C1 controls (CSI as one byte U+009B) and bidi overrides. */
    expect("\xc2\x9b" "31m", 5, "\\u009B31m");
    expect("abc\xe2\x80\xae" "def", 9, "abc\\u202Edef");
    expect("\xe2\x81\xa6x", 4, "\\u2066x");
    /* Invalid UTF-8: stray continuation, overlong, surrogate, truncated. */
    expect("\x80", 1, "\\x80");
    expect("\xc0\xaf", 2, "\\xC0\\xAF");
    expect("\xed\xa0\x80", 3, "\\xED\\xA0\\x80");
    expect("ok\xe2\x9c", 4, "ok\\xE2\\x9C");
    expect("a\0b", 3, "a\\x00b");

    CHECK(!ts_is_terminal_safe("\x1b", 1));
    CHECK(ts_is_terminal_safe("", 0));
    char *s = ts_sanitize("x\x1by");
    CHECK_STR(s, "x\\ey");
    free(s);

    unsigned cp;
    CHECK_INT(ts_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
    CHECK_INT(cp, 0x1F600);
    CHECK_INT(ts_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);

    /* Line-structured text keeps its lines and tabs, and nothing else. */
    ts_buf b = {0};
    const char *csv = "a,\x1b[2Jb\tc\r\nd\re\xe2\x80\xae\n";
    ts_sanitize_lines_append(&b, csv, strlen(csv));
    CHECK_STR(ts_buf_str(&b), "a,\\e[2Jb\tc\r\nd\\re\\u202E\n");
    ts_buf_free(&b);

    /* Files and pipes get the bytes; a terminal gets them escaped. */
    char *mem = NULL;
    size_t mem_len = 0;
    FILE *f = open_memstream(&mem, &mem_len);
    CHECK(!ts_sanitize_is_tty(f));
    CHECK(ts_sanitize_fwrite(f, "\x1b]0;t\x07\n", 7, false));
    CHECK(ts_sanitize_fwrite(f, "\x1b]0;t\x07\n", 7, true));
    fclose(f);
    CHECK_INT((long)mem_len, 7 + 11);
    CHECK(!memcmp(mem, "\x1b]0;t\x07\n\\e]0;t\\x07\n", mem_len));
    free(mem);

    /* Bytes that are not UTF-8 become U+FFFD, the rest stays. */
    s = ts_utf8_valid("a\xff" "b\xc3\xa9\xe2\x80");
    CHECK_STR(s, "a\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd");
    free(s);

    /* JSON strings stay valid JSON and say the same, minus raw controls. */
    ts_json_string(&b, "q\"\\\x01\x7f\xc2\x9b\xe2\x80\xae\xc3\xa9\xff");
    CHECK_STR(ts_buf_str(&b), "\"q\\\"\\\\\\u0001\\u007f\\u009b\\u202e\xc3\xa9\\ufffd\"");
    ts_buf_free(&b);
    return test_done();
}
