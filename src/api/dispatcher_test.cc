// The dispatcher end to end without sockets: routing by scope and shape, SigV4 with root keys, error rendering
// per protocol, exception mapping.
#include "api/dispatcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"

namespace podbucket::api {
namespace {

constexpr std::string_view kAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

class CountingRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = char(next_++);
    return out;
  }

 private:
  uint8_t next_ = 1;
};

/// A Blobs whose create() throws what the test asks for.
class ThrowingBlobs final : public store::Blobs {
 public:
  enum class Mode { kUnavailable, kBug } mode = Mode::kUnavailable;
  std::unique_ptr<store::BlobWriter> create() override {
    if (mode == Mode::kUnavailable) throw store::Unavailable("disk on fire at /secret/path");
    throw std::runtime_error("null pointer at /secret/path");
  }
  std::unique_ptr<store::BlobReader> open(std::string_view) override { throw store::Unavailable("no blob"); }
  void remove(std::string_view) override {}
  size_t sweep_orphans(const std::function<bool(std::string_view)>&) override { return 0; }
};

/// Signs `req` for S3 with the header form and UNSIGNED-PAYLOAD (enough for these tests; sigv4/ has the
/// exhaustive vectors).
void sign(http::Request& req, core::TimePoint now, std::string_view service = "s3") {
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  req.raw_query = q == std::string::npos ? "" : req.target.substr(q + 1);
  if (!req.headers.has("Host")) req.headers.set("Host", "127.0.0.1:9000");
  std::string amz_date = core::format_amz_date(now);
  std::string date = amz_date.substr(0, 8);
  req.headers.set("x-amz-date", amz_date);
  req.headers.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  std::string host(*req.headers.get("Host"));
  std::string canonical = req.method + "\n" + req.path + "\n" + req.raw_query + "\nhost:" + host +
                          "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:" + amz_date +
                          "\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD";
  std::string scope = date + "/us-east-1/" + std::string(service) + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" +
                        core::hex_encode(crypto::sha256(canonical));
  std::string k = crypto::hmac_sha256("AWS4" + std::string(kSecret), date);
  k = crypto::hmac_sha256(k, "us-east-1");
  k = crypto::hmac_sha256(k, service);
  k = crypto::hmac_sha256(k, "aws4_request");
  req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(kAccessKey) + "/" + scope +
                                       ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" +
                                       core::hex_encode(crypto::hmac_sha256(k, to_sign)));
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      : dir_(std::filesystem::temp_directory_path() / ("podbucket-api-" + std::to_string(::getpid()))),
        meta_(store::make_memory_metadata()),
        blobs_(store::make_fs_blobs(dir_ / "objects")),
        clock_(core::from_unix_seconds(1'780'000'000)),
        dispatcher_(*meta_, *blobs_, clock_, random_, s3::Config{}) {
    dispatcher_.add_key_lookup(root_key_lookup(std::string(kAccessKey), std::string(kSecret), "123456789012"));
  }
  ~DispatcherTest() override { std::filesystem::remove_all(dir_); }

  http::Response send(http::Request& req, std::string body = {}) {
    http::StringBodySource source(std::move(body));
    req.body = &source;
    if (!req.headers.has("Host")) req.headers.set("Host", "127.0.0.1:9000");
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.raw_query = q == std::string::npos ? "" : req.target.substr(q + 1);
    return dispatcher_.handle(req);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Metadata> meta_;
  std::unique_ptr<store::Blobs> blobs_;
  core::FakeClock clock_;
  CountingRandom random_;
  Dispatcher dispatcher_;
};

TEST_F(DispatcherTest, AnonymousS3IsDeniedWithRequestIds) {
  http::Request req{.method = "GET", .target = "/"};
  auto res = send(req);
  EXPECT_EQ(res.status, 403);
  auto id = res.headers.get("x-amz-request-id");
  ASSERT_TRUE(id);
  EXPECT_TRUE(std::regex_match(std::string(*id), std::regex("[0-9A-F]{16}")));
  EXPECT_TRUE(res.headers.has("x-amz-id-2"));
  EXPECT_NE(res.body.find("<Code>AccessDenied</Code>"), std::string::npos);
  EXPECT_NE(res.body.find("<RequestId>" + std::string(*id) + "</RequestId>"), std::string::npos);
  EXPECT_NE(res.body.find("<HostId>" + std::string(*res.headers.get("x-amz-id-2")) + "</HostId>"),
            std::string::npos);
}

TEST_F(DispatcherTest, RequestIdsDifferPerRequest) {
  http::Request a{.method = "GET", .target = "/"}, b{.method = "GET", .target = "/"};
  EXPECT_NE(send(a).headers.get("x-amz-request-id"), send(b).headers.get("x-amz-request-id"));
}

TEST_F(DispatcherTest, SignedRootRequestReachesS3) {
  http::Request create{.method = "PUT", .target = "/my-bucket"};
  create.headers.set("Host", "127.0.0.1:9000");
  sign(create, clock_.now());
  auto res = send(create);
  EXPECT_EQ(res.status, 200) << res.body;

  http::Request list{.method = "GET", .target = "/"};
  list.headers.set("Host", "127.0.0.1:9000");
  sign(list, clock_.now());
  res = send(list);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("<Name>my-bucket</Name>"), std::string::npos);
  EXPECT_TRUE(res.headers.has("x-amz-request-id"));
}

TEST_F(DispatcherTest, UnknownAccessKeyIsRejected) {
  http::Request req{.method = "GET", .target = "/"};
  req.headers.set("Host", "127.0.0.1:9000");
  sign(req, clock_.now());
  auto auth = std::string(*req.headers.get("Authorization"));
  auth.replace(auth.find(kAccessKey), kAccessKey.size(), "AKIAUNKNOWNUNKNOWN00");
  req.headers.set("Authorization", auth);
  auto res = send(req);
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("<Code>InvalidAccessKeyId</Code>"), std::string::npos);
}

