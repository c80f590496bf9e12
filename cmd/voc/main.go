// Command voc is the Voice-of-Customer pipeline: one binary for every role.
//
//	voc serve     HTTP API, web UI and workers (every role on one host)
//	voc worker    workers only, for the queues in VOC_QUEUES
//	voc migrate   apply River's and voc's migrations
//	voc ingest    upload a review file from the command line
//	voc status    live hosts, queue depth and pipeline progress
//	voc queue     pause, resume and list queues
//	voc llmsim    the OpenAI-compatible LLM simulator
//	voc token     create, list and revoke API tokens
//	voc user      create, list, disable and enable user accounts
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "voc:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	cfg := defaultConfig()
	root := &cobra.Command{
		Use:           "voc",
		Short:         "Voice-of-Customer pipeline: reviews in, analyst-ready report out",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			setMemoryLimit()
			return setupLogging(cfg.LogLevel)
		},
	}
	cfg.registerFlags(root.PersistentFlags())
	root.AddCommand(serveCmd(cfg, true), serveCmd(cfg, false), migrateCmd(cfg), ingestCmd(cfg), statusCmd(cfg), queueCmd(cfg), llmsimCmd(), tokenCmd(cfg), userCmd(cfg))
	return root
}

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is unset. With 500 LLM calls in flight the live heap is 50–65 MB and the
// goroutine stacks (a call, its connection's reader and writer) about 28 MB;
// at the default GOGC the heap may grow to twice that before a collection,
// and the binary's own pages add about 50 MB of RSS, which put a host over
// 150 MB. The soft limit makes the collector run earlier instead; it never
// fails an allocation. GOMEMLIMIT (e.g. "1GiB", or "off") overrides it.
const defaultMemoryLimit = 96 << 20

func setMemoryLimit() {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func setupLogging(level string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToLower(level))); err != nil {
		return fmt.Errorf("VOC_LOG_LEVEL: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
	slog.SetDefault(log)
	redis.SetLogger(redisLogger{log})
	return nil
}

// redisLogger sends go-redis's own messages (a failed dial, a pool hook
// error) through slog, so that every line stays JSON.
type redisLogger struct{ log *slog.Logger }

// Printf implements go-redis's internal.Logging.
func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)), "component", "redis")
}
