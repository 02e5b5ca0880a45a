#include "fake/state/id_generator.h"

namespace customerfake::state {
namespace {

uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

IdGenerator::IdGenerator(std::optional<uint64_t> seed)
    : seed_(seed ? *seed : RandomSeed()), engine_(seed_) {}

IdGenerator IdGenerator::Resume(uint64_t seed, uint64_t drawn) {
  IdGenerator ids(seed);
  ids.engine_.discard(2 * drawn);  // Next() draws two numbers
  ids.drawn_ = drawn;
  return ids;
}

std::string IdGenerator::Next() {
  ++drawn_;
  uint64_t hi = engine_();
  uint64_t lo = engine_();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out[pos++] = kHex[(word >> shift) & 0xF];
  }
  return out;
}

}  // namespace customerfake::state
