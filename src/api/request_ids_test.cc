#include "api/request_ids.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <vector>

namespace podbucket::api {
namespace {

/// Counts how often the seed source is drawn from.
class CountingRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override {
    ++draws;
    return inner.bytes(n);
  }
  core::SeededRandom inner{7};
  std::atomic<int> draws{0};
};

TEST(RequestIdsTest, ShapesMatchS3AndTheSeedIsDrawnOncePerThread) {
  CountingRandom seed;
  RequestIds ids(seed);
  std::regex request_id("[0-9A-F]{16}"), host_id("[A-Za-z0-9+/]{64}");
  for (int i = 0; i < 100; ++i) {
    auto next = ids.next();
    EXPECT_TRUE(std::regex_match(next.request_id, request_id)) << next.request_id;
    EXPECT_TRUE(std::regex_match(next.host_id, host_id)) << next.host_id;
  }
  EXPECT_EQ(seed.draws.load(), 1);
  std::thread([&] { ids.next(); }).join();
  EXPECT_EQ(seed.draws.load(), 2);
}

TEST(RequestIdsTest, UniqueAcrossThreadsAndAcrossInstances) {
  core::SeededRandom seed(1);
  RequestIds first(seed), second(seed);
  std::mutex mu;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2000; ++i) {
        mine.push_back(first.next().request_id);
        mine.push_back(second.next().request_id);  // switching instances reseeds from the shared source
      }
      std::lock_guard lock(mu);
      seen.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), 16000u);
}

}  // namespace
}  // namespace podbucket::api
