/*
 * The remote dataset against a loopback HTTP server that lives in this
 * test: canned SPARQL JSON and N-Triples, HTTP errors, a slow answer (for
 * timeouts and cancellation) and a Basic authentication challenge.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/remote.h"

static int listen_fd;
static int port;
static volatile int server_stop;

static const char select_json[] =
    "{\"head\":{\"vars\":[\"s\",\"label\",\"n\",\"b\",\"missing\"]},\"results\":{\"bindings\":["
    "{\"s\":{\"type\":\"uri\",\"value\":\"http://ex.org/a\"},"
    " \"label\":{\"type\":\"literal\",\"value\":\"Arduino\",\"xml:lang\":\"en\"},"
    " \"n\":{\"type\":\"typed-literal\",\"value\":\"256\","
    "\"datatype\":\"http://www.w3.org/2001/XMLSchema#integer\"},"
    " \"b\":{\"type\":\"bnode\",\"value\":\"x1\"}},"
    "{\"s\":{\"type\":\"uri\",\"value\":\"http://ex.org/b\"},"
    " \"label\":{\"type\":\"literal\",\"value\":\"plain\","
    "\"datatype\":\"http://www.w3.org/2001/XMLSchema#string\"}},"
    "{\"s\":{\"type\":\"uri\",\"value\":\"http://ex.org/c\"}}"
    "]}}";

static const char construct_nt[] =
    "<http://ex.org/a> <http://ex.org/p> \"caf\\u00E9\"@fr .\n"
    "_:b1 <http://ex.org/q> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n";

/* Base64 of "alice:s3cret". */
#define AUTH_OK "Authorization: Basic YWxpY2U6czNjcmV0"

static void reply(int fd, const char *status, const char *type, const char *body, const char *extra)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n",
                     status, type, strlen(body), extra ? extra : "");
    (void)!write(fd, head, (size_t)n);
    (void)!write(fd, body, strlen(body));
}

/* Read one request: headers, then the body by Content-Length. */
static void read_request(int fd, ts_buf *req)
{
    char chunk[4096];
    size_t body_at = 0, want = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) {
            return;
        }
        ts_buf_append(req, chunk, (size_t)n);
        const char *s = ts_buf_str(req);
        if (!body_at) {
            const char *end = strstr(s, "\r\n\r\n");
            if (!end) {
                continue;
            }
            body_at = (size_t)(end - s) + 4;
            const char *cl = strcasestr(s, "Content-Length:");
            want = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
        }
        if (req->len >= body_at + want) {
            return;
        }
    }
}

/* Hold the answer back until the client gives up (or 5 s pass). */
static void slow(int fd)
{
    for (int i = 0; i < 100 && !server_stop; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0) {
            char c;
            if (read(fd, &c, 1) <= 0) {
                return;
            }
        }
    }
    reply(fd, "200 OK", "application/sparql-results+json", select_json, NULL);
}

static void handle(int fd)
{
    ts_buf req = {0};
    read_request(fd, &req);
    const char *s = ts_buf_str(&req);
    char method[16] = "", target[2048] = "";
    sscanf(s, "%15s %2047s", method, target);
    const char *body = strstr(s, "\r\n\r\n");
    body = body ? body + 4 : "";
    if (!strncmp(target, "/select", 7)) {
        reply(fd, "200 OK", "application/sparql-results+json; charset=utf-8", select_json, NULL);
    } else if (!strncmp(target, "/ask", 4)) {
        reply(fd, "200 OK", "application/sparql-results+json", "{\"head\":{},\"boolean\":true}",
              NULL);
    } else if (!strncmp(target, "/construct", 10)) {
        reply(fd, "200 OK", "application/n-triples", construct_nt, NULL);
    } else if (!strncmp(target, "/echo", 5)) {
        /* what arrived, as one row: method, target, body, accept */
        const char *acc = strcasestr(s, "\r\nAccept:");
        char accept[256] = "";
        if (acc) {
            sscanf(acc + 9, " %255[^\r]", accept);
        }
        json_t *row = json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}", "method",
                                "type", "literal", "value", method, "target", "type", "literal",
                                "value", target, "body", "type", "literal", "value", body, "accept",
                                "type", "literal", "value", accept);
        json_t *doc = json_pack("{s:{s:[ssss]},s:{s:[o]}}", "head", "vars", "method", "target",
                                "body", "accept", "results", "bindings", row);
        char *text = json_dumps(doc, 0);
        reply(fd, "200 OK", "application/sparql-results+json", text, NULL);
        free(text);
        json_decref(doc);
    } else if (!strncmp(target, "/error400", 9)) {
        ts_buf b = {0};
        ts_buf_puts(&b, "Virtuoso 37000 Error SP030: SPARQL compiler, line 1:\n"
                        "syntax error at 'SELEC' \x1b[31mred\x1b[0m\n");
        for (int i = 0; i < 200; i++) {
            ts_buf_puts(&b, "more detail ");
        }
        reply(fd, "400 Bad Request", "text/plain", ts_buf_str(&b), NULL);
        ts_buf_free(&b);
    } else if (!strncmp(target, "/html500", 8)) {
        reply(fd, "500 Internal Server Error", "text/html",
              "<html><body><h1>Store\n  exploded</h1><p>try later</p></body></html>", NULL);
    } else if (!strncmp(target, "/garbage", 8)) {
        reply(fd, "200 OK", "application/sparql-results+json", "{\"head\": [", NULL);
    } else if (!strncmp(target, "/xml", 4)) {
        reply(fd, "200 OK", "application/sparql-results+xml", "<sparql/>", NULL);
    } else if (!strncmp(target, "/slow", 5)) {
        slow(fd);
    } else if (!strncmp(target, "/auth", 5)) {
        if (strstr(s, AUTH_OK)) {
            reply(fd, "200 OK", "application/sparql-results+json",
                  "{\"head\":{},\"boolean\":false}", NULL);
        } else {
            reply(fd, "401 Unauthorized", "text/plain", "who are you?",
                  "WWW-Authenticate: Basic realm=\"test\"\r\n");
        }
    } else {
        reply(fd, "404 Not Found", "text/plain", "no such endpoint", NULL);
    }
    ts_buf_free(&req);
}

