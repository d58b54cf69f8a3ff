// A compute spec: where jobs run. The fields every compute has are typed here; the settings of
// one compute type (a Slurm endpoint, an AmlCompute size) are the backend's to read, from
// `settings`, by the backend that owns that type (see backends/registry.h). That keeps a new
// backend out of every generic file.
#pragma once

#include <string>

#include "jobc/model/source.h"
#include "jobc/model/value.h"

namespace jobc::model {

struct Compute {
  SpecSource source;
  Location at;
  Field<std::string> type;  // lower case, as the compute schema allows it
  Field<std::string> name;
  Field<std::string> description;
  Field<std::string> location;
  Value tags;  // a map, or null
  // Every other member of the spec, as written: the compute type's own settings. Inline
  // secrets (a Slurm `token`, an ssh admin_password) are refused by the front end before.
  Value settings;
};

// A job's `compute:` or `--compute`: a name (local, docker, azureml:NAME, a bare cluster name)
// or the path of a compute spec.
struct ComputeRef {
  enum class Form { Default, Named, File };
  Form form = Form::Default;  // Default: the job names none (it runs on `local`)
  Field<std::string> written;
  std::string name;                     // the name without `azureml:`; a File's spec name
  bool azureml_prefix = false;          // written as azureml:NAME
  std::shared_ptr<const Compute> spec;  // File
};

}  // namespace jobc::model
