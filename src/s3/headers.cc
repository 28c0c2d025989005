#include "s3/headers.h"

#include <charconv>

namespace podbucket::s3 {

http::Response xml_response(std::string xml, int status) {
  http::Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/xml");
  r.body = std::move(xml);
  return r;
}

std::string owner_id(const Context& ctx) {
  return ctx.caller.account_id.empty() ? ctx.config.account_id : ctx.caller.account_id;
}

namespace {
constexpr std::string_view kVersionIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
constexpr size_t kVersionIdLength = 32;
}  // namespace

std::string new_version_id(Context& ctx, store::Versioning versioning) {
  if (versioning != store::Versioning::kEnabled) return "null";
  return ctx.random.token(kVersionIdLength, kVersionIdAlphabet);
}

bool is_valid_version_id(std::string_view version_id) {
  if (version_id == "null") return true;
  return version_id.size() == kVersionIdLength &&
         version_id.find_first_not_of(kVersionIdAlphabet) == std::string_view::npos;
}

void remove_blob(store::Blobs& blobs, std::string_view blob_id) {
  try {
    blobs.remove(blob_id);
  } catch (...) {
    // Left for the orphan sweep.
  }
}

void remove_blobs(store::Blobs& blobs, const std::vector<store::ObjectRecord>& records) {
  for (const auto& r : records) {
    for (const auto& s : r.segments) remove_blob(blobs, s.blob_id);
  }
}

bool parse_int(std::string_view text, long long min, long long max, long long& out) {
  if (text.empty()) return false;
  long long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) return false;
  out = v;
  return true;
}

}  // namespace podbucket::s3
