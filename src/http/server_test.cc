// Real sockets on 127.0.0.1 against a tiny handler.
#include "http/server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace podbucket::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// What the handler saw, for assertions.
struct Seen {
  std::mutex mu;
  std::string body;
  std::string error_code;
  std::string method;
  bool secure = false;
  std::optional<uint64_t> content_length;
};

class Streamed final : public BodyStream {
 public:
  explicit Streamed(uint64_t n) : left_(n) {}
  size_t read(char* buf, size_t n) override {
    size_t k = size_t(std::min<uint64_t>(n, left_));
    for (size_t i = 0; i < k; ++i) buf[i] = char('a' + (pos_++ % 26));
    left_ -= k;
    return k;
  }

 private:
  uint64_t left_;
  uint64_t pos_ = 0;
};

/// A stream whose storage fails on the first read (a blob that cannot be read).
class FailingStream final : public BodyStream {
 public:
  size_t read(char*, size_t) override { throw std::runtime_error("disk gone"); }
};

// Routes on the path: /echo reads and echoes the body; /deny answers 403 without reading; /stream/N streams N
// bytes; /failing-stream streams 10 bytes from a stream that throws; /sleep sleeps 300 ms; anything else answers
// "hello".
Response test_handler(Seen& seen, Request& req) {
  Response res;
  {
    std::lock_guard lock(seen.mu);
    seen.method = req.method;
    seen.secure = req.secure;
  }
  if (req.path == "/echo") {
    {
      std::lock_guard lock(seen.mu);
      seen.content_length = req.content_length;
    }
    try {
      auto body = read_all(*req.body, 64 << 20);
      std::lock_guard lock(seen.mu);
      seen.body = *body;
      res.body = *body;
    } catch (const core::AwsException& e) {
      std::lock_guard lock(seen.mu);
      seen.error_code = std::string(e.error().code());
      res.status = e.error().http_status();
      res.body = std::string(e.error().code());
    }
    return res;
  }
  if (req.path == "/deny") {
    res.status = 403;
    res.body = "denied";
    return res;
  }
  if (req.path.rfind("/stream/", 0) == 0) {
    res.stream_length = std::stoull(req.path.substr(8));
    res.stream = std::make_unique<Streamed>(res.stream_length);
    return res;
  }
  if (req.path == "/failing-stream") {
    res.stream_length = 10;
    res.stream = std::make_unique<FailingStream>();
    return res;
  }
  if (req.path.rfind("/described/", 0) == 0) {
    // What HeadObject returns: the object's size in stream_length, no stream.
    res.head = true;
    res.stream_length = std::stoull(req.path.substr(11));
    return res;
  }
  if (req.path == "/sleep") std::this_thread::sleep_for(300ms);
  if (req.path == "/throw") throw std::runtime_error("secret detail");
  res.headers.set("Content-Type", "text/plain");
  res.body = "hello";
  return res;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions opt = {}) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    server_ = std::make_unique<Server>(
        opt, [this](Request& r) { return test_handler(seen_, r); },
        [](const core::AwsError& e, const Request&) {
          Response res;
          res.status = e.http_status();
          res.body = "<Code>" + std::string(e.code()) + "</Code>";
          return res;
        });
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  Seen seen_;
  std::unique_ptr<Server> server_;
};

/// A raw HTTP client over one TCP connection.
struct Client {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;

