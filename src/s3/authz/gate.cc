#include "s3/authz/gate.h"

#include <spdlog/spdlog.h>

#include "s3/bucket/policy.h"

namespace podbucket::s3::authz {
namespace {

constexpr core::ErrorCode kMalformedPolicy{"MalformedPolicy", 400};

}  // namespace

std::shared_ptr<const BucketPolicyCache::Cached> BucketPolicyCache::get(store::Metadata& meta, std::string_view bucket) {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(bucket); it != entries_.end()) return it->second.parsed;
    generation = generation_;
  }
  auto text = meta.get_bucket_config(bucket, bucket::kPolicyConfig);
  Entry entry;
  if (text) {
    if (auto parsed = policy::parse_resource_policy(*text, kMalformedPolicy)) {
      entry.parsed = std::make_shared<Cached>(Cached{
          policy::NamedPolicy{"bucket policy of " + std::string(bucket), std::move(*parsed)},
          bucket::is_public_policy(*text)});
    } else {
      spdlog::warn("bucket {}: stored policy no longer parses: {}", bucket, parsed.error().message());
    }
  }
  std::lock_guard lock(mu_);
  // An invalidate() since the read means a policy write may have committed after it: do not cache what was read.
  if (generation == generation_) entries_.insert_or_assign(std::string(bucket), entry);
  return entry.parsed;
}

void BucketPolicyCache::invalidate(std::string_view bucket) {
  std::lock_guard lock(mu_);
  ++generation_;
  if (auto it = entries_.find(bucket); it != entries_.end()) entries_.erase(it);
}

Gate::Gate(iam::Authorizer& authorizer, store::Metadata& meta, BucketPolicyCache& policies,
           const core::Principal& caller, policy::Context context, std::string account_id, std::string request_id)
    : authorizer_(authorizer),
      meta_(meta),
      policies_(policies),
      caller_(caller),
      context_(std::move(context)),
      account_id_(std::move(account_id)),
      request_id_(std::move(request_id)) {}

core::Result<void> Gate::check(const Permission& p) { return check(p.action, p.resource, p.bucket); }

core::Result<void> Gate::check(std::string_view action, std::string_view resource, std::string_view bucket) {
  std::shared_ptr<const BucketPolicyCache::Cached> bucket_policy;
  if (!bucket.empty()) bucket_policy = policies_.get(meta_, bucket);
  if (!bucket_policy && caller_.root) {  // the account's root user, and no policy that could deny it
    policy::Decision root_allow;
    root_allow.effect = policy::Effect::kAllow;
    iam::record_decision(action, resource, root_allow, /*caller_is_root=*/true);
    return {};
  }

  iam::AuthzRequest request{caller_, action, resource, context_, bucket_policy ? &bucket_policy->policy : nullptr,
                            policy::ResourceMode::kEither, account_id_};
  auto decision = authorizer_.authorize(request);

  // RestrictPublicBuckets: a public bucket policy grants nothing to anonymous or other-account callers.
  if (decision.allowed() && decision.decided_by == policy::PolicyType::kResource && bucket_policy &&
      (caller_.anonymous || caller_.account_id != account_id_)) {
    auto pab = bucket_policy->is_public ? bucket::load_public_access_block_of(meta_, bucket) : std::nullopt;
    if (pab && pab->restrict_public_buckets) {
      policy::Decision blocked;
      blocked.effect = policy::Effect::kExplicitDeny;
      blocked.policy = "public access block of " + std::string(bucket);
      blocked.sid = "RestrictPublicBuckets";
      iam::record_decision(action, resource, blocked);
      spdlog::info("request {}: {} {} on {} denied: RestrictPublicBuckets blocks the public bucket policy",
                   request_id_, caller_.arn.empty() ? "anonymous" : caller_.arn, action, resource);
      return core::AwsError(core::kAccessDenied, "Access Denied");
    }
  }
  if (decision.allowed()) return {};
  spdlog::info("request {}: {} {} on {} denied: {}", request_id_, caller_.arn.empty() ? "anonymous" : caller_.arn,
               action, resource, decision.explain());
  return iam::access_denied(core::kAccessDenied, caller_, action, resource, decision, /*quote_resource=*/true);
}

}  // namespace podbucket::s3::authz
