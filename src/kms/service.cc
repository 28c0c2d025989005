#include "kms/service.h"

#include <array>
#include <utility>

#include "kms/authorize.h"
#include "kms/errors.h"
#include "kms/keyring.h"
#include "kms/operations.h"
#include "kms/s3_key_service.h"
#include "observe/request_parameters.h"

namespace podbucket::kms {
namespace {

struct Operation {
  std::string_view name;
  ops::Handler handler;
};

// Every KMS operation podbucket answers; the rest get UnknownOperationException.
constexpr std::array kOperations{
    // Keys
    Operation{"CreateKey", ops::create_key},
    Operation{"DescribeKey", ops::describe_key},
    Operation{"ListKeys", ops::list_keys},
    Operation{"EnableKey", ops::enable_key},
    Operation{"DisableKey", ops::disable_key},
    Operation{"ScheduleKeyDeletion", ops::schedule_key_deletion},
    Operation{"CancelKeyDeletion", ops::cancel_key_deletion},
    Operation{"UpdateKeyDescription", ops::update_key_description},
    // Key policies and tags
    Operation{"GetKeyPolicy", ops::get_key_policy},
    Operation{"PutKeyPolicy", ops::put_key_policy},
    Operation{"ListKeyPolicies", ops::list_key_policies},
    Operation{"TagResource", ops::tag_resource},
    Operation{"UntagResource", ops::untag_resource},
    Operation{"ListResourceTags", ops::list_resource_tags},
    // Aliases
    Operation{"CreateAlias", ops::create_alias},
    Operation{"UpdateAlias", ops::update_alias},
    Operation{"DeleteAlias", ops::delete_alias},
    Operation{"ListAliases", ops::list_aliases},
    // Rotation
    Operation{"EnableKeyRotation", ops::enable_key_rotation},
    Operation{"DisableKeyRotation", ops::disable_key_rotation},
    Operation{"GetKeyRotationStatus", ops::get_key_rotation_status},
    Operation{"RotateKeyOnDemand", ops::rotate_key_on_demand},
    Operation{"ListKeyRotations", ops::list_key_rotations},
    // Cryptographic operations
    Operation{"Encrypt", ops::encrypt},
    Operation{"Decrypt", ops::decrypt},
    Operation{"ReEncrypt", ops::re_encrypt},
    Operation{"GenerateDataKey", ops::generate_data_key},
    Operation{"GenerateDataKeyWithoutPlaintext", ops::generate_data_key_without_plaintext},
    Operation{"GenerateRandom", ops::generate_random},
};

const Operation* find_operation(std::string_view name) {
  for (const Operation& op : kOperations)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace

struct KmsService::Impl {
  Impl(store::Documents& docs, iam::Authorizer& authorizer, const core::Clock& clock, core::Random& random,
       std::string root_key, std::string account_id, std::string region)
      : keys(docs, clock, random, std::move(root_key), std::move(account_id), std::move(region)),
        authz(authorizer),
        s3(keys, authz, clock, random),
        clock(clock),
        random(random) {}

  Keyring keys;
  KeyAuthorizer authz;
  S3KeyService s3;
  const core::Clock& clock;
  core::Random& random;
};

KmsService::KmsService(store::Documents& docs, iam::Authorizer& authorizer, const core::Clock& clock,
                       core::Random& random, std::string root_key, std::string account_id, std::string region)
    : impl_(std::make_unique<Impl>(docs, authorizer, clock, random, std::move(root_key), std::move(account_id),
                                   std::move(region))) {}

KmsService::~KmsService() = default;

KeyService& KmsService::key_service() { return impl_->s3; }

std::string_view KmsService::operation_name(const http::Request& req) {
  auto target = req.headers.get("X-Amz-Target");
  if (!target) return {};
  constexpr std::string_view kPrefix = "TrentService.";
  if (target->substr(0, kPrefix.size()) != kPrefix) return {};
  return target->substr(kPrefix.size());
}

core::Result<http::Response> KmsService::handle(const iam::Call& call, http::Request& req) {
  std::string_view name = operation_name(req);
  const Operation* op = find_operation(name);
  if (op == nullptr) {
    std::string target(req.headers.get("X-Amz-Target").value_or(""));
    return core::AwsError(kUnknownOperationException, target.empty() ? "Missing X-Amz-Target header."
                                                                     : "Unknown operation " + target);
  }
  if (req.method != "POST") return core::AwsError(kUnknownOperationException, "KMS operations use POST.");
  auto body = http::read_all(*req.body, kMaxRequestBody);
  if (!body)
    return core::AwsError(kValidationException,
                          "The request body is larger than " + std::to_string(kMaxRequestBody) + " bytes.");
  auto in = parse_body(*body);
  if (!in) return in.error();
  observe::record_json_parameters(*in);  // the audit trail's requestParameters (Plaintext, CiphertextBlob redacted)
  ops::Env env{impl_->keys, impl_->authz, impl_->clock, impl_->random, call};
  auto out = op->handler(env, *in);
  if (!out) return out.error();
  http::Response res;
  res.status = 200;
  res.headers.set("Content-Type", "application/x-amz-json-1.1");
  res.headers.set("x-amzn-RequestId", std::string(call.request_id));
  res.body = out->is_null() ? std::string() : out->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace podbucket::kms
