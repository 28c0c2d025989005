// verify() on the common request shapes, and the aws-chunked decoder's throughput (bytes/s = payload MiB/s).
#include <benchmark/benchmark.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "sigv4/canonical.h"
#include "sigv4/chunked.h"
#include "sigv4/sign.h"
#include "sigv4/verify.h"

namespace podbucket::sigv4 {
namespace {

const core::TimePoint kNow = *core::parse_amz_date("20240301T120000Z");
const Credentials kCreds{"AKIAEXAMPLE000000001", "secretsecretsecretsecretsecretsecret0001", ""};

KeyLookup lookup() {
  return [](std::string_view id) -> std::optional<KeyInfo> {
    if (id != kCreds.access_key_id) return std::nullopt;
    KeyInfo k;
    k.secret_access_key = kCreds.secret_access_key;
    k.principal.anonymous = false;
    k.principal.arn = "arn:aws:iam::123456789012:user/bench";
    return k;
  };
}

http::Request base_request(std::string method, std::string path, std::string query) {
  http::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.raw_query = std::move(query);
  r.target = r.path + (r.raw_query.empty() ? "" : "?" + r.raw_query);
  r.headers.add("Host", "127.0.0.1:9000");
  r.headers.add("User-Agent", "aws-cli/2.9.19 Python/3.11 Linux/6.1 botocore/2.9.19");
  r.headers.add("Accept-Encoding", "identity");
  return r;
}

// A typical awscli GET: host, x-amz-date, x-amz-content-sha256 signed.
void BM_VerifyHeaderGet(benchmark::State& state) {
  http::Request req = base_request("GET", "/bucket/some/object/key.bin", "");
  sign_request(req, kCreds, "us-east-1", "s3", kNow, kEmptySha256);
  core::FakeClock clock(kNow);
  auto keys = lookup();
  http::StringBodySource empty("");
  req.body = &empty;
  for (auto _ : state) {
    auto v = verify(req, keys, clock, "us-east-1");
    if (!v) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyHeaderGet);

void BM_VerifyHeaderListWithQuery(benchmark::State& state) {
  http::Request req = base_request("GET", "/bucket", "list-type=2&prefix=photos%2F2024%2F&delimiter=%2F&max-keys=1000");
  sign_request(req, kCreds, "us-east-1", "s3", kNow, kEmptySha256);
  core::FakeClock clock(kNow);
  auto keys = lookup();
  for (auto _ : state) {
    auto v = verify(req, keys, clock, "us-east-1");
    if (!v) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyHeaderListWithQuery);

void BM_VerifyPresignedGet(benchmark::State& state) {
  http::Request req = base_request("GET", "/bucket/object", "");
  presign_request(req, kCreds, "us-east-1", "s3", kNow, 3600);
  core::FakeClock clock(kNow);
  auto keys = lookup();
  for (auto _ : state) {
    auto v = verify(req, keys, clock, "us-east-1");
    if (!v) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyPresignedGet);

void BM_SignatureMismatch(benchmark::State& state) {
  http::Request req = base_request("GET", "/bucket/object", "");
  sign_request(req, kCreds, "us-east-1", "s3", kNow, kEmptySha256);
  req.path = "/bucket/other";
  core::FakeClock clock(kNow);
  auto keys = lookup();
  for (auto _ : state) benchmark::DoNotOptimize(verify(req, keys, clock));
}
BENCHMARK(BM_SignatureMismatch);

// Decoding throughput of signed aws-chunked bodies; range(0) = chunk size in bytes.
void BM_AwsChunkedSigned(benchmark::State& state) {
  const size_t chunk = size_t(state.range(0));
  std::string payload(8 << 20, 'p');
  std::string key = derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3");
  std::string scope = credential_scope("20240301", "us-east-1", "s3");
  std::string seed(64, 'a');
  std::string body = encode_signed_chunks(payload, chunk, key, "20240301T120000Z", scope, seed);
  std::vector<char> buf(256 * 1024);
  for (auto _ : state) {
    http::StringBodySource src(body);
    AwsChunkedBody decoder(&src, ChunkSigning{key, "20240301T120000Z", scope, seed}, false, nullptr,
                           payload.size());
    size_t total = 0;
    while (size_t n = decoder.read(buf.data(), buf.size())) total += n;
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(payload.size()));
}
BENCHMARK(BM_AwsChunkedSigned)->Arg(8 << 10)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_AwsChunkedUnsignedTrailer(benchmark::State& state) {
  std::string payload(8 << 20, 'p');
  std::string body = encode_unsigned_chunks(payload, 64 << 10, {{"x-amz-checksum-crc32c", "AAAAAA=="}});
  std::vector<char> buf(256 * 1024);
  for (auto _ : state) {
    http::StringBodySource src(body);
    http::Headers headers;
    AwsChunkedBody decoder(&src, std::nullopt, true, &headers, payload.size());
    size_t total = 0;
    while (size_t n = decoder.read(buf.data(), buf.size())) total += n;
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(payload.size()));
}
BENCHMARK(BM_AwsChunkedUnsignedTrailer)->Unit(benchmark::kMillisecond);

void BM_Sha256CheckingBody(benchmark::State& state) {
  std::string payload(8 << 20, 'p');
  std::string hash = core::hex_encode(crypto::sha256(payload));
  std::vector<char> buf(256 * 1024);
  for (auto _ : state) {
    http::StringBodySource src(payload);
    Sha256CheckingBody body(&src, hash);
    size_t total = 0;
    while (size_t n = body.read(buf.data(), buf.size())) total += n;
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(payload.size()));
}
BENCHMARK(BM_Sha256CheckingBody)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace podbucket::sigv4
