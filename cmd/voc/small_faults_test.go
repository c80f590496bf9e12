package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// TestPoolMaxConnsRespected: pool_max_conns below 20 was raised to 40.
func TestPoolMaxConnsRespected(t *testing.T) {
	t.Parallel()
	cases := map[string]int32{
		"postgres://u@h:5432/voc?pool_max_conns=8":  8,
		"postgres://u@h:5432/voc?pool_max_conns=60": 60,
		"postgres://u@h:5432/voc":                   40,
		"host=h dbname=voc pool_max_conns=5":        5,
	}
	for dsn, want := range cases {
		c, err := poolConfig(dsn)
		require.NoError(t, err, dsn)
		require.Equal(t, want, c.MaxConns, dsn)
	}
	_, err := poolConfig("postgres://u@h/voc?pool_max_conns=abc")
	require.ErrorContains(t, err, "DATABASE_URL")
}

// TestRedisLogsAreJSON: go-redis printed its own plain-text lines (a
// failed dial) into the JSON log.
func TestRedisLogsAreJSON(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())

	var buf bytes.Buffer
	redis.SetLogger(redisLogger{slog.New(slog.NewJSONHandler(&buf, nil))})
	rdb := redis.NewClient(&redis.Options{Addr: dead, MaxRetries: -1, DialerRetries: 1})
	defer rdb.Close()
	require.Error(t, rdb.Ping(context.Background()).Err())

	sc := bufio.NewScanner(&buf)
	lines := 0
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), "not JSON: %s", sc.Text())
		require.Equal(t, "redis", rec["component"])
		require.Equal(t, "WARN", rec["level"])
		lines++
	}
	require.Positive(t, lines, "go-redis logged the failed dial")
}
