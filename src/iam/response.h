#pragma once
// The XML shapes of IAM query responses: the envelope and the User / Role / Policy / Tag structures, as the IAM
// API reference defines them (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Types.html).
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "iam/directory.h"
#include "iam/params.h"
#include "wire/xml_writer.h"

namespace podbucket::iam {

inline constexpr std::string_view kIamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

/// `<{Action}Response xmlns=NS><{Action}Result>` ... `</{Action}Result><ResponseMetadata><RequestId/>
/// </ResponseMetadata></{Action}Response>`. Write the result's children through xml() between construction and
/// finish().
class Reply {
 public:
  explicit Reply(std::string_view action);
  wire::XmlWriter& xml() { return xml_; }
  /// Closes the document; returns it.
  std::string finish(std::string_view request_id);
  /// The whole response of an action that has no result element (DeleteUser, AttachRolePolicy, ...).
  static std::string empty(std::string_view action, std::string_view request_id);

 private:
  wire::XmlWriter xml_;
};

/// IAM's date form: ISO 8601 UTC without fraction ("2026-01-02T03:04:05Z").
std::string iam_date(core::TimePoint t);
/// A policy document as Get* calls return it: RFC 3986 percent-encoded JSON.
std::string encoded_document(std::string_view json);

/// <Tags><member><Key/><Value/></member>...</Tags> (nothing when `tags` is empty and `always` is false).
void write_tags(wire::XmlWriter& xml, const std::vector<Tag>& tags, bool always = false);
/// The User structure inside an element named `element`.
void write_user(wire::XmlWriter& xml, const User& user, bool with_tags, std::string_view element = "User");
/// Which fields of Role a response carries: ListRoles none of Tags/RoleLastUsed, CreateRole Tags, GetRole both.
enum class RoleView { kList, kCreate, kGet };
/// The Role structure (trust document URL-encoded).
void write_role(wire::XmlWriter& xml, const Role& role, RoleView view, std::string_view element = "Role");
/// The Policy structure; GetPolicy adds Description and Tags.
void write_policy(wire::XmlWriter& xml, const ManagedPolicy& policy, bool get_policy,
                  std::string_view element = "Policy");
/// <IsTruncated/> and, when truncated, <Marker/>.
void write_page_end(wire::XmlWriter& xml, const Page& page);

}  // namespace podbucket::iam
