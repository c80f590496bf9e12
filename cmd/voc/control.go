package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// queueCmd builds `voc queue pause|resume|list`.
func queueCmd(cfg *Config) *cobra.Command {
	root := &cobra.Command{Use: "queue", Short: "Pause, resume and list queues on every host"}
	for _, pause := range []bool{true, false} {
		use, short := "resume NAME", "Resume a paused queue on every host"
		if pause {
			use, short = "pause NAME", "Pause a queue on every host: running jobs finish, no new ones start"
		}
		root.AddCommand(&cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				name := args[0]
				if !slices.Contains(jobs.Queues, name) {
					return fmt.Errorf("unknown queue %q; known queues: %s", name, strings.Join(jobs.Queues, ", "))
				}
				ctx := cmd.Context()
				a, err := openApp(ctx, cfg, false)
				if err != nil {
					return err
				}
				defer a.close()
				client, err := jobs.NewClient(jobs.Deps{Pool: a.pool, Log: a.log}, nil)
				if err != nil {
					return err
				}
				if err := store.QueueEnsure(ctx, a.pool, name); err != nil {
					return err
				}
				verb := "resumed"
				if pause {
					verb = "paused"
					err = client.QueuePause(ctx, name, nil)
				} else {
					err = client.QueueResume(ctx, name, nil)
				}
				if err != nil {
					return fmt.Errorf("%s queue %s: %w", strings.TrimSuffix(verb, "d"), name, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "queue %s %s\n", name, verb)
				return nil
			},
		})
	}
	root.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List queues with their pause state and waiting and running jobs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer a.close()
			qs, err := store.QueueStates(cmd.Context(), a.pool, jobs.Queues)
			if err != nil {
				return err
			}
			return printQueues(cmd.OutOrStdout(), qs)
		},
	})
	return root
}

func printQueues(w io.Writer, qs []store.QueueState) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUE\tPAUSED\tWAITING\tRUNNING")
	for _, q := range qs {
		paused := "no"
		if q.PausedAt != nil {
			paused = "since " + q.PausedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", q.Name, paused, q.Waiting, q.Running)
	}
	return tw.Flush()
}

// printHosts lists the hosts, live ones first, with their queues and
// running jobs. A host that is not live but still holds running jobs is
// marked: its jobs wait for its restart or River's rescue.
func printHosts(w io.Writer, hosts []store.Host) error {
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].Live && !hosts[j].Live })
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tROLE\tSTATE\tHEARTBEAT\tQUEUES\tRUNNING JOBS")
	for _, h := range hosts {
		state := "live"
		switch {
		case h.Live:
		case h.StoppedAt != nil:
			state = "stopped"
		default:
			state = "gone"
		}
		running := make([]string, 0, len(h.RunningJobs))
		for q, n := range h.RunningJobs {
			running = append(running, fmt.Sprintf("%s=%d", q, n))
		}
		sort.Strings(running)
		if !h.Live && len(running) > 0 {
			state += " (orphaned jobs)"
		}
		beat := "-"
		if !h.HeartbeatAt.IsZero() {
			beat = time.Since(h.HeartbeatAt).Round(time.Second).String() + " ago"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h.HostID, h.Role, state, beat, strings.Join(h.Queues, ","), strings.Join(running, ","))
	}
	return tw.Flush()
}
