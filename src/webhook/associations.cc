#include "webhook/associations.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::webhook {

StaticAssociations::StaticAssociations(IdentitySet identities)
    : set_(std::make_shared<const IdentitySet>(std::move(identities))) {}

bool StaticAssociations::has(std::string_view ns, std::string_view sa) const {
  std::shared_ptr<const IdentitySet> s;
  {
    std::lock_guard lock(mu_);
    s = set_;
  }
  return s->count({std::string(ns), std::string(sa)}) > 0;
}

void StaticAssociations::replace(IdentitySet identities) {
  auto s = std::make_shared<const IdentitySet>(std::move(identities));
  std::lock_guard lock(mu_);
  set_ = std::move(s);
}

core::Result<IdentitySet> parse_identities_file(std::string_view text) {
  IdentitySet out;
  if (core::trim(text).empty()) return out;
  auto doc = nlohmann::json::parse(text, nullptr, false);
  auto bad = [] {
    return core::AwsError(core::kInvalidArgument,
                          "expected {\"identities\":[{\"namespace\":...,\"serviceAccount\":...}]}");
  };
  if (!doc.is_object()) return bad();
  auto it = doc.find("identities");
  if (it == doc.end() || it->is_null()) return out;
  if (!it->is_array()) return bad();
  for (const auto& id : *it) {
    if (!id.is_object() || !id.value("namespace", nlohmann::json()).is_string() ||
        !id.value("serviceAccount", nlohmann::json()).is_string()) {
      return bad();
    }
    out.emplace(id["namespace"].get<std::string>(), id["serviceAccount"].get<std::string>());
  }
  return out;
}

core::Result<std::string> parse_association_page(std::string_view body, IdentitySet& out) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  auto bad = [] { return core::AwsError(core::kInvalidArgument, "not a ListPodIdentityAssociations reply"); };
  if (!doc.is_object()) return bad();
  auto list = doc.find("associations");
  if (list == doc.end() || !list->is_array()) return bad();
  for (const auto& a : *list) {
    if (!a.is_object() || !a.value("namespace", nlohmann::json()).is_string() ||
        !a.value("serviceAccount", nlohmann::json()).is_string()) {
      return bad();
    }
    out.emplace(a["namespace"].get<std::string>(), a["serviceAccount"].get<std::string>());
  }
  auto next = doc.find("nextToken");
  return next != doc.end() && next->is_string() ? next->get<std::string>() : std::string();
}

EksAssociations::EksAssociations(EksAssociationsOptions options, CredentialsSource credentials,
                                 const core::Clock& clock)
    : options_(std::move(options)), credentials_(std::move(credentials)), clock_(clock) {
  auto ep = http::parse_endpoint(options_.endpoint);
  if (!ep) throw std::invalid_argument(ep.error().message());
  endpoint_ = *ep;
  http::Client probe(endpoint_, options_.client);  // loads the CA file now, so a bad one fails at start-up
}

EksAssociations::~EksAssociations() { stop(); }

bool EksAssociations::has(std::string_view ns, std::string_view sa) const { return current_.has(ns, sa); }

core::Result<size_t> EksAssociations::refresh() {
  http::Client client(endpoint_, options_.client);
  IdentitySet found;
  std::string next;
  for (int page = 0; page < 10000; ++page) {
    auto creds = credentials_();
    if (!creds) return creds.error();
    http::Request req;
    req.method = "GET";
    req.path = endpoint_.base_path + "/clusters/" + core::uri_encode(options_.cluster) + "/pod-identity-associations";
    req.raw_query = "maxResults=100";
    if (!next.empty()) req.raw_query += "&nextToken=" + core::uri_encode(next);
    req.headers.set("Host", endpoint_.host_header());
    sigv4::sign_request(req, *creds, options_.region, "eks", clock_.now(), core::hex_encode(crypto::sha256("")));
    auto reply = client.send(req);
    if (!reply) return reply.error();
    if (reply->status != 200) {
      std::string code(reply->headers.get("x-amzn-ErrorType").value_or("UnknownError"));
      if (auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
      auto body = nlohmann::json::parse(reply->body, nullptr, false);
      std::string message = body.is_object() ? body.value("message", std::string()) : std::string();
      return core::AwsError(core::ErrorCode{"ListPodIdentityAssociationsFailed", reply->status},
                            code + ": " + message);
    }
    auto token = parse_association_page(reply->body, found);
    if (!token) return token.error();
    next = *token;
    if (next.empty()) break;
  }
  size_t n = found.size();
  current_.replace(std::move(found));
  ready_ = true;
  return n;
}

void EksAssociations::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    do {
      lock.unlock();
      auto r = refresh();
      if (!r) spdlog::warn("webhook: cannot refresh the pod identity associations: {}", r.error().message());
      lock.lock();
    } while (!cv_.wait_for(lock, options_.refresh_interval, [this] { return stopping_; }));
  });
}

void EksAssociations::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace podbucket::webhook
