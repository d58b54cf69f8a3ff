#include "sweep/search_space.h"

#include <algorithm>

namespace jobc::sweep {

namespace {

using model::Value;

std::optional<double> number_of(const Value* value) {
  if (!value) return std::nullopt;
  if (value->kind == Value::Kind::Int) return double(value->integer);
  if (value->kind == Value::Kind::Float) return value->number;
  return std::nullopt;
}

std::optional<long long> integer_of(const Value* value) {
  if (!value || value->kind != Value::Kind::Int) return std::nullopt;
  return value->integer;
}

Result<SpaceParameter> make_parameter(const WrittenExpression& written, const Value& values,
                                      double log_base);

// A choice item that is a map: its plain members are fixed, its map members parameters.
Result<SpaceNode> nested_space(const Value& item, double log_base) {
  SpaceNode node;
  for (const model::ValueMember& member : item.members) {
    if (!member.second.is_map()) {
      node.fixed.push_back(member);
      continue;
    }
    const Value& map = member.second;
    WrittenExpression written;
    written.name = member.first;
    const Value* type = map.find("type");
    written.type = type && type->is_string() ? type->text : "";
    written.upper = integer_of(map.find("upper"));
    written.min_value = number_of(map.find("min_value"));
    written.max_value = number_of(map.find("max_value"));
    written.q = number_of(map.find("q"));
    written.mu = number_of(map.find("mu"));
    written.sigma = number_of(map.find("sigma"));
    const Value* values = map.find("values");
    auto parameter = make_parameter(written, values ? *values : Value{}, log_base);
    if (!parameter) return parameter.error();
    node.parameters.push_back(std::move(*parameter));
  }
  std::sort(node.parameters.begin(), node.parameters.end(),
            [](const SpaceParameter& a, const SpaceParameter& b) { return a.name < b.name; });
  return node;
}

Result<SpaceParameter> make_parameter(const WrittenExpression& written_in, const Value& values,
                                      double log_base) {
  WrittenExpression written = written_in;
  if (values.is_list()) written.choices = values.items.size();
  auto distribution = make_distribution(written, log_base);
  if (!distribution) return distribution.error();
  SpaceParameter out;
  out.name = written.name;
  out.distribution = *distribution;
  if (out.distribution.kind != DistributionKind::Choice) return out;
  for (const Value& item : values.items) {
    ChoiceItem choice;
    if (item.is_map()) {
      auto space = nested_space(item, log_base);
      if (!space) return space.error();
      choice.nested = true;
      choice.space = std::move(*space);
    } else {
      choice.value = item;
    }
    out.items.push_back(std::move(choice));
  }
  return out;
}

// Depth first: a parameter, then the parameters of its items' nested spaces.
void number_coordinates(SpaceNode& node, std::vector<const SpaceParameter*>& coordinates) {
  for (SpaceParameter& parameter : node.parameters) {
    parameter.coordinate = coordinates.size();
    coordinates.push_back(&parameter);
    for (ChoiceItem& item : parameter.items) {
      if (item.nested) number_coordinates(item.space, coordinates);
    }
  }
}

void collect(const SpaceNode& node, const std::vector<double>& u, std::vector<bool>* active,
             std::vector<model::ValueMember>& members) {
  members.insert(members.end(), node.fixed.begin(), node.fixed.end());
  for (const SpaceParameter& parameter : node.parameters) {
    double at = u[parameter.coordinate];
    if (active) (*active)[parameter.coordinate] = true;
    if (parameter.distribution.kind != DistributionKind::Choice) {
      members.emplace_back(parameter.name, value_at(parameter.distribution, at));
      continue;
    }
    const ChoiceItem& item = parameter.items[choice_index(parameter.distribution, at)];
    if (item.nested) {
      collect(item.space, u, active, members);
    } else {
      members.emplace_back(parameter.name, item.value);
    }
  }
}

bool match(const SpaceNode& node, const Value& trial, UnitPoint& point) {
  for (const model::ValueMember& fixed : node.fixed) {
    const Value* value = trial.find(fixed.first);
    if (!value || !same_value(*value, fixed.second)) return false;
  }
  for (const SpaceParameter& parameter : node.parameters) {
    std::size_t c = parameter.coordinate;
    point.active[c] = true;
    if (parameter.distribution.kind != DistributionKind::Choice) {
      const Value* value = trial.find(parameter.name);
      std::optional<double> u = value ? unit_of(parameter.distribution, *value) : std::nullopt;
      if (!u) return false;
      point.u[c] = *u;
      continue;
    }
    bool found = false;
    for (std::size_t i = 0; i < parameter.items.size() && !found; ++i) {
      const ChoiceItem& item = parameter.items[i];
      if (item.nested) {
        UnitPoint scratch = point;
        found = match(item.space, trial, scratch);
        if (found) point = std::move(scratch);
      } else {
        const Value* value = trial.find(parameter.name);
        found = value && same_value(*value, item.value);
      }
      if (found) point.u[c] = unit_of_choice(parameter.distribution, i);
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<SearchSpace> SearchSpace::build(const std::vector<model::SearchParameter>& parameters,
                                       double log_base) {
  SearchSpace space;
  for (const model::SearchParameter& parameter : parameters) {
    WrittenExpression written;
    written.name = parameter.name;
    written.type = parameter.type.value_or("");
    written.upper = parameter.upper.value;
    written.min_value = parameter.min_value.value;
    written.max_value = parameter.max_value.value;
    written.q = parameter.q.value;
    written.mu = parameter.mu.value;
    written.sigma = parameter.sigma.value;
    auto built = make_parameter(written, parameter.values, log_base);
    if (!built) return built.error();
    space.root_.parameters.push_back(std::move(*built));
  }
  std::sort(space.root_.parameters.begin(), space.root_.parameters.end(),
            [](const SpaceParameter& a, const SpaceParameter& b) { return a.name < b.name; });
  number_coordinates(space.root_, space.coordinates_);
  return space;
}

Parameters SearchSpace::trial_at(const std::vector<double>& u, std::vector<bool>* active) const {
  if (active) active->assign(dimensions(), false);
  std::vector<model::ValueMember> members;
  collect(root_, u, active, members);
  return map_value(std::move(members));
}

std::optional<UnitPoint> SearchSpace::locate(const Parameters& trial) const {
  if (!trial.is_map()) return std::nullopt;
  UnitPoint point{std::vector<double>(dimensions(), 0.5), std::vector<bool>(dimensions(), false)};
  if (!match(root_, trial, point)) return std::nullopt;
  return point;
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::Null:
      return true;
    case Value::Kind::Bool:
      return a.boolean == b.boolean;
    case Value::Kind::Int:
      return a.integer == b.integer;
    case Value::Kind::Float:
      return a.number == b.number || (a.number != a.number && b.number != b.number);
    case Value::Kind::String:
      return a.text == b.text;
    case Value::Kind::List:
      return std::equal(a.items.begin(), a.items.end(), b.items.begin(), b.items.end(),
                        [](const Value& x, const Value& y) { return same_value(x, y); });
    case Value::Kind::Map:
      return std::equal(a.members.begin(), a.members.end(), b.members.begin(), b.members.end(),
                        [](const model::ValueMember& x, const model::ValueMember& y) {
                          return x.first == y.first && same_value(x.second, y.second);
                        });
  }
  return false;
}

Value map_value(std::vector<model::ValueMember> members) {
  // Sorted by name; when a nested space names a parameter twice, the one written last wins.
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Value out;
  out.kind = Value::Kind::Map;
  for (model::ValueMember& member : members) {
    if (!out.members.empty() && out.members.back().first == member.first) {
      out.members.back() = std::move(member);
    } else {
      out.members.push_back(std::move(member));
    }
  }
  return out;
}

}  // namespace jobc::sweep
