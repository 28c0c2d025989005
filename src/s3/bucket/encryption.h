#pragma once
// Bucket default encryption: GetBucketEncryption, PutBucketEncryption, DeleteBucketEncryption. Sources: S3 API
// reference of the three operations and ServerSideEncryptionByDefault / ServerSideEncryptionRule; S3 user guide
// "Default encryption FAQ" (every bucket is SSE-S3 by default since 5 January 2023, so GetBucketEncryption never
// answers ServerSideEncryptionConfigurationNotFoundError on a general purpose bucket any more); validation errors as
// S3 answers them (LocalStack's AWS-validated snapshots).
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/encryption/bucket_default.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

/// GET /bucket?encryption → 200 <ServerSideEncryptionConfiguration> with the bucket's one rule: the configured
/// one, else SSE-S3 (AES256) with BucketKeyEnabled false. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_encryption(Context& ctx, const Operation& op, http::Request& req);

/// PUT /bucket?encryption with a <ServerSideEncryptionConfiguration> → 200. The KMS key id is kept exactly as sent
/// (and not checked, as in S3: a bad one fails the object writes). Errors: NoSuchBucket (checked first),
/// MalformedXML, InvalidArgument (KMSMasterKeyID with an algorithm other than aws:kms), NotImplemented
/// (aws:kms:dsse).
core::Result<http::Response> put_bucket_encryption(Context& ctx, const Operation& op, http::Request& req);

/// DELETE /bucket?encryption → 204, also when nothing was configured; the bucket is SSE-S3 again.
/// Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_encryption(Context& ctx, const Operation& op, http::Request& req);

/// Parses a ServerSideEncryptionConfiguration document (pure). Exactly one <Rule>; it needs
/// <ApplyServerSideEncryptionByDefault> with an <SSEAlgorithm> of AES256 or aws:kms, unless it only sets
/// <BlockedEncryptionTypes>. Errors as put_bucket_encryption.
core::Result<encryption::BucketDefault> parse_encryption_configuration(std::string_view xml);

/// The GetBucketEncryption document for a configuration (pure).
std::string render_encryption_configuration(const encryption::BucketDefault& config);

}  // namespace podbucket::s3::bucket
