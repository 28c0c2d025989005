#include "cli/run.h"

int main(int argc, char** argv) { return podbucket::cli::run(argc, argv); }
