// A sweep's `search_space:` as a tree the samplers walk: its parameters, sorted by name, each
// a distribution; a choice's items either values (their PyYAML type kept) or nested search
// spaces (an item that is a map: its scalar members are fixed values, its map members
// parameters of their own, active only when the item is chosen).
//
// Every parameter of the tree, nested ones included, owns one coordinate of the unit cube,
// so a point u of (0, 1)^dimensions() is a whole trial: the samplers that draw points (random,
// Sobol, Bayesian) always draw all of them, and a trial uses those of the branches it chose.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "jobc/model/sweep.h"
#include "jobc/result.h"
#include "sweep/parameter_distribution.h"
#include "sweep/sampler.h"

namespace jobc::sweep {

struct SpaceParameter;

// A search space, or a choice item that is a nested one.
struct SpaceNode {
  std::vector<model::ValueMember> fixed;   // a nested space's members that are plain values
  std::vector<SpaceParameter> parameters;  // sorted by name
};

struct ChoiceItem {
  model::Value value;  // the item as written (a plain value)
  bool nested = false;
  SpaceNode space;  // when nested
};

struct SpaceParameter {
  std::string name;
  Distribution distribution;
  std::size_t coordinate = 0;     // its coordinate of the unit cube
  std::vector<ChoiceItem> items;  // choice
};

// A point of the unit cube and which of its coordinates the trial it gives used.
struct UnitPoint {
  std::vector<double> u;
  std::vector<bool> active;
};

class SearchSpace {
 public:
  // Movable, not copyable: coordinates_ points into root_, whose vectors a move keeps.
  SearchSpace() = default;
  SearchSpace(SearchSpace&&) = default;
  SearchSpace& operator=(SearchSpace&&) = default;
  SearchSpace(const SearchSpace&) = delete;
  SearchSpace& operator=(const SearchSpace&) = delete;

  // The space of `parameters`; logbase replaces e in the log kinds. An error names the first
  // parameter that cannot be sampled.
  static Result<SearchSpace> build(const std::vector<model::SearchParameter>& parameters,
                                   double log_base);

  const SpaceNode& root() const { return root_; }
  std::size_t dimensions() const { return coordinates_.size(); }
  // The parameter owning each coordinate.
  const SpaceParameter& at_coordinate(std::size_t i) const { return *coordinates_[i]; }

  // The trial at `u` (dimensions() long); `active`, when given, says which coordinates it used.
  Parameters trial_at(const std::vector<double>& u, std::vector<bool>* active = nullptr) const;
  // A point that gives `trial` back, or nullopt when `trial` is not one of this space's (a
  // parameter missing, a value no item equals).
  std::optional<UnitPoint> locate(const Parameters& trial) const;

  // The first parameter (nested ones included) whose kind `allowed` refuses, or null.
  template <class Allowed>
  const SpaceParameter* find_refused(Allowed allowed) const {
    for (const SpaceParameter* p : coordinates_) {
      if (!allowed(p->distribution.kind)) return p;
    }
    return nullptr;
  }

 private:
  SpaceNode root_;
  std::vector<const SpaceParameter*> coordinates_;  // into root_, stable once built
};

// Whether two plain values are the same value of the same PyYAML type (1 and 1.0 differ).
bool same_value(const model::Value& a, const model::Value& b);

// A map Value of `members`, sorted by name.
model::Value map_value(std::vector<model::ValueMember> members);

}  // namespace jobc::sweep
