#include <locale.h>

#include "tinyscope/cli.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    return ts_cli_main(argc, argv);
}
