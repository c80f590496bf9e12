package llmsim

import "github.com/voc-project/voc/llm"

// defaultAnalyzer is the analyser New uses when given nil.
func defaultAnalyzer() llm.Analyzer {
	panic("llmsim: no analyzer given and the offline analyser is not available yet")
}
