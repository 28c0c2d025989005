// The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy. Decisions come from the same
// identity_policy_set + policy::evaluate that enforcement uses, so `aws iam simulate-principal-policy` agrees with
// what the server enforces. https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
#include "core/encoding.h"
#include "iam/directory_authorizer.h"
#include "iam/errors.h"
#include "iam/handlers.h"
#include "iam/response.h"

namespace podbucket::iam {

namespace {

std::string_view decision_name(policy::Effect e) {
  switch (e) {
    case policy::Effect::kAllow: return "allowed";
    case policy::Effect::kExplicitDeny: return "explicitDeny";
    case policy::Effect::kImplicitDeny: return "implicitDeny";
  }
  return "implicitDeny";
}

/// SourcePolicyType as the simulator reports it.
std::string_view source_type(const policy::Decision& d) {
  switch (d.decided_by) {
    case policy::PolicyType::kResource: return "resource";
    case policy::PolicyType::kSession: return "session";
    case policy::PolicyType::kBoundary: return "permissions boundary";
    default: break;
  }
  if (d.policy.starts_with("user/")) return "user";
  if (d.policy.starts_with("role/")) return "role";
  return "IAM Policy";
}

/// ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType} into `ctx`.
core::Result<void> add_context_entries(const Params& params, policy::Context& ctx) {
  for (size_t i = 1;; ++i) {
    std::string base = "ContextEntries.member." + std::to_string(i);
    auto name = params.get(base + ".ContextKeyName");
    if (!name) break;
    auto values = params.members(base + ".ContextKeyValues");
    std::string type(params.get(base + ".ContextKeyType").value_or("string"));
    if (type.ends_with("List") || type.ends_with("list")) {
      ctx.set_multi(*name, std::move(values));
    } else if (values.size() == 1) {
      ctx.set(*name, std::move(values[0]));
    } else {
      return core::AwsError(kInvalidInput, "Context key " + std::string(*name) + " of type " + type +
                                               " takes exactly one value.");
    }
  }
  return {};
}

/// PolicyInputList.member.N as identity policies named "PolicyInputList.N".
core::Result<std::vector<policy::NamedPolicy>> input_policies(const Params& params) {
  std::vector<policy::NamedPolicy> out;
  auto docs = params.members("PolicyInputList");
  for (size_t i = 0; i < docs.size(); ++i) {
    auto parsed = policy::parse(docs[i], policy::Kind::kIdentity);
    if (!parsed) return core::AwsError(kInvalidInput, "PolicyInputList." + std::to_string(i + 1) + ": " +
                                                          parsed.error().message());
    out.push_back({"PolicyInputList." + std::to_string(i + 1), *parsed});
  }
  return out;
}

/// A principal simulated from a user or role ARN of this account; NoSuchEntity if there is none.
core::Result<core::Principal> principal_of(const IamRequest& r, std::string_view arn) {
  core::Principal p;
  p.anonymous = false;
  p.account_id = r.dir.account_id();
  auto slash = arn.rfind('/');
  std::string name(slash == std::string_view::npos ? std::string_view() : arn.substr(slash + 1));
  std::string prefix = "arn:aws:iam::" + r.dir.account_id() + ":";
  if (arn.starts_with(prefix + "user/")) {
    auto u = r.dir.find_user(name);
    if (!u || u->arn != arn) return core::AwsError(kNoSuchEntity, "The user with name " + name + " cannot be found.");
    p.type = core::PrincipalType::kUser;
    p.arn = u->arn;
    p.user_id = u->id;
    p.user_name = u->name;
    for (const auto& t : u->tags) p.tags[t.key] = t.value;
    return p;
  }
  if (arn.starts_with(prefix + "role/")) {
    auto role = r.dir.find_role(name);
    if (!role || role->arn != arn)
      return core::AwsError(kNoSuchEntity, "The role with name " + name + " cannot be found.");
    p.type = core::PrincipalType::kAssumedRole;
    p.arn = role->arn;
    p.role_arn = role->arn;
    p.role_name = role->name;
    p.user_id = role->id + ":simulation";
    for (const auto& t : role->tags) p.tags[t.key] = t.value;
    return p;
  }
  return core::AwsError(kInvalidInput, "Invalid ARN " + std::string(arn) + ": must name a user or role of account " +
                                           r.dir.account_id() + ".");
}

/// Evaluates every (action, resource) pair and writes the result.
HandlerResult simulate(const IamRequest& r, const core::Principal& who, policy::PolicySet set) {
  auto actions = r.params.members("ActionNames");
  if (actions.empty()) return r.params.required("ActionNames.member.1").error();
  auto resources = r.params.members("ResourceArns");
  if (resources.empty()) resources.push_back("*");
  if (auto doc = r.params.get("ResourcePolicy")) {
    auto parsed = policy::parse(*doc, policy::Kind::kResource);
    if (!parsed) return core::AwsError(kInvalidInput, "ResourcePolicy: " + parsed.error().message());
    set.resource = policy::NamedPolicy{"ResourcePolicy", *parsed};
  }
  if (auto owner = r.params.get("ResourceOwner")) {
    // arn:aws:iam::ACCOUNT:root or a bare account id.
    std::string account(*owner);
    if (account.starts_with("arn:aws:iam::")) account = account.substr(13, 12);
    if (account != r.dir.account_id()) set.resource_account = account;
  }

  RequestFacts facts = r.facts;
  facts.now = r.clock.now();
  policy::Context ctx = global_context(who, facts);
  if (auto ok = add_context_entries(r.params, ctx); !ok) return ok.error();
  policy::Caller caller = caller_of(who);

  Reply reply(r.action);
  auto& xml = reply.xml();
  xml.open("EvaluationResults");
  for (const auto& action : actions) {
    for (const auto& resource : resources) {
      auto d = policy::evaluate(set, policy::Request{action, resource, caller, ctx});
      xml.open("member").element("EvalActionName", action).element("EvalResourceName", resource);
      xml.element("EvalDecision", decision_name(d.effect));
      if (d.statement >= 0 && !d.policy.empty()) {
        xml.open("MatchedStatements").open("member");
        xml.element("SourcePolicyId", d.policy).element("SourcePolicyType", source_type(d));
        xml.close().close();
      } else {
        xml.empty("MatchedStatements");
      }
      xml.empty("MissingContextValues");
      xml.close();
    }
  }
  xml.close();
  xml.element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

}  // namespace

HandlerResult simulate_principal_policy(const IamRequest& r) {
  auto source = r.params.required("PolicySourceArn");
  if (!source) return source.error();
  auto who = principal_of(r, *source);
  if (!who) return who.error();
  auto extra = input_policies(r.params);
  if (!extra) return extra.error();
  policy::PolicySet set = identity_policy_set(r.dir, *who);
  for (auto& p : *extra) set.identity.push_back(std::move(p));
  return simulate(r, *who, std::move(set));
}

HandlerResult simulate_custom_policy(const IamRequest& r) {
  auto policies = input_policies(r.params);
  if (!policies) return policies.error();
  if (policies->empty()) return r.params.required("PolicyInputList.member.1").error();
  core::Principal who;
  if (auto caller_arn = r.params.get("CallerArn")) {
    auto p = principal_of(r, *caller_arn);
    if (!p) return p.error();
    who = std::move(*p);
  } else {
    who.anonymous = false;
    who.type = core::PrincipalType::kUser;
    who.account_id = r.dir.account_id();
    who.arn = "arn:aws:iam::" + r.dir.account_id() + ":user/simulated";
  }
  policy::PolicySet set;
  set.identity = std::move(*policies);
  return simulate(r, who, std::move(set));
}

}  // namespace podbucket::iam
