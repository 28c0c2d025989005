#pragma once
// IAM's string-level checks of policy elements, with its exact MalformedPolicyDocument messages. Internal.
// Messages and their order follow IAM as reproduced by moto's policy_validation (aws-semantics spec 1.7).
#include <optional>
#include <string>
#include <string_view>

namespace podbucket::policy::detail {

/// The message IAM gives for a malformed Resource / NotResource entry (not ARN, bad partition, unqualified vendor,
/// region in an S3 or IAM ARN, bad IAM resource path), or nullopt when the entry passes.
std::optional<std::string> resource_format_error(std::string_view resource);

/// IAM's "legacy parsing" of a resource entry: an ARN with "::" needs all six components and a vendor.
bool legacy_resource_ok(std::string_view resource);

/// The message for a malformed Action / NotAction entry (no vendor, two colons, bad vendor), or nullopt.
std::optional<std::string> action_error(std::string_view action);

/// True if `value` is an acceptable "AWS" principal: "*", a 12-digit account id, or an IAM / STS ARN.
bool valid_aws_principal(std::string_view value);

/// True if `value` is 12 ASCII digits.
bool is_account_id(std::string_view value);

}  // namespace podbucket::policy::detail
