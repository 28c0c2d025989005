// The webhook's patches: the recorded AdmissionReview fixtures (tests/e2e/fixtures/webhook) against the spec's
// expected patches, and one case per skip and precedence rule of spec 4.2-4.3.
#include "webhook/patch.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "http/message.h"
#include "webhook/review.h"

namespace podbucket::webhook {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

class SeededRandom final : public core::Random {
 public:
  explicit SeededRandom(uint32_t seed = 1) : next_(seed) {}
  std::string bytes(size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = char((next_ = next_ * 1103515245 + 12345) >> 16);
    return out;
  }

 private:
  uint32_t next_;
};

ojson fixture(const std::string& name) {
  std::ifstream in(std::string(PODBUCKET_WEBHOOK_FIXTURES) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return ojson::parse(s.str());
}

// The decoded patch of an AdmissionReview response.
json decoded_patch(const ojson& response) {
  auto bytes = core::base64_decode(response["response"]["patch"].get<std::string>());
  EXPECT_TRUE(bytes);
  return json::parse(*bytes);
}

IdentitySet gitlab_identities() { return {{"gitlab", "gitlab-global"}}; }

TEST(Fixtures, GitlabWebservicePodGetsTheSpecsPatch) {
  auto review = fixture("gitlab-webservice.review.json");
  auto expected = fixture("gitlab-webservice.expected.json");
  StaticAssociations associations(gitlab_identities());
  SeededRandom random;
  auto response = review_response(review, associations, InjectionConfig{}, random);
  EXPECT_EQ(response["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(response["kind"], "AdmissionReview");
  EXPECT_EQ(response["response"]["uid"], expected["uid"]);
  EXPECT_EQ(response["response"]["allowed"], true);
  EXPECT_EQ(response["response"]["patchType"], "JSONPatch");
  json patch = decoded_patch(response);
  // The default 86400 s is jittered into [79200, 86400].
  auto& exp = patch[1]["value"]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"];
  ASSERT_TRUE(exp.is_number_integer());
  EXPECT_GE(exp.get<int64_t>(), expected["expirationSecondsRange"][0].get<int64_t>());
  EXPECT_LE(exp.get<int64_t>(), expected["expirationSecondsRange"][1].get<int64_t>());
  exp = nullptr;
  EXPECT_EQ(patch, json::parse(expected["patch"].dump()));
}

TEST(Fixtures, JitterVaries) {
  auto pod = fixture("gitlab-webservice.review.json")["request"]["object"];
  std::set<int64_t> seen;
  for (uint32_t seed = 1; seed < 20; ++seed) {
    SeededRandom random(seed);
    auto patch = pod_patch(pod, InjectionConfig{}, random);
    seen.insert(patch[1]["value"]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"].get<int64_t>());
  }
  EXPECT_GT(seen.size(), 10u);
  for (int64_t v : seen) {
    EXPECT_GE(v, 79200);
    EXPECT_LE(v, 86400);
  }
}

TEST(Fixtures, PodWithoutAnAssociationIsNotPatched) {
  auto review = fixture("no-association.review.json");
  auto expected = fixture("no-association.expected.json");
  StaticAssociations associations(gitlab_identities());
  SeededRandom random;
  auto response = review_response(review, associations, InjectionConfig{}, random);
  EXPECT_EQ(response, expected["response"]);
  // The same pod is patched once its service account gets an association.
  StaticAssociations both(IdentitySet{{"gitlab", "gitlab-global"}, {"gitlab", "gitlab-redis"}});
  auto patched = review_response(review, both, InjectionConfig{}, random);
  EXPECT_EQ(patched["response"]["patchType"], "JSONPatch");
}

TEST(Fixtures, AssociationIsPerNamespace) {
  auto review = fixture("gitlab-webservice.review.json");
  review["request"]["namespace"] = "gitlab-staging";
  StaticAssociations associations(gitlab_identities());
  SeededRandom random;
  auto response = review_response(review, associations, InjectionConfig{}, random);
  EXPECT_FALSE(response["response"].contains("patch"));
  EXPECT_EQ(response["response"]["allowed"], true);
}

// ---- rules, on small pods ------------------------------------------------------------------------------------

ojson small_pod() {
  return ojson::parse(R"({"metadata":{"name":"app","namespace":"ns"},
    "spec":{"serviceAccountName":"sa","containers":[{"name":"app","image":"app:1"}]}})");
}

json patch_of(const ojson& pod, const InjectionConfig& config = {}) {
  SeededRandom random;
  return json::parse(pod_patch(pod, config, random).dump());
}

const char* kUri = "http://169.254.170.23/v1/credentials";
const char* kTokenFile = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token";
const char* kMount = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";

TEST(PodPatch, BarePodGetsMapsAndArrays) {
  auto pod = small_pod();
  pod["metadata"]["annotations"] = {{"eks.amazonaws.com/token-expiration", "3600"}};
  json expected = json::parse(std::string(R"([
    {"op":"add","path":"/metadata/labels","value":{"eks.amazonaws.com/pod-identity":"enabled"}},
    {"op":"add","path":"/spec/volumes","value":[{"name":"eks-pod-identity-token","projected":{"sources":[
      {"serviceAccountToken":{"audience":"pods.eks.amazonaws.com","expirationSeconds":3600,
       "path":"eks-pod-identity-token"}}]}}]},
    {"op":"add","path":"/spec/containers","value":[{"name":"app","image":"app:1","env":[
      {"name":"AWS_CONTAINER_CREDENTIALS_FULL_URI","value":")") + kUri + R"("},
      {"name":"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE","value":")" + kTokenFile + R"("}],
      "volumeMounts":[{"name":"eks-pod-identity-token","readOnly":true,"mountPath":")" + kMount + R"("}]}]}])");
  EXPECT_EQ(patch_of(pod), expected);
}

TEST(PodPatch, TokenExpirationAnnotationRules) {
  auto exp_of = [](const char* annotation, int64_t flag) {
    auto pod = small_pod();
    if (annotation) pod["metadata"]["annotations"] = {{"eks.amazonaws.com/token-expiration", annotation}};
    InjectionConfig c;
    c.token_expiration = flag;
    return patch_of(pod, c)[1]["value"][0]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"]
        .get<int64_t>();
  };
  EXPECT_EQ(exp_of("10000", 86400), 10000);
  EXPECT_EQ(exp_of("100", 86400), 600);       // raised to the minimum
  EXPECT_EQ(exp_of(nullptr, 7200), 7200);     // the flag
  EXPECT_EQ(exp_of("soon", 7200), 7200);      // an unparsable annotation is ignored
  EXPECT_EQ(exp_of(nullptr, 300), 600);
  int64_t jittered = exp_of("86400", 3600);   // the default value is jittered wherever it comes from
  EXPECT_GE(jittered, 79200);
  EXPECT_LE(jittered, 86400);
}

TEST(PodPatch, ExistingLabelsGetOneKey) {
  auto pod = small_pod();
  pod["metadata"]["labels"] = {{"app", "x"}};
  auto p = patch_of(pod);
  EXPECT_EQ(p[0], json::parse(R"({"op":"add","path":"/metadata/labels/eks.amazonaws.com~1pod-identity","value":"enabled"})"));
}

TEST(PodPatch, ExistingVolumesGetThePrepend) {
  auto pod = small_pod();
  pod["spec"]["volumes"] = ojson::parse(R"([{"name":"data","emptyDir":{}}])");
  auto p = patch_of(pod);
  EXPECT_EQ(p[1]["path"], "/spec/volumes/0");
  EXPECT_EQ(p[1]["value"]["name"], "eks-pod-identity-token");
}

TEST(PodPatch, SkipContainersAnnotation) {
  auto pod = small_pod();
  pod["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoy"}});
  pod["spec"]["initContainers"] = ojson::parse(R"([{"name":"init","image":"busybox"},{"name":"migrate","image":"m"}])");
  pod["metadata"]["annotations"] = {{"eks.amazonaws.com/skip-containers", "sidecar,init"}};
  auto p = patch_of(pod);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[2]["value"][0]["env"].size(), 2u);
  EXPECT_EQ(p[2]["value"][1], json::parse(R"({"name":"sidecar","image":"envoy"})"));
  EXPECT_EQ(p[3]["path"], "/spec/initContainers");
  EXPECT_EQ(p[3]["value"][0], json::parse(R"({"name":"init","image":"busybox"})"));
  EXPECT_EQ(p[3]["value"][1]["env"][1]["value"], kTokenFile);
}

