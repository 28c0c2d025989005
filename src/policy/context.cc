// policy::Context: the request's condition keys, looked up case-insensitively.
#include "core/encoding.h"
#include "policy/policy.h"

namespace podbucket::policy {

void Context::set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  std::string lower = core::to_lower(key);
  for (Entry& e : entries_) {
    if (e.key_lower == lower) {
      e.values = std::move(values);
      e.multi = false;
      return;
    }
  }
  if (entries_.empty()) entries_.reserve(24);  // a request's global + service keys, without regrowth
  entries_.push_back(Entry{std::move(lower), std::move(values), false});
}

void Context::set_multi(std::string_view key, std::vector<std::string> values) {
  std::string lower = core::to_lower(key);
  for (Entry& e : entries_) {
    if (e.key_lower == lower) {
      e.values = std::move(values);
      e.multi = true;
      return;
    }
  }
  if (entries_.empty()) entries_.reserve(24);
  entries_.push_back(Entry{std::move(lower), std::move(values), true});
}

void Context::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (core::iequals(it->key_lower, key)) {
      entries_.erase(it);
      return;
    }
  }
}

const std::vector<std::string>* Context::find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (core::iequals(e.key_lower, key)) return &e.values;
  }
  return nullptr;
}

bool Context::is_multi(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (core::iequals(e.key_lower, key)) return e.multi;
  }
  return false;
}

}  // namespace podbucket::policy
