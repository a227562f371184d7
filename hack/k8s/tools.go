//go:build tools

// The sandbox's Kubernetes binaries, built from the published k8s.io/kubernetes module.
// build-kube-binaries.sh writes this module's go.mod (with the staging replaces) next to a
// copy of this file in the cache directory; nothing here is compiled into the project.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
