// Per-start and per-run access tokens (the MLflow endpoint's, `jobc ui`'s): random, and
// compared in constant time so a wrong guess learns nothing from how long it was refused.
#pragma once

#include <string>
#include <string_view>

#include "jobc/result.h"

namespace jobc {

// 32 random bytes from the kernel (getrandom) as 64 lower-case hex digits; `what` names the
// token in the error.
Result<std::string> new_secret_token(std::string_view what);

// Whether `given` is `expected` (never for an empty `expected`), in constant time.
bool same_secret(std::string_view expected, std::string_view given);

}  // namespace jobc
