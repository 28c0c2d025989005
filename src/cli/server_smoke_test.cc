// Runs the real `podbucket server` binary on 127.0.0.1:0 in a temp data dir: start-up output, the credentials
// file, an anonymous request answered in S3 XML, and a clean exit 0 on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#ifndef PODBUCKET_BINARY
#error "PODBUCKET_BINARY must name the podbucket executable"
#endif

namespace {

using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  int out = -1;  // child's stdout
  std::string output;

  /// Reads stdout until `pattern` matches or `timeout` passes; returns the match's first group.
  std::optional<std::string> wait_for(const std::regex& pattern, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::smatch m;
    while (!std::regex_search(output, m, pattern)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, int(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      output.append(buf, size_t(n));
    }
    return m.size() > 1 ? m[1].str() : m[0].str();
  }
};

Child spawn(const std::vector<std::string>& args, bool env_credentials) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::unsetenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
    ::unsetenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
    if (env_credentials) {
      ::setenv("PODBUCKET_ROOT_ACCESS_KEY_ID", "AKIAENVENVENVENVENV0", 1);
      ::setenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY", "env-secret", 1);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  c.out = fds[0];
  return c;
}

int wait_exit(pid_t pid, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

std::string exchange(uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
  ::close(fd);
  return out;
}

class ServerSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("podbucket-smoke-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ServerSmokeTest, StartsServesAndDrainsOnSigterm) {
  auto child = spawn({PODBUCKET_BINARY, "server", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                      "--data-dir", dir_.string()},
                     false);
  auto port = child.wait_for(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)\n"), 20s);
  ASSERT_TRUE(port) << child.output;
  EXPECT_TRUE(std::regex_search(child.output, std::regex("root access key id: AKIA[A-Z0-9]{16}\n")));
  EXPECT_TRUE(std::regex_search(child.output, std::regex("root secret access key: \\S{40}\n")));

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "root-credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "meta.db"));

  std::string res = exchange(uint16_t(std::stoi(*port)), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(res.rfind("HTTP/1.1 403", 0), 0u) << res;
  EXPECT_NE(res.find("<Code>AccessDenied</Code>"), std::string::npos) << res;
  EXPECT_TRUE(std::regex_search(res, std::regex("x-amz-request-id: [0-9A-F]{16}\r\n"))) << res;

  ::kill(child.pid, SIGTERM);
  EXPECT_EQ(wait_exit(child.pid, 40s), 0);
  ::close(child.out);

  // A second start reuses the stored credentials and does not print the secret again.
  auto again = spawn({PODBUCKET_BINARY, "server", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                      "--data-dir", dir_.string()},
                     false);
  ASSERT_TRUE(again.wait_for(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)\n"), 20s)) << again.output;
  EXPECT_EQ(again.output.find("root secret access key"), std::string::npos);
  ::kill(again.pid, SIGINT);
  EXPECT_EQ(wait_exit(again.pid, 40s), 0);
  ::close(again.out);
}

TEST_F(ServerSmokeTest, BadAccountIdIsAUsageError) {
  auto child = spawn({PODBUCKET_BINARY, "server", "--account-id", "12345", "--data-dir", dir_.string()}, true);
  EXPECT_NE(wait_exit(child.pid, 10s), 0);
  ::close(child.out);
}

TEST_F(ServerSmokeTest, VersionPrintsTheVersion) {
  auto child = spawn({PODBUCKET_BINARY, "version"}, false);
  EXPECT_TRUE(child.wait_for(std::regex("podbucket \\d+\\.\\d+\\.\\d+"), 10s)) << child.output;
  EXPECT_EQ(wait_exit(child.pid, 10s), 0);
  ::close(child.out);
}

}  // namespace
