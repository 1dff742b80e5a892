/*
 * The SPARQL 1.1 Protocol over libcurl: one easy handle per client, reused
 * so that successive queries keep the connection (and the negotiated
 * authentication) alive.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "tinyscope/buf.h"
#include "tinyscope/remote.h"
#include "tinyscope/sanitize.h"
#include "ts_config.h"

/* How much of an endpoint's error text is shown. */
#define ERROR_EXCERPT 300

struct ts_remote {
    char *url;
    char *graph;
    CURL *curl;
    CURLM *multi; /* drives curl, so the caller's wait hook runs meanwhile */
    size_t requests;
    ts_remote_wait_fn wait;
    void *wait_ctx;
};

/* How often the wait hook runs while a request is under way. */
#define WAIT_TICK_MS 50

typedef struct {
    ts_buf body;
    size_t limit;
    bool too_big;
    const volatile sig_atomic_t *cancel;
} transfer;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

ts_remote *ts_remote_new(const char *url, ts_error *err)
{
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) {
        ts_error_set(err, TS_ERR_BAD_ARG, "--endpoint", 0, 0,
                     "'%s' is not an http:// or https:// URL", url);
        return NULL;
    }
    /* user:password@ in the URL would end up in shell history and logs */
    const char *authority = strstr(url, "//") + 2;
    size_t auth_len = strcspn(authority, "/?#");
    if (memchr(authority, '@', auth_len)) {
        ts_error_set(err, TS_ERR_BAD_ARG, "--endpoint", 0, 0,
                     "credentials do not belong in the endpoint URL: put them in ~/.netrc or "
                     "TINYSCOPE_ENDPOINT_USER and TINYSCOPE_ENDPOINT_PASSWORD");
        return NULL;
    }
    static bool curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            ts_error_set(err, TS_ERR_IO, "--endpoint", 0, 0, "libcurl cannot start");
            return NULL;
        }
        curl_ready = true;
    }
    CURL *curl = curl_easy_init();
    CURLM *multi = curl_multi_init();
    if (!curl || !multi) {
        curl_easy_cleanup(curl);
        curl_multi_cleanup(multi);
        ts_error_set(err, TS_ERR_NOMEM, "--endpoint", 0, 0, "libcurl cannot start");
        return NULL;
    }
    ts_remote *r = ts_calloc(1, sizeof *r);
    r->url = ts_strdup(url);
    r->curl = curl;
    r->multi = multi;
    return r;
}

void ts_remote_free(ts_remote *r)
{
    if (!r) {
        return;
    }
    curl_easy_cleanup(r->curl);
    curl_multi_cleanup(r->multi);
    free(r->url);
    free(r->graph);
    free(r);
}

void ts_remote_set_graph(ts_remote *r, const char *graph_iri)
{
    free(r->graph);
    r->graph = graph_iri ? ts_strdup(graph_iri) : NULL;
}

const char *ts_remote_url(const ts_remote *r)
{
    return r->url;
}

size_t ts_remote_requests(const ts_remote *r)
{
    return r->requests;
}

void ts_remote_set_wait(ts_remote *r, ts_remote_wait_fn fn, void *ctx)
{
    r->wait = fn;
    r->wait_ctx = ctx;
}

/*
 * curl_easy_perform, but through the multi interface so that the wait hook
 * runs every WAIT_TICK_MS while nothing arrives: the UI redraws, reads its
 * keys and may cancel.
 */
static CURLcode run_transfer(ts_remote *r)
{
    bool cancelled = false;
    if (!r->wait) {
        return curl_easy_perform(r->curl);
    }
    if (curl_multi_add_handle(r->multi, r->curl) != CURLM_OK) {
        return CURLE_FAILED_INIT;
    }
    double t0 = now_ms();
    CURLcode result = CURLE_OK;
    int running = 1;
    while (running) {
        if (curl_multi_perform(r->multi, &running) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
        if (!running) {
            break;
        }
        curl_multi_poll(r->multi, NULL, 0, WAIT_TICK_MS, NULL);
        if (r->wait(r->wait_ctx, now_ms() - t0)) {
            cancelled = true;
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
    }
    int left;
    CURLMsg *msg;
    while (!cancelled && (msg = curl_multi_info_read(r->multi, &left))) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == r->curl) {
            result = msg->data.result;
        }
    }
    curl_multi_remove_handle(r->multi, r->curl);
    return result;
}

static size_t on_data(char *data, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    size_t len = size * n;
    if (len > t->limit - t->body.len) {
        t->too_big = true;
        return 0;
    }
    ts_buf_append(&t->body, data, len);
    return len;
}

