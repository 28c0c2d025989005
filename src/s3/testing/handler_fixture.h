#pragma once
// Test-only: the whole S3 service over the in-memory metadata store, in-memory blobs and a fake clock, driven by
// method + target strings. Used by the handler tests (service_test.cc), the bucket-configuration and the lifecycle
// tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/time_format.h"
#include "s3/body/memory_blobs_for_test.h"
#include "s3/service.h"

namespace podbucket::s3::testing {

/// Deterministic randomness: core::SeededRandom, seed 7 unless given.
class SeededRandom final : public core::SeededRandom {
 public:
  explicit SeededRandom(uint32_t seed = 7) : core::SeededRandom(seed) {}
};

/// What a call answered: the status, the AWS error code and message when it failed, headers, the whole body and
/// the length the response announces (the stream's for HEAD and streamed replies, else the body's), in bytes.
struct Reply {
  int status = 0;
  std::string code;
  std::string message;
  http::Headers headers;
  std::string body;
  uint64_t length = 0;
};

/// A fixture whose caller is account 123456789012's root user (`root`, else a non-root principal of that account,
/// without an ARN) and whose Random is SeededRandom(`seed`). The clock stands at 2023-11-14T22:13:20Z.
class HandlerFixture : public ::testing::Test {
 protected:
  explicit HandlerFixture(bool root = true, uint32_t seed = 7)
      : meta_(store::make_memory_metadata()),
        clock_(core::from_unix_seconds(1'700'000'000)),  // 2023-11-14T22:13:20Z
        random_(seed),
        ctx_{*meta_, blobs_, clock_, random_, config_, caller_, "req-1"} {
    caller_.anonymous = false;
    caller_.root = root;
    caller_.account_id = "123456789012";
  }

  Reply call(const std::string& method, const std::string& target, std::string body = {},
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.raw_query = target.substr(q + 1);
    req.headers.add("Host", "localhost");
    for (auto& [k, v] : headers) req.headers.add(k, v);
    req.content_length = body.size();
    http::StringBodySource source(std::move(body));
    req.body = &source;
    auto r = handle(ctx_, req);
    Reply out;
    if (!r) {
      out.status = r.error().http_status();
      out.code = std::string(r.error().code());
      out.message = r.error().message();
      for (auto& [k, v] : r.error().headers()) out.headers.add(k, v);
      return out;
    }
    out.status = r->status;
    out.headers = r->headers;
    out.body = r->body;
    out.length = r->stream ? r->stream_length : r->body.size();
    if (r->head) out.length = r->stream_length;
    if (r->stream) {
      char buf[5000];  // not a multiple of 4 KiB nor of SSE's 64 KiB chunks: reads straddle both
      for (size_t n; (n = r->stream->read(buf, sizeof buf)) > 0;) out.body.append(buf, n);
    }
    return out;
  }

  void set_versioning(const std::string& bucket, store::Versioning v) {
    auto b = meta_->find_bucket(bucket);
    ASSERT_TRUE(b.has_value());
    b->versioning = v;
    ASSERT_TRUE(meta_->update_bucket(*b));
  }

  std::unique_ptr<store::Metadata> meta_;
  body::testing::MemoryBlobs blobs_;
  core::FakeClock clock_;
  SeededRandom random_;
  Config config_;
  core::Principal caller_;
  Context ctx_;
};

}  // namespace podbucket::s3::testing
