#pragma once
// Pieces every bucket-configuration operation shares (tagging, CORS, ACL, ownership, website, logging,
// notification, accelerate, request payment, lifecycle): reading the request document with its integrity headers,
// walking it by local element name, and S3's MalformedXML answer. Private to s3/bucket and s3/lifecycle.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "core/result.h"
#include "http/message.h"

namespace podbucket::s3::bucket {

/// Largest configuration document read, in bytes (S3 documents no limit for most; 1 MiB holds the 1000 rules a
/// lifecycle or 100 rules a CORS configuration may have).
inline constexpr size_t kMaxConfigBytes = 1024 * 1024;

/// 400 MalformedXML with S3's message.
core::AwsError malformed_xml();

/// Reads the whole request body (at most kMaxConfigBytes) and checks Content-MD5 and an x-amz-checksum-* header
/// when the client sent them (S3 requires one of them for most Put*Configuration calls but podbucket does not
/// insist: Terraform sends only x-amz-checksum-crc32, old SDKs only Content-MD5).
/// Errors: MalformedXML (larger than the limit), InvalidDigest (Content-MD5 not base64 of 16 bytes), BadDigest
/// (mismatch), InvalidRequest (malformed checksum headers).
core::Result<std::string> read_config_body(http::Request& req);

/// A parsed document whose root element has the local name `root` (any namespace prefix, any xmlns).
/// Errors: MalformedXML (not well-formed, other root, text not UTF-8).
core::Result<std::unique_ptr<pugi::xml_document>> parse_config(std::string_view body, std::string_view root);

/// An element's name without its namespace prefix.
std::string_view local_name(const pugi::xml_node& node);
/// The first child element with this local name, or an empty node.
pugi::xml_node child(const pugi::xml_node& parent, std::string_view name);
/// Every child element with this local name, in document order.
std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view name);
/// The number of child elements with this local name.
size_t count_children(const pugi::xml_node& parent, std::string_view name);
/// The text of the first child with this local name ("" when absent).
std::string child_text(const pugi::xml_node& parent, std::string_view name);

/// `<?xml ...?>` and `<root xmlns="S3 namespace"/>`: the self-closed empty document S3 answers for an unset
/// logging, accelerate or notification configuration.
std::string empty_document(std::string_view root);

/// A bare 204 No Content.
http::Response no_content();

}  // namespace podbucket::s3::bucket
