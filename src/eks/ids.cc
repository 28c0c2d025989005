#include "eks/ids.h"

#include <algorithm>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::eks {

namespace {

bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool lower_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }

bool rfc1123(std::string_view name, size_t max, bool allow_dot) {
  if (name.empty() || name.size() > max) return false;
  if (!lower_alnum(name.front()) || !lower_alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_alnum(c) || c == '-' || (allow_dot && c == '.'); });
}

std::string uuid_from(std::string bytes, char version) {
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | (version << 4));
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  std::string hex = core::hex_encode(bytes.substr(0, 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace

bool valid_cluster_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || !alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return alnum(c) || c == '-' || c == '_'; });
}

bool valid_namespace(std::string_view name) { return rfc1123(name, 63, false); }
bool valid_k8s_name(std::string_view name) { return rfc1123(name, 253, true); }

std::string new_uuid(core::Random& random) { return uuid_from(random.bytes(16), 4); }
std::string stable_uuid(std::string_view seed) { return uuid_from(crypto::sha256(seed), 5); }

std::string new_association_id(core::Random& random) {
  return "a-" + random.token(17, "abcdefghijklmnopqrstuvwxyz0123456789");
}

std::string cluster_arn(std::string_view region, std::string_view account, std::string_view cluster) {
  return "arn:aws:eks:" + std::string(region) + ":" + std::string(account) + ":cluster/" + std::string(cluster);
}

std::string association_arn(std::string_view region, std::string_view account, std::string_view cluster,
                            std::string_view id) {
  return "arn:aws:eks:" + std::string(region) + ":" + std::string(account) + ":podidentityassociation/" +
         std::string(cluster) + "/" + std::string(id);
}

std::string addon_arn(std::string_view region, std::string_view account, std::string_view cluster,
                      std::string_view addon, std::string_view uuid) {
  return "arn:aws:eks:" + std::string(region) + ":" + std::string(account) + ":addon/" + std::string(cluster) + "/" +
         std::string(addon) + "/" + std::string(uuid);
}

bool is_role_arn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (!arn.starts_with(kPrefix)) return false;
  arn.remove_prefix(kPrefix.size());
  if (arn.size() < 12 + 6 || !std::all_of(arn.begin(), arn.begin() + 12, [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  arn.remove_prefix(12);
  return arn.starts_with(":role/") && arn.size() > 6 && arn.back() != '/';
}

}  // namespace podbucket::eks
