package llm

import "fmt"

// Task names one of the LLM tasks. It appears on the first line of every
// system prompt ("voc-task: insights v1"), selects the prompt template and the
// output schema, and is how the simulator tells requests apart.
type Task string

// The five tasks, one per pipeline stage that calls the LLM.
const (
	TaskLearning    Task = "learning"
	TaskTranslation Task = "translation"
	TaskInsights    Task = "insights"
	TaskThemes      Task = "themes"
	TaskReport      Task = "report"
	// TaskAlignment aligns the dimensions of the products of a comparison:
	// one call per comparison, outside the pipeline.
	TaskAlignment Task = "alignment"
)

// Tasks lists every task: the pipeline's in stage order, then the
// comparison's alignment.
var Tasks = []Task{TaskLearning, TaskTranslation, TaskInsights, TaskThemes, TaskReport, TaskAlignment}

// Stage returns the pipeline stage name recorded with the task's calls, or
// "" for an unknown task.
func (t Task) Stage() string {
	switch t {
	case TaskLearning:
		return StageLearning
	case TaskTranslation:
		return StageTranslation
	case TaskInsights:
		return StageInsights
	case TaskThemes:
		return StageThemes
	case TaskReport:
		return StageReport
	case TaskAlignment:
		return StageAlignment
	}
	return ""
}

// Valid reports whether t is one of Tasks.
func (t Task) Valid() bool { return t.Stage() != "" }

// ParseTask returns the task named s, or an error naming s when it is not one
// of Tasks.
func ParseTask(s string) (Task, error) {
	t := Task(s)
	if !t.Valid() {
		return "", fmt.Errorf("unknown llm task %q", s)
	}
	return t, nil
}
