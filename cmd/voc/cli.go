package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

func ingestCmd(cfg *Config) *cobra.Command {
	var marketplace, asin, lang string
	var work bool
	cmd := &cobra.Command{
		Use:   "ingest FILE",
		Short: "Upload a review file (CSV, TSV, XLSX, JSON, JSONL) and wait for it to be ingested",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if _, err := cfg.defaultTargetLanguage(); err != nil {
				return err
			}
			if lang != "" && !languageCodeRe.MatchString(lang) {
				return fmt.Errorf("--target-language must be a language code such as en, de or zh, got %q", lang)
			}
			marketplace = strings.ToUpper(strings.TrimSpace(marketplace))
			if !ingest.ValidMarketplace(marketplace) {
				return fmt.Errorf("--marketplace must be one of %s, got %q", ingest.MarketplaceList(), marketplace)
			}
			body, err := readFileWithProgress(args[0])
			if err != nil {
				return err
			}
			format, err := ingest.DetectFormat(args[0], "", body[:min(len(body), 8192)])
			if err != nil {
				return err
			}
			a, err := openApp(ctx, cfg, true)
			if err != nil {
				return err
			}
			defer a.close()
			queues := map[string]int{}
			if work {
				queues[jobs.QueueIngestion] = 1
			}
			client, err := a.riverClient(queues)
			if err != nil {
				return err
			}
			var uploadID int64
			err = store.InTx(ctx, a.pool, func(tx pgx.Tx) error {
				p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: marketplace, ASIN: asin, TargetLanguage: lang,
					DefaultTargetLanguage: cfg.DefaultTargetLanguage})
				if err != nil {
					return err
				}
				uploadID, err = store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI,
					Filename: filepath.Base(args[0]), Format: string(format), Body: body, StartPipeline: true})
				if err != nil {
					return err
				}
				_, err = client.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: uploadID}, nil)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "upload %d queued\n", uploadID)
			if work {
				if err := client.Start(ctx); err != nil {
					return err
				}
				defer client.Stop(context.WithoutCancel(ctx)) //nolint:errcheck
			}
			bar := progressbar.NewOptions(-1, progressbar.OptionSetDescription("ingesting"), progressbar.OptionSetWriter(cmd.ErrOrStderr()),
				progressbar.OptionSpinnerType(14), progressbar.OptionSetVisibility(isTerminal()))
			for {
				u, err := store.UploadGet(ctx, a.pool, uploadID, 20)
				if err != nil {
					return err
				}
				_ = bar.Add(1)
				if u.Status == store.UploadDone || u.Status == store.UploadFailed {
					_ = bar.Finish()
					fmt.Fprintf(cmd.OutOrStdout(), "\nupload %d %s: %d rows, %d ingested, %d duplicate, %d rejected\n",
						u.ID, u.Status, u.RowsTotal, u.RowsIngested, u.RowsDuplicate, u.RowsRejected)
					for _, r := range u.Rejections {
						fmt.Fprintf(cmd.OutOrStdout(), "  row %d, %s: %s\n", r.Row, r.Column, r.Reason)
					}
					if u.Status == store.UploadFailed {
						return errors.New(u.Error)
					}
					return nil
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
		},
	}
	cmd.Flags().StringVar(&marketplace, "marketplace", "US", "marketplace code")
	cmd.Flags().StringVar(&asin, "asin", "", "product ASIN (5–20 characters)")
	cmd.Flags().StringVar(&lang, "target-language", "", "target language of the product's analyses (default: a new product gets VOC_DEFAULT_TARGET_LANGUAGE, else en; an existing one keeps its own)")
	cmd.Flags().BoolVar(&work, "work", true, "run the ingestion job in this process while waiting")
	_ = cmd.MarkFlagRequired("asin")
	return cmd
}

func readFileWithProgress(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetDescription("reading "+filepath.Base(path)),
		progressbar.OptionShowBytes(true), progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetVisibility(isTerminal()))
	buf := make([]byte, 0, st.Size())
	chunk := make([]byte, 1<<20)
	for {
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		_ = bar.Add(n)
		if err != nil {
			break
		}
	}
	if len(buf) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return buf, nil
}

func statusCmd(cfg *Config) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show hosts, queue depth and pipeline progress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := openApp(ctx, cfg, false)
			if err != nil {
				return err
			}
			defer a.close()
			hosts, err := store.HostList(ctx, a.pool)
			if err != nil {
				return err
			}
			if err := printHosts(cmd.OutOrStdout(), hosts); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout())
			qs, err := store.QueueStates(ctx, a.pool, jobs.Queues)
			if err != nil {
				return err
			}
			if err := printQueues(cmd.OutOrStdout(), qs); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout())
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "QUEUE\tSTATE\tJOBS")
			rows, err := a.pool.Query(ctx, "SELECT queue, state, jobs FROM voc_queue_depth ORDER BY queue, state")
			if err != nil {
				return err
			}
			for rows.Next() {
				var q, s string
				var n int64
				if err := rows.Scan(&q, &s, &n); err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\n", q, s, n)
			}
			rows.Close()
			fmt.Fprintln(tw, "\nANALYSIS\tPRODUCT\tSTATUS\tREVIEWS\tTRANSLATED\tINSIGHTS%\tTHEMES%")
			rows, err = a.pool.Query(ctx, `SELECT analysis_id, marketplace || '/' || asin, status, reviews_total,
				translation_done + translation_failed, coalesce(insights_pct, 0)::float8, coalesce(themes_pct, 0)::float8
				FROM voc_pipeline_progress ORDER BY analysis_id DESC LIMIT 20`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var prod, status string
				var total, tr int
				var ip, tp float64
				if err := rows.Scan(&id, &prod, &status, &total, &tr, &ip, &tp); err != nil {
					return err
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%.1f\t%.1f\n", id, prod, status, total, tr, ip, tp)
			}
			return tw.Flush()
		},
	}
}

func llmsimCmd() *cobra.Command {
	cfg := llmsim.DefaultConfig()
	fs := flag.NewFlagSet("llmsim", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	cmd := &cobra.Command{
		Use:   "llmsim",
		Short: "Serve the OpenAI-compatible LLM simulator (answers from the offline analyser)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cfg.Validate(); err != nil {
				return err
			}
			srv := llmsim.New(cfg, offline.New())
			errc := make(chan error, 1)
			go func() { errc <- srv.ListenAndServe() }()
			fmt.Fprintf(cmd.ErrOrStderr(), "llmsim listening on %s\n", cfg.Addr)
			select {
			case err := <-errc:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return err
			case <-cmd.Context().Done():
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return srv.Shutdown(ctx)
			}
		},
	}
	cmd.Flags().AddGoFlagSet(fs)
	return cmd
}

// isTerminal reports whether progress can be drawn on stderr.
func isTerminal() bool { return term.IsTerminal(int(os.Stderr.Fd())) }
