// Package rediscluster starts a Redis Cluster of a test's own: several
// redis-server processes with cluster mode on, on free loopback ports,
// joined with redis-cli --cluster create. Tests of the sharded adapter use
// it; it can kill one node's process and start it again, to test what a
// shard's failure does, and it stops every process when the test ends.
//
//	c := rediscluster.Start(t, rediscluster.Options{Replicas: 1})
//	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: c.Addrs()})
//
// Without redis-server or redis-cli on PATH the test is skipped, or fails
// when SOCKETEER_REQUIRE_INTEROP=1 (see internal/testenv). Nothing is
// persisted: every node runs with --save "" and --appendonly no in a
// temporary directory, so a restarted node keeps its cluster identity
// (nodes.conf) but no data, which is all pub/sub needs.
package rediscluster
