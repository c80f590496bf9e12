//go:build !unix

package devpg

import "syscall"

// runAs is the user the server binaries run as. Outside Unix it is always
// nil, the current user.
type runAs struct{}

func unprivilegedUser(string) (*runAs, error) { return nil, nil }

func (r *runAs) String() string { return "(current user)" }

func (r *runAs) sysProcAttr() *syscall.SysProcAttr { return nil }

func (r *runAs) chown(string) error { return nil }
