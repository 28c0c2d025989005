#pragma once
// The HTTP/1.1 server: the only code that turns sockets into http::Request and http::Response into bytes.
//
// Design: one acceptor thread; every accepted connection is served by its own thread running a synchronous
// Beast loop, so handlers may block on disk and database I/O without stalling other connections. Limits,
// timeouts and shutdown live here, at the edge:
//   - at most `max_connections` connections; beyond that a new connection gets 503 SlowDown and is closed;
//   - a connection that arrives when the process is out of file descriptors (EMFILE, ENFILE) also gets 503
//     SlowDown, through a descriptor kept in reserve, instead of waiting in the backlog while the acceptor spins;
//   - headers: one line over `max_header_line` bytes, the header lines together over `max_header_fields` bytes
//     (S3 allows 8 KiB) or the section with the request line over `max_header_section` bytes
//     → 400 RequestHeaderSectionTooLarge, connection closed;
//   - the header section must arrive within `header_timeout` (slowloris protection); an idle keep-alive
//     connection is closed after `idle_timeout`; a body that stalls for `body_stall_timeout` makes
//     BodySource::read throw RequestTimeout;
//   - `Expect: 100-continue` is answered lazily on the first body read, so a handler can refuse without the body;
//   - a body the handler did not read is drained up to `drain_limit` bytes, else the connection is closed.
// Errors produced by the server itself (header limits, malformed requests, overload) are turned into bytes by
// the ErrorResponder given by the caller (api/ renders them in the S3 dialect).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/message.h"

namespace podbucket::http {

/// Returned to new connections when `max_connections` are busy (S3's throttling code).
inline constexpr core::ErrorCode kSlowDown{"SlowDown", 503};
/// The request could not be parsed as HTTP/1.1.
inline constexpr core::ErrorCode kBadRequest{"BadRequest", 400};

/// PEM files for TLS. The certificate file may hold the whole chain.
struct TlsOptions {
  std::string cert_file;
  std::string key_file;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port; see Server::port()
  size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{60'000};        // keep-alive wait for the next request
  std::chrono::milliseconds header_timeout{30'000};      // TLS handshake + whole header section
  std::chrono::milliseconds body_stall_timeout{30'000};  // no body byte for this long → RequestTimeout
  std::chrono::milliseconds send_timeout{60'000};        // peer takes no response byte for this long → close
  size_t max_header_line = 8 * 1024;      // one header line, and the request target
  size_t max_header_fields = 8 * 1024;    // all header lines together, as S3 limits them
  size_t max_header_section = 64 * 1024;  // hard limit while reading (request line + headers)
  size_t drain_limit = 1024 * 1024;  // unread request body discarded to keep the connection alive
  std::chrono::milliseconds shutdown_grace{30'000};
  std::optional<TlsOptions> tls;
};

/// Renders an error the server raised itself. `req` holds whatever was parsed so far (may be empty).
using ErrorResponder = std::function<Response(const core::AwsError& error, const Request& req)>;

/// The server. start() and stop() are called from one thread; everything else is internal.
class Server {
 public:
  /// `handler` answers every request (on the connection's thread, may block, should not throw: an exception
  /// becomes 500 InternalError through `on_error`). `on_error` may be empty (plain-text errors).
  Server(ServerOptions options, Handler handler, ErrorResponder on_error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts the acceptor thread. Throws std::runtime_error when the address cannot be bound
  /// or the TLS files cannot be loaded.
  void start();
  /// The bound port (the real one when options.port was 0). Valid after start().
  uint16_t port() const;
  /// Stops accepting, closes idle connections, lets in-flight requests finish (their connections then close)
  /// and waits up to options.shutdown_grace; connections still open after that are shut down. Idempotent.
  void stop();
  /// Connections currently open (for tests and metrics).
  size_t connection_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace podbucket::http
