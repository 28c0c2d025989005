#pragma once
// The agent's local look at a pod's token before anything is sent to EKS Auth (spec 1.3): the token must be a
// parsable JWT and its registered time claims must hold. The signature is not checked here; EKS Auth does that.
// Mirrors aws/eks-pod-identity-agent internal/validation/request.go, which uses golang-jwt v5's ParseUnverified
// and its default claim validator; the messages are golang-jwt's.
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace podbucket::agent {

/// One registered time claim of a token, as found.
struct TimeClaim {
  bool present = false;
  bool numeric = true;  // false: present but not a JSON number
  double value = 0;     // Unix seconds
};

/// The time claims check_token_times() looks at. The cache keeps them with each entry, so a cached token is not
/// parsed again.
struct TokenTimes {
  TimeClaim exp, nbf, iat;
};

/// The parsing half of check_token(): kEmptyToken or kMalformedToken as described there.
core::Result<TokenTimes> parse_token_times(std::string_view token);

/// The claim half of check_token(), in golang-jwt's order exp, nbf, iat: kTokenClaims as described there.
core::Result<void> check_token_times(const TokenTimes& times, core::TimePoint now);

/// Checks `token` (the Authorization header, used verbatim, never trimmed) at time `now`:
///   - empty → kEmptyToken "Service account token cannot be empty";
///   - not three base64url segments with a JSON object header carrying a string "alg" and a JSON object payload
///     → kMalformedToken "Service account token cannot be parsed: <golang-jwt error>";
///   - exp (Unix seconds) not after now, or nbf / iat after now, or one of them not a number
///     → kTokenClaims "Service account token failed basic claim validations: <golang-jwt error>".
/// All three are 400. Messages never contain the token.
core::Result<void> check_token(std::string_view token, core::TimePoint now);

}  // namespace podbucket::agent
