package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// serveCmd builds `voc serve` (withAPI) or `voc worker`.
func serveCmd(cfg *Config, withAPI bool) *cobra.Command {
	migrate := true
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run workers for the queues in VOC_QUEUES",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), cfg, withAPI, migrate)
		},
	}
	if withAPI {
		cmd.Use = "serve"
		cmd.Short = "Run the HTTP API, web UI and workers"
		cfg.registerServeFlags(cmd.Flags())
	}
	cmd.Flags().BoolVar(&migrate, "migrate", migrate, "apply migrations at start-up")
	return cmd
}

func run(ctx context.Context, cfg *Config, withAPI, migrate bool) error {
	queues, err := cfg.queues()
	if err != nil {
		return err
	}
	role := "worker"
	if withAPI {
		role = "serve"
	}
	hostID, err := cfg.resolveHostID(role)
	if err != nil {
		return err
	}
	if _, err := cfg.defaultTargetLanguage(); err != nil {
		return err
	}
	if withAPI {
		// Before anything opens: a placeholder admin token stops start-up.
		if err := checkAdminToken(cfg.AdminToken); err != nil {
			return err
		}
	}
	a, err := openApp(ctx, cfg, migrate)
	if err != nil {
		return err
	}
	defer a.close()
	// Claim the id before River starts: it hands back the jobs an earlier
	// run of this host left running, so they continue at once.
	host, err := claimHost(ctx, a, hostID, role, jobs.QueueNames(queues))
	if err != nil {
		return err
	}
	a.hostID = hostID
	if cfg.PprofAddr != "" {
		stop, err := startPprof(cfg.PprofAddr, a.log)
		if err != nil {
			return err
		}
		defer stop()
	}
	if cfg.MetricsAddr != "" {
		stop, err := startMetrics(cfg.MetricsAddr, a.pool, a.log)
		if err != nil {
			return err
		}
		defer stop()
	}
	client, err := a.riverClient(queues)
	if err != nil {
		return err
	}
	if len(queues) > 0 {
		// Not ctx: cancelling Start's context is River's abrupt stop, which
		// fails running jobs with "context canceled" and burns their attempt.
		// SIGTERM cancels ctx; the shutdown below soft-stops River instead.
		if err := client.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("start river: %w", err)
		}
		a.log.Info("workers started", "host_id", hostID, "queues", jobs.FormatQueues(queues))
	}

	var srv *http.Server
	errc := make(chan error, 1)
	if withAPI {
		if err := a.ensureAdminToken(ctx); err != nil {
			return err
		}
		an, err := a.analyzer()
		if err != nil {
			return err
		}
		var readyRedis func(context.Context) error
		if a.redis != nil {
			readyRedis = a.readyRedis
		}
		provider, _ := cfg.provider() // validated when the River client was built
		proxies, err := cfg.trustedProxies()
		if err != nil {
			return err
		}
		h, err := api.New(api.Config{Pool: a.pool, River: client, Log: a.log, MaxUploadBytes: cfg.MaxUploadBytes, XLSX: cfg.xlsxLimits(),
			Ready: readyRedis, LLMProvider: provider, Context: ctx, DefaultTargetLanguage: cfg.DefaultTargetLanguage, LLM: an,
			TrustedProxies: proxies, AllowedOrigins: cfg.allowedOrigins(), SessionTTL: cfg.SessionTTL,
			Uploads: cfg.uploadLimits(), HTTP: cfg.httpLimits()})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s (VOC_ADDR): %w", cfg.Addr, err)
		}
		httpLim := cfg.httpLimits()
		srv, ln = api.NewServer(h, ln, httpLim)
		a.log.Info("http listening", "addr", ln.Addr().String(), "max_conns", httpLim.MaxConns)
		go func() { errc <- srv.Serve(ln) }()
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server", "error", err)
		}
	}
	// Ordered shutdown: HTTP, then River (soft, then hard), then the pool.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if srv != nil {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			a.log.Warn("http shutdown", "error", err)
		}
	}
	if len(queues) > 0 {
		softCtx, softCancel := context.WithTimeout(shutdownCtx, 20*time.Second)
		defer softCancel()
		if err := client.Stop(softCtx); err != nil {
			a.log.Warn("river soft stop timed out; cancelling running jobs", "error", err)
			if err := client.StopAndCancel(shutdownCtx); err != nil {
				a.log.Warn("river hard stop", "error", err)
			}
		}
	}
	if err := host.release(shutdownCtx); err != nil {
		a.log.Warn("host identity release", "error", err)
	}
	return nil
}

func migrateCmd(cfg *Config) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply River's and voc's database migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			a.close()
			fmt.Fprintln(cmd.OutOrStdout(), "migrations applied")
			return nil
		},
	}
}

func tokenCmd(cfg *Config) *cobra.Command {
	root := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var admin bool
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an API token and print its secret once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer a.close()
			secret := store.NewTokenSecret()
			if _, err := store.TokenCreate(cmd.Context(), a.pool, args[0], secret, admin); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	create.Flags().BoolVar(&admin, "admin", false, "grant admin rights (River UI, token management)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List API tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer a.close()
			toks, err := store.TokenList(cmd.Context(), a.pool)
			if err != nil {
				return err
			}
			for _, t := range toks {
				fmt.Fprintf(cmd.OutOrStdout(), "%d\t%s\tadmin=%v\tcreated=%s\n", t.ID, t.Name, t.IsAdmin, t.CreatedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token by id (see token list)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("token id must be a number, got %q", args[0])
			}
			a, err := openApp(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer a.close()
			if err := store.TokenRevoke(cmd.Context(), a.pool, id); err != nil {
				return fmt.Errorf("revoke token %d: %w", id, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token %d revoked\n", id)
			return nil
		},
	}
	root.AddCommand(create, list, revoke)
	return root
}
