// Package migrations embeds the application's SQL migrations (goose format).
// River's own schema is applied separately by rivermigrate.
package migrations

import "embed"

// FS holds the numbered SQL migrations.
//
//go:embed *.sql
var FS embed.FS
