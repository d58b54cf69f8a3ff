// Random sampling: every coordinate of each trial drawn independently and uniformly, then
// mapped through its parameter's inverse CDF. Boost's engine and distribution, so a seed gives
// the same trials with every standard library.
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>

#include "sweep/samplers.h"

namespace jobc::sweep {

namespace {

class RandomSampler : public Sampler {
 public:
  RandomSampler(SearchSpace space, std::uint64_t seed) : space_(std::move(space)), engine_(seed) {}

  std::optional<Parameters> next() override {
    std::vector<double> u(space_.dimensions());
    boost::random::uniform_01<double> unit;
    for (double& coordinate : u) coordinate = unit(engine_);
    return space_.trial_at(u);
  }

 private:
  SearchSpace space_;
  boost::random::mt19937_64 engine_;
};

}  // namespace

std::unique_ptr<Sampler> make_random_sampler(SearchSpace space, std::uint64_t seed) {
  return std::make_unique<RandomSampler>(std::move(space), seed);
}

}  // namespace jobc::sweep
