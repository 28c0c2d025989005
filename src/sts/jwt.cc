#include "sts/jwt.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/rsa.h"
#include "sts/errors.h"

namespace podbucket::sts::jwt {

namespace {

using nlohmann::json;

core::AwsError invalid(std::string message) { return core::AwsError(kInvalidIdentityToken, std::move(message)); }

core::AwsError malformed() {
  return invalid("The web identity token that was passed is not a well-formed JSON Web Token.");
}

core::AwsError unverifiable() {
  // AWS's wording, double space included.
  return invalid(
      "Couldn't retrieve verification key from your identity provider,  please reference "
      "AssumeRoleWithWebIdentity documentation for requirements");
}

bool is_base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '=';
  });
}

std::optional<json> decode_object(std::string_view part) {
  auto raw = core::base64url_decode(part);
  if (!raw) return std::nullopt;
  json j = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

/// Reads an optional string member; false if present with another type.
bool read_string(const json& obj, const char* name, std::string& out) {
  auto it = obj.find(name);
  if (it == obj.end()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

/// Reads an optional NumericDate (integer or fractional seconds); false if present with another type.
bool read_time(const json& obj, const char* name, std::optional<int64_t>& out) {
  auto it = obj.find(name);
  if (it == obj.end()) return true;
  if (it->is_number_integer() || it->is_number_unsigned()) {
    out = it->get<int64_t>();
    return true;
  }
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (!(d > -1e15 && d < 1e15)) return false;
    out = int64_t(d);
    return true;
  }
  return false;
}

}  // namespace

core::Result<Token> decode(std::string_view compact) {
  if (compact.empty() || compact.size() > kMaxTokenSize) return malformed();
  auto dot1 = compact.find('.');
  if (dot1 == std::string_view::npos) return malformed();
  auto dot2 = compact.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos) return malformed();
  std::string_view h = compact.substr(0, dot1), p = compact.substr(dot1 + 1, dot2 - dot1 - 1),
                   s = compact.substr(dot2 + 1);
  if (h.empty() || p.empty() || !is_base64url(h) || !is_base64url(p) || !is_base64url(s)) return malformed();

  Token t;
  auto header = decode_object(h);
  auto claims = decode_object(p);
  auto sig = core::base64url_decode(s);
  if (!header || !claims || !sig) return malformed();
  t.header = std::move(*header);
  t.claims = std::move(*claims);
  t.signature = std::move(*sig);
  t.signing_input = std::string(compact.substr(0, dot2));
  if (!read_string(t.header, "alg", t.alg) || !read_string(t.header, "kid", t.kid) ||
      !read_string(t.claims, "iss", t.issuer) || !read_string(t.claims, "sub", t.subject) ||
      !read_time(t.claims, "exp", t.expires_at) || !read_time(t.claims, "nbf", t.not_before) ||
      !read_time(t.claims, "iat", t.issued_at))
    return malformed();
  if (auto aud = t.claims.find("aud"); aud != t.claims.end()) {
    if (aud->is_string()) {
      t.audiences.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const auto& a : *aud) {
        if (!a.is_string()) return malformed();
        t.audiences.push_back(a.get<std::string>());
      }
    } else {
      return malformed();
    }
  }
  if (t.alg.empty()) return malformed();
  return t;
}

std::optional<std::vector<Jwk>> parse_jwks(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) return std::nullopt;
  std::vector<Jwk> out;
  for (const auto& k : *keys) {
    if (!k.is_object()) continue;
    std::string kty;
    if (!read_string(k, "kty", kty) || kty != "RSA") continue;
    Jwk jwk;
    std::string n, e;
    if (!read_string(k, "kid", jwk.kid) || !read_string(k, "alg", jwk.alg) || !read_string(k, "use", jwk.use) ||
        !read_string(k, "n", n) || !read_string(k, "e", e))
      continue;
    auto nb = core::base64url_decode(n);
    auto eb = core::base64url_decode(e);
    if (!nb || !eb || nb->empty() || eb->empty()) continue;
    jwk.n = std::move(*nb);
    jwk.e = std::move(*eb);
    out.push_back(std::move(jwk));
  }
  return out;
}

core::Result<void> verify_signature(const Token& token, const std::vector<Jwk>& keys) {
  if (token.alg != "RS256") return invalid("The web identity token uses an unsupported signing algorithm.");
  bool candidate = false;
  for (const auto& key : keys) {
    if (!key.use.empty() && key.use != "sig") continue;
    if (!key.alg.empty() && key.alg != "RS256") continue;
    if (!token.kid.empty() && key.kid != token.kid) continue;
    candidate = true;
    if (crypto::rsa_sha256_verify(key.n, key.e, token.signing_input, token.signature)) return {};
  }
  if (!candidate) return unverifiable();
  return invalid(
      "The web identity token that was passed could not be validated by AWS. Get a new identity token from the "
      "identity provider and then retry the request.");
}

core::Result<void> check_claims(const Token& token, const ClaimChecks& checks) {
  const int64_t now = core::to_unix_seconds(checks.now);
  const int64_t leeway = checks.leeway.count();
  if (!checks.issuer.empty() && token.issuer != checks.issuer)
    return invalid("The web identity token was not issued by the expected issuer.");
  if (!token.expires_at) {
    if (checks.require_expiry) return invalid("The web identity token has no expiration time (exp).");
  } else if (now > *token.expires_at + leeway) {
    return core::AwsError(kExpiredTokenException, "Token expired: current date/time " + std::to_string(now) +
                                                      " must be before the expiration date/time " +
                                                      std::to_string(*token.expires_at));
  }
  if (token.not_before && *token.not_before > now + leeway)
    return invalid("The web identity token is not valid yet (nbf is in the future).");
  if (token.issued_at && *token.issued_at > now + leeway)
    return invalid("The web identity token was issued in the future (iat).");
  if (!checks.audience.empty() &&
      std::find(token.audiences.begin(), token.audiences.end(), checks.audience) == token.audiences.end())
    return invalid("Incorrect token audience");
  return {};
}

core::Result<Token> verify(std::string_view compact, std::string_view jwks_json, const ClaimChecks& checks) {
  auto token = decode(compact);
  if (!token) return token.error();
  auto keys = parse_jwks(jwks_json);
  if (!keys) return unverifiable();
  if (auto sig = verify_signature(*token, *keys); !sig) return sig.error();
  if (auto claims = check_claims(*token, checks); !claims) return claims.error();
  return token;
}

}  // namespace podbucket::sts::jwt
