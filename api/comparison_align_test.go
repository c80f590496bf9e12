package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc"
	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// modelledProducts stores products with learned models (no reviews), so a
// comparison can be made without running the pipeline.
func modelledProducts(t *testing.T, e *env, models map[string]voc.Model, asins ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, asin := range asins {
		p, err := store.ProductUpsert(ctx, e.pool, store.ProductInput{Marketplace: "US", ASIN: asin, Title: "Product " + asin, TargetLanguage: "en"})
		require.NoError(t, err)
		require.NoError(t, store.InTx(ctx, e.pool, func(tx pgx.Tx) error {
			_, err := store.ModelStoreLearned(ctx, tx, p.ID, models[asin])
			return err
		}))
		ids = append(ids, p.ID)
	}
	return ids
}

func dims(names ...string) []voc.Dimension {
	out := make([]voc.Dimension, len(names))
	for i, n := range names {
		out[i] = voc.Dimension{Name: n, Definition: n}
	}
	return out
}

// threeModels are a German, an English and a Chinese model that share
// battery life and sound.
var threeModels = map[string]voc.Model{
	"B0ALIGNDE1": {Dimensions: voc.Dimensions{Product: dims("Akkulaufzeit", "Klangqualität", "Verarbeitung"), Emotion: dims("Freude")}},
	"B0ALIGNEN1": {Dimensions: voc.Dimensions{Product: dims("battery life", "sound quality", "camera"), Scenario: dims("commute")}},
	"B0ALIGNZH1": {Dimensions: voc.Dimensions{Product: dims("续航", "音质", "屏幕")}},
}

// renamingAligner is the analyser behind the simulator in these tests: it
// aligns like the offline analyser but names every group "LLM · …", and
// adds a group of a dimension id that does not exist, so a test can tell
// the model's answer from the offline fallback and see it cleaned.
type renamingAligner struct{ llm.Analyzer }

func (renamingAligner) Align(_ context.Context, in llm.AlignInput) (llm.AlignOutput, llm.Usage, error) {
	out := offline.Align(in)
	for i := range out.Groups {
		out.Groups[i].Name = "LLM · " + out.Groups[i].Name
	}
	out.Groups = append(out.Groups, llm.AlignGroup{Name: "Invented", Kind: "product", DimensionIDs: []int64{987654321}})
	return out, llm.Usage{}, nil
}

// simOver serves llmsim, answering from a, over HTTP and returns the
// OpenAI-compatible provider pointed at it.
func simOver(t *testing.T, cfg llmsim.Config, a llm.Analyzer, rec llm.Recorder) (llm.Analyzer, *llmsim.Server) {
	t.Helper()
	sim := llmsim.New(cfg, a)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim", Timeout: 20 * time.Second, Recorder: rec})
	require.NoError(t, err)
	return p, sim
}

func alignmentCalls(sim *llmsim.Server) int64 { return sim.Stats().Tasks[string(llm.TaskAlignment)] }

func rowNamed(v comparison.View, name string) *comparison.Row {
	for i, r := range v.Matrix {
		if r.Name == name {
			return &v.Matrix[i]
		}
	}
	return nil
}

