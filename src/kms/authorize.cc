#include "kms/authorize.h"

#include "kms/errors.h"

namespace podbucket::kms {

policy::Context kms_context(const core::Principal& caller, const iam::RequestFacts& facts, const KeyAccess& access) {
  policy::Context ctx = iam::global_context(caller, facts);
  if (!caller.account_id.empty()) ctx.set("kms:CallerAccount", caller.account_id);
  if (!access.via_service.empty()) ctx.set("kms:ViaService", std::string(access.via_service));
  if (access.context != nullptr) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : *access.context) {
      ctx.set("kms:EncryptionContext:" + k, v);
      keys.push_back(k);
    }
    ctx.set_multi("kms:EncryptionContextKeys", std::move(keys));
  }
  if (!access.request_alias.empty()) ctx.set("kms:RequestAlias", std::string(access.request_alias));
  if (access.key != nullptr) {
    ctx.set_multi("kms:ResourceAliases", access.resource_aliases);
    ctx.set("kms:KeyOrigin", "AWS_KMS");
    ctx.set("kms:KeySpec", "SYMMETRIC_DEFAULT");
    ctx.set("kms:KeyUsage", "ENCRYPT_DECRYPT");
    for (const Tag& t : access.key->tags) ctx.set("aws:ResourceTag/" + t.key, t.value);
  }
  if (access.cryptographic) ctx.set("kms:EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  return ctx;
}

core::Result<void> KeyAuthorizer::check(const core::Principal& caller, const iam::RequestFacts& facts,
                                        const KeyAccess& access) {
  std::string_view resource = access.key != nullptr ? std::string_view(access.key->arn) : access.resource;
  policy::Decision decision;
  bool direct = true;  // decided here rather than by the Authorizer
  if (caller.anonymous) {
    decision.effect = policy::Effect::kImplicitDeny;
  } else if (access.key == nullptr) {
    // Not about one key: identity policies alone decide (the root user is allowed).
    policy::Context ctx = kms_context(caller, facts, access);
    direct = false;
    decision = authorizer_.authorize(
        iam::AuthzRequest{caller, access.action, resource, ctx, nullptr, policy::ResourceMode::kEither, ""});
  } else if (access.key->parsed_policy == nullptr) {
    decision.effect = policy::Effect::kImplicitDeny;  // a key whose stored policy does not parse allows nothing
    decision.decided_by = policy::PolicyType::kResource;
  } else {
    policy::Context ctx = kms_context(caller, facts, access);
    policy::NamedPolicy key_policy{"key policy", access.key->parsed_policy};
    if (caller.root && caller.account_id == access.key->account) {
      // The root user has no identity policies to delegate to and no implicit access to keys: the key policy
      // alone decides (a statement naming the account grants it).
      policy::Caller who = iam::caller_of(caller);
      decision = policy::evaluate_document(*access.key->parsed_policy, key_policy.name,
                                           policy::Request{access.action, resource, who, ctx});
      if (decision.decided_by == policy::PolicyType::kNone) decision.decided_by = policy::PolicyType::kResource;
    } else {
      direct = false;
      decision = authorizer_.authorize(iam::AuthzRequest{caller, access.action, resource, ctx, &key_policy,
                                                         policy::ResourceMode::kRequired, access.key->account});
    }
  }
  if (direct) iam::record_decision(access.action, resource, decision);  // the Authorizer records its own
  if (decision.allowed()) return {};
  return iam::access_denied(kAccessDeniedException, caller, access.action, resource, decision, false);
}

}  // namespace podbucket::kms
