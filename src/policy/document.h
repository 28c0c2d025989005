#pragma once
// The compiled form of a policy document: everything evaluation needs, prepared once at parse time
// (lower-cased action patterns, wildcard-encoded resource patterns, typed condition values, CIDR blocks, dates).
// Internal to policy/; other modules hold Documents only through policy.h.
#include <cstdint>
#include <string>
#include <vector>

#include "policy/match.h"
#include "policy/policy.h"
#include "policy/values.h"

namespace podbucket::policy {
namespace detail {

/// A compiled Action, Resource or wildcard condition value, with a shape that lets the common cases skip the
/// general glob matcher.
struct Matcher {
  enum class Shape : uint8_t { kAll, kExact, kPrefix, kGlob, kVariable, kNever };
  Text text;
  Shape shape = Shape::kNever;
  bool fold = false;  // case-insensitive (actions)

  /// True if `value` matches. Variables are resolved from `context`; an unresolvable variable matches nothing.
  bool matches(std::string_view value, const Context& context) const;
};

/// Compiles an Action/NotAction entry (case-insensitive, no variables).
Matcher compile_action(std::string_view raw);
/// Compiles a Resource/NotResource entry (case-sensitive; variables only if `variables`).
Matcher compile_resource(std::string_view raw, bool variables);

enum class OpFamily : uint8_t { kString, kStringIgnoreCase, kStringLike, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };
enum class Compare : uint8_t { kEq, kLt, kLe, kGt, kGe };
enum class SetMode : uint8_t { kSingle, kForAnyValue, kForAllValues };

/// One policy value of a condition, compiled for its operator family.
struct ConditionValue {
  Text text;            // string, like, ARN and Bool values
  double number = 0;    // Numeric*
  int64_t date_ms = 0;  // Date*
  IpBlock ip;           // IpAddress / NotIpAddress
  std::string binary;   // BinaryEquals: decoded bytes
  bool valid = true;    // false: the value could not be parsed for its operator and matches nothing
};

/// One (operator, key) pair of a Condition block, e.g. StringNotEqualsIfExists / s3:x-amz-acl.
struct Condition {
  std::string op;   // the operator as written ("ForAllValues:StringLike")
  std::string key;  // the context key as written (looked up case-insensitively)
  OpFamily family = OpFamily::kString;
  Compare compare = Compare::kEq;
  bool negated = false;
  bool if_exists = false;
  SetMode set = SetMode::kSingle;
  std::vector<ConditionValue> values;
};

/// Parses an operator name ("ForAnyValue:StringNotLikeIfExists"). Returns false if it is not one IAM knows.
bool parse_operator(std::string_view name, Condition& out);
/// Compiles one policy value for `condition`'s operator family.
ConditionValue compile_condition_value(const Condition& condition, std::string_view raw, bool variables);
/// Evaluates one (operator, key) pair against the request context, with AWS's missing-key rules.
bool condition_holds(const Condition& condition, const Context& context);

/// The principals a Principal / NotPrincipal element names.
struct PrincipalSet {
  bool everyone = false;                // "*" or {"AWS": "*"}
  std::vector<std::string> accounts;    // 12-digit ids, from "ACCT" or "arn:aws:iam::ACCT:root"
  std::vector<std::string> arns;        // user, role and assumed-role session ARNs
  std::vector<std::string> services;    // "pods.eks.amazonaws.com"
  std::vector<std::string> federated;   // OIDC / SAML provider ARNs, "cognito-identity.amazonaws.com"
  std::vector<std::string> canonical;   // S3 canonical user ids (never match a caller here)
  std::vector<std::string> aws_values;  // every "AWS" value as written
};

/// How strongly a Principal element names the caller; decides whether a resource-policy Allow grants by itself.
enum class PrincipalMatch : uint8_t {
  kNone,
  kAccount,  // only the caller's account: delegates to the account's identity policies
  kRole,     // the role ARN of a role session: grants, but session policies and boundaries still filter it
  kDirect,   // "*", the user / session ARN, the service or the federated provider: grants by itself
};

/// How `set` names `caller` (Principal semantics).
PrincipalMatch match_principal(const PrincipalSet& set, const Caller& caller);
/// True if `caller` is exempt from a NotPrincipal element naming `set`: its own ARN (session ARN for role
/// sessions) and its account must both be listed, or "*".
bool exempt_by_not_principal(const PrincipalSet& set, const Caller& caller);

struct Statement {
  std::string sid;
  bool deny = false;
  bool not_action = false;
  std::vector<Matcher> actions;
  bool has_resource = false;  // Resource or NotResource present (absent in trust policies: matches any)
  bool not_resource = false;
  std::vector<Matcher> resources;
  bool has_principal = false;  // Principal or NotPrincipal present
  bool not_principal = false;
  PrincipalSet principal;
  std::vector<Condition> conditions;
};

}  // namespace detail

struct Document {
  std::string version;     // "2012-10-17", "2008-10-17" or "" (absent)
  std::string id;
  bool variables = false;  // ${...} are variables (Version 2012-10-17 only)
  std::vector<detail::Statement> statements;
};

}  // namespace podbucket::policy
