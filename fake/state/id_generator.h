#ifndef CUSTOMER_FAKE_STATE_ID_GENERATOR_H_
#define CUSTOMER_FAKE_STATE_ID_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace customerfake::state {

// Customer ids: lowercase UUID v4 text. With a seed the sequence is the same
// on every run and after every reset; without one it is random.
class IdGenerator {
 public:
  explicit IdGenerator(std::optional<uint64_t> seed);
  // The generator `seed` gives after `drawn` ids: how a saved state resumes
  // its sequence.
  static IdGenerator Resume(uint64_t seed, uint64_t drawn);
  std::string Next();

  // The seed in use (drawn at random when none was given) and the ids
  // generated since: together they are the generator's whole state.
  uint64_t seed() const { return seed_; }
  uint64_t drawn() const { return drawn_; }

 private:
  uint64_t seed_;
  uint64_t drawn_ = 0;
  std::mt19937_64 engine_;
};

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_ID_GENERATOR_H_
