#include "sts/assume.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/encoding.h"
#include "core/time_format.h"
#include "sts/errors.h"
#include "sts/params.h"

namespace podbucket::sts {

namespace {

constexpr int64_t kMinDuration = 900;
constexpr int64_t kMaxRoleDuration = 43200;
constexpr int64_t kDefaultRoleDuration = 3600;
constexpr int64_t kChainedMaxDuration = 3600;
constexpr size_t kMaxPolicyArns = 10;

core::AwsError not_authorized(std::string_view who, std::string_view caller, std::string_view action,
                              std::string_view role_arn) {
  return core::AwsError(kAccessDenied, std::string(who) + ": " + std::string(caller) +
                                           " is not authorized to perform: " + std::string(action) +
                                           " on resource: " + std::string(role_arn));
}

/// The session tags a chained session inherits: the caller's transitive tags with their current values.
std::vector<iam::Tag> inherited_tags(const core::Principal& caller) {
  std::vector<iam::Tag> out;
  if (caller.type != core::PrincipalType::kAssumedRole) return out;
  for (const auto& key : caller.transitive_tag_keys) {
    for (const auto& [k, v] : caller.tags) {
      if (core::iequals(k, key)) {
        out.push_back({k, v});
        break;
      }
    }
  }
  return out;
}

bool has_key(const std::vector<std::string>& keys, std::string_view key) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return core::iequals(k, key); });
}

/// aws:RequestTag/KEY for every tag, aws:TagKeys, and sts:TransitiveTagKeys when some are set.
void add_tag_keys(policy::Context& context, const std::vector<iam::Tag>& tags,
                  const std::vector<std::string>& transitive) {
  std::vector<std::string> keys;
  for (const auto& t : tags) {
    context.set("aws:RequestTag/" + t.key, t.value);
    keys.push_back(t.key);
  }
  if (!tags.empty()) context.set_multi("aws:TagKeys", std::move(keys));
  if (!transitive.empty()) context.set_multi("sts:TransitiveTagKeys", transitive);
}

policy::NamedPolicy trust_of(const iam::Role& role) {
  return policy::NamedPolicy{"trust policy of " + role.arn, role.trust.parsed};
}

}  // namespace

core::Result<int> check_session_policies(const iam::Directory& directory, const std::optional<std::string>& policy,
                                         const std::vector<std::string>& policy_arns, size_t policy_arns_count,
                                         const std::vector<iam::Tag>& tags) {
  if (auto r = check_policy_text(policy); !r) return r.error();
  if (policy_arns_count > kMaxPolicyArns || policy_arns.size() > kMaxPolicyArns)
    return validation_error("[...]", "policyArns", "have length less than or equal to 10");
  for (size_t i = 0; i < policy_arns.size(); ++i) {
    std::optional<std::string> arn = policy_arns[i];
    if (auto r = check_length(arn, "policyArns." + std::to_string(i + 1) + ".member.arn", 20, 2048, true); !r)
      return r.error();
  }
  if (policy) {
    auto parsed = policy::parse(*policy, policy::Kind::kIdentity);
    if (!parsed) return core::AwsError(kMalformedPolicyDocument, parsed.error().message());
  }
  // Unverified against AWS: the code STS uses for a PolicyArns entry that names no managed policy.
  for (const auto& arn : policy_arns)
    if (!directory.managed_policy_document(arn))
      return core::AwsError(kValidationError, "Policy " + arn + " does not exist or is not attachable.");
  int percent = packed_policy_percent(policy.value_or(""), policy_arns, tags);
  if (percent > 100)
    return core::AwsError(kPackedPolicyTooLarge, "Packed policy consumes " + std::to_string(percent) +
                                                     "% of allotted space, please use smaller policy for this session.");
  return percent;
}

RoleAssumer::RoleAssumer(iam::Directory& directory, iam::Authorizer& authorizer, SessionStore& sessions,
                         const IdentityProviders* providers, const core::Clock& clock)
    : directory_(directory), authorizer_(authorizer), sessions_(sessions), providers_(providers), clock_(clock) {}

AssumedRole RoleAssumer::issue(const RoleSessionSpec& spec, std::chrono::seconds duration,
                               std::optional<int> packed) {
  AssumedRole out;
  out.session = sessions_.issue(role_session_principal(spec), duration, spec.source_identity);
  out.packed_policy_size = packed;
  return out;
}

