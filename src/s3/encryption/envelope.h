#pragma once
// What a record keeps about its encryption, as the opaque JSON of ObjectRecord / UploadRecord / PartRecord
// `encryption`: the mode, the KMS key, the encryption context the data keys are bound to, and the wrapped data keys
// (one per segment of an object, one for a part, none for an upload). No plaintext key is ever in it.
//
//   {"v":1,"sse":"aws:kms","kms_key":"arn:aws:kms:…","bucket_key":false,"ctx":{"aws:s3:arn":"arn:aws:s3:::b/k"},
//    "echo_ctx":false,"check":"<base64>","keys":["<base64>",…]}
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kms/key_service.h"
#include "s3/encryption/request.h"

namespace podbucket::s3::encryption {

struct Envelope {
  Mode mode = Mode::kNone;
  std::string kms_key_arn;      // kKms: the full key ARN (what responses name)
  bool bucket_key = false;      // kKms: an S3 Bucket Key is used (context = the bucket ARN)
  kms::EncryptionContext context;  // what every data key of this record is bound to
  bool echo_context = false;    // the writer sent x-amz-server-side-encryption-context: echo it on the write
  std::string customer_check;   // kCustomer: nonce || GCM tag over nothing under the customer key (a salted MAC)
  std::vector<std::string> keys;  // wrapped data keys (raw bytes)
};

/// The JSON form; "" for Mode::kNone.
std::string to_json(const Envelope& envelope);
/// Parses to_json's output; "" is Mode::kNone. Errors: InternalError (a damaged record).
core::Result<Envelope> from_json(std::string_view json);

/// "arn:aws:s3:::BUCKET/KEY" and "arn:aws:s3:::BUCKET".
std::string object_arn(std::string_view bucket, std::string_view key);
std::string bucket_arn(std::string_view bucket);

}  // namespace podbucket::s3::encryption
