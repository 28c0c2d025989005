// The Authorizer seam: global condition keys, the Caller for Principal matching, AccessDenied messages, and the
// Directory-backed implementation with its per-principal policy cache.
#include <spdlog/spdlog.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "iam/directory_authorizer.h"
#include "observe/request_trace.h"

namespace podbucket::iam {

namespace {

std::string_view principal_type(core::PrincipalType type) {
  switch (type) {
    case core::PrincipalType::kRoot: return "Account";
    case core::PrincipalType::kUser: return "User";
    case core::PrincipalType::kAssumedRole: return "AssumedRole";
    case core::PrincipalType::kAnonymous: return "Anonymous";
  }
  return "Anonymous";
}

/// The ARN aws:PrincipalArn names: the role (not the session) for role sessions.
std::string principal_arn(const core::Principal& p) {
  if (p.type == core::PrincipalType::kAssumedRole && !p.role_arn.empty()) return p.role_arn;
  return p.arn;
}

/// A policy that parses but allows nothing: stands in for a session policy that cannot be used.
std::shared_ptr<const policy::Document> allows_nothing() {
  static const auto doc = [] {
    auto d = policy::parse(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"podbucket:NoAction","Resource":"*"}]})",
        policy::Kind::kIdentity);
    return d ? *d : nullptr;
  }();
  return doc;
}

/// The role's unique id from aws:userid ("AROA...:session"), or "".
std::string role_id_of(const core::Principal& p) {
  auto colon = p.user_id.find(':');
  return colon == std::string::npos ? std::string() : p.user_id.substr(0, colon);
}

std::string role_name_of(const core::Principal& p) {
  if (!p.role_name.empty()) return p.role_name;
  auto slash = p.role_arn.rfind('/');
  return slash == std::string::npos ? std::string() : p.role_arn.substr(slash + 1);
}

}  // namespace

policy::Context global_context(const core::Principal& caller, const RequestFacts& facts) {
  policy::Context ctx;
  if (!caller.anonymous) {
    ctx.set("aws:PrincipalArn", principal_arn(caller));
    ctx.set("aws:PrincipalAccount", caller.account_id);
    ctx.set("aws:PrincipalType", std::string(principal_type(caller.type)));
    ctx.set("aws:userid", caller.user_id);
    if (caller.type == core::PrincipalType::kUser) ctx.set("aws:username", caller.user_name);
    for (const auto& [k, v] : caller.tags) ctx.set("aws:PrincipalTag/" + k, v);
    if (caller.type == core::PrincipalType::kAssumedRole || !caller.session_token.empty()) {
      ctx.set("aws:TokenIssueTime", core::format_iso8601(core::from_unix_seconds(caller.token_issue_time_s)));
      ctx.set("aws:MultiFactorAuthPresent", "false");
    }
  }
  if (!facts.source_ip.empty()) ctx.set("aws:SourceIp", facts.source_ip);
  ctx.set("aws:SecureTransport", facts.secure_transport ? "true" : "false");
  if (!facts.region.empty()) ctx.set("aws:RequestedRegion", facts.region);
  if (!facts.user_agent.empty()) ctx.set("aws:UserAgent", facts.user_agent);
  ctx.set("aws:CurrentTime", core::format_iso8601(facts.now));
  ctx.set("aws:EpochTime", std::to_string(core::to_unix_seconds(facts.now)));
  return ctx;
}

policy::Caller caller_of(const core::Principal& p) {
  policy::Caller c;
  c.anonymous = p.anonymous;
  if (p.anonymous) return c;
  c.arn = p.arn;
  c.account_id = p.account_id;
  if (p.type == core::PrincipalType::kAssumedRole) c.role_arn = p.role_arn;
  return c;
}

void record_decision(std::string_view action, std::string_view resource, const policy::Decision& decision,
                     bool caller_is_root) {
  observe::AuthzRecord r;
  r.action = std::string(action);
  r.resource = std::string(resource);
  switch (decision.effect) {
    case policy::Effect::kAllow: r.decision = "Allow"; break;
    case policy::Effect::kExplicitDeny: r.decision = "ExplicitDeny"; break;
    case policy::Effect::kImplicitDeny: r.decision = "ImplicitDeny"; break;
  }
  r.policy = decision.policy;
  if (r.policy.empty() && caller_is_root && decision.allowed()) r.policy = "(root user)";
  if (!decision.sid.empty()) {
    r.statement = decision.sid;
  } else if (decision.statement >= 0) {
    r.statement = "#" + std::to_string(decision.statement);
  }
  observe::record_decision(std::move(r));
}

