#pragma once
// AwsError: the one error value every layer returns. It carries its wire identity (code + HTTP status), a
// client-safe message, and optional extras (resource, extra XML/JSON fields, extra headers). Rendering into
// bytes happens only in api/render_error.*, per protocol.
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::core {

/// A catalog entry: the AWS error code string and its HTTP status. Each service keeps its own catalog
/// (s3/errors.h, ...); the codes shared by every service live below.
struct ErrorCode {
  std::string_view code;
  int http_status;
};

/// An AWS error as a value. `fields` are extra elements AWS puts in the error body (for example
/// `StringToSign` on SignatureDoesNotMatch, `Key` on NoSuchKey); `headers` are extra response headers
/// (for example `Allow` on MethodNotAllowed).
class AwsError {
 public:
  AwsError(ErrorCode code, std::string message, std::string resource = {})
      : code_(code), message_(std::move(message)), resource_(std::move(resource)) {}

  std::string_view code() const { return code_.code; }
  int http_status() const { return code_.http_status; }
  const ErrorCode& catalog_entry() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& resource() const { return resource_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  /// Adds an extra body element, in order. Returns *this for chaining.
  AwsError& with_field(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  /// Adds an extra response header. Returns *this for chaining.
  AwsError& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  bool is(const ErrorCode& other) const { return code_.code == other.code; }

 private:
  ErrorCode code_;
  std::string message_;
  std::string resource_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

/// Thrown only where a Result cannot travel: from inside a streaming body (BodySource::read) when the
/// payload turns out to be invalid mid-stream (bad chunk signature, truncated body). The edge catches it
/// and renders the AwsError like any other.
class AwsException : public std::exception {
 public:
  explicit AwsException(AwsError error) : error_(std::move(error)) {}
  const AwsError& error() const { return error_; }
  const char* what() const noexcept override { return error_.message().c_str(); }

 private:
  AwsError error_;
};

// Codes shared by every service (each service's own codes live in its errors.h).
inline constexpr ErrorCode kAccessDenied{"AccessDenied", 403};
inline constexpr ErrorCode kSignatureDoesNotMatch{"SignatureDoesNotMatch", 403};
inline constexpr ErrorCode kInvalidAccessKeyId{"InvalidAccessKeyId", 403};
inline constexpr ErrorCode kRequestTimeTooSkewed{"RequestTimeTooSkewed", 403};
inline constexpr ErrorCode kAuthorizationHeaderMalformed{"AuthorizationHeaderMalformed", 400};
inline constexpr ErrorCode kAuthorizationQueryParametersError{"AuthorizationQueryParametersError", 400};
inline constexpr ErrorCode kExpiredToken{"ExpiredToken", 400};
inline constexpr ErrorCode kInvalidToken{"InvalidToken", 400};
inline constexpr ErrorCode kMissingSecurityHeader{"MissingSecurityHeader", 400};
inline constexpr ErrorCode kInvalidRequest{"InvalidRequest", 400};
inline constexpr ErrorCode kInvalidArgument{"InvalidArgument", 400};
inline constexpr ErrorCode kIncompleteBody{"IncompleteBody", 400};
inline constexpr ErrorCode kXAmzContentSHA256Mismatch{"XAmzContentSHA256Mismatch", 400};
inline constexpr ErrorCode kBadDigest{"BadDigest", 400};
inline constexpr ErrorCode kInvalidDigest{"InvalidDigest", 400};
inline constexpr ErrorCode kRequestHeaderSectionTooLarge{"RequestHeaderSectionTooLarge", 400};
inline constexpr ErrorCode kRequestTimeout{"RequestTimeout", 400};
inline constexpr ErrorCode kMethodNotAllowed{"MethodNotAllowed", 405};
inline constexpr ErrorCode kNotImplemented{"NotImplemented", 501};
inline constexpr ErrorCode kInternalError{"InternalError", 500};
inline constexpr ErrorCode kServiceUnavailable{"ServiceUnavailable", 503};

}  // namespace podbucket::core
