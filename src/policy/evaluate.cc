// Deciding a request against the policies that apply to it (aws-semantics spec 1.6).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#include "policy/document.h"

namespace podbucket::policy {

namespace {

using detail::PrincipalMatch;
using detail::Statement;

// Whether `st` applies to `request`; `match` receives how its Principal names the caller (kDirect when the
// statement has no Principal, as in identity policies).
bool applies(const Statement& st, const Request& request, PrincipalMatch& match) {
  bool action_listed = false;
  for (const detail::Matcher& m : st.actions) {
    if (m.matches(request.action, request.context)) {
      action_listed = true;
      break;
    }
  }
  if (action_listed == st.not_action) return false;

  if (st.has_resource) {
    bool resource_listed = false;
    for (const detail::Matcher& m : st.resources) {
      if (m.matches(request.resource, request.context)) {
        resource_listed = true;
        break;
      }
    }
    if (resource_listed == st.not_resource) return false;
  }

  match = PrincipalMatch::kDirect;
  if (st.has_principal) {
    if (st.not_principal) {
      if (detail::exempt_by_not_principal(st.principal, request.caller)) return false;
    } else {
      match = detail::match_principal(st.principal, request.caller);
      if (match == PrincipalMatch::kNone) return false;
    }
  }

  for (const detail::Condition& c : st.conditions) {
    if (!detail::condition_holds(c, request.context)) return false;
  }
  return true;
}

// What one document says about a request: its first applicable Deny and, per principal strength, its first
// applicable Allow.
struct Scan {
  int deny = -1;
  int allow_direct = -1;
  int allow_role = -1;
  int allow_account = -1;

