#include "cli/provision.h"

#include <pugixml.hpp>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::cli {
namespace {

using json = nlohmann::json;

core::AwsError step_failed(std::string_view step, const http::ClientResponse& res) {
  return core::AwsError(core::kInternalError, std::string(step) + ": " + describe_failure(res));
}

// Runs one call; a response with status 200/204, or with one of `tolerated` error codes, passes.
core::Result<http::ClientResponse> expect(std::string_view step, core::Result<http::ClientResponse> res,
                                          std::initializer_list<std::string_view> tolerated = {}) {
  if (!res) return res.error();
  if (res->status == 200 || res->status == 204) return res;
  std::string code = error_code_of(*res);
  for (auto t : tolerated)
    if (code == t) return res;
  return step_failed(step, *res);
}

std::string xml_text(const std::string& body, const char* xpath) {
  pugi::xml_document doc;
  if (!doc.load_string(body.c_str())) return {};
  auto node = doc.select_node(xpath);
  return node ? node.node().child_value() : std::string();
}

core::Result<void> provision_cluster(AwsCaller& aws, const ProvisionOptions& o) {
  std::string cluster(gitlab::kClusterName);
  auto found = aws.rest_json("eks", "GET", "/clusters/" + cluster);
  if (!found) return found.error();
  if (found->status == 404) {
    json body = {{"name", cluster},
                 {"roleArn", "arn:aws:iam::" + o.account_id + ":role/" + o.name_prefix + "-eks-cluster"},
                 {"resourcesVpcConfig", {{"subnetIds", json::array()}}}};
    if (auto r = expect("CreateCluster", aws.rest_json("eks", "POST", "/clusters", body), {"ResourceInUseException"});
        !r)
      return r.error();
  } else if (found->status != 200) {
    return step_failed("DescribeCluster", *found);
  }
  auto addon = aws.rest_json("eks", "GET", "/clusters/" + cluster + "/addons/" + std::string(gitlab::kAddonName));
  if (!addon) return addon.error();
  if (addon->status == 404) {
    json body = {{"addonName", gitlab::kAddonName}};
    if (auto r = expect("CreateAddon", aws.rest_json("eks", "POST", "/clusters/" + cluster + "/addons", body),
                        {"ResourceInUseException"});
        !r)
      return r.error();
  }
  return {};
}

core::Result<void> provision_bucket(AwsCaller& aws, const std::string& bucket, const std::string& kms_key_arn,
                                    const ProvisionOptions& o) {
  std::string path = "/" + bucket;
  std::string location;
  if (aws.region() != "us-east-1") {
    location = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
               aws.region() + "</LocationConstraint></CreateBucketConfiguration>";
  }
  if (auto r = expect("CreateBucket " + bucket, aws.call("s3", "PUT", path, {}, location), {"BucketAlreadyOwnedByYou"});
      !r)
    return r.error();
  const std::string ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  std::vector<std::pair<std::string, std::string>> configs = {
      {"versioning", "<VersioningConfiguration " + ns + "><Status>Enabled</Status></VersioningConfiguration>"},
      {"encryption", "<ServerSideEncryptionConfiguration " + ns +
                         "><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
                         "<KMSMasterKeyID>" +
                         kms_key_arn +
                         "</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false"
                         "</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>"},
      {"publicAccessBlock", "<PublicAccessBlockConfiguration " + ns +
                                "><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
                                "<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true"
                                "</RestrictPublicBuckets></PublicAccessBlockConfiguration>"},
      {"lifecycle", gitlab::Layout::lifecycle_configuration(o.noncurrent_days, o.abort_days)},
  };
  for (const auto& [sub, body] : configs) {
    std::string md5 = core::base64_encode(crypto::md5(body));
    if (auto r = expect("Put " + sub + " " + bucket,
                        aws.call("s3", "PUT", path, sub, body, {{"Content-MD5", md5}, {"Content-Type", "application/xml"}}));
        !r)
      return r.error();
  }
  return {};
}

core::Result<std::string> aws_s3_key_arn(AwsCaller& aws) {
  auto r = expect("DescribeKey alias/aws/s3", aws.kms("DescribeKey", {{"KeyId", "alias/aws/s3"}}));
  if (!r) return r.error();
  auto body = json::parse(r->body, nullptr, false);
  if (!body.is_object() || !body.contains("KeyMetadata")) {
    return core::AwsError(core::kInternalError, "DescribeKey alias/aws/s3: no KeyMetadata in the answer");
  }
  return body["KeyMetadata"].value("Arn", "");
}

// Creates the policy, or makes `document` its default version when the current default differs.
core::Result<std::string> provision_policy(AwsCaller& aws, const std::string& account, const gitlab::Policy& p) {
  std::string arn = "arn:aws:iam::" + account + ":policy/" + p.name;
  auto got = aws.query("iam", "GetPolicy", {{"PolicyArn", arn}});
  if (!got) return got.error();
  if (got->status == 404) {
    auto r = expect("CreatePolicy " + p.name,
                    aws.query("iam", "CreatePolicy", {{"PolicyName", p.name}, {"PolicyDocument", p.document}}));
    if (!r) return r.error();
    return arn;
  }
  if (got->status != 200) return step_failed("GetPolicy " + p.name, *got);
  std::string default_version = xml_text(got->body, "//Policy/DefaultVersionId");
  auto version = expect("GetPolicyVersion " + p.name,
                        aws.query("iam", "GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", default_version}}));
  if (!version) return version.error();
  auto current_text = core::percent_decode(xml_text(version->body, "//PolicyVersion/Document"), false);
  auto current = json::parse(current_text.value_or(""), nullptr, false);
  if (current == json::parse(p.document)) return arn;

  // Make room: IAM keeps at most five versions.
  auto versions = expect("ListPolicyVersions " + p.name, aws.query("iam", "ListPolicyVersions", {{"PolicyArn", arn}}));
  if (!versions) return versions.error();
  pugi::xml_document doc;
  doc.load_string(versions->body.c_str());
  auto members = doc.select_nodes("//Versions/member");
  if (members.size() >= 5) {
    std::string oldest;
    for (const auto& m : members) {
      if (std::string_view(m.node().child("IsDefaultVersion").child_value()) == "true") continue;
      oldest = m.node().child("VersionId").child_value();  // listed newest first: the last one is the oldest
    }
    if (auto r = expect("DeletePolicyVersion " + p.name,
                        aws.query("iam", "DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", oldest}}));
        !r)
      return r.error();
  }
  auto r = expect("CreatePolicyVersion " + p.name,
                  aws.query("iam", "CreatePolicyVersion",
                            {{"PolicyArn", arn}, {"PolicyDocument", p.document}, {"SetAsDefault", "true"}}));
  if (!r) return r.error();
  return arn;
}

