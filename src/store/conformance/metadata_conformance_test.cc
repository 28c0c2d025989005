// One behaviour suite for every Metadata backend: each TEST_P runs against memory and SQLite (a temp file).
// A backend that differs from the others in any observable way fails here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "store/metadata.h"

namespace podbucket::store {
namespace {

namespace fs = std::filesystem;

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Metadata>(const fs::path& dir)> make;
};

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

class MetadataConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/podbucket-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_ = GetParam().make(dir_);
    ASSERT_EQ(db_->create_bucket(bucket("b")), CreateOutcome::kCreated);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  static BucketRecord bucket(const std::string& name, Versioning v = Versioning::kUnversioned) {
    BucketRecord b;
    b.name = name;
    b.region = "us-east-1";
    b.created_ms = 1700000000000;
    b.owner_id = "owner";
    b.versioning = v;
    return b;
  }

  static ObjectRecord object(const std::string& key, const std::string& version = "null",
                             const std::string& etag = "\"e\"", const std::string& bucket_name = "b") {
    ObjectRecord o;
    o.bucket = bucket_name;
    o.key = key;
    o.version_id = version;
    o.etag = etag;
    o.size = 3;
    o.last_modified_ms = 1700000000123;
    o.segments = {{"blob-" + key + "-" + version, 3}};
    return o;
  }

  static ObjectRecord marker(const std::string& key, const std::string& version) {
    ObjectRecord o = object(key, version, "");
    o.delete_marker = true;
    o.size = 0;
    o.segments.clear();
    return o;
  }

  static PutOptions mode(Versioning v) {
    PutOptions options;
    options.versioning = v;
    return options;
  }

  PutStatus put(const ObjectRecord& o, Versioning v = Versioning::kUnversioned) {
    return db_->put_object(o, mode(v)).status;
  }

  static UploadRecord upload(const std::string& key, const std::string& id, const std::string& bucket_name = "b") {
    UploadRecord u;
    u.bucket = bucket_name;
    u.key = key;
    u.upload_id = id;
    u.initiated_ms = 1700000000000;
    u.headers = {{"content-type", "text/plain"}};
    u.checksum_algorithm = "CRC32";
    u.checksum_type = "COMPOSITE";
    u.tags = {{"t", "v"}};
    u.owner_id = "owner";
    return u;
  }

  static PartRecord part(const std::string& upload_id, int number, const std::string& blob) {
    PartRecord p;
    p.upload_id = upload_id;
    p.part_number = number;
    p.last_modified_ms = 1700000000000 + number;
    p.size = 5 * 1024 * 1024;
    p.etag = "\"p" + std::to_string(number) + "\"";
    p.checksum_value = "AAAA";
    p.blob_id = blob;
    return p;
  }

  static std::vector<std::string> keys(const std::vector<ObjectRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.key);
    return out;
  }

  static std::vector<std::string> key_versions(const std::vector<ObjectRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.key + "@" + r.version_id + (r.is_latest ? "*" : ""));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Metadata> db_;
};

using Strings = std::vector<std::string>;

// ---------- buckets ----------

TEST_P(MetadataConformance, CreateBucketTwiceIsAlreadyExists) {
  EXPECT_EQ(db_->create_bucket(bucket("b")), CreateOutcome::kAlreadyExists);
  auto found = db_->find_bucket("b");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->region, "us-east-1");
  EXPECT_EQ(found->owner_id, "owner");
  EXPECT_EQ(found->created_ms, 1700000000000);
  EXPECT_FALSE(db_->find_bucket("nope"));
}

TEST_P(MetadataConformance, ListBucketsByNameInBinaryOrder) {
  for (auto name : {"zeta", "alpha", "Beta", "a-b", "a"}) {
    ASSERT_EQ(db_->create_bucket(bucket(name)), CreateOutcome::kCreated);
  }
  Strings names;
  for (const auto& b : db_->list_buckets()) names.push_back(b.name);
  EXPECT_EQ(names, (Strings{"Beta", "a", "a-b", "alpha", "b", "zeta"}));
}

TEST_P(MetadataConformance, UpdateBucket) {
  auto b = bucket("b", Versioning::kEnabled);
  EXPECT_TRUE(db_->update_bucket(b));
  EXPECT_EQ(db_->find_bucket("b")->versioning, Versioning::kEnabled);
  b.versioning = Versioning::kSuspended;
  EXPECT_TRUE(db_->update_bucket(b));
  EXPECT_EQ(db_->find_bucket("b")->versioning, Versioning::kSuspended);
  EXPECT_FALSE(db_->update_bucket(bucket("missing")));
  EXPECT_FALSE(db_->find_bucket("missing"));
}