// TestComparisonAlignmentLLM: creating a comparison makes exactly one
// alignment call to the model (through the simulator over HTTP) and stores
// its cleaned answer; reading the comparison and its reports, and
// correcting the alignment, make none; the same products compared again
// are answered by the Redis cache. The analyst's correction persists.
func TestComparisonAlignmentLLM(t *testing.T) {
	t.Parallel()
	// Calls are recorded in the env's database, which exists once the env
	// does.
	var e *env
	rec := llm.RecorderFunc(func(ctx context.Context, c llm.Call) { store.CallRecorder{DB: e.pool}.RecordCall(ctx, c) })
	p, sim := simOver(t, quietSim(), renamingAligner{offline.New()}, rec)
	e = newEnv(t, envOpts{queues: map[string]int{}, analyzer: p, cache: true})
	ids := modelledProducts(t, e, threeModels, "B0ALIGNDE1", "B0ALIGNEN1", "B0ALIGNZH1")
	require.Zero(t, alignmentCalls(sim))

	status, raw, v := e.compare(fmt.Sprintf(`{"name":"Three languages","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
	require.Equal(t, http.StatusCreated, status, string(raw))
	require.EqualValues(t, 1, alignmentCalls(sim), "one call per comparison")
	require.Equal(t, "llm", v.AlignmentSource)
	require.Contains(t, v.AlignmentNote, "voc-sim")
	for _, g := range v.Alignment {
		require.True(t, strings.HasPrefix(g.Name, "LLM · "), "the model's group names are stored: %s", g.Name)
		require.Equal(t, "llm", g.Key)
		for _, m := range g.Members {
			require.NotEqual(t, int64(987654321), m.DimensionID, "an invented dimension is cleaned away")
		}
	}
	battery := rowNamed(v, "LLM · Akkulaufzeit")
	require.NotNil(t, battery, "%s", raw)
	for i, c := range battery.Cells {
		require.NotNil(t, c, "battery life is aligned in product %d", ids[i])
	}
	require.Equal(t, 1, e.count(`SELECT count(*) FROM llm_calls WHERE stage = 'comparison_alignment' AND NOT cache_hit`))

	// Reading it again, and its reports, make no call.
	for _, path := range []string{"", "/markdown", "/html", "/pdf"} {
		status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/comparisons/%d%s", v.ID, path), nil, "", nil)
		require.Equal(t, http.StatusOK, status, "%s: %s", path, raw)
	}
	require.EqualValues(t, 1, alignmentCalls(sim), "re-reading makes no call")

	// The analyst takes camera out into a group of its own; the
	// correction persists and no call is made.
	var groups []store.AlignGroup
	for _, g := range v.Alignment {
		if g.Name == "LLM · Akkulaufzeit" {
			groups = append(groups, store.AlignGroup{Name: "Battery (analyst)", Kind: g.Kind, Members: g.Members})
			continue
		}
		groups = append(groups, g)
	}
	body, _ := json.Marshal(map[string]any{"groups": groups})
	var fixed comparison.View
	status, raw = e.do(http.MethodPatch, fmt.Sprintf("/api/v1/comparisons/%d/alignment", v.ID), bytes.NewReader(body), "application/json", &fixed)
	require.Equal(t, http.StatusOK, status, string(raw))
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/comparisons/%d", v.ID), nil, "", &fixed)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "edited", fixed.AlignmentSource)
	require.NotNil(t, rowNamed(fixed, "Battery (analyst)"))
	require.Nil(t, rowNamed(fixed, "LLM · Akkulaufzeit"))
	require.EqualValues(t, 1, alignmentCalls(sim))

	// The same products compared again: the cached answer, no call.
	status, raw, again := e.compare(fmt.Sprintf(`{"name":"Again","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
	require.Equal(t, http.StatusCreated, status, string(raw))
	require.Equal(t, "llm", again.AlignmentSource)
	require.Contains(t, again.AlignmentNote, "cache")
	require.Equal(t, v.Alignment, again.Alignment)
	require.EqualValues(t, 1, alignmentCalls(sim), "the second comparison is answered by the cache")
}

// TestComparisonAlignmentFallback: when the model's call fails (5xx) or
// its answers stay invalid after the repair, the comparison is aligned
// offline and says why; nothing invalid is stored.
func TestComparisonAlignmentFallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cfg   func(*llmsim.Config)
		calls int64
		note  string
	}{
		{"5xx", func(c *llmsim.Config) { c.FailRate5xx = 1 }, 1, "the call failed"},
		{"malformed", func(c *llmsim.Config) { c.MalformedRate = 1 }, 2, "its answer was invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := quietSim()
			tc.cfg(&cfg)
			p, sim := simOver(t, cfg, offline.New(), nil)
			e := newEnv(t, envOpts{queues: map[string]int{}, analyzer: p})
			ids := modelledProducts(t, e, threeModels, "B0ALIGNDE1", "B0ALIGNEN1", "B0ALIGNZH1")
			status, raw, v := e.compare(fmt.Sprintf(`{"name":"Fallback","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
			require.Equal(t, http.StatusCreated, status, string(raw))
			require.Equal(t, tc.calls, alignmentCalls(sim), "one call (and its one repair)")
			require.Equal(t, "offline", v.AlignmentSource)
			require.Contains(t, v.AlignmentNote, tc.note)
			row := rowNamed(v, "Akkulaufzeit")
			require.NotNil(t, row, "%s", raw)
			require.Len(t, row.Members, 3, "the offline alignment lines battery life up in three languages")
			for _, g := range v.Alignment {
				require.NotEqual(t, "llm", g.Key)
			}
		})
	}
}

// TestComparisonAlignmentOffline: with the offline analyser no call is
// possible; the comparison says it was aligned offline and why.
func TestComparisonAlignmentOffline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: map[string]int{}})
	ids := modelledProducts(t, e, threeModels, "B0ALIGNDE1", "B0ALIGNEN1", "B0ALIGNZH1")
	status, raw, v := e.compare(fmt.Sprintf(`{"name":"Offline","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
	require.Equal(t, http.StatusCreated, status, string(raw))
	require.Equal(t, "offline", v.AlignmentSource)
	require.Contains(t, v.AlignmentNote, "no language model")
	require.Len(t, rowNamed(v, "Akkulaufzeit").Members, 3)
	require.Zero(t, e.count(`SELECT count(*) FROM llm_calls WHERE stage = 'comparison_alignment'`))
}

// TestComparisonRealign: a comparison created while the model fails is
// aligned offline; once the model answers again, re-aligning makes exactly
// one call, stores the model's alignment (source llm) in place of an
// analyst's earlier correction, and is audited. Viewers may not re-align;
// an unknown comparison is a problem+json 404.
func TestComparisonRealign(t *testing.T) {
	t.Parallel()
	var e *env
	rec := llm.RecorderFunc(func(ctx context.Context, c llm.Call) { store.CallRecorder{DB: e.pool}.RecordCall(ctx, c) })
	// Two simulators behind one address: one that fails every call (5xx)
	// while the model is "down", and one that answers.
	downCfg := quietSim()
	downCfg.FailRate5xx = 1
	down := llmsim.New(downCfg, offline.New())
	up := llmsim.New(quietSim(), renamingAligner{offline.New()})
	var isDown atomic.Bool
	isDown.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isDown.Load() {
			down.ServeHTTP(w, r)
			return
		}
		up.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim", Timeout: 20 * time.Second, Recorder: rec})
	require.NoError(t, err)
	e = newEnv(t, envOpts{queues: map[string]int{}, analyzer: p, cache: true})
	ids := modelledProducts(t, e, threeModels, "B0ALIGNDE1", "B0ALIGNEN1", "B0ALIGNZH1")

	status, raw, v := e.compare(fmt.Sprintf(`{"name":"Realign","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
	require.Equal(t, http.StatusCreated, status, string(raw))
	require.Equal(t, "offline", v.AlignmentSource)
	require.Contains(t, v.AlignmentNote, "the call failed")
	require.EqualValues(t, 1, alignmentCalls(down))
	require.Zero(t, alignmentCalls(up))

	// The analyst corrects the offline alignment.
	var groups []store.AlignGroup
	for _, g := range v.Alignment {
		if g.Name == "Akkulaufzeit" {
			g.Name = "Battery (analyst)"
		}
		groups = append(groups, g)
	}
	body, _ := json.Marshal(map[string]any{"groups": groups})
	status, raw = e.do(http.MethodPatch, fmt.Sprintf("/api/v1/comparisons/%d/alignment", v.ID), bytes.NewReader(body), "application/json", nil)
	require.Equal(t, http.StatusOK, status, string(raw))

	// The model is back; re-aligning asks it once and drops the correction.
	isDown.Store(false)
	callsBefore := e.count(`SELECT count(*) FROM llm_calls WHERE stage = 'comparison_alignment' AND NOT cache_hit`)
	realign := fmt.Sprintf("/api/v1/comparisons/%d/alignment/realign", v.ID)
	var nv comparison.View
	status, raw = e.do(http.MethodPost, realign, nil, "", &nv)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "llm", nv.AlignmentSource)
	require.Contains(t, nv.AlignmentNote, "voc-sim")
	require.EqualValues(t, 1, alignmentCalls(up), "exactly one call to re-align")
	require.EqualValues(t, 1, alignmentCalls(down), "no call to the failing model")
	require.Equal(t, callsBefore+1, e.count(`SELECT count(*) FROM llm_calls WHERE stage = 'comparison_alignment' AND NOT cache_hit`))
	require.Nil(t, rowNamed(nv, "Battery (analyst)"), "the correction is gone")
	require.NotNil(t, rowNamed(nv, "LLM · Akkulaufzeit"), "%s", raw)
	// GET answers the same.
	var got comparison.View
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/comparisons/%d", v.ID), nil, "", &got)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, nv, got)
	require.Equal(t, 1, e.count(`SELECT count(*) FROM audit_log WHERE action = 'comparison.realign' AND target = $1`, fmt.Sprintf("comparison %d", v.ID)))

	// Again: the cached answer, no call.
	status, raw = e.do(http.MethodPost, realign, nil, "", &nv)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "llm", nv.AlignmentSource)
	require.Contains(t, nv.AlignmentNote, "cache")
	require.EqualValues(t, 1, alignmentCalls(up), "the cached answer costs no call")

	// An unknown comparison is a problem+json 404.
	req, err := http.NewRequest(http.MethodPost, e.url+"/api/v1/comparisons/987654/alignment/realign", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json")

	// A viewer may not re-align.
	ctx := context.Background()
	u, err := store.UserCreate(ctx, e.pool, "viewer@example.com", "A viewer", store.RoleViewer, "not a usable hash")
	require.NoError(t, err)
	secret := store.NewTokenSecret()
	_, err = store.TokenCreateForUser(ctx, e.pool, u.ID, "viewer", secret)
	require.NoError(t, err)
	req, err = http.NewRequest(http.MethodPost, e.url+realign, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.EqualValues(t, 1, alignmentCalls(up))
}
