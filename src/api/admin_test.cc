#include "api/admin.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "observe/metrics.h"

namespace podbucket::api {
namespace {

namespace fs = std::filesystem;

struct Call {
  http::StringBodySource body;
  http::Request req;
  Call(std::string method, std::string path, std::string data = "") : body(std::move(data)) {
    req.method = std::move(method);
    req.path = path;
    req.target = path;
    req.body = &body;
  }
};

http::Response call(const http::Handler& h, std::string method, std::string path, std::string body = "") {
  Call c(std::move(method), std::move(path), std::move(body));
  return h(c.req);
}

struct LogLevel {
  std::string level = "info";
  AdminOptions options() {
    AdminOptions o;
    o.get_log_level = [this] { return level; };
    o.set_log_level = [this](std::string_view l) {
      for (std::string_view known : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
        if (l == known) {
          level = std::string(l);
          return true;
        }
      }
      return false;
    };
    return o;
  }
};

TEST(Admin, MetricsRendersTheRegistryInTheTextFormat) {
  observe::Registry registry;
  registry.counter("podbucket_test_total", "A test counter").inc(3);
  AdminOptions o;
  o.render_metrics = [&] { return registry.render(); };
  auto h = admin_handler(o);
  auto r = call(h, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "# HELP podbucket_test_total A test counter\n# TYPE podbucket_test_total counter\n"
                    "podbucket_test_total 3\n");
  auto head = call(h, "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.head);
  EXPECT_EQ(head.stream_length, r.body.size());
  EXPECT_TRUE(head.body.empty());
}

TEST(Admin, MetricsDefaultsToTheProcessRegistry) {
  observe::metrics().counter("podbucket_admin_test_total", "Seen by the admin test").inc();
  auto r = call(admin_handler({}), "GET", "/metrics");
  EXPECT_NE(r.body.find("podbucket_admin_test_total 1\n"), std::string::npos);
}

TEST(Admin, HealthzIsAlwaysOk) {
  auto h = admin_handler({});
  auto r = call(h, "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST(Admin, ReadyzPassesWhenEveryCheckPasses) {
  AdminOptions o;
  o.readiness = {{"metadata", [] { return std::string(); }}, {"disk", [] { return std::string(); }}};
  auto r = call(admin_handler(o), "GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[+]metadata ok\n[+]disk ok\nreadyz check passed\n");
}

TEST(Admin, ReadyzNamesEachFailedCheckWith503) {
  AdminOptions o;
  bool disk_full = true;
  o.readiness = {
      {"metadata", []() -> std::string { throw std::runtime_error("sqlite: disk I/O error"); }},
      {"disk", [&] { return disk_full ? std::string("create /data/.probe: No space left\non device") : ""; }},
      {"kms", [] { return std::string(); }},
  };
  auto h = admin_handler(o);
  auto r = call(h, "GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body,
            "[-]metadata failed: sqlite: disk I/O error\n"
            "[-]disk failed: create /data/.probe: No space left on device\n"
            "[+]kms ok\n"
            "readyz check failed\n");
  disk_full = false;
  EXPECT_EQ(call(h, "GET", "/readyz").body.find("[+]disk ok\n") != std::string::npos, true);
}

TEST(Admin, LogLevelReadsAndSwitches) {
  LogLevel level;
  auto h = admin_handler(level.options());
  EXPECT_EQ(call(h, "GET", "/log-level").body, "info\n");
  auto r = call(h, "PUT", "/log-level", "debug\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "debug\n");
  EXPECT_EQ(level.level, "debug");
  EXPECT_EQ(call(h, "GET", "/log-level").body, "debug\n");
}

TEST(Admin, LogLevelRejectsUnknownNamesAndHugeBodies) {
  LogLevel level;
  auto h = admin_handler(level.options());
  auto r = call(h, "PUT", "/log-level", "verbose");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown log level 'verbose'"), std::string::npos);
  EXPECT_EQ(call(h, "PUT", "/log-level", "").status, 400);
  EXPECT_EQ(call(h, "PUT", "/log-level", std::string(1000, 'a')).status, 400);
  EXPECT_EQ(level.level, "info");
  EXPECT_EQ(call(h, "POST", "/log-level", "debug").status, 405);
}

TEST(Admin, LogLevelIsNotFoundWithoutCallbacks) {
  EXPECT_EQ(call(admin_handler({}), "GET", "/log-level").status, 404);
}

TEST(Admin, UnknownPathsAre404AndOtherMethods405) {
  auto h = admin_handler({});
  EXPECT_EQ(call(h, "GET", "/").status, 404);
  EXPECT_EQ(call(h, "GET", "/metrics/x").status, 404);
  EXPECT_EQ(call(h, "GET", "/bucket/key").status, 404);
  auto r = call(h, "POST", "/metrics");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(call(h, "DELETE", "/readyz").status, 405);
}

class ProbeWritable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("podbucket-admin-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all);
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(ProbeWritable, AWritableDirPassesAndKeepsNoProbeFile) {
  EXPECT_EQ(probe_writable(dir_), "");
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(ProbeWritable, AMissingDirFailsNamingTheStep) {
  auto failure = probe_writable(dir_ / "gone");
  EXPECT_EQ(failure.rfind("create ", 0), 0u) << failure;
  EXPECT_NE(failure.find("No such file or directory"), std::string::npos) << failure;
}

TEST_F(ProbeWritable, AFileWhereTheDirShouldBeFails) {
  { std::FILE* f = std::fopen((dir_ / "file").c_str(), "w"); std::fclose(f); }
  auto failure = probe_writable(dir_ / "file");
  EXPECT_NE(failure.find("Not a directory"), std::string::npos) << failure;
}

TEST_F(ProbeWritable, AReadOnlyDirFailsUnlessRootCanWriteAnyway) {
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through directory permissions";
  auto failure = probe_writable(dir_);
  EXPECT_NE(failure.find("Permission denied"), std::string::npos) << failure;
}

}  // namespace
}  // namespace podbucket::api
