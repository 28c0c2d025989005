#pragma once
// TEMPORARY: the S3 error codes body/ and multipart/ need, until src/s3/errors.h (owned by the s3 core engineer)
// lands. Then this header is deleted and its users include s3/errors.h.
#include "core/error.h"

namespace podbucket::s3 {

using core::kBadDigest;
using core::kIncompleteBody;
using core::kInvalidArgument;
using core::kInvalidDigest;
using core::kInvalidRequest;

inline constexpr core::ErrorCode kEntityTooLarge{"EntityTooLarge", 400};
inline constexpr core::ErrorCode kEntityTooSmall{"EntityTooSmall", 400};
inline constexpr core::ErrorCode kInvalidPart{"InvalidPart", 400};
inline constexpr core::ErrorCode kInvalidPartOrder{"InvalidPartOrder", 400};
inline constexpr core::ErrorCode kMalformedXML{"MalformedXML", 400};
inline constexpr core::ErrorCode kNoSuchUpload{"NoSuchUpload", 404};
inline constexpr core::ErrorCode kNoSuchBucket{"NoSuchBucket", 404};
inline constexpr core::ErrorCode kNoSuchKey{"NoSuchKey", 404};
inline constexpr core::ErrorCode kInvalidRange{"InvalidRange", 416};
inline constexpr core::ErrorCode kPreconditionFailed{"PreconditionFailed", 412};

}  // namespace podbucket::s3
