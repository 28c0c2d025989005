#pragma once
// Bucket versioning configuration: GetBucketVersioning and PutBucketVersioning. Sources: S3 API reference
// "PutBucketVersioning", "GetBucketVersioning"; S3 user guide "Using versioning in S3 buckets".
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "store/records.h"

namespace podbucket::s3::bucket {

/// GET /bucket?versioning → <VersioningConfiguration> with <Status>Enabled|Suspended</Status>, or with no Status
/// for a bucket that was never versioned. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_versioning(Context& ctx, const Operation& op, http::Request& req);

/// PUT /bucket?versioning with <VersioningConfiguration><Status>Enabled|Suspended</Status></...> → 200. A bucket
/// can never return to "never versioned". Errors: NoSuchBucket, MalformedXML (not XML, wrong root, or a Status other
/// than Enabled/Suspended), NotImplemented (MfaDelete Enabled: podbucket has no MFA devices).
core::Result<http::Response> put_bucket_versioning(Context& ctx, const Operation& op, http::Request& req);

/// Parses a VersioningConfiguration document into the requested state (pure). An absent Status leaves the state
/// unchanged (nullopt). Errors as put_bucket_versioning.
core::Result<std::optional<store::Versioning>> parse_versioning_configuration(std::string_view xml);

/// The GetBucketVersioning document for a state (pure).
std::string render_versioning_configuration(store::Versioning state);

}  // namespace podbucket::s3::bucket