static void *serve(void *arg)
{
    (void)arg;
    while (!server_stop) {
        struct pollfd p = {listen_fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) {
            continue;
        }
        int fd = accept(listen_fd, NULL, NULL);
        if (fd >= 0) {
            handle(fd);
            close(fd);
        }
    }
    return NULL;
}

static void start_server(pthread_t *thread)
{
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof a) || listen(listen_fd, 8)) {
        TEST_SKIP("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof a;
    getsockname(listen_fd, (struct sockaddr *)&a, &len);
    port = ntohs(a.sin_port);
    pthread_create(thread, NULL, serve, NULL);
}

static ts_remote *client(const char *path)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    ts_error err;
    ts_remote *r = ts_remote_new(url, &err);
    CHECK(r != NULL);
    return r;
}

static void test_form(void)
{
    ts_query_form f;
    CHECK(ts_remote_query_form("PREFIX ask: <http://x/select#> # construct\n"
                               "SELECT * WHERE { ?s ?p \"ask\" }",
                               &f));
    CHECK_INT(f, TS_QUERY_SELECT);
    CHECK(ts_remote_query_form("base <http://a/> ask { ?s ?p ?o }", &f));
    CHECK_INT(f, TS_QUERY_ASK);
    CHECK(ts_remote_query_form("CONSTRUCT WHERE { ?s ?p ?o }", &f));
    CHECK_INT(f, TS_QUERY_CONSTRUCT);
    CHECK(ts_remote_query_form("describe <http://x>", &f));
    CHECK_INT(f, TS_QUERY_DESCRIBE);
    CHECK(!ts_remote_query_form("# SELECT\n PREFIX s: <http://select/>", &f));
    CHECK(!ts_remote_query_form("", &f));
}

static void test_new(void)
{
    ts_error err;
    ts_remote_free(NULL);
    CHECK(ts_remote_new("ftp://example.org/sparql", &err) == NULL);
    CHECK_INT(err.status, TS_ERR_BAD_ARG);
    CHECK(ts_remote_new("http://bob:hunter2@example.org/sparql", &err) == NULL);
    CHECK(strstr(err.message, "netrc") != NULL);
    CHECK(strstr(err.message, "hunter2") == NULL);
    ts_remote *r = ts_remote_new("https://example.org/sparql?x=@", &err);
    CHECK(r != NULL);
    ts_remote_free(r);
}

static void test_select(void)
{
    ts_dataset *ds = ts_remote_dataset(client("/select"));
    ts_query_result res;
    ts_error err;
    ts_status st = ts_query_run(ds, "SELECT * { ?s ?p ?o }", NULL, &res, &err);
    CHECK_INT(st, TS_OK);
    CHECK_INT(res.form, TS_QUERY_SELECT);
    CHECK_INT(res.n_vars, 5);
    CHECK_INT(res.n_rows, 3);
    if (res.n_rows == 3 && res.n_vars == 5) {
        CHECK_INT(ts_query_cell(&res, 0, 0)->kind, TS_TERM_IRI);
        CHECK_STR(ts_query_cell(&res, 0, 0)->value, "http://ex.org/a");
        CHECK_STR(ts_query_cell(&res, 0, 1)->lang, "en");
        CHECK_STR(ts_query_cell(&res, 0, 2)->datatype, "http://www.w3.org/2001/XMLSchema#integer");
        CHECK_INT(ts_query_cell(&res, 0, 3)->kind, TS_TERM_BLANK);
        CHECK_INT(ts_query_cell(&res, 0, 4)->kind, TS_TERM_NONE);
        ts_term plain = ts_term_literal("plain", NULL, NULL);
        CHECK(ts_term_equal(ts_query_cell(&res, 1, 1), &plain));
        ts_term_clear(&plain);
        CHECK_INT(ts_query_cell(&res, 2, 1)->kind, TS_TERM_NONE);
    }
    ts_query_result_clear(&res);
    ts_query_opts opts = {.max_rows = 2};
    st = ts_query_run(ds, "SELECT * { ?s ?p ?o }", &opts, &res, &err);
    CHECK_INT(st, TS_ERR_LIMIT);
    CHECK_INT(res.n_rows, 2);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);
}

