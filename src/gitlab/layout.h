#pragma once
// The seed's GitLab layout (fixtures/gitlab-seed/main.tf + assoc.sh), in one place: the seven buckets, the
// cluster and its add-on, the role and its trust policy, the four policies (verbatim, or with the seed's gaps
// fixed), the Pod Identity association, and the lifecycle rule that keeps versioned buckets bounded.
// `podbucket up` provisions it, `podbucket gitlab values` points GitLab at it, `podbucket gitlab check` checks it.
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::gitlab {

/// The bucket suffixes, in the seed's order.
inline const std::vector<std::string>& bucket_suffixes() {
  static const std::vector<std::string> kSuffixes = {"registry", "lfs",      "artifacts", "uploads",
                                                     "packages", "backups", "tmp"};
  return kSuffixes;
}

inline constexpr std::string_view kDefaultNamePrefix = "example-gitlab-eks";
inline constexpr std::string_view kClusterName = "gitlab-cluster-blog";
inline constexpr std::string_view kAddonName = "eks-pod-identity-agent";
inline constexpr std::string_view kNamespace = "gitlab";
inline constexpr std::string_view kServiceAccount = "gitlab-global";

/// One fix to the seed's policies, with the GitLab operation it unblocks (docs/gitlab.md lists the same).
struct PolicyFix {
  std::string policy;     // which of the four policies
  std::string change;     // what was added
  std::string unblocks;   // the GitLab operation that fails without it
};

/// One customer-managed policy: its name and JSON document.
struct Policy {
  std::string name;      // "<prefix>-s3-policy", ...
  std::string document;  // IAM policy JSON
};

/// The layout for a name prefix.
class Layout {
 public:
  /// `kms_key_arn`: the ARN of the account's aws/s3 key (the seed looks it up with data "aws_kms_key").
  /// `seed_exact`: the seed's policies verbatim, gaps included.
  Layout(std::string name_prefix, std::string account_id, std::string kms_key_arn, bool seed_exact);

  const std::string& name_prefix() const { return prefix_; }
  /// "<prefix>-<suffix>" for each suffix.
  std::vector<std::string> bucket_names() const;
  std::string bucket(std::string_view suffix) const { return prefix_ + "-" + std::string(suffix); }
  /// "<prefix>-eks-global" (the seed's `${var.prefix}` read as name_prefix).
  std::string role_name() const { return prefix_ + "-eks-global"; }
  std::string role_arn() const { return "arn:aws:iam::" + account_id_ + ":role/" + role_name(); }
  /// The trust policy: Service pods.eks.amazonaws.com may sts:AssumeRole and sts:TagSession.
  static std::string trust_policy();
  /// The four policies, in the seed's order (s3, backups, registry, kms).
  std::vector<Policy> policies() const;
  /// The fixes applied unless seed_exact (empty when seed_exact).
  std::vector<PolicyFix> fixes() const;
  /// A PutBucketLifecycleConfiguration body: noncurrent versions expire after `noncurrent_days`, expired delete
  /// markers are removed, incomplete multipart uploads are aborted after `abort_days`.
  static std::string lifecycle_configuration(int noncurrent_days = 30, int abort_days = 7);

 private:
  std::string prefix_;
  std::string account_id_;
  std::string kms_key_arn_;
  bool seed_exact_;
};

}  // namespace podbucket::gitlab
