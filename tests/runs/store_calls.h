// What the run store tests share: a store opened or the test stops, and the message of a
// failed Status or Result for REQUIRE_MESSAGE.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "jobc/run_store.h"

namespace jobc::testing {

// "" when `result` succeeded, else its error's message.
template <class R>
std::string message_of(const R& result) {
  return result ? std::string() : result.error().message;
}

inline std::unique_ptr<RunStore> open_store(const std::filesystem::path& home) {
  auto store = RunStore::open(home);
  REQUIRE_MESSAGE(store, message_of(store));
  return std::move(store).value();
}

}  // namespace jobc::testing
