// Command vocbench drives voc's benchmarks from a process of its own, so the
// load generator does not share a Go runtime with the server it measures.
//
//	vocbench gen -n 10200 -o reviews.csv           build a CSV from the shared data
//	vocbench upload -url U -token T -clients 20     upload acknowledgement latency
//	vocbench pipeline -url U -token T -sim S -file F [-pid P]
//	                                                upload → preliminary/final report,
//	                                                wire rate counted at the simulator
//
// The commands are in docs/BENCHMARKS.md.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: vocbench gen|upload|pipeline [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "upload":
		err = uploadBench(os.Args[2:])
	case "pipeline":
		err = pipelineBench(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (want gen, upload or pipeline)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vocbench:", err)
		os.Exit(1)
	}
}