core::Result<AssumedRole> RoleAssumer::assume_role(const core::Principal& caller, const iam::RequestFacts& facts,
                                                   const AssumeRoleInput& in, std::string_view request_id) {
  if (caller.anonymous) return core::AwsError(kMissingAuthenticationToken, "Request is missing Authentication Token");

  // Parameters, as the STS model constrains them.
  if (auto r = check_role_arn(in.role_arn); !r) return r.error();
  if (auto r = check_session_name(in.role_session_name); !r) return r.error();
  auto duration = parse_duration(in.duration_seconds, kMinDuration, kMaxRoleDuration, kDefaultRoleDuration);
  if (!duration) return duration.error();
  if (auto r = check_tags(in.tags, in.tags_count); !r) return r.error();
  if (auto r = check_transitive_keys(in.transitive_tag_keys, in.transitive_tag_keys_count, in.tags); !r)
    return r.error();
  if (auto r = check_external_id(in.external_id); !r) return r.error();
  if (auto r = check_source_identity(in.source_identity); !r) return r.error();

  // Role chaining: the caller's transitive tags come along and cannot be overridden.
  const bool chained = caller.type == core::PrincipalType::kAssumedRole;
  std::vector<iam::Tag> session_tags = in.tags;
  std::vector<std::string> transitive = in.transitive_tag_keys;
  for (auto& t : inherited_tags(caller)) {
    bool clash = std::any_of(in.tags.begin(), in.tags.end(), [&](const iam::Tag& p) { return core::iequals(p.key, t.key); });
    if (clash)
      return core::AwsError(kValidationError, "The session tag " + t.key +
                                                  " conflicts with a transitive tag inherited from the calling "
                                                  "session; transitive tags cannot be overridden.");
    if (!has_key(transitive, t.key)) transitive.push_back(t.key);
    session_tags.push_back(std::move(t));
  }

  auto packed = check_session_policies(directory_, in.policy, in.policy_arns, in.policy_arns_count, in.tags);
  if (!packed) return packed.error();

  // As AWS: the account's root user cannot assume roles (create an IAM user for that).
  if (caller.root) return core::AwsError(core::kAccessDenied, "Roles may not be assumed by root accounts.");
  auto role = directory_.find_role_by_arn(*in.role_arn);
  if (!role) return not_authorized("User", caller.arn, "sts:AssumeRole", *in.role_arn);

  // The trust policy is the required resource policy; an identity Allow is needed as well when it names only
  // the account (policy::ResourceMode::kRequired).
  policy::Context context = iam::global_context(caller, facts);
  context.set("sts:RoleSessionName", *in.role_session_name);
  if (in.external_id) context.set("sts:ExternalId", *in.external_id);
  if (in.source_identity) context.set("sts:SourceIdentity", *in.source_identity);
  add_tag_keys(context, session_tags, in.transitive_tag_keys);
  const policy::NamedPolicy trust = trust_of(*role);
  const std::string account(arn_account(role->arn));
  auto decide = [&](std::string_view action) -> core::Result<void> {
    policy::Decision d;
    if (trust.document) {
      iam::AuthzRequest request{caller, action, role->arn, context, &trust, policy::ResourceMode::kRequired,
                                account};
      d = authorizer_.authorize(request);
    }
    if (d.allowed()) return {};
    spdlog::info("request {}: {} denied {} on {}: {}", request_id, caller.arn, action, role->arn, d.explain());
    return not_authorized("User", caller.arn, action, role->arn);
  };
  if (auto r = decide("sts:AssumeRole"); !r) return r.error();
  if (!session_tags.empty())
    if (auto r = decide("sts:TagSession"); !r) return r.error();
  if (in.source_identity)
    if (auto r = decide("sts:SetSourceIdentity"); !r) return r.error();

  if (chained && duration->count() > kChainedMaxDuration)
    return core::AwsError(kValidationError,
                          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
                          "chaining.");
  if (duration->count() > role->max_session_duration)
    return core::AwsError(kValidationError,
                          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

  RoleSessionSpec spec;
  spec.role = std::move(*role);
  spec.session_name = *in.role_session_name;
  spec.session_tags = std::move(session_tags);
  spec.transitive_tag_keys = std::move(transitive);
  spec.session_policy = in.policy.value_or("");
  spec.session_policy_arns = in.policy_arns;
  spec.source_identity = in.source_identity.value_or("");
  spec.chained = chained;
  bool report_packed = in.policy || !in.policy_arns.empty() || !in.tags.empty();
  return issue(spec, *duration, report_packed ? std::optional<int>(*packed) : std::nullopt);
}

core::Result<AssumedRole> RoleAssumer::assume_role_for_service(const ServiceAssumeInput& in,
                                                               const iam::RequestFacts& facts,
                                                               std::string_view request_id) {
  std::optional<std::string> session_name = in.session_name;
  if (auto r = check_session_name(session_name); !r) return r.error();
  if (in.duration.count() < kMinDuration || in.duration.count() > kMaxRoleDuration)
    return validation_error(std::to_string(in.duration.count()), "durationSeconds",
                            in.duration.count() < kMinDuration ? "have value greater than or equal to 900"
                                                               : "have value less than or equal to 43200");
  if (auto r = check_tags(in.tags, in.tags.size()); !r) return r.error();
  if (auto r = check_transitive_keys(in.transitive_tag_keys, in.transitive_tag_keys.size(), in.tags); !r)
    return r.error();
  std::optional<std::string> policy_text;
  if (!in.session_policy.empty()) policy_text = in.session_policy;
  auto packed = check_session_policies(directory_, policy_text, {}, 0, in.tags);
  if (!packed) return packed.error();

  auto role = directory_.find_role_by_arn(in.role_arn);
  if (!role) return not_authorized("Service", in.service, "sts:AssumeRole", in.role_arn);

  policy::Caller caller;
  caller.service = in.service;
  policy::Context context;
  context.set("aws:CurrentTime", core::format_iso8601(facts.now));
  context.set("aws:EpochTime", std::to_string(core::to_unix_seconds(facts.now)));
  context.set("aws:PrincipalServiceName", in.service);
  context.set("sts:RoleSessionName", in.session_name);
  add_tag_keys(context, in.tags, in.transitive_tag_keys);
  policy::PolicySet set;
  set.resource = trust_of(*role);
  set.mode = policy::ResourceMode::kRequired;
  set.resource_account = std::string(arn_account(role->arn));
  auto decide = [&](std::string_view action) -> core::Result<void> {
    policy::Decision d;
    if (set.resource->document) d = policy::evaluate(set, policy::Request{action, role->arn, caller, context});
    iam::record_decision(action, role->arn, d);
    if (d.allowed()) return {};
    spdlog::info("request {}: service {} denied {} on {}: {}", request_id, in.service, action, role->arn,
                 d.explain());
    return not_authorized("Service", in.service, action, role->arn);
  };
  if (auto r = decide("sts:AssumeRole"); !r) return r.error();
  if (!in.tags.empty())
    if (auto r = decide("sts:TagSession"); !r) return r.error();

  RoleSessionSpec spec;
  spec.role = std::move(*role);
  spec.session_name = in.session_name;
  spec.session_tags = in.tags;
  spec.transitive_tag_keys = in.transitive_tag_keys;
  spec.session_policy = in.session_policy;
  bool report_packed = !in.session_policy.empty() || !in.tags.empty();
  return issue(spec, in.duration, report_packed ? std::optional<int>(*packed) : std::nullopt);
}

core::Result<Session> RoleAssumer::get_session_token(const core::Principal& caller,
                                                     const std::optional<std::string>& duration_seconds) {
  if (caller.anonymous) return core::AwsError(kMissingAuthenticationToken, "Request is missing Authentication Token");
  auto duration = parse_duration(duration_seconds, kMinDuration, 129600, 43200);
  if (!duration) return duration.error();
  if (caller.type == core::PrincipalType::kAssumedRole || !caller.session_token.empty())
    return core::AwsError(kAccessDenied, "Cannot call GetSessionToken with session credentials");
  // The account's root user gets at most one hour, silently.
  if (caller.root && duration->count() > 3600) *duration = std::chrono::seconds(3600);
  core::Principal principal = caller;
  principal.transitive_tag_keys.clear();
  principal.session_policy.clear();
  principal.session_policy_arns.clear();
  principal.chained = false;
  return sessions_.issue(std::move(principal), *duration);
}

}  // namespace podbucket::sts
