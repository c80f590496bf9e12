package llmsim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimitsRPM(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := newLimits(Config{RPM: 60}, now)
	for range 60 {
		code, _ := l.admit(now, 10)
		require.Empty(t, code)
	}
	code, wait := l.admit(now, 10)
	require.Equal(t, "limit_requests", code)
	require.Equal(t, time.Second, wait)
	code, _ = l.admit(now.Add(time.Second), 10)
	require.Empty(t, code, "one request refilled after a second")
}

func TestLimitsTPM(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := newLimits(Config{TPM: 6000}, now) // 100 tokens/s
	code, _ := l.admit(now, 5000)
	require.Empty(t, code)
	l.spend(now, 900) // the answer
	code, wait := l.admit(now, 500)
	require.Equal(t, "insufficient_quota", code)
	require.Equal(t, 4*time.Second, wait)
	// A prompt above the whole budget passes on a full bucket.
	big := newLimits(Config{TPM: 6000}, now)
	code, _ = big.admit(now, 1_000_000)
	require.Empty(t, code)
}

func TestLimitsBurst(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := newLimits(Config{Burst: 3}, now)
	for range 3 {
		code, _ := l.admit(now, 1)
		require.Empty(t, code)
	}
	code, wait := l.admit(now.Add(900*time.Millisecond), 1)
	require.Equal(t, "limit_burst_rate", code)
	require.Equal(t, time.Second, wait)
	code, _ = l.admit(now.Add(time.Second), 1)
	require.Empty(t, code, "a new second")
}

func TestLimitsRejectionsCostNothing(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := newLimits(Config{RPM: 60, TPM: 600}, now)
	code, _ := l.admit(now, 600)
	require.Empty(t, code)
	for range 10 {
		code, _ = l.admit(now, 600)
		require.Equal(t, "insufficient_quota", code)
	}
	// The rejected requests took no RPM budget: 59 remain.
	for range 59 {
		code, _ = l.admit(now.Add(time.Minute), 1)
		require.Empty(t, code)
	}
}