TEST(PodPatch, ContainerWithEitherVariableKeepsItsOwn) {
  for (const char* name : {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}) {
    auto pod = small_pod();
    pod["spec"]["containers"][0]["env"] = ojson::array({{{"name", name}, {"value", "mine"}}});
    auto p = patch_of(pod);
    const auto& c = p[2]["value"][0];
    EXPECT_EQ(c["env"], json::parse(std::string(R"([{"name":")") + name + R"(","value":"mine"}])")) << name;
    // The mount is still added: region and STS variables are not all present.
    EXPECT_EQ(c["volumeMounts"].size(), 1u) << name;
  }
}

TEST(PodPatch, ContainerWithEverythingIsUntouched) {
  auto pod = small_pod();
  pod["spec"]["containers"][0]["env"] = ojson::parse(R"([
    {"name":"AWS_CONTAINER_CREDENTIALS_FULL_URI","value":"u"},{"name":"AWS_REGION","value":"eu-west-1"},
    {"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}])");
  auto p = patch_of(pod);
  EXPECT_FALSE(p[2]["value"][0].contains("volumeMounts"));
  EXPECT_EQ(p[2]["value"][0]["env"].size(), 3u);
}

TEST(PodPatch, RegionAndStsWhenConfigured) {
  InjectionConfig c;
  c.region = "us-east-1";
  c.sts_regional_endpoints = true;
  auto pod = small_pod();
  pod["spec"]["containers"].push_back(
      ojson::parse(R"({"name":"b","env":[{"name":"AWS_DEFAULT_REGION","value":"eu-central-1"}]})"));
  auto p = patch_of(pod, c);
  std::vector<std::string> names;
  for (const auto& e : p[2]["value"][0]["env"]) names.push_back(e["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"AWS_STS_REGIONAL_ENDPOINTS", "AWS_DEFAULT_REGION", "AWS_REGION",
                                             "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                             "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}));
  names.clear();
  for (const auto& e : p[2]["value"][1]["env"]) names.push_back(e["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS",
                                             "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                             "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}));
}

