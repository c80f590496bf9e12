package offline

import "testing"

func TestConceptKey(t *testing.T) {
	t.Parallel()
	battery := ConceptKey("product", "Battery life", "")
	if battery == "" {
		t.Fatal("battery life has no concept")
	}
	for _, name := range []string{"battery", "续航"} {
		if got := ConceptKey("product", name, ""); got != battery {
			t.Errorf("ConceptKey(product, %q) = %q, want %q", name, got, battery)
		}
	}
	if got := ConceptKey("product", "Zorblax frobnication", ""); got != "" {
		t.Errorf("an unknown name has concept %q", got)
	}
	if got := ConceptKey("nonsense", "battery", ""); got != "" {
		t.Errorf("an unknown kind has concept %q", got)
	}
}
