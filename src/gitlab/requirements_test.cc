// The requirement table: well formed, true to the spec's per-component tables, and decided against the seed's
// policies exactly as the spec's gap analysis says (verbatim: Abort and backups ListBucket missing; fixed: none).
#include "gitlab/requirements.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "gitlab/layout.h"
#include "gitlab/test_util.h"

namespace podbucket::gitlab {
namespace {

std::set<std::string> actions_of(std::string_view component, std::string_view suffix) {
  std::set<std::string> out;
  for (const auto& r : requirements())
    if (r.component == component && std::find(r.buckets.begin(), r.buckets.end(), suffix) != r.buckets.end())
      out.insert(std::string(r.action));
  return out;
}

TEST(Requirements, RowsAreWellFormed) {
  const auto& suffixes = bucket_suffixes();
  for (const auto& r : requirements()) {
    SCOPED_TRACE(std::string(r.component) + " " + std::string(r.operation));
    EXPECT_TRUE(std::any_of(components().begin(), components().end(),
                            [&](const Component& c) { return c.name == r.component; }));
    EXPECT_TRUE(r.action.starts_with("s3:"));
    EXPECT_FALSE(r.buckets.empty());
    for (auto b : r.buckets) EXPECT_NE(std::find(suffixes.begin(), suffixes.end(), b), suffixes.end()) << b;
    EXPECT_EQ(r.scope == Scope::kObject, !r.key.empty());
    EXPECT_FALSE(r.why.empty());
    bool bucket_action = r.action == "s3:ListBucket" || r.action == "s3:ListBucketMultipartUploads";
    EXPECT_EQ(r.scope == Scope::kBucket, bucket_action);
  }
  for (const auto& c : components()) {
    EXPECT_TRUE(std::any_of(requirements().begin(), requirements().end(),
                            [&](const Requirement& r) { return r.component == c.name; }))
        << c.name;
  }
}

TEST(Requirements, FollowTheSpecPerComponent) {
  // Registry: exactly the distribution driver's permission scopes (the seed's registry policy, spec 2).
  EXPECT_EQ(actions_of("registry", "registry"),
            (std::set<std::string>{"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetObject", "s3:PutObject",
                                   "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"}));
  for (const char* bucket : {"lfs", "artifacts", "uploads", "packages"}) {
    EXPECT_EQ(actions_of("workhorse", bucket),
              (std::set<std::string>{"s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject"}));
    EXPECT_EQ(actions_of("rails", bucket), (std::set<std::string>{"s3:PutObject", "s3:GetObject", "s3:DeleteObject",
                                                                  "s3:ListBucket", "s3:AbortMultipartUpload"}));
  }
  // Backups: upload, abort, prune (list + delete); restore reads.
  EXPECT_EQ(actions_of("toolbox-backup", "backups"),
            (std::set<std::string>{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListBucket", "s3:DeleteObject"}));
  EXPECT_EQ(actions_of("toolbox-restore", "backups"), (std::set<std::string>{"s3:GetObject"}));
  EXPECT_EQ(actions_of("toolbox-restore", "tmp"),
            (std::set<std::string>{"s3:ListBucket", "s3:PutObject", "s3:AbortMultipartUpload"}));
  // Nobody but the toolbox touches backups and tmp; nobody but the registry and the toolbox the registry bucket.
  for (const char* component : {"rails", "workhorse", "registry"}) {
    EXPECT_TRUE(actions_of(component, "backups").empty()) << component;
    EXPECT_TRUE(actions_of(component, "tmp").empty()) << component;
  }
  EXPECT_TRUE(actions_of("rails", "registry").empty());
  EXPECT_TRUE(actions_of("workhorse", "registry").empty());
}

TEST(Requirements, ExpandsToOneCheckPerBucket) {
  auto checks = expand_checks("p");
  size_t expected = 0;
  for (const auto& r : requirements()) expected += r.buckets.size();
  ASSERT_EQ(checks.size(), expected);
  EXPECT_EQ(checks.front().requirement->component, "rails");
  EXPECT_EQ(checks.back().requirement->component, "toolbox-restore");
  for (const auto& c : checks) {
    if (c.requirement->scope == Scope::kBucket) {
      EXPECT_EQ(c.resource, "arn:aws:s3:::" + c.bucket);
    } else {
      EXPECT_EQ(c.resource, "arn:aws:s3:::" + c.bucket + "/" + std::string(c.requirement->key));
    }
    EXPECT_TRUE(c.bucket.starts_with("p-"));
  }
}

TEST(Requirements, FixedPoliciesAllowEverything) {
  Layout fixed("p", testing::kAccount, testing::kKeyArn, false);
  auto results = run_checks(expand_checks("p"), testing::local_simulator(fixed));
  ASSERT_TRUE(results);
  for (const auto& r : *results) {
    EXPECT_EQ(r.verdict.decision, Decision::kAllowed)
        << r.check.requirement->component << " " << r.check.requirement->action << " " << r.check.resource;
  }
}

TEST(Requirements, SeedPoliciesMissExactlyTheSpecsGaps) {
  Layout exact("p", testing::kAccount, testing::kKeyArn, true);
  auto results = run_checks(expand_checks("p"), testing::local_simulator(exact));
  ASSERT_TRUE(results);
  std::set<std::pair<std::string, std::string>> denied;  // (action, bucket)
  for (const auto& r : *results)
    if (r.verdict.decision != Decision::kAllowed) denied.insert({std::string(r.check.requirement->action), r.check.bucket});
  std::set<std::pair<std::string, std::string>> expected = {{"s3:ListBucket", "p-backups"}};
  for (const char* b : {"p-lfs", "p-artifacts", "p-uploads", "p-packages", "p-backups", "p-tmp"})
    expected.insert({"s3:AbortMultipartUpload", b});
  EXPECT_EQ(denied, expected);
}

}  // namespace
}  // namespace podbucket::gitlab
