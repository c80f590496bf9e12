// Package ingest turns uploaded review files (CSV, TSV, XLSX, JSON, JSON
// Lines) and browser-extension bodies into validated reviews. It is pure Go
// and touches no database: the ingestion job streams what Parse emits into
// Postgres with COPY, and the HTTP layer uses DetectFormat, Preview and
// DecodeExtensionProduct to answer before anything is queued.
//
// # Streaming
//
// Parse calls emit for each valid review and reject for each problem, in
// source order, and never holds more than one row: a 1,000,000-row CSV parses
// in memory bounded by the body itself (XLSX is the exception, because the
// format keeps shared strings in one part). A whole-file problem is a
// *FileError. Parse reports encoding, binary and JSON syntax problems before
// the first emit, but a corrupt XLSX sheet can only be noticed part-way, so a
// caller must treat a *FileError as "import nothing" and discard what it was
// given (the ingestion job runs the COPY in one transaction).
//
// # Rows and rejections
//
// Rejection.Row is the 1-based ordinal of the data record, header excluded,
// not counting blank lines or empty spreadsheet rows; Rejection.Line is where
// the record starts in the file (text line, or sheet row for XLSX). A row
// with several problems is rejected once (Summary.RowsRejected counts rows)
// but reject is called once per problem so that the user can fix them all in
// one go. Every Reason says what to fix, and is bounded: names and values
// quoted in it are cut to 80 characters and a FileError's Reason to
// MaxReasonBytes, so a 20,000-character header cannot make a 20,000-byte
// message.
//
// # Warnings
//
// A Rejection with Warning set did not reject its row: the row was emitted
// without the offending value. A review date more than a day after the
// parse started (a typo, day/month swapped, a wrongly mapped column) is one:
// the review keeps its raw date text but has no date, so it does not skew
// trends, and the warning names the row and column.
//
// # Marketplaces
//
// Marketplaces lists the accepted marketplace codes (Amazon storefronts:
// US, CA, MX, BR, UK, IE, DE, FR, IT, ES, NL, BE, SE, PL, TR, AE, SA, EG, ZA,
// IN, JP, CN, SG, AU). An unknown code is refused, because products are
// unique per (marketplace, asin) and a typo would start a second product.
//
// # Workbook limits
//
// An XLSX file is a ZIP archive. Before excelize opens it, every part is
// decompressed once through a streaming reader and its real size counted
// against XLSXLimits (by default 32 MiB per part held in memory, 64 MiB for
// those together, 1 GiB for the whole workbook); a file past them is a
// FileError naming the part. Nothing the file controls is allocated before
// that check.
//
// # Dedupe rule
//
// A review's dedupe key (Review.DedupeKey) is its source review id when the
// file has one, else its content hash (Review.ContentHash): SHA-256 over the
// normalised author, rating, title, body, review date and variant. Each value
// is trimmed, Unicode NFC-normalised and has runs of white space collapsed to
// one space; the date is the parsed calendar date (or instant) when ParseDate
// understood it, else the normalised raw string. So:
//
//   - re-uploading the same file dedupes fully, whatever its format (a CSV and
//     an XLSX of the same rows hash the same);
//   - identical short texts such as "Love it!" from different people, on
//     different dates, for different variants or with different ratings are
//     all kept;
//   - only rows identical in every one of those fields collapse — which in a
//     file without ids is the best evidence of a duplicate there is.
//
// Parse does not drop duplicates itself (the database does, per product), but
// it rejects a row whose source review id repeats an earlier row of the same
// file with different content, because dedupe would silently drop it: that
// usually means the mapped id column is a product or user id.
//
// # HTML character references
//
// Scraped exports often keep the HTML escaping of the page they came from:
// the Alexa reviews file writes "&#34;smart&#34;" for "smart" in quotes.
// Title, body, author and variant (and an extension body's product title)
// have their character references (&#34;, &quot;, &amp;, &lt;, &nbsp;, …)
// decoded once with html.UnescapeString, so stored text is what a person
// reads and what quotes and exports show: "&amp;#34;" becomes the literal
// "&#34;", not a quote mark. The decoded text is trimmed again (a trailing
// &nbsp; is white space), and a body that decodes to nothing is rejected as
// empty. The content hash is taken over the text as the source wrote it,
// before decoding, so a file stored before decoding existed still dedupes
// against its re-upload. Migration 00018 decodes text stored before then.
//
// # Mapping
//
// AutoMap maps the headers of common exports onto the canonical fields. It
// never maps a binary sentiment column (label, sentiment, polarity, class,
// feedback) to the rating: a 1/0 flag read as stars would turn every negative
// review into a 1-star one. A file without a star rating column therefore
// needs Options.DefaultRating, and its reviews are marked RatingDefaulted.
package ingest
