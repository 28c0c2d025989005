#pragma once
// Result<T>: either a T or an AwsError. Member names follow std::expected so that on C++23 this becomes an alias.
#include <cassert>
#include <utility>
#include <variant>

#include "core/error.h"

namespace podbucket::core {

/// Holds a value of type T or an AwsError. Construct from either; `if (!r) return r.error();` propagates.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(AwsError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  const AwsError& error() const { assert(!has_value()); return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, AwsError> v_;
};

/// Result<void>: success or an AwsError. Default-constructed means success.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(AwsError error) : error_(std::move(error)), ok_(false) {}
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const AwsError& error() const { assert(!ok_); return error_; }

 private:
  AwsError error_{ErrorCode{"", 0}, ""};
  bool ok_ = true;
};

}  // namespace podbucket::core
