package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
)

// extensionReviews are pushed as the extension builds them
// (extension/src/background/service-worker.js): nulls where it found no
// media, raw localised dates, review links.
var extensionReviews = []string{
	"Der Akku hält sehr lange, ich lade nur einmal pro Woche. Top!",
	"Die Verarbeitung ist billig, nach zwei Wochen war der Schalter kaputt.",
	"Klang ist super, Bass kräftig und klar. Gerne wieder.",
	"Leider zu laut im Betrieb und die Bedienung ist umständlich.",
	"Preis-Leistung stimmt, für den Alltag völlig ausreichend.",
	"Das Display ist hell und gut ablesbar, auch draußen in der Sonne.",
	"Versand schnell, Verpackung gut. Produkt funktioniert wie beschrieben.",
	"Nach einem Monat lädt das Gerät nicht mehr. Sehr enttäuscht.",
	"Für meine Mutter gekauft, sie kommt gut damit zurecht.",
	"Im Urlaub benutzt, der Akku hat die ganze Reise gehalten.",
	"Die Anleitung ist schlecht übersetzt, aber das Gerät ist gut.",
	"Sehr leicht und handlich, passt in jede Tasche.",
}

func extensionPage(asin, marketplace string, from, to int) []byte {
	reviews := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		r := map[string]any{
			"review_id": fmt.Sprintf("R%sEXT%03d", marketplace, i), "author": fmt.Sprintf("Kunde %d", i), "rating": 1 + i%5,
			"title": "Bewertung", "body": extensionReviews[i], "review_date": fmt.Sprintf("%d. März 2024", 1+i),
			"verified_purchase": i%2 == 0, "helpful_votes": i, "variant": nil, "has_images": false, "has_video": false,
			"image_urls": nil, "video_url": nil,
			"review_url": fmt.Sprintf("https://www.amazon.de/gp/customer-reviews/R%sEXT%03d", marketplace, i),
		}
		if i == 0 {
			r["has_images"], r["image_urls"] = true, []string{"https://m.media-amazon.com/images/I/x1.jpg"}
			r["has_video"], r["video_url"] = true, "https://m.media-amazon.com/video/v1.mp4"
			r["variant"] = "Farbe: Schwarz"
		}
		reviews = append(reviews, r)
	}
	b, _ := json.Marshal(map[string]any{
		"asin": asin, "title": "Tragbarer Lautsprecher", "image_url": nil, "marketplace": marketplace,
		"average_rating": 4.2, "price": "29,99 €", "bullet_points": []string{"20 Stunden Akku", "Wasserdicht"},
		"categories": []map[string]string{{"name": "Elektronik", "url": "https://www.amazon.de/elektronik"}},
		"reviews":    reviews, "is_stream": true,
	})
	return b
}

