// AssumeRoleWithWebIdentity: an OIDC identity (a Kubernetes service account with IRSA, a CI job, ...) trades its
// token for role credentials. https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/time_format.h"
#include "observe/request_trace.h"
#include "sts/assume.h"
#include "sts/errors.h"
#include "sts/jwt.h"
#include "sts/params.h"

namespace podbucket::sts {

namespace {

constexpr int64_t kMinDuration = 900;
constexpr int64_t kMaxRoleDuration = 43200;
constexpr int64_t kDefaultRoleDuration = 3600;
constexpr std::chrono::seconds kLeeway{60};
constexpr const char* kTagsClaim = "https://aws.amazon.com/tags";

core::AwsError web_identity_denied() {
  return core::AwsError(kAccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

/// Session tags an identity provider passes in the token: {"principal_tags": {"k": ["v"]}, "transitive_tag_keys":
/// ["k"]} under the "https://aws.amazon.com/tags" claim. InvalidIdentityToken when the claim has another shape.
core::Result<void> token_tags(const jwt::Token& token, std::vector<iam::Tag>& tags, std::vector<std::string>& keys) {
  auto it = token.claims.find(kTagsClaim);
  if (it == token.claims.end()) return {};
  auto bad = [] { return core::AwsError(kInvalidIdentityToken, "The session tags claim of the token is malformed."); };
  if (!it->is_object()) return bad();
  if (auto pt = it->find("principal_tags"); pt != it->end()) {
    if (!pt->is_object()) return bad();
    for (const auto& [k, v] : pt->items()) {
      if (v.is_array() && v.size() == 1 && v[0].is_string())
        tags.push_back({k, v[0].get<std::string>()});
      else if (v.is_string())
        tags.push_back({k, v.get<std::string>()});
      else
        return bad();
    }
  }
  if (auto tk = it->find("transitive_tag_keys"); tk != it->end()) {
    if (!tk->is_array()) return bad();
    for (const auto& k : *tk) {
      if (!k.is_string()) return bad();
      keys.push_back(k.get<std::string>());
    }
  }
  return {};
}

}  // namespace

core::Result<AssumedRole> RoleAssumer::assume_role_with_web_identity(const iam::RequestFacts& facts,
                                                                     const WebIdentityInput& in,
                                                                     std::string_view request_id) {
  if (auto r = check_role_arn(in.role_arn); !r) return r.error();
  if (auto r = check_session_name(in.role_session_name); !r) return r.error();
  if (auto r = check_length(in.web_identity_token, "webIdentityToken", 4, jwt::kMaxTokenSize, true); !r)
    return r.error();
  auto duration = parse_duration(in.duration_seconds, kMinDuration, kMaxRoleDuration, kDefaultRoleDuration);
  if (!duration) return duration.error();

  // The token: its issuer must be a registered provider, its signature one of the provider's keys.
  auto decoded = jwt::decode(*in.web_identity_token);
  if (!decoded) return decoded.error();
  std::optional<OidcProvider> provider;
  if (providers_ != nullptr && !decoded->issuer.empty()) provider = providers_->find(decoded->issuer);
  if (!provider)
    return core::AwsError(kInvalidIdentityToken,
                          "No OpenIDConnect provider found in your account for " + decoded->issuer);
  jwt::ClaimChecks checks;
  checks.now = clock_.now();
  checks.leeway = kLeeway;
  checks.issuer = provider->issuer;
  auto token = jwt::verify(*in.web_identity_token, provider->jwks_json, checks);
  if (!token) return token.error();
  std::string audience;
  if (provider->client_ids.empty()) {
    if (!token->audiences.empty()) audience = token->audiences.front();
  } else {
    for (const auto& aud : token->audiences) {
      if (std::find(provider->client_ids.begin(), provider->client_ids.end(), aud) != provider->client_ids.end()) {
        audience = aud;
        break;
      }
    }
    if (audience.empty()) return core::AwsError(kInvalidIdentityToken, "Incorrect token audience");
  }
  // From here on the caller is known: the audit trail names it as CloudTrail does (userIdentity WebIdentityUser).
  const std::string name = provider_name(provider->issuer);
  if (auto* request = observe::current_request()) {
    request->identity.type = "WebIdentityUser";
    request->identity.principal_id = name + ":" + audience + ":" + token->subject;
    request->identity.user_name = token->subject;
    request->identity.identity_provider = name;
  }
  std::vector<iam::Tag> tags;
  std::vector<std::string> transitive;
  if (auto r = token_tags(*token, tags, transitive); !r) return r.error();
  if (auto r = check_tags(tags, tags.size()); !r) return r.error();
  if (auto r = check_transitive_keys(transitive, transitive.size(), tags); !r) return r.error();
  auto packed = check_session_policies(directory_, in.policy, in.policy_arns, in.policy_arns_count, tags);
  if (!packed) return packed.error();

  auto role = directory_.find_role_by_arn(*in.role_arn);
  if (!role) return web_identity_denied();

  // The trust policy alone decides, for the Federated principal of the provider.
  const std::string account(arn_account(role->arn));
  policy::Caller caller;
  caller.federated = provider_arn(account, provider->issuer);
  policy::Context context;
  context.set("aws:CurrentTime", core::format_iso8601(facts.now));
  context.set("aws:EpochTime", std::to_string(core::to_unix_seconds(facts.now)));
  context.set("aws:SecureTransport", facts.secure_transport ? "true" : "false");
  if (!facts.source_ip.empty()) context.set("aws:SourceIp", facts.source_ip);
  if (!facts.region.empty()) context.set("aws:RequestedRegion", facts.region);
  context.set("aws:FederatedProvider", caller.federated);
  context.set("sts:RoleSessionName", *in.role_session_name);
  if (!token->subject.empty()) context.set(name + ":sub", token->subject);
  if (!audience.empty()) context.set(name + ":aud", audience);
  if (auto amr = token->claims.find("amr"); amr != token->claims.end()) {
    std::vector<std::string> values;
    if (amr->is_string()) values.push_back(amr->get<std::string>());
    if (amr->is_array())
      for (const auto& v : *amr)
        if (v.is_string()) values.push_back(v.get<std::string>());
    context.set_multi(name + ":amr", std::move(values));
  }
  std::vector<std::string> tag_keys;
  for (const auto& t : tags) {
    context.set("aws:RequestTag/" + t.key, t.value);
    tag_keys.push_back(t.key);
  }
  if (!tags.empty()) context.set_multi("aws:TagKeys", tag_keys);
  if (!transitive.empty()) context.set_multi("sts:TransitiveTagKeys", transitive);

  policy::PolicySet set;
  set.resource = policy::NamedPolicy{"trust policy of " + role->arn, role->trust.parsed};
  set.mode = policy::ResourceMode::kRequired;
  set.resource_account = account;
  for (std::string_view action : {"sts:AssumeRoleWithWebIdentity", "sts:TagSession"}) {
    if (action == "sts:TagSession" && tags.empty()) break;
    policy::Decision d;
    if (set.resource->document) d = policy::evaluate(set, policy::Request{action, role->arn, caller, context});
    iam::record_decision(action, role->arn, d);
    if (!d.allowed()) {
      spdlog::info("request {}: web identity {} of {} denied {} on {}: {}", request_id, token->subject,
                   caller.federated, action, role->arn, d.explain());
      return web_identity_denied();
    }
  }
  if (duration->count() > role->max_session_duration)
    return core::AwsError(kValidationError,
                          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

  RoleSessionSpec spec;
  spec.role = std::move(*role);
  spec.session_name = *in.role_session_name;
  spec.session_tags = std::move(tags);
  spec.transitive_tag_keys = std::move(transitive);
  spec.session_policy = in.policy.value_or("");
  spec.session_policy_arns = in.policy_arns;
  bool report_packed = in.policy || !in.policy_arns.empty() || !spec.session_tags.empty();
  AssumedRole out = issue(spec, *duration, report_packed ? std::optional<int>(*packed) : std::nullopt);
  out.subject = token->subject;
  out.provider = caller.federated;
  out.audience = audience;
  return out;
}

}  // namespace podbucket::sts
