# A node image. The SDK image builds and publishes the node; the ASP.NET Core runtime image runs it
# (the node serves its health endpoint with Kestrel, so it needs that runtime, not the bare one).
#   docker build -t akkamq .
#   docker run --rm -p 9876:9876 -p 10911:10911 -p 8080:8080 akkamq        # a standalone node
# The node reads /etc/akkamq/node.conf (deploy/container/node.conf): every setting a deployment
# changes comes from AKKAMQ_* environment variables; see deploy/kubernetes/ for a cluster.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/AkkaMq.Node -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /out /opt/akkamq
COPY deploy/container/node.conf /etc/akkamq/node.conf
COPY --chmod=755 deploy/container/entrypoint.sh /opt/akkamq/entrypoint.sh
WORKDIR /var/lib/akkamq
VOLUME /var/lib/akkamq
# name server, broker, replication, Akka cluster, health
EXPOSE 9876 10911 10912 2552 8080
ENTRYPOINT ["/opt/akkamq/entrypoint.sh"]
