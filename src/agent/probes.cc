#include "agent/probes.h"

#include "agent/handler.h"
#include "http/client.h"

namespace podbucket::agent {

http::Response probe(const std::vector<ProbeTarget>& targets, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  http::Response res;
  res.headers.set("Content-Type", "text/plain; charset=utf-8");
  for (const auto& t : targets) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    http::Endpoint ep;
    ep.host = host_of(t.host);
    ep.port = t.port;
    http::ClientOptions opt;
    opt.keep_alive = false;
    opt.connect_timeout = std::max(left, std::chrono::milliseconds(1));
    opt.request_timeout = opt.connect_timeout;
    opt.max_response_body = 64 * 1024;
    http::Client client(ep, opt);
    http::Request req;
    req.method = "GET";
    req.target = "/";
    auto reply = client.send(req);
    if (!reply && reply.error().code() == http::kTimedOut.code) {
      res.status = 408;
      res.body = "Request Timeout\n";
      return res;
    }
    if (!reply || reply->status != 404) {
      res.status = 500;
      res.body = "Internal Server Error occurred\n";
      return res;
    }
  }
  res.status = 200;
  res.headers.remove("Content-Type");
  return res;
}

}  // namespace podbucket::agent
