#pragma once
// Wildcard matching and policy text with ${...} variables, the building blocks of Action, Resource and condition
// matching. Internal to policy/.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "policy/policy.h"

namespace podbucket::policy::detail {

// Compiled glob patterns mark their wildcards with bytes that policy text never carries, so that a literal '*'
// (from ${*}) and a wildcard '*' stay apart. Text holding these bytes compiles to a pattern that matches nothing.
inline constexpr char kStar = '\x01';  // any run of characters, including none
inline constexpr char kOne = '\x02';   // exactly one character

/// ASCII lower-case of one character.
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

/// Full glob match with backtracking: `pattern` is compiled (kStar / kOne), `text` is plain. With `fold`, the
/// pattern is already lower-case and `text` is compared lower-cased. Linear in practice, O(n*m) worst case.
bool glob_match(std::string_view pattern, std::string_view text, bool fold);

/// Exact comparison, optionally case-insensitive (ASCII).
bool text_equals(std::string_view a, std::string_view b, bool fold);

/// The six colon-separated components of an ARN ("arn", partition, service, region, account, resource; the
/// resource keeps any further colons). Returns false if `arn` has fewer than six.
bool split_arn(std::string_view arn, std::array<std::string_view, 6>& out);

/// A reference to a context key inside policy text: ${aws:username} or ${aws:PrincipalTag/team, 'none'}.
struct Variable {
  std::string key;                      // as written; looked up case-insensitively
  std::optional<std::string> fallback;  // the default after the comma, if any
};

/// How literal text is compiled.
enum class TextMode {
  kPlain,  // exact strings: '*' and '?' are ordinary characters
  kGlob,   // patterns: '*' and '?' become kStar / kOne; ${*} ${?} stay literal characters
};

/// Policy text, compiled once: either fixed text or a sequence of literal parts and variables.
struct Text {
  std::string fixed;  // the compiled text when there are no variables
  std::vector<std::variant<std::string, Variable>> parts;  // non-empty only when there are variables
  bool never = false;  // the text can match nothing (it held reserved bytes)

  bool has_variables() const { return !parts.empty(); }
  /// The text for `context`. Returns a view of `fixed`, or of `scratch` after substituting variables; nullopt
  /// when a variable has no single value and no default (the element then matches nothing), or when
  /// `never` is set.
  std::optional<std::string_view> resolve(const Context& context, std::string& scratch) const;
};

/// Compiles `raw` policy text. `variables` is true for Version 2012-10-17 documents only; otherwise ${...} is
/// literal. With `fold`, literal parts are lower-cased (actions, IgnoreCase operators).
Text compile_text(std::string_view raw, TextMode mode, bool variables, bool fold);

/// A per-thread scratch buffer for variable substitution, so evaluation does not allocate once warmed up.
std::string& scratch_buffer(int slot);

}  // namespace podbucket::policy::detail
