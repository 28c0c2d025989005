#pragma once
// A small streaming XML writer for response bodies (rest-xml and query protocols). Parsing uses pugixml.
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::wire {

/// Builds an XML document with escaping. Usage:
///   XmlWriter w; w.open("ListAllMyBucketsResult", kS3Namespace); w.element("Name", n); w.close(); w.str();
class XmlWriter {
 public:
  /// Starts with the XML declaration `<?xml version="1.0" encoding="UTF-8"?>`.
  XmlWriter();
  /// Opens an element, optionally with an xmlns attribute.
  XmlWriter& open(std::string_view name, std::string_view xmlns = {});
  /// Closes the most recently opened element.
  XmlWriter& close();
  /// Writes <name>escaped text</name>.
  XmlWriter& element(std::string_view name, std::string_view text);
  /// Writes <name/>.
  XmlWriter& empty(std::string_view name);
  /// The document so far; call after the last close().
  const std::string& str() const { return out_; }

 private:
  std::string out_;
  std::vector<std::string> stack_;
};

/// Escapes &, <, >, ", ' and control characters for XML text.
std::string xml_escape(std::string_view text);

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

}  // namespace podbucket::wire
