#pragma once
// Error codes the policy module returns. parse() reports IAM's code; parse_resource_policy() reports the code its
// caller passes (S3 MalformedPolicy, KMS MalformedPolicyDocumentException).
#include "core/error.h"

namespace podbucket::policy {

using core::ErrorCode;

/// IAM and STS: a policy document that fails validation (HTTP 400).
inline constexpr ErrorCode kMalformedPolicyDocument{"MalformedPolicyDocument", 400};

}  // namespace podbucket::policy
