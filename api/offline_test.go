package api_test

import (
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
)

func defaultAnalyzer() llm.Analyzer { return offline.New() }
