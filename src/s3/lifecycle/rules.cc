#include "s3/lifecycle/rules.h"

#include <algorithm>
#include <set>

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::lifecycle {
namespace {

using bucket::child;
using bucket::child_text;
using bucket::children;
using bucket::local_name;
using bucket::malformed_xml;

constexpr uint64_t kMaxObjectSize = 1099511627776000ull;  // the bound S3 states for the size filters
constexpr int64_t kDayMs = 86'400'000;

core::AwsError invalid_argument(std::string message) { return core::AwsError(kInvalidArgument, std::move(message)); }
core::AwsError invalid_request(std::string message) { return core::AwsError(kInvalidRequest, std::move(message)); }

// An xs:int element's value. Errors: MalformedXML when it is not an integer.
core::Result<int64_t> int_of(const pugi::xml_node& node) {
  long long v = 0;
  if (!parse_int(core::trim(node.text().as_string()), INT32_MIN, INT32_MAX, v)) return malformed_xml();
  return static_cast<int64_t>(v);
}

// A positive count ("'Days' for Expiration action must be a positive integer").
core::Result<int64_t> positive(const pugi::xml_node& node, std::string_view field, std::string_view action) {
  auto v = int_of(node);
  if (!v) return v.error();
  if (*v <= 0) {
    if (action.empty()) return invalid_argument("'" + std::string(field) + "' must be a positive integer");
    return invalid_argument("'" + std::string(field) + "' for " + std::string(action) +
                            " action must be a positive integer");
  }
  return *v;
}

core::Result<uint64_t> size_of(const pugi::xml_node& node, std::string_view field, uint64_t min) {
  long long v = 0;
  if (!parse_int(core::trim(node.text().as_string()), LLONG_MIN, LLONG_MAX, v)) return malformed_xml();
  if (v < static_cast<long long>(min) || static_cast<uint64_t>(v) > kMaxObjectSize) {
    return invalid_request("'" + std::string(field) + "' should be between " + std::to_string(min) + " and " +
                           std::to_string(kMaxObjectSize) + ".");
  }
  return static_cast<uint64_t>(v);
}

core::Result<std::pair<std::string, std::string>> tag_of(const pugi::xml_node& node) {
  auto key = child(node, "Key");
  auto value = child(node, "Value");
  if (!key || !value || std::string_view(key.text().as_string()).empty()) return malformed_xml();
  return std::make_pair(std::string(key.text().as_string()), std::string(value.text().as_string()));
}

// The size conditions of a Filter or an And element.
core::Result<void> read_sizes(const pugi::xml_node& node, Filter& f) {
  if (auto gt = child(node, "ObjectSizeGreaterThan")) {
    auto v = size_of(gt, "ObjectSizeGreaterThan", 0);
    if (!v) return v.error();
    f.size_greater_than = *v;
  }
  if (auto lt = child(node, "ObjectSizeLessThan")) {
    auto v = size_of(lt, "ObjectSizeLessThan", 1);
    if (!v) return v.error();
    f.size_less_than = *v;
  }
  if (f.size_greater_than && f.size_less_than && *f.size_less_than <= *f.size_greater_than) {
    return invalid_request("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
  return {};
}

core::Result<Filter> parse_filter(const pugi::xml_node& node) {
  Filter f;
  size_t conditions = 0;
  for (auto c : node.children()) conditions += c.type() == pugi::node_element;
  if (conditions == 0) return f;  // <Filter/>: every object
  if (conditions > 1) return malformed_xml();
  if (auto prefix = child(node, "Prefix")) {
    f.form = Filter::Form::kPrefix;
    f.has_prefix = true;
    f.prefix = prefix.text().as_string();
  } else if (auto tag = child(node, "Tag")) {
    f.form = Filter::Form::kTag;
    auto t = tag_of(tag);
    if (!t) return t.error();
    f.tags.push_back(*std::move(t));
  } else if (child(node, "ObjectSizeGreaterThan") || child(node, "ObjectSizeLessThan")) {
    f.form = child(node, "ObjectSizeGreaterThan") ? Filter::Form::kSizeGreaterThan : Filter::Form::kSizeLessThan;
    if (auto ok = read_sizes(node, f); !ok) return ok.error();
  } else if (auto a = child(node, "And")) {
    f.form = Filter::Form::kAnd;
    if (auto prefix = child(a, "Prefix")) {
      f.has_prefix = true;
      f.prefix = prefix.text().as_string();
    }
    std::set<std::string> keys;
    for (auto tag : children(a, "Tag")) {
      auto t = tag_of(tag);
      if (!t) return t.error();
      if (!keys.insert(t->first).second) return invalid_request("Duplicate Tag Keys are not allowed.");
      f.tags.push_back(*std::move(t));
    }
    if (auto ok = read_sizes(a, f); !ok) return ok.error();
  } else {
    return malformed_xml();
  }
  return f;
}

core::Result<int64_t> parse_date(const pugi::xml_node& node) {
  std::string text(core::trim(node.text().as_string()));
  if (text.size() == 10) text += "T00:00:00Z";
  auto t = core::parse_iso8601(text);
  if (!t) return malformed_xml();
  int64_t ms = core::to_unix_millis(*t);
  if (ms % kDayMs != 0) return invalid_argument("'Date' must be at midnight GMT");
  return ms;
}

core::Result<Expiration> parse_expiration(const pugi::xml_node& node) {
  Expiration e;
  if (auto days = child(node, "Days")) {
    auto v = positive(days, "Days", "Expiration");
    if (!v) return v.error();
    e.days = *v;
  }
  if (auto date = child(node, "Date")) {
    auto v = parse_date(date);
    if (!v) return v.error();
    e.date_ms = *v;
  }
  if (auto marker = child(node, "ExpiredObjectDeleteMarker")) {
    std::string v(core::trim(marker.text().as_string()));
    if (v != "true" && v != "false") return malformed_xml();
    e.expired_object_delete_marker = v == "true";
  }
  // Exactly one of the three; ExpiredObjectDeleteMarker=false beside Days or Date says nothing and is dropped.
  if (e.expired_object_delete_marker == false && (e.days || e.date_ms)) e.expired_object_delete_marker.reset();
  int given = e.days.has_value() + e.date_ms.has_value() + e.expired_object_delete_marker.has_value();
  if (given != 1) return malformed_xml();
  return e;
}

struct ParsedRule {
  Rule rule;
  bool has_id = false;
  bool v1_prefix = false;  // rule-level <Prefix>
  bool has_filter = false;
  bool has_newer_versions = false;
  bool has_transition = false;
};

core::Result<ParsedRule> parse_rule(const pugi::xml_node& node) {
  ParsedRule p;
  Rule& r = p.rule;
  if (auto id = child(node, "ID")) {
    p.has_id = true;
    r.id = id.text().as_string();
  }
  auto status = child(node, "Status");
  if (!status) return malformed_xml();
  std::string s = status.text().as_string();
  if (s != "Enabled" && s != "Disabled") return malformed_xml();
  r.enabled = s == "Enabled";
  auto filter = child(node, "Filter");
  auto prefix = child(node, "Prefix");
  p.has_filter = static_cast<bool>(filter);
  p.v1_prefix = static_cast<bool>(prefix);
  if (!filter && !prefix) return malformed_xml();
  if (filter) {
    auto f = parse_filter(filter);
    if (!f) return f.error();
    r.filter = *std::move(f);
  } else {
    r.filter.form = Filter::Form::kRulePrefix;
    r.filter.has_prefix = true;
    r.filter.prefix = prefix.text().as_string();
  }
  if (auto e = child(node, "Expiration")) {
    auto v = parse_expiration(e);
    if (!v) return v.error();
    r.expiration = *v;
  }
  if (auto n = child(node, "NoncurrentVersionExpiration")) {
    auto days = child(n, "NoncurrentDays");
    if (!days) return malformed_xml();
    auto d = positive(days, "NoncurrentDays", "NoncurrentVersionExpiration");
    if (!d) return d.error();
    NoncurrentExpiration ne{*d, std::nullopt};
    if (auto newer = child(n, "NewerNoncurrentVersions")) {
      auto v = positive(newer, "NewerNoncurrentVersions", "");
      if (!v) return v.error();
      ne.newer_noncurrent_versions = *v;
      p.has_newer_versions = true;
    }
    r.noncurrent_expiration = ne;
  }
  if (auto a = child(node, "AbortIncompleteMultipartUpload")) {
    auto days = child(a, "DaysAfterInitiation");
    if (!days) return malformed_xml();
    auto d = positive(days, "DaysAfterInitiation", "AbortIncompleteMultipartUpload");
    if (!d) return d.error();
    r.abort_after_days = *d;
  }
  p.has_transition = child(node, "Transition") || child(node, "NoncurrentVersionTransition");
  if (!r.expiration && !r.noncurrent_expiration && !r.abort_after_days && !p.has_transition) {
    return invalid_request("At least one action needs to be specified in a rule");
  }
  bool marker = r.expiration && r.expiration->expired_object_delete_marker.value_or(false);
  if (marker && r.filter.uses_tags()) return invalid_request("ExpiredObjectDeleteMarker cannot be specified with Tags.");
  if (marker && r.filter.uses_size()) {
    return invalid_request("ExpiredObjectDeleteMarker cannot be specified with Object Size.");
  }
  if (r.abort_after_days && r.filter.uses_tags()) {
    return invalid_request("AbortIncompleteMultipartUpload cannot be specified with Tags.");
  }
  if (r.abort_after_days && r.filter.uses_size()) {
    return invalid_request("AbortIncompleteMultipartUpload cannot be specified with Object Size.");
  }
  return p;
}

// V1 configurations may not give two rules with overlapping prefixes the same kind of action.
core::Result<void> check_overlaps(const std::vector<ParsedRule>& rules) {
  struct Kind {
    const char* name;
    bool (*takes)(const Rule&);
  };
  const Kind kinds[] = {
      {"Expiration", [](const Rule& r) { return r.expiration.has_value(); }},
      {"NoncurrentVersionExpiration", [](const Rule& r) { return r.noncurrent_expiration.has_value(); }},
      {"AbortIncompleteMultipartUpload", [](const Rule& r) { return r.abort_after_days.has_value(); }},
  };
  for (const auto& kind : kinds) {
    std::vector<std::string> prefixes;
    for (const auto& p : rules)
      if (kind.takes(p.rule)) prefixes.push_back(p.rule.filter.prefix);
    std::sort(prefixes.begin(), prefixes.end());
    for (size_t i = 1; i < prefixes.size(); ++i) {
      if (prefixes[i].compare(0, prefixes[i - 1].size(), prefixes[i - 1]) == 0) {
        return invalid_request("Found overlapping prefixes '" + prefixes[i - 1] + "' and '" + prefixes[i] +
                               "' for same action type '" + kind.name + "'");
      }
    }
  }
  return {};
}

// An ID in the form S3 assigns to rules without one: base64 of 36 random characters.
std::string random_rule_id(core::Random& random) {
  return core::base64_encode(random.token(36, "abcdefghijklmnopqrstuvwxyz0123456789"));
}

void write_tag(wire::XmlWriter& w, const std::pair<std::string, std::string>& tag) {
  w.open("Tag").element("Key", tag.first).element("Value", tag.second).close();
}

void write_filter(wire::XmlWriter& w, const Filter& f) {
  using Form = Filter::Form;
  if (f.form == Form::kRulePrefix) {
    w.element("Prefix", f.prefix);
    return;
  }
  w.open("Filter");
  switch (f.form) {
    case Form::kPrefix: w.element("Prefix", f.prefix); break;
    case Form::kTag: write_tag(w, f.tags.front()); break;
    case Form::kSizeGreaterThan: w.element("ObjectSizeGreaterThan", std::to_string(*f.size_greater_than)); break;
    case Form::kSizeLessThan: w.element("ObjectSizeLessThan", std::to_string(*f.size_less_than)); break;
    case Form::kAnd:
      w.open("And");
      if (f.has_prefix) w.element("Prefix", f.prefix);
      for (const auto& t : f.tags) write_tag(w, t);
      if (f.size_greater_than) w.element("ObjectSizeGreaterThan", std::to_string(*f.size_greater_than));
      if (f.size_less_than) w.element("ObjectSizeLessThan", std::to_string(*f.size_less_than));
      w.close();
      break;
    case Form::kEmpty:
    case Form::kRulePrefix: break;
  }
  w.close();
}

}  // namespace

bool Filter::matches(std::string_view key, const std::map<std::string, std::string>& object_tags,
                     uint64_t size) const {
  if (key.substr(0, prefix.size()) != prefix) return false;
  for (const auto& [k, v] : tags) {
    auto it = object_tags.find(k);
    if (it == object_tags.end() || it->second != v) return false;
  }
  if (size_greater_than && !(size > *size_greater_than)) return false;
  if (size_less_than && !(size < *size_less_than)) return false;
  return true;
}

core::Result<Configuration> parse_configuration(std::string_view xml, core::Random& random) {
  auto doc = bucket::parse_config(xml, "LifecycleConfiguration");
  if (!doc) return doc.error();
  auto root = (*doc)->document_element();
  for (auto c : root.children()) {
    if (c.type() == pugi::node_element && local_name(c) != "Rule") return malformed_xml();
  }
  auto nodes = children(root, "Rule");
  if (nodes.empty()) return invalid_request("At least one lifecycle rule must be specified.");
  if (nodes.size() > kMaxRules) {
    return invalid_request("The number of lifecycle rules must not exceed the allowed limit of 1000 rules.");
  }
  std::set<std::string> ids;
  for (const auto& node : nodes) {
    auto id = child(node, "ID");
    if (!id) continue;
    std::string text = id.text().as_string();
    if (text.size() > kMaxIdChars) return invalid_argument("ID length should not exceed allowed limit of 255");
    if (!text.empty() && !ids.insert(text).second) {
      return invalid_argument("Rule ID must be unique. Found same ID for more than one rule");
    }
  }
  std::vector<ParsedRule> parsed;
  for (const auto& node : nodes) {
    auto p = parse_rule(node);
    if (!p) return p.error();
    parsed.push_back(*std::move(p));
  }
  const bool v2 = parsed.front().has_filter;
  for (const auto& p : parsed) {
    if (v2 && p.v1_prefix) {
      return invalid_request("Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the "
                             "Filter.");
    }
    if (!v2 && p.has_filter) return invalid_request("Filter element can only be used in Lifecycle V2.");
    if (!v2 && p.has_newer_versions) {
      return invalid_request("NewerNoncurrentVersions element can only be used in Lifecycle V2.");
    }
  }
  if (!v2) {
    if (auto ok = check_overlaps(parsed); !ok) return ok.error();
  }
  for (const auto& p : parsed) {
    if (p.has_transition) {
      return core::AwsError(kNotImplemented,
                            "Transition actions are not supported: this server has a single storage class.");
    }
  }
  Configuration config;
  for (auto& p : parsed) {
    if (p.rule.id.empty()) p.rule.id = random_rule_id(random);
    config.rules.push_back(std::move(p.rule));
  }
  return config;
}

std::string render_configuration(const Configuration& config) {
  wire::XmlWriter w;
  w.open("LifecycleConfiguration", wire::kS3Namespace);
  for (const auto& r : config.rules) {
    w.open("Rule").element("ID", r.id);
    write_filter(w, r.filter);
    w.element("Status", r.enabled ? "Enabled" : "Disabled");
    if (r.expiration) {
      w.open("Expiration");
      if (r.expiration->date_ms) {
        w.element("Date", core::format_iso8601_ms(core::from_unix_millis(*r.expiration->date_ms)));
      }
      if (r.expiration->days) w.element("Days", std::to_string(*r.expiration->days));
      if (r.expiration->expired_object_delete_marker) {
        w.element("ExpiredObjectDeleteMarker", *r.expiration->expired_object_delete_marker ? "true" : "false");
      }
      w.close();
    }
    if (r.noncurrent_expiration) {
      w.open("NoncurrentVersionExpiration");
      w.element("NoncurrentDays", std::to_string(r.noncurrent_expiration->noncurrent_days));
      if (r.noncurrent_expiration->newer_noncurrent_versions) {
        w.element("NewerNoncurrentVersions", std::to_string(*r.noncurrent_expiration->newer_noncurrent_versions));
      }
      w.close();
    }
    if (r.abort_after_days) {
      w.open("AbortIncompleteMultipartUpload").element("DaysAfterInitiation", std::to_string(*r.abort_after_days));
      w.close();
    }
    w.close();
  }
  w.close();
  return w.str();
}

}  // namespace podbucket::s3::lifecycle
