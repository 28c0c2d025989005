#pragma once
// JSON Web Tokens as OIDC identity providers and Kubernetes service-account issuers sign them: compact JWS
// (RFC 7515), RS256 only (RFC 7518 3.3), keys from a JWKS document (RFC 7517), registered claims iss/sub/aud/exp/
// nbf/iat (RFC 7519 4.1). Used by STS AssumeRoleWithWebIdentity and by EKS Auth AssumeRoleForPodIdentity.
//
// Errors are STS's: InvalidIdentityToken (400) for anything malformed, badly signed, for another issuer or
// audience; ExpiredTokenException (400) for an expired token. Other services map them to their own codes
// (EKS Auth: InvalidTokenException / ExpiredTokenException) with AwsError::is(). Messages never contain the token.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"

namespace podbucket::sts::jwt {

/// The largest token accepted, in characters (STS's WebIdentityToken limit).
inline constexpr size_t kMaxTokenSize = 20000;

/// A decoded compact JWS whose signature has not been checked yet.
struct Token {
  nlohmann::json header;   // the JOSE header object
  nlohmann::json claims;   // the payload object
  std::string signing_input;  // "BASE64URL(header).BASE64URL(payload)", exactly as received
  std::string signature;      // raw signature bytes
  std::string alg;            // header "alg"
  std::string kid;            // header "kid" ("" when absent)
  std::string issuer;         // "iss" ("" when absent)
  std::string subject;        // "sub" ("" when absent)
  std::vector<std::string> audiences;  // "aud" as a list (a string claim becomes one element)
  std::optional<int64_t> expires_at;   // "exp", Unix seconds
  std::optional<int64_t> not_before;   // "nbf", Unix seconds
  std::optional<int64_t> issued_at;    // "iat", Unix seconds
};

/// Splits and decodes a compact JWS ("h.p.s", base64url without padding). Does not verify anything but shape:
/// three parts, JSON objects for header and payload, string-typed iss/sub/kid/alg, numeric exp/nbf/iat, aud a
/// string or a list of strings. InvalidIdentityToken otherwise (also beyond kMaxTokenSize).
core::Result<Token> decode(std::string_view compact);

/// One RSA public key of a JWKS.
struct Jwk {
  std::string kid;  // "" when absent
  std::string alg;  // "" when absent
  std::string use;  // "" when absent
  std::string n;    // modulus, raw big-endian bytes
  std::string e;    // public exponent, raw big-endian bytes
};

/// Parses a JWKS document `{"keys":[...]}` and returns its RSA keys (other key types are skipped; an RSA key
/// with undecodable n/e is skipped). nullopt when the document is not a JSON object with a "keys" array.
std::optional<std::vector<Jwk>> parse_jwks(std::string_view json);

/// Verifies `token`'s RS256 signature against `keys`: the key whose kid equals the token's, or, when the token
/// has no kid, any key that verifies. Keys with use other than "sig" or alg other than "RS256" are ignored.
/// InvalidIdentityToken: alg not RS256 ("none" included), no matching key, or a bad signature.
core::Result<void> verify_signature(const Token& token, const std::vector<Jwk>& keys);

/// The claim checks to apply.
struct ClaimChecks {
  core::TimePoint now{};
  std::chrono::seconds leeway{60};  // tolerated clock skew for exp, nbf and iat
  std::string issuer;               // required "iss" ("" = not checked)
  std::string audience;             // one of "aud" must equal it ("" = not checked)
  bool require_expiry = true;       // a token without "exp" is InvalidIdentityToken
};

/// Checks exp (ExpiredTokenException "Token expired: current date/time N must be before the expiration
/// date/time M" once now > exp + leeway), nbf and iat (InvalidIdentityToken when more than leeway in the
/// future), iss and aud (InvalidIdentityToken).
core::Result<void> check_claims(const Token& token, const ClaimChecks& checks);

/// decode + verify_signature + check_claims. `jwks_json` is the issuer's key set; an unparsable one is
/// InvalidIdentityToken ("Couldn't retrieve verification key from your identity provider...").
core::Result<Token> verify(std::string_view compact, std::string_view jwks_json, const ClaimChecks& checks);

}  // namespace podbucket::sts::jwt
