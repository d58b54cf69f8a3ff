// Compute specs: the fields every compute has, and the rest as the type's own settings.
#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "jobc/compute_rules.h"
#include "spec/model_builder/builders.h"
#include "support/text.h"

namespace jobc::model_builder {

namespace {

constexpr std::array<std::string_view, 6> kCommonMembers = {"$schema",     "type",     "name",
                                                            "description", "location", "tags"};

}  // namespace

model::Compute build_compute(const Reader& reader) {
  model::Compute compute;
  compute.source = reader.source();
  compute.at = reader.at("");
  compute.type = reader.text("/type");
  if (compute.type) compute.type.value = lower(*compute.type);
  compute.name = reader.text("/name");
  compute.description = reader.text("/description");
  compute.location = reader.text("/location");
  compute.tags = reader.value("/tags");
  compute.settings.kind = model::Value::Kind::Map;
  compute.settings.at = compute.at;
  compute.settings.key_at = compute.at;
  for (const std::string& key : reader.keys("")) {
    if (std::find(kCommonMembers.begin(), kCommonMembers.end(), key) != kCommonMembers.end()) {
      continue;
    }
    compute.settings.members.emplace_back(key, reader.value(pointer_append("", key)));
  }
  // The rules of one compute type are its backend's (a Slurm token, AmlCompute's instances).
  const ComputeKind* kind = compute_kind_of_type(compute.type.value_or(""));
  if (kind && kind->check_compute) kind->check_compute(compute, reader.sink());
  return compute;
}

model::ComputeRef build_compute_ref(const Reader& reader, const std::string& pointer) {
  model::ComputeRef ref;
  ref.written = reader.text(pointer);
  if (!ref.written) return ref;  // Default: the job runs where jobc runs
  auto file = reader.spec().references.find(pointer);
  if (file != reader.spec().references.end()) {
    ref.form = model::ComputeRef::Form::File;
    auto spec =
        std::make_shared<const model::Compute>(build_compute(reader.for_spec(*file->second)));
    ref.name = spec->name.value_or("");
    ref.spec = std::move(spec);
    return ref;
  }
  ref.form = model::ComputeRef::Form::Named;
  ref.name = *ref.written;
  // azureml:NAME is the CLI v2's asset-reference syntax for a compute target.
  constexpr std::string_view kAssetPrefix = "azureml:";
  if (ref.name.starts_with(kAssetPrefix)) {
    ref.azureml_prefix = true;
    ref.name = ref.name.substr(kAssetPrefix.size());
  }
  return ref;
}

}  // namespace jobc::model_builder
