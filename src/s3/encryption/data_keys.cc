#include "s3/encryption/data_keys.h"

#include <nlohmann/json.hpp>

#include "crypto/aes_gcm.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/encryption/bucket_default.h"
#include "s3/encryption/errors.h"
#include "s3/errors.h"

namespace podbucket::s3::encryption {
namespace {

constexpr std::string_view kAwsManagedKey = "alias/aws/s3";
constexpr std::string_view kCustomerKeyAad = "podbucket/sse-c/data-key/v1 ";
constexpr std::string_view kCustomerCheckAad = "podbucket/sse-c/check/v1 ";

std::string via_service(const Context& ctx) { return "s3." + ctx.config.region + ".amazonaws.com"; }

std::string context_json(const kms::EncryptionContext& context) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : context) j[k] = v;  // std::map: sorted, so the text is canonical
  return j.dump();
}

/// nonce || AES-256-GCM(customer key, nonce, plaintext, aad): how SSE-C data keys and the key check are kept.
std::string customer_seal(Context& ctx, const CustomerKey& customer, std::string_view plaintext, std::string_view aad) {
  std::string nonce = ctx.random.bytes(crypto::kAesGcmNonceSize);
  return nonce + crypto::aes_gcm_seal(customer.key, nonce, plaintext, aad);
}

std::optional<std::string> customer_open(const CustomerKey& customer, std::string_view sealed, std::string_view aad) {
  if (sealed.size() < crypto::kAesGcmNonceSize + crypto::kAesGcmTagSize) return std::nullopt;
  return crypto::aes_gcm_open(customer.key, sealed.substr(0, crypto::kAesGcmNonceSize),
                              sealed.substr(crypto::kAesGcmNonceSize), aad);
}

core::AwsError no_keys() {
  return core::AwsError(core::kInternalError, "We encountered an internal error. Please try again.");
}

core::AwsError not_configured() {
  return core::AwsError(core::kNotImplemented, "Server-side encryption with AES256 or aws:kms is not configured on "
                                               "this server.")
      .with_field("Header", "x-amz-server-side-encryption");
}

core::AwsError wrong_customer_key() {
  return core::AwsError(core::kAccessDenied,
                        "Requests specifying Server Side Encryption with Customer provided keys must provide the "
                        "correct secret key.");
}

/// Unwraps one stored data key.
core::Result<std::string> unwrap(Context& ctx, const Envelope& stored, const std::optional<CustomerKey>& customer,
                                 std::string_view wrapped) {
  switch (stored.mode) {
    case Mode::kNone:
      return std::string();
    case Mode::kCustomer: {
      if (!customer) return wrong_customer_key();
      auto key = customer_open(*customer, wrapped, std::string(kCustomerKeyAad) + context_json(stored.context));
      if (!key) return wrong_customer_key();
      return std::move(*key);
    }
    case Mode::kS3: {
      if (ctx.kms == nullptr) return no_keys();
      auto key = ctx.kms->decrypt_sse_s3_key(wrapped, stored.context);
      if (!key) return no_keys();
      return std::move(*key);
    }
    case Mode::kKms: {
      if (ctx.kms == nullptr) return no_keys();
      auto key = ctx.kms->decrypt(ctx.caller, wrapped, stored.context, via_service(ctx));
      if (!key) return from_kms(key.error(), "kms:Decrypt", stored.kms_key_arn, ctx.caller.arn);
      return std::move(*key);
    }
  }
  return no_keys();
}

/// A BodyStream that keeps the CipherBlobs its inner stream reads from alive.
class OwningStream final : public http::BodyStream {
 public:
  OwningStream(std::unique_ptr<CipherBlobs> blobs, std::unique_ptr<http::BodyStream> inner)
      : blobs_(std::move(blobs)), inner_(std::move(inner)) {}
  ~OwningStream() override { inner_.reset(); }  // before the blobs it reads from
  size_t read(char* buf, size_t n) override { return inner_->read(buf, n); }

 private:
  std::unique_ptr<CipherBlobs> blobs_;
  std::unique_ptr<http::BodyStream> inner_;
};

}  // namespace

