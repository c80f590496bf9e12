package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Product is the product envelope of an extension body (SPEC section 6).
type Product struct {
	ASIN string
	// Marketplace is upper case; "US" when the body has none.
	Marketplace string
	Title       string
	ImageURL    string
	// AverageRating is nil when the body has none.
	AverageRating *float64
	Price         string
	BulletPoints  []string
	Categories    []Category
	IsStream      bool
}

// Category is one entry of a product's category path.
type Category struct {
	Name string
	URL  string
}

// FieldError is one problem with one field of a request body. Field is a
// JSON path such as "asin" or "categories[2].name"; empty for the body as a
// whole.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every problem found in a request body, so that the
// API can answer 422 with all of them at once.
type ValidationError struct {
	Errors []FieldError
}

// Error joins the problems as "field: message; field: message".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		if fe.Field == "" {
			parts[i] = fe.Message
		} else {
			parts[i] = fe.Field + ": " + fe.Message
		}
	}
	return strings.Join(parts, "; ")
}

func (e *ValidationError) add(field, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Envelope limits.
const (
	maxProductTitleChars = 2_000
	maxPriceChars        = 100
	maxBulletPoints      = 100
	maxBulletChars       = 5_000
	maxCategories        = 50
	maxCategoryChars     = 500
)

// DecodeExtensionProduct decodes and validates the product envelope of an
// extension body; the reviews are left to Parse with FormatExtension. Numbers
// written as strings are accepted ("4.5", "true"); unknown fields are
// ignored. It returns a *ValidationError listing every problem, with
// field-specific messages such as "asin: must be 5–20 characters, got 3".
func DecodeExtensionProduct(body []byte) (Product, error) {
	var ve ValidationError
	body = bytes.TrimPrefix(body, bomUTF8)
	if !utf8.Valid(body) {
		ve.add("", "the body is not valid UTF-8")
		return Product{}, &ve
	}
	if len(bytes.TrimSpace(body)) == 0 {
		ve.add("", "the body is empty")
		return Product{}, &ve
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(body, min(max(int(se.Offset)-1, 0), len(body)))
			ve.add("", "malformed JSON at line %d, column %d: %v", line, col, se)
		case errors.As(err, &te):
			ve.add("", "the body must be a JSON object")
		default:
			ve.add("", "the body cannot be read: %v", err)
		}
		return Product{}, &ve
	}
	if obj == nil {
		ve.add("", "the body must be a JSON object")
		return Product{}, &ve
	}
	var p Product

	if raw, ok := present(obj, "asin"); !ok {
		ve.add("asin", "is required")
	} else if s, ok := jsonString(raw); !ok {
		ve.add("asin", "must be a string")
	} else {
		s = strings.TrimSpace(s)
		switch n := utf8.RuneCountInString(s); {
		case n < 5 || n > 20:
			ve.add("asin", "must be 5–20 characters, got %d", n)
		case !isIDChars(s):
			ve.add("asin", "may contain only letters, digits, '-' and '_'")
		default:
			p.ASIN = s
		}
	}

	p.Marketplace = "US"
	if raw, ok := present(obj, "marketplace"); ok {
		if s, ok := jsonString(raw); !ok {
			ve.add("marketplace", "must be a string")
		} else if s = strings.ToUpper(strings.TrimSpace(s)); s != "" {
			if !ValidMarketplace(s) {
				ve.add("marketplace", "must be one of the marketplace codes %s, got %q", MarketplaceList(), short(s))
			} else {
				p.Marketplace = s
			}
		}
	}

	p.Title = envString(&ve, obj, "title", maxProductTitleChars)
	if s := envString(&ve, obj, "image_url", MaxURLChars); s != "" {
		if problem := checkURL(s); problem != "" {
			ve.add("image_url", "%s", problem)
		} else {
			p.ImageURL = s
		}
	}

	if raw, ok := present(obj, "average_rating"); ok {
		if v, ok := jsonNumber(raw); !ok {
			ve.add("average_rating", "must be a number from 0 to 5")
		} else if v < 0 || v > 5 {
			ve.add("average_rating", "must be from 0 to 5, got %g", v)
		} else {
			p.AverageRating = &v
		}
	}

	if raw, ok := present(obj, "price"); ok {
		s, isStr := jsonString(raw)
		if !isStr && len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
			s, isStr = string(raw), true // a number: keep it as written
		}
		switch s = strings.TrimSpace(s); {
		case !isStr:
			ve.add("price", "must be a string such as \"$19.99\"")
		case utf8.RuneCountInString(s) > maxPriceChars:
			ve.add("price", "must be at most %d characters", maxPriceChars)
		default:
			p.Price = s
		}
	}

	if raw, ok := present(obj, "bullet_points"); ok {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			ve.add("bullet_points", "must be a list of strings")
		} else if len(list) > maxBulletPoints {
			ve.add("bullet_points", "must have at most %d items, got %d", maxBulletPoints, len(list))
		} else {
			for i, item := range list {
				field := fmt.Sprintf("bullet_points[%d]", i)
				s, ok := jsonString(item)
				switch {
				case !ok:
					ve.add(field, "must be a string")
				case utf8.RuneCountInString(s) > maxBulletChars:
					ve.add(field, "must be at most %d characters", maxBulletChars)
				default:
					if s = strings.TrimSpace(cleanText(s)); s != "" {
						p.BulletPoints = append(p.BulletPoints, s)
					}
				}
			}
		}
	}

	if raw, ok := present(obj, "categories"); ok {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			ve.add("categories", "must be a list of {\"name\", \"url\"} objects")
		} else if len(list) > maxCategories {
			ve.add("categories", "must have at most %d items, got %d", maxCategories, len(list))
		} else {
			for i, item := range list {
				if c, ok := decodeCategory(&ve, i, item); ok {
					p.Categories = append(p.Categories, c)
				}
			}
		}
	}

	if raw, ok := present(obj, "is_stream"); ok {
		s, _ := jsonScalar(raw)
		if v, ok := ParseBool(s); !ok || raw[0] == '[' || raw[0] == '{' {
			ve.add("is_stream", "must be true or false")
		} else {
			p.IsStream = v
		}
	}

	if raw, ok := present(obj, "reviews"); ok && raw[0] != '[' {
		ve.add("reviews", "must be a list of review objects")
	}

	if len(ve.Errors) > 0 {
		return Product{}, &ve
	}
	return p, nil
}

