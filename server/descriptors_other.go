//go:build !unix && !js

package server

// descriptorLimit is a conservative guess where there is no RLIMIT_NOFILE.
func descriptorLimit() (int, error) { return 4096, nil }
