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
  std::string Next();

 private:
  std::mt19937_64 engine_;
};

// True for lowercase or uppercase 8-4-4-4-12 hex UUID text.
bool IsUuid(const std::string& text);

}  // namespace customerfake::state

#endif  // CUSTOMER_FAKE_STATE_ID_GENERATOR_H_
