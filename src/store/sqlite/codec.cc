#include "store/sqlite/codec.h"

#include <nlohmann/json.hpp>

#include "store/metadata.h"

namespace podbucket::store::sqlite {
namespace {

using nlohmann::json;

[[noreturn]] void corrupt() { throw Unavailable("sqlite: corrupt encoded column"); }

json parse(std::string_view text, json::value_t expected) {
  json value = json::from_msgpack(text.begin(), text.end(), /*strict=*/true, /*allow_exceptions=*/false);
  if (value.type() != expected) corrupt();
  return value;
}

std::string dump(const json& value) {
  std::string out;
  json::to_msgpack(value, nlohmann::detail::output_adapter<char>(out));
  return out;
}

template <typename T>
T get(const json& array, size_t index) {
  try {
    return array.at(index).get<T>();
  } catch (const json::exception&) {
    corrupt();
  }
}

}  // namespace

std::string encode_headers(const Headers& headers) {
  if (headers.empty()) return {};
  json out = json::array();
  for (const auto& [name, value] : headers) out.push_back(json::array({name, value}));
  return dump(out);
}

Headers decode_headers(std::string_view text) {
  Headers out;
  if (text.empty()) return out;
  for (const auto& item : parse(text, json::value_t::array)) {
    out.emplace_back(get<std::string>(item, 0), get<std::string>(item, 1));
  }
  return out;
}

std::string encode_segments(const std::vector<Segment>& segments) {
  if (segments.empty()) return {};
  json out = json::array();
  for (const auto& segment : segments) out.push_back(json::array({segment.blob_id, segment.size}));
  return dump(out);
}

std::vector<Segment> decode_segments(std::string_view text) {
  std::vector<Segment> out;
  if (text.empty()) return out;
  for (const auto& item : parse(text, json::value_t::array)) {
    out.push_back(Segment{get<std::string>(item, 0), get<uint64_t>(item, 1)});
  }
  return out;
}

std::string encode_parts(const std::vector<PartSummary>& parts) {
  if (parts.empty()) return {};
  json out = json::array();
  for (const auto& part : parts) out.push_back(json::array({part.part_number, part.size, part.etag, part.checksum}));
  return dump(out);
}

std::vector<PartSummary> decode_parts(std::string_view text) {
  std::vector<PartSummary> out;
  if (text.empty()) return out;
  for (const auto& item : parse(text, json::value_t::array)) {
    out.push_back(PartSummary{get<int>(item, 0), get<uint64_t>(item, 1), get<std::string>(item, 2),
                              get<std::string>(item, 3)});
  }
  return out;
}

std::string encode_tags(const Tags& tags) {
  if (tags.empty()) return {};
  return dump(json(tags));
}

Tags decode_tags(std::string_view text) {
  Tags out;
  if (text.empty()) return out;
  const json object = parse(text, json::value_t::object);
  for (const auto& [name, value] : object.items()) {
    if (!value.is_string()) corrupt();
    out.emplace(name, value.get<std::string>());
  }
  return out;
}

}  // namespace podbucket::store::sqlite
