// Command voc is the Voice-of-Customer pipeline: one binary for every role.
//
//	voc serve     HTTP API, web UI and workers (every role on one host)
//	voc worker    workers only, for the queues in VOC_QUEUES
//	voc migrate   apply River's and voc's migrations
//	voc ingest    upload a review file from the command line
//	voc status    queue depth and pipeline progress
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
	"strings"
	"syscall"

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
			return setupLogging(cfg.LogLevel)
		},
	}
	cfg.registerFlags(root.PersistentFlags())
	root.AddCommand(serveCmd(cfg, true), serveCmd(cfg, false), migrateCmd(cfg), ingestCmd(cfg), statusCmd(cfg), llmsimCmd(), tokenCmd(cfg), userCmd(cfg))
	return root
}

func setupLogging(level string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToLower(level))); err != nil {
		return fmt.Errorf("VOC_LOG_LEVEL: %w", err)
	}
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})))
	return nil
}
