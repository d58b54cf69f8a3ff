// Result<T>: what an operation that can fail returns (I/O, a process, a request): its value,
// or an Error saying what failed and why. The error convention is in docs/architecture.md.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace jobc {

// What went wrong, in a sentence for the user: lowercase, no trailing period, never a secret.
struct Error {
  std::string message;
};

// E is Error, or a type derived from it that tells callers which failure it was, when they
// branch on that (HttpError: refused, timed out...).
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(E error) : state_(std::move(error)) {}

  // Only with a plain Error: a result with a richer one (HttpResult) is tested with `if
  // (result)`, since its value has an ok() of its own (HttpResponse: a 2xx status) that
  // `result.ok()` would be misread as.
  bool ok() const requires std::is_same_v<E, Error> { return state_.index() == 0; }
  explicit operator bool() const { return state_.index() == 0; }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

// For operations that return nothing but can fail.
template <>
class [[nodiscard]] Result<void, Error> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// `return fail("cannot read " + path)`: shorter than building an Error by hand.
inline Error fail(std::string message) {
  return Error{std::move(message)};
}

}  // namespace jobc
