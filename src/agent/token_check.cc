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

// golang-jwt v5 NumericDate: a JSON number (fractions allowed).
TimeClaim time_claim(const nlohmann::json& claims, const char* name) {
  TimeClaim c;
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) return c;
  c.present = true;
  c.numeric = it->is_number();
  if (c.numeric) c.value = it->get<double>();
  return c;
}

}  // namespace

core::Result<TokenTimes> parse_token_times(std::string_view token) {
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
  return TokenTimes{time_claim(claims, "exp"), time_claim(claims, "nbf"), time_claim(claims, "iat")};
}

core::Result<void> check_token_times(const TokenTimes& times, core::TimePoint now) {
  const double t = double(core::to_unix_seconds(now));
  if (!times.exp.numeric) return bad_claims("invalid type for claim: exp is invalid");
  if (times.exp.present && !(t < times.exp.value)) return bad_claims("token is expired");
  if (!times.nbf.numeric) return bad_claims("invalid type for claim: nbf is invalid");
  if (times.nbf.present && t < times.nbf.value) return bad_claims("token is not valid yet");
  if (!times.iat.numeric) return bad_claims("invalid type for claim: iat is invalid");
  if (times.iat.present && t < times.iat.value) return bad_claims("token used before issued");
  return {};
}

core::Result<void> check_token(std::string_view token, core::TimePoint now) {
  auto times = parse_token_times(token);
  if (!times) return times.error();
  return check_token_times(*times, now);
}

}  // namespace podbucket::agent
