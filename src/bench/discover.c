#include "tinyscope/discover.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tinyscope/results.h"

/* ---- sysfs ---- */

/* The first line of a small sysfs attribute file, trimmed; NULL if absent. */
static char *read_attr(const char *dir, const char *name)
{
    char *path = ts_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) {
        return NULL;
    }
    char line[256];
    char *s = fgets(line, sizeof line, f) ? line : NULL;
    fclose(f);
    if (!s) {
        return NULL;
    }
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    return n ? ts_strdup(s) : NULL;
}

static char *hex4(char *s)
{
    if (!s) {
        return NULL;
    }
    for (char *p = s; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return s;
}

static bool file_exists(const char *dir, const char *name)
{
    char *path = ts_asprintf("%s/%s", dir, name);
    bool ok = access(path, F_OK) == 0;
    free(path);
    return ok;
}

static const char *sysfs_root(const char *sysfs)
{
    if (sysfs) {
        return sysfs;
    }
    const char *env = getenv("TINYSCOPE_SYSFS");
    return env && env[0] ? env : "/sys";
}

/* Fill info from /sys/class/tty/NAME: walk up from the device link to the
 * first ancestor with idVendor and idProduct (the USB device). */
static bool fill_from_sysfs(const char *root, const char *name, const ts_store *store,
                            ts_port_info *info)
{
    char *link = ts_asprintf("%s/class/tty/%s/device", root, name);
    char resolved[PATH_MAX];
    char *dev = realpath(link, resolved);
    free(link);
    if (!dev) {
        return false;
    }
    char rroot[PATH_MAX];
    if (!realpath(root, rroot)) {
        return false;
    }
    char *drv_link = ts_asprintf("%s/driver", dev);
    char drv[PATH_MAX];
    char *d = realpath(drv_link, drv);
    free(drv_link);
    char *dir = ts_strdup(dev);
    bool found = false;
    for (int depth = 0; depth < 8; depth++) {
        if (file_exists(dir, "idVendor") && file_exists(dir, "idProduct")) {
            found = true;
            break;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) <= strlen(rroot)) {
            break;
        }
        *slash = '\0';
    }
    if (found) {
        info->name = ts_strdup(name);
        info->path = ts_asprintf("/dev/%s", name);
        info->vendor_id = hex4(read_attr(dir, "idVendor"));
        info->product_id = hex4(read_attr(dir, "idProduct"));
        info->serial = read_attr(dir, "serial");
        info->manufacturer = read_attr(dir, "manufacturer");
        info->product = read_attr(dir, "product");
        if (d) {
            const char *base = strrchr(d, '/');
            info->driver = ts_strdup(base ? base + 1 : d);
        }
        if (store && info->vendor_id && info->product_id) {
            info->board_matches = ts_discover_match_board(store, info->vendor_id, info->product_id,
                                                          &info->board_iri, &info->board_label);
        }
    }
    free(dir);
    return found;
}

bool ts_discover_port(const char *sysfs, const char *path, const ts_store *store,
                      ts_port_info *info)
{
    memset(info, 0, sizeof *info);
    if (!strncmp(path, "tcp:", 4)) {
        return false;
    }
    char resolved[PATH_MAX];
    const char *real = realpath(path, resolved);
    if (!real || strncmp(real, "/dev/", 5)) {
        return false;
    }
    const char *name = real + 5;
    if (strchr(name, '/')) {
        return false; /* /dev/pts/N and other nested nodes are not in class/tty */
    }
    bool ok = fill_from_sysfs(sysfs_root(sysfs), name, store, info);
    if (ok) {
        free(info->path);
        info->path = ts_strdup(path);
    }
    return ok;
}

static int cmp_info(const void *a, const void *b)
{
    const ts_port_info *x = a, *y = b;
    return strcmp(x->name, y->name);
}

void ts_discover_scan(const char *sysfs, const ts_store *store, ts_port_list *out)
{
    out->items = NULL;
    out->count = 0;
    const char *root = sysfs_root(sysfs);
    char *dirpath = ts_asprintf("%s/class/tty", root);
    DIR *d = opendir(dirpath);
    free(dirpath);
    if (!d) {
        return;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        ts_port_info info = {0};
        if (!fill_from_sysfs(root, e->d_name, store, &info)) {
            ts_port_info_clear(&info);
            continue;
        }
        if (out->count == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = ts_reallocarray(out->items, cap, sizeof *out->items);
        }
        out->items[out->count++] = info;
    }
    closedir(d);
    if (out->count > 1) {
        qsort(out->items, out->count, sizeof *out->items, cmp_info);
    }
}

void ts_port_info_clear(ts_port_info *info)
{
    if (!info) {
        return;
    }
    free(info->name);
    free(info->path);
    free(info->vendor_id);
    free(info->product_id);
    free(info->serial);
    free(info->manufacturer);
    free(info->product);
    free(info->driver);
    free(info->board_iri);
    free(info->board_label);
    memset(info, 0, sizeof *info);
}

