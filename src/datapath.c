#include "tinyscope/datapath.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinyscope/buf.h"
#include "ts_config.h"

/* True when the running executable sits somewhere under the build tree,
 * so that `./build/tinyscope` works without `meson install`. */
static int running_from_build_tree(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        return 0;
    }
    exe[n] = '\0';
    char *build = realpath(TS_BUILD_ROOT, NULL);
    if (!build) {
        return 0;
    }
    size_t len = strlen(build);
    int inside = !strncmp(exe, build, len) && exe[len] == '/';
    free(build);
    return inside;
}

const char *ts_data_dir(void)
{
    static const char *dir;
    if (!dir) {
        const char *env = getenv("TINYSCOPE_DATADIR");
        if (env && *env) {
            dir = env;
        } else if (running_from_build_tree()) {
            dir = TS_SOURCE_ROOT;
        } else {
            dir = TS_DATADIR;
        }
    }
    return dir;
}

char *ts_data_path(const char *rel)
{
    return ts_asprintf("%s/%s", ts_data_dir(), rel);
}
