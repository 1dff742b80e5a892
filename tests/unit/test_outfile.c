/* outfile: files replaced whole or not at all; links followed; devices and
 * FIFOs written, never replaced. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "tinyscope/buf.h"
#include "tinyscope/outfile.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return NULL;
    }
    ts_buf b = {0};
    char chunk[256];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ts_buf_append(&b, chunk, n);
    }
    fclose(f);
    return ts_buf_steal(&b);
}

static bool write_all(const char *path, const char *text, bool commit)
{
    ts_outfile *o = ts_outfile_open(path);
    if (!o) {
        return false;
    }
    fputs(text, ts_outfile_stream(o));
    if (!commit) {
        ts_outfile_abort(o);
        return true;
    }
    return ts_outfile_commit(o);
}

/* Files in dir other than the given names: temporary files left behind. */
static int leftovers(const char *dir)
{
    char *cmd = ts_asprintf("ls -A %s | grep -c tmp- ", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) {
            n = -1;
        }
        pclose(p);
    }
    free(cmd);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/ts-outfile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *file = ts_asprintf("%s/out.txt", dir);

    /* a new file, then a replacement that keeps the old permission bits */
    CHECK(write_all(file, "first\n", true));
    char *s = slurp(file);
    CHECK_STR(s, "first\n");
    free(s);
    CHECK(chmod(file, 0640) == 0);
    CHECK(write_all(file, "second\n", true));
    s = slurp(file);
    CHECK_STR(s, "second\n");
    free(s);
    struct stat st;
    CHECK(stat(file, &st) == 0 && (st.st_mode & 07777) == 0640);

    /* an abort leaves the old content and no temporary file */
    CHECK(write_all(file, "never\n", false));
    s = slurp(file);
    CHECK_STR(s, "second\n");
    free(s);
    CHECK_INT(leftovers(dir), 0);

    /* while a write is under way, readers see the old content */
    ts_outfile *o = ts_outfile_open(file);
    CHECK(o != NULL);
    fputs("third\n", ts_outfile_stream(o));
    fflush(ts_outfile_stream(o));
    s = slurp(file);
    CHECK_STR(s, "second\n");
    free(s);
    CHECK(ts_outfile_commit(o));
    s = slurp(file);
    CHECK_STR(s, "third\n");
    free(s);

    /* a symbolic link: the target is replaced, the link stays */
    char *link = ts_asprintf("%s/link.txt", dir);
    CHECK(symlink("out.txt", link) == 0);
    CHECK(write_all(link, "via link\n", true));
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    s = slurp(file);
    CHECK_STR(s, "via link\n");
    free(s);

    /* a FIFO is written to, not replaced by a file */
    char *fifo = ts_asprintf("%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK);
    CHECK(rd >= 0);
    CHECK(write_all(fifo, "through\n", true));
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    char got[32] = {0};
    CHECK(read(rd, got, sizeof got - 1) == 8);
    CHECK_STR(got, "through\n");
    close(rd);

    /* a directory that cannot be written: an error, errno set */
    errno = 0;
    char *missing = ts_asprintf("%s/no/such/dir/file", dir);
    CHECK(ts_outfile_open(missing) == NULL);
    CHECK(errno == ENOENT);
    ts_outfile_abort(NULL);

    CHECK_INT(leftovers(dir), 0);
    unlink(fifo);
    unlink(link);
    unlink(file);
    rmdir(dir);
    free(missing);
    free(fifo);
    free(link);
    free(file);
    return test_done();
}
