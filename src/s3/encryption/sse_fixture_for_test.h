#pragma once
// Test-only: the whole S3 service over the in-memory stores with a FakeKeyService as ctx.kms, for the
// server-side encryption handler tests.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "s3/body/memory_blobs_for_test.h"
#include "s3/encryption/fake_key_service_for_test.h"
#include "s3/service.h"

namespace podbucket::s3::encryption::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::string code;     // AWS error code when failed
  std::string message;  // AWS error message when failed
  http::Headers headers;
  std::string body;
};

class CountingRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(engine_());
    return out;
  }

 private:
  std::mt19937 engine_{7};
};

class SseTest : public ::testing::Test {
 protected:
  SseTest()
      : meta_(store::make_memory_metadata()),
        clock_(core::from_unix_seconds(1'700'000'000)),
        ctx_{*meta_, blobs_, clock_, random_, config_, caller_, "req-1", &kms_} {
    caller_.anonymous = false;
    caller_.account_id = "123456789012";
    caller_.arn = "arn:aws:iam::123456789012:user/alice";
  }

  Reply call(const std::string& method, const std::string& target, std::string body = {}, Headers headers = {}) {
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
    if (r->stream) {
      char buf[5000];  // not a multiple of the chunk size: reads straddle chunks
      for (size_t n; (n = r->stream->read(buf, sizeof buf)) > 0;) out.body.append(buf, n);
    }
    return out;
  }

  static std::string header(const Reply& r, std::string_view name) {
    return std::string(r.headers.get(name).value_or(""));
  }

  /// A recognizable plaintext of `n` bytes: "PODBUCKET-PLAINTEXT-<i>|" repeated.
  static std::string pattern(size_t n) {
    std::string s;
    for (size_t i = 0; s.size() < n; ++i) s += "PODBUCKET-PLAINTEXT-" + std::to_string(i) + "|";
    s.resize(n);
    return s;
  }
  static std::string etag_of(const std::string& s) { return "\"" + core::hex_encode(crypto::md5(s)) + "\""; }

  /// SSE-C request headers for a 32-byte key (prefix "x-amz-" or "x-amz-copy-source-").
  static Headers customer(const std::string& key, const std::string& prefix = "x-amz-") {
    return {{prefix + "server-side-encryption-customer-algorithm", "AES256"},
            {prefix + "server-side-encryption-customer-key", core::base64_encode(key)},
            {prefix + "server-side-encryption-customer-key-MD5", core::base64_encode(crypto::md5(key))}};
  }
  static Headers join(Headers a, const Headers& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  /// True if no stored blob holds `needle`.
  bool stored_bytes_lack(const std::string& needle) const {
    return blobs_.all_content().find(needle) == std::string::npos;
  }

  std::unique_ptr<store::Metadata> meta_;
  body::testing::MemoryBlobs blobs_;
  core::FakeClock clock_;
  CountingRandom random_;
  Config config_;
  core::Principal caller_;
  FakeKeyService kms_;
  Context ctx_;
};

}  // namespace podbucket::s3::encryption::testing
