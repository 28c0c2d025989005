// The audit trail's per-request cost: rendering one CloudTrail-shaped event, and appending it with each
// durability policy (page cache only, as the server does by default with a 1 s background fdatasync; fdatasync
// after every event). The file goes under the current directory, on the disk the server would use, not tmpfs.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "observe/audit.h"

namespace {

using podbucket::observe::AuditContext;
using podbucket::observe::AuditWriter;
using podbucket::observe::AuditWriterOptions;
using podbucket::observe::RequestSummary;

RequestSummary typical_put() {
  RequestSummary s;
  s.time = "2026-11-29T12:00:00.250Z";
  s.latency_s = 0.004;
  s.request_id = "0123456789ABCDEF";
  s.service = "s3";
  s.operation = "PutObject";
  s.region = "us-east-1";
  s.remote_ip = "10.0.3.17";
  s.user_agent = "aws-sdk-go/1.44.0 (go1.20; linux; amd64) gitlab-workhorse";
  s.method = "PUT";
  s.status = 200;
  s.identity.type = "AssumedRole";
  s.identity.arn = "arn:aws:sts::000000000000:assumed-role/gitlab-registry/eks-gitlab-registry-5d8f7c9b4";
  s.identity.account_id = "000000000000";
  s.identity.principal_id = "AROAPL09444AZUUHLDBZ3:eks-gitlab-registry-5d8f7c9b4";
  s.identity.access_key_id = "ASIANZFYGWV7ORWAT4GO";
  s.identity.role_arn = "arn:aws:iam::000000000000:role/gitlab-registry";
  s.identity.session_issued_s = 1795939200;
  s.identity.tags = {{"eks-cluster-name", "gitlab"}, {"kubernetes-namespace", "gitlab"},
                     {"kubernetes-service-account", "registry"}};
  s.decisions.push_back({"s3:PutObject", "arn:aws:s3:::gitlab-registry/docker/registry/v2/blobs/sha256/ab/abcdef",
                         "Allow", "role/gitlab-registry inline s3", "#0"});
  s.parameters["bucketName"] = "gitlab-registry";
  s.parameters["key"] = "docker/registry/v2/blobs/sha256/ab/abcdef/data";
  s.bytes_in = 1 << 20;
  return s;
}

void BM_AuditRenderEvent(benchmark::State& state) {
  RequestSummary s = typical_put();
  AuditContext ctx{"000000000000"};
  size_t bytes = 0;
  for (auto _ : state) {
    std::string line = podbucket::observe::render_cloudtrail_event(s, ctx, podbucket::observe::random_uuid());
    bytes = line.size();
    benchmark::DoNotOptimize(line);
  }
  state.counters["event_bytes"] = double(bytes);
}
BENCHMARK(BM_AuditRenderEvent);

// Arg 0: write(2) only (the server's default; fdatasync runs once a second in the background).
// Arg 1: fdatasync after every event.
void BM_AuditAppend(benchmark::State& state) {
  std::filesystem::path dir = std::filesystem::current_path() / ("audit-bench-" + std::to_string(::getpid()));
  std::string line = podbucket::observe::render_cloudtrail_event(typical_put(), {"000000000000"}, "e");
  {
    AuditWriterOptions options;
    options.path = (dir / "trail.jsonl").string();
    options.max_bytes = 64ull << 20;
    options.max_files = 2;
    options.sync_interval_s = 0;
    options.sync_every_event = state.range(0) == 1;
    AuditWriter writer(options);
    for (auto _ : state) benchmark::DoNotOptimize(writer.append(line));
  }
  std::filesystem::remove_all(dir);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(line.size() + 1));
}
BENCHMARK(BM_AuditAppend)->Arg(0)->Arg(1)->ArgName("fdatasync_each");

}  // namespace
