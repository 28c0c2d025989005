#pragma once
// CloudTrail's requestParameters for the audit trail: how the services hand their decoded input to the current
// request (observe::current_request) and how the audit writer turns it back into a JSON object.
//
// RequestSummary::parameters is a flat name → value map. A plain name ("bucketName") is a top-level member; the
// recorders below also store nested members under encoded paths (kObjectKey before a member name, kArrayIndex
// before a decimal index), so that AssumeRole's tags come out as CloudTrail shows them:
// "tags":[{"key":"team","value":"blue"}].
//
// Secrets never get in: a name that carries a secret (is_secret_parameter) is stored as kRedacted, and the audit
// writer checks every name and value again when it renders the event.
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::observe {

/// Separators inside encoded parameter paths; user-supplied names lose these control characters.
inline constexpr char kObjectKey = '\x1f';
inline constexpr char kArrayIndex = '\x1e';

/// What a secret value is replaced with: the string CloudTrail itself uses for values it will not show.
inline constexpr std::string_view kRedacted = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// True for a parameter or field name that carries a secret or key material (case-insensitive substring match):
/// token (session tokens, web identity tokens, grant tokens), secret, password, signature, credential,
/// plaintext, ciphertext, private key, customer key (SSE-C), key material, SAML assertion, authorization.
/// The S3 object "key", KeyId and names like "policyDocument" are not secrets.
bool is_secret_parameter(std::string_view name);

/// True for a value that looks like a JWT ("eyJ" + three base64url segments) or a SigV4 Authorization header:
/// redacted whatever its name.
bool looks_like_secret_value(std::string_view value);

/// `text` (an error message, a user agent) with secrets cut out: every JWT-shaped run ("eyJ" + three base64url
/// segments) and the quoted value of AWS validation messages about a secret member ("Value '...' at
/// 'webIdentityToken'") become kRedacted. Returns `text` unchanged when there is nothing to cut.
std::string redact_secrets_in_text(std::string_view text);

/// "RoleSessionName" → "roleSessionName", as CloudTrail spells requestParameters names.
std::string lower_camel(std::string_view name);

/// Records the decoded pairs of an IAM/STS query (form body or query string) on the current request: Action,
/// Version and X-Amz-* (query authentication) are skipped; "Tags.member.1.Key" becomes tags[0].key, "X.member.N"
/// becomes x[N-1]; names are lowerCamel. No-op outside a TraceScope.
void record_form_parameters(const std::vector<std::pair<std::string, std::string>>& entries);

/// Records the members of a KMS or EKS JSON request body on the current request: names become lowerCamel except
/// the user-chosen keys inside "EncryptionContext" / "tags" maps; numbers and booleans are stored as their JSON
/// text. A body that is not an object records nothing. No-op outside a TraceScope.
void record_json_parameters(const nlohmann::json& body);

/// Sets the operation name (CloudTrail's eventName) of the current request, for services whose operation the
/// dispatcher cannot see before they parse it (IAM/STS Action in a signed body, EKS routes). No-op outside a
/// TraceScope.
void record_operation(std::string_view name);

/// Rebuilds the requestParameters object from RequestSummary::parameters (plain and encoded names), redacting
/// secret names and secret-looking values. Returns null for an empty map.
nlohmann::ordered_json parameters_json(const std::map<std::string, std::string>& parameters);

}  // namespace podbucket::observe