  explicit Client(uint16_t port) {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    set_timeout(5s);
  }
  void set_timeout(std::chrono::milliseconds t) {
    timeval tv{long(t.count() / 1000), long((t.count() % 1000) * 1000)};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(std::string_view raw) { asio::write(socket, asio::buffer(raw.data(), raw.size())); }
  bhttp::response<bhttp::string_body> recv(bool head = false) {
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(std::numeric_limits<std::uint64_t>::max());
    p.skip(head);
    bhttp::read(socket, buffer, p);
    return p.release();
  }
  /// Raw bytes available within the receive timeout ("" on EOF or timeout).
  std::string recv_raw() {
    char buf[4096];
    ssize_t n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, size_t(n)) : std::string();
  }
  /// True when the server closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_peer() {
    if (buffer.size() > 0) return false;
    char c;
    ssize_t n = ::recv(socket.native_handle(), &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client c(server_->port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
    auto res = c.recv();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "hello");
    EXPECT_TRUE(res.keep_alive());
    EXPECT_FALSE(res[bhttp::field::date].empty());
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start();
  Client c(server_->port());
  c.send("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.body(), "hello");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ContentLengthBodyIsReadAndPipelinedRequestFollows) {
  start();
  Client c(server_->port());
  c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.body(), "hello world");
  EXPECT_EQ(seen_.content_length, 11u);
  EXPECT_EQ(c.recv().body(), "hello");
}

TEST_F(ServerTest, ChunkedBodyIsDecoded) {
  start();
  Client c(server_->port());
  c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello world");
  EXPECT_FALSE(seen_.content_length.has_value());
}

TEST_F(ServerTest, LargeBodyStreamsInChunks) {
  start();
  Client c(server_->port());
  std::string big(3 * 1024 * 1024 + 17, 'z');
  std::thread writer([&] {
    c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n");
    c.send(big);
  });
  auto res = c.recv();
  writer.join();
  EXPECT_EQ(res.body().size(), big.size());
  EXPECT_EQ(res.body(), big);
}

TEST_F(ServerTest, ExpectContinueIsSentWhenTheHandlerReadsTheBody) {
  start();
  Client c(server_->port());
  c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = c.recv_raw();
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("data");
  auto res = c.recv();
  EXPECT_EQ(res.body(), "data");
}

TEST_F(ServerTest, ExpectContinueIsNotSentWhenTheHandlerRefuses) {
  start();
  Client c(server_->port());
  c.send("PUT /deny HTTP/1.1\r\nHost: a\r\nContent-Length: 4000000\r\nExpect: 100-continue\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_EQ(res.body(), "denied");
  EXPECT_FALSE(res.keep_alive());  // the body never came, so the connection cannot be reused
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, OversizedHeaderLineIsRejected) {
  start();
  Client c(server_->port());
  c.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(9000, 'b') + "\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "<Code>RequestHeaderSectionTooLarge</Code>");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, OversizedHeaderSectionIsRejected) {
  start();
  Client c(server_->port());
  std::string headers;
  for (int i = 0; i < 100; ++i) headers += "X-H" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "<Code>RequestHeaderSectionTooLarge</Code>");
}

TEST_F(ServerTest, ManyMediumHeadersOverTheFieldLimitAreRejected) {
  start();
  Client c(server_->port());
  std::string headers;
  for (int i = 0; i < 100; ++i) headers += "X-H" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n";
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "<Code>RequestHeaderSectionTooLarge</Code>");
}

