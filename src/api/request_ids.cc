#include "api/request_ids.h"

#include <cstdint>
#include <cstring>
#include <random>

#include "core/encoding.h"

namespace podbucket::api {
namespace {

constexpr size_t kRequestIdBytes = 8;
constexpr size_t kHostIdBytes = 48;

/// This thread's generator and the RequestIds that seeded it (a thread may serve several, in tests).
struct ThreadGenerator {
  const RequestIds* owner = nullptr;
  std::mt19937_64 engine;
};

void fill(std::mt19937_64& engine, char* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    uint64_t word = engine();
    std::memcpy(out + i, &word, n - i < 8 ? n - i : 8);
  }
}

}  // namespace

RequestIds::Ids RequestIds::next() {
  thread_local ThreadGenerator generator;
  if (generator.owner != this) {
    std::string seed = seed_source_.bytes(8);
    uint64_t value = 0;
    std::memcpy(&value, seed.data(), sizeof value);
    generator.engine.seed(value);
    generator.owner = this;
  }
  char raw[kRequestIdBytes + kHostIdBytes];
  fill(generator.engine, raw, sizeof raw);
  Ids ids;
  ids.request_id = core::hex_encode(std::string_view(raw, kRequestIdBytes), /*upper_case=*/true);
  ids.host_id = core::base64_encode(std::string_view(raw + kRequestIdBytes, kHostIdBytes));
  return ids;
}

}  // namespace podbucket::api
