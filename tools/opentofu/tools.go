//go:build tools

// Package tools pins OpenTofu for scripts/opentofu-toolchain.sh; the version lives in go.mod.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