/* Called by libcurl while the request runs, also when no data moves. */
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    transfer *t = userdata;
    return t->cancel && *t->cancel;
}

/*
 * The endpoint's error text, made fit for one line of a terminal: markup
 * dropped, whitespace runs folded, cut at a character boundary.
 */
static void error_excerpt(ts_buf *out, const char *body, size_t len, bool html)
{
    ts_buf plain = {0};
    bool in_tag = false, space = true;
    for (size_t i = 0; i < len && plain.len < ERROR_EXCERPT + 4; i++) {
        char c = body[i];
        if (html && c == '<') {
            in_tag = true;
            continue;
        }
        if (in_tag) {
            in_tag = c != '>';
            if (!in_tag && !space) {
                ts_buf_putc(&plain, ' ');
                space = true;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!space) {
                ts_buf_putc(&plain, ' ');
            }
            space = true;
            continue;
        }
        ts_buf_putc(&plain, c);
        space = false;
    }
    size_t n = plain.len;
    bool cut = n > ERROR_EXCERPT;
    if (cut) {
        n = ERROR_EXCERPT;
        while (n > 0 && ((unsigned char)plain.data[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    while (n > 0 && plain.data[n - 1] == ' ') {
        n--;
    }
    ts_sanitize_append(out, plain.data ? plain.data : "", n);
    if (cut) {
        ts_buf_puts(out, "...");
    }
    ts_buf_free(&plain);
}

static ts_status http_status(long code)
{
    if (code == 401 || code == 403) {
        return TS_ERR_PERMISSION;
    }
    if (code == 404) {
        return TS_ERR_NOT_FOUND;
    }
    if (code >= 400 && code < 500) {
        return TS_ERR_BAD_ARG;
    }
    return TS_ERR_IO;
}

/*
 * One request: GET url, or POST body (of content type post_type) to url.
 * On success t->body holds the answer and *ctype its content type (owned).
 */
static ts_status perform(ts_remote *r, const char *url, const char *post_type,
                         const char *post_body, const char *accept, const ts_query_opts *opts,
                         transfer *t, char **ctype, ts_error *err)
{
    CURL *c = r->curl;
    curl_easy_reset(c);
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    char *accept_h = ts_asprintf("Accept: %s", accept);
    headers = curl_slist_append(headers, accept_h);
    free(accept_h);
    if (post_type) {
        char *type_h = ts_asprintf("Content-Type: %s", post_type);
        headers = curl_slist_append(headers, type_h);
        free(type_h);
    }
    unsigned limit_ms = opts ? opts->time_limit_ms : 0;
    unsigned connect_ms = TS_REMOTE_CONNECT_MS;
    if (limit_ms && limit_ms < connect_ms) {
        connect_ms = limit_ms;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "tinyscope/" TS_VERSION);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)limit_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
    /* Credentials: ~/.netrc for the URL's host, or the environment. libcurl
     * sends them only to that host, also across redirects. */
    curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    const char *user = getenv("TINYSCOPE_ENDPOINT_USER");
    if (user && *user) {
        const char *password = getenv("TINYSCOPE_ENDPOINT_PASSWORD");
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, password ? password : "");
    }
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
    if (post_type) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(post_body));
    }
    r->requests++;
    CURLcode cc = run_transfer(r);
    curl_slist_free_all(headers);
    ts_status st = TS_OK;
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        st = ts_error_set(err, TS_ERR_TIMEOUT, r->url, 0, 0, "no complete answer within %u ms",
                          limit_ms ? limit_ms : connect_ms);
    } else if (cc == CURLE_ABORTED_BY_CALLBACK) {
        st = ts_error_set(err, TS_ERR_CANCELLED, r->url, 0, 0, "request cancelled");
    } else if (cc == CURLE_WRITE_ERROR && t->too_big) {
        st = ts_error_set(err, TS_ERR_LIMIT, r->url, 0, 0,
                          "answer larger than %zu MiB: narrow the query", t->limit >> 20);
    } else if (cc != CURLE_OK) {
        st = ts_error_set(err, TS_ERR_IO, r->url, 0, 0, "%s",
                          *errbuf ? errbuf : curl_easy_strerror(cc));
    }
    if (st != TS_OK) {
        return st;
    }
    long code = 0;
    char *type = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (code >= 200 && code < 300) {
        *ctype = ts_strdup(type ? type : "");
        return TS_OK;
    }
    ts_buf msg = {0};
    ts_buf_printf(&msg, "HTTP %ld", code);
    if (code == 401) {
        ts_buf_puts(&msg, " (credentials missing or refused: see ~/.netrc or "
                          "TINYSCOPE_ENDPOINT_USER/TINYSCOPE_ENDPOINT_PASSWORD)");
    }
    if (t->body.len) {
        ts_buf_puts(&msg, ": ");
        error_excerpt(&msg, t->body.data, t->body.len, type && strstr(type, "html"));
    }
    st = ts_error_set(err, http_status(code), r->url, 0, 0, "%s", ts_buf_str(&msg));
    ts_buf_free(&msg);
    return st;
}