TEST(PodPatch, NothingIsDuplicated) {
  SeededRandom random;
  auto pod = small_pod();
  // Apply the patch by hand, then ask again: nothing more to do.
  auto p = pod_patch(pod, InjectionConfig{}, random);
  pod["metadata"]["labels"] = p[0]["value"];
  pod["spec"]["volumes"] = p[1]["value"];
  pod["spec"]["containers"] = p[2]["value"];
  EXPECT_TRUE(pod_patch(pod, InjectionConfig{}, random).empty());
  // A pod that has the volume and mount but lacks the env gets the env only, once.
  pod["spec"]["containers"][0].erase("env");
  auto again = json::parse(pod_patch(pod, InjectionConfig{}, random).dump());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["path"], "/spec/containers");
  EXPECT_EQ(again[0]["value"][0]["volumeMounts"].size(), 1u);
  EXPECT_EQ(again[0]["value"][0]["env"].size(), 2u);
}

TEST(PodPatch, MountPathAlreadyUsed) {
  auto pod = small_pod();
  pod["spec"]["containers"][0]["volumeMounts"] = ojson::parse(std::string(R"([{"name":"own","mountPath":")") + kMount + R"("}])");
  auto p = patch_of(pod);
  EXPECT_EQ(p[2]["value"][0]["volumeMounts"].size(), 1u);
  EXPECT_EQ(p[2]["value"][0]["volumeMounts"][0]["name"], "own");
}

TEST(PodPatch, ForeignVolumeOfTheReservedNameMeansNoPatch) {
  auto pod = small_pod();
  pod["spec"]["volumes"] = ojson::parse(R"([{"name":"eks-pod-identity-token","hostPath":{"path":"token"}}])");
  EXPECT_TRUE(patch_of(pod).empty());
}

TEST(PodPatch, WindowsTokenPath) {
  for (const char* key : {"kubernetes.io/os", "beta.kubernetes.io/os"}) {
    auto pod = small_pod();
    pod["spec"]["nodeSelector"] = {{key, "windows"}};
    auto p = patch_of(pod);
    EXPECT_EQ(p[2]["value"][0]["env"][1]["value"],
              "C:\\var\\run\\secrets\\pods.eks.amazonaws.com\\serviceaccount\\eks-pod-identity-token");
  }
}

// ---- AdmissionReview envelope and HTTP ------------------------------------------------------------------------

TEST(Review, SkipLabelAndDefaultServiceAccount) {
  StaticAssociations assoc(IdentitySet{{"ns", "default"}, {"ns", "sa"}});
  SeededRandom random;
  ojson review = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"},
                  {"request", {{"uid", "u1"}, {"namespace", "ns"}, {"object", small_pod()}}}};
  review["request"]["object"]["metadata"]["labels"] = {{"eks.amazonaws.com/skip-pod-identity-webhook", "true"}};
  auto r = review_response(review, assoc, InjectionConfig{}, random);
  EXPECT_EQ(json::parse(r["response"].dump()), json::parse(R"({"uid":"u1","allowed":true})"));
  review["request"]["object"]["metadata"].erase("labels");
  review["request"]["object"]["spec"].erase("serviceAccountName");
  r = review_response(review, assoc, InjectionConfig{}, random);  // "default" has an association
  EXPECT_EQ(r["response"]["patchType"], "JSONPatch");
}

