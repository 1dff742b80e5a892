#include "tinyscope/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tinyscope/buf.h"

struct ts_outfile {
    FILE *f;
    char *target; /* the file renamed over, or NULL when written directly */
    char *tmp;
};

/* The file a write to path lands in: the end of a chain of links. */
static char *resolve(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real) {
            char *copy = ts_strdup(real);
            free(real);
            return copy;
        }
        /* a dangling link: writing through it creates its target */
    }
    return ts_strdup(path);
}

ts_outfile *ts_outfile_open(const char *path)
{
    ts_outfile *o = ts_calloc(1, sizeof *o);
    char *target = resolve(path);
    struct stat st;
    bool exists = stat(target, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        /* Renaming over a device or a FIFO would replace it with a file. */
        free(target);
        o->f = fopen(path, "w");
        if (!o->f) {
            int saved = errno;
            free(o);
            errno = saved;
            return NULL;
        }
        return o;
    }
    o->target = target;
    o->tmp = ts_asprintf("%s.tmp-XXXXXX", target);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int saved = errno;
        free(o->tmp);
        o->tmp = NULL; /* nothing was created */
        ts_outfile_abort(o);
        errno = saved;
        return NULL;
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    (void)fchmod(fd, mode); /* mkstemp's 0600 is the safe fallback */
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int saved = errno;
        close(fd);
        ts_outfile_abort(o);
        errno = saved;
        return NULL;
    }
    return o;
}

FILE *ts_outfile_stream(ts_outfile *o)
{
    return o->f;
}

bool ts_outfile_commit(ts_outfile *o)
{
    bool ok = fflush(o->f) == 0;
    int saved = errno;
    /* Terminals and pipes cannot be synced; that is no failure. */
    if (ok && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != ENOTSUP) {
        ok = false;
        saved = errno;
    }
    if (fclose(o->f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    o->f = NULL;
    if (ok && o->tmp && rename(o->tmp, o->target) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok && o->tmp) {
        unlink(o->tmp);
    }
    free(o->tmp);
    free(o->target);
    free(o);
    errno = saved;
    return ok;
}

void ts_outfile_abort(ts_outfile *o)
{
    if (!o) {
        return;
    }
    if (o->f) {
        fclose(o->f);
    }
    if (o->tmp) {
        unlink(o->tmp);
    }
    free(o->tmp);
    free(o->target);
    free(o);
}
