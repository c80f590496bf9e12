package api_test

import "github.com/voc-project/voc/llm"

func defaultAnalyzer() llm.Analyzer { return nil }
