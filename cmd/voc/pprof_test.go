package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPprofOnlyOnLoopback: profiles are served without auth, so only a
// loopback address is accepted.
func TestPprofOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:6060", "nonsense"} {
		_, err := startPprof(addr, log)
		require.Error(t, err, addr)
		require.Contains(t, err.Error(), "VOC_PPROF_ADDR")
	}
	stop, err := startPprof("127.0.0.1:0", log)
	require.NoError(t, err)
	stop()
}
