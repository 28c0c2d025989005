// The policy engine: the seed's four policies deciding a GetObject (issue 5 target: under 2 µs), the KMS key
// policy path S3 takes for SSE-KMS, a variable-bearing policy, Context building, and parsing.
#include <benchmark/benchmark.h>

#include "policy/policy.h"
#include "policy/seed_fixture.h"

namespace podbucket::policy {
namespace {

std::shared_ptr<const Document> must_parse(std::string_view json, Kind kind = Kind::kIdentity) {
  auto doc = parse(json, kind);
  if (!doc) std::abort();
  return *doc;
}

Caller seed_session() {
  Caller c;
  c.account_id = std::string(seed::kAccount);
  c.arn = "arn:aws:sts::111122223333:assumed-role/example-gitlab-eks-eks-global/eks-gitlab-webservice-7d9f-0e6b";
  c.role_arn = std::string(seed::kRoleArn);
  return c;
}

// The global keys an authorizer puts in every request's context (iam::global_context).
Context global_context() {
  Context ctx;
  ctx.set("aws:PrincipalArn", std::string(seed::kRoleArn));
  ctx.set("aws:PrincipalAccount", std::string(seed::kAccount));
  ctx.set("aws:PrincipalType", "AssumedRole");
  ctx.set("aws:userid", "AROAEXAMPLEROLEID0001:eks-gitlab-webservice-7d9f-0e6b");
  ctx.set("aws:PrincipalTag/eks-cluster-name", "gitlab");
  ctx.set("aws:PrincipalTag/kubernetes-namespace", "gitlab");
  ctx.set("aws:PrincipalTag/kubernetes-service-account", "gitlab-webservice");
  ctx.set("aws:PrincipalTag/kubernetes-pod-name", "gitlab-webservice-default-7d9f-0e6b");
  ctx.set("aws:SourceIp", "10.0.12.34");
  ctx.set("aws:SecureTransport", "true");
  ctx.set("aws:RequestedRegion", "ap-northeast-1");
  ctx.set("aws:CurrentTime", "2026-11-29T12:00:00Z");
  ctx.set("aws:EpochTime", "1795953600");
  ctx.set("aws:MultiFactorAuthPresent", "false");
  ctx.set("aws:TokenIssueTime", "2026-11-29T11:00:00Z");
  return ctx;
}

PolicySet seed_set() {
  PolicySet set;
  set.identity = {{"A", must_parse(seed::kPolicyA)},
                  {"B", must_parse(seed::kPolicyB)},
                  {"C", must_parse(seed::kPolicyC)},
                  {"D", must_parse(seed::kPolicyD)}};
  set.resource_account = std::string(seed::kAccount);
  return set;
}

void run_seed(benchmark::State& state, std::string_view action, std::string_view resource, bool want) {
  PolicySet set = seed_set();
  Caller caller = seed_session();
  Context ctx = global_context();
  for (auto _ : state) {
    Decision d = evaluate(set, {action, resource, caller, ctx});
    benchmark::DoNotOptimize(d);
    if (d.allowed() != want) state.SkipWithError("unexpected decision");
  }
}

// The issue 5 target: 4 seed policies, GetObject, allowed by policy A (every policy is scanned for denies).
void BM_PolicySeedGetObject(benchmark::State& state) {
  run_seed(state, "s3:GetObject", "arn:aws:s3:::example-gitlab-eks-lfs/6b/86/6b86b273ff34fce19d6b804eff5a3f57",
           true);
}
BENCHMARK(BM_PolicySeedGetObject);

void BM_PolicySeedGetObjectRegistry(benchmark::State& state) {
  run_seed(state, "s3:GetObject",
           "arn:aws:s3:::example-gitlab-eks-registry/docker/registry/v2/blobs/sha256/6b/6b86b273ff34fce1/data", true);
}
BENCHMARK(BM_PolicySeedGetObjectRegistry);

// An implicit deny: nothing matches, so every statement is tried.
void BM_PolicySeedListBackupsDenied(benchmark::State& state) {
  run_seed(state, "s3:ListBucket", "arn:aws:s3:::example-gitlab-eks-backups", false);
}
BENCHMARK(BM_PolicySeedListBackupsDenied);

// SSE-KMS through S3: the aws/s3 key policy (kRequired) plus the seed's identity policies, conditions evaluated.
void BM_PolicySeedKmsViaS3(benchmark::State& state) {
  PolicySet set = seed_set();
  auto key = parse_resource_policy(seed::kAwsS3KeyPolicy, core::ErrorCode{"MalformedPolicyDocumentException", 400});
  if (!key) std::abort();
  set.resource = NamedPolicy{"key policy", *key};
  set.mode = ResourceMode::kRequired;
  Caller caller = seed_session();
  Context ctx = global_context();
  ctx.set("kms:CallerAccount", std::string(seed::kAccount));
  ctx.set("kms:ViaService", "s3.ap-northeast-1.amazonaws.com");
  ctx.set("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::example-gitlab-eks-lfs/6b/86/6b86b273ff34fce1");
  ctx.set_multi("kms:EncryptionContextKeys", {"aws:s3:arn"});
  for (auto _ : state) {
    Decision d = evaluate(set, {"kms:GenerateDataKey", seed::kKeyArn, caller, ctx});
    benchmark::DoNotOptimize(d);
    if (!d.allowed()) state.SkipWithError("unexpected decision");
  }
}
BENCHMARK(BM_PolicySeedKmsViaS3);

// A per-user home folder: a variable in Resource and in a condition value (resolved per request).
void BM_PolicyVariables(benchmark::State& state) {
  PolicySet set;
  set.identity = {{"home", must_parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home",
     "Condition":{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}},
    {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/home/${aws:username}/*"}]})")}};
  Caller caller;
  caller.account_id = "111122223333";
  caller.arn = "arn:aws:iam::111122223333:user/alice";
  Context ctx = global_context();
  ctx.set("aws:username", "alice");
  for (auto _ : state) {
    Decision d = evaluate(set, {"s3:GetObject", "arn:aws:s3:::home/home/alice/notes/2026.txt", caller, ctx});
    benchmark::DoNotOptimize(d);
    if (!d.allowed()) state.SkipWithError("unexpected decision");
  }
}
BENCHMARK(BM_PolicyVariables);

// What an authorizer pays per request to build the context above.
void BM_PolicyContextBuild(benchmark::State& state) {
  for (auto _ : state) {
    Context ctx = global_context();
    benchmark::DoNotOptimize(ctx);
  }
}
BENCHMARK(BM_PolicyContextBuild);

// Parsing, validating and compiling: policy A (the largest seed policy) and the aws/s3 key policy.
void BM_PolicyParseSeedA(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = parse(seed::kPolicyA, Kind::kIdentity);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_PolicyParseSeedA);

void BM_PolicyParseKeyPolicy(benchmark::State& state) {
  const core::ErrorCode code{"MalformedPolicyDocumentException", 400};
  for (auto _ : state) {
    auto doc = parse_resource_policy(seed::kAwsS3KeyPolicy, code);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_PolicyParseKeyPolicy);

}  // namespace
}  // namespace podbucket::policy