TEST_P(MetadataConformance, DeleteBucket) {
  EXPECT_EQ(db_->delete_bucket("missing"), DeleteBucketOutcome::kNotFound);
  ASSERT_TRUE(db_->put_bucket_config("b", "cors", "<CORS/>"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kDeleted);
  EXPECT_FALSE(db_->find_bucket("b"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotFound);
  // Re-created bucket starts without the old configuration.
  ASSERT_EQ(db_->create_bucket(bucket("b")), CreateOutcome::kCreated);
  EXPECT_FALSE(db_->get_bucket_config("b", "cors"));
}

TEST_P(MetadataConformance, DeleteBucketNotEmptyWithObject) {
  ASSERT_EQ(put(object("k")), PutStatus::kStored);
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotEmpty);
  ASSERT_TRUE(db_->delete_object_version("b", "k", "null"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kDeleted);
}

TEST_P(MetadataConformance, DeleteBucketNotEmptyWithNoncurrentVersionsAndMarkers) {
  ASSERT_EQ(put(object("k", "v1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(marker("k", "v2"), Versioning::kEnabled), PutStatus::kStored);
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotEmpty);
  ASSERT_TRUE(db_->delete_object_version("b", "k", "v1"));
  // Only a delete marker left: still not empty.
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotEmpty);
  ASSERT_TRUE(db_->delete_object_version("b", "k", "v2"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kDeleted);
}

TEST_P(MetadataConformance, DeleteBucketNotEmptyWithUpload) {
  db_->create_upload(upload("k", "u1"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotEmpty);
  ASSERT_TRUE(db_->abort_upload("u1"));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kDeleted);
}

TEST_P(MetadataConformance, BucketConfigs) {
  EXPECT_FALSE(db_->get_bucket_config("b", "policy"));
  EXPECT_TRUE(db_->put_bucket_config("b", "policy", "{\"v\":1}"));
  EXPECT_TRUE(db_->put_bucket_config("b", "tagging", "<Tagging/>"));
  EXPECT_EQ(db_->get_bucket_config("b", "policy"), "{\"v\":1}");
  EXPECT_TRUE(db_->put_bucket_config("b", "policy", "{\"v\":2}"));
  EXPECT_EQ(db_->get_bucket_config("b", "policy"), "{\"v\":2}");
  EXPECT_TRUE(db_->delete_bucket_config("b", "policy"));
  EXPECT_FALSE(db_->delete_bucket_config("b", "policy"));
  EXPECT_FALSE(db_->get_bucket_config("b", "policy"));
  EXPECT_EQ(db_->get_bucket_config("b", "tagging"), "<Tagging/>");
  EXPECT_FALSE(db_->put_bucket_config("missing", "policy", "{}"));
  EXPECT_FALSE(db_->get_bucket_config("missing", "policy"));
  EXPECT_FALSE(db_->delete_bucket_config("missing", "policy"));
  // Documents are bytes: NULs and non-UTF-8 survive.
  std::string binary("a\0\xff\xfe", 4);
  EXPECT_TRUE(db_->put_bucket_config("b", "raw", binary));
  EXPECT_EQ(db_->get_bucket_config("b", "raw"), binary);
}

// ---------- objects ----------

TEST_P(MetadataConformance, PutAndFindRoundTripsEveryField) {
  ObjectRecord o = object("dir/ключ.txt", "null", "\"abc-2\"");
  o.size = 10;
  o.storage_class = "STANDARD_IA";
  o.headers = {{"content-type", "text/plain"}, {"x-amz-meta-a", "1"}, {"x-amz-meta-bin", "\xff\x01"}};
  o.checksum_algorithm = "CRC32";
  o.checksum_value = "AAAAAA==-2";
  o.checksum_type = "COMPOSITE";
  o.segments = {{"s1", 4}, {"s2", 6}};
  o.parts = {{1, 4, "\"p1\"", "c1"}, {2, 6, "\"p2\"", ""}};
  o.tags = {{"a", "1"}, {"b", ""}};
  o.encryption = R"({"sse":"AES256"})";
  ASSERT_EQ(put(o), PutStatus::kStored);
  auto found = db_->find_object("b", "dir/ключ.txt");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->bucket, "b");
  EXPECT_EQ(found->key, o.key);
  EXPECT_EQ(found->version_id, "null");
  EXPECT_FALSE(found->delete_marker);
  EXPECT_TRUE(found->is_latest);
  EXPECT_EQ(found->last_modified_ms, o.last_modified_ms);
  EXPECT_EQ(found->size, 10u);
  EXPECT_EQ(found->etag, "\"abc-2\"");
  EXPECT_EQ(found->storage_class, "STANDARD_IA");
  EXPECT_EQ(found->headers, o.headers);
  EXPECT_EQ(found->checksum_algorithm, "CRC32");
  EXPECT_EQ(found->checksum_value, "AAAAAA==-2");
  EXPECT_EQ(found->checksum_type, "COMPOSITE");
  ASSERT_EQ(found->segments.size(), 2u);
  EXPECT_EQ(found->segments[1].blob_id, "s2");
  EXPECT_EQ(found->segments[1].size, 6u);
  ASSERT_EQ(found->parts.size(), 2u);
  EXPECT_EQ(found->parts[0].part_number, 1);
  EXPECT_EQ(found->parts[0].etag, "\"p1\"");
  EXPECT_EQ(found->parts[0].checksum, "c1");
  EXPECT_EQ(found->parts[1].size, 6u);
  EXPECT_EQ(found->tags, o.tags);
  EXPECT_EQ(found->encryption, o.encryption);
  EXPECT_FALSE(db_->find_object("b", "dir/ключ.tx"));
  EXPECT_FALSE(db_->find_object("other", "dir/ключ.txt"));
}

TEST_P(MetadataConformance, PutIntoMissingBucket) {
  EXPECT_EQ(put(object("k", "null", "\"e\"", "missing")), PutStatus::kNoSuchBucket);
}

TEST_P(MetadataConformance, UnversionedReplacesNullVersion) {
  ASSERT_EQ(put(object("k", "null", "\"1\"")), PutStatus::kStored);
  auto out = db_->put_object(object("k", "null", "\"2\""), mode(Versioning::kUnversioned));
  ASSERT_EQ(out.status, PutStatus::kStored);
  ASSERT_EQ(out.replaced.size(), 1u);
  EXPECT_EQ(out.replaced[0].etag, "\"1\"");
  EXPECT_EQ(out.replaced[0].segments[0].blob_id, "blob-k-null");
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"2\"");
  EXPECT_EQ(db_->list_versions("b", {}).size(), 1u);
}

TEST_P(MetadataConformance, EnabledKeepsEveryVersion) {
  for (auto v : {"v1", "v2", "v3"}) {
    auto out = db_->put_object(object("k", v, std::string("\"") + v + "\""), mode(Versioning::kEnabled));
    ASSERT_EQ(out.status, PutStatus::kStored);
    EXPECT_TRUE(out.replaced.empty());
  }
  EXPECT_EQ(db_->find_object("b", "k")->version_id, "v3");
  EXPECT_EQ(db_->find_object("b", "k", "v1")->etag, "\"v1\"");
  EXPECT_FALSE(db_->find_object("b", "k", "v1")->is_latest);
  EXPECT_TRUE(db_->find_object("b", "k", "v3")->is_latest);
  EXPECT_FALSE(db_->find_object("b", "k", "v9"));
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), (Strings{"k@v3*", "k@v2", "k@v1"}));
}