/* "name=escaped value" appended to b, with '&' before all but the first. */
static void add_param(ts_buf *b, CURL *c, const char *name, const char *value)
{
    char *esc = curl_easy_escape(c, value, 0);
    if (b->len) {
        ts_buf_putc(b, '&');
    }
    ts_buf_printf(b, "%s=%s", name, esc);
    curl_free(esc);
}

ts_status ts_remote_query(ts_remote *r, const char *query, const ts_query_opts *opts,
                          const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                          ts_error *err)
{
    ts_error_clear(err);
    double t0 = now_ms();
    ts_query_form form;
    if (!ts_remote_query_form(query, &form)) {
        return ts_error_set(err, TS_ERR_SYNTAX, "<query>", 0, 0,
                            "no SELECT, ASK, CONSTRUCT or DESCRIBE in the query");
    }
    bool triples = form == TS_QUERY_CONSTRUCT || form == TS_QUERY_DESCRIBE;
    const char *accept = triples ? "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
                                 : "application/sparql-results+json";
    ts_buf params = {0};
    add_param(&params, r->curl, "query", query);
    if (r->graph) {
        add_param(&params, r->curl, "default-graph-uri", r->graph);
    }
    transfer t = {.limit = TS_REMOTE_MAX_BODY, .cancel = opts ? opts->cancel : NULL};
    char *ctype = NULL;
    ts_status st;
    char *get_url =
        ts_asprintf("%s%c%s", r->url, strchr(r->url, '?') ? '&' : '?', ts_buf_str(&params));
    /* Long queries would overflow the URL limits of servers and proxies. */
    if (strlen(get_url) <= TS_REMOTE_GET_MAX) {
        st = perform(r, get_url, NULL, NULL, accept, opts, &t, &ctype, err);
    } else {
        st = perform(r, r->url, "application/x-www-form-urlencoded", ts_buf_str(&params), accept,
                     opts, &t, &ctype, err);
    }
    free(get_url);
    ts_buf_free(&params);
    size_t max_rows = opts ? opts->max_rows : 0;
    if (st == TS_OK) {
        const char *body = t.body.data ? t.body.data : "";
        if (strstr(ctype, "json")) {
            st = ts_remote_parse_json(body, t.body.len, r->url, max_rows, sink, ctx, err);
        } else if (strstr(ctype, "turtle") || strstr(ctype, "triples") ||
                   strstr(ctype, "text/plain")) {
            st =
                ts_remote_parse_triples(body, t.body.len, r->url, r->url, max_rows, sink, ctx, err);
        } else {
            ts_buf msg = {0};
            ts_sanitize_append(&msg, ctype, strlen(ctype));
            st = ts_error_set(err, TS_ERR_UNSUPPORTED, r->url, 0, 0,
                              "answer in '%s', not SPARQL JSON results or N-Triples",
                              ts_buf_str(&msg));
            ts_buf_free(&msg);
        }
    }
    free(ctype);
    ts_buf_free(&t.body);
    if (timing) {
        timing->parse_ms = 0;
        timing->eval_ms = now_ms() - t0;
    }
    return st;
}

ts_status ts_remote_update(ts_remote *r, const char *update, const ts_query_opts *opts,
                           ts_error *err)
{
    ts_error_clear(err);
    transfer t = {.limit = TS_REMOTE_MAX_BODY, .cancel = opts ? opts->cancel : NULL};
    char *ctype = NULL;
    ts_buf params = {0};
    add_param(&params, r->curl, "update", update);
    ts_status st = perform(r, r->url, "application/x-www-form-urlencoded", ts_buf_str(&params),
                           "*/*", opts, &t, &ctype, err);
    ts_buf_free(&params);
    free(ctype);
    ts_buf_free(&t.body);
    return st;
}

static ts_status remote_run(void *impl, const char *query, const ts_query_opts *opts,
                            const ts_query_sink *sink, void *ctx, ts_query_timing *timing,
                            ts_error *err)
{
    return ts_remote_query(impl, query, opts, sink, ctx, timing, err);
}

static void remote_free(void *impl)
{
    ts_remote_free(impl);
}

ts_dataset *ts_remote_dataset(ts_remote *r)
{
    static const ts_dataset_ops ops = {remote_run, remote_free};
    return ts_dataset_new(&ops, r);
}
