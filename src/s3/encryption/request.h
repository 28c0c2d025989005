#pragma once
// The server-side encryption request headers, parsed and checked as S3 checks them (pure). Sources: S3 API
// reference PutObject / CopyObject / CreateMultipartUpload / UploadPart / GetObject / HeadObject; S3 user guide
// "Specifying server-side encryption with AWS KMS", "Using server-side encryption with customer-provided keys";
// error texts as S3 answers them (LocalStack's AWS-validated snapshots).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace podbucket::s3::encryption {

/// How an object's bytes are encrypted at rest.
enum class Mode {
  kNone,      // stored as sent (objects from before encryption, or a server without KMS)
  kS3,        // SSE-S3, x-amz-server-side-encryption: AES256
  kKms,       // SSE-KMS, x-amz-server-side-encryption: aws:kms
  kCustomer,  // SSE-C, x-amz-server-side-encryption-customer-*
};

/// An SSE-C key from the request: 32 raw bytes (never stored, never logged) and its base64 MD5 for the echo.
struct CustomerKey {
  std::string key;
  std::string key_md5;
};

/// What a write request (PutObject, CopyObject's destination, CreateMultipartUpload) asks for.
struct WriteRequest {
  Mode mode = Mode::kNone;  // kNone = the request names no encryption: the bucket default applies
  std::string kms_key_id;   // x-amz-server-side-encryption-aws-kms-key-id as sent (id, ARN, alias)
  std::optional<bool> bucket_key;                                   // -bucket-key-enabled, if sent
  std::optional<std::map<std::string, std::string>> user_context;  // -context, decoded, if sent
  std::optional<CustomerKey> customer;                              // set iff mode == kCustomer
};

/// Parses the write headers. Errors (400): InvalidArgument "Server Side Encryption with Customer provided key is
/// incompatible with the encryption method specified" (SSE-C with x-amz-server-side-encryption), InvalidArgument
/// "The encryption method specified is not supported" (a value other than AES256 / aws:kms, or empty),
/// InvalidArgument "Server Side Encryption with AWS KMS managed key requires HTTP header
/// x-amz-server-side-encryption : aws:kms" (a key id without aws:kms), InvalidArgument
/// (context not base64 of a JSON string map, bucket-key not true/false), NotImplemented (aws:kms:dsse), and
/// parse_customer_key's errors.
core::Result<WriteRequest> parse_write_request(const http::Headers& headers);

/// Whose SSE-C headers: the request's own (x-amz-server-side-encryption-customer-*) or the copy source's
/// (x-amz-copy-source-server-side-encryption-customer-*).
enum class KeyOf { kRequest, kCopySource };
/// What the key is for: writing new data, or reading stored data (a key of the wrong size cannot be the right
/// key, so S3 answers 403 there instead of 400).
enum class KeyUse { kWrite, kRead };

/// The SSE-C key the request names, nullopt when none of the three headers is sent. Checks in S3's order:
/// InvalidArgument "…must provide a valid encryption algorithm." (no algorithm), InvalidEncryptionAlgorithmError
/// "The Encryption request you specified is not valid. Supported value: AES256.", InvalidArgument "…must provide an
/// appropriate secret key." (no key), InvalidArgument "The calculated MD5 hash of the key did not match the hash
/// that was provided." (MD5 sent and different), then a key that is not 32 bytes: InvalidArgument "The secret key
/// was invalid for the specified algorithm." (kWrite) or AccessDenied "…must provide the correct secret key."
/// (kRead). A missing MD5 header is accepted (AWS reads without it).
core::Result<std::optional<CustomerKey>> parse_customer_key(const http::Headers& headers, KeyOf whose, KeyUse use);

/// GET and HEAD must not carry x-amz-server-side-encryption[-aws-kms-key-id|-context|-bucket-key-enabled]: the
/// encryption of a stored object cannot be chosen on read. Errors: InvalidArgument (400).
core::Result<void> reject_write_headers(const http::Headers& headers);

/// InvalidArgument "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption
/// : aws:kms", for a KMS key id or encryption context on a write that is not SSE-KMS.
core::AwsError kms_required(std::string_view sse_value);

/// True when the request carries any server-side encryption header (for CopyObject's copy-onto-itself rule).
bool names_encryption(const http::Headers& headers);

/// "AES256", "aws:kms", or "" for kNone / kCustomer (whose algorithm travels in its own header).
std::string_view sse_header_value(Mode mode);

}  // namespace podbucket::s3::encryption
