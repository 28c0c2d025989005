#include "api/admin.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>

#include "observe/metrics.h"

namespace podbucket::api {
namespace {

constexpr size_t kMaxLevelBody = 64;  // bytes; level names are short

http::Response text(int status, std::string body, bool head) {
  http::Response r;
  r.status = status;
  r.headers.set("Content-Type", "text/plain; charset=utf-8");
  r.headers.set("Cache-Control", "no-store");
  if (head) {
    r.head = true;
    r.stream_length = body.size();
  } else {
    r.body = std::move(body);
  }
  return r;
}

http::Response method_not_allowed(std::string_view allow) {
  auto r = text(405, "method not allowed\n", false);
  r.headers.set("Allow", std::string(allow));
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

http::Response readiness(const std::vector<ReadinessCheck>& checks, bool head) {
  std::string body;
  bool ready = true;
  for (const auto& c : checks) {
    std::string failure;
    try {
      failure = c.check();
    } catch (const std::exception& e) {
      failure = e.what()[0] != '\0' ? e.what() : "exception";
    } catch (...) {
      failure = "unknown exception";
    }
    if (failure.empty()) {
      body += "[+]" + c.name + " ok\n";
    } else {
      ready = false;
      for (char& ch : failure) {
        if (ch == '\n' || ch == '\r') ch = ' ';  // one line per check
      }
      body += "[-]" + c.name + " failed: " + failure + "\n";
    }
  }
  body += ready ? "readyz check passed\n" : "readyz check failed\n";
  return text(ready ? 200 : 503, std::move(body), head);
}

http::Response log_level(const AdminOptions& o, http::Request& req) {
  if (req.method == "GET" || req.method == "HEAD") return text(200, o.get_log_level() + "\n", req.method == "HEAD");
  if (req.method != "PUT") return method_not_allowed("GET, HEAD, PUT");
  auto body = http::read_all(*req.body, kMaxLevelBody);
  if (!body) return text(400, "the body must be a log level name\n", false);
  std::string_view level = trim(*body);
  if (level.empty() || !o.set_log_level(level)) {
    return text(400, "unknown log level '" + std::string(level.substr(0, 32)) +
                         "': expected trace, debug, info, warn, error, critical or off\n",
                false);
  }
  return text(200, o.get_log_level() + "\n", false);
}

}  // namespace

http::Handler admin_handler(AdminOptions options) {
  if (!options.render_metrics) options.render_metrics = [] { return observe::metrics().render(); };
  return [o = std::move(options)](http::Request& req) -> http::Response {
    const std::string& path = req.path;
    bool read = req.method == "GET" || req.method == "HEAD";
    bool head = req.method == "HEAD";
    if (path == "/metrics") {
      if (!read) return method_not_allowed("GET, HEAD");
      auto r = text(200, o.render_metrics(), head);
      r.headers.set("Content-Type", std::string(kMetricsContentType));
      return r;
    }
    if (path == "/healthz") {
      if (!read) return method_not_allowed("GET, HEAD");
      return text(200, "ok\n", head);
    }
    if (path == "/readyz") {
      if (!read) return method_not_allowed("GET, HEAD");
      return readiness(o.readiness, head);
    }
    if (path == "/log-level" && o.get_log_level && o.set_log_level) return log_level(o, req);
    return text(404, "not found: the admin listener serves /metrics, /healthz, /readyz and /log-level\n", head);
  };
}

std::string probe_writable(const std::filesystem::path& dir) {
  static std::atomic<uint64_t> sequence{0};
  auto path = dir / (".readyz-probe-" + std::to_string(::getpid()) + "-" + std::to_string(sequence++));
  auto failed = [&](const char* step, int error) {
    return std::string(step) + " " + path.string() + ": " + std::strerror(error);
  };
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return failed("create", errno);
  std::string result;
  static constexpr char kByte[] = "x";
  ssize_t written = ::write(fd, kByte, 1);
  if (written != 1) {
    result = failed("write", written < 0 ? errno : EIO);
  } else if (::fsync(fd) != 0) {
    result = failed("fsync", errno);
  }
  int close_error = ::close(fd) != 0 ? errno : 0;
  if (result.empty() && close_error != 0) result = failed("close", close_error);
  if (::unlink(path.c_str()) != 0 && result.empty()) result = failed("unlink", errno);
  return result;
}

}  // namespace podbucket::api
