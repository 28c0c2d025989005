#include "config/document.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace podbucket::config {
namespace {

TEST(DocumentTest, ReadsSectionsWithPositions) {
  auto doc = parse_document(
      "# a comment\n"
      "server:\n"
      "  listen: 0.0.0.0:9000\n"
      "  account_id: \"000000000001\"\n"
      "agent:\n"
      "  bind_hosts: [a, \"b\"]\n");
  ASSERT_TRUE(doc.issues.empty()) << doc.issues[0].to_string();
  ASSERT_EQ(doc.sections.size(), 2u);
  const Entry* listen = doc.find("server", "listen");
  ASSERT_NE(listen, nullptr);
  EXPECT_EQ(listen->shape, Entry::Shape::kScalar);
  EXPECT_EQ(listen->text, "0.0.0.0:9000");
  EXPECT_EQ(listen->line, 3);
  EXPECT_EQ(listen->column, 11);
  EXPECT_EQ(listen->key_line, 3);
  EXPECT_EQ(listen->key_column, 3);
  EXPECT_EQ(doc.find("server", "account_id")->text, "000000000001");  // quotes removed, zeros kept
  const Entry* hosts = doc.find("agent", "bind_hosts");
  ASSERT_NE(hosts, nullptr);
  EXPECT_EQ(hosts->shape, Entry::Shape::kSequence);
  EXPECT_EQ(hosts->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(doc.find("agent", "listen"), nullptr);
}

TEST(DocumentTest, EmptyTextAndEmptySectionsAreFine) {
  EXPECT_TRUE(parse_document("").issues.empty());
  EXPECT_TRUE(parse_document("# only a comment\n").issues.empty());
  auto doc = parse_document("server:\nagent:\n");
  EXPECT_TRUE(doc.issues.empty());
  EXPECT_EQ(doc.sections.size(), 2u);
}

TEST(DocumentTest, KeysWithoutValuesAndNestedValuesKeepTheirShape) {
  auto doc = parse_document("server:\n  region:\n  tls: {cert: a}\n");
  ASSERT_TRUE(doc.issues.empty());
  EXPECT_EQ(doc.find("server", "region")->shape, Entry::Shape::kNull);
  EXPECT_EQ(doc.find("server", "region")->line, 2);
  EXPECT_EQ(doc.find("server", "tls")->shape, Entry::Shape::kMapping);
}

TEST(DocumentTest, DuplicateKeysAndSectionsAreErrors) {
  auto doc = parse_document("server:\n  region: a\n  region: b\nserver:\n  listen: x\n");
  ASSERT_EQ(doc.issues.size(), 2u);
  EXPECT_EQ(doc.issues[0].to_string(), "server.region: given twice (line 3, column 3)");
  EXPECT_EQ(doc.issues[1].to_string(), "server: section given twice (line 4, column 1)");
  EXPECT_EQ(doc.find("server", "region")->text, "a");
}

TEST(DocumentTest, ShapeErrors) {
  EXPECT_EQ(parse_document("- a\n- b\n").issues.at(0).message,
            "expected a mapping of sections (server:, up:, ...), got a sequence");
  EXPECT_EQ(parse_document("just text\n").issues.at(0).message,
            "expected a mapping of sections (server:, up:, ...), got a scalar");
  auto doc = parse_document("server: 5\nagent: [1]\n");
  ASSERT_EQ(doc.issues.size(), 2u);
  EXPECT_EQ(doc.issues[0].to_string(), "server: expected a mapping of settings, got a scalar (line 1, column 9)");
  EXPECT_EQ(doc.issues[1].to_string(), "agent: expected a mapping of settings, got a sequence (line 2, column 8)");
  auto nested = parse_document("agent:\n  bind_hosts:\n    - a\n    - {b: c}\n");
  ASSERT_EQ(nested.issues.size(), 1u);
  EXPECT_EQ(nested.issues[0].where, "agent.bind_hosts");
  EXPECT_EQ(nested.issues[0].line, 4);
}

TEST(DocumentTest, SyntaxErrorsCarryThePosition) {
  auto doc = parse_document("server:\n  listen: [a\n  region: b\n");
  ASSERT_EQ(doc.issues.size(), 1u);
  EXPECT_EQ(doc.issues[0].message.rfind("invalid YAML: ", 0), 0u) << doc.issues[0].message;
  EXPECT_GT(doc.issues[0].line, 0);
  EXPECT_TRUE(doc.sections.empty());
}

TEST(DocumentTest, OneDocumentOnly) {
  auto doc = parse_document("server: {}\n---\nagent: {}\n");
  ASSERT_EQ(doc.issues.size(), 1u);
  EXPECT_EQ(doc.issues[0].message, "expected one YAML document, got 2");
}

TEST(DocumentTest, UnreadableFileIsOneIssue) {
  auto doc = read_document("/nonexistent/podbucket/config.yaml");
  ASSERT_EQ(doc.issues.size(), 1u);
  EXPECT_EQ(doc.issues[0].to_string(), "cannot read /nonexistent/podbucket/config.yaml");
  EXPECT_EQ(read_document(std::filesystem::temp_directory_path()).issues.size(), 1u);
}

TEST(DocumentTest, ReadsAFile) {
  auto path = std::filesystem::temp_directory_path() / ("podbucket-config-test-" + std::to_string(::getpid()));
  std::ofstream(path) << "server:\n  region: eu-west-1\n";
  auto doc = read_document(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(doc.issues.empty());
  EXPECT_EQ(doc.find("server", "region")->text, "eu-west-1");
}

TEST(IssueTest, SortsByPositionAndKeepsPositionlessLast) {
  std::vector<Issue> issues{{"c", "m"}, {"b", "m", 5, 1}, {"a", "m", 2, 7}, {"d", "m"}};
  sort_by_position(issues);
  EXPECT_EQ(issues[0].where, "a");
  EXPECT_EQ(issues[1].where, "b");
  EXPECT_EQ(issues[2].where, "c");
  EXPECT_EQ(issues[3].where, "d");
}

}  // namespace
}  // namespace podbucket::config
