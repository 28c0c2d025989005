// Directory: the IAM model over the in-memory Documents store, including reload from the store.
#include "iam/directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "core/time_format.h"
#include "iam/errors.h"
#include "iam/test_util.h"

namespace podbucket::iam {
namespace {

using testing::allow_json;
using testing::kPodsTrust;
using testing::stored;

constexpr const char* kAccount = "123456789012";

class DirectoryTest : public ::testing::Test {
 protected:
  DirectoryTest() : docs_(store::make_memory_documents()), clock_(core::from_unix_seconds(1'700'000'000)) {}
  Directory& dir() {
    if (!dir_) dir_ = std::make_unique<Directory>(*docs_, clock_, random_, kAccount);
    return *dir_;
  }
  /// Drops the Directory and loads a new one from the same store.
  Directory& reload() {
    dir_.reset();
    return dir();
  }
  RoleSpec role_spec(std::string name, std::string path = "/") {
    RoleSpec s;
    s.name = std::move(name);
    s.path = std::move(path);
    s.trust = stored(kPodsTrust, policy::Kind::kTrust);
    return s;
  }
  PolicySpec policy_spec(std::string name, std::string path = "/") {
    PolicySpec s;
    s.name = std::move(name);
    s.path = std::move(path);
    s.document = stored(allow_json("s3:GetObject", "arn:aws:s3:::b/*"));
    return s;
  }

  std::unique_ptr<store::Documents> docs_;
  core::FakeClock clock_;
  testing::SeededRandom random_;
  std::unique_ptr<Directory> dir_;
};

TEST_F(DirectoryTest, UserIdsAndArnsHaveAwsShapes) {
  auto u = dir().create_user("alice", "/team/", {});
  ASSERT_TRUE(u);
  EXPECT_TRUE(std::regex_match(u->id, std::regex("AIDA[A-Z0-9]{17}")));
  EXPECT_EQ(u->arn, "arn:aws:iam::123456789012:user/team/alice");
  EXPECT_EQ(u->created, clock_.now());
  auto r = dir().create_role(role_spec("app", "/svc/"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(std::regex_match(r->id, std::regex("AROA[A-Z0-9]{17}")));
  EXPECT_EQ(r->arn, "arn:aws:iam::123456789012:role/svc/app");
  auto p = dir().create_policy(policy_spec("read"));
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::regex_match(p->id, std::regex("ANPA[A-Z0-9]{17}")));
  EXPECT_EQ(p->arn, "arn:aws:iam::123456789012:policy/read");
  EXPECT_EQ(p->default_version, "v1");
}

TEST_F(DirectoryTest, NamesAreUniqueRegardlessOfCase) {
  ASSERT_TRUE(dir().create_user("Alice", "/", {}));
  auto dup = dir().create_user("alice", "/", {});
  ASSERT_FALSE(dup);
  EXPECT_TRUE(dup.error().is(kEntityAlreadyExists));
  EXPECT_EQ(dup.error().message(), "User with name alice already exists.");
  ASSERT_TRUE(dir().find_user("ALICE"));
  EXPECT_EQ(dir().find_user("ALICE")->name, "Alice");
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  EXPECT_TRUE(dir().create_role(role_spec("R")).error().is(kEntityAlreadyExists));
  ASSERT_TRUE(dir().create_policy(policy_spec("p")));
  auto pdup = dir().create_policy(policy_spec("P", "/other/"));
  ASSERT_FALSE(pdup);
  EXPECT_EQ(pdup.error().message(), "A policy called P already exists. Duplicate names are not allowed.");
}

TEST_F(DirectoryTest, GenerationBumpsOnEveryChangeOnly) {
  uint64_t g0 = dir().generation();
  ASSERT_TRUE(dir().create_user("u", "/", {}));
  uint64_t g1 = dir().generation();
  EXPECT_GT(g1, g0);
  EXPECT_FALSE(dir().create_user("u", "/", {}));  // failed writes change nothing
  EXPECT_EQ(dir().generation(), g1);
  dir().find_user("u");
  EXPECT_EQ(dir().generation(), g1);
  ASSERT_TRUE(dir().create_access_key("u"));
  EXPECT_GT(dir().generation(), g1);
}

TEST_F(DirectoryTest, AccessKeysAtMostTwoAndLookupable) {
  ASSERT_TRUE(dir().create_user("u", "/", {}));
  auto k1 = dir().create_access_key("u");
  ASSERT_TRUE(k1);
  EXPECT_TRUE(std::regex_match(k1->id, std::regex("AKIA[A-Z0-9]{16}")));
  EXPECT_EQ(k1->secret.size(), 40u);
  EXPECT_TRUE(k1->active);
  ASSERT_TRUE(dir().create_access_key("u"));
  auto k3 = dir().create_access_key("u");
  ASSERT_FALSE(k3);
  EXPECT_TRUE(k3.error().is(kLimitExceeded));

  auto found = dir().find_access_key(k1->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first.secret, k1->secret);
  EXPECT_EQ(found->second.name, "u");

  ASSERT_TRUE(dir().set_access_key_active("u", k1->id, false));
  EXPECT_FALSE(dir().find_access_key(k1->id)->first.active);
  ASSERT_TRUE(dir().create_user("v", "/", {}));
  EXPECT_TRUE(dir().delete_access_key("v", k1->id).error().is(kNoSuchEntity));  // not v's key
  EXPECT_TRUE(dir().delete_access_key("nobody", k1->id).error().is(kNoSuchEntity));
  ASSERT_TRUE(dir().delete_access_key("u", k1->id));
  EXPECT_FALSE(dir().find_access_key(k1->id));
  EXPECT_EQ(dir().list_access_keys("u")->size(), 1u);
}

TEST_F(DirectoryTest, DeleteUserConflictsUntilEmpty) {
  ASSERT_TRUE(dir().create_user("u", "/", {}));
  auto key = dir().create_access_key("u");
  auto p = dir().create_policy(policy_spec("p"));
  ASSERT_TRUE(dir().attach(EntityKind::kUser, "u", p->arn));
  ASSERT_TRUE(dir().put_inline(EntityKind::kUser, "u", "in", stored(allow_json("s3:*", "*"))));

  auto e = dir().delete_user("u");
  ASSERT_FALSE(e);
  EXPECT_TRUE(e.error().is(kDeleteConflict));
  EXPECT_EQ(e.error().message(), "Cannot delete entity, must delete access keys first.");
  ASSERT_TRUE(dir().delete_access_key("u", key->id));
  EXPECT_EQ(dir().delete_user("u").error().message(), "Cannot delete entity, must delete policies first.");
  ASSERT_TRUE(dir().delete_inline(EntityKind::kUser, "u", "in"));
  EXPECT_EQ(dir().delete_user("u").error().message(), "Cannot delete entity, must detach all policies first.");
  ASSERT_TRUE(dir().detach(EntityKind::kUser, "u", p->arn));
  ASSERT_TRUE(dir().delete_user("u"));
  EXPECT_FALSE(dir().find_user("u"));
  EXPECT_TRUE(dir().delete_user("u").error().is(kNoSuchEntity));
}

TEST_F(DirectoryTest, AttachmentsCountAndBlockPolicyDeletion) {
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  auto p = dir().create_policy(policy_spec("p"));
  ASSERT_TRUE(dir().attach(EntityKind::kRole, "r", p->arn));
  ASSERT_TRUE(dir().attach(EntityKind::kRole, "r", p->arn));  // idempotent
  EXPECT_EQ(dir().find_policy(p->arn)->attachment_count, 1);
  EXPECT_EQ(dir().find_role("r")->attached, std::vector<std::string>{p->arn});
  EXPECT_EQ(dir().list_policies("/", true).size(), 1u);

  auto e = dir().delete_policy(p->arn);
  ASSERT_FALSE(e);
  EXPECT_TRUE(e.error().is(kDeleteConflict));
  EXPECT_TRUE(dir().delete_role("r").error().is(kDeleteConflict));

  auto ents = dir().entities_for_policy(p->arn);
  ASSERT_TRUE(ents);
  ASSERT_EQ(ents->roles.size(), 1u);
  EXPECT_EQ(ents->roles[0].name, "r");

  ASSERT_TRUE(dir().detach(EntityKind::kRole, "r", p->arn));
  EXPECT_TRUE(dir().detach(EntityKind::kRole, "r", p->arn).error().is(kNoSuchEntity));
  EXPECT_EQ(dir().find_policy(p->arn)->attachment_count, 0);
  EXPECT_TRUE(dir().list_policies("/", true).empty());
  ASSERT_TRUE(dir().delete_policy(p->arn));
  EXPECT_TRUE(dir().delete_policy(p->arn).error().is(kNoSuchEntity));
  ASSERT_TRUE(dir().delete_role("r"));
}

TEST_F(DirectoryTest, AttachUnknownPolicyOrEntity) {
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  auto e = dir().attach(EntityKind::kRole, "r", "arn:aws:iam::123456789012:policy/nope");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message(), "Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable.");
  auto p = dir().create_policy(policy_spec("p"));
  auto e2 = dir().attach(EntityKind::kRole, "ghost", p->arn);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().message(), "The role with name ghost cannot be found.");
}

TEST_F(DirectoryTest, AtMostTenAttachedPolicies) {
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  for (int i = 0; i < 10; ++i) {
    auto p = dir().create_policy(policy_spec("p" + std::to_string(i)));
    ASSERT_TRUE(dir().attach(EntityKind::kRole, "r", p->arn));
  }
  auto p = dir().create_policy(policy_spec("p10"));
  auto e = dir().attach(EntityKind::kRole, "r", p->arn);
  ASSERT_FALSE(e);
  EXPECT_TRUE(e.error().is(kLimitExceeded));
  EXPECT_EQ(e.error().message(), "Cannot exceed quota for PoliciesPerRole: 10");
}

TEST_F(DirectoryTest, PolicyVersionsUpToFive) {
  auto p = dir().create_policy(policy_spec("p"));
  for (int i = 2; i <= 5; ++i) {
    auto v = dir().create_policy_version(p->arn, stored(allow_json("s3:PutObject", "*")), i == 3);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->id, "v" + std::to_string(i));
  }
  EXPECT_EQ(dir().find_policy(p->arn)->default_version, "v3");
  auto six = dir().create_policy_version(p->arn, stored(allow_json("s3:PutObject", "*")), false);
  ASSERT_FALSE(six);
  EXPECT_TRUE(six.error().is(kLimitExceeded));

