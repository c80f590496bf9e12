package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

// TestRerunFromCacheCostsNoCalls re-analyses a product with the Redis answer
// cache in front of the provider: the re-run's insight and theme calls are
// all cache hits, so the simulator sees no new insight or theme request.
func TestRerunFromCacheCostsNoCalls(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc, cache: true})
	acc := e.upload("fixture.csv", fixtureCSV(t, 1), "B0CACHE001", nil)
	first := e.waitFinal(acc.ProductID, 3*time.Minute)
	before := e.sim.Stats()
	hitsBefore := e.metric("voc_llm_calls_total", `cache="hit"`, `stage="insight_extraction"`, `status="ok"`)

	var rr struct {
		AnalysisID int64 `json:"analysis_id"`
	}
	status, raw := e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/rerun", acc.ProductID), nil, "", &rr)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	deadline := time.Now().Add(2 * time.Minute)
	var a store.Analysis
	for time.Now().Before(deadline) {
		var err error
		a, err = store.AnalysisGet(context.Background(), e.pool, rr.AnalysisID)
		require.NoError(t, err)
		if a.Status == "done" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, "done", a.Status)
	require.NotEqual(t, first.ID, a.ID)
	after := e.sim.Stats()
	require.Equal(t, before.Tasks["insights"], after.Tasks["insights"], "no insight call reached the provider")
	require.Equal(t, before.Tasks["themes"], after.Tasks["themes"], "no theme call reached the provider")
	hits := e.count("SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND cache_hit", a.ID)
	require.Positive(t, hits)
	require.Equal(t, a.ReviewsTotal, a.InsightsDone)
	// /metrics counts the hits too (other tests' hits may add to them).
	insightHits := e.count("SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND cache_hit AND stage = 'insight_extraction'", a.ID)
	require.Positive(t, insightHits)
	require.GreaterOrEqual(t, e.metric("voc_llm_calls_total", `cache="hit"`, `stage="insight_extraction"`, `status="ok"`)-hitsBefore, float64(insightHits))
	t.Logf("re-run: %d cache hits, %d provider calls (first run made %d)", hits, after.Calls-before.Calls, before.Calls)
}
