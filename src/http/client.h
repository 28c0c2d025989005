#pragma once
// A small blocking HTTP/1.1 client for podbucket's own outbound calls (the Pod Identity agent → EKS Auth, the
// webhook → the EKS association API). No Beast or Asio type crosses this header.
//
// One Client talks to one endpoint over at most one connection at a time (keep-alive optional), with TLS when the
// URL is https (peer verified against the system CAs or a given CA file, host name or IP checked). Every request
// has a whole-request deadline; connecting has its own, shorter one. Response bodies are bounded.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/result.h"
#include "http/message.h"

namespace podbucket::http {

// Transport outcomes (no HTTP status was received). The statuses are those of a gateway that failed the same way.
/// TCP connect (or name resolution) failed: refused, unreachable, unknown host.
inline constexpr core::ErrorCode kConnectFailed{"ConnectFailed", 502};
/// The connect or request deadline passed.
inline constexpr core::ErrorCode kTimedOut{"TimedOut", 504};
/// TLS handshake or verification failed, the peer closed or reset the connection, or the response was not HTTP.
inline constexpr core::ErrorCode kTransportFailed{"TransportFailed", 502};
/// The response body exceeded ClientOptions::max_response_body.
inline constexpr core::ErrorCode kResponseTooLarge{"ResponseTooLarge", 502};

/// A parsed base URL: http(s)://HOST[:PORT][/BASE-PATH].
struct Endpoint {
  bool tls = false;
  std::string host;       // DNS name or IP literal, IPv6 without brackets
  uint16_t port = 0;      // 80/443 when the URL has none
  std::string base_path;  // "" or "/prefix" without a trailing slash

  /// The Host header value: host (IPv6 in brackets) plus ":port" unless it is the scheme's default.
  std::string host_header() const;
  /// "scheme://host[:port]" + base_path, the canonical form of the URL.
  std::string url() const;
};

/// Parses an http or https URL. Rejects other schemes, user info, queries, fragments, empty hosts and bad ports
/// (InvalidArgument 400).
core::Result<Endpoint> parse_endpoint(std::string_view url);

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{500};   // TCP connect, within the request deadline
  std::chrono::milliseconds request_timeout{1000};  // connect + TLS + send + whole response
  size_t max_response_body = 1 << 20;                // bytes
  bool keep_alive = true;                            // reuse the connection between requests
  std::string ca_file;     // PEM file of trusted CAs for https; empty = the system's CA store
  bool verify_tls = true;  // false accepts any certificate (tests only)
};

/// A response as received. Header names keep the server's spelling; Headers lookups are case-insensitive.
struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

/// The client. Not thread-safe: one request at a time (use one Client per thread or a pool).
class Client {
 public:
  /// Does not connect yet. Throws std::runtime_error when the CA file cannot be loaded.
  explicit Client(Endpoint endpoint, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Endpoint& endpoint() const;

  /// Sends `req.method req.target` (or path + "?" + raw_query when target is empty) with `req.headers` and
  /// `body`, and reads the whole response. Adds Host (endpoint().host_header()) when absent, and Content-Length.
  /// The target is sent as given (base_path is not prepended; see Endpoint). A request on a reused keep-alive
  /// connection that the server had closed is retried once on a fresh one. Any HTTP status is a success here.
  /// Errors: kConnectFailed, kTimedOut, kTransportFailed, kResponseTooLarge; the connection is closed after any
  /// of them.
  core::Result<ClientResponse> send(const Request& req, std::string_view body = {});

  /// Closes the connection, if any. The next send() connects again.
  void close();
  /// True while a kept-alive connection is open (for tests).
  bool connected() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace podbucket::http
