#include "s3/multipart/multipart.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "s3/body/body.h"

namespace podbucket::s3::multipart {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1 << 20;

/// Deterministic bytes: a different pattern per seed.
std::string pattern(size_t n, int seed) {
  std::string s(n, '\0');
  uint32_t x = 2166136261u ^ uint32_t(seed);
  for (size_t i = 0; i < n; ++i) {
    x = x * 16777619u + 7;
    s[i] = char(x >> 24);
  }
  return s;
}

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = char(v >> (24 - 8 * i));
  return s;
}
std::string be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = char(v >> (56 - 8 * i));
  return s;
}

/// Text of the first element with this name anywhere in the document ("" if absent).
std::string xml_value(const std::string& xml, const char* name) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) return "<unparsable>";
  auto node = doc.select_node((std::string("//") + name).c_str());
  return node ? node.node().text().get() : "";
}
std::vector<std::string> xml_values(const std::string& xml, const char* path) {
  pugi::xml_document doc;
  doc.load_string(xml.c_str());
  std::vector<std::string> out;
  for (auto n : doc.select_nodes(path)) out.push_back(n.node().text().get());
  return out;
}

std::string field(const core::AwsError& e, std::string_view name) {
  for (const auto& [k, v] : e.fields())
    if (k == name) return v;
  return "<none>";
}

class MultipartTest : public ::testing::Test {
 protected:
  MultipartTest() {
    char tmpl[] = "/tmp/podbucket-mpu-XXXXXX";
    dir_ = mkdtemp(tmpl);
    meta_ = store::make_memory_metadata();
    blobs_ = store::make_fs_blobs(dir_);
    caller_.anonymous = false;
    caller_.account_id = "123456789012";
    ctx_ = std::make_unique<Context>(Context{*meta_, *blobs_, clock_, random_, config_, caller_, "req-1"});
    store::BucketRecord b;
    b.name = "bkt";
    b.region = "us-east-1";
    b.owner_id = "123456789012";
    EXPECT_EQ(meta_->create_bucket(b), store::CreateOutcome::kCreated);
  }
  ~MultipartTest() override { fs::remove_all(dir_); }

  using Fn = core::Result<http::Response> (*)(Context&, const Operation&, http::Request&);

  core::Result<http::Response> call(Fn fn, OpKind kind, std::string key, std::string query,
                                    std::vector<std::pair<std::string, std::string>> headers = {},
                                    std::string body = {}, bool with_length = true) {
    Operation op{kind, "bkt", std::move(key), ""};
    http::StringBodySource src(body);
    http::Request req;
    req.method = "POST";
    req.raw_query = std::move(query);
    req.headers.add("Host", "127.0.0.1:9000");
    for (auto& [k, v] : headers) req.headers.add(k, v);
    if (with_length) req.content_length = body.size();
    req.body = &src;
    return fn(*ctx_, op, req);
  }

  std::string create(const std::string& key, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call(create_multipart_upload, OpKind::kCreateMultipartUpload, key, "uploads", std::move(headers));
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    if (!r) return "";
    EXPECT_EQ(xml_value(r->body, "Key"), key);
    EXPECT_EQ(xml_value(r->body, "Bucket"), "bkt");
    return xml_value(r->body, "UploadId");
  }

  core::Result<http::Response> part(const std::string& key, const std::string& upload, int n, const std::string& data,
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call(upload_part, OpKind::kUploadPart, key,
                "partNumber=" + std::to_string(n) + "&uploadId=" + upload, std::move(headers), data);
  }

  /// Uploads and returns the quoted ETag.
  std::string put(const std::string& key, const std::string& upload, int n, const std::string& data) {
    auto r = part(key, upload, n, data);
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? std::string(r->headers.get("ETag").value_or("")) : "";
  }

  core::Result<http::Response> complete(const std::string& key, const std::string& upload, const std::string& xml,
                                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    return call(complete_multipart_upload, OpKind::kCompleteMultipartUpload, key, "uploadId=" + upload,
                std::move(headers), xml);
  }

  static std::string parts_xml(const std::vector<std::pair<int, std::string>>& parts,
                               const std::vector<std::string>& extra = {}) {
    std::string x = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (size_t i = 0; i < parts.size(); ++i) {
      x += "<Part><PartNumber>" + std::to_string(parts[i].first) + "</PartNumber><ETag>" + parts[i].second +
           "</ETag>" + (i < extra.size() ? extra[i] : "") + "</Part>";
    }
    return x + "</CompleteMultipartUpload>";
  }

  std::string object_bytes(const std::string& key) {
    auto obj = meta_->find_object("bkt", key);
    if (!obj) return "<missing>";
    auto s = body::open_segments(*blobs_, obj->segments, 0, obj->size);
    std::string out, buf(65536, '\0');
    while (size_t n = s->read(buf.data(), buf.size())) out.append(buf.data(), n);
    return out;
  }

  size_t blob_files() {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_))
      if (e.is_regular_file()) ++n;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<store::Metadata> meta_;
  std::unique_ptr<store::Blobs> blobs_;
  core::FakeClock clock_{core::from_unix_seconds(1700000000)};
  crypto::SecureRandom random_;
  Config config_;
  core::Principal caller_;
  std::unique_ptr<Context> ctx_;
};

