// evaluate(): explicit deny over allow over implicit deny, across identity, resource, boundary and session
// policies, in the same account and across accounts, with trust policies and KMS key policies (spec 1.6).
// Cases follow the examples of the AWS evaluation-logic pages.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#include <gtest/gtest.h>

#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

using testing::one;

// Documents, named for what they say.
#define DOC(statements) R"({"Version":"2012-10-17","Statement":[)" statements "]}"

constexpr const char* kAllowGet = DOC(R"({"Sid":"AllowGet","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kAllowS3 = DOC(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})");
constexpr const char* kDenyGet = DOC(R"({"Sid":"NoGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"})");
constexpr const char* kAllowIam = DOC(R"({"Effect":"Allow","Action":"iam:*","Resource":"*"})");
constexpr const char* kAllowPut = DOC(R"({"Effect":"Allow","Action":"s3:PutObject","Resource":"*"})");

constexpr const char* kBucketAllowsAlice = DOC(
    R"({"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsAccount = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsEveryone =
    DOC(R"({"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketDeniesGet =
    DOC(R"({"Sid":"Lock","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsRole = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsSession = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsCarol = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/carol"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketAllowsOtherAccount = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})");
constexpr const char* kBucketRequiresTls = DOC(
    R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},)"
    R"({"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}})");

constexpr const char* kDenyBoundary = DOC(R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*"})");

constexpr const char* kTrustPods = DOC(
    R"({"Action":["sts:AssumeRole","sts:TagSession"],"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"}})");
constexpr const char* kTrustAccount =
    DOC(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"})");
constexpr const char* kTrustAlice =
    DOC(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"})");
constexpr const char* kTrustCarol =
    DOC(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/carol"},"Action":"sts:AssumeRole"})");
constexpr const char* kTrustAccountDenyAlice = DOC(
    R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},)"
    R"({"Sid":"NotAlice","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"})");
constexpr const char* kAllowAssume =
    DOC(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/target"})");

constexpr const char* kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
// The AWS-managed aws/s3 key policy (spec 3): any principal of the account via S3; the root may only describe.
constexpr const char* kAwsS3KeyPolicy = DOC(
    R"({"Sid":"Allow access through S3 for all principals in the account that are authorized to use S3","Effect":"Allow","Principal":{"AWS":"*"},)"
    R"("Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",)"
    R"("Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}}},)"
    R"({"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
    R"("Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"})");
// A customer-managed key's default policy: "Enable IAM User Permissions".
constexpr const char* kCmkPolicy = DOC(
    R"({"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"})");
constexpr const char* kAllowKms = DOC(R"({"Effect":"Allow","Action":["kms:Decrypt","kms:Describe*"],"Resource":"*"})");
constexpr const char* kDenyKms = DOC(R"({"Effect":"Deny","Action":"kms:*","Resource":"*"})");

constexpr const char* kAllowAllButIam = DOC(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})");
constexpr const char* kOnlyBucketB = DOC(
    R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},)"
    R"({"Sid":"OnlyB","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})");
constexpr const char* kRequireMfa = DOC(
    R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
    R"({"Sid":"BlockMostAccessUnlessSignedInWithMFA","Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetSessionToken"],"Resource":"*",)"
    R"("Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}})");
constexpr const char* kWildActions = DOC(R"({"Effect":"Allow","Action":["S3:GET*","s3:List?ucket"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"]})");
constexpr const char* kDenyThenAllow = DOC(
    R"({"Sid":"D","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"})");

#undef DOC

constexpr std::string_view kObject = "arn:aws:s3:::b/k";
constexpr std::string_view kRole = "arn:aws:iam::111122223333:role/target";

struct EvalCase {
  std::string_view name;
  std::vector<const char*> identity;
  const char* resource = nullptr;  // bucket / trust / key policy
  const char* boundary = nullptr;
  std::vector<const char*> session;
  Caller caller;
  std::string_view action = "s3:GetObject";
  std::string_view target = kObject;
  std::vector<testing::Kv> context = {};
  ResourceMode mode = ResourceMode::kEither;
  std::string_view resource_account = "111122223333";
  bool root = false;
  Effect want = Effect::kAllow;
  PolicyType by = PolicyType::kIdentity;
  std::string_view policy = "";  // NamedPolicy name of the deciding statement ("" = don't check)
  std::string_view sid = "";
};

