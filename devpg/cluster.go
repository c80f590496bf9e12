package devpg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// startWait bounds how long pg_ctl waits for the server and how long we then
// wait for it to accept connections.
const startWait = 30 * time.Second

// cluster is a private Postgres cluster in a data folder of its own.
type cluster struct {
	initdb, pgctl string
	dataDir       string
	user          *runAs
	log           *slog.Logger
}

// startPrivate initialises (once), starts or reuses the private cluster in
// opts.DataDir and makes sure database voc exists in it.
func startPrivate(ctx context.Context, opts Options, log *slog.Logger) (*privateResult, error) {
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("resolve data folder %s: %w", opts.DataDir, err)
	}
	version := ""
	if b, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		version = strings.TrimSpace(string(b))
	}
	initdb, pgctl, err := findBinaries(version)
	if err != nil {
		return nil, err
	}
	u, err := unprivilegedUser(dataDir)
	if err != nil {
		return nil, err
	}
	c := &cluster{initdb: initdb, pgctl: pgctl, dataDir: dataDir, user: u, log: log}

	if version == "" {
		if err := c.init(ctx); err != nil {
			return nil, err
		}
	}

	if port, ok := c.runningPort(ctx); ok {
		return c.reuse(ctx, port)
	}

	port, err := freePort(opts.Port)
	if err != nil {
		return nil, err
	}
	if err := c.start(ctx, port); err != nil {
		// Another process (a second `voc` started at the same time) may
		// have won the race to start it.
		if port, ok := c.runningPort(ctx); ok {
			return c.reuse(ctx, port)
		}
		return nil, err
	}
	dsn := dsnFor(port)
	if err := createDatabase(ctx, dsn, startWait); err != nil {
		return nil, errors.Join(err, c.stop(context.WithoutCancel(ctx)))
	}
	log.InfoContext(ctx, "devpg: started private Postgres cluster",
		"data_dir", dataDir, "port", port, "run_as", u.String(), "pg_ctl", pgctl)
	return &privateResult{dsn: dsn, stop: c.stop}, nil
}

type privateResult struct {
	dsn  string
	stop func(context.Context) error
}

// reuse adopts a cluster that is already running. Its stop function does
// nothing: whoever started the cluster owns it.
func (c *cluster) reuse(ctx context.Context, port int) (*privateResult, error) {
	dsn := dsnFor(port)
	if err := createDatabase(ctx, dsn, startWait); err != nil {
		return nil, fmt.Errorf("use running private cluster in %s: %w", c.dataDir, err)
	}
	c.log.InfoContext(ctx, "devpg: reusing running private Postgres cluster",
		"data_dir", c.dataDir, "port", port)
	return &privateResult{dsn: dsn, stop: func(context.Context) error { return nil }}, nil
}

func dsnFor(port int) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, DefaultDatabase)
}

