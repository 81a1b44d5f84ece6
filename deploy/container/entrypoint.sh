#!/bin/sh
# Starts the node. In a StatefulSet (AKKAMQ_POD_DNS_SUFFIX set, e.g. "akkamq.mq.svc.cluster.local")
# the pod's name gives what differs per member: its ordinal is the broker id (pod 0 is the group's
# first master, the others its followers), the cluster address is the pod's stable DNS name, and clients
# and followers are given the pod's IP (POD_IP, from the downward API): RocketMQ addresses are ip:port.
set -eu
if [ -n "${AKKAMQ_POD_DNS_SUFFIX:-}" ]; then
  pod="$(hostname)"
  fqdn="${pod}.${AKKAMQ_POD_DNS_SUFFIX}"
  : "${AKKAMQ_NODE_NAME:=${pod}}"
  : "${AKKAMQ_BROKER_ID:=${pod##*-}}"
  : "${AKKAMQ_AKKA_HOSTNAME:=${fqdn}}"
  : "${AKKAMQ_BROKER_ADVERTISE:=${POD_IP:?POD_IP must be set from status.podIP}:10911}"
  : "${AKKAMQ_REPLICATION_ADVERTISE:=${POD_IP}:10912}"
  export AKKAMQ_NODE_NAME AKKAMQ_BROKER_ID AKKAMQ_AKKA_HOSTNAME AKKAMQ_BROKER_ADVERTISE AKKAMQ_REPLICATION_ADVERTISE
fi
exec dotnet /opt/akkamq/akkamq.dll run --config /etc/akkamq/node.conf
