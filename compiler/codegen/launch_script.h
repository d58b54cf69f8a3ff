// launch.sh: the job's command, run in its code folder with inputs substituted (every value
// shell-quoted), environment variables set, outputs/ and logs/ created, and the distribution
// applied (mpirun, torch.distributed variables, TF_CONFIG). Command jobs only.
#pragma once

#include <memory>
#include <string>

#include "jobc/generator.h"

namespace jobc {

std::unique_ptr<Generator> make_launch_script_generator();

// The environment-variable name a backend sets for input or output `name`:
// JOBC_INPUT_<name> / JOBC_OUTPUT_<name>, with characters a shell refuses turned into '_'.
std::string input_variable(const std::string& name);
std::string output_variable(const std::string& name);

}  // namespace jobc
