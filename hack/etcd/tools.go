//go:build tools

// The sandbox's etcd, built from the published go.etcd.io/etcd/server/v3 module (its root
// package is the etcd main). Kept apart from the Kubernetes wrapper so the two module graphs
// never constrain each other.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
