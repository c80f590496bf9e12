package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

// Attacks of issue 9, replayed against the HTTP API and the real job.

// TestHostileLongErrorMessages: a 20,000-character column name, or a
// mapping naming a 12,000-character column, used to produce an error over
// Postgres's 10,000-byte CopyFail limit; the server dropped the connection
// and the upload retried for hours. Now it fails at once with a short reason.
func TestHostileLongErrorMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: ingestOnly.queues, maxBytes: 1 << 20})
	longCol := strings.Repeat("x", 20_000)
	cases := []struct {
		name   string
		file   string
		fields map[string]string
	}{
		{"long column name", "c1.csv", nil},
		{"long mapped column", "c2.csv", map[string]string{"mapping": `{"body":"` + strings.Repeat("y", 12_000) + `"}`}},
	}
	for i, c := range cases {
		body := []byte(longCol + ",other\n1,2\n3,4\n")
		start := time.Now()
		acc := e.upload(c.file, body, "B0LONG000"+string(rune('0'+i)), c.fields)
		u := e.waitUpload(acc.UploadID)
		require.Equal(t, store.UploadFailed, u.Status, c.name)
		require.NotEmpty(t, u.Error, c.name)
		require.LessOrEqual(t, len(u.Error), 1024, "%s: the stored reason is bounded", c.name)
		require.Less(t, time.Since(start), 30*time.Second, "%s: fails fast, not after retries", c.name)
		require.Equal(t, 1, e.count(`SELECT max(attempt) FROM river_job WHERE kind = 'ingest_upload' AND args->>'upload_id' = $1`,
			strconv.FormatInt(acc.UploadID, 10)), "%s: one attempt, no retries", c.name)
		// The stored mapping is not echoed in full either way.
		require.Less(t, len(u.Mapping["body"]), 13_000)
	}
	_ = context.Background()
	_ = http.MethodGet
}
