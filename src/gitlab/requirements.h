#pragma once
// What each GitLab component asks of S3, as one table: per component, every operation it sends, the IAM action
// that operation needs and the buckets it touches (spec gitlab-object-storage.md sections 1 and 2). `podbucket
// gitlab check` simulates every row against every bucket; docs/gitlab.md quotes the same rows.
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::gitlab {

/// A GitLab component that talks to S3 with the role's credentials.
struct Component {
  std::string_view name;         // "rails", "workhorse", "registry", "toolbox-backup", "toolbox-restore"
  std::string_view description;  // what it is and which client library it uses
};

/// The components, in report order.
const std::vector<Component>& components();

/// Whether an action applies to the bucket ARN or to an object ARN.
enum class Scope { kBucket, kObject };

/// One operation of one component: the S3 request, its IAM action, and the buckets (suffixes) it is sent to.
struct Requirement {
  std::string_view component;  // Component::name
  std::string_view operation;  // the S3 API call(s), e.g. "AbortMultipartUpload"
  std::string_view action;     // the IAM action it needs, e.g. "s3:AbortMultipartUpload"
  Scope scope;
  std::vector<std::string_view> buckets;  // bucket suffixes (bucket_suffixes() in layout.h)
  std::string_view key;                   // a key GitLab really uses there (object scope), for the resource ARN
  std::string_view why;                   // what GitLab does with it, and what breaks without it
};

/// The table, grouped by component in components() order.
const std::vector<Requirement>& requirements();

/// One (requirement, bucket) pair with its resource ARN: arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY.
struct Check {
  const Requirement* requirement;  // points into requirements()
  std::string bucket;              // full bucket name
  std::string resource;            // the ARN simulated
};

/// Every row against every bucket it names, for buckets "<name_prefix>-<suffix>", in table order.
std::vector<Check> expand_checks(std::string_view name_prefix);

}  // namespace podbucket::gitlab
