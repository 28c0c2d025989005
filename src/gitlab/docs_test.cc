// docs/gitlab.md stays in step with the code: every policy fix and every component it documents.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gitlab/layout.h"
#include "gitlab/requirements.h"

namespace podbucket::gitlab {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(PODBUCKET_DOCS_DIR) + "/gitlab.md");
  EXPECT_TRUE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(Docs, ListEveryPolicyFix) {
  std::string doc = read_doc();
  Layout layout("PREFIX", "000000000000", "arn:aws:kms:us-east-1:000000000000:key/k", false);
  ASSERT_FALSE(layout.fixes().empty());
  for (const auto& fix : layout.fixes()) {
    EXPECT_NE(doc.find("| `" + fix.policy + "` | " + fix.change + " |"), std::string::npos)
        << "docs/gitlab.md lacks the fix row: " << fix.policy << ": " << fix.change;
  }
}

TEST(Docs, NameEveryComponent) {
  std::string doc = read_doc();
  for (const auto& c : components()) {
    EXPECT_NE(doc.find("| " + std::string(c.name) + " "), std::string::npos) << c.name;
  }
}

}  // namespace
}  // namespace podbucket::gitlab
