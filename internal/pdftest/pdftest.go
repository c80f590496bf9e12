// Package pdftest reads PDFs back in tests with poppler-utils (pdftotext,
// pdftoppm). A test whose tool is missing skips with a message naming it;
// when CI=true it fails instead, since .ci/run installs the tools, so CI
// cannot pass by skipping.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need skips (or under CI fails) t unless every tool is on PATH.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s (poppler-utils) is not installed; .ci/run installs it", tool)
			}
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
	}
}

// Text writes pdf to a temporary file and returns pdftotext's reading of
// it; args go before the file ("-layout" keeps the columns).
func Text(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	Need(t, "pdftotext")
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return FileText(t, file, args...)
}

// FileText is Text for a PDF already on disk.
func FileText(t testing.TB, file string, args ...string) string {
	t.Helper()
	Need(t, "pdftotext")
	out, err := exec.Command("pdftotext", append(args, file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	return string(out)
}