// init runs initdb in an empty or missing data folder.
func (c *cluster) init(ctx context.Context) error {
	entries, err := os.ReadDir(c.dataDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read data folder %s: %w", c.dataDir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("data folder %s is not empty and holds no cluster (no PG_VERSION): remove it or set another", c.dataDir)
	}
	// The parent must be traversable by the unprivileged user.
	if err := os.MkdirAll(filepath.Dir(c.dataDir), 0o755); err != nil {
		return fmt.Errorf("create parent of data folder: %w", err)
	}
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	if err := c.user.chown(c.dataDir); err != nil {
		return err
	}
	args := []string{"-D", c.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"}
	if runtime.GOOS == "linux" {
		// Independent of whatever LANG says and of which locales are
		// installed, yet Unicode-aware for lower() and friends.
		args = append(args, "--locale=C.UTF-8")
	}
	c.log.InfoContext(ctx, "devpg: creating private Postgres cluster", "data_dir", c.dataDir, "run_as", c.user.String())
	if out, err := c.run(ctx, c.initdb, args...); err != nil {
		hint := ""
		if c.user != nil {
			hint = fmt.Sprintf(" (it runs as user %s: every parent folder of %s must be searchable by it)", c.user, c.dataDir)
		}
		return fmt.Errorf("initdb%s: %w\n%s", hint, err, out)
	}
	return nil
}

// start runs pg_ctl start on port, waiting until the server is ready.
func (c *cluster) start(ctx context.Context, port int) error {
	socketDir := c.dataDir
	// A Unix socket path is limited to about 100 bytes.
	if len(socketDir)+len("/.s.PGSQL.65535") > 100 {
		d, err := os.MkdirTemp("", "vocpg")
		if err != nil {
			return fmt.Errorf("create socket folder: %w", err)
		}
		if err := c.user.chown(d); err != nil {
			return err
		}
		socketDir = d
	}
	// pg_ctl hands -o to a shell, hence the quoting.
	serverOpts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, shellQuote(socketDir))
	logFile := filepath.Join(c.dataDir, "log")
	out, err := c.run(ctx, c.pgctl, "-D", c.dataDir, "-l", logFile, "-o", serverOpts,
		"-w", "-t", strconv.Itoa(int(startWait.Seconds())), "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(logFile, 20))
	}
	return nil
}

// stop stops the cluster with pg_ctl stop -m fast.
func (c *cluster) stop(ctx context.Context) error {
	out, err := c.run(ctx, c.pgctl, "-D", c.dataDir, "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	c.log.InfoContext(ctx, "devpg: stopped private Postgres cluster", "data_dir", c.dataDir)
	return nil
}

// runningPort reports whether a server runs on the data folder, and its port
// from postmaster.pid.
func (c *cluster) runningPort(ctx context.Context) (int, bool) {
	if _, err := c.run(ctx, c.pgctl, "-D", c.dataDir, "status"); err != nil {
		return 0, false
	}
	f, err := os.Open(filepath.Join(c.dataDir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	// Line 4 of postmaster.pid is the port.
	sc := bufio.NewScanner(f)
	for i := 1; sc.Scan(); i++ {
		if i == 4 {
			port, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
			return port, err == nil && port > 0
		}
	}
	return 0, false
}

// run runs a server binary as the cluster's user, from inside the data folder
// (the current folder may not be readable by that user), and returns its
// combined output.
func (c *cluster) run(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	if fi, err := os.Stat(c.dataDir); err == nil && fi.IsDir() {
		cmd.Dir = c.dataDir
	}
	cmd.SysProcAttr = c.user.sysProcAttr()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// findBinaries returns initdb and pg_ctl. A cluster made by an earlier
// version is started with that version when it is installed; otherwise PATH
// wins, then the newest /usr/lib/postgresql/*/bin. It returns an error
// wrapping ErrNotInstalled when there are none.
func findBinaries(version string) (initdb, pgctl string, err error) {
	pair := func(dir string) (string, string, bool) {
		i, p := filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		return i, p, isExecutable(i) && isExecutable(p)
	}
	if version != "" {
		if i, p, ok := pair(filepath.Join("/usr/lib/postgresql", version, "bin")); ok {
			return i, p, nil
		}
	}
	i, err1 := exec.LookPath("initdb")
	p, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return i, p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	for _, d := range dirs {
		if i, p, ok := pair(d); ok {
			return i, p, nil
		}
	}
	return "", "", fmt.Errorf("start a private cluster: %w (install the PostgreSQL server package or set DATABASE_URL)", ErrNotInstalled)
}

// compareVersions compares dotted numeric versions such as "9.6" and "15".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// freePort returns want when nothing listens on 127.0.0.1:want, else a port
// the kernel picks.
func freePort(want int) (int, error) {
	for _, p := range []int{want, 0} {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue
		}
		port := l.Addr().(*net.TCPAddr).Port
		if err := l.Close(); err != nil {
			return 0, fmt.Errorf("close probe listener: %w", err)
		}
		return port, nil
	}
	return 0, errors.New("find a free port on 127.0.0.1")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
