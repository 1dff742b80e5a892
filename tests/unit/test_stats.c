#include "test.h"
#include "tinyscope/loader.h"
#include "tinyscope/stats.h"

static size_t count_of(const ts_stats *st, const ts_stat_count *arr, size_t n, const char *iri)
{
    (void)st;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp((const char *)sord_node_get_string(arr[i].node), iri)) {
            return arr[i].count;
        }
    }
    return 0;
}

int main(void)
{
    ts_store *store = ts_store_new();
    ts_load_opts opts = {0};
    ts_source *a = NULL, *b = NULL;
    ts_load_string(store, "a.ttl", TS_FMT_TURTLE,
                   "@prefix e: <http://e/> .\n"
                   "e:m1 a e:Model ; e:name \"one\" .\n"
                   "e:m2 a e:Model ; e:name \"two\" .\n"
                   "e:b1 a e:Board .\n",
                   &opts, &a);
    ts_load_string(store, "b.ttl", TS_FMT_TURTLE,
                   "@prefix e: <http://e/> .\n"
                   "e:m1 a e:Model .\n"
                   "e:b2 a e:Board ; e:name \"b2\" .\n",
                   &opts, &b);
    ts_stats st;
    ts_stats_compute(store, a->graph, &st);
    CHECK_INT(st.triples, 5);
    CHECK_INT(st.subjects, 3);
    CHECK_INT(st.n_classes, 2);
    CHECK_INT(count_of(&st, st.classes, st.n_classes, "http://e/Model"), 2);
    /* Sorted by count, descending. */
    CHECK_STR((const char *)sord_node_get_string(st.predicates[0].node),
              "http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    CHECK_INT(st.predicates[0].count, 3);
    ts_stats_free(&st);

    /* The union: e:m1 a e:Model is in both graphs and counts once. */
    ts_stats_compute(store, NULL, &st);
    CHECK_INT(st.triples, 7);
    CHECK_INT(st.subjects, 4);
    CHECK_INT(count_of(&st, st.classes, st.n_classes, "http://e/Model"), 2);
    CHECK_INT(count_of(&st, st.classes, st.n_classes, "http://e/Board"), 2);
    CHECK_INT(count_of(&st, st.predicates, st.n_predicates, "http://e/name"), 3);
    ts_stats_free(&st);
    ts_stats_free(NULL);

    ts_stats_compute(store, b->graph, &st);
    CHECK_INT(st.triples, 3);
    ts_stats_free(&st);
    ts_store_free(store);
    return test_done();
}
