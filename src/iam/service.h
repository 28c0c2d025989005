#pragma once
// The IAM query API (awsQuery, Version 2010-05-08): users, access keys, roles, managed policies and versions,
// attachments, inline policies, tags, and the policy simulator. Every call from a non-root caller is authorized
// through the Authorizer as iam:<Action> on the entity's ARN (or "*" for account-wide listings).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "iam/directory.h"

namespace podbucket::iam {

class IamService {
 public:
  /// Largest form body accepted, in bytes (the biggest legal request, a 10 KiB inline policy URL-encoded, fits).
  static constexpr size_t kMaxBodyBytes = 128 * 1024;

  /// All references must outlive the service. `account_id` is the 12-digit account every ARN names.
  IamService(Directory& directory, Authorizer& authorizer, const core::Clock& clock, core::Random& random,
             std::string account_id);

  /// Answers one IAM request: reads the form body (application/x-www-form-urlencoded; parameters in the query
  /// string count too) from req.body, up to kMaxBodyBytes. Returns the 200 text/xml response
  /// `<{Action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">...`, or an error for
  /// api::render_error(kIamQuery): MissingAuthenticationToken 403 (anonymous), InvalidAction 400 (unknown
  /// Action), AccessDenied 403 (the Authorizer said no; message in AWS's current form), ValidationError 400,
  /// InvalidInput 400, MalformedPolicyDocument 400, NoSuchEntity 404, EntityAlreadyExists 409,
  /// LimitExceeded 409, DeleteConflict 409. Decisions are logged (info for denials, debug for grants) with
  /// call.request_id. Thread-safe.
  core::Result<http::Response> handle(const Call& call, http::Request& req);

  /// The IAM action names this service answers, e.g. "CreateRole" (for routing and access logs).
  static bool knows_action(std::string_view action);

 private:
  Directory& directory_;
  Authorizer& authorizer_;
  const core::Clock& clock_;
  core::Random& random_;
  std::string account_id_;
};

}  // namespace podbucket::iam
