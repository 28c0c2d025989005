#pragma once
// How KMS decides whether a caller may use a key: the key policy is mandatory (ResourceMode::kRequired), so
// identity policies count only where the key policy delegates to the account (the "Enable IAM User Permissions"
// statement); an identity Deny always counts. The account's root user is bound by the key policy too: it has
// whatever a statement naming the account (or "*") grants it, and nothing else.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "iam/authorizer.h"
#include "kms/key_record.h"
#include "kms/key_service.h"
#include "policy/policy.h"

namespace podbucket::kms {

/// One KMS permission question.
struct KeyAccess {
  std::string_view action;         // "kms:Decrypt"
  const KeyRecord* key = nullptr;  // the key, decided by its key policy; null for key-less requests
  std::string_view resource = "*";  // key == null: "*" (CreateKey, ListKeys, ...) or an alias ARN
  const EncryptionContext* context = nullptr;  // cryptographic operations: the request's encryption context
  std::string_view via_service;      // "s3.REGION.amazonaws.com" when S3 calls on the caller's behalf
  std::string_view request_alias;    // the alias the request named the key by (kms:RequestAlias)
  std::vector<std::string> resource_aliases;  // the key's aliases (kms:ResourceAliases)
  bool cryptographic = false;        // sets kms:EncryptionAlgorithm = SYMMETRIC_DEFAULT
};

/// The condition context of a KMS request: the global keys, plus kms:CallerAccount, kms:ViaService (when via a
/// service), kms:EncryptionContext:<k> per pair and kms:EncryptionContextKeys (multivalued; empty set for an
/// empty context), kms:RequestAlias, kms:ResourceAliases (multivalued), kms:KeyOrigin, kms:KeySpec, kms:KeyUsage,
/// kms:EncryptionAlgorithm, and aws:ResourceTag/<k> for the key's tags.
policy::Context kms_context(const core::Principal& caller, const iam::RequestFacts& facts, const KeyAccess& access);

/// Decides KMS requests through the IAM Authorizer.
class KeyAuthorizer {
 public:
  /// `authorizer` outlives this object.
  explicit KeyAuthorizer(iam::Authorizer& authorizer) : authorizer_(authorizer) {}

  /// Allows or denies `access` for `caller`. Anonymous callers are always denied. Errors: AccessDeniedException
  /// ("User: ARN is not authorized to perform: kms:Decrypt on resource: KEY_ARN because no resource-based policy
  /// allows the kms:Decrypt action", ...).
  core::Result<void> check(const core::Principal& caller, const iam::RequestFacts& facts, const KeyAccess& access);

 private:
  iam::Authorizer& authorizer_;
};

}  // namespace podbucket::kms
