#include "core/random.h"

namespace podbucket::core {

std::string Random::token(size_t n, std::string_view alphabet) {
  std::string raw = bytes(n);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = alphabet[uint8_t(raw[i]) % alphabet.size()];
  return out;
}

std::string SeededRandom::bytes(size_t n) {
  std::lock_guard lock(mu_);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(engine_());
  return out;
}

}  // namespace podbucket::core
