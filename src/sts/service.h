#pragma once
// The STS API (awsQuery, Version 2011-06-15) on podbucket's one port: AssumeRole, AssumeRoleWithWebIdentity,
// GetCallerIdentity and GetSessionToken. api/dispatcher routes form posts whose Action= is an STS action (or whose
// SigV4 scope names "sts") here after verification, and renders the returned errors with Protocol::kStsQuery.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "iam/directory.h"
#include "sigv4/verify.h"
#include "store/documents.h"
#include "sts/assume.h"
#include "sts/identity_providers.h"
#include "sts/sessions.h"

namespace podbucket::sts {

/// The largest form body read, in bytes (a 20000-character token, a 2 KiB policy and 50 tags, URL-encoded).
inline constexpr size_t kMaxFormBody = 128 * 1024;

class StsService {
 public:
  /// Sessions persist in `documents` (collection "sts-sessions"). `providers` (may be null: no web identity
  /// issuer is trusted) answers AssumeRoleWithWebIdentity. Every reference outlives the service.
  StsService(iam::Directory& directory, iam::Authorizer& authorizer, store::Documents& documents,
             const core::Clock& clock, core::Random& random, std::string account_id,
             const IdentityProviders* providers = nullptr);

  /// Answers one STS request. The body is the form (POST, application/x-www-form-urlencoded, at most
  /// kMaxFormBody bytes) or, for other methods, the query string. Errors: MissingAction, InvalidAction ("Could not
  /// find operation ACTION for version VERSION"), NotImplemented (STS actions podbucket lacks),
  /// MissingAuthenticationToken (unsigned, except AssumeRoleWithWebIdentity), ValidationError ("... body too
  /// large"), and each action's errors (see RoleAssumer). GetCallerIdentity is never denied. Throws
  /// store::Unavailable. Thread-safe.
  core::Result<http::Response> handle(const iam::Call& call, http::Request& req);

  /// Key lookup for requests signed with credentials this service issued (ASIA... keys).
  sigv4::KeyLookup key_lookup() const { return sessions_.key_lookup(); }

  /// The session store and role assumer, for EKS Auth (AssumeRoleForPodIdentity).
  SessionStore& sessions() { return sessions_; }
  RoleAssumer& assumer() { return assumer_; }

 private:
  std::string account_id_;
  SessionStore sessions_;
  RoleAssumer assumer_;
};

}  // namespace podbucket::sts