static void test_ask_construct(void)
{
    ts_dataset *ds = ts_remote_dataset(client("/ask"));
    ts_query_result res;
    ts_error err;
    CHECK_INT(ts_query_run(ds, "ASK { ?s ?p ?o }", NULL, &res, &err), TS_OK);
    CHECK_INT(res.form, TS_QUERY_ASK);
    CHECK(res.boolean);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    ds = ts_remote_dataset(client("/construct"));
    CHECK_INT(ts_query_run(ds, "CONSTRUCT WHERE { ?s ?p ?o }", NULL, &res, &err), TS_OK);
    CHECK_INT(res.n_triples, 2);
    if (res.n_triples == 2) {
        CHECK_STR(res.triples[2].value, "caf\xc3\xa9");
        CHECK_STR(res.triples[2].lang, "fr");
        CHECK_INT(res.triples[3].kind, TS_TERM_BLANK);
        CHECK_STR(res.triples[5].datatype, "http://www.w3.org/2001/XMLSchema#integer");
    }
    ts_query_result_clear(&res);
    ts_dataset_free(ds);
}

/* The one row /echo answers: what the server received. */
static void echo(ts_remote *r, const char *query, char out[4][8192])
{
    ts_query_result res;
    ts_error err;
    ts_dataset *ds = ts_remote_dataset(r);
    CHECK_INT(ts_query_run(ds, query, NULL, &res, &err), TS_OK);
    CHECK_INT(res.n_rows, 1);
    for (int i = 0; i < 4; i++) {
        const ts_term *t = res.n_rows ? ts_query_cell(&res, 0, (size_t)i) : NULL;
        snprintf(out[i], 8192, "%s", t && t->value ? t->value : "");
    }
    ts_query_result_clear(&res);
    ts_dataset_free(ds);
}

static void test_get_post(void)
{
    static char got[4][8192];
    ts_remote *r = client("/echo");
    ts_remote_set_graph(r, "http://ex.org/g");
    echo(r, "SELECT ?x { ?x ?y 1 }", got);
    CHECK_STR(got[0], "GET");
    CHECK(strstr(got[1], "query=SELECT%20%3Fx") != NULL);
    CHECK(strstr(got[1], "default-graph-uri=http%3A%2F%2Fex.org%2Fg") != NULL);
    CHECK_STR(got[3], "application/sparql-results+json");

    ts_buf q = {0};
    ts_buf_puts(&q, "SELECT ?x {");
    for (int i = 0; i < 300; i++) {
        ts_buf_printf(&q, " ?x <http://ex.org/p%d> ?v%d .", i, i);
    }
    ts_buf_puts(&q, " }");
    echo(client("/echo"), ts_buf_str(&q), got);
    CHECK_STR(got[0], "POST");
    CHECK_STR(got[1], "/echo");
    CHECK(!strncmp(got[2], "query=SELECT%20%3Fx", 19));
    ts_buf_free(&q);

    echo(client("/echo"), "CONSTRUCT WHERE { ?s ?p ?o }", got);
    /* the answer is JSON, but the request asked for triples */
    CHECK(strstr(got[3], "application/n-triples") != NULL);
}

static void test_errors(void)
{
    ts_error err;
    ts_dataset *ds = ts_remote_dataset(client("/error400"));
    ts_query_result res;
    CHECK_INT(ts_query_run(ds, "SELEC * {}", NULL, &res, &err), TS_ERR_SYNTAX);
    CHECK_INT(ts_query_run(ds, "SELECT * {}", NULL, &res, &err), TS_ERR_BAD_ARG);
    CHECK(strstr(err.message, "HTTP 400: Virtuoso 37000 Error SP030") != NULL);
    CHECK(strchr(err.message, '\x1b') == NULL);
    CHECK(strchr(err.message, '\n') == NULL);
    CHECK(strstr(err.message, "\\e[31mred") != NULL);
    CHECK(strlen(err.message) < 400);
    CHECK(strstr(err.message, "...") != NULL);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    ds = ts_remote_dataset(client("/html500"));
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_IO);
    CHECK(strstr(err.message, "HTTP 500: Store exploded try later") != NULL);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    ds = ts_remote_dataset(client("/nothing"));
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_NOT_FOUND);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    ds = ts_remote_dataset(client("/garbage"));
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_SYNTAX);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    ds = ts_remote_dataset(client("/xml"));
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_UNSUPPORTED);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);

    /* nobody listens on port 1 */
    ts_remote *r = ts_remote_new("http://127.0.0.1:1/sparql", &err);
    ds = ts_remote_dataset(r);
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_IO);
    CHECK(err.message[0] != '\0');
    ts_query_result_clear(&res);
    ts_dataset_free(ds);
}

