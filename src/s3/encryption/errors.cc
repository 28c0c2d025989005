#include "s3/encryption/errors.h"

namespace podbucket::s3::encryption {

core::AwsError invalid_argument(std::string message, std::string_view name, std::string_view value) {
  return core::AwsError(core::kInvalidArgument, std::move(message))
      .with_field("ArgumentName", std::string(name))
      .with_field("ArgumentValue", std::string(value));
}

core::AwsError from_kms(const core::AwsError& e, std::string_view action, std::string_view key_arn,
                        std::string_view caller_arn) {
  const std::string_view code = e.code();
  auto message_or = [&](std::string fallback) { return e.message().empty() ? fallback : e.message(); };
  const std::string arn(key_arn);
  if (code == "NotFoundException") return core::AwsError(kKmsNotFound, message_or("Invalid keyId " + arn));
  if (code == "DisabledException") return core::AwsError(kKmsDisabled, message_or(arn + " is disabled."));
  if (code == "KMSInvalidStateException") {
    return core::AwsError(kKmsInvalidState, message_or(arn + " is pending deletion."));
  }
  if (code == "InvalidKeyUsageException") {
    return core::AwsError(kKmsInvalidKeyUsage, message_or(arn + " is not a symmetric encryption key."));
  }
  if (code == "AccessDeniedException" || code == "AccessDenied") {
    return core::AwsError(core::kAccessDenied,
                          message_or("User: " + std::string(caller_arn) + " is not authorized to perform: " +
                                     std::string(action) + " on resource: " + std::string(key_arn) +
                                     " because no resource-based policy allows the " + std::string(action) +
                                     " action"));
  }
  if (e.http_status() == 503 || code == "KeyUnavailableException" || code == "DependencyTimeoutException") {
    return core::AwsError(core::kServiceUnavailable, "Please reduce your request rate.");
  }
  // InvalidCiphertextException and the rest: the stored envelope no longer opens, or KMS failed inside.
  return core::AwsError(core::kInternalError, "We encountered an internal error. Please try again.");
}

}  // namespace podbucket::s3::encryption
