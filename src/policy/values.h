#pragma once
// Typed condition values: numbers, dates, IP addresses and CIDR blocks, parsed without allocating so that
// request values can be parsed on the evaluation path. Internal to policy/.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace podbucket::policy::detail {

/// A decimal number ("10", "-1.5", "1e3"). nullopt if `text` is not one.
std::optional<double> parse_number(std::string_view text);

/// A date as IAM accepts it, in milliseconds since the Unix epoch: ISO 8601 ("2026-11-29",
/// "2026-11-29T12:00:00Z", "2026-11-29T12:00:00.123+09:00", "2026-11-29T12:00Z") or whole epoch seconds
/// ("1764374400"). nullopt if malformed or out of range.
std::optional<int64_t> parse_date_ms(std::string_view text);

/// IAM's write-time check of a Date* condition value (failing it is "The policy failed legacy parsing").
bool valid_policy_date(std::string_view text);

/// An IPv4 or IPv6 address or CIDR block. Addresses are stored as 16 bytes (IPv4 in the first 4).
struct IpBlock {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
  int prefix = 0;  // bits
};

/// Parses "192.0.2.0/24", "2001:db8::/32" or a bare address (a /32 or /128 block). nullopt if malformed.
std::optional<IpBlock> parse_cidr(std::string_view text);

/// True if the address `ip` (a bare address; IPv4-mapped IPv6 counts as IPv4) lies in `block`.
bool ip_in_block(std::string_view ip, const IpBlock& block);

}  // namespace podbucket::policy::detail
