// What every job answers: its inputs and outputs by name, its experiment.
#include "jobc/model/job.h"

#include <algorithm>

namespace jobc::model {

namespace fs = std::filesystem;

namespace {

template <class T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  auto found =
      std::lower_bound(items.begin(), items.end(), name,
                       [](const T& item, std::string_view wanted) { return item.name < wanted; });
  return found != items.end() && found->name == name ? &*found : nullptr;
}

}  // namespace

bool Input::has_value() const {
  switch (form) {
    case Form::Literal:
    case Form::TypedLiteral:
      return !value.is_null();
    case Form::Data:
      return path.present() && !path->empty();
  }
  return false;
}

const Input* JobCommon::input(std::string_view name) const {
  return find_named(inputs, name);
}

const Output* JobCommon::output(std::string_view name) const {
  return find_named(outputs, name);
}

std::string JobCommon::experiment() const {
  if (experiment_name.present() && !experiment_name->empty()) return *experiment_name;
  // Azure ML's default: the name of the spec's folder.
  std::error_code error;  // absolute() fails only without a current folder: keep the path
  fs::path folder = source.dir.empty() ? fs::path(".") : source.dir;
  fs::path absolute = fs::absolute(folder, error);
  folder = (error ? folder : absolute).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();
  return folder.filename().string();
}

}  // namespace jobc::model
