#include "config/table.h"

#include <gtest/gtest.h>

namespace podbucket::config {
namespace {

// A command's options, as a cli/ options struct looks.
struct Options {
  std::string listen = "127.0.0.1:9000";
  std::string region = "us-east-1";
  int max_files = 10;
  uint64_t max_bytes = 100u << 20;
  double interval_s = 3600;
  bool exact = false;
  std::vector<std::string> hosts{"a", "b"};
  uint16_t port = 80;
};

struct Fixture {
  Options o;
  Options agent;  // a second section, bound elsewhere
  Table t;
  std::map<std::string, std::string> env;

  Fixture() {
    t.add_section("server", "PODBUCKET_", "the server");
    t.add_section("agent", "PODBUCKET_AGENT_", "the agent");
    t.add("server", "listen", &o.listen, host_port(), "where to listen");
    t.add("server", "region", &o.region, non_empty_text("region"), "the region");
    t.add("server", "max_files", &o.max_files, integer(0, 1000), "files kept");
    t.add("server", "max_bytes", &o.max_bytes, bytes(1, uint64_t{1} << 40), "rotation size");
    t.add("server", "interval", &o.interval_s, seconds(0.05, 86400), "pass interval");
    t.add("server", "exact", &o.exact, boolean(), "verbatim");
    t.add_env_only("server", "root_secret_access_key", "PODBUCKET_ROOT_SECRET_ACCESS_KEY", "the root secret");
    t.add("agent", "bind_hosts", &agent.hosts, list_of(non_empty_text("host")), "hosts");
    t.add("agent", "port", &agent.port, integer(0, 65535), "port").short_flag = "-p";
    t.add_known_env("PODBUCKET_CONFIG");
  }

  Sources sources(const Document* doc, std::map<std::string, std::string> flags = {}) {
    Sources s;
    s.file = doc;
    s.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    s.flags = std::move(flags);
    return s;
  }
};

TEST(TableTest, DerivesFlagVariableAndDefault) {
  Fixture f;
  const Setting* s = f.t.find("server", "max_bytes");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->key(), "server.max_bytes");
  EXPECT_EQ(s->flag, "--max-bytes");
  EXPECT_EQ(s->env, "PODBUCKET_MAX_BYTES");
  EXPECT_EQ(s->default_text, "100MiB");
  EXPECT_EQ(f.t.find("agent", "port")->env, "PODBUCKET_AGENT_PORT");
  EXPECT_EQ(f.t.find("agent", "bind_hosts")->default_text, "a,b");
  EXPECT_TRUE(f.t.find("server", "exact")->is_switch);
  EXPECT_TRUE(f.t.find("server", "root_secret_access_key")->flag.empty());
  EXPECT_THROW(f.t.add("server", "listen", &f.o.listen, host_port(), "again"), std::logic_error);
  EXPECT_THROW(f.t.add("nosuch", "x", &f.o.listen, host_port(), "x"), std::logic_error);
}

TEST(TableTest, PrecedenceIsFlagThenVariableThenFileThenDefault) {
  Fixture f;
  auto doc = parse_document(
      "server:\n"
      "  listen: 0.0.0.0:1111\n"
      "  region: eu-west-1\n"
      "  max_files: 3\n"
      "agent:\n"
      "  bind_hosts: [127.0.0.1, \"[::1]\"]\n");
  ASSERT_TRUE(doc.issues.empty());
  f.env["PODBUCKET_LISTEN"] = "0.0.0.0:2222";
  f.env["PODBUCKET_REGION"] = "ap-south-1";
  f.env["PODBUCKET_MAX_BYTES"] = "1GiB";
  auto issues = f.t.load(f.sources(&doc, {{"server.listen", "0.0.0.0:3333"}}));
  ASSERT_TRUE(issues.empty()) << issues[0].to_string();
  EXPECT_EQ(f.o.listen, "0.0.0.0:3333");       // flag over variable over file
  EXPECT_EQ(f.o.region, "ap-south-1");         // variable over file
  EXPECT_EQ(f.o.max_files, 3);                 // file over default
  EXPECT_EQ(f.o.max_bytes, uint64_t{1} << 30); // variable over default
  EXPECT_EQ(f.o.interval_s, 3600);             // default
  EXPECT_EQ(f.agent.hosts, (std::vector<std::string>{"127.0.0.1", "[::1]"}));
}

TEST(TableTest, LoadWithoutAnyFileUsesVariablesAndFlags) {
  Fixture f;
  f.env["PODBUCKET_EXACT"] = "1";
  f.env["PODBUCKET_AGENT_BIND_HOSTS"] = "x, y";
  auto issues = f.t.load(f.sources(nullptr, {{"agent.port", "8080"}}));
  ASSERT_TRUE(issues.empty());
  EXPECT_TRUE(f.o.exact);
  EXPECT_EQ(f.agent.hosts, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(f.agent.port, 8080);
}

TEST(TableTest, LoadReportsEveryRejectedValueBySource) {
  Fixture f;
  auto doc = parse_document("server:\n  max_files: ten\n  interval: 0\n");
  f.env["PODBUCKET_REGION"] = "";  // empty: unset
  f.env["PODBUCKET_MAX_BYTES"] = "lots";
  auto issues = f.t.load(f.sources(&doc, {{"server.listen", "9000"}}));
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0].to_string(), "--listen: expected HOST:PORT, got '9000'");
  EXPECT_EQ(issues[1].to_string(), "server.max_files: expected an integer from 0 to 1000, got 'ten' (line 2, column 14)");
  EXPECT_EQ(issues[2].to_string(),
            "PODBUCKET_MAX_BYTES: expected a size from 1 to 1TiB (bytes, or e.g. 100MiB), got 'lots'");
  EXPECT_EQ(issues[3].to_string(),
            "server.interval: expected a number of seconds from 0.05 to 86400, got '0' (line 3, column 13)");
  EXPECT_EQ(f.o.listen, "127.0.0.1:9000");  // rejected values leave the default
  EXPECT_EQ(f.o.max_files, 10);
}

