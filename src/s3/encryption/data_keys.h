#pragma once
// The glue between S3 requests and KMS: which encryption a new object gets, a fresh data key per blob, and the
// data keys of stored blobs, unwrapped only for the segments a read touches. Every KMS call goes through
// ctx.kms as the request's caller, via "s3.REGION.amazonaws.com", so that KMS authorizes it as AWS does (key
// policy + identity policies with kms:ViaService / kms:CallerAccount). Sources: S3 user guide "Using server-side
// encryption with AWS KMS keys" (encryption context: the object ARN, or the bucket ARN with an S3 Bucket Key;
// GenerateDataKey on writes, Decrypt on reads, none on HEAD), "Using server-side encryption with customer-provided
// keys" (S3 keeps only a salted MAC of the customer key), "Default encryption FAQ".
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/encryption/cipher_blobs.h"
#include "s3/encryption/envelope.h"
#include "s3/encryption/request.h"
#include "store/records.h"

namespace podbucket::s3::encryption {

/// The encryption of new data, resolved: the envelope to store (without keys yet) and, for SSE-C, the request's key.
struct Plan {
  Envelope envelope;
  std::optional<CustomerKey> customer;
};

/// Resolves a write to bucket/key: the request's choice, else the bucket default (SSE-S3 when none); aws:kms
/// without a key id uses the bucket default's key, else the AWS managed alias/aws/s3 key. With ctx.kms == nullptr a
/// write that names no encryption is stored as sent (Mode::kNone). `action` ("s3:PutObject", ...) names the
/// request in AccessDenied messages. Errors: AccessDenied (SSE-C on a bucket that blocks it), InvalidArgument
/// (an encryption context on a write that is not SSE-KMS), NotImplemented (SSE-S3/SSE-KMS asked of a server
/// without KMS), and resolve_key_arn's errors as from_kms maps them (KMS.NotFoundException).
core::Result<Plan> resolve_write(Context& ctx, std::string_view bucket, std::string_view key, const WriteRequest& req,
                                 std::string_view action);

/// One blob's fresh data key: the 32 plaintext bytes (use, then drop) and their wrapped form (store).
struct DataKey {
  std::string plaintext;
  std::string wrapped;
};

/// A fresh data key for one blob under `plan`: KMS GenerateDataKey (SSE-KMS), the SSE-S3 master key (SSE-S3), or a
/// random key wrapped under the customer key (SSE-C). Empty for Mode::kNone. Errors: from_kms's (GenerateDataKey).
core::Result<DataKey> new_data_key(Context& ctx, const Plan& plan);

/// The `encryption` field of a record whose one blob was sealed with `key` under `plan` ("" for Mode::kNone).
std::string stored_envelope(const Plan& plan, const DataKey& key);

/// A CipherBlobs over ctx.blobs that seals new blobs with `key` (passes them through for Mode::kNone).
std::unique_ptr<CipherBlobs> sealing_blobs(Context& ctx, const DataKey& key);

/// May `customer` (the request's SSE-C key, if any) read data under `stored`? Errors: InvalidRequest "The object
/// was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the
/// object." (SSE-C object, no key), InvalidRequest "The encryption parameters are not applicable to this object."
/// (a key for an object that is not SSE-C), AccessDenied "…must provide the correct secret key." (another key).
core::Result<void> check_read(const Envelope& stored, const std::optional<CustomerKey>& customer);

/// UploadPart / UploadPartCopy: does the part request's SSE-C key match its upload's? Errors: InvalidRequest "The
/// multipart upload initiate requested encryption. Subsequent part requests must include the appropriate
/// encryption parameters." (a key missing, or sent for an upload without SSE-C), InvalidRequest "The provided
/// encryption parameters did not match the ones used originally." (another key).
core::Result<void> check_part_key(const Envelope& upload, const std::optional<CustomerKey>& customer);

/// Adds to `blobs` the data keys of the segments of `object` that overlap [offset, offset+length) (at least the
/// first segment, so that a read of an empty range still needs the key as in S3). Call check_read first. Errors:
/// from_kms's (Decrypt), AccessDenied (SSE-C key that does not open), InternalError (a damaged envelope).
core::Result<void> load_read_keys(Context& ctx, CipherBlobs& blobs, const store::ObjectRecord& object,
                                  const Envelope& stored, const std::optional<CustomerKey>& customer, uint64_t offset,
                                  uint64_t length);

/// The plaintext of bytes [offset, offset+length) of `object` as a stream that owns its keys (they are wiped
/// when it is destroyed). The stream throws TamperedBlob if a chunk does not authenticate. Errors: as
/// load_read_keys.
core::Result<std::unique_ptr<http::BodyStream>> open_object(Context& ctx, const store::ObjectRecord& object,
                                                            const Envelope& stored,
                                                            const std::optional<CustomerKey>& customer,
                                                            uint64_t offset, uint64_t length);

/// The envelope of a completed multipart object: the upload's settings with each listed part's wrapped key, in
/// segment order. `part_envelopes` are the parts' `encryption` fields in that order. Errors: InternalError (a
/// part encrypted differently from its upload).
core::Result<std::string> assemble_envelope(std::string_view upload_envelope,
                                            const std::vector<std::string>& part_envelopes);

}  // namespace podbucket::s3::encryption
