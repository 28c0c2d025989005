// Throughput of the digests and checksums that run over every uploaded and downloaded byte.
#include <benchmark/benchmark.h>

#include "crypto/crc64nvme.h"
#include "crypto/evp.h"
#include "crypto/hash.h"

namespace podbucket::crypto {
namespace {

std::string data_of(benchmark::State& state) { return std::string(size_t(state.range(0)), 'x'); }

template <typename F>
void run(benchmark::State& state, F f) {
  std::string data = data_of(state);
  for (auto _ : state) benchmark::DoNotOptimize(f(data));
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
}

void BM_Crc32(benchmark::State& s) { run(s, [](const std::string& d) { return crc32(d); }); }
void BM_Crc32c(benchmark::State& s) { run(s, [](const std::string& d) { return crc32c(d); }); }
void BM_Crc32cSoftware(benchmark::State& s) { run(s, [](const std::string& d) { return crc32c_software(d); }); }
void BM_Crc64Nvme(benchmark::State& s) { run(s, [](const std::string& d) { return crc64nvme(d); }); }
// The slicing-by-8 reference and fallback, the baseline for BM_Crc64Nvme in the same run.
void BM_Crc64NvmeTable(benchmark::State& s) { run(s, [](const std::string& d) { return crc64nvme_table(d); }); }
void BM_Sha256(benchmark::State& s) { run(s, [](const std::string& d) { return sha256(d); }); }
void BM_Sha1(benchmark::State& s) { run(s, [](const std::string& d) { return sha1(d); }); }
void BM_Md5(benchmark::State& s) { run(s, [](const std::string& d) { return md5(d); }); }

BENCHMARK(BM_Crc32)->Arg(64)->Arg(1 << 20);
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(1 << 20);
BENCHMARK(BM_Crc32cSoftware)->Arg(1 << 20);
BENCHMARK(BM_Crc64Nvme)->Arg(64)->Arg(256)->Arg(4096)->Arg(1 << 20);
BENCHMARK(BM_Crc64NvmeTable)->Arg(64)->Arg(256)->Arg(4096)->Arg(1 << 20);
BENCHMARK(BM_Sha256)->Arg(64)->Arg(1 << 20);
BENCHMARK(BM_Sha1)->Arg(1 << 20);
BENCHMARK(BM_Md5)->Arg(1 << 20);

void BM_HmacSha256(benchmark::State& state) {
  std::string key(32, 'k'), msg(200, 'm');
  for (auto _ : state) benchmark::DoNotOptimize(hmac_sha256(key, msg));
}
BENCHMARK(BM_HmacSha256);

void BM_CombineCrc64(benchmark::State& state) {
  std::string a = make_checksum(ChecksumAlgorithm::kCRC64NVME)->finish();
  for (auto _ : state) {
    benchmark::DoNotOptimize(combine_crc(ChecksumAlgorithm::kCRC64NVME, a, a, uint64_t(5) << 30));
  }
}
BENCHMARK(BM_CombineCrc64);

}  // namespace
}  // namespace podbucket::crypto