TEST(TableTest, CheckReportsEveryProblemOfTheFileInOrder) {
  Fixture f;
  auto doc = parse_document(
      "server:\n"
      "  listen: 9000\n"
      "  lisen: 127.0.0.1:1\n"
      "  region:\n"
      "  port: 80\n"
      "  root_secret_access_key: abc\n"
      "  max_files: [1]\n"
      "  exact: {a: 1}\n"
      "agnet:\n"
      "  port: 1\n"
      "agent:\n"
      "  bind_hosts: [\"a,b\"]\n"
      "  port: 70000\n");
  ASSERT_TRUE(doc.issues.empty());
  std::vector<std::string> got;
  for (const auto& i : f.t.check(doc)) got.push_back(i.to_string());
  std::vector<std::string> want{
      "server.listen: expected HOST:PORT, got '9000' (line 2, column 11)",
      "server.lisen: unknown key (did you mean server.listen?) (line 3, column 3)",
      "server.region: no value (remove the key to use the default) (line 4, column 3)",
      "server.port: unknown key (port is a setting of section agent) (line 5, column 3)",
      "server.root_secret_access_key: secrets are not read from a file: set PODBUCKET_ROOT_SECRET_ACCESS_KEY in the "
      "environment (line 6, column 3)",
      "server.max_files: expected an integer from 0 to 1000, got a sequence (line 7, column 14)",
      "server.exact: expected true or false, got a mapping (line 8, column 10)",
      "agnet: unknown section (known: server, agent) (line 9, column 1)",
      "agent.bind_hosts: list items must not contain commas, got 'a,b' (line 12, column 15)",
      "agent.port: expected an integer from 0 to 65535, got '70000' (line 13, column 9)",
  };
  EXPECT_EQ(got, want);
}

TEST(TableTest, CheckIncludesTheDocumentsOwnIssuesOnce) {
  Fixture f;
  auto doc = parse_document("server:\n  listen: a\n  listen: 127.0.0.1:1\nextra: 1\n");
  ASSERT_EQ(doc.issues.size(), 2u);  // the duplicate, and `extra` not being a mapping
  std::vector<std::string> got;
  for (const auto& i : f.t.check(doc)) got.push_back(i.to_string());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "server.listen: expected HOST:PORT, got 'a' (line 2, column 11)",
                     "server.listen: given twice (line 3, column 3)",
                     "extra: unknown section (known: server, agent) (line 4, column 1)",
                 }));
}

TEST(TableTest, ValidFileHasNoIssues) {
  Fixture f;
  auto doc = parse_document("server:\n  listen: \"[::1]:0\"\n  exact: true\nagent:\n  bind_hosts: []\n");
  EXPECT_TRUE(f.t.check(doc).empty());
  EXPECT_TRUE(f.t.load(f.sources(&doc)).empty());
  EXPECT_TRUE(f.o.exact);
  EXPECT_TRUE(f.agent.hosts.empty());
}

TEST(TableTest, WarnsAboutVariablesThatLookLikeSettings) {
  Fixture f;
  auto w = f.t.env_warnings({"PODBUCKET_LISTN", "PODBUCKET_AGENT_PROT", "PODBUCKET_AGENT_WHATEVER", "PODBUCKET_LISTEN",
                             "PODBUCKET_CONFIG", "PODBUCKET_BIN", "PODBUCKET_E2E_KEEP", "HOME", "PODBUCKET_REGOIN"});
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0], "ignoring the environment variable PODBUCKET_LISTN: no such setting (did you mean PODBUCKET_LISTEN?)");
  EXPECT_EQ(w[1],
            "ignoring the environment variable PODBUCKET_AGENT_PROT: no such setting (did you mean PODBUCKET_AGENT_PORT?)");
  EXPECT_EQ(w[2], "ignoring the environment variable PODBUCKET_AGENT_WHATEVER: no such setting");
  EXPECT_EQ(w[3],
            "ignoring the environment variable PODBUCKET_REGOIN: no such setting (did you mean PODBUCKET_REGION?)");
}

TEST(TableTest, MarkdownListsEverySetting) {
  Fixture f;
  f.t.find("server", "interval");
  std::string md = f.t.markdown();
  EXPECT_NE(md.find("### `server:` the server\n"), std::string::npos);
  EXPECT_NE(md.find("| `server.listen` | `--listen` | `PODBUCKET_LISTEN` | HOST:PORT | `127.0.0.1:9000` | where to "
                    "listen |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| (environment only) | — | `PODBUCKET_ROOT_SECRET_ACCESS_KEY` | secret | — | the root secret |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `agent.port` | `-p`, `--port` | `PODBUCKET_AGENT_PORT` |"), std::string::npos) << md;
}

}  // namespace
}  // namespace podbucket::config