TEST_P(MetadataConformance, EnabledKeepsEarlierNullVersion) {
  ASSERT_EQ(put(object("k", "null", "\"0\"")), PutStatus::kStored);
  auto out = db_->put_object(object("k", "v1"), mode(Versioning::kEnabled));
  EXPECT_TRUE(out.replaced.empty());
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), (Strings{"k@v1*", "k@null"}));
}

TEST_P(MetadataConformance, SuspendedReplacesOnlyTheNullVersion) {
  ASSERT_EQ(put(object("k", "null", "\"0\"")), PutStatus::kStored);
  ASSERT_EQ(put(object("k", "v1"), Versioning::kEnabled), PutStatus::kStored);
  auto out = db_->put_object(object("k", "null", "\"2\""), mode(Versioning::kSuspended));
  ASSERT_EQ(out.status, PutStatus::kStored);
  ASSERT_EQ(out.replaced.size(), 1u);
  EXPECT_EQ(out.replaced[0].etag, "\"0\"");
  // The new null version is the newest, above v1.
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), (Strings{"k@null*", "k@v1"}));
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"2\"");
}

TEST_P(MetadataConformance, DeleteMarkerBecomesCurrent) {
  ASSERT_EQ(put(object("k", "v1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(marker("k", "v2"), Versioning::kEnabled), PutStatus::kStored);
  auto current = db_->find_object("b", "k");
  ASSERT_TRUE(current);
  EXPECT_TRUE(current->delete_marker);
  EXPECT_EQ(current->version_id, "v2");
  EXPECT_TRUE(current->is_latest);
  EXPECT_TRUE(db_->list_objects("b", {}).empty());
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), (Strings{"k@v2*", "k@v1"}));
  // Removing the marker makes v1 current again.
  auto removed = db_->delete_object_version("b", "k", "v2");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->delete_marker);
  EXPECT_EQ(db_->find_object("b", "k")->version_id, "v1");
  EXPECT_EQ(keys(db_->list_objects("b", {})), (Strings{"k"}));
}

TEST_P(MetadataConformance, SuspendedDeleteMarkerReplacesNull) {
  ASSERT_EQ(put(object("k", "null")), PutStatus::kStored);
  auto out = db_->put_object(marker("k", "null"), mode(Versioning::kSuspended));
  ASSERT_EQ(out.replaced.size(), 1u);
  EXPECT_FALSE(out.replaced[0].delete_marker);
  EXPECT_TRUE(db_->find_object("b", "k")->delete_marker);
  EXPECT_EQ(db_->list_versions("b", {}).size(), 1u);
}

TEST_P(MetadataConformance, IfNoneMatchStar) {
  PutOptions options;
  options.if_none_match_star = true;
  EXPECT_EQ(db_->put_object(object("k", "null", "\"1\""), options).status, PutStatus::kStored);
  EXPECT_EQ(db_->put_object(object("k", "null", "\"2\""), options).status, PutStatus::kPreconditionFailed);
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"1\"");
  // A current delete marker counts as absent.
  options.versioning = Versioning::kEnabled;
  ASSERT_EQ(put(marker("k", "m1"), Versioning::kEnabled), PutStatus::kStored);
  EXPECT_EQ(db_->put_object(object("k", "v2", "\"3\""), options).status, PutStatus::kStored);
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"3\"");
  // Precondition failure on a missing bucket still reports the bucket.
  EXPECT_EQ(db_->put_object(object("k", "x", "\"e\"", "missing"), options).status, PutStatus::kNoSuchBucket);
}