core::Result<std::string> provision_role(AwsCaller& aws, const gitlab::Layout& layout,
                                         const std::vector<std::string>& policy_arns) {
  const std::string name = layout.role_name();
  auto got = aws.query("iam", "GetRole", {{"RoleName", name}});
  if (!got) return got.error();
  std::string arn;
  if (got->status == 404) {
    auto r = expect("CreateRole " + name, aws.query("iam", "CreateRole", {{"RoleName", name},
                                                                         {"AssumeRolePolicyDocument",
                                                                          gitlab::Layout::trust_policy()}}));
    if (!r) return r.error();
    arn = xml_text(r->body, "//Role/Arn");
  } else if (got->status == 200) {
    arn = xml_text(got->body, "//Role/Arn");
    auto r = expect("UpdateAssumeRolePolicy " + name,
                    aws.query("iam", "UpdateAssumeRolePolicy",
                              {{"RoleName", name}, {"PolicyDocument", gitlab::Layout::trust_policy()}}));
    if (!r) return r.error();
  } else {
    return step_failed("GetRole " + name, *got);
  }
  for (const auto& policy_arn : policy_arns) {
    auto r = expect("AttachRolePolicy " + policy_arn,
                    aws.query("iam", "AttachRolePolicy", {{"RoleName", name}, {"PolicyArn", policy_arn}}));
    if (!r) return r.error();
  }
  return arn;
}

core::Result<std::string> provision_association(AwsCaller& aws, const std::string& role_arn) {
  const std::string base = "/clusters/" + std::string(gitlab::kClusterName) + "/pod-identity-associations";
  auto listed = aws.call("eks", "GET", base,
                         "namespace=" + std::string(gitlab::kNamespace) +
                             "&serviceAccount=" + std::string(gitlab::kServiceAccount));
  auto ok = expect("ListPodIdentityAssociations", std::move(listed));
  if (!ok) return ok.error();
  auto summaries = json::parse(ok->body, nullptr, false).value("associations", json::array());
  if (!summaries.empty()) {
    std::string id = summaries[0].value("associationId", "");
    auto described = expect("DescribePodIdentityAssociation", aws.rest_json("eks", "GET", base + "/" + id));
    if (!described) return described.error();
    auto current = json::parse(described->body, nullptr, false)["association"].value("roleArn", "");
    if (current != role_arn) {
      auto r = expect("UpdatePodIdentityAssociation",
                      aws.rest_json("eks", "POST", base + "/" + id, {{"roleArn", role_arn}}));
      if (!r) return r.error();
    }
    return id;
  }
  auto created = expect("CreatePodIdentityAssociation",
                        aws.rest_json("eks", "POST", base,
                                      {{"namespace", gitlab::kNamespace},
                                       {"serviceAccount", gitlab::kServiceAccount},
                                       {"roleArn", role_arn}}));
  if (!created) return created.error();
  return json::parse(created->body, nullptr, false)["association"].value("associationId", "");
}

}  // namespace

core::Result<ProvisionResult> provision_gitlab(AwsCaller& aws, const ProvisionOptions& o) {
  ProvisionResult out;
  if (auto r = provision_cluster(aws, o); !r) return r.error();
  auto key = aws_s3_key_arn(aws);
  if (!key) return key.error();
  out.kms_key_arn = *key;

  gitlab::Layout layout(o.name_prefix, o.account_id, out.kms_key_arn, o.seed_exact);
  for (const auto& bucket : layout.bucket_names()) {
    if (auto r = provision_bucket(aws, bucket, out.kms_key_arn, o); !r) return r.error();
    out.buckets.push_back(bucket);
  }
  std::vector<std::string> policy_arns;
  for (const auto& p : layout.policies()) {
    auto arn = provision_policy(aws, o.account_id, p);
    if (!arn) return arn.error();
    policy_arns.push_back(*arn);
  }
  auto role = provision_role(aws, layout, policy_arns);
  if (!role) return role.error();
  out.role_arn = *role;
  auto association = provision_association(aws, out.role_arn);
  if (!association) return association.error();
  out.association_id = *association;
  out.fixes = layout.fixes();
  return out;
}

}  // namespace podbucket::cli
