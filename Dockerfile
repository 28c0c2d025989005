# podbucket's container image: builds the .deb on Debian 12 (the same package as `cpack`, docs/deployment.md) and
# installs it on debian:12-slim, which pulls in the runtime libraries. The server runs as the non-root user
# podbucket (uid/gid 10001, as the Helm chart's securityContext expects), with its data in /var/lib/podbucket.
#
#   docker build -t podbucket/podbucket:0.1.0 .
#   docker run -p 9000:9000 -p 9001:9001 -v podbucket-data:/var/lib/podbucket podbucket/podbucket:0.1.0

FROM debian:12 AS build
COPY scripts/deps.sh /src/scripts/deps.sh
RUN bash /src/scripts/deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPODBUCKET_TESTS=OFF -DPODBUCKET_BENCHMARKS=OFF \
 && cmake --build /build --target podbucket \
 && cd /build && cpack -G DEB -B /out \
 && mv /out/podbucket_*.deb /out/podbucket.deb

FROM debian:12-slim
# The user first, with a fixed id: the package's postinst keeps an existing podbucket user.
RUN groupadd --system --gid 10001 podbucket \
 && useradd --system --uid 10001 --gid podbucket --home-dir /var/lib/podbucket --no-create-home \
      --shell /usr/sbin/nologin podbucket
COPY --from=build /out/podbucket.deb /tmp/podbucket.deb
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/podbucket.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/podbucket.deb \
 && install -d -o podbucket -g podbucket -m 0700 /var/lib/podbucket
USER 10001:10001
WORKDIR /var/lib/podbucket
VOLUME ["/var/lib/podbucket"]
# S3 (with IAM, STS, KMS, EKS, EKS Auth) and the admin listener (/metrics, /healthz, /readyz).
EXPOSE 9000 9001
ENTRYPOINT ["/usr/bin/podbucket"]
# The packaged /etc/podbucket/config.yaml listens on loopback; in a container both listeners face the network.
# The chart replaces these arguments with its own.
CMD ["server", "--config", "/etc/podbucket/config.yaml", "--listen", "0.0.0.0:9000", "--admin-listen", "0.0.0.0:9001"]
