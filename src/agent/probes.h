#pragma once
// Readiness and liveness (spec 1.7, agent pkg/handlers/probe_handler.go): the agent is ready when every
// credential listener answers GET / with 404, which is what an unmodified listener does.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "http/message.h"

namespace podbucket::agent {

/// One credential listener to probe: host as bound (IPv6 with or without brackets) and its real port.
struct ProbeTarget {
  std::string host;
  uint16_t port = 0;
};

/// GETs http://HOST:PORT/ on every target, all within `timeout`. Every one answers 404 → 200 with an empty
/// body; the deadline passed → 408; anything else (another status, a refused connection) → 500
/// "Internal Server Error occurred".
http::Response probe(const std::vector<ProbeTarget>& targets, std::chrono::milliseconds timeout);

}  // namespace podbucket::agent
