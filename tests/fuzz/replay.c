/*
 * Runs a fuzz target over files, without libFuzzer: every input a fuzzer
 * once found troublesome stays a regression test in the ordinary build.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "tinyscope/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    size_t ran = 0;
    for (int i = 1; i < argc; i++) {
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            perror(argv[i]);
            return 1;
        }
        struct dirent *ent;
        while ((ent = readdir(dir))) {
            if (ent->d_name[0] == '.') {
                continue;
            }
            char *path = ts_asprintf("%s/%s", argv[i], ent->d_name);
            ts_buf b = {0};
            if (!ts_read_file(path, &b)) {
                perror(path);
                return 1;
            }
            LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
            ts_buf_free(&b);
            free(path);
            ran++;
        }
        closedir(dir);
    }
    printf("%zu inputs replayed\n", ran);
    return 0;
}
