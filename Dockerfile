# Debian bookworm + Squid + squidcarp: the image of every node in docker-compose.yml and of the
# integration harness's Docker backend (integration/harness/docker_backend.py).
#   docker build -t squidcarp-harness:latest .
FROM debian:bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends squid python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*

COPY . /src/squidcarp
RUN python3 -m venv /opt/squidcarp \
 && /opt/squidcarp/bin/pip install --no-cache-dir /src/squidcarp \
 && install -m 0644 /src/squidcarp/integration/harness/origin.py /opt/squidcarp/origin.py \
 && install -m 0644 /src/squidcarp/integration/harness/nsprobe.py /opt/squidcarp/nsprobe.py \
 && rm -rf /src/squidcarp \
 && install -d -m 0777 /var/lib/squidcarp-harness \
 && install -d -m 0755 /etc/squid/harness

ENV PATH=/opt/squidcarp/bin:$PATH
EXPOSE 3128
# Squid in the foreground; a node's config is mounted or copied to /etc/squid/harness/squid.conf.
CMD ["squid", "-N", "-f", "/etc/squid/harness/squid.conf"]
