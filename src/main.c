#include <locale.h>

#include "tinyscope/cli.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Numbers in RDF, SPARQL, JSON and CSV use '.', whatever the user's
     * language: parsing and printing them must not follow a decimal comma. */
    setlocale(LC_NUMERIC, "C");
    return ts_cli_main(argc, argv);
}
