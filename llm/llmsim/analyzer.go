package llmsim

import (
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
)

// defaultAnalyzer is the analyser New uses when given nil: the offline one,
// so the simulator's answers have real, schema-valid content.
func defaultAnalyzer() llm.Analyzer { return offline.New() }
