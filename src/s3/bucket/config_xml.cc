#include "s3/bucket/config_xml.h"

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/errors.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {

core::AwsError malformed_xml() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

core::Result<std::string> read_config_body(http::Request& req) {
  auto declared = body::parse_checksum_request(req.headers);
  if (!declared) return declared.error();
  auto body = http::read_all(*req.body, kMaxConfigBytes);
  if (!body) return malformed_xml();
  if (auto md5_header = req.headers.get("content-md5")) {
    auto want = core::base64_decode(core::trim(*md5_header));
    if (!want || want->size() != 16) return core::AwsError(kInvalidDigest, "The Content-MD5 you specified was invalid.");
    if (crypto::md5(*body) != *want) {
      return core::AwsError(kBadDigest, "The Content-MD5 you specified did not match what we received.");
    }
  }
  if (!declared->algorithm.empty() && !declared->value.empty()) {
    if (auto algorithm = crypto::parse_checksum_algorithm(declared->algorithm)) {
      auto hasher = crypto::make_checksum(*algorithm);
      hasher->update(*body);
      if (core::base64_encode(hasher->finish()) != declared->value) {
        return core::AwsError(kBadDigest,
                              "The " + declared->algorithm + " you specified did not match the calculated checksum.");
      }
    }
  }
  return *std::move(body);
}

core::Result<std::unique_ptr<pugi::xml_document>> parse_config(std::string_view body, std::string_view root) {
  if (!core::is_valid_utf8(body)) return malformed_xml();
  auto doc = std::make_unique<pugi::xml_document>();
  if (!doc->load_buffer(body.data(), body.size())) return malformed_xml();
  if (local_name(doc->document_element()) != root) return malformed_xml();
  return doc;
}

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto c : parent.children()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (auto c : parent.children()) {
    if (c.type() == pugi::node_element && local_name(c) == name) out.push_back(c);
  }
  return out;
}

size_t count_children(const pugi::xml_node& parent, std::string_view name) { return children(parent, name).size(); }

std::string child_text(const pugi::xml_node& parent, std::string_view name) {
  return child(parent, name).text().as_string();
}

std::string empty_document(std::string_view root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out.append(root).append(" xmlns=\"").append(wire::kS3Namespace).append("\"/>");
  return out;
}

http::Response no_content() {
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace podbucket::s3::bucket
