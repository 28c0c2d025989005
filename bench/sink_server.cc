// podbucket_sink: the load method's ceiling on this machine. An HTTP server on podbucket's own http::Server that
// reads every request body and throws it away, answering 200 with an ETag. Driving it with the same wrk or curl
// load as podbucket measures what the client and the HTTP layer cost by themselves, in the same run:
//
//   podbucket_sink --port 9400            read and discard (the HTTP ceiling)
//   podbucket_sink --port 9400 --md5      also MD5 the body, as every S3 PUT must for its ETag
//
// Loopback only; it stops on SIGINT or SIGTERM. A benchmark tool, not part of the product.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "http/server.h"

namespace {

constexpr size_t kReadSize = 1 << 20;  // bytes per body read, as podbucket's PUT path reads

/// Reads the whole request body; returns the hex MD5 of it when `md5` is set, else a fixed ETag.
std::string drain(podbucket::http::BodySource& body, bool md5) {
  thread_local std::unique_ptr<char[]> buffer(new char[kReadSize]);
  auto hasher = md5 ? podbucket::crypto::make_md5() : nullptr;
  for (;;) {
    size_t n = body.read(buffer.get(), kReadSize);
    if (n == 0) break;
    if (hasher) hasher->update(buffer.get(), n);
  }
  return hasher ? podbucket::core::hex_encode(hasher->finish()) : "00000000000000000000000000000000";
}

int usage() {
  std::fprintf(stderr, "usage: podbucket_sink --port PORT [--md5]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  podbucket::http::ServerOptions options;
  bool md5 = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      options.port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else if (arg == "--md5") {
      md5 = true;
    } else {
      return usage();
    }
  }
  options.host = "127.0.0.1";

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started below inherits the mask

  podbucket::http::Server server(
      options,
      [md5](podbucket::http::Request& req) {
        podbucket::http::Response response;
        std::string etag = "\"";
        etag += drain(*req.body, md5);
        etag += '"';
        response.headers.set("ETag", std::move(etag));
        return response;
      },
      nullptr);
  server.start();
  std::printf("podbucket_sink listening on 127.0.0.1:%u%s\n", server.port(), md5 ? " (md5)" : "");
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}