TEST_F(MultipartTest, CreateReturnsUrlSafeUploadId) {
  std::string id = create("a/b.txt");
  EXPECT_GE(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos);
  EXPECT_NE(create("a/b.txt"), id);
  auto up = meta_->find_upload("bkt", "a/b.txt", id);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->owner_id, "123456789012");
  EXPECT_EQ(up->initiated_ms, 1700000000000);
}

// Regression: upload ids were base64url, so random bytes 0xF8... gave "-..." and awscli read
// `--upload-id -kz...` as an option ("expected one argument").
TEST_F(MultipartTest, UploadIdNeverStartsWithADash) {
  struct AllOnes final : core::Random {
    std::string bytes(size_t n) override { return std::string(n, char(0xF8)); }
  } all_ones;
  ctx_ = std::make_unique<Context>(Context{*meta_, *blobs_, clock_, all_ones, config_, caller_, "req-1"});
  std::string id = create("dash");
  ASSERT_FALSE(id.empty());
  EXPECT_NE(id.front(), '-');
  EXPECT_EQ(id.find_first_of("-_"), std::string::npos);
}

TEST_F(MultipartTest, CreateOnMissingBucket) {
  Operation op{OpKind::kCreateMultipartUpload, "nope", "k", ""};
  http::StringBodySource src("");
  http::Request req;
  req.body = &src;
  auto r = create_multipart_upload(*ctx_, op, req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "NoSuchBucket");
}

TEST_F(MultipartTest, FullUploadEtagContentAndHeaders) {
  std::string id = create("big.bin", {{"Content-Type", "text/plain"},
                                      {"x-amz-meta-color", "blue"},
                                      {"Cache-Control", "no-cache"},
                                      {"x-amz-tagging", "a=1&b=2"},
                                      {"x-amz-storage-class", "STANDARD_IA"}});
  std::string p1 = pattern(5 * kMiB, 1), p2 = pattern(5 * kMiB + 3, 2), p3 = pattern(1000, 3), p4 = pattern(10, 4);
  std::string e1 = put("big.bin", id, 1, p1), e2 = put("big.bin", id, 2, p2);
  std::string e3 = put("big.bin", id, 3, p3), e4 = put("big.bin", id, 4, p4);
  EXPECT_EQ(e1, "\"" + core::hex_encode(crypto::md5(p1)) + "\"");
  EXPECT_EQ(blob_files(), 4u);

  // Part 3 is left out, and the ETags are sent once without quotes: both fine.
  auto r = complete("big.bin", id, parts_xml({{1, e1}, {2, std::string(e2.substr(1, 32))}, {4, e4}}));
  ASSERT_TRUE(r) << r.error().message();
  std::string expected =
      "\"" + core::hex_encode(crypto::md5(crypto::md5(p1) + crypto::md5(p2) + crypto::md5(p4))) + "-3\"";
  EXPECT_EQ(xml_value(r->body, "ETag"), expected);
  EXPECT_EQ(xml_value(r->body, "Location"), "http://127.0.0.1:9000/bkt/big.bin");
  EXPECT_FALSE(r->headers.has("x-amz-version-id"));  // unversioned bucket
  EXPECT_EQ(object_bytes("big.bin"), p1 + p2 + p4);
  EXPECT_EQ(blob_files(), 3u);  // part 3's blob is gone, nothing copied

  auto obj = meta_->find_object("bkt", "big.bin");
  ASSERT_TRUE(obj);
  EXPECT_EQ(obj->etag, expected);
  EXPECT_EQ(obj->size, p1.size() + p2.size() + p4.size());
  ASSERT_EQ(obj->segments.size(), 3u);
  ASSERT_EQ(obj->parts.size(), 3u);
  EXPECT_EQ(obj->parts[2].part_number, 4);
  EXPECT_EQ(obj->parts[2].etag, e4);
  EXPECT_EQ(obj->storage_class, "STANDARD_IA");
  EXPECT_EQ(obj->tags, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  auto header = [&](const std::string& name) {
    for (auto& [k, v] : obj->headers)
      if (k == name) return v;
    return std::string("<none>");
  };
  EXPECT_EQ(header("content-type"), "text/plain");
  EXPECT_EQ(header("x-amz-meta-color"), "blue");
  EXPECT_EQ(header("cache-control"), "no-cache");
  EXPECT_TRUE(obj->checksum_algorithm.empty());

  // The upload is gone.
  auto again = complete("big.bin", id, parts_xml({{1, e1}}));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), "NoSuchUpload");
  EXPECT_EQ(again.error().http_status(), 404);
}

