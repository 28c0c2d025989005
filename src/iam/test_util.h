#pragma once
// Shared by iam/ unit tests: a seeded Random and policy documents.
#include <string>

#include "core/random.h"
#include "iam/directory.h"

namespace podbucket::iam::testing {

/// Deterministic randomness: core::SeededRandom, seed 42 unless given.
class SeededRandom final : public core::SeededRandom {
 public:
  explicit SeededRandom(uint32_t seed = 42) : core::SeededRandom(seed) {}
};

/// An identity policy allowing `action` on `resource`.
inline std::string allow_json(const std::string& action, const std::string& resource) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action + R"(","Resource":")" +
         resource + R"("}]})";
}

/// The trust policy of the seed's role: pods.eks.amazonaws.com may AssumeRole and TagSession.
inline constexpr const char* kPodsTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},)"
    R"("Action":["sts:AssumeRole","sts:TagSession"]}]})";

/// A StoredDocument parsed as `kind` (parse must succeed).
inline StoredDocument stored(const std::string& json, policy::Kind kind = policy::Kind::kIdentity) {
  auto parsed = policy::parse(json, kind);
  return {json, parsed ? *parsed : nullptr};
}

}  // namespace podbucket::iam::testing
