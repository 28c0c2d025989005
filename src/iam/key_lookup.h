#pragma once
// SigV4 key lookup for IAM users' long-term access keys.
#include "iam/directory.h"
#include "sigv4/verify.h"

namespace podbucket::iam {

/// A sigv4::KeyLookup answering for the Active access keys of `directory`'s users: principal type kUser, arn
/// (arn:aws:iam::ACCOUNT:user/PATH/NAME), user_id (AIDA...), user_name, account, and the user's tags as
/// aws:PrincipalTag values. Inactive and unknown keys are nullopt (the verifier then answers
/// InvalidClientTokenId / InvalidAccessKeyId, as AWS does for both). `directory` must outlive the lookup;
/// thread-safe.
sigv4::KeyLookup user_key_lookup(const Directory& directory);

}  // namespace podbucket::iam
