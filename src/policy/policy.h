#pragma once
// The IAM policy language: parse and validate a policy document, then decide requests against sets of policies
// the way AWS does. Pure functions and immutable values; no I/O, no clocks (time comes in through the context).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace podbucket::policy {

/// How a document is used; decides what validation accepts (Principal required, forbidden, Resource absent...).
enum class Kind {
  kIdentity,  // IAM managed or inline policy, permissions boundary, STS session policy: no Principal
  kResource,  // S3 bucket policy, KMS key policy: Principal required, Resource required
  kTrust,     // IAM role trust policy: Principal required, Resource must be absent
};

/// A parsed, validated policy document. Immutable; share it freely between threads.
struct Document;

/// Parses and validates `json` as IAM does for `kind`.
/// Errors (HTTP 400): MalformedPolicyDocument with IAM's messages ("Syntax errors in policy.", "Policy document
/// must be version 2012-10-17 or greater.", "Policy statement must contain actions.", ...), first failing check
/// wins; LimitExceeded is NOT checked here (sizes are the caller's business, see `count_policy_chars`).
/// Source: IAM CreatePolicy / PutRolePolicy / CreateRole validation (aws-semantics spec 1.7).
core::Result<std::shared_ptr<const Document>> parse(std::string_view json, Kind kind);

/// As `parse`, but lenient the way evaluation of stored documents needs: accepts Version 2008-10-17 (and
/// absent Version), where ${...} is literal text. Used for S3 bucket policies and KMS key policies, whose
/// services validate with their own error codes (MalformedPolicy for S3, MalformedPolicyDocumentException for
/// KMS): `error_code` is the code to report.
core::Result<std::shared_ptr<const Document>> parse_resource_policy(std::string_view json,
                                                                     const core::ErrorCode& error_code);

/// The number of characters IAM counts against size quotas: the document without whitespace outside strings
/// (code points, so a multi-byte UTF-8 character counts once).
size_t count_policy_chars(std::string_view json);

/// Every value of the "AWS" key of the document's Principal and NotPrincipal elements, as written (account ids,
/// root/user/role/session ARNs, "*"), in statement order. IAM uses it to refuse a trust policy naming a principal
/// that does not exist (MalformedPolicyDocument `Invalid principal in policy: "AWS":"ARN"`).
std::vector<std::string> aws_principals(const Document& document);

/// The context keys the document refers to, in condition keys and ${...} variables (in Resource, NotResource
/// and condition values), as first written, once each (compared case-insensitively), in statement order.
/// SimulatePrincipalPolicy reports the ones a request's context lacks as MissingContextValues.
std::vector<std::string> condition_keys(const Document& document);

/// The request context: condition keys and their values. Key names are case-insensitive (the tag-key part of
/// aws:PrincipalTag/k as well). A key is single-valued (one value) or multivalued (`set_multi`, maybe empty).
class Context {
 public:
  void set(std::string_view key, std::string value);
  void set_multi(std::string_view key, std::vector<std::string> values);
  void erase(std::string_view key);
  /// The values of `key`, or nullptr when the key is absent.
  const std::vector<std::string>* find(std::string_view key) const;
  bool is_multi(std::string_view key) const;

 private:
  struct Entry {
    std::string key_lower;
    std::vector<std::string> values;
    bool multi = false;
  };
  std::vector<Entry> entries_;  // small: linear scan beats hashing for the ~20 keys a request has
};

/// Who is asking, as Principal / NotPrincipal elements see it.
struct Caller {
  bool anonymous = false;
  std::string arn;         // user ARN, "arn:aws:sts::ACCT:assumed-role/ROLE/SESSION", or "arn:aws:iam::ACCT:root"
  std::string role_arn;    // role sessions: the role ARN (a Principal naming it covers all its sessions)
  std::string account_id;  // the caller's account
  std::string service;     // service principal ("pods.eks.amazonaws.com"); then arn/account may be empty
  std::string federated;   // web identity / SAML callers: the provider ARN ("arn:aws:iam::ACCT:oidc-provider/HOST")
                           // or name ("cognito-identity.amazonaws.com") that Principal {"Federated": ...} names
};

