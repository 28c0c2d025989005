#include "http/message.h"

#include <algorithm>
#include <cstring>

#include "core/encoding.h"

namespace podbucket::http {

void Headers::add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : entries_)
    if (core::iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : entries_)
    if (core::iequals(k, name)) out.emplace_back(v);
  return out;
}

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const auto& e) { return core::iequals(e.first, name); });
}

size_t StringBodySource::read(char* buf, size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

std::optional<std::string> read_all(BodySource& body, size_t limit) {
  std::string out;
  char buf[16384];
  for (;;) {
    size_t n = body.read(buf, sizeof buf);
    if (n == 0) return out;
    if (out.size() + n > limit) return std::nullopt;
    out.append(buf, n);
  }
}

}  // namespace podbucket::http
