#pragma once
// `podbucket agent init`: the node network set-up the agent's DaemonSet init container does (spec 1.1, agent
// pkg/initalizer): a dummy link (pod-id-link0) carrying 169.254.170.23/32 and fd00:ec2::23/128, set up, with a
// host route per address in the main table. Talks rtnetlink directly; needs CAP_NET_ADMIN.
#include <string>
#include <vector>

#include "core/result.h"

namespace podbucket::agent {

struct NetworkInitOptions {
  std::string link_name = "pod-id-link0";
  std::string ipv4 = "169.254.170.23";
  std::string ipv6 = "fd00:ec2::23";  // "" skips IPv6
};

/// Creates the link (an existing link of that name is reused: `lo` serves on kernels without the dummy driver),
/// adds both addresses (existing ones are kept),
/// brings the link up and adds the host routes. IPv4 failures are errors (kInternal with the reason; a kernel
/// without the dummy driver gets a message saying so and how to load it; a route to the address through another
/// interface is an error); IPv6 failures are only reported. Returns one line per step done or skipped.
core::Result<std::vector<std::string>> initialize_network(const NetworkInitOptions& options);

}  // namespace podbucket::agent
