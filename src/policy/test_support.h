#pragma once
// Helpers shared by the policy tests: callers, contexts and documents written compactly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/policy.h"

namespace podbucket::policy::testing {

inline constexpr std::string_view kAccount = "111122223333";
inline constexpr std::string_view kOtherAccount = "444455556666";

/// Parses `json` as `kind` or fails the test (returns nullptr then).
inline std::shared_ptr<const Document> must_parse(std::string_view json, Kind kind = Kind::kIdentity) {
  auto doc = parse(json, kind);
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message()) << "\n" << json;
  return doc ? *doc : nullptr;
}

/// An IAM user "arn:aws:iam::ACCOUNT:user/NAME".
inline Caller user(std::string_view name, std::string_view account = kAccount) {
  Caller c;
  c.account_id = std::string(account);
  c.arn = "arn:aws:iam::" + c.account_id + ":user/" + std::string(name);
  return c;
}

/// A session of role NAME: "arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION", role ARN "arn:aws:iam::ACCOUNT:role/NAME".
inline Caller session(std::string_view role, std::string_view session_name, std::string_view account = kAccount) {
  Caller c;
  c.account_id = std::string(account);
  c.arn = "arn:aws:sts::" + c.account_id + ":assumed-role/" + std::string(role) + "/" + std::string(session_name);
  c.role_arn = "arn:aws:iam::" + c.account_id + ":role/" + std::string(role);
  return c;
}

/// The account's root user.
inline Caller root(std::string_view account = kAccount) {
  Caller c;
  c.account_id = std::string(account);
  c.arn = "arn:aws:iam::" + c.account_id + ":root";
  return c;
}

inline Caller anonymous() {
  Caller c;
  c.anonymous = true;
  return c;
}

inline Caller service(std::string_view name) {
  Caller c;
  c.service = std::string(name);
  return c;
}

inline Caller federated(std::string_view provider) {
  Caller c;
  c.federated = std::string(provider);
  return c;
}

/// One context key: single-valued by default, multivalued with `many`.
struct Kv {
  std::string key;
  std::vector<std::string> values;
  bool multi = false;
};
inline Kv one(std::string key, std::string value) { return Kv{std::move(key), {std::move(value)}, false}; }
inline Kv many(std::string key, std::vector<std::string> values) { return Kv{std::move(key), std::move(values), true}; }

inline Context context_of(const std::vector<Kv>& kvs) {
  Context ctx;
  for (const Kv& kv : kvs) {
    if (kv.multi) {
      ctx.set_multi(kv.key, kv.values);
    } else {
      ctx.set(kv.key, kv.values.empty() ? "" : kv.values[0]);
    }
  }
  return ctx;
}

inline const char* effect_name(Effect e) {
  switch (e) {
    case Effect::kAllow: return "Allow";
    case Effect::kExplicitDeny: return "ExplicitDeny";
    case Effect::kImplicitDeny: return "ImplicitDeny";
  }
  return "?";
}

}  // namespace podbucket::policy::testing