TEST_F(ServerTest, HeadersJustUnderTheLimitsAreAccepted) {
  start();
  Client c(server_->port());
  c.send("GET /" + std::string(4000, 'k') + " HTTP/1.1\r\nHost: a\r\nX-A: " + std::string(7000, 'a') +
         "\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
}

TEST_F(ServerTest, MalformedRequestGets400) {
  start();
  Client c(server_->port());
  c.send("GARBAGE\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
}

TEST_F(ServerTest, TruncatedBodyThrowsIncompleteBody) {
  start();
  Client c(server_->port());
  c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly ten b");
  c.socket.shutdown(tcp::socket::shutdown_send);
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "IncompleteBody");
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(ServerTest, SlowHeadersAreCutOff) {
  ServerOptions opt;
  opt.header_timeout = 300ms;
  start(opt);
  Client c(server_->port());
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n");  // never finishes the header section
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions opt;
  opt.idle_timeout = 300ms;
  start(opt);
  Client c(server_->port());
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(ServerTest, StalledBodyGivesRequestTimeout) {
  ServerOptions opt;
  opt.body_stall_timeout = 300ms;
  start(opt);
  Client c(server_->port());
  c.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nsome");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "RequestTimeout");
  EXPECT_EQ(seen_.error_code, "RequestTimeout");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  start();
  Client c(server_->port());
  c.send("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.recv(/*head=*/true);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_length], "5");
  // No body bytes followed: the next response parses cleanly on the same connection.
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
}

// Regression: HeadObject's Content-Length was 0 because only a present stream's length was used.
TEST_F(ServerTest, HeadOfADescribedObjectSendsItsLength) {
  start();
  Client c(server_->port());
  c.send("HEAD /described/6 HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.recv(/*head=*/true);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_length], "6");
}

TEST_F(ServerTest, StreamedResponseHasExactLength) {
  start();
  Client c(server_->port());
  c.send("GET /stream/2500000 HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.recv();
  ASSERT_EQ(res.body().size(), 2500000u);
  EXPECT_EQ(res.body().substr(0, 3), "abc");
  EXPECT_EQ(res.body()[26], 'a');
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
}

// The header and the first chunk of a stream leave in one gathered write; sizes around the empty stream and the
// 1 MiB chunk, on one keep-alive connection, so a miscounted body would break the next response.
TEST_F(ServerTest, StreamedResponsesOfEverySizeKeepTheConnectionInStep) {
  start();
  Client c(server_->port());
  for (uint64_t size : {0ull, 1ull, 4096ull, (1ull << 20) - 1, 1ull << 20, (1ull << 20) + 1}) {
    c.send("GET /stream/" + std::to_string(size) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    auto res = c.recv();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[bhttp::field::content_length], std::to_string(size));
    ASSERT_EQ(res.body().size(), size);
    for (size_t i = 0; i < size; i += 4093) ASSERT_EQ(res.body()[i], char('a' + i % 26)) << size << " at " << i;
  }
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
}

// A stream that fails before its first byte closes the connection without a status line: nothing claims a 200.
TEST_F(ServerTest, AStreamFailingAtOnceClosesTheConnectionWithNothingSent) {
  start();
  Client c(server_->port());
  c.send("GET /failing-stream HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv_raw(), "");
  EXPECT_TRUE(c.closed_by_peer());
}

/// The highest open descriptor of this process (the listing's own, already closed, excluded).
int highest_descriptor() {
  std::vector<int> seen;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    seen.push_back(std::stoi(entry.path().filename().string()));
  }
  int highest = -1;  // the listing's own descriptor is closed by now, so F_GETFD leaves it out
  for (int fd : seen)
    if (::fcntl(fd, F_GETFD) >= 0) highest = std::max(highest, fd);
  return highest;
}

/// Lowers RLIMIT_NOFILE until this process has no descriptor left but the server's reserve, connects three clients
/// to `port` and reads their answers, then restores the limit. Returns "" when every client got 503 SlowDown and a
/// fresh connection is then served, else what went wrong.
std::string refusals_when_out_of_descriptors(uint16_t port) {
  rlimit before{};
  if (::getrlimit(RLIMIT_NOFILE, &before) != 0) return "getrlimit failed";
  // The client sockets are made before the limit drops, as the server shares this process's descriptor table.
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return "socket failed";
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    clients.push_back(fd);
  }
  // RLIMIT_NOFILE caps descriptor numbers, and new descriptors fill the lowest gap first: fill every gap below
  // the highest descriptor, then set the limit just above it.
  int highest = highest_descriptor();
  std::vector<int> fillers;
  for (;;) {
    int fd = ::fcntl(highest, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return "F_DUPFD failed";
    if (fd > highest) {
      ::close(fd);
      break;
    }
    fillers.push_back(fd);
  }
  rlimit low = before;
  low.rlim_cur = rlim_t(highest) + 1;
  if (::setrlimit(RLIMIT_NOFILE, &low) != 0) return "setrlimit failed";
  std::string problems;
  std::vector<std::string> answers;
  for (int fd : clients) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) problems += "connect failed\n";
  }
  for (int fd : clients) {
    char buf[256];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    answers.emplace_back(buf, n > 0 ? size_t(n) : 0);
  }
  ::setrlimit(RLIMIT_NOFILE, &before);
  for (int fd : clients) ::close(fd);
  for (int fd : fillers) ::close(fd);
  for (const auto& answer : answers) {
    if (answer.substr(0, 13) != "HTTP/1.1 503 " || answer.find("SlowDown") == std::string::npos) {
      problems += "a client got \"" + answer + "\" instead of 503 SlowDown\n";
    }
  }
  try {
    Client c(port);
    c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
    if (c.recv().body() != "hello") problems += "the server did not serve again\n";
  } catch (const std::exception& e) {
    problems += std::string("the server did not serve again: ") + e.what() + "\n";
  }
  return problems;
}

// Regression: with no descriptor left (EMFILE), a waiting connection stayed readable on the listening socket, was
// never accepted, and the acceptor thread spun at 100 % CPU. Now each waiting client gets 503 SlowDown, and once
// descriptors are free again the server serves as before.
// The case runs in a process of its own (a "threadsafe" death test re-executes this binary for it): servers from
// earlier tests close their last descriptors from detached threads, which would open gaps under the lowered limit.
TEST_F(ServerTest, OutOfDescriptorsRefusesWithSlowDownAndRecovers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        start();
        std::string problems = refusals_when_out_of_descriptors(server_->port());
        std::fputs(problems.c_str(), stderr);
        std::_Exit(problems.empty() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST_F(ServerTest, SmallUnreadBodyIsDrainedAndConnectionKept) {
  start();
  Client c(server_->port());
  c.send("PUT /deny HTTP/1.1\r\nHost: a\r\nContent-Length: 10000\r\n\r\n" + std::string(10000, 'q'));
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_TRUE(res.keep_alive());
  c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(c.recv().body(), "hello");
}

TEST_F(ServerTest, LargeUnreadBodyClosesConnection) {
  start();
  Client c(server_->port());
  std::thread writer([&] {
    try {
      c.send("PUT /deny HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000\r\n\r\n" + std::string(5000000, 'q'));
    } catch (const std::exception&) {  // the server may close before all of it is sent
    }
  });
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_FALSE(res.keep_alive());
  writer.join();
}

TEST_F(ServerTest, HandlerExceptionBecomesInternalErrorWithoutDetail) {
  start();
  Client c(server_->port());
  c.send("GET /throw HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.recv();
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res.body(), "<Code>InternalError</Code>");
}

TEST_F(ServerTest, OverloadGetsSlowDown) {
  ServerOptions opt;
  opt.max_connections = 1;
  start(opt);
  Client first(server_->port());
  first.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(first.recv().body(), "hello");
  Client second(server_->port());
  auto res = second.recv();
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res.body(), "<Code>SlowDown</Code>");
}

TEST_F(ServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  start();
  Client idle(server_->port());
  idle.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(idle.recv().body(), "hello");
  Client busy(server_->port());
  busy.send("GET /sleep HTTP/1.1\r\nHost: a\r\n\r\n");
  std::this_thread::sleep_for(100ms);  // the request is inside the handler
  auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  auto res = busy.recv();
  EXPECT_EQ(res.body(), "hello");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(ServerTest, StopClosesIdleConnectionsAtOnce) {
  start();
  Client idle(server_->port());
  idle.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(idle.recv().body(), "hello");
  std::this_thread::sleep_for(50ms);
  auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 300ms);
  EXPECT_TRUE(idle.closed_by_peer());
}

TEST(ServerTlsTest, ServesOverTls) {
  auto dir = std::filesystem::temp_directory_path() / ("podbucket-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
                    " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);

  Seen seen;
  ServerOptions opt;
  opt.tls = TlsOptions{cert, key};
  Server server(opt, [&](Request& r) { return test_handler(seen, r); }, nullptr);
  server.start();

  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket> tls(io, ctx);
  tls.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  tls.handshake(asio::ssl::stream_base::client);
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {
    std::string req = "PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nsecret";
    asio::write(tls, asio::buffer(req));
    bhttp::response<bhttp::string_body> res;
    bhttp::read(tls, buffer, res);
    EXPECT_EQ(res.body(), "secret");
  }
  // A streamed body: header and first chunk are one gathered write, which TLS sends record by record.
  std::string get = "GET /stream/70000 HTTP/1.1\r\nHost: a\r\n\r\n";
  asio::write(tls, asio::buffer(get));
  bhttp::response_parser<bhttp::string_body> streamed;
  streamed.body_limit(1 << 20);
  bhttp::read(tls, buffer, streamed);
  ASSERT_EQ(streamed.get().body().size(), 70000u);
  EXPECT_EQ(streamed.get().body().substr(0, 3), "abc");
  EXPECT_TRUE(seen.secure);
  server.stop();
  std::filesystem::remove_all(dir);
}

TEST(ServerTlsTest, MissingCertificateFailsAtStart) {
  ServerOptions opt;
  opt.tls = TlsOptions{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
  Server server(opt, [](Request&) { return Response{}; }, nullptr);
  EXPECT_THROW(server.start(), std::runtime_error);
}

}  // namespace
}  // namespace podbucket::http
