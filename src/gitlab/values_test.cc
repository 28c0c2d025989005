// `podbucket gitlab values`: golden output, the parts, no key anywhere, and the option checks.
#include "gitlab/values.h"

#include <gtest/gtest.h>

#include <regex>

#include "gitlab/test_util.h"

namespace podbucket::gitlab {
namespace {

std::string render(ValuesOptions options) {
  auto text = render_values(options);
  EXPECT_TRUE(text) << (text ? "" : text.error().message());
  return text ? *text : std::string();
}

TEST(Values, DefaultOutputMatchesGolden) {
  auto text = render({});
  EXPECT_EQ(text, testing::golden("values_default.yaml", text));
}

TEST(Values, HttpsEndpointWithS3V2MatchesGolden) {
  ValuesOptions o;
  o.endpoint = "https://s3.store.example/";
  o.name_prefix = "acme-gitlab";
  o.region = "eu-west-1";
  o.registry_driver = RegistryDriver::kS3V2;
  o.part = ValuesPart::kRegistryStorage;
  auto text = render(o);
  EXPECT_EQ(text, testing::golden("registry_storage_s3_v2_https.yaml", text));
}

TEST(Values, PartsAreTheirPiecesOfAll) {
  ValuesOptions o;
  o.endpoint = "http://10.0.0.5:9000";
  o.name_prefix = "gl";
  std::string all = render(o);
  o.part = ValuesPart::kValues;
  std::string values = render(o);
  o.part = ValuesPart::kManifests;
  std::string manifests = render(o);
  o.part = ValuesPart::kConnection;
  std::string connection = render(o);
  o.part = ValuesPart::kRegistryStorage;
  std::string registry = render(o);

  EXPECT_NE(all.find(values + "---\n" + manifests), std::string::npos);
  EXPECT_EQ(values.find("kind:"), std::string::npos);
  EXPECT_NE(manifests.find("kind: ServiceAccount"), std::string::npos);
  // The secrets carry the raw parts, indented under stringData.
  EXPECT_NE(manifests.find("  connection: |\n    provider: AWS\n"), std::string::npos);
  EXPECT_NE(manifests.find("  config: |\n    s3:\n      bucket: gl-registry\n"), std::string::npos);
  EXPECT_TRUE(connection.starts_with("provider: AWS\n"));
  EXPECT_NE(connection.find("endpoint: \"http://10.0.0.5:9000\"\n"), std::string::npos);
  EXPECT_NE(connection.find("path_style: true"), std::string::npos);
  EXPECT_NE(connection.find("use_iam_profile: true"), std::string::npos);
  EXPECT_NE(connection.find("aws_signature_version: 4\n"), std::string::npos);
  EXPECT_NE(registry.find("  regionendpoint: \"http://10.0.0.5:9000\"\n"), std::string::npos);
  EXPECT_NE(registry.find("  secure: false\n"), std::string::npos);
  EXPECT_NE(registry.find("  v4auth: true\n"), std::string::npos);
  // Every bucket the chart needs, named once where the spec says.
  for (const char* line : {"      bucket: gl-lfs\n", "      bucket: gl-artifacts\n", "      bucket: gl-uploads\n",
                           "      bucket: gl-packages\n", "      bucket: gl-backups\n", "      tmpBucket: gl-tmp\n",
                           "    bucket: gl-registry\n"}) {
    EXPECT_NE(values.find(line), std::string::npos) << line;
  }
  EXPECT_NE(values.find("extraArgs: \"--s3tool awscli --aws-s3-endpoint-url http://10.0.0.5:9000 --aws-region "
                        "us-east-1\""),
            std::string::npos);
}

TEST(Values, NoKeyFieldAnywhere) {
  for (auto driver : {RegistryDriver::kS3, RegistryDriver::kS3V2}) {
    ValuesOptions o;
    o.registry_driver = driver;
    std::string all = render(o);
    std::regex key_field(R"((^|\n)\s*(aws_access_key_id|aws_secret_access_key|accesskey|secretkey|sessiontoken)\s*:)");
    EXPECT_FALSE(std::regex_search(all, key_field));
    EXPECT_EQ(all.find("eks.amazonaws.com/role-arn:"), std::string::npos);
  }
}

TEST(Values, S3V2HasNoV4authAndKeepsTheRest) {
  ValuesOptions o;
  o.registry_driver = RegistryDriver::kS3V2;
  o.part = ValuesPart::kRegistryStorage;
  std::string registry = render(o);
  EXPECT_TRUE(registry.starts_with("s3_v2:\n"));
  EXPECT_EQ(registry.find("v4auth"), std::string::npos);
  EXPECT_NE(registry.find("  pathstyle: true\n"), std::string::npos);
}

TEST(Values, RejectsBadOptions) {
  auto fails = [](auto mutate) {
    ValuesOptions o;
    mutate(o);
    auto r = render_values(o);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message();
  };
  EXPECT_NE(fails([](auto& o) { o.endpoint = "ftp://host"; }).find("--endpoint"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.endpoint = "http://host:9000/s3"; }).find("/s3"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.name_prefix = "Upper"; }).find("Upper-registry"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.name_prefix = "-x"; }).find("--name-prefix"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.name_prefix = std::string(54, 'a'); }).find("--name-prefix"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.name_prefix = "a..b"; }).find("--name-prefix"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.region = "us east"; }).find("--region"), std::string::npos);
  EXPECT_NE(fails([](auto& o) { o.region = ""; }).find("--region"), std::string::npos);
  // The longest suffix ("artifacts", 9) + '-' leaves 53 characters for the prefix.
  ValuesOptions ok;
  ok.name_prefix = std::string(53, 'a');
  EXPECT_TRUE(render_values(ok));
}

TEST(Values, ParsesParts) {
  EXPECT_EQ(parse_values_part("all"), ValuesPart::kAll);
  EXPECT_EQ(parse_values_part("values"), ValuesPart::kValues);
  EXPECT_EQ(parse_values_part("manifests"), ValuesPart::kManifests);
  EXPECT_EQ(parse_values_part("connection"), ValuesPart::kConnection);
  EXPECT_EQ(parse_values_part("registry-storage"), ValuesPart::kRegistryStorage);
  EXPECT_EQ(parse_values_part("secrets"), std::nullopt);
}

}  // namespace
}  // namespace podbucket::gitlab
