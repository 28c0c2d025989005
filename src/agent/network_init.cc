#include "agent/network_init.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "agent/errors.h"

namespace podbucket::agent {
namespace {

/// A netlink request under construction: header, fixed part, attributes (nested ones through begin/end).
class Message {
 public:
  Message(uint16_t type, uint16_t flags) {
    buf_.resize(NLMSG_HDRLEN);
    header()->nlmsg_type = type;
    header()->nlmsg_flags = uint16_t(NLM_F_REQUEST | flags);
  }
  template <class T>
  void fixed(const T& value) {
    append(&value, sizeof value);
  }
  void attr(uint16_t type, const void* data, size_t n) {
    rtattr a{};
    a.rta_type = type;
    a.rta_len = uint16_t(RTA_LENGTH(n));
    append(&a, sizeof a);
    append(data, n);
  }
  void attr_string(uint16_t type, const std::string& s) { attr(type, s.c_str(), s.size() + 1); }
  void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
  size_t begin_nested(uint16_t type) {
    size_t at = buf_.size();
    attr(type, nullptr, 0);
    return at;
  }
  void end_nested(size_t at) {
    reinterpret_cast<rtattr*>(buf_.data() + at)->rta_len = uint16_t(buf_.size() - at);
  }
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
  const std::string& bytes() {
    header()->nlmsg_len = uint32_t(buf_.size());
    return buf_;
  }

 private:
  void append(const void* data, size_t n) {
    if (n) buf_.append(static_cast<const char*>(data), n);
    buf_.resize(NLMSG_ALIGN(buf_.size()), '\0');
  }
  std::string buf_;
};

class Netlink {
 public:
  Netlink() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {}
  ~Netlink() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  /// Sends `msg` with NLM_F_ACK and returns 0 or the negative errno of the kernel's answer.
  int request(Message& msg) {
    msg.header()->nlmsg_flags |= NLM_F_ACK;
    msg.header()->nlmsg_seq = ++seq_;
    const std::string& bytes = msg.bytes();
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
      return -errno;
    }
    char buf[8192];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return -errno;
      }
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, size_t(n)); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_seq != seq_ || h->nlmsg_type != NLMSG_ERROR) continue;
        return static_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
      }
    }
  }

  /// Dumps the IPv4/IPv6 main-table routes and returns the output interface of the route to exactly
  /// `dst`/`len`, if there is one.
  std::optional<int> route_oif(int family, const void* dst, size_t dst_size, int len) {
    Message msg(RTM_GETROUTE, NLM_F_DUMP);
    rtmsg rt{};
    rt.rtm_family = uint8_t(family);
    msg.fixed(rt);
    msg.header()->nlmsg_seq = ++seq_;
    const std::string& bytes = msg.bytes();
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
      return std::nullopt;
    }
    std::optional<int> found;
    char buf[32768];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return found;
      }
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, size_t(n)); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_seq != seq_) continue;
        if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) return found;
        auto* r = static_cast<rtmsg*>(NLMSG_DATA(h));
        if (r->rtm_table != RT_TABLE_MAIN || r->rtm_dst_len != len) continue;
        int attr_len = int(RTM_PAYLOAD(h));
        bool match = false;
        std::optional<int> oif;
        for (auto* a = RTM_RTA(r); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
          if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == dst_size && std::memcmp(RTA_DATA(a), dst, dst_size) == 0) {
            match = true;
          }
          if (a->rta_type == RTA_OIF) oif = *static_cast<int*>(RTA_DATA(a));
        }
        if (match && oif) found = oif;
      }
    }
  }

 private:
  int fd_;
  uint32_t seq_ = 0;
};

std::string why(int negative_errno) { return std::strerror(-negative_errno); }

core::AwsError fail(std::string message) { return core::AwsError(kInternal, std::move(message)); }

