#include "s3/encryption/envelope.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "s3/errors.h"

namespace podbucket::s3::encryption {
namespace {

constexpr std::string_view kCustomerName = "SSE-C";

core::AwsError damaged() {
  return core::AwsError(core::kInternalError, "We encountered an internal error. Please try again.");
}

}  // namespace

std::string object_arn(std::string_view bucket, std::string_view key) {
  return "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
}

std::string bucket_arn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

std::string to_json(const Envelope& e) {
  if (e.mode == Mode::kNone) return {};
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["sse"] = e.mode == Mode::kCustomer ? std::string(kCustomerName) : std::string(sse_header_value(e.mode));
  if (e.mode == Mode::kKms) {
    j["kms_key"] = e.kms_key_arn;
    j["bucket_key"] = e.bucket_key;
  }
  j["ctx"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : e.context) j["ctx"][k] = v;
  if (e.echo_context) j["echo_ctx"] = true;
  if (!e.customer_check.empty()) j["check"] = core::base64_encode(e.customer_check);
  j["keys"] = nlohmann::ordered_json::array();
  for (const auto& k : e.keys) j["keys"].push_back(core::base64_encode(k));
  return j.dump();
}

core::Result<Envelope> from_json(std::string_view json) {
  Envelope e;
  if (json.empty()) return e;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("v", 0) != 1 || !j.contains("sse") || !j["sse"].is_string()) return damaged();
  std::string sse = j["sse"].get<std::string>();
  if (sse == "AES256") {
    e.mode = Mode::kS3;
  } else if (sse == "aws:kms") {
    e.mode = Mode::kKms;
  } else if (sse == kCustomerName) {
    e.mode = Mode::kCustomer;
  } else {
    return damaged();
  }
  try {
    if (e.mode == Mode::kKms) {
      e.kms_key_arn = j.at("kms_key").get<std::string>();
      e.bucket_key = j.value("bucket_key", false);
    }
    for (const auto& [k, v] : j.at("ctx").items()) e.context[k] = v.get<std::string>();
    e.echo_context = j.value("echo_ctx", false);
    if (j.contains("check")) {
      auto check = core::base64_decode(j["check"].get<std::string>());
      if (!check) return damaged();
      e.customer_check = std::move(*check);
    }
    for (const auto& k : j.at("keys")) {
      auto raw = core::base64_decode(k.get<std::string>());
      if (!raw) return damaged();
      e.keys.push_back(std::move(*raw));
    }
  } catch (const nlohmann::json::exception&) {
    return damaged();
  }
  if (e.mode == Mode::kCustomer && e.customer_check.empty()) return damaged();
  return e;
}

}  // namespace podbucket::s3::encryption
