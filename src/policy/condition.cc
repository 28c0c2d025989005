// Condition operators: parsing their names, compiling their values, and evaluating them with AWS's rules for
// missing keys and multivalued keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#include <array>

#include "core/encoding.h"
#include "policy/document.h"

namespace podbucket::policy::detail {

namespace {

struct OperatorInfo {
  std::string_view name;
  OpFamily family;
  Compare compare;
  bool negated;
};

constexpr OperatorInfo kOperators[] = {
    {"StringEquals", OpFamily::kString, Compare::kEq, false},
    {"StringNotEquals", OpFamily::kString, Compare::kEq, true},
    {"StringEqualsIgnoreCase", OpFamily::kStringIgnoreCase, Compare::kEq, false},
    {"StringNotEqualsIgnoreCase", OpFamily::kStringIgnoreCase, Compare::kEq, true},
    {"StringLike", OpFamily::kStringLike, Compare::kEq, false},
    {"StringNotLike", OpFamily::kStringLike, Compare::kEq, true},
    {"NumericEquals", OpFamily::kNumeric, Compare::kEq, false},
    {"NumericNotEquals", OpFamily::kNumeric, Compare::kEq, true},
    {"NumericLessThan", OpFamily::kNumeric, Compare::kLt, false},
    {"NumericLessThanEquals", OpFamily::kNumeric, Compare::kLe, false},
    {"NumericGreaterThan", OpFamily::kNumeric, Compare::kGt, false},
    {"NumericGreaterThanEquals", OpFamily::kNumeric, Compare::kGe, false},
    {"DateEquals", OpFamily::kDate, Compare::kEq, false},
    {"DateNotEquals", OpFamily::kDate, Compare::kEq, true},
    {"DateLessThan", OpFamily::kDate, Compare::kLt, false},
    {"DateLessThanEquals", OpFamily::kDate, Compare::kLe, false},
    {"DateGreaterThan", OpFamily::kDate, Compare::kGt, false},
    {"DateGreaterThanEquals", OpFamily::kDate, Compare::kGe, false},
    {"Bool", OpFamily::kBool, Compare::kEq, false},
    {"BinaryEquals", OpFamily::kBinary, Compare::kEq, false},
    {"IpAddress", OpFamily::kIp, Compare::kEq, false},
    {"NotIpAddress", OpFamily::kIp, Compare::kEq, true},
    {"ArnEquals", OpFamily::kArn, Compare::kEq, false},
    {"ArnLike", OpFamily::kArn, Compare::kEq, false},
    {"ArnNotEquals", OpFamily::kArn, Compare::kEq, true},
    {"ArnNotLike", OpFamily::kArn, Compare::kEq, true},
    {"Null", OpFamily::kNull, Compare::kEq, false},
};

template <typename T>
bool compare(T request, T policy, Compare how) {
  switch (how) {
    case Compare::kEq: return request == policy;
    case Compare::kLt: return request < policy;
    case Compare::kLe: return request <= policy;
    case Compare::kGt: return request > policy;
    case Compare::kGe: return request >= policy;
  }
  return false;
}

bool arn_matches(std::string_view pattern, std::string_view value) {
  std::array<std::string_view, 6> p, v;
  if (!split_arn(value, v)) return false;
  if (!split_arn(pattern, p)) {
    // A lone "*" covers any ARN; any other pattern needs all six components.
    return pattern.size() == 1 && pattern[0] == kStar;
  }
  for (size_t i = 0; i < 6; ++i) {
    if (!glob_match(p[i], v[i], false)) return false;
  }
  return true;
}

// The positive comparison of one request value against one policy value.
bool value_matches(const Condition& c, const ConditionValue& pv, std::string_view v, const Context& context) {
  if (!pv.valid) return false;
  switch (c.family) {
    case OpFamily::kString:
    case OpFamily::kStringIgnoreCase:
    case OpFamily::kStringLike:
    case OpFamily::kArn:
    case OpFamily::kBool: {
      auto text = pv.text.resolve(context, scratch_buffer(1));
      if (!text) return false;
      if (c.family == OpFamily::kString) return *text == v;
      if (c.family == OpFamily::kStringLike) return glob_match(*text, v, false);
      if (c.family == OpFamily::kArn) return arn_matches(*text, v);
      return text_equals(*text, v, true);
    }
    case OpFamily::kNumeric: {
      auto n = parse_number(v);
      return n && compare(*n, pv.number, c.compare);
    }
    case OpFamily::kDate: {
      auto d = parse_date_ms(v);
      return d && compare(*d, pv.date_ms, c.compare);
    }
    case OpFamily::kBinary:
      // Context values may carry the raw bytes or their base64 text.
      return v == pv.binary || v == pv.text.fixed;
    case OpFamily::kIp:
      return ip_in_block(v, pv.ip);
    case OpFamily::kNull:
      return false;
  }
  return false;
}

bool any_value_matches(const Condition& c, std::string_view v, const Context& context) {
  for (const ConditionValue& pv : c.values) {
    if (value_matches(c, pv, v, context)) return true;
  }
  return false;
}

// The base operator applied to one request value: for a negated operator, "matches none of the policy values".
bool base_holds(const Condition& c, std::string_view v, const Context& context) {
  bool any = any_value_matches(c, v, context);
  return c.negated ? !any : any;
}

}  // namespace

bool parse_operator(std::string_view name, Condition& out) {
  out.op = std::string(name);
  out.set = SetMode::kSingle;
  if (name.starts_with("ForAnyValue:")) {
    out.set = SetMode::kForAnyValue;
    name.remove_prefix(12);
  } else if (name.starts_with("ForAllValues:")) {
    out.set = SetMode::kForAllValues;
    name.remove_prefix(13);
  }
  out.if_exists = false;
  if (name.ends_with("IfExists")) {
    out.if_exists = true;
    name.remove_suffix(8);
  }
  for (const OperatorInfo& info : kOperators) {
    if (info.name == name) {
      out.family = info.family;
      out.compare = info.compare;
      out.negated = info.negated;
      return true;
    }
  }
  return false;
}

ConditionValue compile_condition_value(const Condition& c, std::string_view raw, bool variables) {
  ConditionValue v;
  switch (c.family) {
    case OpFamily::kString:
      v.text = compile_text(raw, TextMode::kPlain, variables, false);
      break;
    case OpFamily::kStringIgnoreCase:
      v.text = compile_text(raw, TextMode::kPlain, variables, true);
      break;
    case OpFamily::kStringLike:
    case OpFamily::kArn:
      v.text = compile_text(raw, TextMode::kGlob, variables, false);
      break;
    case OpFamily::kBool:
    case OpFamily::kNull:
      v.text = compile_text(raw, TextMode::kPlain, false, true);
      break;
    case OpFamily::kNumeric: {
      auto n = parse_number(raw);
      v.valid = n.has_value();
      v.number = n.value_or(0);
      break;
    }
    case OpFamily::kDate: {
      auto d = parse_date_ms(raw);
      v.valid = d.has_value();
      v.date_ms = d.value_or(0);
      break;
    }
    case OpFamily::kBinary: {
      v.text = compile_text(raw, TextMode::kPlain, false, false);
      auto bytes = core::base64_decode(raw);
      v.valid = bytes.has_value();
      if (bytes) v.binary = std::move(*bytes);
      break;
    }
    case OpFamily::kIp: {
      auto block = parse_cidr(raw);
      v.valid = block.has_value();
      if (block) v.ip = *block;
      break;
    }
  }
  return v;
}

bool condition_holds(const Condition& c, const Context& context) {
  const std::vector<std::string>* values = context.find(c.key);
  if (c.family == OpFamily::kNull) {
    // "true": the key must be absent (or an empty set); "false": it must be present. Values are OR-ed.
    bool present = values && !values->empty();
    for (const ConditionValue& pv : c.values) {
      if (pv.text.fixed == "true" && !present) return true;
      if (pv.text.fixed == "false" && present) return true;
    }
    return false;
  }
  if (values == nullptr) {
    // Missing key: ForAllValues is vacuously true; IfExists skips the test; ForAnyValue and positive
    // operators are false; negated operators are true.
    if (c.set == SetMode::kForAllValues) return true;
    if (c.if_exists) return true;
    if (c.set == SetMode::kForAnyValue) return false;
    return c.negated;
  }
  switch (c.set) {
    case SetMode::kSingle: {
      if (values->empty()) return c.if_exists || c.negated;
      bool any = false;
      for (const std::string& v : *values) {
        if (any_value_matches(c, v, context)) {
          any = true;
          break;
        }
      }
      return c.negated ? !any : any;
    }
    case SetMode::kForAnyValue:
      for (const std::string& v : *values) {
        if (base_holds(c, v, context)) return true;
      }
      return false;
    case SetMode::kForAllValues:
      for (const std::string& v : *values) {
        if (!base_holds(c, v, context)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace podbucket::policy::detail
