#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/ptrmap.h"

int main(void)
{
    ts_buf b = {0};
    CHECK_STR(ts_buf_str(&b), "");
    ts_buf_puts(&b, "abc");
    ts_buf_putc(&b, '-');
    ts_buf_printf(&b, "%d", 42);
    CHECK_STR(ts_buf_str(&b), "abc-42");
    CHECK_INT(b.len, 6);
    /* A long printf goes past the small stack buffer. */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ts_buf_printf(&b, "[%s]", big);
    CHECK_INT(b.len, 6 + 1001);
    CHECK(b.data[b.len] == '\0');
    ts_buf_truncate(&b, 3);
    CHECK_STR(ts_buf_str(&b), "abc");
    char *s = ts_buf_steal(&b);
    CHECK_STR(s, "abc");
    CHECK(b.data == NULL && b.len == 0);
    free(s);
    ts_buf_free(&b);

    char *p = ts_asprintf("%s/%s", "a", "b");
    CHECK_STR(p, "a/b");
    free(p);
    p = ts_strndup("hello", 2);
    CHECK_STR(p, "he");
    free(p);

    ts_buf f = {0};
    CHECK(!ts_read_file("/nonexistent/file", &f));
    CHECK(ts_read_file("/dev/null", &f));
    CHECK_STR(ts_buf_str(&f), "");
    ts_buf_free(&f);

    ts_ptrmap m = {0};
    int keys[100];
    for (int i = 0; i < 100; i++) {
        (*ts_ptrmap_slot(&m, &keys[i])) += (size_t)i;
        (*ts_ptrmap_slot(&m, &keys[i]))++;
    }
    CHECK_INT(m.count, 100);
    CHECK_INT(*ts_ptrmap_get(&m, &keys[57]), 58);
    CHECK(ts_ptrmap_get(&m, &m) == NULL);
    ts_ptrmap_free(&m);
    ts_ptrmap empty = {0};
    CHECK(ts_ptrmap_get(&empty, keys) == NULL);
    /* UTF-8 at each length boundary */
    ts_buf u = {0};
    ts_buf_put_utf8(&u, 0x41);
    ts_buf_put_utf8(&u, 0x7FF);
    ts_buf_put_utf8(&u, 0x800);
    ts_buf_put_utf8(&u, 0xFFFF);
    ts_buf_put_utf8(&u, 0x10000);
    ts_buf_put_utf8(&u, 0x10FFFF);
    CHECK_STR(ts_buf_str(&u), "A\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
    ts_buf_free(&u);
    return test_done();
}