core::AwsError access_denied(const core::ErrorCode& code, const core::Principal& caller, std::string_view action,
                             std::string_view resource, const policy::Decision& decision, bool quote_resource) {
  if (caller.anonymous) return core::AwsError(code, "Access Denied");
  std::string message = "User: " + caller.arn + " is not authorized to perform: " + std::string(action) +
                        " on resource: ";
  if (quote_resource) {
    message += "\"" + std::string(resource) + "\"";
  } else {
    message += std::string(resource);
  }
  std::string reason = decision.reason(action);
  if (!reason.empty()) message += " " + reason;
  return core::AwsError(code, std::move(message));
}

policy::PolicySet identity_policy_set(const Directory& directory, const core::Principal& caller) {
  policy::PolicySet set;
  if (caller.anonymous) return set;
  if (caller.root || caller.type == core::PrincipalType::kRoot) {
    set.caller_is_root = true;
    return set;
  }
  if (caller.type == core::PrincipalType::kUser) {
    set.identity = directory.identity_policies(EntityKind::kUser, caller.user_name);
    return set;
  }
  if (caller.type == core::PrincipalType::kAssumedRole) {
    std::string role = role_name_of(caller);
    // A session belongs to one role: if the role is gone, or was deleted and created again (another unique id),
    // its policies do not apply to the old sessions (AWS ties sessions to the role's unique id).
    auto current = directory.find_role(role);
    std::string id = role_id_of(caller);
    if (current && (caller.role_arn.empty() || current->arn == caller.role_arn) && (id.empty() || id == current->id))
      set.identity = directory.identity_policies(EntityKind::kRole, role);
    if (!caller.session_policy.empty()) {
      auto parsed = policy::parse(caller.session_policy, policy::Kind::kIdentity);
      set.session.push_back({"session policy", parsed ? *parsed : allows_nothing()});
    }
    for (const auto& arn : caller.session_policy_arns) {
      if (auto doc = directory.managed_policy_document(arn)) {
        set.session.push_back(std::move(*doc));
      } else {
        set.session.push_back({arn, allows_nothing()});
      }
    }
  }
  return set;
}

DirectoryAuthorizer::DirectoryAuthorizer(const Directory& directory)
    : directory_(directory),
      root_(std::make_shared<const policy::PolicySet>([] {
        policy::PolicySet s;
        s.caller_is_root = true;
        return s;
      }())),
      nobody_(std::make_shared<const policy::PolicySet>()) {}

std::shared_ptr<const policy::PolicySet> DirectoryAuthorizer::policies_for(const core::Principal& caller) {
  if (caller.anonymous) return nobody_;
  if (caller.root || caller.type == core::PrincipalType::kRoot) return root_;
  std::string key;
  if (caller.type == core::PrincipalType::kUser) {
    key = "u:" + core::to_lower(caller.user_name);
  } else if (caller.type == core::PrincipalType::kAssumedRole) {
    key = "r:" + role_id_of(caller) + ":" + caller.role_arn;
    if (!caller.session_policy.empty() || !caller.session_policy_arns.empty()) {
      key += '\x1f';
      key += caller.session_policy;
      for (const auto& arn : caller.session_policy_arns) key += '\x1f' + arn;
    }
  } else {
    return nobody_;
  }
  uint64_t generation = directory_.generation();
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.generation == generation) return it->second.policies;
  }
  auto built = std::make_shared<const policy::PolicySet>(identity_policy_set(directory_, caller));
  std::unique_lock lock(mu_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[key] = Entry{generation, built};
  return built;
}

policy::Decision DirectoryAuthorizer::authorize(const AuthzRequest& request) {
  auto base = policies_for(request.caller);
  policy::Caller who = caller_of(request.caller);
  policy::Request req{request.action, request.resource, who, request.context};
  policy::Decision decision;
  if (!request.resource_policy && request.mode == policy::ResourceMode::kEither && request.resource_account.empty()) {
    decision = policy::evaluate(*base, req);
  } else {
    policy::PolicySet set = *base;
    if (request.resource_policy) set.resource = *request.resource_policy;
    set.mode = request.mode;
    set.resource_account = std::string(request.resource_account);
    decision = policy::evaluate(set, req);
  }
  record_decision(request.action, request.resource, decision, base->caller_is_root);
  return decision;
}

}  // namespace podbucket::iam