TEST_P(MetadataConformance, IfMatchEtag) {
  PutOptions options;
  options.if_match_etag = "\"1\"";
  EXPECT_EQ(db_->put_object(object("k", "null", "\"1\""), options).status, PutStatus::kPreconditionFailed);
  EXPECT_FALSE(db_->find_object("b", "k"));
  ASSERT_EQ(put(object("k", "null", "\"1\"")), PutStatus::kStored);
  auto out = db_->put_object(object("k", "null", "\"2\""), options);
  EXPECT_EQ(out.status, PutStatus::kStored);
  EXPECT_EQ(out.replaced.size(), 1u);
  EXPECT_EQ(db_->put_object(object("k", "null", "\"3\""), options).status, PutStatus::kPreconditionFailed);
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"2\"");
  // Quotes are optional on the condition.
  options.if_match_etag = "2";
  EXPECT_EQ(db_->put_object(object("k", "null", "\"4\""), options).status, PutStatus::kStored);
  // A delete marker never matches.
  ASSERT_EQ(put(marker("k", "m"), Versioning::kEnabled), PutStatus::kStored);
  options.if_match_etag = "\"4\"";
  EXPECT_EQ(db_->put_object(object("k", "null", "\"5\""), options).status, PutStatus::kPreconditionFailed);
}

TEST_P(MetadataConformance, DeleteObjectVersionMakesNextNewestCurrent) {
  for (auto v : {"v1", "v2", "v3"}) ASSERT_EQ(put(object("k", v), Versioning::kEnabled), PutStatus::kStored);
  EXPECT_FALSE(db_->delete_object_version("b", "k", "nope"));
  EXPECT_FALSE(db_->delete_object_version("b", "other", "v1"));
  EXPECT_FALSE(db_->delete_object_version("other", "k", "v1"));
  auto removed = db_->delete_object_version("b", "k", "v3");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->version_id, "v3");
  EXPECT_EQ(removed->segments[0].blob_id, "blob-k-v3");
  EXPECT_EQ(db_->find_object("b", "k")->version_id, "v2");
  EXPECT_TRUE(db_->find_object("b", "k", "v2")->is_latest);
  // Removing a noncurrent version leaves the current one alone.
  ASSERT_TRUE(db_->delete_object_version("b", "k", "v1"));
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), (Strings{"k@v2*"}));
  EXPECT_EQ(keys(db_->list_objects("b", {})), (Strings{"k"}));
  ASSERT_TRUE(db_->delete_object_version("b", "k", "v2"));
  EXPECT_FALSE(db_->find_object("b", "k"));
  EXPECT_TRUE(db_->list_objects("b", {}).empty());
  // A new write after deleting the newest version is newest again.
  ASSERT_EQ(put(object("k", "v4"), Versioning::kEnabled), PutStatus::kStored);
  EXPECT_EQ(db_->find_object("b", "k")->version_id, "v4");
}

