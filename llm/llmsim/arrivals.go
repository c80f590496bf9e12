package llmsim

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// maxArrivals bounds the arrival log (8 bytes each): a long-running
// simulator stops recording after this many, it never grows without end.
const maxArrivals = 4 << 20

// arrivals logs when each chat request arrived, so benchmarks measure the
// wire rate where the provider would: at the simulator.
type arrivals struct {
	mu sync.Mutex
	us []int64 // unix µs, in arrival order
}

func (a *arrivals) add(t time.Time) {
	a.mu.Lock()
	if len(a.us) < maxArrivals {
		a.us = append(a.us, t.UnixMicro())
	}
	a.mu.Unlock()
}

// Arrivals summarises the request arrivals, served at GET /stats/arrivals.
type Arrivals struct {
	// Requests counts the arrivals logged.
	Requests int `json:"requests"`
	// First is the first arrival's wall-clock second (unix seconds).
	First int64 `json:"first"`
	// PerSecond counts arrivals in each wall-clock second from First on.
	PerSecond []int `json:"per_second"`
	// MaxPerSecond is the largest entry of PerSecond.
	MaxPerSecond int `json:"max_per_second"`
	// MaxSliding1s is the most arrivals in any window [t, t+1s), t anywhere.
	MaxSliding1s int `json:"max_sliding_1s"`
}

// Arrivals returns a summary of the arrival log.
func (s *Server) Arrivals() Arrivals {
	s.arrivals.mu.Lock()
	us := slices.Clone(s.arrivals.us)
	s.arrivals.mu.Unlock()
	var out Arrivals
	out.Requests = len(us)
	if len(us) == 0 {
		return out
	}
	slices.Sort(us) // handlers log concurrently
	out.First = us[0] / 1e6
	out.PerSecond = make([]int, us[len(us)-1]/1e6-out.First+1)
	j := 0
	for i, t := range us {
		out.PerSecond[t/1e6-out.First]++
		// The busiest window starts on an arrival.
		for j < len(us) && us[j] < t+1e6 {
			j++
		}
		out.MaxSliding1s = max(out.MaxSliding1s, j-i)
	}
	out.MaxPerSecond = slices.Max(out.PerSecond)
	return out
}

// ResetArrivals clears the arrival log (between benchmark phases).
func (s *Server) ResetArrivals() {
	s.arrivals.mu.Lock()
	s.arrivals.us = nil
	s.arrivals.mu.Unlock()
}

func (s *Server) handleArrivals(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		s.ResetArrivals()
		writeJSON(w, http.StatusOK, Arrivals{})
		return
	}
	writeJSON(w, http.StatusOK, s.Arrivals())
}
