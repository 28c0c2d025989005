#pragma once
// Bucket policies and Block Public Access: Get/Put/DeleteBucketPolicy, GetBucketPolicyStatus,
// Get/Put/DeletePublicAccessBlock, and what "public" means for a policy.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

/// Bucket configuration kinds in the metadata store.
inline constexpr std::string_view kPolicyConfig = "policy";
inline constexpr std::string_view kPublicAccessBlockConfig = "public-access-block";

/// The four Block Public Access flags (PublicAccessBlockConfiguration).
struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
  /// New buckets get all four set, as S3 does since April 2023.
  static PublicAccessBlock all_on() { return {true, true, true, true}; }
};

/// Parses a PublicAccessBlockConfiguration document; absent elements are false. Errors: MalformedXML.
core::Result<PublicAccessBlock> parse_public_access_block(std::string_view xml);
std::string render_public_access_block(const PublicAccessBlock& pab);
/// The bucket's stored flags, or nullopt when none are configured (all off).
std::optional<PublicAccessBlock> load_public_access_block_of(store::Metadata& meta, std::string_view bucket);
std::optional<PublicAccessBlock> load_public_access_block(Context& ctx, std::string_view bucket);

/// Whether a bucket policy grants public access in S3's sense: some Allow statement with a wildcard principal
/// that is not pinned by a fixed-value condition on aws:SourceArn, aws:SourceVpc, aws:SourceVpce,
/// aws:SourceOwner, aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:userid,
/// s3:x-amz-server-side-encryption-aws-kms-key-id, or an aws:SourceIp range of /8 or narrower.
/// Source: S3 user guide, "The meaning of public". `json` must already be a valid policy.
bool is_public_policy(std::string_view json);

/// GET ?policy → the stored JSON. Errors: NoSuchBucket, NoSuchBucketPolicy (404).
core::Result<http::Response> get_bucket_policy(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?policy → 204. Errors: NoSuchBucket, MalformedPolicy (invalid JSON or grammar, a resource outside this
/// bucket, larger than 20 KiB), AccessDenied (public policy while BlockPublicPolicy is set).
core::Result<http::Response> put_bucket_policy(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?policy → 204, also when there was none. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_policy(Context& ctx, const Operation& op, http::Request& req);
/// GET ?policyStatus → <PolicyStatus><IsPublic>. Errors: NoSuchBucket, NoSuchBucketPolicy.
core::Result<http::Response> get_bucket_policy_status(Context& ctx, const Operation& op, http::Request& req);
/// GET ?publicAccessBlock. Errors: NoSuchBucket, NoSuchPublicAccessBlockConfiguration (404).
core::Result<http::Response> get_public_access_block(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?publicAccessBlock → 200. Errors: NoSuchBucket, MalformedXML.
core::Result<http::Response> put_public_access_block(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?publicAccessBlock → 204. Errors: NoSuchBucket.
core::Result<http::Response> delete_public_access_block(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
