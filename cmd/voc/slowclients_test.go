package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// startServe runs `voc serve` under a 256 open-files limit and waits for
// /health.
func startServe(t *testing.T, env ...string) (addr string, cmd *exec.Cmd) {
	t.Helper()
	bin := buildVoc(t)
	addr = freeAddr(t)
	cmd = exec.Command("sh", "-c", `ulimit -n 256 && exec "$0" serve --log-level error`, bin)
	cmd.Env = append(os.Environ(), append([]string{"DATABASE_URL=" + storetest.NewDB(t), "VOC_ADDR=" + addr,
		"VOC_LLM_PROVIDER=offline", "REDIS_URL=", "VOC_ADMIN_TOKEN=", "VOC_DATA_DIR=" + t.TempDir()}, env...)...)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	require.Eventually(t, func() bool { return healthOK(addr) == nil }, 60*time.Second, 100*time.Millisecond)
	return addr, cmd
}

func healthOK(addr string) error {
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/health")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// TestSlowClientsCannotStarveHealth: 300 idle keep-alive connections and
// 300 slow request bodies, without tokens, stayed open for ever, and under
// a 256 open-files limit /health stopped answering. Now /health answers
// throughout and every attacking connection is closed by the timeouts.
func TestSlowClientsCannotStarveHealth(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs voc serve")
	}
	began := time.Now()
	admin := store.NewTokenSecret()
	addr, cmd := startServe(t, "VOC_HTTP_READ_TIMEOUT=3s", "VOC_HTTP_IDLE_TIMEOUT=4s", "VOC_ADMIN_TOKEN="+admin)
	t.Logf("voc serve up after %v", time.Since(began))

	var open atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop); wg.Wait() })
	// watch counts c as open until the server closes it.
	watch := func(c net.Conn, r *bufio.Reader) {
		open.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_, _ = io.Copy(io.Discard, r)
			open.Add(-1)
		}()
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		return c
	}
	// 300 idle keep-alive connections, each after one request.
	for range 300 {
		c := dial()
		_, err := c.Write([]byte("GET /health HTTP/1.1\r\nHost: voc\r\n\r\n"))
		require.NoError(t, err)
		r := bufio.NewReader(c)
		resp, err := http.ReadResponse(r, nil)
		if err != nil { // the cap closed it already: that is the point
			c.Close()
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		watch(c, r)
	}
	// 300 slow bodies: a large upload announced, then a byte a second. A
	// third carry the admin token to a route that reads its JSON body, so
	// the minimum body rate, not the 401, is what ends them.
	for i := range 300 {
		c := dial()
		var err error
		switch i % 3 {
		case 0:
			_, err = fmt.Fprintf(c, "POST /api/v1/uploads HTTP/1.1\r\nHost: voc\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 50000000\r\n\r\n--x\r\n")
		case 1:
			_, err = fmt.Fprintf(c, "POST /api/v1/products HTTP/1.1\r\nHost: voc\r\nContent-Length: 50000000\r\n\r\n{")
		default:
			_, err = fmt.Fprintf(c, "POST /api/v1/products/1/dimensions HTTP/1.1\r\nHost: voc\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{", admin)
		}
		if err != nil {
			c.Close()
			continue
		}
		watch(c, bufio.NewReader(c))
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := c.Write([]byte("a")); err != nil {
						return
					}
				}
			}
		}()
	}
	t.Logf("attack connections open after setup: %d (%v)", open.Load(), time.Since(began))

	// /health answers while they are open, and until they are gone.
	var worst time.Duration
	probes := 0
	deadline := time.Now().Add(30 * time.Second)
	for open.Load() > 0 && time.Now().Before(deadline) || probes < 10 {
		start := time.Now()
		require.NoError(t, healthOK(addr), "probe %d, %d attack connections open", probes, open.Load())
		worst = max(worst, time.Since(start))
		probes++
		time.Sleep(200 * time.Millisecond)
	}
	fds, _ := os.ReadDir(filepath.Join("/proc", fmt.Sprint(cmd.Process.Pid), "fd"))
	t.Logf("/health: %d probes, slowest %v; attack connections still open: %d; server fds now: %d (%v)", probes, worst, open.Load(), len(fds), time.Since(began))
	require.Zero(t, open.Load(), "the timeouts close every idle and slow connection")
	require.Less(t, worst, 2*time.Second)
}