TEST_F(MultipartTest, SinglePartUploadMayBeSmall) {
  std::string id = create("small");
  std::string e1 = put("small", id, 1, "hi");
  auto r = complete("small", id, parts_xml({{1, e1}}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(xml_value(r->body, "ETag"), "\"" + core::hex_encode(crypto::md5(crypto::md5("hi"))) + "-1\"");
  EXPECT_EQ(object_bytes("small"), "hi");
}

TEST_F(MultipartTest, RetriedCompleteSucceedsAgain) {
  std::string id = create("r");
  std::string e1 = put("r", id, 1, pattern(5 * kMiB, 1)), e2 = put("r", id, 2, "tail");
  std::string list = parts_xml({{1, e1}, {2, e2}});
  auto first = complete("r", id, list);
  ASSERT_TRUE(first) << first.error().message();
  // The SDK never saw the first answer and retries: same result, nothing changes.
  auto second = complete("r", id, list);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(xml_value(second->body, "ETag"), xml_value(first->body, "ETag"));
  EXPECT_EQ(object_bytes("r"), pattern(5 * kMiB, 1) + "tail");
  // A different part list is not a retry.
  auto other = complete("r", id, parts_xml({{1, e1}}));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), "NoSuchUpload");
}

TEST_F(MultipartTest, EntityTooSmallKeepsUpload) {
  std::string id = create("k");
  std::string e1 = put("k", id, 1, pattern(1024, 1)), e2 = put("k", id, 2, pattern(10, 2));
  auto r = complete("k", id, parts_xml({{1, e1}, {2, e2}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "EntityTooSmall");
  EXPECT_EQ(r.error().http_status(), 400);
  EXPECT_EQ(field(r.error(), "ProposedSize"), "1024");
  EXPECT_EQ(field(r.error(), "MinSizeAllowed"), "5242880");
  EXPECT_EQ(field(r.error(), "PartNumber"), "1");
  EXPECT_EQ(field(r.error(), "ETag"), e1.substr(1, 32));
  EXPECT_TRUE(meta_->find_upload("bkt", "k", id));
  EXPECT_FALSE(meta_->find_object("bkt", "k"));
}

TEST_F(MultipartTest, InvalidPartAndOrder) {
  std::string id = create("k");
  std::string e1 = put("k", id, 1, pattern(5 * kMiB, 1)), e2 = put("k", id, 2, pattern(10, 2));
  struct Case {
    std::string xml;
    std::string code;
  };
  std::string wrong = "\"" + core::hex_encode(crypto::md5("x")) + "\"";
  std::vector<Case> cases = {
      {parts_xml({{1, e1}, {2, wrong}}), "InvalidPart"},
      {parts_xml({{1, e1}, {3, e2}}), "InvalidPart"},
      {parts_xml({{2, e2}, {1, e1}}), "InvalidPartOrder"},
      {parts_xml({{1, e1}, {1, e1}}), "InvalidPartOrder"},
      {"<CompleteMultipartUpload></CompleteMultipartUpload>", "MalformedXML"},
      {"not xml", "MalformedXML"},
      {"<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>", "MalformedXML"},
      {"<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
       "MalformedXML"},
  };
  for (const auto& c : cases) {
    auto r = complete("k", id, c.xml);
    ASSERT_FALSE(r) << c.xml;
    EXPECT_EQ(r.error().code(), c.code) << c.xml;
  }
  EXPECT_TRUE(meta_->find_upload("bkt", "k", id));
  EXPECT_TRUE(complete("k", id, parts_xml({{1, e1}, {2, e2}})));
}

TEST_F(MultipartTest, NoSuchUploadEverywhere) {
  std::string id = create("k");
  std::string bogus = "AAAA" + id.substr(4);
  auto p = part("k", bogus, 1, "x");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), "NoSuchUpload");
  EXPECT_EQ(p.error().message(),
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted "
            "or completed.");
  // The right id but another key.
  auto other = part("other", id, 1, "x");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), "NoSuchUpload");
  auto lp = call(list_parts, OpKind::kListParts, "k", "uploadId=" + bogus);
  ASSERT_FALSE(lp);
  EXPECT_EQ(lp.error().code(), "NoSuchUpload");
  auto ab = call(abort_multipart_upload, OpKind::kAbortMultipartUpload, "k", "uploadId=" + bogus);
  ASSERT_FALSE(ab);
  EXPECT_EQ(ab.error().code(), "NoSuchUpload");
  auto missing = call(abort_multipart_upload, OpKind::kAbortMultipartUpload, "k", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), "NoSuchUpload");
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(MultipartTest, PartNumberRange) {
  std::string id = create("k");
  for (std::string n : {"0", "10001", "abc", "-1", ""}) {
    auto r = call(upload_part, OpKind::kUploadPart, "k", "partNumber=" + n + "&uploadId=" + id, {}, "x");
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), "InvalidArgument") << n;
  }
  EXPECT_TRUE(part("k", id, 10000, "x"));
}

