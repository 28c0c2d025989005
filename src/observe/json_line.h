#pragma once
// JSON text written straight into a string, members in the order they are added: the request path's JSON lines (the
// audit trail's events, the access log) at a fraction of the cost of building a JSON tree.
#include <cstdint>
#include <string>
#include <string_view>

namespace podbucket::observe {

/// Appends `s` as a JSON string (RFC 8259): escapes quotes, backslashes and control characters; invalid UTF-8
/// becomes U+FFFD (a client's user agent or object key may be anything).
void append_json_string(std::string& out, std::string_view s);

/// Writes one JSON value as text, members in the order they are added (CloudTrail's order for audit events). Keys
/// and strings go through append_json_string; raw() takes text that must already be valid JSON. Not thread-safe.
class JsonLine {
 public:
  JsonLine() { out_.reserve(2048); }
  JsonLine& open() { return begin(nullptr, '{'); }
  JsonLine& open(std::string_view key) { return begin(&key, '{'); }
  JsonLine& open_array(std::string_view key) { return begin(&key, '['); }
  JsonLine& close() { return end('}'); }
  JsonLine& close_array() { return end(']'); }
  JsonLine& str(std::string_view key, std::string_view value) {
    member(&key);
    append_json_string(out_, value);
    return *this;
  }
  JsonLine& boolean(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
  JsonLine& number(std::string_view key, uint64_t value) { return raw(key, std::to_string(value)); }
  JsonLine& number(std::string_view key, int value) { return raw(key, std::to_string(value)); }
  /// A finite double in its shortest round-trip form (null when not finite, which JSON cannot hold).
  JsonLine& number(std::string_view key, double value);
  JsonLine& null(std::string_view key) { return raw(key, "null"); }
  /// `json` must be valid JSON text.
  JsonLine& raw(std::string_view key, std::string_view json) {
    member(&key);
    out_ += json;
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  /// Starts a member (`key` non-null, inside an object) or an array element / the top level (`key` null).
  void member(const std::string_view* key) {
    if (comma_) out_ += ',';
    if (key != nullptr) {
      append_json_string(out_, *key);
      out_ += ':';
    }
    comma_ = true;
  }
  JsonLine& begin(const std::string_view* key, char bracket) {
    member(key);
    out_ += bracket;
    comma_ = false;
    return *this;
  }
  JsonLine& end(char bracket) {
    out_ += bracket;
    comma_ = true;
    return *this;
  }

  std::string out_;
  bool comma_ = false;  // a member was written at the current level
};

}  // namespace podbucket::observe