  EXPECT_TRUE(dir().delete_policy_version(p->arn, "v3").error().is(kDeleteConflict));
  EXPECT_TRUE(dir().delete_policy_version(p->arn, "v9").error().is(kNoSuchEntity));
  ASSERT_TRUE(dir().delete_policy_version(p->arn, "v2"));
  auto v6 = dir().create_policy_version(p->arn, stored(allow_json("s3:PutObject", "*")), false);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->id, "v6");  // numbers are never reused
  ASSERT_TRUE(dir().set_default_policy_version(p->arn, "v6"));
  EXPECT_TRUE(dir().set_default_policy_version(p->arn, "v2").error().is(kNoSuchEntity));
  EXPECT_EQ(dir().find_policy(p->arn)->default_document().id, "v6");

  EXPECT_TRUE(dir().delete_policy(p->arn).error().is(kDeleteConflict));  // non-default versions remain
}

TEST_F(DirectoryTest, RoleUpdatesAndTags) {
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  ASSERT_TRUE(dir().update_role("r", std::string("desc"), 7200));
  auto r = dir().find_role("r");
  EXPECT_EQ(r->description, "desc");
  EXPECT_EQ(r->max_session_duration, 7200);
  ASSERT_TRUE(dir().tag_role("r", {{"team", "a"}, {"env", "prod"}}));
  ASSERT_TRUE(dir().tag_role("r", {{"Team", "b"}}));
  r = dir().find_role("r");
  ASSERT_EQ(r->tags.size(), 2u);
  EXPECT_EQ(r->tags[0], (Tag{"Team", "b"}));
  ASSERT_TRUE(dir().untag_role("r", {"TEAM", "absent"}));
  EXPECT_EQ(dir().find_role("r")->tags, (std::vector<Tag>{{"env", "prod"}}));
  std::vector<Tag> many;
  for (int i = 0; i < 50; ++i) many.push_back({"k" + std::to_string(i), "v"});
  EXPECT_TRUE(dir().tag_role("r", many).error().is(kLimitExceeded));
  EXPECT_EQ(dir().find_role("r")->tags.size(), 1u);
  EXPECT_TRUE(dir().update_role("ghost", std::nullopt, std::nullopt).error().is(kNoSuchEntity));
}

TEST_F(DirectoryTest, FindRoleByArnNeedsTheExactPath) {
  ASSERT_TRUE(dir().create_role(role_spec("app", "/svc/")));
  EXPECT_TRUE(dir().find_role_by_arn("arn:aws:iam::123456789012:role/svc/app"));
  EXPECT_FALSE(dir().find_role_by_arn("arn:aws:iam::123456789012:role/app"));
  EXPECT_FALSE(dir().find_role_by_arn("arn:aws:iam::999999999999:role/svc/app"));
  EXPECT_FALSE(dir().find_role_by_arn("garbage"));
}

TEST_F(DirectoryTest, InlinePoliciesReplaceAndRespectTheAggregateQuota) {
  ASSERT_TRUE(dir().create_user("u", "/", {}));
  ASSERT_TRUE(dir().put_inline(EntityKind::kUser, "u", "b", stored(allow_json("s3:GetObject", "*"))));
  ASSERT_TRUE(dir().put_inline(EntityKind::kUser, "u", "a", stored(allow_json("s3:GetObject", "*"))));
  ASSERT_TRUE(dir().put_inline(EntityKind::kUser, "u", "a", stored(allow_json("s3:PutObject", "*"))));
  auto u = dir().find_user("u");
  ASSERT_EQ(u->inline_policies.size(), 2u);
  EXPECT_EQ(u->inline_policies[0].name, "a");
  EXPECT_NE(u->inline_policies[0].document.json.find("s3:PutObject"), std::string::npos);

  std::string big = allow_json("s3:GetObject", "arn:aws:s3:::" + std::string(2000, 'x'));
  auto e = dir().put_inline(EntityKind::kUser, "u", "big", stored(big));
  ASSERT_FALSE(e);
  EXPECT_TRUE(e.error().is(kLimitExceeded));
  EXPECT_EQ(dir().find_user("u")->inline_policies.size(), 2u);
  EXPECT_TRUE(dir().delete_inline(EntityKind::kUser, "u", "zzz").error().is(kNoSuchEntity));
}

TEST_F(DirectoryTest, IdentityPoliciesListInlineThenAttached) {
  ASSERT_TRUE(dir().create_role(role_spec("r")));
  auto p = dir().create_policy(policy_spec("p"));
  ASSERT_TRUE(dir().attach(EntityKind::kRole, "r", p->arn));
  ASSERT_TRUE(dir().put_inline(EntityKind::kRole, "r", "in", stored(allow_json("s3:*", "*"))));
  auto set = dir().identity_policies(EntityKind::kRole, "r");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].name, "role/r inline in");
  EXPECT_EQ(set[1].name, p->arn);
  EXPECT_NE(set[1].document, nullptr);
  EXPECT_TRUE(dir().identity_policies(EntityKind::kUser, "r").empty());
  EXPECT_TRUE(dir().managed_policy_document(p->arn));
  EXPECT_FALSE(dir().managed_policy_document(p->arn + "x"));
}

