/* The command line: global options and subcommands. */
#ifndef TINYSCOPE_CLI_H
#define TINYSCOPE_CLI_H

/** Run tinyscope with these arguments; returns the process exit status. */
int ts_cli_main(int argc, char **argv);

#endif
