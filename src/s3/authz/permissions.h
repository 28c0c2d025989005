#pragma once
// Which IAM permissions an S3 request needs, and the S3 condition keys it carries. Pure: the table of the S3
// user guide "Required permissions for Amazon S3 API operations" and the S3 condition-key reference.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "policy/policy.h"
#include "s3/operation.h"

namespace podbucket::s3::authz {

/// One permission: an IAM action on one resource ARN, with the bucket whose policy applies ("" for none).
struct Permission {
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket", or "arn:aws:s3:::*"
  std::string bucket;
};

std::string bucket_arn(std::string_view bucket);
std::string object_arn(std::string_view bucket, std::string_view key);

/// The permissions `op` needs before it runs, in the order they are checked. A versionId turns object actions
/// into their *Version forms; CopyObject and UploadPartCopy need Get(Version) on the source as well as PutObject on
/// the destination; PutObject with x-amz-tagging also needs s3:PutObjectTagging, and with a canned ACL other than
/// private / bucket-owner-full-control also s3:PutObjectAcl. DeleteObjects needs none here: the handler checks
/// each key. kUnsupported needs none (it is answered NotImplemented).
/// Errors: InvalidArgument (an unparsable x-amz-copy-source).
core::Result<std::vector<Permission>> required_permissions(const Operation& op, const http::Request& req);

/// The action DeleteObjects checks for one entry: s3:DeleteObject, or s3:DeleteObjectVersion with a version id.
std::string_view delete_entry_action(std::string_view version_id);

/// How the request was signed, for s3:authType and s3:signatureversion.
struct SigningFacts {
  bool presigned = false;
  bool sigv2 = false;
  bool anonymous = false;
};

/// Adds S3's request condition keys (spec 2.2): s3:prefix / s3:delimiter / s3:max-keys on list operations (only
/// when sent), s3:VersionId, s3:x-amz-* header keys (only when the header is sent), s3:RequestObjectTag/<k> and
/// s3:RequestObjectTagKeys from x-amz-tagging, s3:authType, s3:signatureversion, s3:ResourceAccount.
void add_s3_condition_keys(policy::Context& context, const Operation& op, const http::Request& req,
                           const SigningFacts& signing, std::string_view resource_account);

}  // namespace podbucket::s3::authz
