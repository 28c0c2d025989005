#pragma once
// Value syntaxes of settings: how the text of a flag, an environment variable or a YAML scalar becomes a typed
// value, what the docs call the type, and what an error says was expected. Pure functions; no I/O.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::config {

/// One value syntax producing a V. `parse` returns nullopt for text it rejects; the error then reads
/// "expected <expectation>, got '<text>'". `format` renders a value back in the same syntax (for defaults in docs).
template <class V>
struct Kind {
  std::string type;         // the docs' Type column: "HOST:PORT", "integer", "bytes", ...
  std::string expectation;  // "HOST:PORT", "an integer from 0 to 1000", ...
  std::function<std::optional<V>(std::string_view)> parse;
  std::function<std::string(const V&)> format;
  bool is_list = false;  // V is a list: YAML sequences are accepted, and text is split at commas
};

/// Splits "HOST:PORT" (IPv6 as "[::1]:PORT"). nullopt for an empty host, a bare IPv6 address, or a port that is
/// missing, not decimal or above 65535. Port 0 is allowed (it asks for a free port).
std::optional<std::pair<std::string, uint16_t>> parse_host_port(std::string_view text);

/// Any text, the empty string included. `type` names it in the docs ("string", "path", "URL").
Kind<std::string> text(std::string type = "string");
/// Text that is not empty.
Kind<std::string> non_empty_text(std::string type = "string");
/// Text accepted by `valid`; `expectation` completes "expected ...".
Kind<std::string> checked_text(std::string type, std::string expectation, std::function<bool(std::string_view)> valid);
/// HOST:PORT (see parse_host_port).
Kind<std::string> host_port();
/// HOST:PORT, or the word `off`.
Kind<std::string> host_port_or_off();
/// One of `words`, exactly as spelled.
Kind<std::string> one_of(std::initializer_list<std::string_view> words);
/// `true` or `false` (any case); also `1` and `0`.
Kind<bool> boolean();
/// A decimal integer in [min, max].
Kind<int64_t> integer(int64_t min, int64_t max);
/// A finite decimal number in [min, max] (fractions allowed; no exponent).
Kind<double> number(double min, double max);
/// A finite decimal number of seconds in [min, max] (fractions allowed).
Kind<double> seconds(double min, double max);
/// A number of bytes in [min, max]: plain digits, or digits with a binary suffix KiB, MiB, GiB or TiB ("100MiB").
Kind<uint64_t> bytes(uint64_t min, uint64_t max);
/// A list of items of `item` (text form: comma-separated; an empty text is the empty list).
Kind<std::vector<std::string>> list_of(Kind<std::string> item);
/// The text form of a list: `items` joined with commas ("a,b"; "" for none).
std::string join_list(const std::vector<std::string>& items);

}  // namespace podbucket::config