TEST_P(MetadataConformance, NewestOrderDoesNotDependOnTimestamps) {
  auto o1 = object("k", "v1");
  o1.last_modified_ms = 2000;
  auto o2 = object("k", "v2");
  o2.last_modified_ms = 1000;  // clock went backwards
  ASSERT_EQ(put(o1, Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(o2, Versioning::kEnabled), PutStatus::kStored);
  EXPECT_EQ(db_->find_object("b", "k")->version_id, "v2");
}

TEST_P(MetadataConformance, SetObjectTags) {
  ASSERT_EQ(put(object("k", "v1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("k", "v2"), Versioning::kEnabled), PutStatus::kStored);
  EXPECT_TRUE(db_->set_object_tags("b", "k", "", {{"cur", "1"}}));
  EXPECT_TRUE(db_->set_object_tags("b", "k", "v1", {{"old", "1"}, {"x", "y"}}));
  EXPECT_EQ(db_->find_object("b", "k")->tags, (std::map<std::string, std::string>{{"cur", "1"}}));
  EXPECT_EQ(db_->find_object("b", "k", "v1")->tags.size(), 2u);
  EXPECT_TRUE(db_->set_object_tags("b", "k", "v1", {}));
  EXPECT_TRUE(db_->find_object("b", "k", "v1")->tags.empty());
  EXPECT_FALSE(db_->set_object_tags("b", "k", "nope", {{"a", "b"}}));
  EXPECT_FALSE(db_->set_object_tags("b", "missing", "", {{"a", "b"}}));
  EXPECT_FALSE(db_->set_object_tags("missing", "k", "", {{"a", "b"}}));
}

TEST_P(MetadataConformance, ListObjectsPaging) {
  for (auto k : {"b/2", "a", "b/1", "c", "b/3", "ba", "b"}) ASSERT_EQ(put(object(k)), PutStatus::kStored);
  EXPECT_EQ(keys(db_->list_objects("b", {})), (Strings{"a", "b", "b/1", "b/2", "b/3", "ba", "c"}));
  EXPECT_EQ(keys(db_->list_objects("b", {"b/", "", 1000})), (Strings{"b/1", "b/2", "b/3"}));
  EXPECT_EQ(keys(db_->list_objects("b", {"b/", "b/1", 1})), (Strings{"b/2"}));
  EXPECT_EQ(keys(db_->list_objects("b", {"b/", "b/3", 10})), Strings{});
  EXPECT_EQ(keys(db_->list_objects("b", {"", "b/1", 2})), (Strings{"b/2", "b/3"}));
  EXPECT_EQ(keys(db_->list_objects("b", {"b", "", 10})), (Strings{"b", "b/1", "b/2", "b/3", "ba"}));
  // `after` before the prefix starts at the prefix.
  EXPECT_EQ(keys(db_->list_objects("b", {"b/", "a", 10})), (Strings{"b/1", "b/2", "b/3"}));
  // `after` beyond the prefix range yields nothing.
  EXPECT_EQ(keys(db_->list_objects("b", {"b/", "zzz", 10})), Strings{});
  EXPECT_EQ(keys(db_->list_objects("b", {"", "", 0})), Strings{});
  EXPECT_EQ(keys(db_->list_objects("b", {"nomatch", "", 10})), Strings{});
  EXPECT_TRUE(db_->list_objects("missing", {}).empty());
  // Walking pages of 2 visits every key exactly once.
  Strings all;
  std::string after;
  for (;;) {
    auto page = db_->list_objects("b", {"", after, 2});
    if (page.empty()) break;
    for (const auto& o : page) all.push_back(o.key);
    after = page.back().key;
  }
  EXPECT_EQ(all, (Strings{"a", "b", "b/1", "b/2", "b/3", "ba", "c"}));
}

TEST_P(MetadataConformance, ListObjectsBinaryOrder) {
  // UTF-8 byte order: 'Z' (0x5a) < 'a' (0x61) < 'é' (0xc3 0xa9) < '中' (0xe4 ...); "\x7f" < "\xc3".
  for (auto k : {"é", "a", "Z", "中", "a\x7f", "a b", "a/"}) ASSERT_EQ(put(object(k)), PutStatus::kStored);
  EXPECT_EQ(keys(db_->list_objects("b", {})), (Strings{"Z", "a", "a b", "a/", "a\x7f", "é", "中"}));
  EXPECT_EQ(keys(db_->list_objects("b", {"\xc3", "", 10})), (Strings{"é"}));
}

TEST_P(MetadataConformance, ListObjectsPrefixOfHighBytes) {
  std::string k1 = "\xef\xbf\xbf" "a";
  std::string k2 = "\xef\xbf\xbf";
  ASSERT_EQ(put(object(k1)), PutStatus::kStored);
  ASSERT_EQ(put(object(k2)), PutStatus::kStored);
  ASSERT_EQ(put(object("z")), PutStatus::kStored);
  EXPECT_EQ(keys(db_->list_objects("b", {"\xef\xbf", "", 10})), (Strings{k2, k1}));
}

TEST_P(MetadataConformance, ListObjectsSkipsDeleteMarkersAndShowsCurrentOnly) {
  ASSERT_EQ(put(object("a", "v1", "\"old\""), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("a", "v2", "\"new\""), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("b", "v1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(marker("b", "v2"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("c", "v1"), Versioning::kEnabled), PutStatus::kStored);
  auto page = db_->list_objects("b", {});
  EXPECT_EQ(keys(page), (Strings{"a", "c"}));
  EXPECT_EQ(page[0].etag, "\"new\"");
  EXPECT_TRUE(page[0].is_latest);
  // The limit counts listed keys, not skipped markers.
  EXPECT_EQ(keys(db_->list_objects("b", {"", "", 2})), (Strings{"a", "c"}));
}

TEST_P(MetadataConformance, ListVersionsOrderAndMarkers) {
  ASSERT_EQ(put(object("a", "a1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("b", "b1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("a", "a2"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(marker("b", "b2"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("a", "a3"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("c", "c1"), Versioning::kEnabled), PutStatus::kStored);
  const Strings all{"a@a3*", "a@a2", "a@a1", "b@b2*", "b@b1", "c@c1*"};
  EXPECT_EQ(key_versions(db_->list_versions("b", {})), all);
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "a", "a3", 2})), (Strings{"a@a2", "a@a1"}));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "a", "a1", 2})), (Strings{"b@b2*", "b@b1"}));
  EXPECT_TRUE(db_->list_versions("b", {"", "b", "b1", 1})[0].is_latest);
  // Empty version marker: after every version of the key marker.
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "a", "", 10})), (Strings{"b@b2*", "b@b1", "c@c1*"}));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"b", "", "", 10})), (Strings{"b@b2*", "b@b1"}));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"b", "a", "a2", 10})), (Strings{"b@b2*", "b@b1"}));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"a", "a", "a2", 10})), (Strings{"a@a1"}));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "c", "", 10})), Strings{});
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "zz", "", 10})), Strings{});
  EXPECT_TRUE(db_->list_versions("b", {"", "", "", 0}).empty());
  EXPECT_TRUE(db_->list_versions("missing", {}).empty());
  // The delete marker is reported as one.
  auto versions = db_->list_versions("b", {"b", "", "", 1});
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_TRUE(versions[0].delete_marker);
  // Paging with limit 1 visits everything once.
  Strings walked;
  VersionListQuery q;
  q.limit = 1;
  for (;;) {
    auto page = db_->list_versions("b", q);
    if (page.empty()) break;
    walked.push_back(key_versions(page)[0]);
    q.key_marker = page[0].key;
    q.version_id_marker = page[0].version_id;
  }
  EXPECT_EQ(walked, all);
}

