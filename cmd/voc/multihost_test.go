package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
)

// The multi-host test builds the reference topology from Linux network
// namespaces: a master namespace with its own Postgres, Redis and `voc
// serve` (ingestion, learning, translation, reports), and two worker
// namespaces with `voc worker` (insights, themes) that reach Postgres and
// Redis only over veth addresses. The LLM simulator runs in the test
// process behind a counting endpoint. Without namespaces (not root, no
// `ip`), every process runs on loopback instead, and the test says so.

// mhLLMRPS is the LLM budget of all hosts together; with Redis down each
// of the mhHosts hosts keeps to 1/mhHosts of it.
const (
	mhLLMRPS = 6
	mhHosts  = 3
	mhReview = 9000
)

// mhNet is the test's network: namespace names (empty: the root namespace)
// and the addresses each side uses.
type mhNet struct {
	netns bool
	ns    map[string]string // role -> namespace
	// addresses: the test reaches the master at rootToMaster; a worker
	// reaches Postgres and Redis at masterFor[worker] and the simulator at
	// simFor[role].
	rootToMaster string
	masterFor    map[string]string
	simFor       map[string]string
	simListen    []string
}

func (n *mhNet) exec(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	require.NoError(t, err, "%s: %s", strings.Join(args, " "), out)
}

// setupNet creates the namespaces and veth pairs, or falls back to
// loopback. Everything it creates is removed when the test ends.
func setupNet(t *testing.T) *mhNet {
	n := &mhNet{ns: map[string]string{}, masterFor: map[string]string{}, simFor: map[string]string{}}
	loopback := func(why string) *mhNet {
		t.Logf("network namespaces unavailable (%s): running every host as a process on loopback instead", why)
		n.netns = false
		n.rootToMaster = "127.0.0.1"
		for _, r := range []string{"master", "worker1", "worker2"} {
			n.ns[r] = ""
			n.masterFor[r] = "127.0.0.1"
			n.simFor[r] = "127.0.0.1"
		}
		n.simListen = []string{"127.0.0.1"}
		return n
	}
	if os.Getenv("VOC_TEST_NO_NETNS") != "" {
		return loopback("VOC_TEST_NO_NETNS is set")
	}
	if os.Geteuid() != 0 {
		return loopback("not root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return loopback("no ip command")
	}
	suffix := mhRandHex(3)
	probe := "vocp" + suffix
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		return loopback(strings.TrimSpace(string(out)))
	}
	_ = exec.Command("ip", "netns", "del", probe).Run()

	n.netns = true
	base, _ := rand.Int(rand.Reader, big.NewInt(50))
	sub := func(i int) string { return fmt.Sprintf("10.231.%d", int(base.Int64())*5+i) }
	for _, r := range []string{"master", "worker1", "worker2"} {
		name := "voc" + r[:1] + r[len(r)-1:] + suffix
		if r == "master" {
			name = "vocm" + suffix
		}
		n.exec(t, "ip", "netns", "add", name)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
		n.exec(t, "ip", "-n", name, "link", "set", "lo", "up")
		n.ns[r] = name
	}
	// link joins namespaces a and b ("" is the root) on subnet i: a gets .1,
	// b gets .2. Deleting a namespace deletes its veth ends, and with them
	// their peers.
	link := func(a, b string, i int) (string, string) {
		ifa, ifb := fmt.Sprintf("vv%s%da", suffix, i), fmt.Sprintf("vv%s%db", suffix, i)
		n.exec(t, "ip", "link", "add", ifa, "type", "veth", "peer", "name", ifb)
		t.Cleanup(func() { _ = exec.Command("ip", "link", "del", ifa).Run() })
		for _, e := range []struct{ ns, ifc, ip string }{{a, ifa, sub(i) + ".1"}, {b, ifb, sub(i) + ".2"}} {
			ipCmd := []string{"ip"}
			if e.ns != "" {
				n.exec(t, "ip", "link", "set", e.ifc, "netns", e.ns)
				ipCmd = append(ipCmd, "-n", e.ns)
			}
			n.exec(t, append(ipCmd, "addr", "add", e.ip+"/24", "dev", e.ifc)...)
			n.exec(t, append(ipCmd, "link", "set", e.ifc, "up")...)
		}
		return sub(i) + ".1", sub(i) + ".2"
	}
	rootM, masterR := link("", n.ns["master"], 0)
	n.rootToMaster = masterR
	n.simFor["master"] = rootM
	n.simListen = append(n.simListen, rootM)
	for i, w := range []string{"worker1", "worker2"} {
		m, _ := link(n.ns["master"], n.ns[w], 1+i)
		n.masterFor[w] = m
		r, _ := link("", n.ns[w], 3+i)
		n.simFor[w] = r
		n.simListen = append(n.simListen, r)
	}
	n.masterFor["master"] = "127.0.0.1"
	return n
}

func mhRandHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// mhProc is a process of the topology.
type mhProc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs name args in namespace ns (as uid/gid when set), with env. The
// process is killed when the test ends.
func (n *mhNet) start(t *testing.T, label, ns string, cred *syscall.Credential, env []string, name string, args ...string) *mhProc {
	t.Helper()
	argv := []string{name}
	if cred != nil {
		argv = []string{"setpriv", "--reuid", strconv.Itoa(int(cred.Uid)), "--regid", strconv.Itoa(int(cred.Gid)), "--clear-groups", name}
	}
	argv = append(argv, args...)
	if ns != "" {
		argv = append([]string{"ip", "netns", "exec", ns}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	logf, err := os.Create(filepath.Join(mhLogDir(t), label+".log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start(), label)
	p := &mhProc{name: label, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(p.done) }()
	t.Cleanup(func() { p.signal(syscall.SIGKILL); <-p.done })
	return p
}

func (p *mhProc) signal(sig syscall.Signal) { _ = p.cmd.Process.Signal(sig) }

// stop signals the process and waits for it to exit.
func (p *mhProc) stop(t *testing.T, sig syscall.Signal, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	p.signal(sig)
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("%s did not exit within %s of %s", p.name, within, sig)
	}
	return time.Since(start)
}

var (
	mhLogMu   sync.Mutex
	mhLogDirs = map[string]string{}
)

// mhLogDir keeps the processes' logs, one folder per run of a top-level
// test (-count may run it again); they are printed when the test fails.
func mhLogDir(t *testing.T) string {
	mhLogMu.Lock()
	defer mhLogMu.Unlock()
	name := strings.SplitN(t.Name(), "/", 2)[0]
	if dir, ok := mhLogDirs[name]; ok {
		return dir
	}
	dir := t.TempDir()
	mhLogDirs[name] = dir
	t.Cleanup(func() {
		mhLogMu.Lock()
		delete(mhLogDirs, name)
		mhLogMu.Unlock()
		if !t.Failed() {
			return
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("--- %s (tail) ---\n%s", filepath.Base(f), b)
		}
	})
	return dir
}

// perSecond counts simulator requests per wall-clock second.
type perSecond struct {
	mu sync.Mutex
	n  map[int64]int
}

func (c *perSecond) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			c.mu.Lock()
			c.n[time.Now().Unix()]++
			c.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// window returns the per-second counts in [from, to).
func (c *perSecond) window(from, to time.Time) (maxPerSec, total int, secs []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := from.Unix(); s < to.Unix(); s++ {
		v := c.n[s]
		secs = append(secs, v)
		total += v
		maxPerSec = max(maxPerSec, v)
	}
	return maxPerSec, total, secs
}

func mhFreePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestMultiHost runs one analysis across a master and two worker hosts
// while a worker is drained with SIGTERM, a worker namespace is killed,
// Postgres restarts and Redis is down for 60 s, and checks that it
// completes with nothing lost and nothing duplicated.
func TestMultiHost(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-host test: builds voc, starts Postgres, Redis and four voc processes; about 4 minutes")
	}
	for _, bin := range []string{"initdb", "postgres", "redis-server"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("multi-host test needs %s on PATH", bin)
		}
	}
	started := time.Now()
	bin := vocBinary(t)
	netw := setupNet(t)
	ctx := context.Background()

	// The simulator, behind a counting endpoint, on the root side of each
	// host's veth (or on loopback).
	counts := &perSecond{n: map[int64]int{}}
	simCfg := llmsim.DefaultConfig()
	simCfg.Latency, simCfg.Jitter = 250*time.Millisecond, 100*time.Millisecond
	sim := llmsim.New(simCfg, offline.New())
	simSrv := &http.Server{Handler: counts.wrap(sim), ReadHeaderTimeout: 10 * time.Second}
	simPort := 0
	for _, addr := range netw.simListen {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(simPort)))
		require.NoError(t, err)
		simPort = l.Addr().(*net.TCPAddr).Port
		go func() { _ = simSrv.Serve(l) }()
	}
	t.Cleanup(func() { _ = simSrv.Close() })

	// Postgres in the master namespace, as an unprivileged user.
	pgUser, err := user.Lookup("postgres")
	if err != nil {
		pgUser, err = user.Lookup("nobody")
	}
	require.NoError(t, err, "needs user postgres or nobody to run Postgres")
	uid, _ := strconv.Atoi(pgUser.Uid)
	gid, _ := strconv.Atoi(pgUser.Gid)
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	pgDir, err := os.MkdirTemp("", "voc-mh-pg-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(pgDir) })
	if cred != nil {
		require.NoError(t, os.Chown(pgDir, uid, gid))
	}
	initdb := netw.start(t, "initdb", "", cred, nil, "initdb", "-D", filepath.Join(pgDir, "data"), "-U", "postgres", "-A", "trust", "--no-sync")
	<-initdb.done
	require.Zero(t, initdb.cmd.ProcessState.ExitCode(), "initdb")
	// The workers connect over the veth subnets the test made.
	hba, err := os.OpenFile(filepath.Join(pgDir, "data", "pg_hba.conf"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = hba.WriteString("host all all 10.231.0.0/16 trust\n")
	require.NoError(t, errors.Join(err, hba.Close()))
	pgPort, redisPort, httpPort := 5432, 6379, 8080
	listen := "*"
	if !netw.netns {
		pgPort, redisPort, httpPort = mhFreePort(t), mhFreePort(t), mhFreePort(t)
		listen = "127.0.0.1"
	}
	startPG := func() *mhProc {
		return netw.start(t, "postgres", netw.ns["master"], cred, nil, "postgres", "-D", filepath.Join(pgDir, "data"),
			"-p", strconv.Itoa(pgPort), "-k", pgDir, "-c", "listen_addresses="+listen, "-c", "fsync=off",
			"-c", "max_connections=300", "-c", "synchronous_commit=off")
	}
	pg := startPG()
	dsn := func(host string) string {
		return fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", net.JoinHostPort(host, strconv.Itoa(pgPort)))
	}
	var pool *pgxpool.Pool
	mhWaitFor(t, "Postgres accepts connections", 30*time.Second, func() bool {
		p, err := pgxpool.New(ctx, dsn(netw.rootToMaster))
		if err == nil && p.Ping(ctx) == nil {
			pool = p
			return true
		}
		if p != nil {
			p.Close()
		}
		return false
	})
	t.Cleanup(pool.Close)

	redisArgs := []string{"--port", strconv.Itoa(redisPort), "--bind", map[bool]string{true: "0.0.0.0", false: "127.0.0.1"}[netw.netns],
		"--protected-mode", "no", "--save", "", "--appendonly", "no"}
	redisSrv := netw.start(t, "redis", netw.ns["master"], nil, nil, "redis-server", redisArgs...)

	admin := mhRandHex(32)
	vocEnv := func(role, hostID string) []string {
		return []string{
			"DATABASE_URL=" + dsn(netw.masterFor[role]),
			"REDIS_URL=redis://" + net.JoinHostPort(netw.masterFor[role], strconv.Itoa(redisPort)) + "/0",
			"VOC_HOST_ID=" + hostID, "VOC_ADMIN_TOKEN=" + admin, "VOC_DATA_DIR=" + t.TempDir(),
			"VOC_LLM_PROVIDER=openai", "VOC_LLM_API_KEY=sim-key", "VOC_LLM_MODEL=voc-sim",
			"VOC_LLM_BASE_URL=http://" + net.JoinHostPort(netw.simFor[role], strconv.Itoa(simPort)) + "/v1",
			"VOC_LLM_RPS=" + strconv.Itoa(mhLLMRPS), "VOC_LLM_HOSTS=" + strconv.Itoa(mhHosts), "VOC_LOG_LEVEL=warn",
		}
	}
	master := netw.start(t, "master", netw.ns["master"], nil, append(vocEnv("master", "mh-master"),
		"VOC_ADDR="+net.JoinHostPort(map[bool]string{true: "0.0.0.0", false: "127.0.0.1"}[netw.netns], strconv.Itoa(httpPort)),
		"VOC_QUEUES=ingestion=2,learning=2,translation=8,reports=2"), bin, "serve")
	apiURL := "http://" + net.JoinHostPort(netw.rootToMaster, strconv.Itoa(httpPort))
	mhWaitFor(t, "voc serve answers /health", 60*time.Second, func() bool {
		resp, err := http.Get(apiURL + "/health")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	startWorker := func(label, ns, role, hostID string) *mhProc {
		return netw.start(t, label, ns, nil, append(vocEnv(role, hostID), "VOC_QUEUES=insight_extraction=4,theme_extraction=4"), bin, "worker", "--migrate=false")
	}
	w1 := startWorker("worker1", netw.ns["worker1"], "worker1", "mh-worker1")
	w2 := startWorker("worker2", netw.ns["worker2"], "worker2", "mh-worker2")
	setupTook := time.Since(started)

	// One upload through the master's API starts the analysis.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("asin", "B0MULTI001")
	_ = mw.WriteField("marketplace", "US")
	fw, _ := mw.CreateFormFile("file", "reviews.csv")
	_, _ = fw.Write(synthCSV(mhReview, "mh"))
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest(http.MethodPost, apiURL+"/api/v1/uploads", &body)
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	runStart := time.Now()

	q := func(sql string, args ...any) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	// qTry is q through a Postgres that may be restarting.
	qTry := func(sql string, args ...any) (int, bool) {
		var n int
		err := pool.QueryRow(ctx, sql, args...).Scan(&n)
		return n, err == nil
	}
	held := func(host string) int {
		n, _ := qTry("SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = $1", host)
		return n
	}
	running := func(what string) {
		require.Equal(t, 1, q("SELECT count(*) FROM analyses WHERE status = 'running'"), "the analysis is still running at: %s", what)
	}
	events := map[string]time.Duration{}

	// Both workers take part.
	mhWaitFor(t, "both workers hold insight or theme jobs", 90*time.Second, func() bool {
		return held("mh-worker1") > 0 && held("mh-worker2") > 0
	})
	events["both workers working"] = time.Since(runStart)

	// SIGTERM to worker2 while it waits on the LLM: it drains, and the jobs it
	// held end without a burnt attempt.
	mhWaitFor(t, "worker2 mid-call", 30*time.Second, func() bool { return held("mh-worker2") > 0 && sim.Stats().InFlight > 0 })
	running("SIGTERM to worker2")
	rows, err := pool.Query(ctx, "SELECT id, attempt FROM river_job WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = 'mh-worker2'")
	require.NoError(t, err)
	drained := map[int64]int{}
	for rows.Next() {
		var id int64
		var attempt int
		require.NoError(t, rows.Scan(&id, &attempt))
		drained[id] = attempt
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, drained)
	drainTook := w2.stop(t, syscall.SIGTERM, 45*time.Second)
	events["worker2 SIGTERM drained"] = time.Since(runStart)
	for id, before := range drained {
		var state, errs string
		var attempt int
		// An attempt's error carries the attempt's number (and its start
		// time, not the error's).
		require.NoError(t, pool.QueryRow(ctx, `SELECT state::text, attempt, coalesce((SELECT string_agg(e::text, '; ') FROM unnest(errors) e
			WHERE (e->>'attempt')::int >= $2), '') FROM river_job WHERE id = $1`, id, before).Scan(&state, &attempt, &errs))
		require.NotEqual(t, "running", state, "job %d was left running by a drained worker", id)
		require.Empty(t, errs, "job %d recorded an error on drain", id)
		if state == "completed" {
			require.Equal(t, before, attempt, "job %d burnt an attempt", id)
		} else {
			require.Equal(t, before-1, attempt, "job %d interrupted by the drain keeps its attempt", id)
		}
	}
	w2 = startWorker("worker2b", netw.ns["worker2"], "worker2", "mh-worker2")
	// A process that cannot start River (Postgres restarting under it)
	// exits for its supervisor to restart; here each restart is let in
	// before the next fault.
	mhWaitFor(t, "the restarted worker2 works", 60*time.Second, func() bool { return held("mh-worker2") > 0 })

	// Worker1's namespace dies with its jobs: its processes are killed and,
	// with namespaces, the namespace is deleted. Its identity comes back on
	// worker2's namespace and hands its jobs back at once.
	mhWaitFor(t, "worker1 holds jobs", 30*time.Second, func() bool { return held("mh-worker1") > 0 })
	running("killing worker1")
	w1.stop(t, syscall.SIGKILL, 10*time.Second)
	orphans := held("mh-worker1")
	require.Positive(t, orphans, "the killed worker left jobs running")
	if netw.netns {
		netw.exec(t, "ip", "netns", "del", netw.ns["worker1"])
		netw.ns["worker1"] = ""
	}
	killedAt := time.Now()
	events["worker1 namespace killed"] = time.Since(runStart)
	w1 = startWorker("worker1-on-ns2", netw.ns["worker2"], "worker2", "mh-worker1")
	mhWaitFor(t, "worker1's orphaned jobs handed back", 90*time.Second, func() bool {
		return held("mh-worker1") == 0 || q("SELECT count(*) FROM river_job WHERE metadata ? 'voc_handed_back_at'") > 0
	})
	orphanBack := time.Since(killedAt)
	mhWaitFor(t, "worker1's id works again", 60*time.Second, func() bool { return held("mh-worker1") > 0 })

	// Postgres restarts (fast shutdown, then start).
	running("Postgres restart")
	pgDown := pg.stop(t, syscall.SIGINT, 60*time.Second)
	startPG()
	mhWaitFor(t, "Postgres back", 60*time.Second, func() bool { _, ok := qTry("SELECT 1"); return ok })
	events["Postgres restarted"] = time.Since(runStart)
	t.Logf("Postgres fast shutdown took %s", pgDown.Round(time.Millisecond))

	// Redis is down for 60 s: every host falls back to its share of the
	// budget, so no second carries more than the sum of the shares.
	mhWaitFor(t, "the pipeline moves after the Postgres restart", 60*time.Second, func() bool {
		n, ok := qTry("SELECT count(*) FROM river_job WHERE state = 'completed' AND finalized_at > now() - interval '3 seconds'")
		return ok && n > 0
	})
	running("Redis outage")
	redisSrv.stop(t, syscall.SIGTERM, 30*time.Second)
	outStart := time.Now()
	events["Redis stopped"] = time.Since(runStart)
	time.Sleep(60 * time.Second) // the outage the issue asks for, not a synchronisation
	outEnd := time.Now()
	netw.start(t, "redis2", netw.ns["master"], nil, nil, "redis-server", redisArgs...)
	events["Redis restarted"] = time.Since(runStart)

	mhWaitFor(t, "the analysis completes", 4*time.Minute, func() bool {
		n, ok := qTry("SELECT count(*) FROM analyses WHERE status <> 'running'")
		return ok && n == 1
	})
	runTook := time.Since(runStart)
	// The final report's commit queued the vacuum of the analysis's tables.
	mhWaitFor(t, "the vacuum after the analysis", time.Minute, func() bool {
		n, ok := qTry("SELECT count(*) FROM river_job WHERE state <> 'completed'")
		return ok && n == 0
	})
	for _, p := range []*mhProc{master, w1, w2} {
		select {
		case <-p.done:
			t.Errorf("%s exited during the run: %v", p.name, p.cmd.ProcessState)
		default:
		}
	}

	// Nothing lost, nothing duplicated.
	require.Equal(t, "done", func() string {
		var s string
		require.NoError(t, pool.QueryRow(ctx, "SELECT status FROM analyses").Scan(&s))
		return s
	}())
	require.Equal(t, mhReview, q("SELECT count(*) FROM reviews"))
	require.Equal(t, mhReview, q("SELECT count(DISTINCT source_review_id) FROM reviews"))
	require.Equal(t, mhReview, q("SELECT rows_ingested FROM uploads"))
	require.Equal(t, mhReview, q("SELECT count(*) FROM analysis_reviews WHERE insights_state = 'done' AND themes_state = 'done'"))
	require.Equal(t, mhReview, q("SELECT insights_done FROM analyses"))
	require.Equal(t, mhReview, q("SELECT themes_done FROM analyses"))
	require.Zero(t, q("SELECT count(*) FROM review_failures"))
	insights, tags := q("SELECT count(*) FROM insights"), q("SELECT count(*) FROM review_tags")
	require.Positive(t, insights)
	require.Equal(t, insights, q("SELECT count(*) FROM (SELECT DISTINCT review_id, type, dimension_id, quote FROM insights) d"), "no duplicated insight")
	require.Equal(t, tags, q("SELECT count(*) FROM (SELECT DISTINCT review_id, type, label_id, quote FROM review_tags) d"), "no duplicated tag")
	require.Equal(t, 1, q("SELECT count(*) FROM reports WHERE kind = 'preliminary'"))
	require.Equal(t, 1, q("SELECT count(*) FROM reports WHERE kind = 'final'"))
	require.Zero(t, q("SELECT count(*) FROM river_job WHERE state NOT IN ('completed')"), "every job completed")

	// Queue ownership per host: who completed what.
	own, err := pool.Query(ctx, `SELECT attempted_by[cardinality(attempted_by)], queue, count(*) FROM river_job
		GROUP BY 1, 2 ORDER BY 1, 2`)
	require.NoError(t, err)
	byHost := map[string]map[string]int{}
	for own.Next() {
		var host, queue string
		var n int
		require.NoError(t, own.Scan(&host, &queue, &n))
		if byHost[host] == nil {
			byHost[host] = map[string]int{}
		}
		byHost[host][queue] = n
	}
	require.NoError(t, own.Err())
	for host, qs := range byHost {
		for queue := range qs {
			switch host {
			case "mh-master":
				require.Contains(t, []string{"ingestion", "learning", "translation", "reports"}, queue)
			case "mh-worker1", "mh-worker2":
				require.Contains(t, []string{"insight_extraction", "theme_extraction"}, queue)
			default:
				t.Fatalf("unknown host %q worked queue %s", host, queue)
			}
		}
	}
	for _, w := range []string{"mh-worker1", "mh-worker2"} {
		require.Positive(t, byHost[w]["insight_extraction"]+byHost[w]["theme_extraction"], "%s took part", w)
	}

	// The Redis outage, counted at the simulator: skip the first second
	// (calls admitted by Redis just before it stopped may land in it).
	share := float64(mhLLMRPS) / mhHosts * mhHosts
	maxSec, total, secs := counts.window(outStart.Add(time.Second), outEnd)
	require.Positive(t, total, "the pipeline kept calling the LLM while Redis was down")
	require.LessOrEqual(t, float64(maxSec), share, "no second during the outage carries more than the hosts' fallback shares; per second: %v", secs)

	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		t.Logf("ownership %s: %v", h, byHost[h])
	}
	evs := make([]string, 0, len(events))
	for k, v := range events {
		evs = append(evs, fmt.Sprintf("%s at %s", k, v.Round(time.Second)))
	}
	sort.Strings(evs)
	st := sim.Stats()
	t.Logf("topology: netns=%v; setup %s; run %s (%d reviews, %d LLM calls, %d insights, %d tags); events: %s",
		netw.netns, setupTook.Round(time.Second), runTook.Round(time.Second), mhReview, st.Calls, insights, tags, strings.Join(evs, "; "))
	t.Logf("SIGTERM drain of worker2 took %s with %d jobs held; worker1 orphans: %d, handed back %s after the kill",
		drainTook.Round(time.Millisecond), len(drained), orphans, orphanBack.Round(time.Millisecond))
	t.Logf("Redis outage %s: %d calls, max %d per second (limit %.0f), per second: %v",
		outEnd.Sub(outStart).Round(time.Second), total, maxSec, share, secs)
	t.Logf("total test time %s", time.Since(started).Round(time.Second))
}

// mhWaitFor polls cond every 100 ms until it holds or the timeout passes.
func mhWaitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for: %s", timeout, what)
}
