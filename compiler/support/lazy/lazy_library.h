// Loads a shared library on first use instead of at start-up. libcurl and libarchive
// (with ~40 dependencies between them) are only needed by the Docker and Slurm backends;
// linking them normally made every `jobc validate` pay for loading them.
#pragma once

#include <string>

namespace jobc {

// The address of `symbol` in `library` (a soname such as "libcurl.so.4"), loading the
// library on first use; nullptr when either is missing (see lazy_library_error()).
void* lazy_symbol(const char* library, const char* symbol);
std::string lazy_library_error();

}  // namespace jobc