/// Adds `address`/`prefix` to the link and a host route to it in the main table. "" on success, else the reason.
std::string add_address(Netlink& nl, int ifindex, const std::string& link, int family, const std::string& address,
                        std::vector<std::string>& notes) {
  unsigned char raw[16];
  if (::inet_pton(family, address.c_str(), raw) != 1) return "not an IP address: " + address;
  size_t size = family == AF_INET ? 4 : 16;
  int prefix = family == AF_INET ? 32 : 128;

  Message addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  ifaddrmsg ifa{};
  ifa.ifa_family = uint8_t(family);
  ifa.ifa_prefixlen = uint8_t(prefix);
  ifa.ifa_index = uint32_t(ifindex);
  ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  addr.fixed(ifa);
  addr.attr(IFA_LOCAL, raw, size);
  addr.attr(IFA_ADDRESS, raw, size);
  int rc = nl.request(addr);
  if (rc == -EEXIST) {
    notes.push_back("address " + address + "/" + std::to_string(prefix) + " already on " + link);
  } else if (rc < 0) {
    return "cannot add " + address + "/" + std::to_string(prefix) + " to " + link + ": " + why(rc);
  } else {
    notes.push_back("added " + address + "/" + std::to_string(prefix) + " to " + link);
  }

  if (auto oif = nl.route_oif(family, raw, size, prefix)) {
    if (*oif != ifindex) {
      char name[IF_NAMESIZE] = "?";
      ::if_indextoname(unsigned(*oif), name);
      return "a route to " + address + " already goes through another interface (" + name + ")";
    }
    notes.push_back("route to " + address + " via " + link + " already present");
    return "";
  }
  Message route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  rtmsg rt{};
  rt.rtm_family = uint8_t(family);
  rt.rtm_dst_len = uint8_t(prefix);
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_BOOT;
  rt.rtm_scope = RT_SCOPE_LINK;
  rt.rtm_type = RTN_UNICAST;
  route.fixed(rt);
  route.attr(RTA_DST, raw, size);
  route.attr_u32(RTA_OIF, uint32_t(ifindex));
  rc = nl.request(route);
  if (rc < 0 && rc != -EEXIST) return "cannot add a route to " + address + " via " + link + ": " + why(rc);
  notes.push_back("route to " + address + " via " + link);
  return "";
}

}  // namespace

core::Result<std::vector<std::string>> initialize_network(const NetworkInitOptions& options) {
  std::vector<std::string> notes;
  Netlink nl;
  if (!nl.ok()) return fail(std::string("cannot open a netlink socket: ") + std::strerror(errno));
  if (options.link_name.empty() || options.link_name.size() >= IF_NAMESIZE) return fail("bad link name");

  Message create(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  create.fixed(ifi);
  create.attr_string(IFLA_IFNAME, options.link_name);
  size_t info = create.begin_nested(IFLA_LINKINFO);
  create.attr_string(IFLA_INFO_KIND, "dummy");
  create.end_nested(info);
  int rc = nl.request(create);
  if (rc == -EOPNOTSUPP) {
    return fail("cannot create the dummy link " + options.link_name +
                ": this kernel has no dummy link driver (\"Unknown device type\"). Load it with `modprobe dummy` "
                "(CONFIG_DUMMY) on the node, or put the agent addresses on the loopback link instead: "
                "`podbucket agent init --link-name lo`");
  }
  if (rc == -EPERM) return fail("cannot create the link " + options.link_name + ": " + why(rc) +
                                " (needs root or CAP_NET_ADMIN)");
  if (rc < 0 && rc != -EEXIST) return fail("cannot create the link " + options.link_name + ": " + why(rc));
  notes.push_back(rc == -EEXIST ? "link " + options.link_name + " already exists"
                                : "created dummy link " + options.link_name);
  int ifindex = int(::if_nametoindex(options.link_name.c_str()));
  if (ifindex == 0) return fail("link " + options.link_name + " vanished: " + std::strerror(errno));

  Message up(RTM_NEWLINK, 0);
  ifinfomsg upi{};
  upi.ifi_family = AF_UNSPEC;
  upi.ifi_index = ifindex;
  upi.ifi_flags = IFF_UP;
  upi.ifi_change = IFF_UP;
  up.fixed(upi);
  rc = nl.request(up);
  if (rc < 0) return fail("cannot set " + options.link_name + " up: " + why(rc));
  notes.push_back("set " + options.link_name + " up");

  if (auto err = add_address(nl, ifindex, options.link_name, AF_INET, options.ipv4, notes); !err.empty()) {
    return fail(err);
  }
  if (!options.ipv6.empty()) {
    if (auto err = add_address(nl, ifindex, options.link_name, AF_INET6, options.ipv6, notes); !err.empty()) {
      notes.push_back("IPv6 skipped: " + err);
    }
  }
  return notes;
}

}  // namespace podbucket::agent
