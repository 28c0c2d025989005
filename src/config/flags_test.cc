#include "config/flags.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

namespace podbucket::config {
namespace {

struct Options {
  std::string listen = "127.0.0.1:9000";
  bool exact = false;
  std::vector<std::string> hosts{"a"};
  int64_t lifetime = 60;
};

struct Fixture {
  Options o;
  Table t;
  Flags flags;
  CLI::App app{"test"};

  Fixture() {
    t.add_section("server", "PODBUCKET_", "the server");
    t.add("server", "listen", &o.listen, host_port(), "where to listen");
    t.add("server", "exact", &o.exact, boolean(), "verbatim");
    t.add("server", "bind_hosts", &o.hosts, list_of(non_empty_text("host")), "hosts").short_flag = "-b";
    t.add("server", "lifetime", &o.lifetime, integer(1, 100), "for tests").hidden = true;
    t.add_env_only("server", "secret", "PODBUCKET_SECRET", "a secret");
    flags.add_to(&app, t);
  }

  std::map<std::string, std::string> parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
    app.parse(args);
    return flags.given();
  }
};

TEST(FlagsTest, OnlyFlagsGivenOnTheCommandLineAreReported) {
  Fixture f;
  EXPECT_TRUE(f.parse({}).empty());
  EXPECT_EQ(f.o.listen, "127.0.0.1:9000");  // CLI11 writes nothing into the bound fields
}

TEST(FlagsTest, ValuesSwitchesAndLists) {
  Fixture f;
  auto given = f.parse({"--listen", "0.0.0.0:1", "--exact", "-b", "x,y", "--bind-hosts", "z", "--lifetime", "7"});
  EXPECT_EQ(given, (std::map<std::string, std::string>{{"server.listen", "0.0.0.0:1"},
                                                       {"server.exact", "true"},
                                                       {"server.bind_hosts", "x,y,z"},
                                                       {"server.lifetime", "7"}}));
}

TEST(FlagsTest, ASwitchCanBeTurnedOff) {
  Fixture f;
  EXPECT_EQ(f.parse({"--exact=false"}).at("server.exact"), "false");
}

TEST(FlagsTest, TextIsNotCheckedByCli11ButByTheTable) {
  Fixture f;
  auto given = f.parse({"--listen", "nonsense"});
  Sources s;
  s.flags = given;
  auto issues = f.t.load(s);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].to_string(), "--listen: expected HOST:PORT, got 'nonsense'");
}

TEST(FlagsTest, HelpShowsDefaultsAndVariablesButNotHiddenOrSecretSettings) {
  Fixture f;
  std::string help = f.app.help();
  EXPECT_NE(help.find("--listen"), std::string::npos);
  EXPECT_NE(help.find("127.0.0.1:9000"), std::string::npos) << help;
  EXPECT_NE(help.find("(env PODBUCKET_LISTEN)"), std::string::npos) << help;
  EXPECT_EQ(help.find("--lifetime"), std::string::npos) << help;
  EXPECT_EQ(help.find("--secret"), std::string::npos) << help;
}

}  // namespace
}  // namespace podbucket::config
