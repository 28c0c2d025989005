#pragma once
// The request/response model every service sees. No Beast or Asio type crosses this header: services read a
// Request (headers + a pull-style BodySource) and return a Response (headers + a string or a pull-style BodyStream).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::http {

/// Ordered, multi-valued, case-insensitive header list.
class Headers {
 public:
  /// Appends a header (keeps existing ones with the same name).
  void add(std::string name, std::string value);
  /// Replaces every header of this name with one value.
  void set(std::string name, std::string value);
  /// The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  /// All values of `name`, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

/// A request body, read by pulling. Implementations: the socket (http/), the aws-chunked decoder (sigv4/), and
/// in-memory strings (tests). Not thread-safe; one reader.
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Reads up to `n` bytes into `buf`. Returns the number read, 0 only at the end of the body.
  /// Throws core::AwsException (IncompleteBody, RequestTimeout, SignatureDoesNotMatch, ...) when the body cannot
  /// be completed.
  virtual size_t read(char* buf, size_t n) = 0;
};

/// A BodySource over a string, for tests and small bodies.
class StringBodySource final : public BodySource {
 public:
  explicit StringBodySource(std::string data) : data_(std::move(data)) {}
  size_t read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

/// Reads a whole body into a string, up to `limit` bytes. Returns nullopt if the body is larger than `limit`.
/// Throws what BodySource::read throws.
std::optional<std::string> read_all(BodySource& body, size_t limit);

/// A response body produced by pulling (file contents, decrypted ranges). Not thread-safe.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  /// Writes up to `n` bytes into `buf`; returns 0 at the end. Throws std::exception on I/O failure (the connection
  /// is then closed, because the status line has already been sent).
  virtual size_t read(char* buf, size_t n) = 0;
};

/// One parsed HTTP request. `path` and `raw_query` are exactly as received (still percent-encoded), because
/// SigV4 canonicalization needs the raw form.
struct Request {
  std::string method;
  std::string target;     // request-target as received: path?query
  std::string path;       // raw path (percent-encoded), always starts with '/'
  std::string raw_query;  // raw query string without '?', may be empty
  Headers headers;
  std::string remote_ip;
  bool secure = false;                    // arrived over TLS
  std::optional<uint64_t> content_length;  // from Content-Length; nullopt when chunked or absent
  BodySource* body = nullptr;             // never null while a handler runs
};

/// One response. Either `body` (small, in memory) or `stream` with `stream_length` bytes is sent; the server sets
/// Content-Length from them. For HEAD, set `head` and put the size of what a GET would send in `stream_length`
/// (no stream needed): the headers go out with that Content-Length and no body. 204/304 get no Content-Length.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::unique_ptr<BodyStream> stream;
  uint64_t stream_length = 0;
  bool head = false;
};

/// A request handler. Runs on a connection thread; may block on disk and database I/O.
using Handler = std::function<Response(Request&)>;

}  // namespace podbucket::http
