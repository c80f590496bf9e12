package ingest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

// Alexa-style rows: the export left HTML character references in the text.
const alexaEntities = "rating\tdate\tvariation\tverified_reviews\tfeedback\n" +
	"5\t30-Jul-18\tSandstone Fabric \t\"I don't have a &#34;smart&#34; home &amp; it &quot;just works&quot;.\"\t1\n" +
	"4\t30-Jul-18\tCharcoal &amp; Black\tPress the &#34;-&#34; one&nbsp;\t1\n" +
	"3\t29-Jul-18\tWalnut Finish \tLiteral &amp;#34; stays one level decoded, 1 &lt; 2 &gt; 0\t1\n" +
	"2\t29-Jul-18\tWalnut Finish \t&nbsp;\t1\n"

func TestParseDecodesHTMLEntities(t *testing.T) {
	t.Parallel()
	res := parse(t, []byte(alexaEntities), ingest.Options{Format: ingest.FormatTSV})
	require.NoError(t, res.err)
	require.Len(t, res.reviews, 3)
	require.Equal(t, `I don't have a "smart" home & it "just works".`, res.reviews[0].Body)
	require.Equal(t, `Press the "-" one`, res.reviews[1].Body, "a trailing &nbsp; is white space and is trimmed")
	require.Equal(t, "Charcoal & Black", res.reviews[1].Variant)
	require.Equal(t, "Literal &#34; stays one level decoded, 1 < 2 > 0", res.reviews[2].Body)
	// A body that is only an entity for white space is empty, and rejected.
	require.Len(t, res.rejections, 1)
	require.Equal(t, 4, res.rejections[0].Row)
	require.Contains(t, res.rejections[0].Reason, "review text is empty")
	for _, r := range res.reviews {
		require.NotContains(t, r.Body, "&#34;smart")
		require.NotContains(t, r.Body, "&quot;")
	}
}

// The content hash is over the text as the source wrote it, so a file
// stored before decoding existed dedupes against its re-upload, while the
// decoded and the literal spelling stay distinct reviews.
func TestContentHashIsOverSourceText(t *testing.T) {
	t.Parallel()
	encoded := parse(t, []byte(alexaEntities), ingest.Options{Format: ingest.FormatTSV})
	literal := strings.NewReplacer("&#34;", `"`, "&amp;", "&", "&quot;", `"`).Replace(alexaEntities)
	plain := parse(t, []byte(literal), ingest.Options{Format: ingest.FormatTSV})
	require.Equal(t, encoded.reviews[0].Body, plain.reviews[0].Body, "same text once decoded")
	require.NotEqual(t, encoded.reviews[0].ContentHash(), plain.reviews[0].ContentHash())

	again := parse(t, []byte(alexaEntities), ingest.Options{Format: ingest.FormatTSV})
	require.Equal(t, encoded.hashes(), again.hashes())
}

func TestParseAlexaHasNoEntitiesLeft(t *testing.T) {
	t.Parallel()
	body := sharedData(t, "amazon_alexa_reviews.tsv")
	require.True(t, bytes.Contains(body, []byte("&#34;")), "the source has entities")
	res := mustParse(t, body, ingest.Options{Format: ingest.FormatTSV})
	decoded := 0
	for _, r := range res.reviews {
		require.NotContains(t, r.Body, "&#34;", "row %d", r.Row)
		require.NotContains(t, r.Body, "&quot;", "row %d", r.Row)
		require.NotContains(t, r.Body, "&nbsp;", "row %d", r.Row)
		if strings.Contains(r.Body, `"smart"`) {
			decoded++
		}
	}
	require.Positive(t, decoded, `"smart" (written &#34;smart&#34; in the file) is decoded`)
}