// TestExtensionFlow runs the original browser extension's flow through the
// HTTP API with its exact request shapes: log in, verify the token, push
// pages to /reviews/ingest/queue, signal collection-complete with a bare
// ASIN (a DE product), and the analysis runs to its final report.
func TestExtensionFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	_, err := store.UserCreate(ctx, e.pool, "seller@example.com", "Sam Seller", store.RoleAnalyst, password.Hash(testPassword))
	require.NoError(t, err)

	post := func(path string, body []byte, token string) (int, []byte) {
		req, err := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "chrome-extension://hkbhalcjjfffpcjgmmhcbkbjhjbjibbh")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes()
	}
	get := func(path, token string) (int, []byte) {
		req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes()
	}

	// login(): POST /auth/login {email, password}; reads access_token and user.
	status, raw := post("/api/v1/auth/login", []byte(`{"email":"seller@example.com","password":"`+testPassword+`"}`), "")
	require.Equal(t, http.StatusOK, status, string(raw))
	var login map[string]any
	require.NoError(t, json.Unmarshal(raw, &login))
	require.Equal(t, true, login["success"])
	require.Equal(t, "bearer", login["token_type"])
	token, _ := login["access_token"].(string)
	require.NotEmpty(t, token)
	user, _ := login["user"].(map[string]any)
	require.Equal(t, "seller@example.com", user["email"])
	require.Equal(t, "Sam Seller", user["name"])
	require.Equal(t, false, user["is_admin"])
	require.NotZero(t, user["id"])
	// A wrong password: the extension shows the problem's detail.
	status, raw = post("/api/v1/auth/login", []byte(`{"email":"seller@example.com","password":"wrong password"}`), "")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, string(raw), `"detail":"wrong email or password"`)

	// verifyToken(): GET /auth/verify → {valid, user}.
	status, raw = get("/api/v1/auth/verify", token)
	require.Equal(t, http.StatusOK, status, string(raw))
	var verify struct {
		Valid bool           `json:"valid"`
		User  map[string]any `json:"user"`
	}
	require.NoError(t, json.Unmarshal(raw, &verify))
	require.True(t, verify.Valid)
	require.Equal(t, "seller@example.com", verify.User["email"])
	for _, bad := range []string{"", "vocs_notarealsession", "voc_0000"} {
		status, raw = get("/api/v1/auth/verify", bad)
		require.Equal(t, http.StatusOK, status, string(raw))
		require.JSONEq(t, `{"valid":false,"user":null}`, string(raw))
	}

	// uploadReviews(): one push per page to /reviews/ingest/queue.
	asin := "B0EXTDE001"
	for _, page := range [][2]int{{0, 5}, {5, 10}, {10, 12}} {
		status, raw = post("/api/v1/reviews/ingest/queue", extensionPage(asin, "DE", page[0], page[1]), token)
		require.Equal(t, http.StatusAccepted, status, string(raw))
	}
	// Unknown ASIN: 404 (the extension retries while it waits for ingest).
	status, raw = post("/api/v1/products/B0UNKNOWN1/collection-complete?workflow_mode=one_step_insight", nil, token)
	require.Equal(t, http.StatusNotFound, status, string(raw))
	require.Contains(t, string(raw), "no product has ASIN B0UNKNOWN1")

	// collection-complete without a marketplace: the DE product.
	status, raw = post("/api/v1/products/"+asin+"/collection-complete?workflow_mode=one_step_insight", nil, token)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	var cc struct {
		ProductID   int64  `json:"product_id"`
		Marketplace string `json:"marketplace"`
		Status      string `json:"status"`
	}
	require.NoError(t, json.Unmarshal(raw, &cc))
	require.Equal(t, "DE", cc.Marketplace)
	require.Equal(t, "started", cc.Status)
	a := e.waitFinal(cc.ProductID, 2*time.Minute)
	require.Equal(t, len(extensionReviews), a.ReviewsTotal)
	require.Equal(t, 2, e.count(`SELECT count(*) FROM reports WHERE analysis_id = $1`, a.ID))
	require.Equal(t, 1, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND variant = 'Farbe: Schwarz'
		AND has_video AND video_url <> '' AND array_length(image_urls, 1) = 1 AND review_url LIKE 'https://www.amazon.de/%'`, cc.ProductID))

	// by-asin finds it; the same ASIN in UK makes a bare ASIN ambiguous.
	status, raw = get("/api/v1/products/by-asin/"+asin, token)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Contains(t, string(raw), fmt.Sprintf(`"id":%d`, cc.ProductID))
	status, raw = post("/api/v1/reviews/ingest/queue", extensionPage(asin, "UK", 0, 3), token)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	jobsBefore := e.count(`SELECT count(*) FROM river_job`)
	analysesBefore := e.count(`SELECT count(*) FROM analyses`)
	for _, path := range []string{"/api/v1/products/" + asin + "/collection-complete?workflow_mode=one_step_insight", "/api/v1/products/by-asin/" + asin} {
		if path[len(path)-1] == '1' {
			status, raw = get(path, token)
		} else {
			status, raw = post(path, nil, token)
		}
		require.Equal(t, http.StatusConflict, status, string(raw))
		var amb struct {
			Detail     string `json:"detail"`
			Candidates []struct {
				ID          int64  `json:"id"`
				Marketplace string `json:"marketplace"`
			} `json:"candidates"`
		}
		require.NoError(t, json.Unmarshal(raw, &amb), string(raw))
		require.Len(t, amb.Candidates, 2)
		require.Equal(t, "DE", amb.Candidates[0].Marketplace)
		require.Equal(t, "UK", amb.Candidates[1].Marketplace)
		require.Contains(t, amb.Detail, "?marketplace=")
	}
	require.Equal(t, jobsBefore, e.count(`SELECT count(*) FROM river_job`), "a 409 queues nothing")
	require.Equal(t, analysesBefore, e.count(`SELECT count(*) FROM analyses`))
	// With the marketplace it is unambiguous.
	status, raw = post("/api/v1/products/"+asin+"/collection-complete?workflow_mode=translate_only&marketplace=UK", nil, token)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.Contains(t, string(raw), `"marketplace":"UK"`)

	// Signing out ends the access token.
	req, _ := http.NewRequest(http.MethodDelete, e.url+"/api/v1/session", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	status, raw = get("/api/v1/auth/verify", token)
	require.JSONEq(t, `{"valid":false,"user":null}`, string(raw), status)
}
