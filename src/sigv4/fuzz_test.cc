// Randomized robustness: mutated signed requests and aws-chunked bodies must end in an AwsError / AwsException,
// never in a crash, a hang, another exception type, or an accepted forgery. Deterministic seeds.
#include <gtest/gtest.h>

#include <random>

#include "core/encoding.h"
#include "core/time_format.h"
#include "sigv4/canonical.h"
#include "sigv4/chunked.h"
#include "sigv4/sign.h"
#include "sigv4/test_util.h"

namespace podbucket::sigv4 {
namespace {

const core::TimePoint kNow = *core::parse_amz_date("20240301T120000Z");
const Credentials kCreds{"AKIAEXAMPLE000000001", "secretsecretsecretsecretsecretsecret0001", ""};

std::string mutate(std::string s, std::mt19937& rng) {
  std::uniform_int_distribution<int> op(0, 4);
  int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (op(rng)) {
      case 0:
        if (!s.empty()) s[pos] = char(rng());
        break;
      case 1:
        s.insert(pos, 1, "\r\n;=:/&%0aZ "[rng() % 12]);
        break;
      case 2:
        if (!s.empty()) s.erase(pos, 1 + rng() % 8);
        break;
      case 3:
        s.resize(pos);
        break;
      case 4:
        s.insert(pos, std::string(rng() % 5000, char('0' + rng() % 10)));
        break;
    }
  }
  return s;
}

TEST(FuzzTest, MutatedChunkedBodies) {
  std::mt19937 rng(12345);
  std::string payload(3000, 'q');
  std::string key = derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3");
  std::string scope = credential_scope("20240301", "us-east-1", "s3");
  std::string seed(64, 'c');
  std::string good = encode_signed_chunks(payload, 700, key, "20240301T120000Z", scope, seed,
                                          {{"x-amz-checksum-crc32", "AAAAAA=="}});
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = mutate(good, rng);
    bool signed_mode = i % 2 == 0;
    if (!signed_mode) body = mutate(encode_unsigned_chunks(payload, 700, {{"x-amz-checksum-crc32", "A"}}), rng);
    http::StringBodySource src(body);
    http::Headers headers;
    std::optional<ChunkSigning> signing;
    if (signed_mode) signing = ChunkSigning{key, "20240301T120000Z", scope, seed};
    AwsChunkedBody decoder(&src, signing, true, &headers, std::nullopt);
    std::string out;
    try {
      std::vector<char> buf(1 + rng() % 2000);
      while (size_t n = decoder.read(buf.data(), buf.size())) out.append(buf.data(), n);
      if (signed_mode) {
        // A signed body is only accepted with the original payload (mutations in framing whitespace excepted).
        EXPECT_EQ(out, payload) << i;
        ++accepted;
      }
    } catch (const core::AwsException&) {
    }
  }
  EXPECT_LT(accepted, 300);  // most mutations must be rejected
}

TEST(FuzzTest, MutatedAuthData) {
  std::mt19937 rng(777);
  core::FakeClock clock(kNow);
  auto keys = testing::single_key(kCreds.access_key_id, kCreds.secret_access_key);
  int authenticated = 0;
  for (int i = 0; i < 3000; ++i) {
    http::Request req;
    req.method = "GET";
    req.path = "/bucket/key";
    req.headers.add("Host", "127.0.0.1:9000");
    if (i % 2 == 0) {
      sign_request(req, kCreds, "us-east-1", i % 4 == 0 ? "s3" : "sts", kNow, kEmptySha256);
      std::string which = (rng() % 3 == 0) ? "X-Amz-Date" : "Authorization";
      req.headers.set(which, mutate(std::string(*req.headers.get(which)), rng));
    } else {
      presign_request(req, kCreds, "us-east-1", i % 3 == 0 ? "s3" : "iam", kNow, 3600);
      req.raw_query = mutate(req.raw_query, rng);
    }
    http::StringBodySource body("");
    req.body = &body;
    auto scope = peek_scope(req);
    auto v = verify(req, keys, clock);
    if (!v) continue;
    if (v->principal.anonymous) {
      // The mutation destroyed the auth data itself: the request is anonymous, and peek_scope agrees.
      EXPECT_TRUE(scope && !scope->has_value()) << i;
    } else {
      ++authenticated;
      EXPECT_EQ(v->principal.access_key_id, kCreds.access_key_id) << i;
    }
  }
  EXPECT_LT(authenticated, 300);  // a mutation rarely leaves the signed content intact
}

}  // namespace
}  // namespace podbucket::sigv4