TEST_F(DirectoryTest, EverythingSurvivesAReload) {
  ASSERT_TRUE(dir().create_user("u", "/p/", {{"k", "v"}}));
  auto key = dir().create_access_key("u");
  ASSERT_TRUE(dir().set_access_key_active("u", key->id, false));
  auto role = dir().create_role(role_spec("r"));
  ASSERT_TRUE(dir().tag_role("r", {{"team", "x"}}));
  auto p = dir().create_policy(policy_spec("p"));
  ASSERT_TRUE(dir().create_policy_version(p->arn, stored(allow_json("s3:PutObject", "*")), true));
  ASSERT_TRUE(dir().attach(EntityKind::kRole, "r", p->arn));
  ASSERT_TRUE(dir().attach(EntityKind::kUser, "u", p->arn));
  ASSERT_TRUE(dir().put_inline(EntityKind::kRole, "r", "in", stored(allow_json("s3:*", "*"))));

  Directory& d = reload();
  auto u = d.find_user("u");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path, "/p/");
  EXPECT_EQ(u->tags, (std::vector<Tag>{{"k", "v"}}));
  auto k = d.find_access_key(key->id);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->first.secret, key->secret);
  EXPECT_FALSE(k->first.active);
  auto r = d.find_role("r");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, role->id);
  EXPECT_EQ(r->trust.json, kPodsTrust);
  EXPECT_NE(r->trust.parsed, nullptr);
  EXPECT_EQ(r->created, clock_.now());
  auto mp = d.find_policy(p->arn);
  ASSERT_TRUE(mp);
  EXPECT_EQ(mp->default_version, "v2");
  EXPECT_EQ(mp->versions.size(), 2u);
  EXPECT_EQ(mp->attachment_count, 2);
  EXPECT_EQ(d.identity_policies(EntityKind::kRole, "r").size(), 2u);
  // Fresh ids never collide with loaded ones and the generation starts over.
  EXPECT_TRUE(d.create_user("w", "/", {}));
}

TEST_F(DirectoryTest, ConcurrentWritersAndReadersSeeConsistentState) {
  auto p = dir().create_policy(policy_spec("shared"));
  ASSERT_TRUE(p);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!stop) {
      for (const auto& u : dir().list_users())
        if (u.attached.size() > 1) ++failures;
      dir().identity_policies(EntityKind::kUser, "w0-0");
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string name = "w" + std::to_string(t) + "-" + std::to_string(i);
        if (!dir().create_user(name, "/", {})) ++failures;
        if (!dir().attach(EntityKind::kUser, name, p->arn)) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(dir().list_users().size(), 100u);
  EXPECT_EQ(dir().find_policy(p->arn)->attachment_count, 100);
  EXPECT_EQ(reload().find_policy(p->arn)->attachment_count, 100);
}

}  // namespace
}  // namespace podbucket::iam