static volatile sig_atomic_t cancel_flag;

static void *cancel_soon(void *arg)
{
    (void)arg;
    struct timespec t = {0, 200 * 1000000L};
    nanosleep(&t, NULL);
    cancel_flag = 1;
    return NULL;
}

static void test_slow(void)
{
    ts_error err;
    ts_query_result res;
    ts_dataset *ds = ts_remote_dataset(client("/slow"));
    ts_query_opts opts = {.time_limit_ms = 200};
    CHECK_INT(ts_query_run(ds, "SELECT * {}", &opts, &res, &err), TS_ERR_TIMEOUT);
    CHECK(strstr(err.message, "200 ms") != NULL);
    ts_query_result_clear(&res);

    pthread_t t;
    cancel_flag = 0;
    pthread_create(&t, NULL, cancel_soon, NULL);
    opts = (ts_query_opts){.cancel = &cancel_flag};
    CHECK_INT(ts_query_run(ds, "SELECT * {}", &opts, &res, &err), TS_ERR_CANCELLED);
    pthread_join(t, NULL);
    ts_query_result_clear(&res);
    ts_dataset_free(ds);
}

static void test_auth(const char *tmp)
{
    ts_error err;
    ts_query_result res;
    ts_dataset *ds = ts_remote_dataset(client("/auth"));
    unsetenv("TINYSCOPE_ENDPOINT_USER");
    unsetenv("TINYSCOPE_ENDPOINT_PASSWORD");
    setenv("HOME", tmp, 1);
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_PERMISSION);
    CHECK(strstr(err.message, "HTTP 401") != NULL);
    CHECK(strstr(err.message, "netrc") != NULL);
    ts_query_result_clear(&res);

    setenv("TINYSCOPE_ENDPOINT_USER", "alice", 1);
    setenv("TINYSCOPE_ENDPOINT_PASSWORD", "wrong-one", 1);
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_ERR_PERMISSION);
    CHECK(strstr(err.message, "wrong-one") == NULL);
    ts_query_result_clear(&res);

    setenv("TINYSCOPE_ENDPOINT_PASSWORD", "s3cret", 1);
    CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_OK);
    CHECK_INT(res.form, TS_QUERY_ASK);
    CHECK(!res.boolean);
    ts_query_result_clear(&res);

    unsetenv("TINYSCOPE_ENDPOINT_USER");
    unsetenv("TINYSCOPE_ENDPOINT_PASSWORD");
    char *netrc = ts_asprintf("%s/.netrc", tmp);
    FILE *f = fopen(netrc, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("machine 127.0.0.1 login alice password s3cret\n", f);
        fclose(f);
        chmod(netrc, 0600);
        CHECK_INT(ts_query_run(ds, "ASK {}", NULL, &res, &err), TS_OK);
        ts_query_result_clear(&res);
    }
    unlink(netrc);
    free(netrc);
    ts_dataset_free(ds);
}

static void test_update(void)
{
    static char got[4][8192];
    (void)got;
    ts_remote *r = client("/ask");
    ts_error err;
    CHECK_INT(ts_remote_update(r, "INSERT DATA { <a:b> <a:c> <a:d> }", NULL, &err), TS_OK);
    CHECK_INT(ts_remote_requests(r), 1);
    ts_remote_free(r);
    r = client("/error400");
    CHECK_INT(ts_remote_update(r, "INSERT DATA { }", NULL, &err), TS_ERR_BAD_ARG);
    ts_remote_free(r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    char tmp[] = "/tmp/ts-remote-XXXXXX";
    if (!mkdtemp(tmp)) {
        TEST_SKIP("no temporary directory");
    }
    /* a proxy from the environment would not reach our loopback server */
    setenv("no_proxy", "127.0.0.1", 1);
    setenv("HOME", tmp, 1);
    pthread_t thread;
    start_server(&thread);
    test_form();
    test_new();
    test_select();
    test_ask_construct();
    test_get_post();
    test_errors();
    test_slow();
    test_auth(tmp);
    test_update();
    server_stop = 1;
    pthread_join(thread, NULL);
    close(listen_fd);
    rmdir(tmp);
    return test_done();
}
