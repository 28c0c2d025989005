#pragma once
// Provisions the seed's GitLab layout (gitlab/layout.h) on a podbucket server through its own APIs, signed as the
// root user, exactly as Terraform and the seed's two `aws eks` commands would: idempotent, so `podbucket up` can
// run it on every start.
#include <string>
#include <vector>

#include "cli/aws_caller.h"
#include "core/result.h"
#include "gitlab/layout.h"

namespace podbucket::cli {

struct ProvisionOptions {
  std::string name_prefix{gitlab::kDefaultNamePrefix};
  bool seed_exact = false;  // the seed's policies verbatim (gaps included)
  std::string account_id;
  int noncurrent_days = 30;  // lifecycle: noncurrent versions expire after this many days
  int abort_days = 7;        // lifecycle: incomplete multipart uploads are aborted after this many days
};

/// What provisioning did and found.
struct ProvisionResult {
  std::string kms_key_arn;   // the aws/s3 key
  std::string role_arn;
  std::string association_id;
  std::vector<std::string> buckets;
  std::vector<gitlab::PolicyFix> fixes;  // applied to the seed's policies (empty with seed_exact)
};

/// Creates what is missing and brings what exists in line: cluster + add-on, the aws/s3 key, seven buckets with
/// versioning, default SSE-KMS, Block Public Access and the lifecycle rule, the four policies (a new default version
/// when a document differs) and the role with its trust policy and attachments, and the association.
/// Errors: the first failing call, as InternalError "<step>: HTTP <status> <code>: <message>", or a transport error.
core::Result<ProvisionResult> provision_gitlab(AwsCaller& aws, const ProvisionOptions& options);

}  // namespace podbucket::cli