TEST_P(MetadataConformance, VanishedVersionMarkerRestartsTheKey) {
  for (auto v : {"v1", "v2", "v3"}) ASSERT_EQ(put(object("k", v), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("l", "w1"), Versioning::kEnabled), PutStatus::kStored);
  ASSERT_TRUE(db_->delete_object_version("b", "k", "v2"));
  EXPECT_EQ(key_versions(db_->list_versions("b", {"", "k", "v2", 10})), (Strings{"k@v3*", "k@v1", "l@w1*"}));
}

TEST_P(MetadataConformance, IfMatchStarNeedsALiveCurrentVersion) {
  PutOptions options;
  options.if_match_etag = "*";
  EXPECT_EQ(db_->put_object(object("k"), options).status, PutStatus::kPreconditionFailed);
  ASSERT_EQ(put(object("k", "null", "\"1\"")), PutStatus::kStored);
  EXPECT_EQ(db_->put_object(object("k", "null", "\"2\""), options).status, PutStatus::kStored);
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"2\"");
}

// ---------- multipart uploads ----------

TEST_P(MetadataConformance, UploadRoundTrip) {
  db_->create_upload(upload("k", "u1"));
  auto found = db_->find_upload("b", "k", "u1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->initiated_ms, 1700000000000);
  EXPECT_EQ(found->headers, upload("k", "u1").headers);
  EXPECT_EQ(found->checksum_algorithm, "CRC32");
  EXPECT_EQ(found->checksum_type, "COMPOSITE");
  EXPECT_EQ(found->tags, upload("k", "u1").tags);
  EXPECT_EQ(found->owner_id, "owner");
  EXPECT_EQ(found->storage_class, "STANDARD");
  EXPECT_FALSE(db_->find_upload("b", "other", "u1"));
  EXPECT_FALSE(db_->find_upload("x", "k", "u1"));
  EXPECT_FALSE(db_->find_upload("b", "k", "u2"));
}

TEST_P(MetadataConformance, CreateUploadInMissingBucketThrows) {
  EXPECT_THROW(db_->create_upload(upload("k", "u1", "missing")), Unavailable);
  EXPECT_FALSE(db_->find_upload("missing", "k", "u1"));
}

TEST_P(MetadataConformance, PutPartReplacesAndReturnsOld) {
  db_->create_upload(upload("k", "u1"));
  auto first = db_->put_part(part("u1", 2, "p2a"));
  EXPECT_TRUE(first.stored);
  EXPECT_FALSE(first.replaced);
  auto second = db_->put_part(part("u1", 2, "p2b"));
  EXPECT_TRUE(second.stored);
  ASSERT_TRUE(second.replaced);
  EXPECT_EQ(second.replaced->blob_id, "p2a");
  auto parts = db_->list_parts("u1", 0, 100);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].blob_id, "p2b");
  EXPECT_EQ(parts[0].etag, "\"p2\"");
  EXPECT_EQ(parts[0].size, 5u * 1024 * 1024);
  EXPECT_EQ(parts[0].checksum_value, "AAAA");
  EXPECT_EQ(parts[0].last_modified_ms, 1700000000002);
  // No upload: nothing stored.
  auto lost = db_->put_part(part("gone", 1, "x"));
  EXPECT_FALSE(lost.stored);
  EXPECT_TRUE(db_->list_parts("gone", 0, 10).empty());
}

TEST_P(MetadataConformance, ListPartsPaging) {
  db_->create_upload(upload("k", "u1"));
  for (int n : {5, 1, 10000, 3}) ASSERT_TRUE(db_->put_part(part("u1", n, "p" + std::to_string(n))).stored);
  auto numbers = [](const std::vector<PartRecord>& parts) {
    std::vector<int> out;
    for (const auto& p : parts) out.push_back(p.part_number);
    return out;
  };
  EXPECT_EQ(numbers(db_->list_parts("u1", 0, 1000)), (std::vector<int>{1, 3, 5, 10000}));
  EXPECT_EQ(numbers(db_->list_parts("u1", 1, 2)), (std::vector<int>{3, 5}));
  EXPECT_EQ(numbers(db_->list_parts("u1", 5, 2)), (std::vector<int>{10000}));
  EXPECT_TRUE(db_->list_parts("u1", 10000, 2).empty());
  EXPECT_TRUE(db_->list_parts("u1", 0, 0).empty());
}