using testing::anonymous;
using testing::root;
using testing::service;
using testing::session;
using testing::user;
constexpr Effect A = Effect::kAllow, X = Effect::kExplicitDeny, I = Effect::kImplicitDeny;
constexpr PolicyType ID = PolicyType::kIdentity, RES = PolicyType::kResource, SES = PolicyType::kSession,
                     BND = PolicyType::kBoundary, NONE = PolicyType::kNone;

const Caller kAlice = user("alice");
const Caller kCarol = user("carol", testing::kOtherAccount);
const Caller kSession = session("r", "s");

const std::vector<EvalCase>& cases() {
  static const std::vector<EvalCase> kCases = {
      // Identity policies alone.
      {.name = "identity allow", .identity = {kAllowGet}, .caller = kAlice, .want = A, .by = ID, .policy = "identity#0", .sid = "AllowGet"},
      {.name = "nothing allows", .caller = kAlice, .want = I, .by = ID},
      {.name = "other action", .identity = {kAllowGet}, .caller = kAlice, .action = "s3:PutObject", .want = I, .by = ID},
      {.name = "deny in a second policy wins", .identity = {kAllowS3, kDenyGet}, .caller = kAlice, .want = X, .by = ID, .policy = "identity#1", .sid = "NoGet"},
      {.name = "deny before allow in one policy", .identity = {kDenyThenAllow}, .caller = kAlice, .action = "s3:DeleteObject", .want = X, .by = ID, .sid = "D"},
      {.name = "allow after an unrelated deny", .identity = {kDenyThenAllow}, .caller = kAlice, .want = A, .by = ID, .sid = "A"},
      {.name = "second policy allows", .identity = {kAllowIam, kAllowGet}, .caller = kAlice, .want = A, .by = ID, .policy = "identity#1"},

      // Same account, bucket policies (kEither).
      {.name = "bucket deny beats identity allow", .identity = {kAllowS3}, .resource = kBucketDeniesGet, .caller = kAlice, .want = X, .by = RES, .policy = "resource", .sid = "Lock"},
      {.name = "bucket policy naming the user grants alone", .resource = kBucketAllowsAlice, .caller = kAlice, .want = A, .by = RES, .sid = "Alice"},
      {.name = "bucket policy naming another user", .resource = kBucketAllowsAlice, .caller = user("bob"), .want = I, .by = ID},
      {.name = "bucket policy naming the account delegates", .resource = kBucketAllowsAccount, .caller = kAlice, .want = I, .by = ID},
      {.name = "delegation plus identity allow", .identity = {kAllowGet}, .resource = kBucketAllowsAccount, .caller = kAlice, .want = A, .by = ID},
      {.name = "public bucket policy grants a user", .resource = kBucketAllowsEveryone, .caller = kAlice, .want = A, .by = RES, .sid = "Public"},
      {.name = "bucket grant for another action", .resource = kBucketAllowsAlice, .caller = kAlice, .action = "s3:PutObject", .want = I, .by = ID},
      {.name = "TLS-only bucket over http", .identity = {kAllowS3}, .resource = kBucketRequiresTls, .caller = kAlice, .context = {one("aws:SecureTransport", "false")}, .want = X, .by = RES, .sid = "TlsOnly"},
      {.name = "TLS-only bucket over https", .identity = {kAllowS3}, .resource = kBucketRequiresTls, .caller = kAlice, .context = {one("aws:SecureTransport", "true")}, .want = A, .by = RES},

      // Cross-account: both sides must allow.
      {.name = "cross-account identity only", .identity = {kAllowGet}, .caller = kCarol, .want = I, .by = RES},
      {.name = "cross-account bucket only", .resource = kBucketAllowsCarol, .caller = kCarol, .want = I, .by = ID},
      {.name = "cross-account both", .identity = {kAllowGet}, .resource = kBucketAllowsCarol, .caller = kCarol, .want = A, .by = RES},
      {.name = "cross-account bucket names the account", .identity = {kAllowGet}, .resource = kBucketAllowsOtherAccount, .caller = kCarol, .want = A, .by = RES},
      {.name = "cross-account account named, no identity", .resource = kBucketAllowsOtherAccount, .caller = kCarol, .want = I, .by = ID},
      {.name = "cross-account public bucket still needs identity", .resource = kBucketAllowsEveryone, .caller = kCarol, .want = I, .by = ID},
      {.name = "cross-account identity deny", .identity = {kAllowS3, kDenyGet}, .resource = kBucketAllowsCarol, .caller = kCarol, .want = X, .by = ID},

      // Root user: allowed unless a resource policy denies.
      {.name = "root without policies", .caller = root(), .root = true, .want = A, .by = NONE},
      {.name = "root and a bucket deny", .resource = kBucketDeniesGet, .caller = root(), .root = true, .want = X, .by = RES},
      {.name = "root ignores identity denies", .identity = {kDenyGet}, .caller = root(), .root = true, .want = A, .by = NONE},
      {.name = "root of another account needs the bucket policy", .caller = root(testing::kOtherAccount), .root = true, .want = I, .by = RES},
      {.name = "root of another account named", .resource = kBucketAllowsOtherAccount, .caller = root(testing::kOtherAccount), .root = true, .want = A, .by = RES},

      // Anonymous: only a resource policy naming everyone.
      {.name = "anonymous without bucket policy", .caller = anonymous(), .want = I, .by = RES},
      {.name = "anonymous and a public bucket", .resource = kBucketAllowsEveryone, .caller = anonymous(), .want = A, .by = RES},
      {.name = "anonymous and an account grant", .resource = kBucketAllowsAccount, .caller = anonymous(), .want = I, .by = RES},
      {.name = "anonymous and a deny", .resource = kBucketDeniesGet, .caller = anonymous(), .want = X, .by = RES},
      {.name = "anonymous ignores identity policies", .identity = {kAllowS3}, .caller = anonymous(), .want = I, .by = RES},

      // Permissions boundaries: identity ∩ boundary.
      {.name = "boundary allows", .identity = {kAllowGet}, .boundary = kAllowS3, .caller = kAlice, .want = A, .by = ID},
      {.name = "boundary does not allow", .identity = {kAllowGet}, .boundary = kAllowIam, .caller = kAlice, .want = I, .by = BND, .policy = "boundary"},
      {.name = "boundary alone grants nothing", .boundary = kAllowS3, .caller = kAlice, .want = I, .by = ID},
      {.name = "boundary deny", .identity = {kAllowS3}, .boundary = kDenyBoundary, .caller = kAlice, .want = X, .by = BND},
      {.name = "bucket naming the user is not limited by the boundary", .resource = kBucketAllowsAlice, .boundary = kAllowIam, .caller = kAlice, .want = A, .by = RES},
      {.name = "bucket naming the role is limited by the boundary", .resource = kBucketAllowsRole, .boundary = kAllowIam, .caller = kSession, .want = I, .by = BND},

      // Session policies: identity ∩ session.
      {.name = "session policy allows", .identity = {kAllowS3}, .session = {kAllowGet}, .caller = kSession, .want = A, .by = ID},
      {.name = "session policy does not allow", .identity = {kAllowS3}, .session = {kAllowPut}, .caller = kSession, .want = I, .by = SES},
      {.name = "session policy alone grants nothing", .session = {kAllowS3}, .caller = kSession, .want = I, .by = ID},
      {.name = "any of several session policies", .identity = {kAllowS3}, .session = {kAllowPut, kAllowGet}, .caller = kSession, .want = A, .by = ID},
      {.name = "session policy deny", .identity = {kAllowS3}, .session = {kAllowS3, kDenyGet}, .caller = kSession, .want = X, .by = SES, .policy = "session#1"},
      {.name = "bucket naming the session is not filtered", .resource = kBucketAllowsSession, .session = {kAllowPut}, .caller = kSession, .want = A, .by = RES},
      {.name = "bucket naming the role is filtered", .resource = kBucketAllowsRole, .session = {kAllowPut}, .caller = kSession, .want = I, .by = SES},
      {.name = "bucket naming the role within the session policy", .resource = kBucketAllowsRole, .session = {kAllowGet}, .caller = kSession, .want = A, .by = RES},
      {.name = "bucket naming the role without session policies", .resource = kBucketAllowsRole, .caller = kSession, .want = A, .by = RES},
      {.name = "bucket naming another session", .resource = kBucketAllowsSession, .caller = session("r", "other"), .want = I, .by = ID},

      // Role trust policies (kRequired): the trust policy must allow.
      {.name = "pod identity assumes", .resource = kTrustPods, .caller = service("pods.eks.amazonaws.com"), .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "pod identity tags the session", .resource = kTrustPods, .caller = service("pods.eks.amazonaws.com"), .action = "sts:TagSession", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "another service", .resource = kTrustPods, .caller = service("ec2.amazonaws.com"), .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "identity policy alone never assumes a role", .identity = {kAllowAssume}, .resource = kTrustPods, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "trust names the account, identity allows", .identity = {kAllowAssume}, .resource = kTrustAccount, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = ID},
      {.name = "trust names the account, no identity allow", .resource = kTrustAccount, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = ID},
      {.name = "trust names the user", .resource = kTrustAlice, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "cross-account trust without identity allow", .resource = kTrustCarol, .caller = kCarol, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = ID},
      {.name = "cross-account trust with identity allow", .identity = {kAllowAssume}, .resource = kTrustCarol, .caller = kCarol, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "trust deny", .identity = {kAllowAssume}, .resource = kTrustAccountDenyAlice, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = X, .by = RES, .sid = "NotAlice"},
      {.name = "trust allows other users of the account", .identity = {kAllowAssume}, .resource = kTrustAccountDenyAlice, .caller = user("bob"), .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = A, .by = ID},
      {.name = "web identity is not in the trust policy", .resource = kTrustPods, .caller = service("pods.eks.amazonaws.com"), .action = "sts:AssumeRoleWithWebIdentity", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "no trust policy at all", .identity = {kAllowAssume}, .caller = kAlice, .action = "sts:AssumeRole", .target = kRole, .mode = ResourceMode::kRequired, .want = I, .by = RES},

      // KMS key policies (kRequired).
      {.name = "aws/s3 key via S3", .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:GenerateDataKey", .target = kKeyArn, .context = {one("kms:CallerAccount", "111122223333"), one("kms:ViaService", "s3.us-east-1.amazonaws.com")}, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "aws/s3 key decrypt via S3", .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:Decrypt", .target = kKeyArn, .context = {one("kms:CallerAccount", "111122223333"), one("kms:ViaService", "s3.us-east-1.amazonaws.com")}, .mode = ResourceMode::kRequired, .want = A, .by = RES},
      {.name = "aws/s3 key called directly", .identity = {kAllowKms}, .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:Decrypt", .target = kKeyArn, .context = {one("kms:CallerAccount", "111122223333")}, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "aws/s3 key via S3 in another region", .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:Decrypt", .target = kKeyArn, .context = {one("kms:CallerAccount", "111122223333"), one("kms:ViaService", "s3.eu-west-1.amazonaws.com")}, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "aws/s3 key describe delegated to IAM", .identity = {kAllowKms}, .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:DescribeKey", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = A, .by = ID},
      {.name = "aws/s3 key describe without identity allow", .resource = kAwsS3KeyPolicy, .caller = kSession, .action = "kms:DescribeKey", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = I, .by = ID},
      {.name = "aws/s3 key from another account via S3", .identity = {kAllowKms}, .resource = kAwsS3KeyPolicy, .caller = kCarol, .action = "kms:Decrypt", .target = kKeyArn, .context = {one("kms:CallerAccount", "444455556666"), one("kms:ViaService", "s3.us-east-1.amazonaws.com")}, .mode = ResourceMode::kRequired, .want = I, .by = RES},
      {.name = "customer key with IAM enabled", .identity = {kAllowKms}, .resource = kCmkPolicy, .caller = kAlice, .action = "kms:Decrypt", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = A, .by = ID},
      {.name = "customer key without identity allow", .resource = kCmkPolicy, .caller = kAlice, .action = "kms:Decrypt", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = I, .by = ID},
      {.name = "customer key identity deny", .identity = {kAllowKms, kDenyKms}, .resource = kCmkPolicy, .caller = kAlice, .action = "kms:Decrypt", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = X, .by = ID},
      {.name = "customer key and the root", .resource = kCmkPolicy, .caller = root(), .action = "kms:ScheduleKeyDeletion", .target = kKeyArn, .mode = ResourceMode::kRequired, .root = true, .want = A, .by = NONE},
      {.name = "aws/s3 key and the root, direct decrypt", .resource = kAwsS3KeyPolicy, .caller = root(), .action = "kms:Decrypt", .target = kKeyArn, .mode = ResourceMode::kRequired, .root = true, .want = I, .by = RES},
      {.name = "key without a key policy", .identity = {kAllowKms}, .caller = kAlice, .action = "kms:Decrypt", .target = kKeyArn, .mode = ResourceMode::kRequired, .want = I, .by = RES},

      // Grammar examples: NotAction, NotResource, wildcards.
      {.name = "NotAction allow covers s3", .identity = {kAllowAllButIam}, .caller = kAlice, .want = A},
      {.name = "NotAction allow excludes iam", .identity = {kAllowAllButIam}, .caller = kAlice, .action = "iam:CreateUser", .target = "*", .want = I},
      {.name = "NotAction excludes iam case-insensitively", .identity = {kAllowAllButIam}, .caller = kAlice, .action = "IAM:CreateUser", .target = "*", .want = I},
      {.name = "NotResource deny outside bucket b", .identity = {kOnlyBucketB}, .caller = kAlice, .target = "arn:aws:s3:::c/k", .want = X, .sid = "OnlyB"},
      {.name = "NotResource deny spares bucket b", .identity = {kOnlyBucketB}, .caller = kAlice, .want = A},
      {.name = "NotResource deny spares bucket b itself", .identity = {kOnlyBucketB}, .caller = kAlice, .action = "s3:ListBucket", .target = "arn:aws:s3:::b", .want = A},
      {.name = "MFA guard without MFA", .identity = {kRequireMfa}, .caller = kAlice, .want = X, .sid = "BlockMostAccessUnlessSignedInWithMFA"},
      {.name = "MFA guard with MFA", .identity = {kRequireMfa}, .caller = kAlice, .context = {one("aws:MultiFactorAuthPresent", "true")}, .want = A},
      {.name = "MFA guard lets the password change through", .identity = {kRequireMfa}, .caller = kAlice, .action = "iam:ChangePassword", .target = "arn:aws:iam::111122223333:user/alice", .want = A},
      {.name = "upper-case action pattern", .identity = {kWildActions}, .caller = kAlice, .action = "s3:GetObjectVersion", .want = A},
      {.name = "question mark in an action", .identity = {kWildActions}, .caller = kAlice, .action = "s3:ListBucket", .target = "arn:aws:s3:::b", .want = A},
      {.name = "object pattern does not cover the bucket", .identity = {kAllowGet}, .caller = kAlice, .target = "arn:aws:s3:::b", .want = I},
      {.name = "resources are case-sensitive", .identity = {kAllowGet}, .caller = kAlice, .target = "arn:aws:s3:::B/k", .want = I},
      {.name = "actions are case-insensitive", .identity = {kAllowGet}, .caller = kAlice, .action = "S3:getobject", .want = A},
  };
  return kCases;
}

std::shared_ptr<const Document> parse_resource_side(const char* json) {
  // Trust policies have no Resource element.
  bool trust = std::string_view(json).find("\"Resource\"") == std::string_view::npos;
  return testing::must_parse(json, trust ? Kind::kTrust : Kind::kResource);
}

TEST(Evaluate, Table) {
  for (const EvalCase& c : cases()) {
    PolicySet set;
    for (size_t i = 0; i < c.identity.size(); ++i) {
      set.identity.push_back({"identity#" + std::to_string(i), testing::must_parse(c.identity[i])});
    }
    if (c.resource) set.resource = NamedPolicy{"resource", parse_resource_side(c.resource)};
    if (c.boundary) set.boundary = NamedPolicy{"boundary", testing::must_parse(c.boundary)};
    for (size_t i = 0; i < c.session.size(); ++i) {
      set.session.push_back({"session#" + std::to_string(i), testing::must_parse(c.session[i])});
    }
    set.mode = c.mode;
    set.resource_account = std::string(c.resource_account);
    set.caller_is_root = c.root;
    Context ctx = testing::context_of(c.context);
    Decision d = evaluate(set, {c.action, c.target, c.caller, ctx});
    EXPECT_EQ(d.effect, c.want) << c.name << ": got " << testing::effect_name(d.effect) << " (" << d.explain() << ")";
    EXPECT_EQ(d.decided_by, c.by) << c.name << ": " << d.explain();
    if (!c.policy.empty()) EXPECT_EQ(d.policy, c.policy) << c.name;
    if (!c.sid.empty()) EXPECT_EQ(d.sid, c.sid) << c.name;
  }
}

TEST(Decision, ReasonsUseAwsWording) {
  Decision d;
  d.effect = Effect::kImplicitDeny;
  d.decided_by = PolicyType::kIdentity;
  EXPECT_EQ(d.reason("s3:GetObject"), "because no identity-based policy allows the s3:GetObject action");
  d.decided_by = PolicyType::kResource;
  EXPECT_EQ(d.reason("sts:AssumeRole"), "because no resource-based policy allows the sts:AssumeRole action");
  d.decided_by = PolicyType::kSession;
  EXPECT_EQ(d.reason("s3:GetObject"), "because no session policy allows the s3:GetObject action");
  d.decided_by = PolicyType::kBoundary;
  EXPECT_EQ(d.reason("s3:GetObject"), "because no permissions boundary allows the s3:GetObject action");
  d.effect = Effect::kExplicitDeny;
  d.decided_by = PolicyType::kIdentity;
  EXPECT_EQ(d.reason("s3:GetObject"), "with an explicit deny in an identity-based policy");
  d.decided_by = PolicyType::kResource;
  EXPECT_EQ(d.reason("s3:GetObject"), "with an explicit deny in a resource-based policy");
  d.decided_by = PolicyType::kSession;
  EXPECT_EQ(d.reason("s3:GetObject"), "with an explicit deny in a session policy");
  d.decided_by = PolicyType::kBoundary;
  EXPECT_EQ(d.reason("s3:GetObject"), "with an explicit deny in a permissions boundary");
  d.effect = Effect::kAllow;
  EXPECT_EQ(d.reason("s3:GetObject"), "");
}

TEST(Decision, ExplainNamesPolicyStatementAndSid) {
  PolicySet set;
  set.identity.push_back({"arn:aws:iam::111122223333:policy/deny-get", testing::must_parse(kDenyGet)});
  Context ctx;
  Decision d = evaluate(set, {"s3:GetObject", kObject, kAlice, ctx});
  EXPECT_EQ(d.explain(), R"(ExplicitDeny by identity-based policy "arn:aws:iam::111122223333:policy/deny-get" statement 0 (Sid "NoGet"))");
  set.identity.clear();
  EXPECT_EQ(evaluate(set, {"s3:GetObject", kObject, kAlice, ctx}).explain(), "ImplicitDeny: no identity-based policy allows");
  set.caller_is_root = true;
  EXPECT_EQ(evaluate(set, {"s3:GetObject", kObject, root(), ctx}).explain(), "Allow: account root user");
}

}  // namespace
}  // namespace podbucket::policy
