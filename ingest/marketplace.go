package ingest

import (
	"slices"
	"strings"
)

// Marketplaces are the accepted marketplace codes: Amazon's storefronts by
// their usual two-letter code (UK, not GB). Products are unique per
// (marketplace, asin), so a typo would silently start a second product;
// an unknown code is refused instead.
var Marketplaces = []string{
	"US", "CA", "MX", "BR",
	"UK", "IE", "DE", "FR", "IT", "ES", "NL", "BE", "SE", "PL", "TR",
	"AE", "SA", "EG", "ZA", "IN",
	"JP", "CN", "SG", "AU",
}

// ValidMarketplace reports whether code (upper case) is in Marketplaces.
func ValidMarketplace(code string) bool { return slices.Contains(Marketplaces, code) }

// MarketplaceList is Marketplaces as a comma-separated list, for messages.
func MarketplaceList() string { return strings.Join(Marketplaces, ", ") }
