package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pipelineBench uploads a file, waits for the preliminary and final
// reports, and reads the wire rate from the simulator's arrival log.
func pipelineBench(args []string) error {
	fs := flag.NewFlagSet("pipeline", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "voc base URL")
	token := fs.String("token", os.Getenv("VOC_TOKEN"), "API token (VOC_TOKEN)")
	sim := fs.String("sim", "http://127.0.0.1:8090", "llmsim base URL (arrivals are read there)")
	file := fs.String("file", "reviews.csv", "CSV to upload")
	asin := fs.String("asin", fmt.Sprintf("B0P%07d", time.Now().Unix()%10_000_000), "product")
	rps := fs.Float64("rps", 200, "the budget, for the limit column")
	pids := fs.String("pids", "", "comma-separated voc process ids whose peak RSS to sample")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after")
	_ = fs.Parse(args)

	content, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: time.Minute}
	if err := simDo(hc, http.MethodDelete, *sim+"/stats/arrivals", nil); err != nil {
		return fmt.Errorf("reset simulator arrivals: %w", err)
	}
	var pidList []int
	for _, p := range strings.Split(*pids, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			pidList = append(pidList, n)
		}
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("asin", *asin)
	_ = mw.WriteField("marketplace", "US")
	fw, _ := mw.CreateFormFile("file", filepath.Base(*file))
	_, _ = fw.Write(content)
	_ = mw.Close()

	start := time.Now()
	var acc struct {
		ProductID int64 `json:"product_id"`
	}
	if err := apiDo(hc, http.MethodPost, *url+"/api/v1/uploads", *token, mw.FormDataContentType(), &b, &acc, http.StatusAccepted); err != nil {
		return err
	}
	var prelim, final time.Duration
	peakRSS := map[int]int64{}
	var peakInFlight int64
	next := time.Now()
	for final == 0 && time.Since(start) < *timeout {
		var reps struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		if err := apiDo(hc, http.MethodGet, fmt.Sprintf("%s/api/v1/products/%d/reports", *url, acc.ProductID), *token, "", nil, &reps, http.StatusOK); err != nil {
			return err
		}
		for _, r := range reps.Items {
			if r.Kind == "preliminary" && prelim == 0 {
				prelim = time.Since(start)
			}
			if r.Kind == "final" && final == 0 {
				final = time.Since(start)
				if prelim == 0 {
					prelim = final
				}
			}
		}
		for _, p := range pidList {
			peakRSS[p] = max(peakRSS[p], rssKB(p))
		}
		var st struct {
			InFlight int64 `json:"in_flight"`
		}
		if err := simGet(hc, *sim+"/stats", &st); err == nil {
			peakInFlight = max(peakInFlight, st.InFlight)
		}
		next = next.Add(200 * time.Millisecond)
		time.Sleep(time.Until(next))
	}
	if final == 0 {
		return fmt.Errorf("no final report after %s", *timeout)
	}
	var arr struct {
		Requests     int   `json:"requests"`
		PerSecond    []int `json:"per_second"`
		MaxPerSecond int   `json:"max_per_second"`
		MaxSliding1s int   `json:"max_sliding_1s"`
	}
	if err := simGet(hc, *sim+"/stats/arrivals", &arr); err != nil {
		return err
	}
	res := map[string]any{
		"s_to_preliminary": round(prelim.Seconds()), "s_to_final": round(final.Seconds()),
		"llm_requests":       arr.Requests,
		"limit_final_s":      round(1.25 * (float64(arr.Requests)/(*rps) + 10)),
		"budget_bound_s":     round(float64(arr.Requests)/(*rps) + 10),
		"median_middle60":    middleMedian(arr.PerSecond),
		"max_per_second":     arr.MaxPerSecond,
		"max_sliding_1s":     arr.MaxSliding1s,
		"peak_sim_in_flight": peakInFlight,
		"per_second":         arr.PerSecond,
	}
	for p, kb := range peakRSS {
		res[fmt.Sprintf("peak_rss_mb_pid_%d", p)] = round(float64(kb) / 1024)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// middleMedian is the median of the per-second counts over the middle 60%
// of the run (ramp-up and tail left out).
func middleMedian(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	lo, hi := len(xs)*2/10, len(xs)*8/10
	if hi <= lo {
		lo, hi = 0, len(xs)
	}
	m := slices.Clone(xs[lo:hi])
	slices.Sort(m)
	if len(m)%2 == 1 {
		return float64(m[len(m)/2])
	}
	return float64(m[len(m)/2-1]+m[len(m)/2]) / 2
}

func round(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// rssKB reads a process's peak resident set size (VmHWM) from /proc.
func rssKB(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func apiDo(hc *http.Client, method, url, token, ct string, body io.Reader, out any, want int) error {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %s", method, url, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

func simGet(hc *http.Client, url string, out any) error {
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

func simDo(hc *http.Client, method, url string, body io.Reader) error {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: status %d", method, url, resp.StatusCode)
	}
	return nil
}
