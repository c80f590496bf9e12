package ingest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

func TestDecodeExtensionProduct(t *testing.T) {
	t.Parallel()
	body := []byte(`{
		"asin": " B07XJ8C8F5 ",
		"title": "Echo Dot (3rd Gen)",
		"image_url": "https://m.media-amazon.com/images/I/61abc._AC_SL1000_.jpg",
		"marketplace": "de",
		"average_rating": "4.6",
		"price": "€29,99",
		"bullet_points": ["Better sound", "  ", "Voice control"],
		"categories": [{"name": "Electronics", "url": "https://www.amazon.de/b?node=1"}, {"name": "Smart Home"}],
		"is_stream": true,
		"unknown_field": {"ignored": true},
		"reviews": [{"rating": 5, "body": "x"}]
	}`)
	p, err := ingest.DecodeExtensionProduct(body)
	require.NoError(t, err)
	require.Equal(t, "B07XJ8C8F5", p.ASIN)
	require.Equal(t, "DE", p.Marketplace)
	require.Equal(t, "Echo Dot (3rd Gen)", p.Title)
	require.NotNil(t, p.AverageRating)
	require.InDelta(t, 4.6, *p.AverageRating, 1e-9)
	require.Equal(t, "€29,99", p.Price)
	require.Equal(t, []string{"Better sound", "Voice control"}, p.BulletPoints)
	require.Equal(t, []ingest.Category{{Name: "Electronics", URL: "https://www.amazon.de/b?node=1"}, {Name: "Smart Home"}}, p.Categories)
	require.True(t, p.IsStream)

	p, err = ingest.DecodeExtensionProduct([]byte(`{"asin":"B000000001","price":19.99,"average_rating":null}`))
	require.NoError(t, err)
	require.Equal(t, "US", p.Marketplace, "default marketplace")
	require.Nil(t, p.AverageRating)
	require.Equal(t, "19.99", p.Price, "a numeric price is kept as written")
}

func TestDecodeExtensionProductErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []ingest.FieldError
	}{
		{"short asin", `{"asin":"B07"}`, []ingest.FieldError{{Field: "asin", Message: "must be 5–20 characters, got 3"}}},
		{"long asin", `{"asin":"B07XJ8C8F5B07XJ8C8F5B"}`, []ingest.FieldError{{Field: "asin", Message: "must be 5–20 characters, got 21"}}},
		{"missing asin", `{}`, []ingest.FieldError{{Field: "asin", Message: "is required"}}},
		{"asin not string", `{"asin":12345}`, []ingest.FieldError{{Field: "asin", Message: "must be a string"}}},
		{"asin chars", `{"asin":"B07/../x"}`, []ingest.FieldError{{Field: "asin", Message: "may contain only letters, digits, '-' and '_'"}}},
		{
			"many problems at once",
			`{"asin":"B07XJ8C8F5","marketplace":"USA","average_rating":7,"price":[1],"bullet_points":["ok",3],
			  "categories":[{"url":"ftp://x"},"x"],"is_stream":"maybe","image_url":"javascript:alert(1)","reviews":{},"title":5}`,
			[]ingest.FieldError{
				{Field: "marketplace", Message: `must be one of the marketplace codes ` + ingest.MarketplaceList() + `, got "USA"`},
				{Field: "title", Message: "must be a string"},
				{Field: "image_url", Message: `"javascript:alert(1)" is not an http(s) URL`},
				{Field: "average_rating", Message: "must be from 0 to 5, got 7"},
				{Field: "price", Message: `must be a string such as "$19.99"`},
				{Field: "bullet_points[1]", Message: "must be a string"},
				{Field: "categories[0].name", Message: "is required and must be a non-empty string"},
				{Field: "categories[0].url", Message: `"ftp://x" is not an http(s) URL`},
				{Field: "categories[1]", Message: `must be an object with "name" and "url"`},
				{Field: "is_stream", Message: "must be true or false"},
				{Field: "reviews", Message: "must be a list of review objects"},
			},
		},
		{"rating not number", `{"asin":"B07XJ8C8F5","average_rating":"high"}`, []ingest.FieldError{{Field: "average_rating", Message: "must be a number from 0 to 5"}}},
		{"not an object", `[1,2]`, []ingest.FieldError{{Message: "the body must be a JSON object"}}},
		{"null", `null`, []ingest.FieldError{{Message: "the body must be a JSON object"}}},
		{"empty", ``, []ingest.FieldError{{Message: "the body is empty"}}},
		{"syntax", "{\n\"asin\": }", []ingest.FieldError{{Message: "malformed JSON at line 2, column 9: invalid character '}' looking for beginning of value"}}},
		{"not utf-8", "{\"asin\":\"\xff\xfe\"}", []ingest.FieldError{{Message: "the body is not valid UTF-8"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ingest.DecodeExtensionProduct([]byte(tc.body))
			var ve *ingest.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.want, ve.Errors)
			require.NotEmpty(t, ve.Error())
		})
	}
}
