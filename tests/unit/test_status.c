#include "test.h"
#include "tinyscope/status.h"

int main(void)
{
    for (int st = 0; st < TS_STATUS_COUNT; st++) {
        CHECK(ts_strerror((ts_status)st) != NULL);
        CHECK(strlen(ts_strerror((ts_status)st)) > 0);
    }
    CHECK_STR(ts_strerror(TS_STATUS_COUNT), "unknown error");
    CHECK_STR(ts_strerror(TS_ERR_SYNTAX), "syntax error");

    ts_error e;
    ts_error_clear(&e);
    CHECK_INT(e.status, TS_OK);
    CHECK_INT(ts_error_set(&e, TS_ERR_SYNTAX, "a.ttl", 3, 7, "bad %s", "thing"),
              TS_ERR_SYNTAX);
    char out[256];
    CHECK_STR(ts_error_format(&e, out, sizeof out), "a.ttl:3:7: bad thing");
    ts_error_set(&e, TS_ERR_IO, "b.ttl", 0, 0, NULL);
    CHECK_STR(ts_error_format(&e, out, sizeof out), "b.ttl: input/output error");
    ts_error_set(&e, TS_ERR_IO, "", 0, 0, "plain");
    CHECK_STR(ts_error_format(&e, out, sizeof out), "plain");
    CHECK_INT(ts_error_set(NULL, TS_ERR_LIMIT, NULL, 0, 0, "x"), TS_ERR_LIMIT);

    /* A bounded list counts everything and keeps the first max_kept. */
    ts_diags d = {0};
    d.max_kept = 3;
    for (int i = 0; i < 5; i++) {
        ts_diags_addf(&d, i % 2 ? TS_DIAG_WARNING : TS_DIAG_ERROR, TS_ERR_SYNTAX,
                      "c.ttl", (unsigned)i + 1, 1, "e%d", i);
    }
    CHECK_INT(d.count, 3);
    CHECK_INT(d.errors, 3);
    CHECK_INT(d.warnings, 2);
    CHECK_INT(d.dropped, 2);
    CHECK_STR(d.items[2].err.message, "e2");
    ts_diags_clear(&d);
    CHECK_INT(d.count, 0);
    CHECK_INT(d.max_kept, 3);
    return test_done();
}