TEST_P(MetadataConformance, ListUploadsPaging) {
  db_->create_upload(upload("b", "u-b1"));
  db_->create_upload(upload("a", "u-a1"));
  db_->create_upload(upload("b", "u-b0"));  // initiated later than u-b1: listed after it
  db_->create_upload(upload("c/x", "u-c1"));
  db_->create_upload(upload("k", "u-other", "b"));
  ASSERT_EQ(db_->create_bucket(bucket("b2")), CreateOutcome::kCreated);
  db_->create_upload(upload("a", "u-elsewhere", "b2"));
  auto ids = [](const std::vector<UploadRecord>& uploads) {
    Strings out;
    for (const auto& u : uploads) out.push_back(u.key + "@" + u.upload_id);
    return out;
  };
  EXPECT_EQ(ids(db_->list_uploads("b", {})), (Strings{"a@u-a1", "b@u-b1", "b@u-b0", "c/x@u-c1", "k@u-other"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"c/", "", "", 10})), (Strings{"c/x@u-c1"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"", "a", "", 2})), (Strings{"b@u-b1", "b@u-b0"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"", "b", "u-b1", 2})), (Strings{"b@u-b0", "c/x@u-c1"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"", "b", "u-b0", 10})), (Strings{"c/x@u-c1", "k@u-other"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"b", "a", "", 10})), (Strings{"b@u-b1", "b@u-b0"}));
  EXPECT_EQ(ids(db_->list_uploads("b", {"", "z", "", 10})), Strings{});
  EXPECT_TRUE(db_->list_uploads("b", {"", "", "", 0}).empty());
  EXPECT_EQ(ids(db_->list_uploads("b2", {})), (Strings{"a@u-elsewhere"}));
  // Walking with limit 1 visits everything once.
  Strings walked;
  UploadListQuery q;
  q.limit = 1;
  for (;;) {
    auto page = db_->list_uploads("b", q);
    if (page.empty()) break;
    walked.push_back(ids(page)[0]);
    q.key_marker = page[0].key;
    q.upload_id_marker = page[0].upload_id;
  }
  EXPECT_EQ(walked, (Strings{"a@u-a1", "b@u-b1", "b@u-b0", "c/x@u-c1", "k@u-other"}));
}

TEST_P(MetadataConformance, VanishedUploadMarkerRestartsTheKey) {
  db_->create_upload(upload("k", "u1"));
  db_->create_upload(upload("k", "u2"));
  db_->create_upload(upload("l", "u3"));
  ASSERT_TRUE(db_->abort_upload("u1"));
  Strings ids;
  for (const auto& u : db_->list_uploads("b", {"", "k", "u1", 10})) ids.push_back(u.upload_id);
  EXPECT_EQ(ids, (Strings{"u2", "u3"}));
}

TEST_P(MetadataConformance, CompleteUploadIsAtomic) {
  db_->create_upload(upload("k", "u1"));
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(db_->put_part(part("u1", n, "p" + std::to_string(n))).stored);
  ASSERT_EQ(put(object("k", "null", "\"old\"")), PutStatus::kStored);
  ObjectRecord o = object("k", "null", "\"mp-2\"");
  constexpr uint64_t kPart = 5 * 1024 * 1024;  // part()'s size
  o.size = 2 * kPart;
  o.segments = {{"p1", kPart}, {"p3", kPart}};
  o.parts = {{1, kPart, "\"p1\"", ""}, {3, kPart, "\"p3\"", ""}};
  // A failed precondition leaves the upload and its parts intact.
  PutOptions options;
  options.if_none_match_star = true;
  auto failed = db_->complete_upload("u1", o, options);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, Metadata::CompleteStatus::kCompleted);
  EXPECT_EQ(failed->put.status, PutStatus::kPreconditionFailed);
  EXPECT_TRUE(failed->unused_parts.empty());
  EXPECT_TRUE(db_->find_upload("b", "k", "u1"));
  EXPECT_EQ(db_->list_parts("u1", 0, 10).size(), 3u);
  EXPECT_EQ(db_->find_object("b", "k")->etag, "\"old\"");

  auto done = db_->complete_upload("u1", o, PutOptions{});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, Metadata::CompleteStatus::kCompleted);
  EXPECT_EQ(done->put.status, PutStatus::kStored);
  ASSERT_EQ(done->put.replaced.size(), 1u);
  EXPECT_EQ(done->put.replaced[0].etag, "\"old\"");
  ASSERT_EQ(done->unused_parts.size(), 1u);
  EXPECT_EQ(done->unused_parts[0].blob_id, "p2");
  EXPECT_FALSE(db_->find_upload("b", "k", "u1"));
  EXPECT_TRUE(db_->list_parts("u1", 0, 10).empty());
  auto stored = db_->find_object("b", "k");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->etag, "\"mp-2\"");
  EXPECT_EQ(stored->parts.size(), 2u);
  // The upload is gone now.
  EXPECT_FALSE(db_->complete_upload("u1", o, PutOptions{}));
  EXPECT_EQ(db_->delete_bucket("b"), DeleteBucketOutcome::kNotEmpty);
}

