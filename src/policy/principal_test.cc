// Principal and NotPrincipal matching against every kind of caller (aws-semantics spec 1.1, 1.6 step 6).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#include <gtest/gtest.h>

#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

using testing::anonymous;
using testing::federated;
using testing::root;
using testing::service;
using testing::session;
using testing::user;

constexpr std::string_view kOidc = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com";

struct PrincipalCase {
  std::string_view principal;  // the Principal element
  Caller caller;
  bool applies;
};

TEST(Principal, Table) {
  const std::vector<PrincipalCase> cases = {
      {R"("*")", user("alice"), true},
      {R"("*")", anonymous(), true},
      {R"("*")", service("pods.eks.amazonaws.com"), true},
      {R"({"AWS":"*"})", anonymous(), true},
      {R"({"AWS":"*"})", session("r", "s"), true},
      {R"({"AWS":"111122223333"})", user("alice"), true},
      {R"({"AWS":"111122223333"})", session("r", "s"), true},
      {R"({"AWS":"111122223333"})", root(), true},
      {R"({"AWS":"111122223333"})", user("alice", testing::kOtherAccount), false},
      {R"({"AWS":"111122223333"})", anonymous(), false},
      {R"({"AWS":"111122223333"})", service("pods.eks.amazonaws.com"), false},
      {R"({"AWS":"arn:aws:iam::111122223333:root"})", user("alice"), true},
      {R"({"AWS":"arn:aws:iam::111122223333:root"})", root(testing::kOtherAccount), false},
      {R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", user("alice"), true},
      {R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", user("bob"), false},
      {R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", user("alice", testing::kOtherAccount), false},
      {R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", root(), false},
      {R"({"AWS":"arn:aws:iam::111122223333:role/r"})", session("r", "any-session"), true},  // covers its sessions
      {R"({"AWS":"arn:aws:iam::111122223333:role/r"})", session("other", "s"), false},
      {R"({"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"})", session("r", "s"), true},
      {R"({"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"})", session("r", "s2"), false},
      {R"({"AWS":["arn:aws:iam::111122223333:user/bob","444455556666"]})", user("carol", testing::kOtherAccount),
       true},
      {R"({"AWS":["arn:aws:iam::111122223333:user/bob","444455556666"]})", user("alice"), false},
      {R"({"Service":"pods.eks.amazonaws.com"})", service("pods.eks.amazonaws.com"), true},
      {R"({"Service":"pods.eks.amazonaws.com"})", service("ec2.amazonaws.com"), false},
      {R"({"Service":"pods.eks.amazonaws.com"})", user("alice"), false},
      {R"({"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"]})", service("pods.eks.amazonaws.com"), true},
      {R"({"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com"})", federated(kOidc), true},
      {R"({"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com"})", user("alice"), false},
      {R"({"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"})", user("alice"),
       false},
  };
  for (const PrincipalCase& c : cases) {
    std::string json = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" +
                       std::string(c.principal) + R"(,"Action":"s3:GetObject","Resource":"*"}]})";
    auto doc = testing::must_parse(json, Kind::kResource);
    ASSERT_TRUE(doc);
    Context ctx;
    Decision d = evaluate_document(*doc, "bucket policy", {"s3:GetObject", "arn:aws:s3:::b/k", c.caller, ctx});
    EXPECT_EQ(d.allowed(), c.applies) << c.principal << " vs " << (c.caller.anonymous ? "anonymous" : c.caller.arn)
                                      << c.caller.service << c.caller.federated;
  }
}

// NotPrincipal with Deny: "deny everyone except". AWS checks the caller's own ARN and its account, so exempting
// someone needs both; the account alone exempts only the root user.
TEST(NotPrincipal, Table) {
  const std::vector<PrincipalCase> cases = {
      // `applies` = the Deny applies (the caller is not exempt).
      {R"({"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]})", user("alice"), false},
      {R"({"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]})", user("bob"), true},
      {R"({"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]})", session("r", "s"),
       true},
      {R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", user("alice"), true},  // account not listed
      {R"({"AWS":"arn:aws:iam::111122223333:root"})", user("alice"), true},        // account alone exempts no user
      {R"({"AWS":"arn:aws:iam::111122223333:root"})", root(), false},
      {R"({"AWS":"111122223333"})", root(), false},
      {R"({"AWS":["arn:aws:sts::111122223333:assumed-role/r/s","111122223333"]})", session("r", "s"), false},
      {R"({"AWS":["arn:aws:sts::111122223333:assumed-role/r/s","111122223333"]})", session("r", "s2"), true},
      {R"({"AWS":["arn:aws:iam::111122223333:role/r","111122223333"]})", session("r", "s"), true},  // needs session
      {R"({"AWS":"111122223333"})", anonymous(), true},
      {R"({"AWS":"*"})", anonymous(), false},
      {R"("*")", user("alice"), false},
      {R"({"Service":"pods.eks.amazonaws.com"})", service("pods.eks.amazonaws.com"), false},
      {R"({"Service":"pods.eks.amazonaws.com"})", service("ec2.amazonaws.com"), true},
  };
  for (const PrincipalCase& c : cases) {
    std::string json =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},)"
        R"({"Effect":"Deny","NotPrincipal":)" +
        std::string(c.principal) + R"(,"Action":"s3:*","Resource":"*"}]})";
    auto doc = testing::must_parse(json, Kind::kResource);
    ASSERT_TRUE(doc);
    Context ctx;
    Decision d = evaluate_document(*doc, "bucket policy", {"s3:GetObject", "arn:aws:s3:::b/k", c.caller, ctx});
    EXPECT_EQ(d.effect == Effect::kExplicitDeny, c.applies)
        << c.principal << " vs " << (c.caller.anonymous ? "anonymous" : c.caller.arn) << c.caller.service;
  }
}

}  // namespace
}  // namespace podbucket::policy
