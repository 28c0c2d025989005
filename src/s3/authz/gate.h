#pragma once
// The S3 side of authorization: decides one permission for the caller of one request with the caller's
// identity policies (through iam::Authorizer), the bucket's policy and its Block Public Access flags.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/principal.h"
#include "core/result.h"
#include "iam/authorizer.h"
#include "policy/policy.h"
#include "s3/authz/permissions.h"
#include "store/metadata.h"

namespace podbucket::s3::authz {

/// Parsed bucket policies (and their absence), read from the store once per bucket. This process is the store's
/// only writer, so the cache stays exact as long as every request that may change a bucket's policy calls
/// invalidate() after it ran (PutBucketPolicy, DeleteBucketPolicy, CreateBucket, DeleteBucket). Thread-safe.
class BucketPolicyCache {
 public:
  /// A bucket's parsed policy, and whether it is public (bucket::is_public_policy), decided once per text.
  struct Cached {
    policy::NamedPolicy policy;
    bool is_public = false;
  };
  /// The cached policy of `bucket`, or nullptr when it has none (or the stored text no longer parses).
  std::shared_ptr<const Cached> get(store::Metadata& meta, std::string_view bucket);
  /// Forgets what is known about `bucket`.
  void invalidate(std::string_view bucket);

 private:
  struct Entry {
    std::shared_ptr<const Cached> parsed;  // null: no policy
  };
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // GUARDED_BY(mu_)
  uint64_t generation_ = 0;                            // GUARDED_BY(mu_): bumped by every invalidate()
};

/// Authorizes the permissions of one S3 request. Not thread-safe (one per request).
class Gate {
 public:
  /// `context` holds the global and S3 condition keys of the request; `account_id` owns every bucket.
  Gate(iam::Authorizer& authorizer, store::Metadata& meta, BucketPolicyCache& policies, const core::Principal& caller,
       policy::Context context, std::string account_id, std::string request_id);

  /// Decides one permission. Errors: AccessDenied (403) in AWS's current message form; the decision's details
  /// go to the server log with the request id.
  core::Result<void> check(const Permission& permission);
  core::Result<void> check(std::string_view action, std::string_view resource, std::string_view bucket);

 private:
  iam::Authorizer& authorizer_;
  store::Metadata& meta_;
  BucketPolicyCache& policies_;
  const core::Principal& caller_;
  policy::Context context_;
  std::string account_id_;
  std::string request_id_;
};

}  // namespace podbucket::s3::authz
