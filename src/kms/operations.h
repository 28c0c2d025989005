#pragma once
// Private to kms/: the KMS API operations, one function per X-Amz-Target operation, grouped by family in
// ops_keys.cc, ops_policy_tags.cc, ops_aliases.cc, ops_rotation.cc and ops_crypto.cc. Each takes the parsed
// JSON request and returns the JSON response (null = empty body) or an AwsError. service.cc maps names to them.
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "iam/authorizer.h"
#include "kms/authorize.h"
#include "kms/json_input.h"
#include "kms/keyring.h"

namespace podbucket::kms::ops {

/// What an operation works with: shared services plus the one call being answered.
struct Env {
  Keyring& keys;
  KeyAuthorizer& authz;
  const core::Clock& clock;
  core::Random& random;
  const iam::Call& call;

  /// Authorizes `action` on a resolved key as the caller (kms:RequestAlias when resolved by alias).
  core::Result<void> allow(std::string_view action, const Keyring::Resolved& key,
                           const EncryptionContext* context = nullptr, bool cryptographic = false);
  /// Authorizes `action` on a resource that is not a key ("*" or an alias ARN), by identity policies.
  core::Result<void> allow_resource(std::string_view action, std::string_view resource);
};

/// Resolves the required member `member` (key id, key ARN, alias name or alias ARN).
core::Result<Keyring::Resolved> resolve_member(Env& env, const Json& in, std::string_view member = "KeyId");
/// AWS managed keys cannot be changed by anyone. Errors: AccessDeniedException.
core::Result<void> require_customer_managed(const Env& env, const KeyRecord& key, std::string_view action);
/// KeyMetadata as DescribeKey, CreateKey and ScheduleKeyDeletion's callers see it.
nlohmann::ordered_json key_metadata(const KeyRecord& key);
/// Seconds since the epoch as a JSON number (KMS timestamps): 1700000000.123.
double epoch_seconds(int64_t ms);

using Handler = core::Result<nlohmann::ordered_json> (*)(Env&, const Json&);
using Out = core::Result<nlohmann::ordered_json>;
/// The result of an operation whose response has no members (an empty body, as AWS sends).
inline Out no_content() { return nlohmann::ordered_json(); }

// Keys: ops_keys.cc
Out create_key(Env&, const Json&);
Out describe_key(Env&, const Json&);
Out list_keys(Env&, const Json&);
Out enable_key(Env&, const Json&);
Out disable_key(Env&, const Json&);
Out schedule_key_deletion(Env&, const Json&);
Out cancel_key_deletion(Env&, const Json&);
Out update_key_description(Env&, const Json&);
// Key policies and tags: ops_policy_tags.cc
Out get_key_policy(Env&, const Json&);
Out put_key_policy(Env&, const Json&);
Out list_key_policies(Env&, const Json&);
Out tag_resource(Env&, const Json&);
Out untag_resource(Env&, const Json&);
Out list_resource_tags(Env&, const Json&);
// Aliases: ops_aliases.cc
Out create_alias(Env&, const Json&);
Out update_alias(Env&, const Json&);
Out delete_alias(Env&, const Json&);
Out list_aliases(Env&, const Json&);
// Rotation: ops_rotation.cc
Out enable_key_rotation(Env&, const Json&);
Out disable_key_rotation(Env&, const Json&);
Out get_key_rotation_status(Env&, const Json&);
Out rotate_key_on_demand(Env&, const Json&);
Out list_key_rotations(Env&, const Json&);
// Cryptographic operations: ops_crypto.cc
Out encrypt(Env&, const Json&);
Out decrypt(Env&, const Json&);
Out re_encrypt(Env&, const Json&);
Out generate_data_key(Env&, const Json&);
Out generate_data_key_without_plaintext(Env&, const Json&);
Out generate_random(Env&, const Json&);

}  // namespace podbucket::kms::ops
