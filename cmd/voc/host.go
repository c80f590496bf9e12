package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store"
)

// hostIDPattern is what a VOC_HOST_ID may look like: it is River's client
// id and appears in logs and river_job.attempted_by.
var hostIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

// defaultHostID is "<hostname>-<role>": a `voc serve` and a `voc worker`
// on one machine get different ids without configuration, and each keeps
// its id across restarts.
func defaultHostID(role string) string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "localhost"
	}
	return h + "-" + role
}

// resolveHostID returns the configured host id or the default for role,
// or an error naming VOC_HOST_ID.
func (c *Config) resolveHostID(role string) (string, error) {
	id := c.HostID
	if id == "" {
		id = defaultHostID(role)
	}
	if !hostIDPattern.MatchString(id) {
		return "", fmt.Errorf("VOC_HOST_ID must be 1 to 100 letters, digits, '.', '_', ':' or '-' and start with a letter or digit, got %q", id)
	}
	return id, nil
}

// Host identity timing.
const (
	// heartbeatEvery is how often a host says it is alive.
	heartbeatEvery = 5 * time.Second
	// claimWait is how long start-up waits for a host id held by another
	// session: the backend of a process killed a moment ago may still be
	// exiting. A live holder still holds it afterwards.
	claimWait = 10 * time.Second
)

// hostIdentity is a process's claim on its VOC_HOST_ID: a Postgres session
// advisory lock held on a dedicated connection for the life of the
// process, plus a heartbeat in voc_hosts. Postgres drops the lock the
// moment the process dies (its connection closes), so a restart with the
// same id can take it at once, and a second live process with the same id
// cannot.
type hostIdentity struct {
	id     string
	cfg    *pgx.ConnConfig
	pool   store.DBTX
	log    *slog.Logger
	mu     sync.Mutex
	conn   *pgx.Conn
	cancel context.CancelFunc
	done   chan struct{}
}

// claimHost takes the host id, records the host, and hands back at once the
// jobs an earlier incarnation with this id left running. It returns an
// error when another live process holds the id.
func claimHost(ctx context.Context, a *app, id, role string, queues []string) (*hostIdentity, error) {
	h := &hostIdentity{id: id, cfg: a.pool.Config().ConnConfig.Copy(), pool: a.pool, log: a.log, done: make(chan struct{})}
	deadline := time.Now().Add(claimWait)
	for {
		ok, err := h.lock(ctx)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return nil, h.heldError(ctx)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	hostname, _ := os.Hostname()
	if err := store.HostRegister(ctx, a.pool, store.Host{HostID: id, Role: role, Queues: queues, Hostname: hostname, PID: os.Getpid()}); err != nil {
		h.closeConn()
		return nil, err
	}
	n, err := store.JobsHandBack(ctx, a.pool, id)
	if err != nil {
		h.closeConn()
		return nil, err
	}
	if n > 0 {
		a.log.WarnContext(ctx, "handed back jobs an earlier run of this host left running", "host_id", id, "jobs", n)
	}
	a.log.InfoContext(ctx, "host identity claimed", "host_id", id, "role", role)
	bg, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go h.heartbeat(bg)
	return h, nil
}

// lock opens the dedicated connection if needed and tries the advisory
// lock once.
func (h *hostIdentity) lock(ctx context.Context) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn == nil || h.conn.IsClosed() {
		c, err := pgx.ConnectConfig(ctx, h.cfg)
		if err != nil {
			return false, fmt.Errorf("connect for host identity: %w", err)
		}
		h.conn = c
	}
	ok, err := store.HostTryLock(ctx, h.conn, h.id)
	if err != nil {
		_ = h.conn.Close(ctx)
		h.conn = nil
	}
	return ok, err
}

// heldError says who holds the id, as far as voc_hosts knows.
func (h *hostIdentity) heldError(ctx context.Context) error {
	msg := fmt.Sprintf("VOC_HOST_ID %q is in use by another running voc process", h.id)
	if hosts, err := store.HostList(ctx, h.pool); err == nil {
		for _, o := range hosts {
			if o.HostID == h.id {
				msg += fmt.Sprintf(" (%s pid %d on %s, last heartbeat %s ago)", o.Role, o.PID, o.Hostname, time.Since(o.HeartbeatAt).Round(time.Second))
			}
		}
	}
	h.closeConn()
	return errors.New(msg + "; give each process its own VOC_HOST_ID")
}

// heartbeat refreshes the host's row every heartbeatEvery through the
// lock's connection. When that connection is lost (a Postgres restart), it
// reconnects and takes the lock again.
func (h *hostIdentity) heartbeat(ctx context.Context) {
	defer close(h.done)
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	held := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !held {
			ok, err := h.lock(ctx)
			switch {
			case err != nil:
				h.log.WarnContext(ctx, "host identity: cannot reach Postgres", "host_id", h.id, "error", err)
				continue
			case !ok:
				h.log.ErrorContext(ctx, "host identity: another process took this VOC_HOST_ID while Postgres was unreachable", "host_id", h.id)
				continue
			}
			held = true
		}
		h.mu.Lock()
		c := h.conn
		h.mu.Unlock()
		if c == nil {
			held = false
			continue
		}
		hctx, cancel := context.WithTimeout(ctx, heartbeatEvery)
		err := store.HostHeartbeat(hctx, c, h.id)
		cancel()
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil && c.IsClosed() {
			held = false
			h.log.WarnContext(ctx, "host identity: connection lost; reclaiming", "host_id", h.id, "error", err)
		}
	}
}

func (h *hostIdentity) closeConn() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.conn.Close(ctx)
		h.conn = nil
	}
}

// release records a clean stop and gives up the id. Call it after River
// has stopped, so no job of this host is still running.
func (h *hostIdentity) release(ctx context.Context) error {
	h.cancel()
	<-h.done
	err := store.HostStop(ctx, h.pool, h.id)
	h.closeConn()
	return err
}
