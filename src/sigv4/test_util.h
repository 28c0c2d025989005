#pragma once
// Test helpers (tests only): parse the text form of the signed requests in tests/fixtures/sigv4, read files.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/time_format.h"
#include "http/message.h"
#include "sigv4/verify.h"

namespace podbucket::sigv4::testing {

inline std::string fixtures_dir() { return PODBUCKET_SIGV4_FIXTURES; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A request plus the storage its body points to.
struct TestRequest {
  http::Request req;
  std::unique_ptr<http::BodySource> body;
  std::string body_text;
};

/// Parses "METHOD target HTTP/1.1\nName:value\n[ continuation]\n...\n\nbody". Header lines starting with
/// whitespace continue the previous header (obs-fold), joined with a space.
inline TestRequest parse_http(std::string_view text) {
  TestRequest t;
  auto next_line = [&](std::string_view& rest) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  std::string_view rest = text;
  std::string_view start = next_line(rest);
  size_t sp1 = start.find(' ');
  size_t sp2 = start.rfind(" HTTP/");
  t.req.method = std::string(start.substr(0, sp1));
  t.req.target = std::string(start.substr(sp1 + 1, sp2 - sp1 - 1));
  size_t q = t.req.target.find('?');
  t.req.path = t.req.target.substr(0, q);
  t.req.raw_query = q == std::string::npos ? "" : t.req.target.substr(q + 1);
  std::vector<std::pair<std::string, std::string>> headers;
  while (!rest.empty()) {
    std::string_view line = next_line(rest);
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      headers.back().second += " " + std::string(line);
      continue;
    }
    size_t colon = line.find(':');
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  for (auto& [n, v] : headers) t.req.headers.add(n, v);
  t.body_text = std::string(rest);
  t.body = std::make_unique<http::StringBodySource>(t.body_text);
  t.req.body = t.body.get();
  if (auto cl = t.req.headers.get("Content-Length")) t.req.content_length = std::stoull(std::string(*cl));
  return t;
}

/// Reads a verified body to the end (throws what the wrapper throws).
inline std::string drain(http::BodySource& body, size_t step = 4096) {
  std::string out;
  std::string buf(step, '\0');
  while (size_t n = body.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

/// A KeyLookup knowing exactly one key.
inline KeyLookup single_key(std::string akid, std::string secret, std::string token = {}) {
  return [=](std::string_view id) -> std::optional<KeyInfo> {
    if (id != akid) return std::nullopt;
    KeyInfo info;
    info.secret_access_key = secret;
    info.session_token = token;
    info.principal.anonymous = false;
    info.principal.arn = "arn:aws:iam::123456789012:user/test";
    info.principal.account_id = "123456789012";
    return info;
  };
}

}  // namespace podbucket::sigv4::testing
