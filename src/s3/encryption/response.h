#pragma once
// The server-side encryption headers of S3 responses (S3 API reference, Response Syntax of each operation):
//   x-amz-server-side-encryption: AES256 | aws:kms
//   x-amz-server-side-encryption-aws-kms-key-id: the full key ARN (SSE-KMS)
//   x-amz-server-side-encryption-bucket-key-enabled: true (SSE-KMS, only when an S3 Bucket Key is used)
//   x-amz-server-side-encryption-context: base64 JSON (PutObject, CopyObject, CreateMultipartUpload, when the
//                                         writer sent a context)
//   x-amz-server-side-encryption-customer-algorithm: AES256 and -customer-key-MD5 (SSE-C; the request's key)
#include <optional>

#include "http/message.h"
#include "s3/encryption/envelope.h"
#include "s3/encryption/request.h"

namespace podbucket::s3::encryption {

/// Which response: a new object or upload (PutObject, CopyObject, CreateMultipartUpload: may echo the context),
/// an existing one or a part (GetObject, HeadObject, UploadPart, UploadPartCopy), or CompleteMultipartUpload
/// (no SSE-C echo: the request carries no key).
enum class Echo { kWrite, kRead, kComplete };

/// Adds the headers for data stored under `stored`; `customer` is the request's SSE-C key (for its MD5).
void add_response_headers(http::Headers& out, const Envelope& stored, const std::optional<CustomerKey>& customer,
                          Echo echo);

}  // namespace podbucket::s3::encryption
