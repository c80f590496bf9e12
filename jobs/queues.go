// Package jobs holds one file per River job kind (Args + Worker) and
// register.go, which wires every kind into every process.
package jobs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river"
)

// The queues. Each is a partition of River's job table.
const (
	QueueIngestion = "ingestion"
	QueueLearning  = "learning"
	QueueTranslate = "translation"
	QueueInsights  = "insight_extraction"
	QueueThemes    = "theme_extraction"
	QueueReports   = "reports"
	QueueDefault   = river.QueueDefault
)

// Queues lists every queue in pipeline order.
var Queues = []string{QueueIngestion, QueueLearning, QueueTranslate, QueueInsights, QueueThemes, QueueReports, QueueDefault}

// DefaultConcurrency is MaxWorkers per queue on a host that does not say.
// LLM-bound queues get more slots since their jobs mostly wait on the
// network; ingestion is CPU and COPY bound.
var DefaultConcurrency = map[string]int{
	QueueIngestion: 2,
	QueueLearning:  2,
	QueueTranslate: 20,
	QueueInsights:  20,
	QueueThemes:    20,
	QueueReports:   2,
	QueueDefault:   2,
}

// LLMQueues are the queues whose jobs mostly wait on the LLM; their
// concurrency follows the LLM budget (VOC_LLM_CONCURRENCY).
var LLMQueues = []string{QueueTranslate, QueueInsights, QueueThemes}

// ParseQueues parses "ingestion=4,reports=2" into MaxWorkers per queue. A
// spec that names queues serves only those; "all" or an empty spec serves
// every queue at its default; "queue=0" turns one off.
func ParseQueues(spec string) (map[string]int, error) {
	return ParseQueuesDefaults(spec, DefaultConcurrency)
}

// ParseQueuesDefaults is ParseQueues with other defaults for the queues the
// spec does not size.
func ParseQueuesDefaults(spec string, defaults map[string]int) (map[string]int, error) {
	spec = strings.TrimSpace(spec)
	out := map[string]int{}
	if spec == "" || spec == "all" {
		for q, n := range defaults {
			out[q] = n
		}
		return out, nil
	}
	known := map[string]bool{}
	for _, q := range Queues {
		known[q] = true
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if part == "all" {
			for q, n := range defaults {
				if _, set := out[q]; !set {
					out[q] = n
				}
			}
			continue
		}
		name, val, hasVal := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !known[name] {
			return nil, fmt.Errorf("unknown queue %q in VOC_QUEUES (known: %s)", name, strings.Join(Queues, ", "))
		}
		n := defaults[name]
		if hasVal {
			v, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || v < 0 || v > 10000 {
				return nil, fmt.Errorf("queue %q: MaxWorkers must be an integer 0..10000, got %q", name, val)
			}
			n = v
		}
		out[name] = n
	}
	for q, n := range out {
		if n == 0 {
			delete(out, q)
		}
	}
	return out, nil
}

// RiverQueues turns MaxWorkers per queue into River's queue config.
func RiverQueues(conc map[string]int) map[string]river.QueueConfig {
	out := make(map[string]river.QueueConfig, len(conc))
	for q, n := range conc {
		out[q] = river.QueueConfig{MaxWorkers: n}
	}
	return out
}

// FormatQueues renders a queue map stably, for logs.
func FormatQueues(conc map[string]int) string {
	names := make([]string, 0, len(conc))
	for q := range conc {
		names = append(names, q)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, q := range names {
		parts[i] = fmt.Sprintf("%s=%d", q, conc[q])
	}
	return strings.Join(parts, ",")
}

// QueueNames returns a queue map's names in pipeline order.
func QueueNames(conc map[string]int) []string {
	out := []string{}
	for _, q := range Queues {
		if _, ok := conc[q]; ok {
			out = append(out, q)
		}
	}
	return out
}
