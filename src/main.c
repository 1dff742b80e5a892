#include <locale.h>
#include <string.h>

#include "tinyscope/cli.h"
#include "ts_config.h"

#if TS_MIMALLOC
#include <mimalloc.h>

/* Loading a large graph is millions of small blocks inside Sord: on 2 MiB
 * pages the kernel takes one fault where it would take 512 (README, "Why
 * mimalloc"). The option must be set before the allocator maps its first
 * segment, which happens in the constructors of the shared libraries, before
 * main; functions in .preinit_array run before all of them, so early that
 * the C library has not yet set environ: the environment comes as the third
 * argument. The user's own MIMALLOC_LARGE_OS_PAGES wins. Where the kernel has
 * no huge pages to give, mimalloc uses ordinary ones. */
static void large_pages_before_any_allocation(int argc, char **argv,
                                              char **envp)
{
    static const char name[] = "MIMALLOC_LARGE_OS_PAGES=";
    (void)argc;
    (void)argv;
    for (char **e = envp; e && *e; e++)
        if (strncmp(*e, name, sizeof name - 1) == 0)
            return;
    mi_option_enable(mi_option_large_os_pages);
}

__attribute__((section(".preinit_array"), used))
static void (*const ts_preinit)(int, char **, char **) =
    large_pages_before_any_allocation;
#endif

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Numbers in RDF, SPARQL, JSON and CSV use '.', whatever the user's
     * language: parsing and printing them must not follow a decimal comma. */
    setlocale(LC_NUMERIC, "C");
    return ts_cli_main(argc, argv);
}