TEST_F(MultipartTest, ReuploadReplacesPartAndDeletesOldBlob) {
  std::string id = create("k");
  std::string old_etag = put("k", id, 1, "first");
  std::string new_etag = put("k", id, 1, "second version");
  EXPECT_NE(old_etag, new_etag);
  EXPECT_EQ(blob_files(), 1u);
  auto r = call(list_parts, OpKind::kListParts, "k", "uploadId=" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(xml_values(r->body, "//Part/ETag"), std::vector<std::string>{new_etag});
  EXPECT_EQ(xml_values(r->body, "//Part/Size"), std::vector<std::string>{"14"});
  auto bad = complete("k", id, parts_xml({{1, old_etag}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "InvalidPart");
  ASSERT_TRUE(complete("k", id, parts_xml({{1, new_etag}})));
  EXPECT_EQ(object_bytes("k"), "second version");
}

/// The memory backend, with a hook run at the start of each complete_upload: the place where a concurrent
/// UploadPart can commit after the Complete handler listed the parts.
class RacingMetadata : public store::Metadata {
 public:
  explicit RacingMetadata(store::Metadata& inner) : inner_(inner) {}
  std::function<void()> before_complete;
  int completes = 0;

  store::CreateOutcome create_bucket(const store::BucketRecord& b) override { return inner_.create_bucket(b); }
  std::optional<store::BucketRecord> find_bucket(std::string_view n) override { return inner_.find_bucket(n); }
  std::vector<store::BucketRecord> list_buckets() override { return inner_.list_buckets(); }
  bool update_bucket(const store::BucketRecord& b) override { return inner_.update_bucket(b); }
  store::DeleteBucketOutcome delete_bucket(std::string_view n) override { return inner_.delete_bucket(n); }
  bool put_bucket_config(std::string_view b, std::string_view k, std::string_view d) override {
    return inner_.put_bucket_config(b, k, d);
  }
  std::optional<std::string> get_bucket_config(std::string_view b, std::string_view k) override {
    return inner_.get_bucket_config(b, k);
  }
  bool delete_bucket_config(std::string_view b, std::string_view k) override {
    return inner_.delete_bucket_config(b, k);
  }
  store::PutOutcome put_object(const store::ObjectRecord& o, const store::PutOptions& p) override {
    return inner_.put_object(o, p);
  }
  std::optional<store::ObjectRecord> find_object(std::string_view b, std::string_view k,
                                                 std::string_view v) override {
    return inner_.find_object(b, k, v);
  }
  std::optional<store::ObjectRecord> delete_object_version(std::string_view b, std::string_view k,
                                                           std::string_view v) override {
    return inner_.delete_object_version(b, k, v);
  }
  bool set_object_tags(std::string_view b, std::string_view k, std::string_view v,
                       const std::map<std::string, std::string>& t) override {
    return inner_.set_object_tags(b, k, v, t);
  }
  std::vector<store::ObjectRecord> list_objects(std::string_view b, const store::ObjectListQuery& q) override {
    return inner_.list_objects(b, q);
  }
  std::vector<store::ObjectRecord> list_versions(std::string_view b, const store::VersionListQuery& q) override {
    return inner_.list_versions(b, q);
  }
  void create_upload(const store::UploadRecord& u) override { inner_.create_upload(u); }
  std::optional<store::UploadRecord> find_upload(std::string_view b, std::string_view k,
                                                 std::string_view u) override {
    return inner_.find_upload(b, k, u);
  }
  PutPartOutcome put_part(const store::PartRecord& p) override { return inner_.put_part(p); }
  std::vector<store::PartRecord> list_parts(std::string_view u, int after, size_t limit) override {
    return inner_.list_parts(u, after, limit);
  }
  std::vector<store::UploadRecord> list_uploads(std::string_view b, const store::UploadListQuery& q) override {
    return inner_.list_uploads(b, q);
  }
  std::optional<CompleteOutcome> complete_upload(std::string_view u, const store::ObjectRecord& o,
                                                 const store::PutOptions& p) override {
    ++completes;
    if (before_complete) before_complete();
    return inner_.complete_upload(u, o, p);
  }
  std::optional<std::vector<store::PartRecord>> abort_upload(std::string_view u) override {
    return inner_.abort_upload(u);
  }
  void for_each_blob_id(const std::function<void(const std::string&)>& visit) override {
    inner_.for_each_blob_id(visit);
  }

 private:
  store::Metadata& inner_;
};

class CompleteRaceTest : public MultipartTest {
 protected:
  CompleteRaceTest() {
    ctx_ = std::make_unique<Context>(Context{racing_, *blobs_, clock_, random_, config_, caller_, "req-1"});
  }
  RacingMetadata racing_{*meta_};
};

// UploadPart re-sends part 1 with the same bytes (an SDK retry) while Complete runs: the old blob is deleted, so
// the object must be built from the new one, never point at the deleted blob.
TEST_F(CompleteRaceTest, PartReplacedWithSameBytesDuringCompleteIsPickedUp) {
  std::string id = create("k");
  std::string p1 = pattern(5 * kMiB, 1);
  std::string e1 = put("k", id, 1, p1), e2 = put("k", id, 2, "tail");
  int raced = 0;
  racing_.before_complete = [&] {
    if (raced++ == 0) EXPECT_EQ(put("k", id, 1, p1), e1);
  };
  auto r = complete("k", id, parts_xml({{1, e1}, {2, e2}}));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(racing_.completes, 2);  // refused once, then completed from a fresh listing
  EXPECT_EQ(object_bytes("k"), p1 + "tail");
  EXPECT_EQ(blob_files(), 2u);  // the replaced blob is gone and nothing else leaked
  EXPECT_FALSE(meta_->find_upload("bkt", "k", id));
}

// The racing UploadPart sends different bytes: the request's ETag no longer matches part 1, as S3 says.
TEST_F(CompleteRaceTest, PartReplacedWithOtherBytesDuringCompleteIsInvalidPart) {
  std::string id = create("k");
  std::string e1 = put("k", id, 1, pattern(5 * kMiB, 1)), e2 = put("k", id, 2, "tail");
  std::string e1b;
  racing_.before_complete = [&] {
    if (e1b.empty()) e1b = put("k", id, 1, pattern(5 * kMiB, 9));
  };
  auto r = complete("k", id, parts_xml({{1, e1}, {2, e2}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "InvalidPart");
  EXPECT_FALSE(meta_->find_object("bkt", "k"));
  // The upload is intact with the new part 1, and completes with its ETag.
  racing_.before_complete = nullptr;
  ASSERT_TRUE(complete("k", id, parts_xml({{1, e1b}, {2, e2}})));
  EXPECT_EQ(object_bytes("k"), pattern(5 * kMiB, 9) + "tail");
  EXPECT_EQ(blob_files(), 2u);
}

// UploadParts that keep replacing the part on every attempt: Complete gives up with InvalidPart, changing nothing.
TEST_F(CompleteRaceTest, PersistentRaceEndsInInvalidPart) {
  std::string id = create("k");
  std::string e1 = put("k", id, 1, "only");
  racing_.before_complete = [&] { EXPECT_EQ(put("k", id, 1, "only"), e1); };
  auto r = complete("k", id, parts_xml({{1, e1}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "InvalidPart");
  EXPECT_EQ(racing_.completes, 3);
  EXPECT_FALSE(meta_->find_object("bkt", "k"));
  EXPECT_TRUE(meta_->find_upload("bkt", "k", id));
  EXPECT_EQ(blob_files(), 1u);
}

TEST_F(MultipartTest, PartBodyChecksAndFailuresLeaveNothing) {
  std::string id = create("k");
  auto r = part("k", id, 1, "hello", {{"Content-MD5", core::base64_encode(crypto::md5("hellO"))}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "BadDigest");
  EXPECT_EQ(blob_files(), 0u);
  auto ok = part("k", id, 1, "hello", {{"Content-MD5", core::base64_encode(crypto::md5("hello"))}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->headers.get("ETag").value_or(""), "\"" + core::hex_encode(crypto::md5("hello")) + "\"");
}

TEST_F(MultipartTest, CompositeChecksum) {
  std::string id = create("c", {{"x-amz-checksum-algorithm", "CRC32"}});
  auto up = meta_->find_upload("bkt", "c", id);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->checksum_type, "COMPOSITE");
  std::string p1 = pattern(5 * kMiB, 1), p2 = pattern(333, 2);
  std::string c1 = core::base64_encode(be32(crypto::crc32(p1))), c2 = core::base64_encode(be32(crypto::crc32(p2)));
  // Part 1 sends its checksum, part 2 lets the server compute it (the upload's algorithm is required).
  auto r1 = part("c", id, 1, p1, {{"x-amz-checksum-crc32", c1}});
  ASSERT_TRUE(r1) << r1.error().message();
  EXPECT_EQ(r1->headers.get("x-amz-checksum-crc32").value_or(""), c1);
  auto r2 = part("c", id, 2, p2);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->headers.get("x-amz-checksum-crc32").value_or(""), c2);
  std::string e1(r1->headers.get("ETag").value()), e2(r2->headers.get("ETag").value());

  auto lp = call(list_parts, OpKind::kListParts, "c", "uploadId=" + id);
  ASSERT_TRUE(lp);
  EXPECT_EQ(xml_values(lp->body, "//Part/ChecksumCRC32"), (std::vector<std::string>{c1, c2}));
  EXPECT_EQ(xml_value(lp->body, "ChecksumAlgorithm"), "CRC32");

  // A wrong per-part checksum in Complete is an InvalidPart.
  auto bad = complete("c", id, parts_xml({{1, e1}, {2, e2}}, {"<ChecksumCRC32>" + c2 + "</ChecksumCRC32>", ""}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "InvalidPart");

  auto r = complete("c", id,
                    parts_xml({{1, e1}, {2, e2}}, {"<ChecksumCRC32>" + c1 + "</ChecksumCRC32>",
                                                   "<ChecksumCRC32>" + c2 + "</ChecksumCRC32>"}));
  ASSERT_TRUE(r) << r.error().message();
  std::string expected =
      core::base64_encode(be32(crypto::crc32(be32(crypto::crc32(p1)) + be32(crypto::crc32(p2))))) + "-2";
  EXPECT_EQ(xml_value(r->body, "ChecksumCRC32"), expected);
  EXPECT_EQ(xml_value(r->body, "ChecksumType"), "COMPOSITE");
  auto obj = meta_->find_object("bkt", "c");
  ASSERT_TRUE(obj);
  EXPECT_EQ(obj->checksum_algorithm, "CRC32");
  EXPECT_EQ(obj->checksum_value, expected);
  EXPECT_EQ(obj->checksum_type, "COMPOSITE");
  EXPECT_EQ(obj->parts[0].checksum, c1);
}

TEST_F(MultipartTest, PartInAnotherAlgorithmIsRefused) {
  std::string id = create("c", {{"x-amz-checksum-algorithm", "CRC32"}});
  auto r = part("c", id, 1, "abc", {{"x-amz-checksum-sha256", core::base64_encode(crypto::sha256("abc"))}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "InvalidRequest");
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(MultipartTest, FullObjectChecksums) {
  std::string p1 = pattern(5 * kMiB + 17, 1), p2 = pattern(5 * kMiB, 2), p3 = pattern(4321, 3);
  std::string all = p1 + p2 + p3;
  {
    std::string id = create("n", {{"x-amz-checksum-algorithm", "CRC64NVME"}});
    std::string e1 = put("n", id, 1, p1), e2 = put("n", id, 2, p2), e3 = put("n", id, 3, p3);
    std::string whole = core::base64_encode(be64(crypto::crc64nvme(all)));
    // A wrong whole-object checksum header is a BadDigest, and the upload stays.
    auto bad = complete("n", id, parts_xml({{1, e1}, {2, e2}, {3, e3}}),
                        {{"x-amz-checksum-crc64nvme", core::base64_encode(be64(crypto::crc64nvme(p1)))}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), "BadDigest");
    auto r = complete("n", id, parts_xml({{1, e1}, {2, e2}, {3, e3}}), {{"x-amz-checksum-crc64nvme", whole}});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(xml_value(r->body, "ChecksumCRC64NVME"), whole);
    EXPECT_EQ(xml_value(r->body, "ChecksumType"), "FULL_OBJECT");
  }
  {
    std::string id = create("f", {{"x-amz-checksum-algorithm", "crc32c"}, {"x-amz-checksum-type", "FULL_OBJECT"}});
    std::string e1 = put("f", id, 1, p1), e2 = put("f", id, 2, p2), e3 = put("f", id, 3, p3);
    auto r = complete("f", id, parts_xml({{1, e1}, {2, e2}, {3, e3}}));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(xml_value(r->body, "ChecksumCRC32C"), core::base64_encode(be32(crypto::crc32c(all))));
    auto obj = meta_->find_object("bkt", "f");
    EXPECT_EQ(obj->checksum_type, "FULL_OBJECT");
  }
}

TEST_F(MultipartTest, CreateChecksumSettings) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string code;  // empty = success
    std::string type;
  };
  std::vector<Case> cases = {
      {{{"x-amz-checksum-algorithm", "SHA256"}}, "", "COMPOSITE"},
      {{{"x-amz-checksum-algorithm", "CRC64NVME"}}, "", "FULL_OBJECT"},
      {{{"x-amz-checksum-algorithm", "SHA1"}, {"x-amz-checksum-type", "FULL_OBJECT"}}, "InvalidRequest", ""},
      {{{"x-amz-checksum-algorithm", "CRC64NVME"}, {"x-amz-checksum-type", "COMPOSITE"}}, "InvalidRequest", ""},
      {{{"x-amz-checksum-algorithm", "MD5"}}, "InvalidRequest", ""},
      {{{"x-amz-checksum-type", "COMPOSITE"}}, "InvalidRequest", ""},
  };
  for (const auto& c : cases) {
    auto r = call(create_multipart_upload, OpKind::kCreateMultipartUpload, "k", "uploads", c.headers);
    if (c.code.empty()) {
      ASSERT_TRUE(r) << c.headers[0].second;
      EXPECT_EQ(r->headers.get("x-amz-checksum-type").value_or(""), c.type);
      EXPECT_EQ(r->headers.get("x-amz-checksum-algorithm").value_or(""), c.headers[0].second);
    } else {
      ASSERT_FALSE(r) << c.headers[0].second;
      EXPECT_EQ(r.error().code(), c.code);
    }
  }
}

TEST_F(MultipartTest, IfNoneMatchOnComplete) {
  store::ObjectRecord existing;
  existing.bucket = "bkt";
  existing.key = "k";
  existing.version_id = "null";
  existing.etag = "\"abc\"";
  ASSERT_EQ(meta_->put_object(existing, {}).status, store::PutStatus::kStored);

  std::string id = create("k");
  std::string e1 = put("k", id, 1, "data");
  auto r = complete("k", id, parts_xml({{1, e1}}), {{"If-None-Match", "*"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "PreconditionFailed");
  EXPECT_EQ(r.error().http_status(), 412);
  EXPECT_TRUE(meta_->find_upload("bkt", "k", id));  // kept
  EXPECT_EQ(meta_->find_object("bkt", "k")->etag, "\"abc\"");
  EXPECT_EQ(blob_files(), 1u);

  auto ok = complete("k", id, parts_xml({{1, e1}}));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(object_bytes("k"), "data");

  std::string id2 = create("fresh");
  std::string e2 = put("fresh", id2, 1, "x");
  EXPECT_TRUE(complete("fresh", id2, parts_xml({{1, e2}}), {{"If-None-Match", "*"}}));
}

TEST_F(MultipartTest, VersionedBucketReturnsVersionId) {
  auto b = meta_->find_bucket("bkt");
  b->versioning = store::Versioning::kEnabled;
  ASSERT_TRUE(meta_->update_bucket(*b));
  std::string id = create("v");
  std::string e1 = put("v", id, 1, "one");
  auto r = complete("v", id, parts_xml({{1, e1}}));
  ASSERT_TRUE(r);
  std::string version(r->headers.get("x-amz-version-id").value_or(""));
  EXPECT_FALSE(version.empty());
  EXPECT_NE(version, "null");
  EXPECT_EQ(meta_->find_object("bkt", "v")->version_id, version);
}

TEST_F(MultipartTest, AbortDeletesParts) {
  std::string id = create("k");
  put("k", id, 1, "a");
  put("k", id, 2, "b");
  EXPECT_EQ(blob_files(), 2u);
  auto r = call(abort_multipart_upload, OpKind::kAbortMultipartUpload, "k", "uploadId=" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(blob_files(), 0u);
  auto again = call(abort_multipart_upload, OpKind::kAbortMultipartUpload, "k", "uploadId=" + id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), "NoSuchUpload");
  auto late = part("k", id, 3, "c");
  ASSERT_FALSE(late);
  EXPECT_EQ(blob_files(), 0u);
}

TEST_F(MultipartTest, ListPartsPaging) {
  std::string id = create("k", {{"x-amz-storage-class", "STANDARD"}});
  for (int n : {1, 2, 3, 5, 8}) put("k", id, n, std::string(size_t(n), 'x'));
  auto page1 = call(list_parts, OpKind::kListParts, "k", "uploadId=" + id + "&max-parts=2");
  ASSERT_TRUE(page1);
  EXPECT_EQ(xml_values(page1->body, "//Part/PartNumber"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(xml_value(page1->body, "IsTruncated"), "true");
  EXPECT_EQ(xml_value(page1->body, "NextPartNumberMarker"), "2");
  EXPECT_EQ(xml_value(page1->body, "MaxParts"), "2");
  EXPECT_EQ(xml_value(page1->body, "StorageClass"), "STANDARD");
  EXPECT_EQ(xml_values(page1->body, "//Owner/ID"), std::vector<std::string>{"123456789012"});
  EXPECT_EQ(xml_values(page1->body, "//Initiator/ID"), std::vector<std::string>{"123456789012"});
  EXPECT_EQ(xml_value(page1->body, "LastModified"), "2023-11-14T22:13:20.000Z");

  auto page2 = call(list_parts, OpKind::kListParts, "k", "uploadId=" + id + "&max-parts=2&part-number-marker=2");
  ASSERT_TRUE(page2);
  EXPECT_EQ(xml_values(page2->body, "//Part/PartNumber"), (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(xml_value(page2->body, "PartNumberMarker"), "2");

  auto last = call(list_parts, OpKind::kListParts, "k", "uploadId=" + id + "&part-number-marker=5");
  ASSERT_TRUE(last);
  EXPECT_EQ(xml_values(last->body, "//Part/PartNumber"), std::vector<std::string>{"8"});
  EXPECT_EQ(xml_values(last->body, "//Part/Size"), std::vector<std::string>{"8"});
  EXPECT_EQ(xml_value(last->body, "IsTruncated"), "false");

  auto bad = call(list_parts, OpKind::kListParts, "k", "uploadId=" + id + "&max-parts=-1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "InvalidArgument");
}

TEST_F(MultipartTest, ListUploadsPrefixDelimiterAndPaging) {
  std::string a1 = create("a/1"), a2 = create("a/2"), b = create("b"), c1 = create("c"), c2 = create("c");
  create("zz/deep/x");
  auto list = [&](const std::string& q) {
    auto r = call(list_multipart_uploads, OpKind::kListMultipartUploads, "", q);
    EXPECT_TRUE(r) << q;
    return r ? r->body : std::string();
  };
  std::string all = list("uploads");
  EXPECT_EQ(xml_values(all, "//Upload/Key"), (std::vector<std::string>{"a/1", "a/2", "b", "c", "c", "zz/deep/x"}));
  EXPECT_EQ(xml_values(all, "//Upload/UploadId")[3], c1);  // initiation order within a key
  EXPECT_EQ(xml_value(all, "IsTruncated"), "false");

  std::string folded = list("uploads&delimiter=/");
  EXPECT_EQ(xml_values(folded, "//Upload/Key"), (std::vector<std::string>{"b", "c", "c"}));
  EXPECT_EQ(xml_values(folded, "//CommonPrefixes/Prefix"), (std::vector<std::string>{"a/", "zz/"}));

  std::string prefixed = list("uploads&prefix=zz/&delimiter=/");
  EXPECT_EQ(xml_values(prefixed, "//CommonPrefixes/Prefix"), std::vector<std::string>{"zz/deep/"});
  EXPECT_TRUE(xml_values(prefixed, "//Upload/Key").empty());

  // Page through with max-uploads=2 and the Next markers; common prefixes count as entries.
  std::vector<std::string> seen;
  std::string q = "uploads&delimiter=/&max-uploads=2";
  for (int i = 0; i < 10; ++i) {
    std::string page = list(q);
    for (auto& k : xml_values(page, "//Upload/Key")) seen.push_back(k);
    for (auto& p : xml_values(page, "//CommonPrefixes/Prefix")) seen.push_back(p);
    if (xml_value(page, "IsTruncated") != "true") break;
    q = "uploads&delimiter=/&max-uploads=2&key-marker=" + core::uri_encode(xml_value(page, "NextKeyMarker")) +
        "&upload-id-marker=" + xml_value(page, "NextUploadIdMarker");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "a/", "c", "c", "zz/"}));

  std::string after = list("uploads&key-marker=c&upload-id-marker=" + c1);
  EXPECT_EQ(xml_values(after, "//Upload/UploadId"), (std::vector<std::string>{c2, xml_values(all, "//Upload/UploadId")[5]}));
  (void)a1, (void)a2, (void)b;
}

TEST_F(MultipartTest, ListUploadsUrlEncoding) {
  create("dir/a b+c");
  auto r = call(list_multipart_uploads, OpKind::kListMultipartUploads, "", "uploads&encoding-type=url");
  ASSERT_TRUE(r);
  EXPECT_EQ(xml_values(r->body, "//Upload/Key"), std::vector<std::string>{"dir/a%20b%2Bc"});
  EXPECT_EQ(xml_value(r->body, "EncodingType"), "url");
  auto bad = call(list_multipart_uploads, OpKind::kListMultipartUploads, "", "uploads&encoding-type=base64");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "InvalidArgument");
}

class UploadPartCopyTest : public MultipartTest {
 protected:
  UploadPartCopyTest() {
    source_ = pattern(1000, 9);
    auto w = blobs_->create();
    w->write(source_.data(), 600);
    std::string b1 = w->commit();
    auto w2 = blobs_->create();
    w2->write(source_.data() + 600, 400);
    std::string b2 = w2->commit();
    store::ObjectRecord obj;
    obj.bucket = "bkt";
    obj.key = "src dir/file+1";
    obj.version_id = "null";
    obj.size = 1000;
    obj.etag = "\"" + core::hex_encode(crypto::md5(source_)) + "\"";
    obj.last_modified_ms = 1690000000000;
    obj.segments = {{b1, 600}, {b2, 400}};
    EXPECT_EQ(meta_->put_object(obj, {}).status, store::PutStatus::kStored);
    etag_ = obj.etag;
  }
  core::Result<http::Response> copy(const std::string& upload, int n,
                                    std::vector<std::pair<std::string, std::string>> headers) {
    return call(upload_part_copy, OpKind::kUploadPartCopy, "dst", "partNumber=" + std::to_string(n) + "&uploadId=" + upload,
                std::move(headers));
  }
  std::string source_, etag_;
};

TEST_F(UploadPartCopyTest, CopiesRangeAcrossSegments) {
  std::string id = create("dst", {{"x-amz-checksum-algorithm", "CRC32"}});
  auto r = copy(id, 1, {{"x-amz-copy-source", "/bkt/src%20dir/file%2B1"}, {"x-amz-copy-source-range", "bytes=500-799"}});
  ASSERT_TRUE(r) << r.error().message();
  std::string slice = source_.substr(500, 300);
  EXPECT_EQ(xml_value(r->body, "ETag"), "\"" + core::hex_encode(crypto::md5(slice)) + "\"");
  EXPECT_EQ(xml_value(r->body, "LastModified"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(xml_value(r->body, "ChecksumCRC32"), core::base64_encode(be32(crypto::crc32(slice))));

  // Whole object, no leading slash (as fog and the registry send it).
  auto whole = copy(id, 2, {{"x-amz-copy-source", "bkt/src%20dir/file%2B1"}});
  ASSERT_TRUE(whole) << whole.error().message();
  auto c = complete("dst", id, "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>" +
                                   xml_value(whole->body, "ETag") + "</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(object_bytes("dst"), source_);
}

TEST_F(UploadPartCopyTest, Errors) {
  std::string id = create("dst");
  std::string src = "bkt/src%20dir/file%2B1";
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string code;
  };
  std::vector<Case> cases = {
      {{{"x-amz-copy-source", "bkt/missing"}}, "NoSuchKey"},
      {{{"x-amz-copy-source", "nobucket/x"}}, "NoSuchBucket"},
      {{{"x-amz-copy-source", "bkt"}}, "InvalidArgument"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-range", "bytes=0-1000"}}, "InvalidRange"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-range", "bytes=-1"}}, "InvalidArgument"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-range", "bytes=5-2"}}, "InvalidArgument"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-range", "bytes=0-2,3-5"}}, "InvalidArgument"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-if-match", "\"0000\""}}, "PreconditionFailed"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-if-none-match", "\"0000\""}, {"x-amz-copy-source-if-match", "\"0000\""}},
       "PreconditionFailed"},
      {{{"x-amz-copy-source", src}, {"x-amz-copy-source-if-modified-since", "Sun, 30 Jul 2023 00:00:00 GMT"}},
       "PreconditionFailed"},
  };
  for (const auto& c : cases) {
    auto r = copy(id, 1, c.headers);
    ASSERT_FALSE(r) << c.headers.back().second;
    EXPECT_EQ(r.error().code(), c.code) << c.headers.back().second;
  }
  EXPECT_TRUE(copy(id, 1, {{"x-amz-copy-source", src}, {"x-amz-copy-source-if-match", etag_}}));
  EXPECT_TRUE(copy(id, 1, {{"x-amz-copy-source", src}, {"x-amz-copy-source-range", "bytes=999-999"}}));
  auto bad_upload = copy("nope", 1, {{"x-amz-copy-source", src}});
  ASSERT_FALSE(bad_upload);
  EXPECT_EQ(bad_upload.error().code(), "NoSuchUpload");
}

}  // namespace
}  // namespace podbucket::s3::multipart
