// The outbound client against a real http::Server on 127.0.0.1.
#include "http/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/server.h"

namespace podbucket::http {
namespace {

using namespace std::chrono_literals;

// /echo answers with the method, target, Host and body; /sleep waits 300 ms; /big sends 64 KiB; anything else 404.
Response handler(Request& req) {
  Response res;
  if (req.path == "/echo") {
    auto body = read_all(*req.body, 1 << 20);
    res.headers.set("X-Method", req.method);
    res.headers.set("X-Target", req.target);
    res.headers.set("X-Host", std::string(req.headers.get("Host").value_or("")));
    res.headers.set("X-Custom", std::string(req.headers.get("X-Custom").value_or("")));
    res.body = *body;
    return res;
  }
  if (req.path == "/sleep") {
    std::this_thread::sleep_for(300ms);
    res.body = "late";
    return res;
  }
  if (req.path == "/big") {
    res.body.assign(64 * 1024, 'x');
    return res;
  }
  res.status = 404;
  res.body = "no such path";
  return res;
}

Request make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

Endpoint local(uint16_t port, bool tls = false) {
  auto ep = parse_endpoint(std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(ep);
  return *ep;
}

TEST(ParseEndpoint, Forms) {
  auto a = parse_endpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->tls);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9000);
  EXPECT_EQ(a->base_path, "");
  EXPECT_EQ(a->host_header(), "127.0.0.1:9000");

  auto b = parse_endpoint("HTTPS://eks-auth.us-east-1.api.aws/");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->port, 443);
  EXPECT_EQ(b->host_header(), "eks-auth.us-east-1.api.aws");
  EXPECT_EQ(b->url(), "https://eks-auth.us-east-1.api.aws");

  auto c = parse_endpoint("http://[::1]:8080/prefix/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->base_path, "/prefix");
  EXPECT_EQ(c->host_header(), "[::1]:8080");

  auto d = parse_endpoint("http://[fd00:ec2::23]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host_header(), "[fd00:ec2::23]");

  for (const char* bad : {"ftp://x", "127.0.0.1:80", "http://", "http://:80", "http://h:0", "http://h:65536",
                          "http://h:x", "http://u@h", "http://h/?q", "http://h#f", "http://[::1", "http://h:"}) {
    auto r = parse_endpoint(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), "InvalidArgument");
  }
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions opt;
    opt.idle_timeout = 200ms;
    server_ = std::make_unique<Server>(opt, handler, nullptr);
    server_->start();
  }
  std::unique_ptr<Server> server_;
};

