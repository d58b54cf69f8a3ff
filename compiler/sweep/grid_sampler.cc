// Grid sampling: Azure ML's grid "performs a simple grid search over all possible values" and
// takes only choice parameters. The order is fixed: parameters by name, the last one changing
// fastest (as Python's itertools.product), a choice's items in the order written; an item
// that is a nested space stands for every combination of its own choices.
#include <vector>

#include "sweep/samplers.h"

namespace jobc::sweep {

namespace {

using Assignment = std::vector<model::ValueMember>;

std::vector<Assignment> combinations(const SpaceNode& node);

// The assignments one choice parameter can make.
std::vector<Assignment> options(const SpaceParameter& parameter) {
  std::vector<Assignment> out;
  for (const ChoiceItem& item : parameter.items) {
    if (!item.nested) {
      out.push_back({model::ValueMember(parameter.name, item.value)});
      continue;
    }
    for (Assignment& nested : combinations(item.space)) out.push_back(std::move(nested));
  }
  return out;
}

// Every assignment of a space: its fixed members with each combination of its parameters'.
std::vector<Assignment> combinations(const SpaceNode& node) {
  std::vector<Assignment> out{node.fixed};
  for (const SpaceParameter& parameter : node.parameters) {
    std::vector<Assignment> next;
    std::vector<Assignment> choices = options(parameter);
    for (const Assignment& prefix : out) {
      for (const Assignment& choice : choices) {
        Assignment joined = prefix;
        joined.insert(joined.end(), choice.begin(), choice.end());
        next.push_back(std::move(joined));
      }
    }
    out = std::move(next);
  }
  return out;
}

class GridSampler : public Sampler {
 public:
  explicit GridSampler(const SearchSpace& space) {
    // The top level is walked as a counter rather than expanded, so a large grid costs
    // memory for each parameter's options only.
    for (const SpaceParameter& parameter : space.root().parameters) {
      options_.push_back(options(parameter));
    }
    digits_.assign(options_.size(), 0);
  }

  std::optional<Parameters> next() override {
    if (done_) return std::nullopt;
    Assignment members;
    for (std::size_t i = 0; i < options_.size(); ++i) {
      const Assignment& option = options_[i][digits_[i]];
      members.insert(members.end(), option.begin(), option.end());
    }
    advance();
    return map_value(std::move(members));
  }

 private:
  void advance() {
    for (std::size_t i = options_.size(); i-- > 0;) {
      if (++digits_[i] < options_[i].size()) return;
      digits_[i] = 0;
    }
    done_ = true;  // every digit wrapped: the last combination was given
  }

  std::vector<std::vector<Assignment>> options_;
  std::vector<std::size_t> digits_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Sampler> make_grid_sampler(SearchSpace space) {
  return std::make_unique<GridSampler>(space);
}

}  // namespace jobc::sweep
