// The jobc command line: parses arguments and calls into the library. No business logic.
#pragma once

namespace jobc::cli {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the input is invalid (or a run failed)
inline constexpr int kExitUsage = 2;    // bad arguments or an I/O error

int run(int argc, char** argv);

}  // namespace jobc::cli