// An UploadPart that replaces a part between the Complete handler's list_parts and complete_upload has its old
// blob deleted by its caller; completing with that blob would store an object pointing at deleted bytes.
TEST_P(MetadataConformance, CompleteUploadRefusesReplacedParts) {
  constexpr uint64_t kPart = 5 * 1024 * 1024;  // part()'s size
  db_->create_upload(upload("k", "u1"));
  ASSERT_TRUE(db_->put_part(part("u1", 1, "A")).stored);
  ASSERT_TRUE(db_->put_part(part("u1", 2, "C")).stored);
  ObjectRecord o = object("k", "null", "\"mp-2\"");
  o.size = 2 * kPart;
  o.segments = {{"A", kPart}, {"C", kPart}};
  o.parts = {{1, kPart, "\"p1\"", ""}, {2, kPart, "\"p2\"", ""}};
  // The race: part 1 is replaced by blob B after `o` was built from blob A.
  auto replaced = db_->put_part(part("u1", 1, "B"));
  ASSERT_TRUE(replaced.stored);
  ASSERT_TRUE(replaced.replaced);
  EXPECT_EQ(replaced.replaced->blob_id, "A");

  auto refused = db_->complete_upload("u1", o, PutOptions{});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, Metadata::CompleteStatus::kPartsChanged);
  EXPECT_TRUE(refused->unused_parts.empty());
  EXPECT_TRUE(refused->put.replaced.empty());
  // Nothing changed: no object, the upload is intact with part 1 = B.
  EXPECT_FALSE(db_->find_object("b", "k"));
  EXPECT_TRUE(db_->find_upload("b", "k", "u1"));
  auto parts = db_->list_parts("u1", 0, 10);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].blob_id, "B");
  EXPECT_EQ(parts[1].blob_id, "C");

  // A segment whose size differs from its part's is refused too.
  o.segments = {{"B", kPart - 1}, {"C", kPart}};
  auto wrong_size = db_->complete_upload("u1", o, PutOptions{});
  ASSERT_TRUE(wrong_size);
  EXPECT_EQ(wrong_size->status, Metadata::CompleteStatus::kPartsChanged);
  EXPECT_FALSE(db_->find_object("b", "k"));
  EXPECT_EQ(db_->list_parts("u1", 0, 10).size(), 2u);

  // Retried with the current parts, it completes.
  o.segments = {{"B", kPart}, {"C", kPart}};
  auto done = db_->complete_upload("u1", o, PutOptions{});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, Metadata::CompleteStatus::kCompleted);
  EXPECT_EQ(done->put.status, PutStatus::kStored);
  EXPECT_TRUE(done->unused_parts.empty());
  auto stored = db_->find_object("b", "k");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->segments.size(), 2u);
  EXPECT_EQ(stored->segments[0].blob_id, "B");
  EXPECT_FALSE(db_->find_upload("b", "k", "u1"));
}

TEST_P(MetadataConformance, AbortUpload) {
  db_->create_upload(upload("k", "u1"));
  ASSERT_TRUE(db_->put_part(part("u1", 1, "p1")).stored);
  ASSERT_TRUE(db_->put_part(part("u1", 2, "p2")).stored);
  auto parts = db_->abort_upload("u1");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].blob_id, "p1");
  EXPECT_EQ((*parts)[1].blob_id, "p2");
  EXPECT_FALSE(db_->find_upload("b", "k", "u1"));
  EXPECT_FALSE(db_->abort_upload("u1"));
  EXPECT_FALSE(db_->put_part(part("u1", 3, "p3")).stored);
  EXPECT_TRUE(db_->list_uploads("b", {}).empty());
}

TEST_P(MetadataConformance, ForEachBlobId) {
  ObjectRecord o = object("k", "v1");
  o.segments = {{"s1", 1}, {"s2", 2}};
  ASSERT_EQ(put(o, Versioning::kEnabled), PutStatus::kStored);
  ASSERT_EQ(put(object("k", "v2"), Versioning::kEnabled), PutStatus::kStored);  // blob-k-v2
  ASSERT_EQ(put(marker("k", "v3"), Versioning::kEnabled), PutStatus::kStored);
  db_->create_upload(upload("k", "u1"));
  ASSERT_TRUE(db_->put_part(part("u1", 1, "p1")).stored);
  std::multiset<std::string> seen;
  db_->for_each_blob_id([&](const std::string& id) { seen.insert(id); });
  EXPECT_EQ(seen, (std::multiset<std::string>{"s1", "s2", "blob-k-v2", "p1"}));
}

TEST_P(MetadataConformance, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kPerThread; ++i) {
          std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
          if (put(object(key)) != PutStatus::kStored) failed = true;
          if (!db_->find_object("b", key)) failed = true;
          db_->list_objects("b", {"", "", 10});
        }
      } catch (...) {
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(db_->list_objects("b", {"", "", 10000}).size(), size_t{kThreads * kPerThread});
}

INSTANTIATE_TEST_SUITE_P(
    Backends, MetadataConformance,
    ::testing::Values(Backend{"memory", [](const fs::path&) { return make_memory_metadata(); }},
                      Backend{"sqlite",
                              [](const fs::path& dir) { return make_sqlite_metadata((dir / "meta.db").string()); }}),
    [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace podbucket::store
