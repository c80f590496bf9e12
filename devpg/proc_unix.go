//go:build unix

package devpg

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// runAs is the user the server binaries run as. A nil *runAs means the
// current user.
type runAs struct {
	name     string
	uid, gid uint32
}

// unprivilegedUser returns nil when this process is not root. Postgres
// refuses to run as root, so as root it returns the owner of an existing data
// folder when that is not root (to keep using a cluster made earlier), else
// user postgres, else nobody. It returns an error when none of them exists.
func unprivilegedUser(dataDir string) (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if fi, err := os.Stat(dataDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			name := strconv.FormatUint(uint64(st.Uid), 10)
			if u, err := user.LookupId(name); err == nil {
				name = u.Username
			}
			return &runAs{name: name, uid: st.Uid, gid: st.Gid}, nil
		}
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("parse ids of user %s: %w", name, err)
		}
		return &runAs{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and neither user postgres nor nobody exists: run as a normal user or set DATABASE_URL")
}

func (r *runAs) String() string {
	if r == nil {
		return "(current user)"
	}
	return r.name
}

// sysProcAttr puts the child in its own process group, so that a Ctrl-C
// meant for voc does not also stop the database under voc's own orderly
// shutdown, and switches to the unprivileged user when there is one.
func (r *runAs) sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if r != nil {
		a.Credential = &syscall.Credential{Uid: r.uid, Gid: r.gid}
	}
	return a
}

// chown gives path to the user; it does nothing for the current user.
func (r *runAs) chown(path string) error {
	if r == nil {
		return nil
	}
	if err := os.Chown(path, int(r.uid), int(r.gid)); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, r.name, err)
	}
	return nil
}
