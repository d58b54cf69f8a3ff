// Random sampling with rule: sobol: the points of a Sobol sequence (a low-discrepancy,
// quasi-random sequence, Boost's), one coordinate per parameter, mapped through each
// parameter's inverse CDF. The points cover the space more evenly than independent draws.
// A seed XORs each coordinate with a random word drawn from it (a digital shift), which gives
// another sequence exactly as evenly spread; without one the sequence is Boost's own, the
// same every time.
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/sobol.hpp>

#include "sweep/samplers.h"

namespace jobc::sweep {

namespace {

class SobolSampler : public Sampler {
 public:
  SobolSampler(SearchSpace space, std::vector<std::uint64_t> shifts)
      : space_(std::move(space)), sequence_(shifts.size()), shifts_(std::move(shifts)) {}

  std::optional<Parameters> next() override {
    std::vector<double> u(space_.dimensions());
    for (std::size_t i = 0; i < u.size(); ++i) {
      std::uint64_t word = sequence_() ^ shifts_[i];
      // The top 53 bits, the middle of their interval: never exactly 0 or 1.
      u[i] = (double(word >> 11) + 0.5) * 0x1p-53;
    }
    return space_.trial_at(u);
  }

 private:
  SearchSpace space_;
  boost::random::sobol sequence_;
  std::vector<std::uint64_t> shifts_;
};

}  // namespace

Result<std::unique_ptr<Sampler>> make_sobol_sampler(SearchSpace space,
                                                    std::optional<std::uint64_t> seed) {
  constexpr std::size_t kMaxDimensions = boost::random::detail::qrng_tables::sobol::max_dimension;
  if (space.dimensions() > kMaxDimensions) {
    return fail("sobol sampling takes at most " + std::to_string(kMaxDimensions) +
                " parameters; this search space has " + std::to_string(space.dimensions()));
  }
  // Boost's Sobol sequence needs at least one dimension; a trial of an empty space uses none.
  std::vector<std::uint64_t> shifts(std::max<std::size_t>(space.dimensions(), 1), 0);
  if (seed) {
    boost::random::mt19937_64 engine(*seed);
    for (std::uint64_t& shift : shifts) shift = engine();
  }
  return std::unique_ptr<Sampler>(std::make_unique<SobolSampler>(std::move(space), shifts));
}

}  // namespace jobc::sweep