TEST(Review, BadContent) {
  StaticAssociations assoc;
  SeededRandom random;
  auto r = review_response(ojson::parse(R"({"kind":"AdmissionReview"})"), assoc, InjectionConfig{}, random);
  EXPECT_EQ(json::parse(r["response"].dump()),
            json::parse(R"({"uid":"","allowed":false,"status":{"message":"bad content"}})"));
  r = review_response(ojson::parse(R"({"request":{"uid":"u2"}})"), assoc, InjectionConfig{}, random);
  EXPECT_EQ(r["response"]["uid"], "u2");
  EXPECT_EQ(r["response"]["allowed"], false);
}

http::Response call(const std::string& method, const std::string& path, const std::string& content_type,
                    const std::string& body) {
  static StaticAssociations assoc(IdentitySet{{"gitlab", "gitlab-global"}});
  static SeededRandom random;
  http::Request req;
  req.method = method;
  req.path = path;
  if (!content_type.empty()) req.headers.set("Content-Type", content_type);
  http::StringBodySource source(body);
  req.body = &source;
  return handle_request(req, assoc, InjectionConfig{}, random);
}

TEST(Review, Http) {
  auto ok = call("GET", "/healthz", "", "");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok");
  EXPECT_EQ(call("GET", "/", "", "").status, 404);
  auto wrong = call("POST", "/mutate", "application/json; charset=utf-8", "{}");
  EXPECT_EQ(wrong.status, 415);
  EXPECT_EQ(wrong.body, "Invalid Content-Type, expected `application/json`\n");
  auto bad = call("POST", "/mutate", "application/json", "{not json");
  EXPECT_EQ(bad.status, 200);
  EXPECT_EQ(json::parse(bad.body)["response"]["allowed"], false);
  auto review = fixture("gitlab-webservice.review.json");
  auto res = call("POST", "/mutate", "application/json", review.dump());
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.get("Content-Type"), "application/json");
  auto body = json::parse(res.body);
  EXPECT_EQ(body["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(body["response"]["patchType"], "JSONPatch");
}

}  // namespace
}  // namespace podbucket::webhook