TEST_F(ClientTest, PostEchoesBodyAndHeaders) {
  Client client(local(server_->port()));
  auto req = make("POST", "/echo?a=1");
  req.headers.set("X-Custom", "v");
  auto res = client.send(req, "{\"token\":\"t\"}");
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"token\":\"t\"}");
  EXPECT_EQ(res->headers.get("x-method"), "POST");
  EXPECT_EQ(res->headers.get("X-Target"), "/echo?a=1");
  EXPECT_EQ(res->headers.get("X-Host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(res->headers.get("X-Custom"), "v");
}

TEST_F(ClientTest, PathAndQueryWhenNoTargetAndExplicitHost) {
  Client client(local(server_->port()));
  Request req;
  req.method = "GET";
  req.path = "/echo";
  req.raw_query = "x=y";
  req.headers.set("Host", "169.254.170.23");
  auto res = client.send(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->headers.get("X-Target"), "/echo?x=y");
  EXPECT_EQ(res->headers.get("X-Host"), "169.254.170.23");
}

TEST_F(ClientTest, AnyStatusIsAResponse) {
  Client client(local(server_->port()));
  auto res = client.send(make("GET", "/nothing"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "no such path");
}

TEST_F(ClientTest, KeepAliveReusesOneConnection) {
  Client client(local(server_->port()));
  for (int i = 0; i < 5; ++i) {
    auto res = client.send(make("GET", "/echo"));
    ASSERT_TRUE(res);
    EXPECT_TRUE(client.connected());
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(ClientTest, WithoutKeepAliveEveryRequestConnects) {
  ClientOptions opt;
  opt.keep_alive = false;
  Client client(local(server_->port()), opt);
  ASSERT_TRUE(client.send(make("GET", "/echo")));
  EXPECT_FALSE(client.connected());
}

// A one-shot raw TCP peer: accepts one connection, reads one request header section, writes `reply` verbatim
// and closes.
class RawPeer {
 public:
  explicit RawPeer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string got;
      char buf[4096];
      while (got.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, size_t(n));
      }
      ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~RawPeer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  std::string reply_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(Client, ConnectionCloseFromServerIsHonoured) {
  RawPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
  Client client(local(peer.port()));
  auto res = client.send(make("GET", "/"));
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body, "bye");
  EXPECT_EQ(res->headers.get("connection"), "close");
  EXPECT_FALSE(client.connected());
}

TEST(Client, NotHttpIsATransportFailure) {
  RawPeer peer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  Client client(local(peer.port()));
  auto res = client.send(make("GET", "/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "TransportFailed");
}

TEST(Client, CloseWithoutAnswerOnAFreshConnectionIsNotRetried) {
  RawPeer peer("");
  Client client(local(peer.port()));
  auto res = client.send(make("POST", "/"), "x");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "TransportFailed");
}

TEST(Client, DeclaredBodyOverTheLimitIsRefusedBeforeReadingIt) {
  RawPeer peer("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\nxxxx");
  ClientOptions opt;
  opt.max_response_body = 1000;
  Client client(local(peer.port()), opt);
  auto res = client.send(make("GET", "/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "ResponseTooLarge");
}

TEST_F(ClientTest, RetriesOnceWhenTheServerClosedAnIdleConnection) {
  Client client(local(server_->port()));
  ASSERT_TRUE(client.send(make("GET", "/echo")));
  std::this_thread::sleep_for(600ms);  // past the server's 200 ms idle timeout
  auto res = client.send(make("POST", "/echo"), "again");
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->body, "again");
}

TEST_F(ClientTest, RequestDeadline) {
  ClientOptions opt;
  opt.request_timeout = 100ms;
  Client client(local(server_->port()), opt);
  auto start = std::chrono::steady_clock::now();
  auto res = client.send(make("GET", "/sleep"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "TimedOut");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 280ms);
  EXPECT_FALSE(client.connected());
}

TEST_F(ClientTest, BodyLimit) {
  ClientOptions opt;
  opt.max_response_body = 1000;
  Client client(local(server_->port()), opt);
  auto res = client.send(make("GET", "/big"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "ResponseTooLarge");
  opt.max_response_body = 64 * 1024;
  Client enough(local(server_->port()), opt);
  auto ok = enough.send(make("GET", "/big"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body.size(), 64u * 1024);
}

TEST(Client, ConnectionRefused) {
  uint16_t port;
  {
    Server s({}, handler, nullptr);
    s.start();
    port = s.port();
  }  // closed again: nothing listens there now
  Client client(local(port));
  auto res = client.send(make("GET", "/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "ConnectFailed");
  EXPECT_NE(res.error().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(Client, UnknownHostName) {
  auto ep = parse_endpoint("http://no-such-host.invalid:1");
  ASSERT_TRUE(ep);
  Client client(*ep);
  auto res = client.send(make("GET", "/"));
  ASSERT_FALSE(res);
  EXPECT_TRUE(res.error().code() == "ConnectFailed" || res.error().code() == "TimedOut") << res.error().code();
}

// ---- TLS ------------------------------------------------------------------------------------------------------------

class TlsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("podbucket-client-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=podbucket-test -addext "
                      "subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + key_ + " -out " + cert_ +
                      " >/dev/null 2>&1";
    have_openssl_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  void SetUp() override {
    if (!have_openssl_) GTEST_SKIP() << "the openssl command is needed to make a test certificate";
    ServerOptions opt;
    opt.tls = TlsOptions{cert_, key_};
    server_ = std::make_unique<Server>(opt, handler, nullptr);
    server_->start();
  }

  static inline std::filesystem::path dir_;
  static inline std::string cert_, key_;
  static inline bool have_openssl_ = false;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsClientTest, VerifiesAgainstTheGivenCa) {
  ClientOptions opt;
  opt.ca_file = cert_;
  Client client(local(server_->port(), true), opt);
  for (int i = 0; i < 3; ++i) {
    auto res = client.send(make("POST", "/echo"), "over tls");
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->body, "over tls");
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(TlsClientTest, DnsNameInTheCertificate) {
  ClientOptions opt;
  opt.ca_file = cert_;
  auto ep = parse_endpoint("https://localhost:" + std::to_string(server_->port()));
  ASSERT_TRUE(ep);
  Client client(*ep, opt);
  auto res = client.send(make("GET", "/echo"));
  if (!res && res.error().code() == "ConnectFailed") GTEST_SKIP() << "localhost does not resolve to 127.0.0.1";
  ASSERT_TRUE(res) << res.error().message();
}

TEST_F(TlsClientTest, UntrustedCertificateIsRefused) {
  Client client(local(server_->port(), true));  // system CAs do not know the test certificate
  auto res = client.send(make("GET", "/echo"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "TransportFailed");
  EXPECT_NE(res.error().message().find("certificate"), std::string::npos) << res.error().message();
}

TEST_F(TlsClientTest, CertificateForAnotherNameIsRefused) {
  // A trusted certificate that names only example.invalid, presented by 127.0.0.1.
  std::string cert = (dir_ / "other-cert.pem").string(), key = (dir_ / "other-key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=example.invalid -addext "
                    "subjectAltName=DNS:example.invalid -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerOptions sopt;
  sopt.tls = TlsOptions{cert, key};
  Server other(sopt, handler, nullptr);
  other.start();
  ClientOptions opt;
  opt.ca_file = cert;
  Client client(local(other.port(), true), opt);
  auto res = client.send(make("GET", "/echo"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), "TransportFailed");
  EXPECT_NE(res.error().message().find("mismatch"), std::string::npos) << res.error().message();
}

TEST_F(TlsClientTest, VerificationCanBeSwitchedOff) {
  ClientOptions opt;
  opt.verify_tls = false;
  Client client(local(server_->port(), true), opt);
  auto res = client.send(make("GET", "/echo"));
  ASSERT_TRUE(res) << res.error().message();
}

TEST(TlsClient, MissingCaFileThrows) {
  ClientOptions opt;
  opt.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(Client(local(1, true), opt), std::runtime_error);
}

}  // namespace
}  // namespace podbucket::http