  bool any_allow() const { return allow_direct >= 0 || allow_role >= 0 || allow_account >= 0; }
  int first_allow() const {
    if (allow_direct >= 0) return allow_direct;
    if (allow_role >= 0) return allow_role;
    return allow_account;
  }
};

Scan scan(const Document& doc, const Request& request) {
  Scan out;
  for (size_t i = 0; i < doc.statements.size(); ++i) {
    const Statement& st = doc.statements[i];
    PrincipalMatch match = PrincipalMatch::kNone;
    if (st.deny) {
      // A Deny applies to the caller at any principal strength; the first one decides.
      if (applies(st, request, match)) {
        out.deny = static_cast<int>(i);
        return out;
      }
      continue;
    }
    if (!applies(st, request, match)) continue;
    int* slot = match == PrincipalMatch::kDirect ? &out.allow_direct
                : match == PrincipalMatch::kRole ? &out.allow_role
                                                 : &out.allow_account;
    if (*slot < 0) *slot = static_cast<int>(i);
  }
  return out;
}

Decision decided(Effect effect, PolicyType type, const NamedPolicy* policy, int statement) {
  Decision d;
  d.effect = effect;
  d.decided_by = type;
  if (policy != nullptr) {
    d.policy = policy->name;
    if (statement >= 0) {
      d.statement = statement;
      d.sid = policy->document->statements[static_cast<size_t>(statement)].sid;
    }
  }
  return d;
}

// An identity policy and the index of its applicable Allow statement.
struct Found {
  const NamedPolicy* policy = nullptr;
  int statement = -1;
};

}  // namespace

Decision evaluate_document(const Document& document, std::string_view name, const Request& request) {
  Scan s = scan(document, request);
  Decision d;
  d.policy = std::string(name);
  int index = s.deny >= 0 ? s.deny : s.first_allow();
  d.effect = s.deny >= 0 ? Effect::kExplicitDeny : index >= 0 ? Effect::kAllow : Effect::kImplicitDeny;
  if (index >= 0) {
    d.statement = index;
    d.sid = document.statements[static_cast<size_t>(index)].sid;
  }
  return d;
}

Decision evaluate(const PolicySet& policies, const Request& request) {
  const Caller& caller = request.caller;
  // The root user and anonymous callers have no identity policies, boundary or session policies.
  const bool principal_policies = !policies.caller_is_root && !caller.anonymous;

  // 1. An explicit Deny in any applicable policy decides. Identity denies are reported first.
  Found identity_allow;
  if (principal_policies) {
    for (const NamedPolicy& p : policies.identity) {
      if (!p.document) continue;
      Scan s = scan(*p.document, request);
      if (s.deny >= 0) return decided(Effect::kExplicitDeny, PolicyType::kIdentity, &p, s.deny);
      if (identity_allow.policy == nullptr && s.any_allow()) identity_allow = {&p, s.first_allow()};
    }
  }
  const NamedPolicy* resource = policies.resource && policies.resource->document ? &*policies.resource : nullptr;
  Scan res;
  if (resource != nullptr) {
    res = scan(*resource->document, request);
    if (res.deny >= 0) return decided(Effect::kExplicitDeny, PolicyType::kResource, resource, res.deny);
  }
  bool boundary_ok = true;
  const NamedPolicy* boundary = nullptr;
  if (principal_policies && policies.boundary && policies.boundary->document) {
    boundary = &*policies.boundary;
    Scan s = scan(*boundary->document, request);
    if (s.deny >= 0) return decided(Effect::kExplicitDeny, PolicyType::kBoundary, boundary, s.deny);
    boundary_ok = s.any_allow();
  }
  bool session_ok = true;
  if (principal_policies && !policies.session.empty()) {
    session_ok = false;
    for (const NamedPolicy& p : policies.session) {
      if (!p.document) continue;
      Scan s = scan(*p.document, request);
      if (s.deny >= 0) return decided(Effect::kExplicitDeny, PolicyType::kSession, &p, s.deny);
      session_ok = session_ok || s.any_allow();
    }
  }

  // 2. Anonymous callers: only a resource policy naming everyone can allow.
  if (caller.anonymous) {
    if (res.allow_direct >= 0) return decided(Effect::kAllow, PolicyType::kResource, resource, res.allow_direct);
    return decided(Effect::kImplicitDeny, PolicyType::kResource, nullptr, -1);
  }

  // 3. The identity side: identity Allow, within the permissions boundary and the session policies. The root
  //    user's identity allows everything.
  const bool filters_ok = boundary_ok && session_ok;
  const bool identity_ok = policies.caller_is_root || (identity_allow.policy != nullptr && filters_ok);
  auto identity_allowed = [&]() {
    if (policies.caller_is_root) return decided(Effect::kAllow, PolicyType::kNone, nullptr, -1);
    return decided(Effect::kAllow, PolicyType::kIdentity, identity_allow.policy, identity_allow.statement);
  };
  // Why the identity side failed: the boundary or session policy that filtered an Allow away, else no Allow.
  auto identity_denied = [&](bool had_allow) {
    if (had_allow && !boundary_ok) return decided(Effect::kImplicitDeny, PolicyType::kBoundary, boundary, -1);
    if (had_allow && !session_ok) return decided(Effect::kImplicitDeny, PolicyType::kSession, nullptr, -1);
    return decided(Effect::kImplicitDeny, PolicyType::kIdentity, nullptr, -1);
  };

  // 4. The resource side. A statement naming the caller's user or session ARN, the service, or "*" grants by
  //    itself; one naming the role ARN grants within the session policies and boundary; one naming only the
  //    account delegates to the identity side.
  const bool resource_grants = res.allow_direct >= 0 || (res.allow_role >= 0 && filters_ok);
  const int resource_grant = res.allow_direct >= 0 ? res.allow_direct : res.allow_role;
  const bool cross_account = !policies.resource_account.empty() && !caller.account_id.empty() &&
                             policies.resource_account != caller.account_id;
  const bool had_allow = identity_allow.policy != nullptr || res.allow_role >= 0;

  if (cross_account) {
    // Both accounts must agree: an identity Allow in the caller's account and a resource-policy Allow naming the
    // caller or its account.
    if (!identity_ok) return identity_denied(had_allow);
    if (!res.any_allow()) return decided(Effect::kImplicitDeny, PolicyType::kResource, nullptr, -1);
    return decided(Effect::kAllow, PolicyType::kResource, resource, res.first_allow());
  }

  if (policies.mode == ResourceMode::kEither) {
    if (resource_grants) return decided(Effect::kAllow, PolicyType::kResource, resource, resource_grant);
    if (identity_ok) return identity_allowed();
    return identity_denied(had_allow);
  }

  // kRequired (trust policies, key policies): nothing is allowed unless the resource policy allows.
  if (resource_grants) return decided(Effect::kAllow, PolicyType::kResource, resource, resource_grant);
  if (res.allow_account >= 0 || res.allow_role >= 0) {
    if (identity_ok) return identity_allowed();
    return identity_denied(had_allow);
  }
  return decided(Effect::kImplicitDeny, PolicyType::kResource, nullptr, -1);
}

}  // namespace podbucket::policy
