#pragma once
// The EKS REST-JSON wire shapes: reading request bodies and their members with the model's constraints, and
// writing Cluster, PodIdentityAssociation and Addon objects (botocore eks/2017-11-01 shapes). Timestamps are epoch
// seconds with a millisecond fraction, as the EKS API sends them (spec 3).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/error.h"
#include "core/result.h"
#include "eks/model.h"
#include "http/message.h"

namespace podbucket::eks {

/// The largest request body accepted, in bytes.
inline constexpr size_t kMaxBodySize = 1 << 20;

/// Reads the request body as a JSON object; an empty body is {}. `invalid` is the code for a body that is not a
/// JSON object or is larger than kMaxBodySize (EKS: InvalidRequestException; EKS Auth: InvalidRequestException).
core::Result<nlohmann::json> read_json_body(http::Request& req, const core::ErrorCode& invalid);

/// A string member: nullopt when absent or null; `invalid` "FIELD must be a string." when of another type.
core::Result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* field,
                                                         const core::ErrorCode& invalid);
/// A required, non-empty string member (`invalid` "FIELD is required." otherwise).
core::Result<std::string> required_string(const nlohmann::json& body, const char* field,
                                          const core::ErrorCode& invalid);
/// A boolean member: nullopt when absent or null.
core::Result<std::optional<bool>> optional_bool(const nlohmann::json& body, const char* field,
                                                const core::ErrorCode& invalid);
/// A tag map: 1..50 entries, keys 1..128 characters not starting with "aws:", values up to 256 characters
/// (InvalidParameterException). Absent or null = empty.
core::Result<TagMap> read_tags(const nlohmann::json& body, const char* field);
/// maxResults from the query: absent = `fallback`; else an integer in 1..100 (InvalidParameterException).
core::Result<size_t> read_max_results(std::optional<std::string_view> text, size_t fallback);

/// Epoch seconds with a millisecond fraction: 1700862734.922.
double epoch_seconds(core::TimePoint t);

/// A Cluster object. `issuer` is identity.oidc.issuer; `status` e.g. "ACTIVE" or "DELETING".
nlohmann::ordered_json cluster_json(const Cluster& cluster, std::string_view issuer, std::string_view status);
/// A PodIdentityAssociation object.
nlohmann::ordered_json association_json(const Association& association);
/// A PodIdentityAssociationSummary object.
nlohmann::ordered_json association_summary_json(const Association& association);
/// An Addon object.
nlohmann::ordered_json addon_json(const Addon& addon);

/// A 200 response with `body` as application/json.
http::Response json_response(const nlohmann::ordered_json& body);

}  // namespace podbucket::eks
