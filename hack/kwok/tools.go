//go:build tools

// The sandbox's kwok (simulated nodes and pod lifecycle), built from the published
// sigs.k8s.io/kwok module. build-kwok.sh writes this module's go.mod next to a copy of this file
// in the cache directory; nothing here is compiled into the project.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
