// The whole agent on real sockets (127.0.0.1, free ports): credential listener, probes, metrics, janitor.
#include "agent/agent.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "agent/probes.h"
#include "agent/test_util.h"
#include "http/client.h"

namespace podbucket::agent {
namespace {

using namespace std::chrono;
using testing::FakeEksAuth;
using testing::pod_token;
using testing::SeededRandom;

AgentOptions local_options() {
  AgentOptions o;
  o.cluster_name = "gitlab-cluster";
  o.bind_hosts = {"127.0.0.1"};
  o.port = 0;
  o.probe_port = 0;
  o.metrics_host = "127.0.0.1";
  o.metrics_port = 0;
  return o;
}

http::ClientResponse get(uint16_t port, const std::string& path, const std::string& token = "") {
  http::Endpoint ep{false, "127.0.0.1", port, ""};
  http::Client client(ep);
  http::Request req;
  req.method = "GET";
  req.target = path;
  if (!token.empty()) req.headers.set("Authorization", token);
  auto r = client.send(req);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : http::ClientResponse{};
}

TEST(Agent, ServesCredentialsProbesAndMetrics) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  Agent agent(local_options(), eks, clock, random);
  agent.start();

  std::string token = pod_token(clock.now());
  auto res = get(agent.port(), "/v1/credentials", token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto json = nlohmann::json::parse(res.body);
  EXPECT_EQ(json["AccessKeyId"], "ASIA0001");
  EXPECT_TRUE(json["Expiration"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(get(agent.port(), "/v1/credentials", token).status, 200);
  EXPECT_EQ(eks.calls(), 1);
  EXPECT_EQ(get(agent.port(), "/").status, 404);

  for (const char* path : {"/healthz", "/readyz"}) {
    auto p = get(agent.probe_port(), path);
    EXPECT_EQ(p.status, 200) << path << p.body;
    EXPECT_EQ(p.body, "");
    EXPECT_EQ(get(agent.metrics_port(), path).status, 200);
  }
  EXPECT_EQ(get(agent.probe_port(), "/metrics").status, 404);

  auto m = get(agent.metrics_port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.body.find("pod_identity_http_response{code=\"200\"} 2\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("podbucket_agent_requests_total{code=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(m.body.find("podbucket_agent_cache_hits_total 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("podbucket_agent_cache_misses_total 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("pod_identity_cache_state{state=\"miss\"} 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("podbucket_agent_eks_auth_calls_total{kind=\"fetch\"} 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("podbucket_agent_cache_entries 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("# TYPE podbucket_agent_cache_hits_total counter\n"), std::string::npos);
  EXPECT_EQ(m.body.find(token), std::string::npos);  // tokens never leave the cache
  agent.stop();
}

TEST(Agent, NotReadyWhenAListenerDoesNotAnswer404) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  Agent agent(local_options(), eks, clock, random);
  agent.start();
  uint16_t probe = agent.probe_port();
  ASSERT_EQ(get(probe, "/readyz").status, 200);
  agent.stop();  // the credential listener is gone: the probe logic alone now fails
  std::vector<ProbeTarget> gone{{"127.0.0.1", agent.port()}};
  auto r = podbucket::agent::probe(gone, milliseconds(500));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Internal Server Error occurred\n");
}

TEST(Agent, ProbeDeadlineIs408) {
  // A listener that accepts but never answers.
  http::Server slow({}, [](http::Request&) {
    std::this_thread::sleep_for(milliseconds(400));
    http::Response r;
    r.status = 404;
    return r;
  }, nullptr);
  slow.start();
  auto r = probe({{"127.0.0.1", slow.port()}}, milliseconds(100));
  EXPECT_EQ(r.status, 408);
}

TEST(Agent, JanitorRenewsInTheBackground) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  auto o = local_options();
  o.cache.max_retention = seconds(1);
  o.cache.max_size = 2;
  o.janitor_interval = milliseconds(200);
  Agent agent(o, eks, clock, random);
  agent.start();
  std::string token = pod_token(clock.now());
  auto first = nlohmann::json::parse(get(agent.port(), "/v1/credentials", token).body)["AccessKeyId"];
  std::this_thread::sleep_for(milliseconds(1700));
  auto later = nlohmann::json::parse(get(agent.port(), "/v1/credentials", token).body)["AccessKeyId"];
  EXPECT_NE(first, later);
  EXPECT_GE(agent.metrics().value("pod_identity_cache_state", "state=\"hit\""), 1u);
  agent.stop();
}

TEST(Agent, ValidatesOptionsLikeTheRealAgent) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  auto o = local_options();
  o.cluster_name = "";
  EXPECT_THROW(Agent(o, eks, clock, random), std::invalid_argument);
  o = local_options();
  o.bind_hosts.clear();
  EXPECT_THROW(Agent(o, eks, clock, random), std::invalid_argument);
  o = local_options();
  o.cache.max_retention = seconds(100);  // 3/s × 100 s = 300 < 2000 / 2
  EXPECT_THROW(Agent(o, eks, clock, random), std::invalid_argument);
  o.cache.max_size = 600;
  EXPECT_NO_THROW(Agent(o, eks, clock, random));
}

TEST(Agent, UnavailableIpv6IsSkipped) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  auto o = local_options();
  o.bind_hosts = {"127.0.0.1", "[fd00:ec2::23]"};  // not an address of this machine
  Agent agent(o, eks, clock, random);
  agent.start();
  EXPECT_EQ(agent.bound_hosts(), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(get(agent.probe_port(), "/readyz").status, 200);
  agent.stop();
  o.bind_hosts = {"192.0.2.1", "[fd00:ec2::23]"};  // an IPv4 failure stays fatal
  Agent v4(o, eks, clock, random);
  EXPECT_THROW(v4.start(), std::runtime_error);
}

TEST(Agent, BindFailureIsReported) {
  core::SystemClock clock;
  SeededRandom random;
  FakeEksAuth eks(clock);
  auto o = local_options();
  o.bind_hosts = {"192.0.2.1"};  // TEST-NET-1: not an address of this machine
  Agent agent(o, eks, clock, random);
  EXPECT_THROW(agent.start(), std::runtime_error);
}

}  // namespace
}  // namespace podbucket::agent
