/* A minimal test harness: plain C programs with checks that report file:line. */
#ifndef TINYSCOPE_TEST_H
#define TINYSCOPE_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                          \
    do {                                                                     \
        test_checks++;                                                       \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            test_failures++;                                                 \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        test_checks++;                                                         \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                    \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" vs \"%s\"\n",      \
                    __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",            \
                    b_ ? b_ : "(null)");                                       \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

#define CHECK_INT(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        test_checks++;                                                         \
        if (a_ != b_) {                                                        \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld vs %lld\n",          \
                    __FILE__, __LINE__, #a, #b, a_, b_);                       \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                                  \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        test_checks++;                                                         \
        if (!(fabs(a_ - b_) <= (eps))) {                                       \
            fprintf(stderr, "%s:%d: %s ~= %s failed: %g vs %g\n", __FILE__,    \
                    __LINE__, #a, #b, a_, b_);                                 \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

/* Exit status 77 tells meson the test was skipped. */
#define TEST_SKIP(...)                                                         \
    do {                                                                       \
        fprintf(stderr, "skipped: " __VA_ARGS__);                              \
        fputc('\n', stderr);                                                   \
        exit(77);                                                              \
    } while (0)

static inline int test_done(void)
{
    if (test_failures) {
        fprintf(stderr, "%d of %d checks failed\n", test_failures, test_checks);
        return 1;
    }
    printf("%d checks passed\n", test_checks);
    return 0;
}

#endif