void ts_port_list_free(ts_port_list *list)
{
    if (!list) {
        return;
    }
    for (size_t i = 0; i < list->count; i++) {
        ts_port_info_clear(&list->items[i]);
    }
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

/* ---- the knowledge graph ---- */

/* "0x2341", "2341", "2341 " -> compare as 4 hex digits, case-insensitively. */
static bool same_id(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    if (!strncasecmp(a, "0x", 2))
        a += 2;
    if (!strncasecmp(b, "0x", 2))
        b += 2;
    char *ea, *eb;
    unsigned long x = strtoul(a, &ea, 16), y = strtoul(b, &eb, 16);
    while (isspace((unsigned char)*ea))
        ea++;
    while (isspace((unsigned char)*eb))
        eb++;
    return ea != a && eb != b && !*ea && !*eb && x == y;
}

static bool has_value(SordModel *model, const SordNode *s, const SordNode *p, const char *want)
{
    SordIter *it = sord_search(model, s, p, NULL, NULL);
    bool found = false;
    for (; it && !sord_iter_end(it) && !found; sord_iter_next(it)) {
        const SordNode *o = sord_iter_get_node(it, SORD_OBJECT);
        found = same_id((const char *)sord_node_get_string(o), want);
    }
    sord_iter_free(it);
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ts_discover_match_board(const ts_store *store, const char *vid, const char *pid, char **iri,
                               char **label)
{
    if (iri)
        *iri = NULL;
    if (label)
        *label = NULL;
    SordWorld *world = ts_store_world(store);
    SordModel *model = ts_store_model(store);
    SordNode *p_vid = sord_new_uri(world, (const uint8_t *)TS_NS_TINY "usbVendorId");
    SordNode *p_pid = sord_new_uri(world, (const uint8_t *)TS_NS_TINY "usbProductId");
    char **found = NULL;
    size_t n = 0, cap = 0;
    SordIter *it = sord_search(model, NULL, p_vid, NULL, NULL);
    for (; it && !sord_iter_end(it); sord_iter_next(it)) {
        const SordNode *s = sord_iter_get_node(it, SORD_SUBJECT);
        const SordNode *o = sord_iter_get_node(it, SORD_OBJECT);
        if (sord_node_get_type(s) != SORD_URI ||
            !same_id((const char *)sord_node_get_string(o), vid) ||
            !has_value(model, s, p_pid, pid)) {
            continue;
        }
        const char *str = (const char *)sord_node_get_string(s);
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++) {
            dup = !strcmp(found[i], str);
        }
        if (dup) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            found = ts_reallocarray(found, cap, sizeof *found);
        }
        found[n++] = ts_strdup(str);
    }
    sord_iter_free(it);
    if (n) {
        qsort(found, n, sizeof *found, cmp_str);
        if (label) {
            SordNode *node = sord_new_uri(world, (const uint8_t *)found[0]);
            *label = ts_store_label(store, node, NULL);
            sord_node_free(world, node);
        }
        if (iri) {
            *iri = found[0];
            found[0] = NULL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(found[i]);
    }
    free(found);
    sord_node_free(world, p_vid);
    sord_node_free(world, p_pid);
    return n;
}

/* The MLPerf Tiny benchmark ids a board reports in m-model-[ID], and the
 * reference model each one measures, as the bundled graph names it. */
static const char *const mlperf_models[][2] = {
    {"kws01", "MLPerf_Tiny_KWS_DS-CNN"},
    {"vww01", "MLPerf_Tiny_VWW_MobileNetV1_0.25"},
    {"ic01", "MLPerf_Tiny_IC_ResNet-8"},
    {"ad01", "MLPerf_Tiny_AD_FC-AutoEncoder"},
};

static bool match_model(const ts_store *store, const char *name, char **iri, double *macs);

bool ts_discover_match_model(const ts_store *store, const char *name, char **iri, double *macs)
{
    if (match_model(store, name, iri, macs)) {
        return true;
    }
    for (size_t i = 0; name && i < sizeof mlperf_models / sizeof mlperf_models[0]; i++) {
        if (!strcasecmp(name, mlperf_models[i][0])) {
            return match_model(store, mlperf_models[i][1], iri, macs);
        }
    }
    return false;
}

static bool match_model(const ts_store *store, const char *name, char **iri, double *macs)
{
    *iri = NULL;
    *macs = NAN;
    if (!name || !*name) {
        return false;
    }
    SordWorld *world = ts_store_world(store);
    SordModel *model = ts_store_model(store);
    static const char *const keys[] = {TS_NS_SCHEMA "name", TS_NS_SCHEMA "identifier",
                                       TS_NS_SCHEMA "alternateName"};
    SordNode *type = sord_new_uri(world, (const uint8_t *)TS_NS_RDF "type");
    SordNode *nn = sord_new_uri(world, (const uint8_t *)TS_NS_NNET "NeuralNetwork");
    SordNode *p_macs = sord_new_uri(world, (const uint8_t *)TS_NS_NNET "hasMultiplyAccumulateOps");
    for (size_t k = 0; k < 3 && !*iri; k++) {
        SordNode *p = sord_new_uri(world, (const uint8_t *)keys[k]);
        SordIter *it = sord_search(model, NULL, p, NULL, NULL);
        for (; it && !sord_iter_end(it) && !*iri; sord_iter_next(it)) {
            const SordNode *s = sord_iter_get_node(it, SORD_SUBJECT);
            const SordNode *o = sord_iter_get_node(it, SORD_OBJECT);
            if (sord_node_get_type(s) != SORD_URI ||
                strcasecmp((const char *)sord_node_get_string(o), name) ||
                !sord_ask(model, s, type, nn, NULL)) {
                continue;
            }
            *iri = ts_strdup((const char *)sord_node_get_string(s));
            SordIter *m = sord_search(model, s, p_macs, NULL, NULL);
            if (m && !sord_iter_end(m)) {
                double v;
                if (ts_node_number(sord_iter_get_node(m, SORD_OBJECT), &v) == TS_OK) {
                    *macs = v;
                }
            }
            sord_iter_free(m);
        }
        sord_iter_free(it);
        sord_node_free(world, p);
    }
    sord_node_free(world, type);
    sord_node_free(world, nn);
    sord_node_free(world, p_macs);
    return *iri != NULL;
}
