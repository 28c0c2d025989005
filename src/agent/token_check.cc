#include "agent/token_check.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agent/errors.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace podbucket::agent {
namespace {

core::AwsError malformed(std::string_view why) {
  return core::AwsError(kMalformedToken, "Service account token cannot be parsed: " + std::string(why));
}

core::AwsError bad_claims(std::string_view why) {
  return core::AwsError(kTokenClaims,
                        "Service account token failed basic claim validations: token has invalid claims: " +
                            std::string(why));
}

// golang-jwt v5 NumericDate: a JSON number (fractions allowed). Absent → nullopt; any other type → error.
core::Result<std::optional<double>> numeric_date(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return bad_claims(std::string("invalid type for claim: ") + name + " is invalid");
  return std::optional<double>(it->get<double>());
}

}  // namespace

core::Result<void> check_token(std::string_view token, core::TimePoint now) {
  if (token.empty()) return core::AwsError(kEmptyToken, "Service account token cannot be empty");

  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return malformed("token is malformed: token contains an invalid number of segments");
  }
  auto header_bytes = core::base64url_decode(token.substr(0, first));
  if (!header_bytes) return malformed("token is malformed: could not base64 decode header");
  auto header = nlohmann::json::parse(*header_bytes, nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return malformed("token is malformed: could not JSON decode header");
  }
  auto claims_bytes = core::base64url_decode(token.substr(first + 1, second - first - 1));
  if (!claims_bytes) return malformed("token is malformed: could not base64 decode claim");
  auto claims = nlohmann::json::parse(*claims_bytes, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) {
    return malformed("token is malformed: could not JSON decode claim");
  }
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return malformed("token is unverifiable: signing method (alg) is unavailable");
  }

  const double t = double(core::to_unix_seconds(now));
  auto exp = numeric_date(claims, "exp");
  if (!exp) return exp.error();
  if (*exp && !(t < **exp)) return bad_claims("token is expired");
  auto nbf = numeric_date(claims, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && t < **nbf) return bad_claims("token is not valid yet");
  auto iat = numeric_date(claims, "iat");
  if (!iat) return iat.error();
  if (*iat && t < **iat) return bad_claims("token used before issued");
  return {};
}

}  // namespace podbucket::agent