/// One request to decide: an action ("s3:GetObject"), one resource ARN ("arn:aws:s3:::b/k", or "*"), the
/// caller and the condition context.
struct Request {
  std::string_view action;
  std::string_view resource;
  const Caller& caller;
  const Context& context;
};

/// A policy with the name a decision reports: a managed policy ARN, "role/NAME inline POLICY", "bucket policy", ...
struct NamedPolicy {
  std::string name;
  std::shared_ptr<const Document> document;
};

/// Where a statement came from, for explanations and AccessDenied messages.
enum class PolicyType { kNone, kIdentity, kResource, kSession, kBoundary };

enum class Effect { kAllow, kExplicitDeny, kImplicitDeny };

/// The outcome of one decision, with the statement that decided it.
struct Decision {
  Effect effect = Effect::kImplicitDeny;
  PolicyType decided_by = PolicyType::kNone;  // the policy type that allowed, denied, or failed to allow
  std::string policy;                         // NamedPolicy::name of the deciding statement ("" if none)
  std::string sid;                            // its Sid ("" if none)
  int statement = -1;                         // its 0-based index in the policy
  bool allowed() const { return effect == Effect::kAllow; }
  /// The tail AWS appends to AccessDenied messages: "because no identity-based policy allows the ACTION action",
  /// "with an explicit deny in a resource-based policy", "because no session policy allows ...", ...
  std::string reason(std::string_view action) const;
  /// One line for the server log: effect, policy, sid and statement index.
  std::string explain() const;
};

/// How the resource-based policy takes part (aws-semantics spec 1.6).
enum class ResourceMode {
  /// S3 in one account: an identity Allow or a resource-policy Allow suffices (a resource-policy statement that
  /// names only the account delegates to identity policies instead of granting).
  kEither,
  /// Role trust policies and KMS key policies: the resource policy must allow. A statement naming the caller
  /// (or "*") grants; one naming only the account root delegates, so the identity policies must then allow too.
  kRequired,
};

/// Every policy that applies to one request.
struct PolicySet {
  std::vector<NamedPolicy> identity;   // the user's or role's inline and attached managed policies
  std::optional<NamedPolicy> resource;  // bucket policy, key policy or trust policy
  std::optional<NamedPolicy> boundary;  // permissions boundary
  std::vector<NamedPolicy> session;     // session policies: when non-empty, they limit identity grants
  ResourceMode mode = ResourceMode::kEither;
  std::string resource_account;  // the account that owns the resource ("" = the caller's)
  bool caller_is_root = false;   // the account's root user: allowed unless a resource policy denies
};

/// Decides `request` against `policies`: explicit deny beats allow beats implicit deny, with the same-account,
/// cross-account, trust-policy and key-policy rules of the spec. Never fails; allocates only the Decision's
/// strings (and nothing more once a thread has resolved its first ${...} variable).
/// - Denies are looked for in identity, resource, boundary, then session policies; the first one found decides.
/// - A resource-policy Allow naming the caller's user or session ARN, its service or federated provider, or "*"
///   grants without the boundary and session policies; one naming the role ARN of a role session grants only
///   if they allow too; one naming only the account delegates to the identity side.
/// - Cross-account (resource_account set and not the caller's): identity side and resource policy must both allow.
/// - caller_is_root: the identity side allows everything and no boundary/session policies apply, so in kEither
///   only a resource-policy Deny stops the root; in kRequired the resource policy must still name the account
///   (or the caller, or "*"), as KMS key policies do.
/// - Anonymous callers: only a resource-policy statement naming "*" can allow; identity policies are ignored.
/// - ImplicitDeny names the side that failed: kIdentity (no Allow), kBoundary / kSession (an Allow they filtered
///   away), kResource (kRequired without a resource Allow, cross-account without one, anonymous callers).
Decision evaluate(const PolicySet& policies, const Request& request);

/// Evaluates one document alone: kExplicitDeny if a Deny statement applies, else kAllow if an Allow statement
/// applies, else kImplicitDeny. Principal elements are matched against request.caller only when the document
/// has them. `decision.policy` is set to `name`.
Decision evaluate_document(const Document& document, std::string_view name, const Request& request);

}  // namespace podbucket::policy
