#pragma once
// Static website configuration: Get/Put/DeleteBucketWebsite. podbucket stores and returns the configuration; it
// serves no website endpoint.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kWebsiteConfig = "website";

struct WebsiteRedirect {
  std::string host_name;
  std::string http_redirect_code;
  std::string protocol;
  std::string replace_key_prefix_with;
  std::string replace_key_with;
  bool has_replace_key_prefix_with = false;  // an empty ReplaceKeyPrefixWith is meaningful (strip the prefix)
};

struct WebsiteRoutingRule {
  bool has_condition = false;
  std::string http_error_code_returned_equals;
  std::string key_prefix_equals;
  WebsiteRedirect redirect;
};

struct WebsiteConfiguration {
  std::optional<std::string> redirect_all_host_name;
  std::string redirect_all_protocol;
  std::optional<std::string> index_suffix;
  std::optional<std::string> error_key;
  std::vector<WebsiteRoutingRule> routing_rules;
};

/// Parses a <WebsiteConfiguration> document (pure). Errors: MalformedXML (wrong shape), InvalidArgument (no
/// IndexDocument without RedirectAllRequestsTo, an empty or '/'-holding index Suffix, a protocol other than http
/// or https, a redirect code outside 3XX), InvalidRequest (RedirectAllRequestsTo with other elements, a Redirect
/// with both ReplaceKeyWith and ReplaceKeyPrefixWith, a Condition with neither member), with S3's messages.
core::Result<WebsiteConfiguration> parse_website_configuration(std::string_view xml);
/// The GetBucketWebsite document (pure).
std::string render_website_configuration(const WebsiteConfiguration& config);

/// GET ?website. Errors: NoSuchBucket, NoSuchWebsiteConfiguration (404).
core::Result<http::Response> get_bucket_website(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?website → 200. Errors: NoSuchBucket, parse_website_configuration's, InvalidDigest, BadDigest.
core::Result<http::Response> put_bucket_website(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?website → 204, also when there was none. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_website(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
