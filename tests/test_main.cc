#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <stdlib.h>

#include "common/temp_dir.h"
#include "jobc/backend_registry.h"

int main(int argc, char** argv) {
  // jobc keeps digests of large inputs in ~/.cache (support/digest_cache.h); the tests, and
  // the jobc processes they start, use a folder of their own instead.
  jobc::testing::TempDir digest_cache;
  setenv("JOBC_DIGEST_CACHE", digest_cache.path.c_str(), 1);
  jobc::install_backend_rules();
  doctest::Context context(argc, argv);
  return context.run();
}
