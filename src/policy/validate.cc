// String-level validation of Resource, Action and Principal entries, with IAM's messages.
#include "policy/validate.h"

#include <vector>

namespace podbucket::policy::detail {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// Splits at the first `sep`: {before, after}; `found` says whether `sep` was there.
std::pair<std::string_view, std::string_view> partition(std::string_view s, bool& found) {
  size_t pos = s.find(':');
  found = pos != std::string_view::npos;
  if (!found) return {s, {}};
  return {s.substr(0, pos), s.substr(pos + 1)};
}

constexpr std::string_view kIamPaths[] = {"user/", "federated-user/", "role/", "group/", "instance-profile/",
                                          "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
                                          "oidc-provider/", "report/", "access-report/"};

}  // namespace

std::optional<std::string> resource_format_error(std::string_view resource) {
  if (resource == "*") return std::nullopt;
  bool found = false;
  auto [scheme, rest] = partition(resource, found);
  (void)scheme;
  if (!found) return "Resource " + std::string(resource) + " must be in ARN format or \"*\".";
  auto [part, after_partition] = partition(rest, found);
  if (part != "aws") {
    // IAM echoes the ARN with its missing components shown as "*".
    std::vector<std::string_view> r = split(after_partition, ':');
    std::string a1 = (r[0].empty() && r.size() == 1) ? "*" : std::string(r[0]);
    std::string a2 = r.size() > 1 ? std::string(r[1]) : "*";
    std::string a3 = r.size() > 2 ? std::string(r[2]) : "*";
    std::string a4 = "*";
    if (r.size() > 3) {
      a4.clear();
      for (size_t i = 3; i < r.size(); ++i) {
        if (i > 3) a4 += ':';
        a4 += r[i];
      }
    }
    std::string p(part);
    return "Partition \"" + p + "\" is not valid for resource \"arn:" + p + ":" + a1 + ":" + a2 + ":" + a3 + ":" +
           a4 + "\".";
  }
  if (!found) return std::string("Resource vendor must be fully qualified and cannot contain regexes.");
  auto [service, after_service] = partition(after_partition, found);
  std::string_view region_and_rest = after_service;
  auto [region, after_region] = partition(after_service, found);
  auto [account, resource_id] = partition(after_region, found);
  (void)account;
  if ((service == "s3" || service == "iam") && !region_and_rest.starts_with(":")) {
    // S3 access points are regional; their ARNs may name a region.
    if (!(service == "s3" && resource_id.starts_with("accesspoint/"))) {
      if (service == "s3") return "Resource " + std::string(resource) + " can not contain region information.";
      return "IAM resource " + std::string(resource) + " cannot contain region information.";
    }
  }
  (void)region;
  if (service == "iam") {
    bool ok = resource_id == "*" || resource_id == "root";
    for (std::string_view prefix : kIamPaths) ok = ok || resource_id.starts_with(prefix);
    if (!ok) {
      std::string message = "IAM resource path must either be \"*\", root, or start with ";
      for (size_t i = 0; i < std::size(kIamPaths); ++i) {
        if (i > 0) message += ", ";
        message += kIamPaths[i];
      }
      return message + ".";
    }
  }
  return std::nullopt;
}

bool legacy_resource_ok(std::string_view resource) {
  if (resource == "*") return true;
  size_t colons = 0;
  for (char c : resource) colons += c == ':';
  if (colons < 5 && resource.find("::") != std::string_view::npos) return false;
  std::vector<std::string_view> parts = split(resource, ':');
  return parts.size() > 2 && !parts[2].empty();
}

std::optional<std::string> action_error(std::string_view action) {
  std::vector<std::string_view> parts = split(action, ':');
  if (parts.size() == 1 && parts[0] != "*") {
    return std::string("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (parts.size() > 2) return std::string("Actions/Condition can contain only one colon.");
  if (parts[0] != "*") {
    for (char c : parts[0]) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) return "Vendor " + std::string(parts[0]) + " is not valid";
    }
  }
  return std::nullopt;
}

bool is_account_id(std::string_view value) {
  if (value.size() != 12) return false;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool valid_aws_principal(std::string_view value) {
  if (value == "*" || is_account_id(value)) return true;
  if (value.find('*') != std::string_view::npos || value.find('?') != std::string_view::npos) return false;
  std::vector<std::string_view> parts = split(value, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[1] != "aws") return false;
  if (parts[2] != "iam" && parts[2] != "sts") return false;
  return parts[3].empty() && is_account_id(parts[4]) && !parts[5].empty();
}

}  // namespace podbucket::policy::detail
