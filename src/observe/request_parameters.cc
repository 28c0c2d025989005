#include "observe/request_parameters.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "observe/request_trace.h"

namespace podbucket::observe {
namespace {

constexpr size_t kMaxParameters = 256;    // per request; the rest are dropped
constexpr size_t kMaxValueBytes = 16384;  // longer values are cut (policy documents stay below IAM's 10 KiB)
constexpr size_t kMaxIndex = 1000;        // array indices beyond this are dropped
constexpr int kMaxDepth = 6;              // JSON nesting recorded

// Substrings (of the name lowercased, without '-' and '_') that mark a secret. See is_secret_parameter.
constexpr std::array<std::string_view, 13> kSecretMarks = {
    "token",      "secret",     "password",     "signature",  "credential",    "plaintext",    "ciphertext",
    "privatekey", "customerkey", "keymaterial", "samlassertion", "authorization", "sessionkey"};

std::string strip_separators(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != kObjectKey && c != kArrayIndex) out += c;
  return out;
}

std::string cut(std::string_view value) {
  if (value.size() <= kMaxValueBytes) return std::string(value);
  return std::string(value.substr(0, kMaxValueBytes)) + "...(truncated)";
}

/// Stores one encoded path on the current request, redacting it when any of its names is a secret.
void put(RequestSummary& s, const std::string& path, std::string_view value, bool secret) {
  if (s.parameters.size() >= kMaxParameters && !s.parameters.contains(path)) return;
  s.parameters[path] = secret || looks_like_secret_value(value) ? std::string(kRedacted) : cut(value);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_user_keyed_map(std::string_view name) {
  std::string lower;
  for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
  return lower == "encryptioncontext" || lower == "tags" || lower == "principaltags";
}

void record_json(RequestSummary& s, const nlohmann::json& value, const std::string& path, bool secret, int depth) {
  if (value.is_null() || depth > kMaxDepth) return;
  if (secret) {
    put(s, path, "", true);
  } else if (value.is_string()) {
    put(s, path, value.get_ref<const std::string&>(), false);
  } else if (value.is_boolean() || value.is_number()) {
    put(s, path, value.dump(), false);
  } else if (value.is_array()) {
    size_t i = 0;
    for (const auto& item : value) {
      if (i > kMaxIndex) break;
      record_json(s, item, path + kArrayIndex + std::to_string(i++), false, depth + 1);
    }
  } else if (value.is_object()) {
    // Keys of EncryptionContext and tag maps are the caller's data: kept verbatim. Other names are API members.
    std::string_view last(path);
    if (auto cut_at = last.find_last_of(std::string{kObjectKey, kArrayIndex}); cut_at != std::string_view::npos)
      last.remove_prefix(cut_at + 1);
    bool verbatim = is_user_keyed_map(last);
    for (const auto& [key, item] : value.items()) {
      std::string name = verbatim ? strip_separators(key) : lower_camel(strip_separators(key));
      if (name.empty()) continue;
      record_json(s, item, path + kObjectKey + name, is_secret_parameter(name), depth + 1);
    }
  }
}

/// Parses one path segment list: the top-level name, then (separator, text) pairs.
struct Segment {
  bool index = false;
  std::string text;
};

std::vector<Segment> split_path(std::string_view path) {
  std::vector<Segment> out;
  size_t start = 0;
  bool index = false;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == kObjectKey || path[i] == kArrayIndex) {
      out.push_back({index, std::string(path.substr(start, i - start))});
      if (i < path.size()) index = path[i] == kArrayIndex;
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

bool is_secret_parameter(std::string_view name) {
  std::string folded;
  folded.reserve(name.size());
  for (char c : name)
    if (c != '-' && c != '_') folded += char(std::tolower(static_cast<unsigned char>(c)));
  return std::any_of(kSecretMarks.begin(), kSecretMarks.end(),
                     [&](std::string_view mark) { return folded.find(mark) != std::string::npos; });
}

bool looks_like_secret_value(std::string_view value) {
  if (value.starts_with("AWS4-HMAC-SHA256")) return true;
  if (!value.starts_with("eyJ")) return false;
  // A JWT: header.payload.signature in base64url.
  size_t dots = 0;
  for (char c : value) {
    if (c == '.') {
      ++dots;
    } else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '=') {
      return false;
    }
  }
  return dots == 2;
}

std::string redact_secrets_in_text(std::string_view text) {
  if (text.find("eyJ") == std::string_view::npos && text.find("Value '") == std::string_view::npos)
    return std::string(text);
  auto b64url = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "eyJ") == 0) {
      // A JWT: header.payload.signature (the signature may be empty for "none").
      size_t end = i, dots = 0;
      while (end < text.size() && (b64url(text[end]) || (text[end] == '.' && dots < 2))) dots += text[end++] == '.';
      if (dots == 2) {
        out += kRedacted;
        i = end;
        continue;
      }
    }
    if (text.compare(i, 7, "Value '") == 0) {
      // AWS's validation message: "Value 'VALUE' at 'member' failed to satisfy constraint: ...".
      size_t value_start = i + 7;
      size_t at = text.find("' at '", value_start);
      size_t member_end = at == std::string_view::npos ? at : text.find('\'', at + 6);
      if (member_end != std::string_view::npos &&
          is_secret_parameter(text.substr(at + 6, member_end - (at + 6)))) {
        out += "Value '";
        out += kRedacted;
        i = at;  // continue with "' at 'member'"
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string lower_camel(std::string_view name) {
  std::string out(name);
  // "SSEKMSKeyId" style runs of capitals lower as a block except the last one before a lowercase letter.
  size_t i = 0;
  while (i < out.size() && std::isupper(static_cast<unsigned char>(out[i]))) {
    bool next_lower = i + 1 < out.size() && std::islower(static_cast<unsigned char>(out[i + 1]));
    if (i > 0 && next_lower) break;
    out[i] = char(std::tolower(static_cast<unsigned char>(out[i])));
    ++i;
  }
  return out;
}

void record_form_parameters(const std::vector<std::pair<std::string, std::string>>& entries) {
  RequestSummary* s = current_request();
  if (s == nullptr) return;
  for (const auto& [raw_name, value] : entries) {
    if (raw_name == "Action" || raw_name == "Version" || raw_name.starts_with("X-Amz-")) continue;
    std::string path;
    bool secret = false;
    bool valid = true;
    size_t start = 0;
    std::string_view name(raw_name);
    while (start <= name.size()) {
      size_t dot = name.find('.', start);
      std::string_view part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      start = dot == std::string_view::npos ? name.size() + 1 : dot + 1;
      if (part == "member" || part == "entry") continue;
      secret = secret || is_secret_parameter(part);
      if (all_digits(part)) {
        size_t n = 0;
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
        if (ec != std::errc() || n == 0 || n > kMaxIndex + 1 || path.empty()) {
          valid = false;
          break;
        }
        path += kArrayIndex + std::to_string(n - 1);
      } else {
        std::string member = lower_camel(strip_separators(part));
        if (member.empty()) {
          valid = false;
          break;
        }
        if (!path.empty()) path += kObjectKey;
        path += member;
      }
    }
    if (valid && !path.empty()) put(*s, path, value, secret);
  }
}

void record_json_parameters(const nlohmann::json& body) {
  RequestSummary* s = current_request();
  if (s == nullptr || !body.is_object()) return;
  for (const auto& [key, item] : body.items()) {
    std::string name = lower_camel(strip_separators(key));
    if (name.empty()) continue;
    record_json(*s, item, name, is_secret_parameter(name), 1);
  }
}

void record_operation(std::string_view name) {
  if (RequestSummary* s = current_request()) s->operation = std::string(name);
}

nlohmann::ordered_json parameters_json(const std::map<std::string, std::string>& parameters) {
  nlohmann::ordered_json out = nullptr;
  for (const auto& [path, value] : parameters) {
    std::vector<Segment> segments = split_path(path);
    if (segments.empty() || segments.front().text.empty()) continue;
    bool secret = looks_like_secret_value(value);
    for (const auto& seg : segments)
      if (!seg.index && is_secret_parameter(seg.text)) secret = true;
    if (out.is_null()) out = nlohmann::ordered_json::object();
    // Walk down, creating objects and arrays; a path that disagrees with an earlier one's shape is dropped.
    nlohmann::ordered_json* node = &out;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const Segment& seg = segments[i];
      if (seg.index) {
        size_t n = 0;
        auto [p, ec] = std::from_chars(seg.text.data(), seg.text.data() + seg.text.size(), n);
        if (ec != std::errc() || n > kMaxIndex || !(node->is_null() || node->is_array())) {
          ok = false;
          break;
        }
        if (node->is_null()) *node = nlohmann::ordered_json::array();
        while (node->size() <= n) node->push_back(nullptr);
        node = &(*node)[n];
      } else {
        if (!(node->is_null() || node->is_object())) {
          ok = false;
          break;
        }
        if (node->is_null()) *node = nlohmann::ordered_json::object();
        node = &(*node)[seg.text];
      }
    }
    if (ok && (node->is_null() || node->is_string())) *node = secret ? std::string(kRedacted) : value;
  }
  return out;
}

}  // namespace podbucket::observe