TEST_F(DispatcherTest, HeadErrorHasNoBody) {
  http::Request req{.method = "HEAD", .target = "/missing-bucket"};
  req.headers.set("Host", "127.0.0.1:9000");
  sign(req, clock_.now());
  auto res = send(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(res.body.empty());
}

TEST_F(DispatcherTest, StorageFailureIs503AndBugIs500WithoutDetail) {
  ThrowingBlobs blobs;
  Dispatcher d(*meta_, blobs, clock_, random_, s3::Config{});
  d.add_key_lookup(root_key_lookup(std::string(kAccessKey), std::string(kSecret), "123456789012"));
  auto put = [&](std::string_view target, std::string data) {
    http::Request req{.method = "PUT", .target = std::string(target)};
    sign(req, clock_.now());
    req.content_length = data.size();
    http::StringBodySource body(std::move(data));
    req.body = &body;
    return d.handle(req);
  };
  ASSERT_EQ(put("/bkt1", "").status, 200);
  auto res = put("/bkt1/key", "data");
  EXPECT_EQ(res.status, 503);
  EXPECT_NE(res.body.find("<Code>ServiceUnavailable</Code>"), std::string::npos);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  blobs.mode = ThrowingBlobs::Mode::kBug;
  res = put("/bkt1/key", "data");
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("<Code>InternalError</Code>"), std::string::npos);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST_F(DispatcherTest, UnsignedStsFormGetsStsError) {
  http::Request req{.method = "POST", .target = "/"};
  req.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  auto res = send(req, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
  EXPECT_NE(res.body.find("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"), std::string::npos);
  EXPECT_TRUE(res.headers.has("x-amzn-RequestId"));
}

TEST_F(DispatcherTest, UnsignedIamFormGetsIamError) {
  http::Request req{.method = "POST", .target = "/"};
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  auto res = send(req, "Action=ListRoles&Version=2010-05-08");
  EXPECT_NE(res.body.find("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"), std::string::npos);
}

TEST_F(DispatcherTest, KmsShapeGetsJsonError) {
  http::Request req{.method = "POST", .target = "/"};
  req.headers.set("X-Amz-Target", "TrentService.ListKeys");
  req.headers.set("Content-Type", "application/x-amz-json-1.1");
  auto res = send(req, "{}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.headers.get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_NE(res.body.find(R"("__type":"UnknownOperationException")"), std::string::npos);
}

TEST(PickServiceTest, ScopeWinsOverShape) {
  http::Request req{.method = "POST", .path = "/"};
  req.headers.set("X-Amz-Target", "TrentService.Encrypt");
  EXPECT_EQ(pick_service(req, "s3", ""), Service::kS3);
  EXPECT_EQ(pick_service(req, "eks-auth", ""), Service::kEksAuth);
  EXPECT_EQ(pick_service(req, "", ""), Service::kKms);
  http::Request get{.method = "GET", .path = "/bucket"};
  EXPECT_EQ(pick_service(get, "", ""), Service::kS3);
}

TEST(RootKeyLookupTest, KnowsOnlyItsKey) {
  auto lookup = root_key_lookup("AKIAROOT", "secret", "123456789012");
  EXPECT_FALSE(lookup("AKIAOTHER"));
  auto key = lookup("AKIAROOT");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->secret_access_key, "secret");
  EXPECT_TRUE(key->principal.root);
  EXPECT_FALSE(key->principal.anonymous);
  EXPECT_EQ(key->principal.arn, "arn:aws:iam::123456789012:root");
  EXPECT_EQ(key->principal.account_id, "123456789012");
}

}  // namespace
}  // namespace podbucket::api
