#include "s3/multipart/assemble.h"

#include <pugixml.hpp>

#include <map>
#include <optional>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/common.h"

namespace podbucket::s3::multipart {
namespace {

core::AwsError malformed() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

/// Element name without a namespace prefix.
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

core::AwsError invalid_part(const store::UploadRecord& upload, const ListedPart& part) {
  return core::AwsError(kInvalidPart,
                        "One or more of the specified parts could not be found.  The part may not have been uploaded, "
                        "or the specified entity tag may not match the part's entity tag.")
      .with_field("UploadId", upload.upload_id)
      .with_field("PartNumber", std::to_string(part.part_number))
      .with_field("ETag", std::string(unquote_etag(part.etag)));
}

/// The object's checksum from the parts' raw checksums, or nullopt when a part lacks one.
std::optional<std::string> combine_checksums(crypto::ChecksumAlgorithm alg, bool full_object,
                                             const std::vector<const store::PartRecord*>& parts) {
  std::string concat;      // composite: the raw part checksums, concatenated
  std::string running;     // full object: CRC of everything so far
  for (const auto* p : parts) {
    if (p->checksum_value.empty()) return std::nullopt;
    auto raw = core::base64_decode(p->checksum_value);
    if (!raw || raw->size() != crypto::checksum_size(alg)) return std::nullopt;
    if (!full_object) {
      concat += *raw;
    } else if (running.empty()) {
      running = *raw;
    } else {
      running = crypto::combine_crc(alg, running, *raw, p->size);
      if (running.empty()) return std::nullopt;
    }
  }
  if (full_object) return core::base64_encode(running);
  auto hasher = crypto::make_checksum(alg);
  hasher->update(concat);
  return core::base64_encode(hasher->finish()) + "-" + std::to_string(parts.size());
}

}  // namespace

core::Result<std::vector<ListedPart>> parse_complete_request(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) return malformed();
  pugi::xml_node root = doc.document_element();
  if (!root || local_name(root) != "CompleteMultipartUpload") return malformed();
  std::vector<ListedPart> out;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element || local_name(node) != "Part") continue;
    ListedPart part;
    bool have_number = false, have_etag = false;
    for (pugi::xml_node field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string_view name = local_name(field);
      std::string_view text = core::trim(field.text().get());
      if (name == "PartNumber") {
        long long n = 0;
        if (!parse_int(text, 0, 1000000, n)) return malformed();
        part.part_number = int(n);
        have_number = true;
      } else if (name == "ETag") {
        part.etag = std::string(text);
        have_etag = true;
      } else if (name.starts_with("Checksum") && name.size() > 8) {
        part.checksums.emplace_back(std::string(name.substr(8)), std::string(text));
      }
    }
    if (!have_number || !have_etag) return malformed();
    out.push_back(std::move(part));
  }
  if (out.empty()) return malformed();
  return out;
}

core::Result<Assembly> assemble(const std::vector<ListedPart>& listed, const std::vector<store::PartRecord>& stored,
                                const store::UploadRecord& upload, uint64_t min_part_size) {
  for (size_t i = 1; i < listed.size(); ++i) {
    if (listed[i].part_number <= listed[i - 1].part_number) {
      return core::AwsError(kInvalidPartOrder,
                            "The list of parts was not in ascending order. Parts must be ordered by part number.")
          .with_field("UploadId", upload.upload_id);
    }
  }
  std::map<int, const store::PartRecord*> by_number;
  for (const auto& p : stored) by_number[p.part_number] = &p;

  auto algorithm = upload_algorithm(upload);
  std::string checksum_name = algorithm ? std::string(crypto::checksum_name(*algorithm)) : std::string();
  std::vector<const store::PartRecord*> chosen;
  for (const auto& part : listed) {
    auto it = by_number.find(part.part_number);
    if (it == by_number.end() || unquote_etag(it->second->etag) != unquote_etag(part.etag)) {
      return invalid_part(upload, part);
    }
    for (const auto& [alg, value] : part.checksums) {
      // A checksum in the upload's algorithm must match the part's; others have nothing to compare with.
      if (algorithm && core::iequals(alg, checksum_name) && !it->second->checksum_value.empty() &&
          value != it->second->checksum_value) {
        return invalid_part(upload, part);
      }
    }
    chosen.push_back(it->second);
  }
  for (size_t i = 0; i + 1 < chosen.size(); ++i) {
    if (chosen[i]->size < min_part_size) {
      return core::AwsError(kEntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
          .with_field("ProposedSize", std::to_string(chosen[i]->size))
          .with_field("MinSizeAllowed", std::to_string(min_part_size))
          .with_field("PartNumber", std::to_string(chosen[i]->part_number))
          .with_field("ETag", std::string(unquote_etag(chosen[i]->etag)));
    }
  }

  Assembly out;
  std::string raw_md5s;
  for (const auto* p : chosen) {
    out.segments.push_back({p->blob_id, p->size});
    out.parts.push_back({p->part_number, p->size, p->etag, p->checksum_value});
    out.size += p->size;
    auto raw = core::hex_decode(unquote_etag(p->etag));
    raw_md5s += raw ? *raw : std::string(16, '\0');
  }
  out.etag = "\"" + core::hex_encode(crypto::md5(raw_md5s)) + "-" + std::to_string(chosen.size()) + "\"";
  if (algorithm) {
    bool full_object = upload.checksum_type == "FULL_OBJECT" && crypto::is_crc(*algorithm);
    if (auto value = combine_checksums(*algorithm, full_object, chosen)) {
      out.checksum_algorithm = checksum_name;
      out.checksum_value = std::move(*value);
      out.checksum_type = full_object ? "FULL_OBJECT" : "COMPOSITE";
    }
  }
  return out;
}

}  // namespace podbucket::s3::multipart
