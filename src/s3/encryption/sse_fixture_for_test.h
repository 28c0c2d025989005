#pragma once
// Test-only: s3::testing::HandlerFixture with a FakeKeyService as ctx.kms, plus the server-side encryption
// tests' helpers (SSE-C headers, a recognizable plaintext, a scan of the stored bytes).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "s3/encryption/fake_key_service_for_test.h"
#include "s3/testing/handler_fixture.h"

namespace podbucket::s3::encryption::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Reply = s3::testing::Reply;

/// HandlerFixture with a FakeKeyService as ctx.kms and, as the caller, IAM user alice of account 123456789012.
class SseTest : public s3::testing::HandlerFixture {
 protected:
  SseTest() : HandlerFixture(/*root=*/false) {
    caller_.arn = "arn:aws:iam::123456789012:user/alice";
    ctx_.kms = &kms_;
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

  FakeKeyService kms_;
};

}  // namespace podbucket::s3::encryption::testing
