// Bucket naming rules for general-purpose buckets (S3 user guide "Bucket naming rules").
#include <array>

#include "s3/bucket/bucket.h"
#include "s3/errors.h"

namespace podbucket::s3::bucket {
namespace {

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Four dot-separated groups of 1-3 digits: "192.168.5.4".
bool looks_like_ipv4(std::string_view name) {
  int groups = 0;
  size_t digits = 0;
  for (char c : name) {
    if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else if (c == '.') {
      if (digits == 0) return false;
      ++groups;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && groups == 3;
}

core::AwsError invalid(std::string_view name) {
  return core::AwsError(kInvalidBucketName, "The specified bucket is not valid.", "/" + std::string(name))
      .with_field("BucketName", std::string(name));
}

}  // namespace

core::Result<void> validate_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return invalid(name);
  for (char c : name) {
    if (!is_alnum_lower(c) && c != '.' && c != '-') return invalid(name);
  }
  if (!is_alnum_lower(name.front()) || !is_alnum_lower(name.back())) return invalid(name);
  if (name.find("..") != std::string_view::npos) return invalid(name);
  if (looks_like_ipv4(name)) return invalid(name);
  for (std::string_view p : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (starts_with(name, p)) return invalid(name);
  }
  for (std::string_view s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (ends_with(name, s)) return invalid(name);
  }
  return {};
}

}  // namespace podbucket::s3::bucket
