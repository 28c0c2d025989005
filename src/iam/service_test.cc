// IamService, one test per concern: form in, XML out (parsed with pugixml), errors as AwsError values.
#include <regex>

#include "iam/errors.h"
#include "iam/key_lookup.h"
#include "iam/service_test_util.h"

namespace podbucket::iam {
namespace {

using testing::IamReply;
using testing::IamServiceTest;
using testing::kPodsTrust;

// The seed's policy (A), with concrete bucket names.
constexpr const char* kSeedPolicyA =
    R"({"Version":"2012-10-17","Statement":[{"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],)"
    R"("Effect":"Allow","Resource":["arn:aws:s3:::gl-lfs/*","arn:aws:s3:::gl-tmp/*"]},)"
    R"({"Action":["s3:ListBucket"],"Effect":"Allow","Resource":["arn:aws:s3:::gl-lfs","arn:aws:s3:::gl-tmp"]}]})";

std::string decoded(const std::string& s) { return core::percent_decode(s).value_or("<bad escape>"); }

TEST_F(IamServiceTest, ResponseEnvelopeHasTheIamNamespaceAndRequestId) {
  auto r = call("CreateRole", {{"RoleName", "gl-eks-global"}, {"Path", "/"}, {"MaxSessionDuration", "3600"},
                               {"AssumeRolePolicyDocument", kPodsTrust}});
  ASSERT_EQ(r.status, 200) << r.code << r.message;
  auto root = r.xml.document_element();
  EXPECT_STREQ(root.name(), "CreateRoleResponse");
  EXPECT_STREQ(root.attribute("xmlns").value(), "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_EQ(r.text("ResponseMetadata/RequestId"), "REQ-1");
  EXPECT_EQ(r.text("CreateRoleResult/Role/RoleName"), "gl-eks-global");
  EXPECT_EQ(r.text("CreateRoleResult/Role/Arn"), "arn:aws:iam::123456789012:role/gl-eks-global");
  EXPECT_TRUE(std::regex_match(r.text("CreateRoleResult/Role/RoleId"), std::regex("AROA[A-Z0-9]{17}")));
  EXPECT_EQ(r.text("CreateRoleResult/Role/CreateDate"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(r.text("CreateRoleResult/Role/MaxSessionDuration"), "3600");
  EXPECT_EQ(decoded(r.text("CreateRoleResult/Role/AssumeRolePolicyDocument")), kPodsTrust);
}

TEST_F(IamServiceTest, EmptyResultActionsHaveOnlyMetadata) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "u"}}).status, 200);
  auto r = call("DeleteUser", {{"UserName", "u"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_STREQ(r.xml.document_element().name(), "DeleteUserResponse");
  EXPECT_FALSE(r.node("DeleteUserResult"));
  EXPECT_EQ(r.text("ResponseMetadata/RequestId"), "REQ-1");
}

TEST_F(IamServiceTest, GetRoleReturnsTagsAndUrlEncodedTrust) {
  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust},
                                {"Description", "pods"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "a"}})
                .status,
            200);
  auto r = call("GetRole", {{"RoleName", "r"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.text("GetRoleResult/Role/Description"), "pods");
  EXPECT_EQ(r.text("GetRoleResult/Role/Tags/member/Key"), "team");
  EXPECT_EQ(r.text("GetRoleResult/Role/Tags/member/Value"), "a");
  std::string raw = r.text("GetRoleResult/Role/AssumeRolePolicyDocument");
  EXPECT_EQ(raw.find('{'), std::string::npos) << "document must be URL-encoded";
  EXPECT_EQ(decoded(raw), kPodsTrust);

  auto missing = call("GetRole", {{"RoleName", "nope"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.message, "The role with name nope cannot be found.");
}

TEST_F(IamServiceTest, RoleValidation) {
  auto bad_name = call("CreateRole", {{"RoleName", "a b"}, {"AssumeRolePolicyDocument", kPodsTrust}});
  EXPECT_EQ(bad_name.code, "ValidationError");
  auto bad_duration =
      call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}, {"MaxSessionDuration", "100"}});
  EXPECT_EQ(bad_duration.code, "ValidationError");
  auto no_doc = call("CreateRole", {{"RoleName", "r"}});
  EXPECT_EQ(no_doc.code, "ValidationError");
  auto identity_doc = call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kSeedPolicyA}});
  EXPECT_EQ(identity_doc.code, "MalformedPolicyDocument");
  EXPECT_EQ(identity_doc.status, 400);
  auto bad_path = call("CreateRole", {{"RoleName", "r"}, {"Path", "noslash"}, {"AssumeRolePolicyDocument", kPodsTrust}});
  EXPECT_EQ(bad_path.code, "ValidationError");
  auto dup = call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}});
  ASSERT_EQ(dup.status, 200);
  dup = call("CreateRole", {{"RoleName", "R"}, {"AssumeRolePolicyDocument", kPodsTrust}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.code, "EntityAlreadyExists");
}

TEST_F(IamServiceTest, UpdateRoleAndTrustPolicy) {
  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  ASSERT_EQ(call("UpdateRole", {{"RoleName", "r"}, {"MaxSessionDuration", "43200"}, {"Description", "d"}}).status, 200);
  std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call("UpdateAssumeRolePolicy", {{"RoleName", "r"}, {"PolicyDocument", trust}}).status, 200);
  auto r = call("GetRole", {{"RoleName", "r"}});
  EXPECT_EQ(r.text("GetRoleResult/Role/MaxSessionDuration"), "43200");
  EXPECT_EQ(r.text("GetRoleResult/Role/Description"), "d");
  EXPECT_EQ(decoded(r.text("GetRoleResult/Role/AssumeRolePolicyDocument")), trust);
}

TEST_F(IamServiceTest, RoleTags) {
  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  ASSERT_EQ(call("TagRole", {{"RoleName", "r"}, {"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "1"},
                             {"Tags.member.2.Key", "b"}, {"Tags.member.2.Value", "2"}})
                .status,
            200);
  ASSERT_EQ(call("UntagRole", {{"RoleName", "r"}, {"TagKeys.member.1", "a"}}).status, 200);
  auto r = call("ListRoleTags", {{"RoleName", "r"}});
  ASSERT_EQ(r.status, 200);
  auto tags = r.node("ListRoleTagsResult/Tags");
  ASSERT_EQ(std::distance(tags.children("member").begin(), tags.children("member").end()), 1);
  EXPECT_EQ(r.text("ListRoleTagsResult/Tags/member/Key"), "b");
  EXPECT_EQ(r.text("ListRoleTagsResult/IsTruncated"), "false");
}

TEST_F(IamServiceTest, TerraformRoleLifecycle) {
  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  auto p = call("CreatePolicy", {{"PolicyName", "a"}, {"Path", "/"}, {"PolicyDocument", kSeedPolicyA},
                                 {"Description", ""}});
  ASSERT_EQ(p.status, 200) << p.code << p.message;
  std::string arn = p.text("CreatePolicyResult/Policy/Arn");
  EXPECT_EQ(arn, "arn:aws:iam::123456789012:policy/a");
  ASSERT_EQ(call("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}).status, 200);

  auto inline_names = call("ListRolePolicies", {{"RoleName", "r"}});
  ASSERT_EQ(inline_names.status, 200);
  EXPECT_FALSE(inline_names.node("ListRolePoliciesResult/PolicyNames").first_child());
  auto attached = call("ListAttachedRolePolicies", {{"RoleName", "r"}});
  EXPECT_EQ(attached.text("ListAttachedRolePoliciesResult/AttachedPolicies/member/PolicyArn"), arn);
  EXPECT_EQ(attached.text("ListAttachedRolePoliciesResult/AttachedPolicies/member/PolicyName"), "a");
  auto profiles = call("ListInstanceProfilesForRole", {{"RoleName", "r"}});
  ASSERT_EQ(profiles.status, 200);
  EXPECT_TRUE(profiles.node("ListInstanceProfilesForRoleResult/InstanceProfiles"));

  auto conflict = call("DeleteRole", {{"RoleName", "r"}});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.code, "DeleteConflict");
  ASSERT_EQ(call("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}).status, 200);
  EXPECT_EQ(call("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}).code, "NoSuchEntity");
  ASSERT_EQ(call("DeleteRole", {{"RoleName", "r"}}).status, 200);
  EXPECT_EQ(call("DeleteRole", {{"RoleName", "r"}}).code, "NoSuchEntity");  // a retried delete: NotFound, tolerated
  auto versions = call("ListPolicyVersions", {{"PolicyArn", arn}});
  EXPECT_EQ(versions.text("ListPolicyVersionsResult/Versions/member/VersionId"), "v1");
  EXPECT_EQ(versions.text("ListPolicyVersionsResult/Versions/member/IsDefaultVersion"), "true");
  ASSERT_EQ(call("DeletePolicy", {{"PolicyArn", arn}}).status, 200);
  EXPECT_EQ(call("DeletePolicy", {{"PolicyArn", arn}}).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, GetPolicyAndVersionDocument) {
  auto p = call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", kSeedPolicyA}, {"Description", "desc"},
                                 {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}});
  std::string arn = p.text("CreatePolicyResult/Policy/Arn");
  EXPECT_TRUE(std::regex_match(p.text("CreatePolicyResult/Policy/PolicyId"), std::regex("ANPA[A-Z0-9]{17}")));
  auto g = call("GetPolicy", {{"PolicyArn", arn}});
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.text("GetPolicyResult/Policy/DefaultVersionId"), "v1");
  EXPECT_EQ(g.text("GetPolicyResult/Policy/AttachmentCount"), "0");
  EXPECT_EQ(g.text("GetPolicyResult/Policy/IsAttachable"), "true");
  EXPECT_EQ(g.text("GetPolicyResult/Policy/Description"), "desc");
  EXPECT_EQ(g.text("GetPolicyResult/Policy/Tags/member/Key"), "k");
  auto v = call("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v1"}});
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(decoded(v.text("GetPolicyVersionResult/PolicyVersion/Document")), kSeedPolicyA);
  EXPECT_EQ(v.text("GetPolicyVersionResult/PolicyVersion/IsDefaultVersion"), "true");
  EXPECT_EQ(call("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}}).code, "NoSuchEntity");
  auto missing = call("GetPolicy", {{"PolicyArn", "arn:aws:iam::123456789012:policy/zz"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.message, "Policy arn:aws:iam::123456789012:policy/zz was not found.");
}

TEST_F(IamServiceTest, PolicyVersionsLimitAndDefault) {
  auto p = call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", kSeedPolicyA}});
  std::string arn = p.text("CreatePolicyResult/Policy/Arn");
  for (int i = 2; i <= 5; ++i) {
    auto v = call("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kSeedPolicyA},
                                          {"SetAsDefault", i == 5 ? "true" : "false"}});
    ASSERT_EQ(v.status, 200);
    EXPECT_EQ(v.text("CreatePolicyVersionResult/PolicyVersion/VersionId"), "v" + std::to_string(i));
  }
  auto limit = call("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kSeedPolicyA}});
  EXPECT_EQ(limit.status, 409);
  EXPECT_EQ(limit.code, "LimitExceeded");
  EXPECT_EQ(call("GetPolicy", {{"PolicyArn", arn}}).text("GetPolicyResult/Policy/DefaultVersionId"), "v5");
  EXPECT_EQ(call("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v5"}}).code, "DeleteConflict");
  ASSERT_EQ(call("SetDefaultPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}}).status, 200);
  ASSERT_EQ(call("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v5"}}).status, 200);
  auto list = call("ListPolicyVersions", {{"PolicyArn", arn}});
  auto versions = list.node("ListPolicyVersionsResult/Versions");
  EXPECT_EQ(std::distance(versions.children("member").begin(), versions.children("member").end()), 4);
  EXPECT_EQ(call("DeletePolicy", {{"PolicyArn", arn}}).code, "DeleteConflict");
  EXPECT_EQ(call("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "x1"}}).code, "ValidationError");
}

TEST_F(IamServiceTest, PolicyDocumentErrors) {
  auto principal =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})";
  auto r = call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", principal}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "MalformedPolicyDocument");
  EXPECT_EQ(r.message, "Policy document should not specify a principal.");
  auto syntax = call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", "{not json"}});
  EXPECT_EQ(syntax.code, "MalformedPolicyDocument");
  EXPECT_EQ(syntax.message, "Syntax errors in policy.");
  auto old = R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  EXPECT_EQ(call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", old}}).message,
            "Policy document must be version 2012-10-17 or greater.");
  // 6,144 characters without whitespace is the managed-policy quota.
  std::string big = testing::allow_json("s3:GetObject", "arn:aws:s3:::" + std::string(6100, 'x'));
  auto large = call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", big}});
  EXPECT_EQ(large.status, 409);
  EXPECT_EQ(large.code, "LimitExceeded");
  EXPECT_EQ(large.message, "Cannot exceed quota for PolicySize: 6144");
  // Whitespace does not count.
  std::string spaced = testing::allow_json("s3:GetObject", "arn:aws:s3:::" + std::string(6000, 'x'));
  spaced.insert(1, std::string(500, ' '));
  EXPECT_EQ(call("CreatePolicy", {{"PolicyName", "a"}, {"PolicyDocument", spaced}}).status, 200);
  // Characters beyond U+00FF are outside IAM's pattern.
  auto emoji = testing::allow_json("s3:GetObject", "arn:aws:s3:::b/\xF0\x9F\x98\x80");
  EXPECT_EQ(call("CreatePolicy", {{"PolicyName", "b"}, {"PolicyDocument", emoji}}).code, "ValidationError");
}

TEST_F(IamServiceTest, ListingsPageWithMarker) {
  for (const char* name : {"d", "a", "c", "b", "e"}) ASSERT_EQ(call("CreateUser", {{"UserName", name}}).status, 200);
  std::vector<std::string> seen;
  std::string marker;
  int pages = 0;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> params = {{"MaxItems", "2"}};
    if (!marker.empty()) params.push_back({"Marker", marker});
    auto r = call("ListUsers", params);
    ASSERT_EQ(r.status, 200);
    ++pages;
    for (auto m : r.node("ListUsersResult/Users").children("member")) seen.push_back(m.child("UserName").text().get());
    if (r.text("ListUsersResult/IsTruncated") != "true") {
      EXPECT_FALSE(r.node("ListUsersResult/Marker"));
      break;
    }
    marker = r.text("ListUsersResult/Marker");
    ASSERT_FALSE(marker.empty());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(call("ListUsers", {{"MaxItems", "0"}}).code, "ValidationError");
  EXPECT_EQ(call("ListUsers", {{"PathPrefix", "/nothing/"}}).node("ListUsersResult/Users").first_child(), pugi::xml_node());
}

TEST_F(IamServiceTest, AttachedPoliciesPage) {
  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  std::vector<std::string> arns;
  for (int i = 0; i < 4; ++i) {
    auto p = call("CreatePolicy", {{"PolicyName", "p" + std::to_string(i)}, {"PolicyDocument", kSeedPolicyA}});
    arns.push_back(p.text("CreatePolicyResult/Policy/Arn"));
    ASSERT_EQ(call("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arns.back()}}).status, 200);
  }
  auto first = call("ListAttachedRolePolicies", {{"RoleName", "r"}, {"MaxItems", "3"}});
  EXPECT_EQ(first.text("ListAttachedRolePoliciesResult/IsTruncated"), "true");
  auto second = call("ListAttachedRolePolicies",
                     {{"RoleName", "r"}, {"Marker", first.text("ListAttachedRolePoliciesResult/Marker")}});
  EXPECT_EQ(second.text("ListAttachedRolePoliciesResult/AttachedPolicies/member/PolicyArn"), arns[3]);
  EXPECT_EQ(second.text("ListAttachedRolePoliciesResult/IsTruncated"), "false");
  auto ents = call("ListEntitiesForPolicy", {{"PolicyArn", arns[0]}});
  EXPECT_EQ(ents.text("ListEntitiesForPolicyResult/PolicyRoles/member/RoleName"), "r");
  EXPECT_EQ(call("GetPolicy", {{"PolicyArn", arns[0]}}).text("GetPolicyResult/Policy/AttachmentCount"), "1");
  auto only = call("ListPolicies", {{"Scope", "Local"}, {"OnlyAttached", "true"}});
  auto members = only.node("ListPoliciesResult/Policies");
  EXPECT_EQ(std::distance(members.children("member").begin(), members.children("member").end()), 4);
  EXPECT_FALSE(call("ListPolicies", {{"Scope", "AWS"}}).node("ListPoliciesResult/Policies").first_child());
}

TEST_F(IamServiceTest, InlinePolicies) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "u"}}).status, 200);
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "in"}, {"PolicyDocument", kSeedPolicyA}}).status,
            200);
  auto g = call("GetUserPolicy", {{"UserName", "u"}, {"PolicyName", "in"}});
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.text("GetUserPolicyResult/UserName"), "u");
  EXPECT_EQ(g.text("GetUserPolicyResult/PolicyName"), "in");
  EXPECT_EQ(decoded(g.text("GetUserPolicyResult/PolicyDocument")), kSeedPolicyA);
  auto l = call("ListUserPolicies", {{"UserName", "u"}});
  EXPECT_EQ(l.text("ListUserPoliciesResult/PolicyNames/member"), "in");
  auto missing = call("GetUserPolicy", {{"UserName", "u"}, {"PolicyName", "zz"}});
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.message, "The user policy with name zz cannot be found.");
  ASSERT_EQ(call("DeleteUserPolicy", {{"UserName", "u"}, {"PolicyName", "in"}}).status, 200);
  EXPECT_EQ(call("DeleteUserPolicy", {{"UserName", "u"}, {"PolicyName", "in"}}).code, "NoSuchEntity");

  ASSERT_EQ(call("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  ASSERT_EQ(call("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "x"}, {"PolicyDocument", kSeedPolicyA}}).status,
            200);
  EXPECT_EQ(call("GetRolePolicy", {{"RoleName", "r"}, {"PolicyName", "x"}}).text("GetRolePolicyResult/RoleName"), "r");
}

TEST_F(IamServiceTest, AccessKeysAndTheKeyLookup) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "u"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "x"}}).status,
            200);
  auto k = call("CreateAccessKey", {{"UserName", "u"}});
  ASSERT_EQ(k.status, 200);
  std::string id = k.text("CreateAccessKeyResult/AccessKey/AccessKeyId");
  std::string secret = k.text("CreateAccessKeyResult/AccessKey/SecretAccessKey");
  EXPECT_TRUE(std::regex_match(id, std::regex("AKIA[A-Z0-9]{16}")));
  EXPECT_EQ(secret.size(), 40u);
  EXPECT_EQ(k.text("CreateAccessKeyResult/AccessKey/Status"), "Active");

  auto lookup = user_key_lookup(dir_);
  auto info = lookup(id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->secret_access_key, secret);
  EXPECT_EQ(info->principal.type, core::PrincipalType::kUser);
  EXPECT_EQ(info->principal.arn, "arn:aws:iam::123456789012:user/u");
  EXPECT_EQ(info->principal.user_name, "u");
  EXPECT_EQ(info->principal.tags.at("team"), "x");
  EXPECT_TRUE(info->principal.user_id.starts_with("AIDA"));
  EXPECT_FALSE(info->principal.anonymous);

  auto list = call("ListAccessKeys", {{"UserName", "u"}});
  EXPECT_EQ(list.text("ListAccessKeysResult/AccessKeyMetadata/member/AccessKeyId"), id);
  EXPECT_TRUE(list.node("ListAccessKeysResult/AccessKeyMetadata/member/SecretAccessKey").empty());
  ASSERT_EQ(call("UpdateAccessKey", {{"UserName", "u"}, {"AccessKeyId", id}, {"Status", "Inactive"}}).status, 200);
  EXPECT_FALSE(lookup(id));
  EXPECT_EQ(call("ListAccessKeys", {{"UserName", "u"}}).text("ListAccessKeysResult/AccessKeyMetadata/member/Status"),
            "Inactive");
  EXPECT_EQ(call("UpdateAccessKey", {{"UserName", "u"}, {"AccessKeyId", id}, {"Status", "Off"}}).code,
            "ValidationError");
  EXPECT_EQ(call("DeleteUser", {{"UserName", "u"}}).code, "DeleteConflict");
  ASSERT_EQ(call("DeleteAccessKey", {{"UserName", "u"}, {"AccessKeyId", id}}).status, 200);
  EXPECT_EQ(call("DeleteAccessKey", {{"UserName", "u"}, {"AccessKeyId", id}}).code, "NoSuchEntity");
  EXPECT_FALSE(lookup("AKIANOTAKEY000000000"));
}

TEST_F(IamServiceTest, UsersManageTheirOwnKeysWithoutUserName) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "self"}}).status, 200);
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "self"}, {"PolicyName", "keys"},
                                   {"PolicyDocument", testing::allow_json("iam:*AccessKey*", "arn:aws:iam::*:user/${aws:username}")}})
                .status,
            200);
  auto me = user_principal("self");
  auto k = call("CreateAccessKey", {}, &me);
  ASSERT_EQ(k.status, 200) << k.message;
  EXPECT_EQ(k.text("CreateAccessKeyResult/AccessKey/UserName"), "self");
  auto g = call("GetUser", {}, &me);
  EXPECT_EQ(g.code, "AccessDenied");  // iam:GetUser not granted
  auto root_user = call("GetUser");
  EXPECT_EQ(root_user.text("GetUserResult/User/Arn"), "arn:aws:iam::123456789012:root");
}

TEST_F(IamServiceTest, NonRootCallersAreAuthorized) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "limited"}}).status, 200);
  ASSERT_EQ(call("CreateRole", {{"RoleName", "x"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  ASSERT_EQ(call("CreateRole", {{"RoleName", "y"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "limited"}, {"PolicyName", "p"},
                                   {"PolicyDocument", testing::allow_json("iam:GetRole", "arn:aws:iam::123456789012:role/x")}})
                .status,
            200);
  auto who = user_principal("limited");
  EXPECT_EQ(call("GetRole", {{"RoleName", "x"}}, &who).status, 200);
  auto denied = call("GetRole", {{"RoleName", "y"}}, &who);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.code, "AccessDenied");
  EXPECT_EQ(denied.message,
            "User: arn:aws:iam::123456789012:user/limited is not authorized to perform: iam:GetRole on resource: "
            "arn:aws:iam::123456789012:role/y because no identity-based policy allows the iam:GetRole action");
  // Authorization comes before existence: an unknown role is still AccessDenied.
  EXPECT_EQ(call("GetRole", {{"RoleName", "zz"}}, &who).code, "AccessDenied");
  auto list = call("ListRoles", {}, &who);
  EXPECT_EQ(list.code, "AccessDenied");
  EXPECT_NE(list.message.find("on resource: * because"), std::string::npos) << list.message;

  // Any IAM change invalidates cached policy sets: granting ListRoles takes effect on the next call.
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "limited"}, {"PolicyName", "list"},
                                   {"PolicyDocument", testing::allow_json("iam:ListRoles", "*")}})
                .status,
            200);
  EXPECT_EQ(call("ListRoles", {}, &who).status, 200);
  ASSERT_EQ(call("DeleteUserPolicy", {{"UserName", "limited"}, {"PolicyName", "list"}}).status, 200);
  EXPECT_EQ(call("ListRoles", {}, &who).code, "AccessDenied");
}

TEST_F(IamServiceTest, ExplicitDenyIsNamed) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "u"}}).status, 200);
  std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]})";
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "p"}, {"PolicyDocument", doc}}).status, 200);
  auto who = user_principal("u");
  EXPECT_EQ(call("ListUsers", {}, &who).status, 200);
  auto denied = call("DeleteUser", {{"UserName", "u"}}, &who);
  EXPECT_EQ(denied.code, "AccessDenied");
  EXPECT_NE(denied.message.find("with an explicit deny in an identity-based policy"), std::string::npos)
      << denied.message;
}

TEST_F(IamServiceTest, TagConditionKeysReachTheAuthorizer) {
  ASSERT_EQ(call("CreateUser", {{"UserName", "u"}}).status, 200);
  std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*",)"
      R"("Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]})";
  ASSERT_EQ(call("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "p"}, {"PolicyDocument", doc}}).status, 200);
  auto who = user_principal("u");
  EXPECT_EQ(call("CreateRole", {{"RoleName", "r1"}, {"AssumeRolePolicyDocument", kPodsTrust}}, &who).code,
            "AccessDenied");
  EXPECT_EQ(call("CreateRole", {{"RoleName", "r1"}, {"AssumeRolePolicyDocument", kPodsTrust},
                                {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"}},
                 &who)
                .status,
            200);
}

TEST_F(IamServiceTest, UnknownActionAndAnonymousCallers) {
  auto r = call("FlyToTheMoon");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "InvalidAction");
  core::Principal anon;
  auto a = call("ListUsers", {}, &anon);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code, "MissingAuthenticationToken");
  EXPECT_TRUE(IamService::knows_action("AttachRolePolicy"));
  EXPECT_FALSE(IamService::knows_action("AssumeRole"));
}

TEST_F(IamServiceTest, OversizedBodyIsRefused) {
  http::Request req;
  req.method = "POST";
  req.path = "/";
  std::string body = "Action=ListUsers&Junk=" + std::string(IamService::kMaxBodyBytes, 'x');
  http::StringBodySource source(body);
  req.body = &source;
  Call c{root_, facts_, "REQ-1"};
  auto res = service_.handle(c, req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().http_status(), 400);
}

}  // namespace
}  // namespace podbucket::iam