core::Result<Plan> resolve_write(Context& ctx, std::string_view bucket, std::string_view key, const WriteRequest& req,
                                 std::string_view action) {
  const BucketDefault defaults = load_bucket_default(ctx.meta, bucket);
  Plan plan;
  Envelope& e = plan.envelope;
  if (req.mode == Mode::kCustomer) {
    if (defaults.blocks_customer_keys()) {
      return core::AwsError(core::kAccessDenied,
                            "User: " + ctx.caller.arn + " is not authorized to perform: " + std::string(action) +
                                " on resource: \"" + object_arn(bucket, key) +
                                "\" because this bucket has blocked upload requests that specify Server Side "
                                "Encryption with Customer provided keys (SSE-C). Please specify a different "
                                "server-side encryption type");
    }
    if (req.user_context) return kms_required("null");
    e.mode = Mode::kCustomer;
    e.context["aws:s3:arn"] = object_arn(bucket, key);
    plan.customer = req.customer;
    e.customer_check = customer_seal(ctx, *req.customer, {}, std::string(kCustomerCheckAad) + context_json(e.context));
    return plan;
  }

  Mode mode = req.mode;
  if (mode == Mode::kNone) mode = defaults.algorithm == "aws:kms" ? Mode::kKms : Mode::kS3;
  if (req.user_context && mode != Mode::kKms) return kms_required(req.mode == Mode::kS3 ? "AES256" : "null");
  if (ctx.kms == nullptr) {
    if (req.mode != Mode::kNone || mode == Mode::kKms) return not_configured();
    return plan;  // stored as sent
  }
  e.mode = mode;
  if (mode == Mode::kS3) {
    e.context["aws:s3:arn"] = object_arn(bucket, key);
    return plan;
  }

  std::string key_id = req.kms_key_id;
  if (key_id.empty() && defaults.algorithm == "aws:kms") key_id = defaults.kms_key_id;
  if (key_id.empty()) key_id = std::string(kAwsManagedKey);
  auto arn = ctx.kms->resolve_key_arn(key_id);
  if (!arn) return from_kms(arn.error(), "kms:GenerateDataKey", key_id, ctx.caller.arn);
  e.kms_key_arn = std::move(*arn);
  e.bucket_key = req.bucket_key.value_or(defaults.bucket_key);
  if (req.user_context) {
    e.context = *req.user_context;
    e.echo_context = true;
  }
  // S3 appends its own pair to the context the client gave.
  e.context["aws:s3:arn"] = e.bucket_key ? bucket_arn(bucket) : object_arn(bucket, key);
  return plan;
}

core::Result<DataKey> new_data_key(Context& ctx, const Plan& plan) {
  const Envelope& e = plan.envelope;
  switch (e.mode) {
    case Mode::kNone:
      return DataKey{};
    case Mode::kCustomer: {
      DataKey out;
      out.plaintext = ctx.random.bytes(crypto::kAesGcmKeySize);
      out.wrapped = customer_seal(ctx, *plan.customer, out.plaintext,
                                  std::string(kCustomerKeyAad) + context_json(e.context));
      return out;
    }
    case Mode::kS3: {
      if (ctx.kms == nullptr) return not_configured();
      auto key = ctx.kms->generate_sse_s3_key(e.context);
      return DataKey{std::move(key.plaintext), std::move(key.ciphertext_blob)};
    }
    case Mode::kKms: {
      if (ctx.kms == nullptr) return not_configured();
      auto key = ctx.kms->generate_data_key(ctx.caller, e.kms_key_arn, e.context, via_service(ctx));
      if (!key) return from_kms(key.error(), "kms:GenerateDataKey", e.kms_key_arn, ctx.caller.arn);
      if (key->plaintext.size() != crypto::kAesGcmKeySize) return no_keys();
      return DataKey{std::move(key->plaintext), std::move(key->ciphertext_blob)};
    }
  }
  return no_keys();
}

std::string stored_envelope(const Plan& plan, const DataKey& key) {
  if (plan.envelope.mode == Mode::kNone) return {};
  Envelope e = plan.envelope;
  e.keys = {key.wrapped};
  return to_json(e);
}

