#include "s3/list/fold.h"

#include <gtest/gtest.h>

#include "s3/list/list.h"

namespace podbucket::s3::list {
namespace {

struct Row {
  std::string key;
  std::string version;
};

// A sorted vector as the row source; counts fetches to show the skip-ahead.
struct Source {
  std::vector<Row> rows;
  int fetches = 0;

  std::vector<Row> operator()(const Cursor& c, size_t limit, const std::string& prefix) {
    ++fetches;
    std::vector<Row> out;
    for (const auto& r : rows) {
      if (r.key.compare(0, prefix.size(), prefix) != 0) continue;
      if (r.key < c.key) continue;
      if (r.key == c.key && (c.version.empty() || r.version <= c.version)) continue;
      out.push_back(r);
      if (out.size() == limit) break;
    }
    return out;
  }
};

FoldedPage<Row> fold(Source& s, FoldParams p) {
  return fold_listing<Row>(
      p, [&](const Cursor& c, size_t limit) { return s(c, limit, p.prefix); },
      [](const Row& r) -> std::string_view { return r.key; },
      [](const Row& r) -> std::string_view { return r.version; });
}

std::vector<std::string> keys(const FoldedPage<Row>& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.key);
  return out;
}

Source sample() {
  return Source{{{"asdf", ""}, {"boo/bar", ""}, {"boo/baz/xyzzy", ""}, {"cquux/bla", ""}, {"cquux/thud", ""}}};
}

TEST(Fold, NoDelimiter) {
  auto s = sample();
  auto page = fold(s, {"", "", 1000, {}});
  EXPECT_EQ(keys(page).size(), 5u);
  EXPECT_TRUE(page.common_prefixes.empty());
  EXPECT_FALSE(page.truncated);
}

TEST(Fold, DelimiterFoldsIntoCommonPrefixes) {
  auto s = sample();
  auto page = fold(s, {"", "/", 1000, {}});
  EXPECT_EQ(keys(page), std::vector<std::string>{"asdf"});
  EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"boo/", "cquux/"}));
  EXPECT_FALSE(page.truncated);
}

TEST(Fold, PrefixAndDelimiter) {
  auto s = sample();
  auto page = fold(s, {"boo/", "/", 1000, {}});
  EXPECT_EQ(keys(page), std::vector<std::string>{"boo/bar"});
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"boo/baz/"});
}

TEST(Fold, MultiCharacterDelimiter) {
  Source s{{{"a--b--c", ""}, {"a--d", ""}, {"x", ""}}};
  auto page = fold(s, {"", "--", 1000, {}});
  EXPECT_EQ(keys(page), std::vector<std::string>{"x"});
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a--"});
}

TEST(Fold, PagingWithMarkersVisitsEverythingOnce) {
  auto s = sample();
  std::vector<std::string> seen;
  Cursor marker;
  for (int i = 0; i < 10; ++i) {
    auto page = fold(s, {"", "/", 1, marker});
    for (auto& k : keys(page)) seen.push_back(k);
    for (auto& p : page.common_prefixes) seen.push_back(p);
    if (!page.truncated) break;
    marker = Cursor{page.last_key, {}};
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"asdf", "boo/", "cquux/"}));
}

TEST(Fold, TruncationOnlyWhenMoreExists) {
  auto s = sample();
  EXPECT_TRUE(fold(s, {"", "", 4, {}}).truncated);
  EXPECT_FALSE(fold(s, {"", "", 5, {}}).truncated);
  EXPECT_FALSE(fold(s, {"", "/", 3, {}}).truncated);
  EXPECT_TRUE(fold(s, {"", "/", 2, {}}).truncated);
}

TEST(Fold, MaxKeysZero) {
  auto s = sample();
  auto page = fold(s, {"", "", 0, {}});
  EXPECT_TRUE(page.rows.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(s.fetches, 0);
}

TEST(Fold, HugeFoldedPrefixCostsOneFetch) {
  Source s;
  for (int i = 0; i < 5000; ++i) s.rows.push_back({"big/" + std::to_string(100000 + i), ""});
  s.rows.push_back({"z", ""});
  auto page = fold(s, {"", "/", 1000, {}});
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"big/"});
  EXPECT_EQ(keys(page), std::vector<std::string>{"z"});
  EXPECT_LE(s.fetches, 3);
}

TEST(Fold, MarkerInsideAFoldedPrefixListsItAgain) {
  auto s = sample();
  auto page = fold(s, {"", "/", 1000, Cursor{"boo/bar", {}}});
  EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"boo/", "cquux/"}));
}

TEST(Fold, MarkerEqualToAFoldedPrefixSkipsIt) {
  auto s = sample();
  auto page = fold(s, {"", "/", 1000, Cursor{"boo/", {}}});
  EXPECT_TRUE(keys(page).empty());
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"cquux/"});
}

TEST(Fold, VersionsPageWithinAKey) {
  Source asc{{{"a", "1"}, {"a", "2"}, {"a", "3"}, {"b", "1"}}};
  auto page = fold(asc, {"", "", 2, {}});
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.last_key, "a");
  EXPECT_EQ(page.last_version, "2");
  auto next = fold(asc, {"", "", 2, Cursor{"a", "2"}});
  ASSERT_EQ(next.rows.size(), 2u);
  EXPECT_EQ(next.rows[0].version, "3");
  EXPECT_EQ(next.rows[1].key, "b");
}

TEST(ListHelpers, ContinuationTokenRoundTrip) {
  for (std::string k : {"", "a", "dir/", "with space+plus", "\xE2\x82\xAC"}) {
    EXPECT_EQ(parse_continuation_token(make_continuation_token(k)), k);
  }
  EXPECT_FALSE(parse_continuation_token("%%%").has_value());
  EXPECT_FALSE(parse_continuation_token("bm90LWEtdG9rZW4").has_value());  // "not-a-token"
}

TEST(ListHelpers, UrlEncodingKeepsSlashes) {
  EXPECT_EQ(encode_name("a b+c/d", true), "a%20b%2Bc/d");
  EXPECT_EQ(encode_name("a b", false), "a b");
}

TEST(ListHelpers, Params) {
  auto p = read_list_params(wire::QueryParams::parse("max-keys=5000&prefix=p&delimiter=%2F&encoding-type=url"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->max_keys, 1000u);
  EXPECT_EQ(p->prefix, "p");
  EXPECT_EQ(p->delimiter, "/");
  EXPECT_TRUE(p->url_encode);
  EXPECT_EQ(read_list_params(wire::QueryParams::parse("max-keys=-1")).error().code(), "InvalidArgument");
  EXPECT_EQ(read_list_params(wire::QueryParams::parse("max-keys=x")).error().code(), "InvalidArgument");
  EXPECT_EQ(read_list_params(wire::QueryParams::parse("encoding-type=xml")).error().code(), "InvalidArgument");
}

}  // namespace
}  // namespace podbucket::s3::list
