//go:build !unix

package main

// openFilesLimit returns 0: the limit is unknown on this platform.
func openFilesLimit() uint64 { return 0 }