std::unique_ptr<CipherBlobs> sealing_blobs(Context& ctx, const DataKey& key) {
  auto blobs = std::make_unique<CipherBlobs>(ctx.blobs);
  blobs->set_write_key(key.plaintext);
  return blobs;
}

core::Result<void> check_read(const Envelope& stored, const std::optional<CustomerKey>& customer) {
  if (stored.mode != Mode::kCustomer) {
    if (!customer) return {};
    return core::AwsError(core::kInvalidRequest, "The encryption parameters are not applicable to this object.");
  }
  if (!customer) {
    return core::AwsError(core::kInvalidRequest,
                          "The object was stored using a form of Server Side Encryption. The correct parameters must "
                          "be provided to retrieve the object.");
  }
  if (!customer_open(*customer, stored.customer_check,
                     std::string(kCustomerCheckAad) + context_json(stored.context))) {
    return wrong_customer_key();
  }
  return {};
}

core::Result<void> check_part_key(const Envelope& upload, const std::optional<CustomerKey>& customer) {
  if ((upload.mode == Mode::kCustomer) != customer.has_value()) {
    return core::AwsError(core::kInvalidRequest,
                          "The multipart upload initiate requested encryption. Subsequent part requests must include "
                          "the appropriate encryption parameters.");
  }
  if (customer && !customer_open(*customer, upload.customer_check,
                                 std::string(kCustomerCheckAad) + context_json(upload.context))) {
    return core::AwsError(core::kInvalidRequest,
                          "The provided encryption parameters did not match the ones used originally.");
  }
  return {};
}

core::Result<void> load_read_keys(Context& ctx, CipherBlobs& blobs, const store::ObjectRecord& object,
                                  const Envelope& stored, const std::optional<CustomerKey>& customer, uint64_t offset,
                                  uint64_t length) {
  if (stored.mode == Mode::kNone) return {};
  if (stored.keys.size() != object.segments.size()) return no_keys();
  auto add = [&](size_t i) -> core::Result<void> {
    auto key = unwrap(ctx, stored, customer, stored.keys[i]);
    if (!key) return key.error();
    if (key->size() != crypto::kAesGcmKeySize) return no_keys();
    blobs.add_read_key(object.segments[i].blob_id, std::move(*key), object.segments[i].size);
    return {};
  };
  const uint64_t end = offset + length;
  uint64_t at = 0;
  bool any = false;
  for (size_t i = 0; i < object.segments.size(); ++i) {
    const uint64_t size = object.segments[i].size;
    if (at < end && offset < at + size) {
      if (auto ok = add(i); !ok) return ok.error();
      any = true;
    }
    at += size;
  }
  if (!any && !object.segments.empty()) return add(0);
  return {};
}

core::Result<std::unique_ptr<http::BodyStream>> open_object(Context& ctx, const store::ObjectRecord& object,
                                                            const Envelope& stored,
                                                            const std::optional<CustomerKey>& customer,
                                                            uint64_t offset, uint64_t length) {
  auto blobs = std::make_unique<CipherBlobs>(ctx.blobs);
  if (auto ok = load_read_keys(ctx, *blobs, object, stored, customer, offset, length); !ok) return ok.error();
  auto inner = body::open_segments(*blobs, object.segments, offset, length);
  return std::unique_ptr<http::BodyStream>(std::make_unique<OwningStream>(std::move(blobs), std::move(inner)));
}

core::Result<std::string> assemble_envelope(std::string_view upload_envelope,
                                            const std::vector<std::string>& part_envelopes) {
  auto upload = from_json(upload_envelope);
  if (!upload) return upload.error();
  if (upload->mode == Mode::kNone) {
    for (const auto& p : part_envelopes)
      if (!p.empty()) return no_keys();
    return std::string();
  }
  Envelope object = *upload;
  object.keys.clear();
  for (const auto& p : part_envelopes) {
    auto part = from_json(p);
    if (!part) return part.error();
    if (part->mode != upload->mode || part->keys.size() != 1 || part->context != upload->context) return no_keys();
    object.keys.push_back(std::move(part->keys[0]));
  }
  return to_json(object);
}

}  // namespace podbucket::s3::encryption
