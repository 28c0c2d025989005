#include "sigv4/errors.h"

namespace podbucket::sigv4 {

std::string_view signature_mismatch_message(std::string_view service) {
  if (service == "s3") {
    return "The request signature we calculated does not match the signature you provided. Check your key and "
           "signing method.";
  }
  return "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
         "Access Key and signing method. Consult the service documentation for details.";
}

core::AwsError header_malformed(std::string_view detail) {
  return core::AwsError(core::kAuthorizationHeaderMalformed,
                        "The authorization header is malformed; " + std::string(detail));
}

core::AwsError query_malformed(std::string_view message) {
  return core::AwsError(core::kAuthorizationQueryParametersError, std::string(message));
}

core::AwsError unknown_access_key(std::string_view service) {
  if (service == "s3") {
    return core::AwsError(core::kInvalidAccessKeyId,
                          "The AWS Access Key Id you provided does not exist in our records.");
  }
  if (service == "iam" || service == "sts") {
    return core::AwsError(kInvalidClientTokenId, "The security token included in the request is invalid.");
  }
  return core::AwsError(kUnrecognizedClientException, "The security token included in the request is invalid.");
}

core::AwsError invalid_token(std::string_view service) {
  if (service == "s3") {
    return core::AwsError(core::kInvalidToken, "The provided token is malformed or otherwise invalid.");
  }
  if (service == "iam" || service == "sts") {
    return core::AwsError(kInvalidClientTokenId, "The security token included in the request is invalid.");
  }
  return core::AwsError(kUnrecognizedClientException, "The security token included in the request is invalid.");
}

core::AwsError expired_token(std::string_view service) {
  if (service == "s3") return core::AwsError(core::kExpiredToken, "The provided token has expired.");
  return core::AwsError(core::kExpiredToken, "The security token included in the request is expired");
}

core::AwsError unsupported_mechanism() {
  return core::AwsError(core::kInvalidRequest,
                        "The authorization mechanism you have provided is not supported. Please use "
                        "AWS4-HMAC-SHA256.");
}

}  // namespace podbucket::sigv4