func decodeCategory(ve *ValidationError, i int, raw json.RawMessage) (Category, bool) {
	field := fmt.Sprintf("categories[%d]", i)
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		ve.add(field, "must be an object with \"name\" and \"url\"")
		return Category{}, false
	}
	var c Category
	ok := true
	name, isStr := "", false
	if r, has := present(obj, "name"); has {
		name, isStr = jsonString(r)
	}
	switch name = strings.TrimSpace(cleanText(name)); {
	case !isStr || name == "":
		ve.add(field+".name", "is required and must be a non-empty string")
		ok = false
	case utf8.RuneCountInString(name) > maxCategoryChars:
		ve.add(field+".name", "must be at most %d characters", maxCategoryChars)
		ok = false
	default:
		c.Name = name
	}
	if r, has := present(obj, "url"); has {
		u, isStr := jsonString(r)
		u = strings.TrimSpace(u)
		switch {
		case !isStr:
			ve.add(field+".url", "must be a string")
			ok = false
		case u == "":
		default:
			if problem := checkURL(u); problem != "" {
				ve.add(field+".url", "%s", problem)
				ok = false
			} else {
				c.URL = u
			}
		}
	}
	return c, ok
}

// present returns obj[key] unless it is absent or null.
func present(obj map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	raw, ok := obj[key]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonNumber accepts a number or a string holding one.
func jsonNumber(raw json.RawMessage) (float64, bool) {
	s := string(raw)
	if str, ok := jsonString(raw); ok {
		s = strings.TrimSpace(strings.ReplaceAll(str, ",", "."))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v { // NaN
		return 0, false
	}
	return v, true
}

// envString reads an optional string field with a length limit.
func envString(ve *ValidationError, obj map[string]json.RawMessage, key string, limit int) string {
	raw, ok := present(obj, key)
	if !ok {
		return ""
	}
	s, ok := jsonString(raw)
	if !ok {
		ve.add(key, "must be a string")
		return ""
	}
	s = strings.TrimSpace(decodeEntities(cleanText(s)))
	if n := utf8.RuneCountInString(s); n > limit {
		ve.add(key, "must be at most %d characters, got %d", limit, n)
		return ""
	}
	return s
}

func isIDChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
